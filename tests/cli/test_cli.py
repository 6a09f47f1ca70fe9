"""The command line: messages, exit codes, help text, init and demo."""

from __future__ import annotations

import hashlib

import pytest
from click.testing import CliRunner

from reportgen.cli.app import cli
from tests.workbooks import CLIENTS, SALES, write_xlsx


@pytest.fixture
def runner():
    return CliRunner()


def test_every_command_has_help_text(runner):
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name, command in cli.commands.items():
        assert command.help and len(command.help) > 40, f"{name} lacks help text"
        sub = runner.invoke(cli, [name, "--help"])
        assert sub.exit_code == 0
        assert "--inputs" in sub.output


def test_version(runner):
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output.startswith("reportgen, version ")


def test_check_good_data_prints_summary_and_exits_0(runner, tmp_path):
    write_xlsx(tmp_path / "book.xlsx", {"Clients": CLIENTS, "Sales": SALES})
    result = runner.invoke(cli, ["check", "--inputs", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == (
        "Read 1 file(s): 2 clients, 2 sales lines (2026-09 to 2026-10). 0 error(s), 0 warning(s).")


def test_check_missing_sheet_exits_1_with_one_line_error(runner, tmp_path):
    write_xlsx(tmp_path / "book.xlsx", {"Clients": CLIENTS})
    result = runner.invoke(cli, ["check", "--inputs", str(tmp_path)])
    assert result.exit_code == 1
    assert ('error: no Sales sheet was found; files read: book.xlsx (sheets "Clients": '
            'Clients)') in result.output
    assert result.output.strip().splitlines()[-1] == (
        "Error: the inputs have 1 error(s); see the messages above")
    assert "Traceback" not in result.output


def test_check_strict_turns_warnings_into_errors(runner, tmp_path):
    write_xlsx(tmp_path / "book.xlsx", {"Clients": CLIENTS, "Sales": [*SALES, SALES[1]]})
    lenient = runner.invoke(cli, ["check", "--inputs", str(tmp_path)])
    assert lenient.exit_code == 0
    assert "1 warning(s)" in lenient.output
    strict = runner.invoke(cli, ["check", "--inputs", str(tmp_path), "--strict"])
    assert strict.exit_code == 1
    assert strict.output.strip().splitlines()[-1] == (
        "Error: --strict: the inputs have 1 warning(s); see the messages above")


def test_missing_inputs_folder(runner, tmp_path):
    result = runner.invoke(cli, ["check", "--inputs", str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert f"error: the inputs folder {tmp_path / 'nope'} does not exist" in result.output


def test_bad_month_is_a_usage_error(runner, tmp_path):
    result = runner.invoke(cli, ["check", "--inputs", str(tmp_path), "--month", "10/2026"])
    assert result.exit_code == 2
    assert "'10/2026' is not a month; write it as YYYY-MM, e.g. 2026-10" in result.output


def test_bad_config_lists_every_problem_and_exits_2(runner, tmp_path):
    cfg = tmp_path / "reportgen.toml"
    cfg.write_text("[tiers]\nclass_a = 1.5\nclas_b = 0.9\n", encoding="utf-8")
    write_xlsx(tmp_path / "in" / "book.xlsx", {"Clients": CLIENTS, "Sales": SALES})
    result = runner.invoke(cli, ["check", "--inputs", str(tmp_path / "in"), "--config", str(cfg)])
    assert result.exit_code == 2
    assert result.output.strip() == (
        f"Error: {cfg} has 2 problem(s): tiers.class_a: Input should be less than 1; "
        "tiers.clas_b: unknown setting")


def test_unexpected_failure_is_one_line_unless_debug(runner, tmp_path, monkeypatch):
    write_xlsx(tmp_path / "book.xlsx", {"Clients": CLIENTS, "Sales": SALES})

    def boom(*_a, **_k):
        raise RuntimeError("boom")

    monkeypatch.setattr("reportgen.inputs.load.load_inputs", boom)
    result = runner.invoke(cli, ["check", "--inputs", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Error: unexpected problem (RuntimeError: boom); run the command again with --debug "
        "and send the output to the reportgen maintainers")
    debug = runner.invoke(cli, ["check", "--inputs", str(tmp_path), "--debug"])
    assert isinstance(debug.exception, RuntimeError)


def test_init_writes_example_and_config_and_never_overwrites(runner, tmp_path):
    result = runner.invoke(cli, ["init", str(tmp_path / "work")])
    assert result.exit_code == 0, result.output
    workbook = tmp_path / "work" / "inputs" / "example.xlsx"
    config = tmp_path / "work" / "reportgen.toml"
    assert workbook.is_file() and config.is_file()
    config.write_text("# mine\n", encoding="utf-8")
    again = runner.invoke(cli, ["init", str(tmp_path / "work")])
    assert again.exit_code == 0
    assert "nothing was overwritten" in again.output
    assert config.read_text(encoding="utf-8") == "# mine\n"


def test_init_example_passes_check(runner, tmp_path):
    assert runner.invoke(cli, ["init", str(tmp_path)]).exit_code == 0
    result = runner.invoke(cli, ["check", "--inputs", str(tmp_path / "inputs"),
                                 "--config", str(tmp_path / "reportgen.toml")])
    assert result.exit_code == 0, result.output


def test_demo_writes_the_sample_into_an_empty_folder_only(runner, tmp_path):
    inputs = tmp_path / "inputs"
    result = runner.invoke(cli, ["demo", "--inputs", str(inputs), "--out", str(tmp_path / "o"),
                                 "--format", "html"])
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in inputs.iterdir())
    assert written
    hashes = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in inputs.iterdir()}
    again = runner.invoke(cli, ["demo", "--inputs", str(inputs), "--out", str(tmp_path / "o"),
                                "--format", "html"])
    assert again.exit_code == 0
    assert "wrote sample" not in again.output
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in inputs.iterdir()} == hashes



def _folder_without_sales(folder):
    """Two workbooks, neither with a Sales sheet: one with clients, one with an orders sheet."""
    write_xlsx(folder / "clients.xlsx", {"客户": CLIENTS, "Notes": [["prepared by"]]})
    write_xlsx(folder / "orders.xlsx", {"Orders": SALES})


def test_no_sales_sheet_lists_each_file_and_sheet_in_english(runner, tmp_path):
    _folder_without_sales(tmp_path)
    result = runner.invoke(cli, ["check", "--inputs", str(tmp_path), "--lang", "en"])
    assert result.exit_code == 1
    assert (
        'error: no Sales sheet was found; files read: clients.xlsx (sheets "客户": Clients, '
        '"Notes": not used); orders.xlsx (sheets "Orders": not used) — name the sheet with the '
        'sales lines "Sales" (or 销售), or map it under [sheets] in reportgen.toml'
    ) in result.output.splitlines()
    assert "Traceback" not in result.output


def test_no_sales_sheet_lists_each_file_and_sheet_in_chinese(runner, tmp_path):
    _folder_without_sales(tmp_path)
    result = runner.invoke(cli, ["check", "--inputs", str(tmp_path), "--lang", "zh"])
    assert result.exit_code == 1
    assert (
        "错误：找不到销售表；读取的文件：clients.xlsx（工作表：“客户”按客户表读取、“Notes”未使用）；"
        "orders.xlsx（工作表：“Orders”未使用）——请把存放销售明细的工作表命名为“销售”（或 Sales），"
        "或在 reportgen.toml 的 [sheets] 下做对应设置"
    ) in result.output.splitlines()


@pytest.mark.parametrize("lang, line", [
    ("en", "error: the inputs folder {folder} holds only Office lock files or hidden temp files "
           "(.book.xlsx, .~lock.book.xlsx#, ~$book.xlsx), no workbook — copy the workbooks "
           "themselves into it; a lock file such as ~$book.xlsx only means that the workbook "
           "was open in Excel or WPS"),
    ("zh", "错误：输入文件夹 {folder} 中只有 Office 锁定文件或隐藏的临时文件（“.book.xlsx”、"
           "“.~lock.book.xlsx#”、“~$book.xlsx”），没有工作簿——请把工作簿本身复制进来；~$book.xlsx "
           "这样的锁定文件只说明该工作簿当时在 Excel 或 WPS 中打开着"),
])
def test_folder_of_only_lock_files_says_so(runner, tmp_path, lang, line):
    (tmp_path / "~$book.xlsx").write_bytes(b"\x05Owner" + bytes(160))
    (tmp_path / ".~lock.book.xlsx#").write_text("user,host,/tmp,31.10.2026 12:00;\n")
    write_xlsx(tmp_path / ".book.xlsx", {"Sales": SALES})
    result = runner.invoke(cli, ["check", "--inputs", str(tmp_path), "--lang", lang])
    assert result.exit_code == 1
    assert line.format(folder=tmp_path) in result.output.splitlines()
