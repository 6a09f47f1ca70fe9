"""`reportgen send --lang zh`: dry-run lines, the confirmation and its answers, in Chinese."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from reportgen.cli.app import cli
from tests.delivery.test_send import (  # noqa: F401 - the fixture is used by name
    LEADERSHIP,
    MONTH,
    SOUTH,
    SOUTH_TO,
    USER,
    Recorder,
    chinese_pack,
    smtp_server,
    workdir,
)

pytestmark = pytest.mark.slow


def _send(work, *extra: str, input: str | None = None):
    return CliRunner().invoke(cli, ["send", *work.args("--lang", "zh", "--month", MONTH,
                                                       "--region", SOUTH, *extra)],
                              input=input, catch_exceptions=False)


def test_dry_run_in_chinese_prints_chinese(chinese_pack, tmp_path):  # noqa: F811
    work = workdir(chinese_pack, tmp_path)
    work.settings(sender=USER, leadership=LEADERSHIP)
    result = _send(work, "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"已写入 {work.folder / 'outbox' / f'{SOUTH}.eml'}",
        "已写出 1 封邮件；未发送任何邮件（--dry-run）。",
    ]


def test_confirmation_in_chinese_names_its_answers(chinese_pack, tmp_path):  # noqa: F811
    work = workdir(chinese_pack, tmp_path)
    recorder = Recorder()
    size = f"{(work.folder / 'packs' / f'{SOUTH}.pdf').stat().st_size / 1024:,.0f} KB"
    with smtp_server(recorder) as port:
        work.settings(host="127.0.0.1", port=port, security="none", sender=USER,
                      leadership=LEADERSHIP)
        listing = [
            f"即将通过 127.0.0.1:{port}（none）以 {USER} 的名义发送 1 封邮件：",
            f"  {SOUTH} → {SOUTH_TO[0]}：“2026年10月 华南 月度经营分析.pdf”（{size}）",
        ]
        declined = _send(work, input="n\n")
        assert declined.exit_code == 1
        assert declined.output.splitlines() == [
            *listing, "确认发送吗？输入 y 发送，输入 n 取消。 [y/N]: n", "错误：未发送任何邮件"]
        assert recorder.received == []
        accepted = _send(work, input="y\n")
        assert accepted.exit_code == 0, accepted.output
        assert accepted.output.splitlines()[2:] == [
            "确认发送吗？输入 y 发送，输入 n 取消。 [y/N]: y",
            f"{SOUTH}：已发送给 {SOUTH_TO[0]}",
            f"已发送 1 封邮件；记录在 {work.folder / 'sent.json'}。",
        ]
    assert [r.recipients for r in recorder.received] == [SOUTH_TO]


def test_send_help_in_chinese():
    result = CliRunner().invoke(cli, ["send", "--lang", "zh", "--help"])
    assert result.exit_code == 0
    assert "把各区域的月度经营分析包发给该区域的领导" in result.output
    assert "不询问确认，直接发送。" in result.output
    assert "每次等待邮件服务器答复的最长秒数。" in result.output
