"""The analysis workbooks writer: numbers as numbers, text never a formula, atomic, repeatable."""

from __future__ import annotations

import os
import re
import time
import zipfile
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from reportgen.errors import EnvironmentFailure, LimitExceeded
from reportgen.outputs.xlsx import (
    MAX_DATA_ROWS,
    stored_to_units,
    display_width,
    workbook_bytes,
    write_table_workbook,
)

FORMULA_LIKE = [
    "=1+1",
    "+SUM(A1)",
    "-2+3",
    "@cmd",
    '=HYPERLINK("http://x")',
    " =1+1",
    "\t=1",
    "\r=1",
    "\n=1",
    "\u3000=1",  # ideographic space
    "=cmd|' /C calc'!A0",
]


def write(tmp_path: Path, *sheets: tuple[str, pd.DataFrame], **kwargs: object) -> Path:
    """Write ``sheets`` to tmp_path/out.xlsx and return the path."""
    path = tmp_path / "out.xlsx"
    write_table_workbook(path, list(sheets), **kwargs)  # type: ignore[arg-type]
    return path


def sheet_xml(path: Path, index: int = 1) -> str:
    """The raw XML of the index-th worksheet."""
    with zipfile.ZipFile(path) as archive:
        return archive.read(f"xl/worksheets/sheet{index}.xml").decode("utf-8")


# --- text is text ---------------------------------------------------------------------------

@pytest.mark.parametrize("text", FORMULA_LIKE)
def test_formula_like_text_stays_text(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, ("opportunities", pd.DataFrame({"title": [text], "n": [1]})))
    cell = load_workbook(path)["opportunities"]["A2"]
    assert cell.value == text
    assert cell.data_type == "s"
    assert cell.quotePrefix  # Excel keeps it text even when a user edits the cell
    xml = sheet_xml(path)
    assert "<f>" not in xml and "<f " not in xml


@pytest.mark.parametrize("text", ["plain", "2026-10", "#N/A", "#DIV/0!", "a=b", "e-mail"])
def test_ordinary_text_has_no_quote_prefix(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, ("t", pd.DataFrame({"x": [text]})))
    cell = load_workbook(path)["t"]["A2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", False)


def test_formula_like_header_stays_text(tmp_path: Path) -> None:
    path = write(tmp_path, ("t", pd.DataFrame({"=SUM(A:A)": [1]})))
    cell = load_workbook(path)["t"]["A1"]
    assert (cell.value, cell.data_type) == ("=SUM(A:A)", "s")
    assert "<f" not in sheet_xml(path)


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("a\x01b", "a\ufffdb"),
        ("\x00\x1f", "\ufffd\ufffd"),
        ("bad\ud800surrogate", "bad\ufffdsurrogate"),
        ("tab\tkept", "tab\tkept"),
        ("two\nlines", "two\nlines"),
        ("cr\rkept", "cr\rkept"),
        ("  padded  ", "  padded  "),
        ("<b>&amp;</b>", "<b>&amp;</b>"),
        ("x" * 40_000, "x" * 32_767),
    ],
)
def test_text_is_stored_safely(tmp_path: Path, text: str, stored: str) -> None:
    path = write(tmp_path, ("t", pd.DataFrame({"note": [text]})))
    assert load_workbook(path)["t"]["A2"].value == stored


def test_chinese_round_trips(tmp_path: Path) -> None:
    frame = pd.DataFrame({"客户名称": ["华东商贸有限公司", "张三（采购）"],
                          "区域": ["华东", "华南"]})
    path = write(tmp_path, ("商机", frame))
    ws = load_workbook(path)["商机"]
    assert [[c.value for c in row] for row in ws.iter_rows()] == [
        ["客户名称", "区域"], ["华东商贸有限公司", "华东"], ["张三（采购）", "华南"],
    ]


# --- numbers, dates, blanks -----------------------------------------------------------------

def test_numbers_stay_numbers(tmp_path: Path) -> None:
    frame = pd.DataFrame({
        "value": pd.array([1_234_567_890_000, -50_000, None], dtype="Int64"),  # stored
        "count": pd.array([3, None, 0], dtype="Int64"),
        "share": [0.25, np.nan, 1.0],
        "ratio": [1.5, np.inf, -0.125],
        "flag": pd.array([True, None, False], dtype="boolean"),
    })
    path = write(tmp_path, ("t", frame),
                 column_formats={"value": "stored_money", "share": "percent"})
    ws = load_workbook(path)["t"]
    got = [[(c.value, c.data_type) for c in row] for row in ws.iter_rows(min_row=2)]
    assert got == [
        [(1_234_567.89, "n"), (3, "n"), (0.25, "n"), (1.5, "n"), (True, "b")],
        [(-0.05, "n"), (None, "n"), (None, "n"), (None, "n"), (None, "n")],
        [(None, "n"), (0, "n"), (1, "n"), (-0.125, "n"), (False, "b")],
    ]
    assert [ws.cell(2, i).number_format for i in range(1, 5)] == [
        "#,##0.00", "0", "0.0%", "General",
    ]


def test_blank_values_write_no_cell(tmp_path: Path) -> None:
    frame = pd.DataFrame({
        "a": ["x", None],
        "b": pd.array([1, None], dtype="Int64"),
        "c": [1.0, np.nan],
        "d": pd.to_datetime(["2026-10-03", None]),
        "e": ["y", pd.NA],
    })
    path = write(tmp_path, ("t", frame))
    xml = sheet_xml(path)
    assert '<row r="3"></row>' in xml
    assert [c.value for c in load_workbook(path)["t"][3]] == [None] * 5


@pytest.mark.parametrize(
    "day", ["1900-01-01", "1900-02-28", "1900-03-01", "1999-12-31", "2026-10-03"],
)
def test_dates_are_dates(tmp_path: Path, day: str) -> None:
    frame = pd.DataFrame({"due": pd.to_datetime([day])})
    path = write(tmp_path, ("t", frame))
    cell = load_workbook(path)["t"]["A2"]
    assert (cell.value, cell.data_type, cell.number_format) == (
        datetime.fromisoformat(day), "d", "yyyy-mm-dd",
    )


def test_excel_serial_numbers(tmp_path: Path) -> None:
    # Excel's serials, leap-year bug included: 1900-02-28 is 59, 1900-03-01 is 61.
    frame = pd.DataFrame({"d": pd.to_datetime(["1900-01-01", "1900-02-28", "1900-03-01",
                                               "2026-10-03"])})
    xml = sheet_xml(write(tmp_path, ("t", frame)))
    serials = re.findall(r'<c r="A\d+" s="\d+"><v>(\d+)</v></c>', xml)
    assert serials == ["1", "59", "61", "46298"]


def test_mixed_object_column(tmp_path: Path) -> None:
    frame = pd.DataFrame({"value": ["x", 5, 2.5, True, datetime(2026, 10, 3), None, "=1"]})
    ws = load_workbook(write(tmp_path, ("t", frame)))["t"]
    got = [(c.value, c.data_type) for (c,) in ws.iter_rows(min_row=2)]
    assert got == [("x", "s"), (5, "n"), (2.5, "n"), (True, "b"),
                   (datetime(2026, 10, 3), "d"), (None, "n"), ("=1", "s")]


def test_text_format_keeps_numeric_looking_values_as_text(tmp_path: Path) -> None:
    frame = pd.DataFrame({"client_id": pd.array([123, None], dtype="Int64")})
    ws = load_workbook(write(tmp_path, ("t", frame), column_formats={"client_id": "text"}))["t"]
    assert (ws["A2"].value, ws["A2"].data_type, ws["A2"].number_format) == ("123", "s", "@")
    assert ws["A3"].value is None


@pytest.mark.parametrize(
    ("stored", "units"),
    [
        ([123_450_000, -50_000, 0], [123.45, -0.05, 0.0]),
        ([None, 1_000_000], [np.nan, 1.0]),
        # Rounded once to the cent, half away from zero: 957.5775, 0.005, -0.005, 0.004999.
        ([957_577_500, 5_000, -5_000, 4_999], [957.58, 0.01, -0.01, 0.0]),
    ],
)
def test_stored_to_units(stored: list[int | None], units: list[float]) -> None:
    got = stored_to_units(pd.Series(stored, dtype="Int64", name="value"))
    assert got.dtype == "float64"
    assert got.name == "value"
    np.testing.assert_array_equal(got.to_numpy(), np.array(units))


# --- layout ---------------------------------------------------------------------------------

def test_header_bold_frozen_filtered(tmp_path: Path) -> None:
    frame = pd.DataFrame({"opp_id": ["O1", "O2", "O3"], "value": [1, 2, 3], "title": list("abc")})
    ws = load_workbook(write(tmp_path, ("opportunities", frame)))["opportunities"]
    assert [c.value for c in ws[1]] == ["opp_id", "value", "title"]
    assert all(c.font.b for c in ws[1])
    assert not ws["A2"].font.b
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:C4"


@pytest.mark.parametrize(
    ("column", "values", "fmt", "width"),
    [
        # max(content, header + 2 for the filter button, 4) + 2 padding, capped at 60
        ("name", ["华东商贸", "abc"], None, 10),           # 4 wide characters = 8
        ("value", [1_234_567_890_000], "stored_money", 14),             # "1,234,567.89" = 12
        ("share", [0.256], "percent", 9),                  # header "share" 5 + 2 > "25.6%"
        ("x", ["a"], None, 6),                             # the minimum
        ("note", ["y" * 100], None, 60),                   # the cap
        ("two_lines", ["short\nmuch longer line"], None, 18),
        ("due", pd.to_datetime(["2026-10-03"]), None, 12),  # "2026-10-03" = 10
    ],
)
def test_column_widths(tmp_path: Path, column: str, values: object, fmt: str | None,
                       width: int) -> None:
    frame = pd.DataFrame({column: values})
    formats = {column: fmt} if fmt else None
    ws = load_workbook(write(tmp_path, ("t", frame), column_formats=formats))["t"]
    assert ws.column_dimensions["A"].width == width


@pytest.mark.parametrize(("text", "width"), [("abc", 3), ("华东", 4), ("a华b", 4),
                                              ("ab\n华东商贸", 8), ("", 0), ("ＡＢ", 4)])
def test_display_width(text: str, width: int) -> None:
    assert display_width(text) == width


def test_several_sheets_in_order(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        ("regions", pd.DataFrame({"region": ["East"], "sales": pd.array([1_000_000], dtype="Int64")})),
        ("managers", pd.DataFrame({"account_manager": ["Li"],
                                   "sales": pd.array([2_500_000], dtype="Int64")})),
        column_formats={"sales": "stored_money"},
    )
    wb = load_workbook(path)
    assert wb.sheetnames == ["regions", "managers"]
    assert (wb["regions"]["B2"].value, wb["managers"]["B2"].value) == (1.0, 2.5)


def test_empty_table_keeps_its_header(tmp_path: Path) -> None:
    frame = pd.DataFrame({"severity": pd.Series(dtype=object), "row": pd.Series(dtype="Int64")})
    ws = load_workbook(write(tmp_path, ("issues", frame)))["issues"]
    assert [c.value for c in ws[1]] == ["severity", "row"]
    assert ws.max_row == 1
    assert ws.auto_filter.ref == "A1:B1"


def test_read_by_calamine_too(tmp_path: Path) -> None:
    frame = pd.DataFrame({"name": ["=1+1", "华东"], "value": pd.array([1_500_000, None], dtype="Int64"),
                          "due": pd.to_datetime(["2026-10-03", None])})
    path = write(tmp_path, ("t", frame), column_formats={"value": "stored_money"})
    back = pd.read_excel(path, engine="calamine")
    assert back["name"].tolist() == ["=1+1", "华东"]
    assert back["value"].tolist()[0] == 1.5 and np.isnan(back["value"].tolist()[1])
    assert back["due"].tolist()[0] == pd.Timestamp("2026-10-03")


# --- writing the file -----------------------------------------------------------------------

def test_atomic_write_leaves_only_the_workbook(tmp_path: Path) -> None:
    write(tmp_path, ("t", pd.DataFrame({"a": [1]})))
    assert sorted(os.listdir(tmp_path)) == ["out.xlsx"]


class _Unprintable:
    def __str__(self) -> str:
        raise RuntimeError("boom")


def test_failed_write_keeps_the_old_file(tmp_path: Path) -> None:
    path = write(tmp_path, ("t", pd.DataFrame({"a": [1]})))
    before = path.read_bytes()
    with pytest.raises(RuntimeError, match="boom"):
        write(tmp_path, ("t", pd.DataFrame({"a": [_Unprintable()]})))
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["out.xlsx"]


def test_unchanged_rerun_gives_identical_bytes_and_is_not_rewritten(tmp_path: Path) -> None:
    frame = pd.DataFrame({"a": ["x", "=y"], "d": pd.to_datetime(["2026-10-03", None])})
    stamp = datetime(2026, 11, 2, 8, 30)
    path = tmp_path / "tiers.xlsx"
    assert write_table_workbook(path, [("t", frame)], timestamp=stamp) is True
    first, mtime = path.read_bytes(), path.stat().st_mtime_ns
    time.sleep(0.01)
    assert write_table_workbook(path, [("t", frame)], timestamp=stamp) is False
    assert path.read_bytes() == first
    assert path.stat().st_mtime_ns == mtime
    assert write_table_workbook(path, [("t", frame.iloc[:1])], timestamp=stamp) is True
    assert path.read_bytes() != first


def test_timestamp_is_the_workbooks_date(tmp_path: Path) -> None:
    stamp = datetime(2026, 11, 2, 8, 30)
    path = write(tmp_path, ("t", pd.DataFrame({"a": [1]})), timestamp=stamp)
    props = load_workbook(path).properties
    assert (props.created, props.modified) == (stamp, stamp)
    with zipfile.ZipFile(path) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2026, 11, 2, 8, 30, 0)}


def test_unwritable_folder_is_an_environment_failure(tmp_path: Path) -> None:
    blocker = tmp_path / "outputs"
    blocker.write_text("not a folder")
    with pytest.raises(EnvironmentFailure) as err:
        write_table_workbook(blocker / "tiers.xlsx", [("t", pd.DataFrame({"a": [1]}))])
    assert err.value.exit_code == 3
    assert err.value.message == (
        f"cannot write to {blocker}: part of that path is a file, not a folder. "
        "Choose another --out folder"
    )
    assert blocker.read_text() == "not a folder"


def test_workbook_bytes_is_what_gets_written(tmp_path: Path) -> None:
    sheets = [("t", pd.DataFrame({"a": ["=x", "华东"], "b": [1.5, None]}))]
    data = workbook_bytes(sheets, column_formats={"b": "money"})
    path = tmp_path / "out.xlsx"
    write_table_workbook(path, sheets, column_formats={"b": "money"})
    assert path.read_bytes() == data


def test_creates_missing_folders(tmp_path: Path) -> None:
    path = tmp_path / "outputs" / "2026-10" / "metrics.xlsx"
    write_table_workbook(path, [("regions", pd.DataFrame({"region": ["ALL"]}))])
    assert load_workbook(path)["regions"]["A2"].value == "ALL"


def test_too_many_rows_is_refused_before_writing(tmp_path: Path) -> None:
    frame = pd.DataFrame({"a": np.zeros(MAX_DATA_ROWS + 1, dtype="int8")})
    with pytest.raises(LimitExceeded) as err:
        write(tmp_path, ("issues", frame))
    assert err.value.message == (
        'the sheet "issues" would have 1,048,576 rows; an Excel sheet holds at most '
        "1,048,575 under its header"
    )
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    ("sheet", "formats", "message"),
    [
        ("a/b", None, "'a/b' is not a valid sheet name"),
        ("x" * 32, None, "is not a valid sheet name"),
        ("t", {"a": "mony"}, "column 'a': 'mony' is neither a named format"),
    ],
)
def test_programming_mistakes_are_refused(tmp_path: Path, sheet: str,
                                          formats: dict[str, str] | None, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        write(tmp_path, (sheet, pd.DataFrame({"a": [1]})), column_formats=formats)


@pytest.mark.slow
def test_twenty_thousand_rows_round_trip(tmp_path: Path) -> None:
    n = 20_000
    rng = np.random.default_rng(7)
    frame = pd.DataFrame({
        "client_id": [f"C{i:05d}" for i in range(n)],
        "name": rng.choice(["Acme", "华东商贸有限公司", "=1+1"], n),
        **{f"money{i}": pd.array(rng.integers(0, 10**9, n) * 10_000, dtype="Int64") for i in range(6)},
        **{f"text{i}": rng.choice(["major", "named", None], n) for i in range(6)},
        "share": rng.random(n),
        "created": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 900, n), "D"),
    })
    formats = {f"money{i}": "stored_money" for i in range(6)} | {"share": "percent"}
    path = write(tmp_path, ("tiers", frame), column_formats=formats)
    back = pd.read_excel(path, engine="calamine")
    assert len(back) == n
    assert back["client_id"].iloc[-1] == f"C{n - 1:05d}"
    assert back["money0"].iloc[-1] == frame["money0"].iloc[-1] / 1_000_000


def test_sheet_names_must_differ(tmp_path: Path) -> None:
    frame = pd.DataFrame({"a": [1]})
    with pytest.raises(ValueError, match="sheet names must differ: Regions, regions"):
        write(tmp_path, ("Regions", frame), ("regions", frame))


def test_aware_timestamp_is_stored_in_utc(tmp_path: Path) -> None:
    from datetime import timedelta, timezone

    beijing = timezone(timedelta(hours=8))
    path = write(tmp_path, ("t", pd.DataFrame({"a": [1]})),
                 timestamp=datetime(2026, 11, 2, 8, 30, 15, 999, tzinfo=beijing))
    assert load_workbook(path).properties.modified == datetime(2026, 11, 2, 0, 30, 15)


REALDATA = Path(__file__).resolve().parents[3] / "shared" / "realdata"


@pytest.mark.realdata
def test_real_superstore_orders_round_trip(tmp_path: Path) -> None:
    source = REALDATA / "sales" / "Abhishake22__Sample - Superstore.xlsx"
    if not source.is_file():
        pytest.skip("the real-data folder ../shared/realdata is not here")
    orders = pd.read_excel(source, sheet_name="Orders", engine="calamine")
    path = write(tmp_path, ("Orders", orders))
    back = pd.read_excel(path, sheet_name="Orders", engine="calamine")
    pd.testing.assert_frame_equal(back, orders)


def test_screened_opportunities_export(tmp_path: Path) -> None:
    from reportgen.analysis.screen import screen_opportunities
    from reportgen.inputs.config import ScreenConfig
    from reportgen.inputs.schema import QUESTIONS

    opps = pd.DataFrame({
        "opp_id": ["O1"], "client_id": ["C1"], "title": ["=HYPERLINK(\"http://x\")"],
        "value": pd.array([10_000_010_000], dtype="Int64"), "stage": ["proposal"],
        "probability": [np.nan], "margin_pct": [np.nan],
        **{q: pd.array([3 if q == "need_clear" else None], dtype="Int64") for q in QUESTIONS},
    })
    clients = pd.DataFrame({"client_id": ["C1"], "name": ["Acme"], "region": ["East"]})
    screened = screen_opportunities(opps, clients, None, ScreenConfig())
    columns = ["opp_id", "client_id", "title", "value", "real", "compete", "win", "worth",
               "verdict", "weighted_value", "open_questions"]
    path = write(tmp_path, ("opportunities", screened[columns]),
                 column_formats={"value": "stored_money", "weighted_value": "stored_money"})
    ws = load_workbook(path)["opportunities"]
    assert [c.value for c in ws[1]] == columns
    assert [c.value for c in ws[2]] == [
        "O1", "C1", "=HYPERLINK(\"http://x\")", 10_000.01, 3, None, None, None, "qualify",
        5_000.01, "need_clear",
    ]
    assert "<f" not in sheet_xml(path)
