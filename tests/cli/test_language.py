"""One language for the whole tool: how it is chosen, and what a Chinese run prints."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from reportgen import __version__, i18n
from reportgen.cli import language
from reportgen.cli.app import cli
from tests.workbooks import CLIENTS, SALES, write_xlsx

BAD_DATE_ZH = (
    "警告：book.xlsx，工作表“Sales”，第 4 行，“date”列：无法把 \"31/02/2026\" 识别为日期："
    "2026年2月没有31日；该行已跳过——请按 2026-10-03 的格式填写日期")
BAD_DATE_EN = (
    'warning: book.xlsx, sheet "Sales", row 4, column "date": cannot read "31/02/2026" as a '
    "date: February 2026 has no day 31; the row was skipped — write the date as 2026-10-03")


@pytest.fixture
def runner():
    return CliRunner()


def _bad_date(folder):
    write_xlsx(folder / "book.xlsx", {"Clients": CLIENTS,
                                      "Sales": [*SALES, ["31/02/2026", "C1", 10, "O3"]]})
    return folder


def _lines(result):
    return result.output.strip().splitlines()


# --------------------------------------------------------------------------- exact messages

def test_bad_date_in_chinese(runner, tmp_path):
    result = runner.invoke(cli, ["check", "--inputs", str(_bad_date(tmp_path)), "--lang", "zh"])
    assert result.exit_code == 0
    assert _lines(result) == [
        BAD_DATE_ZH,
        "已读取 1 个文件：2 个客户、2 条销售明细（2026-09 至 2026-10）。跳过 1 行，涉及金额 "
        "10.00。错误 0 个，警告 1 个。",
    ]


@pytest.mark.parametrize(("lang", "summary"), [
    ("en", "Read 1 file(s): 2 clients, 2 sales lines (2026-09 to 2026-10). 2 row(s) skipped, "
           "carrying 10.00 in amounts, not counting 1 amount(s) that could not be read. "
           "0 error(s), 2 warning(s)."),
    ("zh", "已读取 1 个文件：2 个客户、2 条销售明细（2026-09 至 2026-10）。跳过 2 行，涉及金额 "
           "10.00，其中 1 个金额无法读取，未计入。错误 0 个，警告 2 个。"),
])
def test_a_skipped_amount_too_large_to_read_is_not_counted_as_nothing(runner, tmp_path, lang,
                                                                        summary):
    # Row 4 names an unknown client and carries 10; row 5's amount is over the limit, so its
    # money is unknown: the summary must not let "10.00" read as all that was left out.
    write_xlsx(tmp_path / "book.xlsx", {"Clients": CLIENTS, "Sales": [
        *SALES, ["2026-10-04", "C9", 10, "O3"], ["2026-10-05", "C1", 5_000_000_000_000, "O4"]]})
    result = runner.invoke(cli, ["check", "--inputs", str(tmp_path), "--lang", lang])
    assert result.exit_code == 0
    assert _lines(result)[-1] == summary


def test_unknown_client_in_chinese_explains_the_column_once(runner, tmp_path):
    write_xlsx(tmp_path / "book.xlsx", {"Clients": CLIENTS,
                                        "Sales": [*SALES, ["2026-10-04", "C9", 10, "O3"]]})
    result = runner.invoke(cli, ["check", "--inputs", str(tmp_path), "--lang", "zh"])
    assert result.exit_code == 0
    assert _lines(result)[0] == (
        "警告：book.xlsx，工作表“Sales”，第 4 行，“client_id”列：client_id（客户编号）为“C9”的"
        "客户不在客户名单中；该行已跳过——请把该客户添加到客户表，或更正客户编号")


def test_missing_column_in_chinese(runner, tmp_path):
    write_xlsx(tmp_path / "book.xlsx", {
        "Clients": CLIENTS,
        "Sales": [["date", "client_id", "order_id"], ["2026-10-03", "C1", "O1"]]})
    result = runner.invoke(cli, ["check", "--inputs", str(tmp_path), "--lang", "zh"])
    assert result.exit_code == 1
    assert _lines(result)[0] == (
        "错误：book.xlsx，工作表“Sales”，第 1 行：销售表缺少必需的列：amount（金额）；现有的列："
        "“date, client_id, order_id”——请添加这一列，或在 reportgen.toml 的 [columns.sales] 下"
        "填写您表中对应的列名")
    assert _lines(result)[-1] == "错误：输入数据有 1 个错误；请查看上面的提示"


def test_file_that_is_not_a_workbook_in_chinese(runner, tmp_path):
    write_xlsx(tmp_path / "book.xlsx", {"Clients": CLIENTS, "Sales": SALES})
    (tmp_path / "notes.xlsx").write_text("hello, this is text", encoding="utf-8")
    result = runner.invoke(cli, ["check", "--inputs", str(tmp_path), "--lang", "zh"])
    assert result.exit_code == 1
    assert _lines(result)[0] == (
        "错误：notes.xlsx：该文件不是 Excel 工作簿（看起来是 CSV 或文本文件）——如果这是 CSV "
        "文件，请把文件名改为以 .csv 结尾")


def test_english_stays_as_it_was(runner, tmp_path):
    result = runner.invoke(cli, ["check", "--inputs", str(_bad_date(tmp_path))])
    assert _lines(result)[0] == BAD_DATE_EN


# --------------------------------------------------------------------------- where it comes from

def test_lang_variable_gives_chinese_without_lang(runner, tmp_path):
    result = runner.invoke(cli, ["check", "--inputs", str(_bad_date(tmp_path))],
                           env={"LANG": "zh_CN.UTF-8"})
    assert _lines(result)[0] == BAD_DATE_ZH


def test_lc_all_outranks_lang(runner, tmp_path):
    result = runner.invoke(cli, ["check", "--inputs", str(_bad_date(tmp_path))],
                           env={"LANG": "zh_CN.UTF-8", "LC_ALL": "en_US.UTF-8"})
    assert _lines(result)[0] == BAD_DATE_EN


def test_settings_file_gives_chinese_and_lang_on_the_command_line_wins(runner, tmp_path,
                                                                      monkeypatch):
    inputs = _bad_date(tmp_path / "inputs")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "reportgen.toml").write_text('[report]\nlang = "zh"\n', encoding="utf-8")
    chinese = runner.invoke(cli, ["check", "--inputs", str(inputs)])
    english = runner.invoke(cli, ["check", "--inputs", str(inputs), "--lang", "en"],
                            env={"LANG": "zh_CN.UTF-8"})
    assert _lines(chinese)[0] == BAD_DATE_ZH
    assert _lines(english)[0] == BAD_DATE_EN


def test_settings_file_named_with_config(runner, tmp_path):
    config = tmp_path / "settings.toml"
    config.write_text('[report]\nlang = "zh"\n', encoding="utf-8")
    result = runner.invoke(cli, ["check", "--inputs", str(_bad_date(tmp_path / "in")),
                                 f"--config={config}"])
    assert _lines(result)[0] == BAD_DATE_ZH


@pytest.mark.parametrize(("args", "env", "lang"), [
    ([], {}, "en"),
    ([], {"LANG": "zh_CN.UTF-8"}, "zh"),
    ([], {"LANG": "zh_TW.UTF-8"}, "zh"),
    ([], {"LC_MESSAGES": "zh_CN", "LANG": "en_GB.UTF-8"}, "zh"),
    ([], {"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}, "en"),
    ([], {"LANG": "de_DE.UTF-8"}, "en"),
    (["check", "--lang", "zh"], {}, "zh"),
    (["check", "--lang=zh"], {}, "zh"),
    (["check", "--lang", "en"], {"LANG": "zh_CN.UTF-8"}, "en"),
    (["check", "--lang", "fr"], {"LANG": "zh_CN.UTF-8"}, "zh"),  # Click refuses it, in Chinese
])
def test_resolve_language(tmp_path, monkeypatch, args, env, lang):
    monkeypatch.chdir(tmp_path)
    assert language.resolve_language(args, env) == lang


def test_a_broken_settings_file_does_not_decide(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "reportgen.toml").write_text("[report\nlang = zh", encoding="utf-8")
    assert language.resolve_language(["check"], {"LANG": "zh_CN.UTF-8"}) == "zh"
    assert language.resolve_language(["check"], {}) == "en"


def test_the_language_is_put_back_after_a_run(runner, tmp_path):
    runner.invoke(cli, ["check", "--inputs", str(tmp_path), "--lang", "zh"])
    assert i18n.current_language() == "en"


# --------------------------------------------------------------------------- Click's words

def test_click_messages_go_through_reportgen_catalogs():
    patched = language.install_click_translations()
    # A Click upgrade that moves its gettext calls must fail here, not silently speak English.
    assert {"core", "exceptions", "parser", "types", "formatting", "decorators"} <= set(patched)


def test_usage_error_in_chinese(runner):
    result = runner.invoke(cli, ["check", "--zzz"], env={"LANG": "zh_CN.UTF-8"},
                           prog_name="reportgen")
    assert result.exit_code == 2
    assert _lines(result) == [
        "用法： reportgen check [OPTIONS]",
        "可运行“reportgen check --help”查看帮助。",
        "",
        "错误：没有 '--zzz' 这个选项。",
    ]


def test_invalid_choice_in_chinese(runner):
    result = runner.invoke(cli, ["run", "--lang", "fr"], env={"LANG": "zh_CN.UTF-8"})
    assert result.exit_code == 2
    assert _lines(result)[-1] == "错误：'--lang' 的取值无效：'fr' 不是可选值之一：'en', 'zh'。"


def test_our_own_bad_parameter_in_chinese(runner):
    result = runner.invoke(cli, ["check", "--month", "10/2026", "--lang", "zh"])
    assert result.exit_code == 2
    assert _lines(result)[-1] == (
        "错误：'--month' 的取值无效：'10/2026' 不是月份；请写成 YYYY-MM 的形式，例如 2026-10")


def test_version_is_the_same_in_chinese(runner):
    result = runner.invoke(cli, ["--version"], env={"LANG": "zh_CN.UTF-8"})
    assert result.output == f"reportgen, version {__version__}\n"


def test_chinese_help_for_run(runner):
    result = runner.invoke(cli, ["run", "--help", "--lang", "zh"], prog_name="reportgen")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[:3] == ["用法： reportgen run [OPTIONS]", "",
                         "  完成当月的全部工作：分析工作簿、客户计划、月度经营分析和索引页。"]
    text = result.output
    for expected in ("选项:", "存放当月工作簿的文件夹。 [默认：inputs]", "把警告当作错误处理。",
                     "即使内容没有变化也重新生成。", "显示此帮助信息并退出。"):
        assert expected in text
    # Laid out by display width: a Chinese character takes two of the 80 columns.
    assert max(language.display_width(line) for line in lines) <= 80
    assert not re.search(r"[A-Za-z]{3,} [a-z]{3,} [a-z]{3,}", text.split("选项:")[0])


def test_help_option_follows_each_run_language(runner):
    # Click keeps a command's --help option once made: an English run first must not fix it.
    for lang, text in [("en", "Show this message and exit."), ("zh", "显示此帮助信息并退出。"),
                       ("en", "Show this message and exit.")]:
        assert text in runner.invoke(cli, ["check", "--help", "--lang", lang]).output
        assert text in runner.invoke(cli, ["--help"], env={"LANG": f"{lang}_CN.UTF-8"}).output


def test_chinese_command_list(runner):
    result = runner.invoke(cli, ["--help"], env={"LANG": "zh_CN.UTF-8"})
    assert "  check    读取并检查工作簿，列出发现的每一个问题。" in result.output
    assert "  --version   显示版本号并退出。" in result.output


def test_english_help_is_unchanged(runner):
    result = runner.invoke(cli, ["check", "--help"], prog_name="reportgen")
    assert result.output.splitlines()[:5] == [
        "Usage: reportgen check [OPTIONS]", "",
        "  Read and check the workbooks, and list every problem found.", "",
        "  Each problem names the file, sheet, row and column, and says what to do. The",
    ]


@pytest.mark.parametrize(("text", "width", "lines"), [
    ("读取并检查工作簿，列出发现的每一个问题。", 20,
     ["读取并检查工作簿，列", "出发现的每一个问题。"]),
    # Closing punctuation never starts a line, nor hangs past the width: it takes the
    # character before it along. A Latin word is not cut.
    ("一二三四五六七八九，十", 18, ["一二三四五六七八", "九，十"]),
    ("一二三四五六七八）。十", 16, ["一二三四五六七", "八）。十"]),
    ("写入 index.html 文件", 12, ["写入", "index.html", "文件"]),
    # Opening punctuation never ends a line: it goes on with the word after it.
    ("说明文字。 [默认：2.0]", 12, ["说明文字。", "[默认：2.0]"]),
    ("一二三四五六七八（九十", 16, ["一二三四五六七八", "（九十"]),
])
def test_wrap_by_display_width(text, width, lines):
    assert language.wrap(text, width) == lines


# --------------------------------------------------------------------------- files it writes

def test_data_quality_workbook_in_the_run_language_with_a_stable_code(runner, tmp_path):
    inputs = _bad_date(tmp_path / "inputs")
    rows = {}
    for lang in ("en", "zh"):
        out = tmp_path / f"out-{lang}"
        result = runner.invoke(cli, ["analyze", "--inputs", str(inputs), "--out", str(out),
                                     "--lang", lang])
        assert result.exit_code == 0, result.output
        sheet = load_workbook(out / "2026-10" / "data-quality.xlsx").active
        rows[lang] = [[c.value for c in row] for row in sheet.iter_rows()]
    header = ["severity", "file", "sheet", "row", "column", "value", "message", "hint", "code",
              "skipped", "amount"]
    assert rows["en"][0] == rows["zh"][0] == header
    en, zh = rows["en"][1], rows["zh"][1]
    assert en[:6] == zh[:6] == ["warning", "book.xlsx", "Sales", 4, "date", "31/02/2026"]
    assert en[6:9] == ["cannot read \"31/02/2026\" as a date: February 2026 has no day 31; the "
                       "row was skipped", "write the date as 2026-10-03", "bad_date"]
    assert zh[6:9] == ["无法把 \"31/02/2026\" 识别为日期：2026年2月没有31日；该行已跳过",
                       "请按 2026-10-03 的格式填写日期", "bad_date"]
    assert en[9:] == zh[9:] == [True, 10]


def test_init_in_chinese_sets_chinese_and_check_and_run_speak_it(runner, tmp_path,
                                                                  monkeypatch):
    monkeypatch.chdir(tmp_path)
    init = runner.invoke(cli, ["init", "--lang", "zh"])
    assert init.exit_code == 0
    assert _lines(init) == ["已写入 inputs/示例.xlsx", "已写入 reportgen.toml",
                            "请填写示例工作簿（或把您自己的工作簿复制到 inputs/），然后运行："
                            "reportgen check"]
    config = (tmp_path / "reportgen.toml").read_text(encoding="utf-8")
    assert "\n[report]\nlang = \"zh\"\n" in config
    assert "# 文档和 reportgen 所有提示信息的语言" in config
    check = runner.invoke(cli, ["check"])  # no --lang: the settings file says Chinese
    assert check.exit_code == 0, check.output
    assert _lines(check)[-1].startswith("已读取 1 个文件：")
    run = runner.invoke(cli, ["run", "--format", "html"])
    assert run.exit_code == 0, run.output
    assert "正在生成文档" in run.output  # the progress bar's label
    assert "客户分级（共 3 个客户）：" in run.output
    assert re.search(r"已写入 \d+ 个文件，0 个未变化", run.output)


def test_chinese_help_for_watch(runner):
    result = runner.invoke(cli, ["watch", "--help"], env={"LANG": "zh_CN.UTF-8", "LC_ALL": None},
                           prog_name="reportgen")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[:3] == ["用法： reportgen watch [OPTIONS]", "",
                         "  每当输入文件夹中的工作簿有改动，就重新生成本月的文档。"]
    assert "无法使用的工作簿会被报告出来，监视照常继续。按 Ctrl-C 停止。" in result.output
    settle = next(i for i, line in enumerate(lines) if line.startswith("  --settle SECONDS"))
    assert "".join(line.strip() for line in lines[settle:settle + 2]) == (
        "--settle SECONDS       工作簿改动后须保持多少秒不再变化，才重新生成文档。 "
        "[默认：2.0; x>0]")
    # An opening bracket never ends a line.
    assert not [line for line in lines if line.rstrip().endswith(("[", "（"))]
    assert max(language.display_width(line) for line in lines) <= 80
    assert not re.search(r"[A-Za-z]{3,} [a-z]{3,} [a-z]{3,}", result.output)


# --------------------------------------------------------------------------- a whole month

@pytest.mark.slow
def test_a_chinese_month(runner, tmp_path, monkeypatch):
    """LANG=zh_CN.UTF-8, no --lang: init, check, run and watch say every line in Chinese."""
    from tests.delivery.test_watch import WatchProcess, chinese_environment
    from tests.inputs.test_hostile import chinese_line_problem

    monkeypatch.chdir(tmp_path)
    env = {"LANG": "zh_CN.UTF-8", "LC_ALL": None, "LC_MESSAGES": None, "LANGUAGE": None}
    printed: list[str] = []
    for args in (["init"], ["check"], ["run", "--format", "html", "--jobs", "1"]):
        result = runner.invoke(cli, args, env=env)
        assert result.exit_code == 0, result.output
        printed += _lines(result)
    assert printed[:2] == ["已写入 inputs/示例.xlsx", "已写入 reportgen.toml"]
    assert "已写入 6 个文件，0 个未变化，位于 outputs/2026-10；请打开 outputs/2026-10/index.html" \
        in printed

    workbook = tmp_path / "inputs" / "示例.xlsx"
    broken = tmp_path / "inputs" / "坏.xlsx"
    watch = WatchProcess(["--format", "html", "--jobs", "1", "--settle", "0.2"], cwd=tmp_path,
                         env=chinese_environment())
    try:
        started = watch.until(lambda line: line.startswith("正在监视"))
        assert started[0] == "正在根据 inputs 生成文档"
        assert started[-2:] == ["2026-10 自上次运行以来没有变化：未写入任何文件；请打开 "
                                "outputs/2026-10/index.html",
                                "正在监视 inputs 中的改动；按 Ctrl-C 停止。"]
        workbook.write_bytes(workbook.read_bytes())  # saved again, unchanged
        saved = watch.until(lambda line: line.endswith("index.html"))
        assert re.fullmatch(r"\[\d\d:\d\d:\d\d\] 有改动：示例\.xlsx；正在重新生成文档", saved[0])
        assert saved[-1] == "2026-10 自上次运行以来没有变化：未写入任何文件；请打开 " \
                            "outputs/2026-10/index.html"
        broken.write_bytes(b"not a workbook at all")
        failed = watch.until(lambda line: line.startswith("仍在监视"))
        assert ("错误：坏.xlsx：该文件不是 Excel 工作簿（看起来是 CSV 或文本文件）——如果这是 "
                "CSV 文件，请把文件名改为以 .csv 结尾") in failed
        assert failed[-2:] == ["错误：输入数据有 1 个错误；请查看上面的提示",
                               "仍在监视 inputs：请改正工作簿后重新保存。"]
        broken.unlink()
        fixed = watch.until(lambda line: line.endswith("index.html"))
        assert re.fullmatch(r"\[\d\d:\d\d:\d\d\] 有改动：坏\.xlsx；正在重新生成文档", fixed[0])
        assert watch.stop() == ["已停止监视。"]
    finally:
        watch.close()
    assert watch.process.returncode == 0, watch.lines
    printed += watch.lines

    names = {str(tmp_path), "示例.xlsx", "坏.xlsx", "示例", "坏"}
    wrong = [(line, why) for line in printed if (why := chinese_line_problem(line, names))]
    assert wrong == []


def test_a_list_in_a_chinese_message_is_joined_the_chinese_way(runner, tmp_path):
    from tests.delivery.test_send import write_tiny_inputs

    inputs = write_tiny_inputs(tmp_path / "inputs")
    result = runner.invoke(cli, ["pack", "--inputs", str(inputs), "--out", str(tmp_path / "out"),
                                 "--region", "华北", "--lang", "zh", "--quiet"])
    assert result.exit_code == 1
    assert _lines(result)[-1] == "错误：--region 华北：没有这个区域；现有区域为 East、华南"
