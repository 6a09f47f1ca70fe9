"""Large sheets read as columns (fastexcel in a helper process) read exactly as cell by cell.

Every workbook here is loaded twice: once with the columnar path taken for any sheet size
(``COLUMNAR_MIN_BYTES = 0``) and once with it off. The typed tables and every issue (message,
file, sheet, row, column, value) must be identical. Each test also says whether the columnar
path was really taken, so a path that silently never runs fails here.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from reportgen.inputs.config import Config, load_config
from reportgen.inputs.issues import Severity
from reportgen.inputs.load import load_inputs
from reportgen.inputs.reading import columnar, xlsx
from reportgen.inputs.reading.sheets import RawSheet
from reportgen.inputs.schema import SHEETS
from reportgen.inputs.tail import Tail
from reportgen.inputs.values.columns import convert_column
from tests import hostile_corpus as corpus
from tests.hostile_corpus import DateSerial, ErrorCell, Formula, Sheet, write_xlsx

#: Enough data rows that the helper's rows run well past the rows read cell by cell.
MANY = xlsx.HEAD_ROWS + 40


def load_both(folder: Path, monkeypatch: pytest.MonkeyPatch, config: Config | None = None
              ) -> list[bool]:
    """Load ``folder`` both ways, assert the same result; whether each helper's sheet was used."""
    config = config or Config()
    used: list[bool] = []
    original = xlsx._columnar_sheet

    def spy(*args: object, **kwargs: object) -> RawSheet | None:
        raw = original(*args, **kwargs)  # type: ignore[arg-type]
        used.append(raw is not None)
        return raw

    monkeypatch.setattr(xlsx, "_columnar_sheet", spy)
    monkeypatch.setattr(xlsx, "COLUMNAR_MIN_BYTES", 0)
    fast = load_inputs(folder, config)
    monkeypatch.setattr(xlsx, "COLUMNAR_MIN_BYTES", 1 << 62)
    slow = load_inputs(folder, config)
    assert sorted(fast.tables) == sorted(slow.tables)
    for name in slow.tables:
        pd.testing.assert_frame_equal(fast.tables[name], slow.tables[name], check_exact=True)
    assert fast.issues == slow.issues
    assert fast.present == slow.present
    return used


def sales_book(folder: Path, rows: list[list[object]], name: str = "Sales",
               merged: tuple[str, ...] = ()) -> Path:
    """A workbook with a small Clients sheet and a (larger) sales sheet."""
    return write_xlsx(folder / "book.xlsx", [Sheet("Clients", corpus.CLIENTS),
                                              Sheet(name, rows, merged=merged)])


def typed_rows() -> list[list[object]]:
    """A ledger as Excel saves it: real dates, numbers, text ids; titles and odd rows."""
    rows: list[list[object]] = [
        [None, "Sales ledger, October 2026"],
        [],
        [None, "date", "client_id", "amount", "order_id", "quantity", "note"],
        [None, DateSerial(46298.0), "C1", 1200.5, "O1", 3.0],
        [None, DateSerial(46299.75), "C2", 3000.0, "O2", 1.0],
        [],
        [None, DateSerial(46300.0), "C1", ErrorCell("#DIV/0!"), "O3", 2.0],
        [None, DateSerial(46301.0), None, 50.0, "O4", 1.0],
        [None, None, None, None, None, None, "a note on its own"],
        [None, DateSerial(46302.0), "C2", Formula("SUM(D4:D9)"), "O5", 1.0],
        [None, DateSerial(46303.0), "  C1 ", 10.005, "O6", ErrorCell("#N/A")],
        [None, DateSerial(46304.0), "C2", 1e20, "O7", 1.0],
        [None, DateSerial(46305.0), "C9", 70.0, "O8", 1.0],
        [None, None, "Total", 5000.0, None, None],
    ]
    for i in range(MANY):
        rows.append([None, DateSerial(46000.0 + i % 300), ("C1", "C2")[i % 2],
                     round(100 + i * 1.37, 2), f"P{i}", float(i % 7)])
    rows.append([None, DateSerial(46306.0), "C1", 0.125, "O9", 2.0, "last row"])
    return rows


def text_rows() -> list[list[object]]:
    """The same columns holding text only: dates and amounts as typed by hand."""
    rows: list[list[object]] = [["date", "client_id", "amount", "order_id"]]
    samples = [
        ["2026-10-03", "C1", "1,200.50", "O1"],
        ["03/10/2026", "C2", "¥3,000.00", "O2"],
        ["2026-09-31", "C1", "12", "O3"],
        ["2026-10-04", "C2", "n/a", "O4"],
        ["2026-10-05", "C1", "", "O5"],
        ["2026-10-06", "", "7", "O6"],
        ["小计", "", "999", ""],
        ["2026-10-07", "C1", "=HYPERLINK(\"x\")", "O7"],
        ["2026-10-08", "上海恒通", "1 234,5", "O8"],
    ]
    for i in range(MANY):
        rows.append(samples[i % len(samples)] if i < 40 else
                    [f"2026-0{1 + i % 9}-1{i % 10}", ("C1", "C2")[i % 2], f"{i}.5", f"P{i}"])
    return rows


def test_a_typed_ledger_reads_the_same_as_columns(tmp_path, monkeypatch):
    sales_book(tmp_path / "in", typed_rows())
    assert load_both(tmp_path / "in", monkeypatch) == [True]


def test_a_ledger_of_text_reads_the_same_as_columns(tmp_path, monkeypatch):
    sales_book(tmp_path / "in", text_rows(), name="销售")
    assert load_both(tmp_path / "in", monkeypatch) == [True]


def test_the_figures_read_as_columns_are_the_ledgers(tmp_path, monkeypatch):
    """Not only equal to the other path: the right figures, worked out by hand."""
    rows = typed_rows()
    sales_book(tmp_path / "in", rows)
    monkeypatch.setattr(xlsx, "COLUMNAR_MIN_BYTES", 0)
    data = load_inputs(tmp_path / "in", Config())
    sales = data.tables["sales"]
    # Kept: rows 4, 5 (Excel), the 104 generated rows and the last row; C1 is trimmed.
    # Skipped: the #DIV/0! amount, the blank client, the note-only row, the formula
    # without a value, the huge amount, the unknown client C9 and the Total row.
    generated = [round(100 + i * 1.37, 2) for i in range(MANY)]
    # In millionths: 1200.5, 3000, 10.005 and 0.125 exactly (no longer rounded to cents).
    expected = (1_200_500_000 + 3_000_000_000 + 10_005_000
                + sum(int(Decimal(repr(x)) * 1_000_000) for x in generated) + 125_000)
    assert int(sales["amount"].sum()) == expected
    assert len(sales) == 2 + 1 + MANY + 1
    first = sales.iloc[0]
    assert (first["client_id"], first["order_id"], first["date"]) == (
        "C1", "O1", pd.Timestamp("2026-10-03"))
    assert sales.iloc[1]["date"] == pd.Timestamp("2026-10-04")  # 18:00 on the 4th
    assert sales.iloc[2]["client_id"] == "C1"  # "  C1 " trimmed
    skipped = sorted(i.row for i in data.issues if i.skipped)
    assert skipped == [7, 8, 9, 10, 12, 13, 14]
    by_row = {i.row: i for i in data.issues if i.skipped}
    assert by_row[7].message == "the cell holds #DIV/0!; the row was skipped"
    assert by_row[7].column == "amount"
    assert by_row[14].code == "subtotal_row"


def test_columns_of_mixed_types_are_read_cell_by_cell(tmp_path, monkeypatch):
    rows = text_rows()
    rows[5][0] = DateSerial(46300.0)  # a real date among texts: the helper refuses
    sales_book(tmp_path / "in", rows)
    assert load_both(tmp_path / "in", monkeypatch) == [False]


def test_merged_cells_are_read_cell_by_cell(tmp_path, monkeypatch):
    sales_book(tmp_path / "in", text_rows(), merged=("B2:B3",))
    assert load_both(tmp_path / "in", monkeypatch) == [False]


def test_times_of_day_are_read_cell_by_cell(tmp_path, monkeypatch):
    rows = typed_rows()
    rows[-1][1] = DateSerial(0.5)  # noon, no day: python-calamine gives a time
    sales_book(tmp_path / "in", rows)
    assert load_both(tmp_path / "in", monkeypatch) == [False]


def test_a_failed_helper_leaves_the_sheet_to_the_cell_reader(tmp_path, monkeypatch):
    sales_book(tmp_path / "in", typed_rows())
    monkeypatch.setattr(columnar.Helper, "result", lambda self: None)
    assert load_both(tmp_path / "in", monkeypatch) == [False]


def test_a_helper_that_cannot_start_leaves_the_sheet_to_the_cell_reader(tmp_path, monkeypatch):
    sales_book(tmp_path / "in", typed_rows())

    def no_process(self: columnar.Helper, path: Path) -> None:
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(columnar.Helper, "__init__", no_process)
    assert load_both(tmp_path / "in", monkeypatch) == []


def test_without_fastexcel_every_sheet_is_read_cell_by_cell(tmp_path, monkeypatch):
    sales_book(tmp_path / "in", typed_rows())
    monkeypatch.setattr(columnar, "available", lambda: False)
    assert load_both(tmp_path / "in", monkeypatch) == []


def _children() -> set[int]:
    me = str(os.getpid())
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if stat[1] == me:
                found.add(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc")
def test_a_file_the_scan_refuses_stops_the_helper(tmp_path, monkeypatch):
    """The helper starts before the scan has finished; a refusal kills it, same message."""
    far = '<row r="900000"><c r="XFD900000"><v>1</v></c></row>'
    write_xlsx(tmp_path / "in" / "book.xlsx", [
        Sheet("Clients", corpus.CLIENTS), Sheet("Sales", typed_rows(), tail=far)])
    before = _children()
    started: list[columnar.Helper] = []
    original = columnar.Helper.__init__

    def spy(self: columnar.Helper, path: Path) -> None:
        original(self, path)
        started.append(self)

    monkeypatch.setattr(columnar.Helper, "__init__", spy)
    assert load_both(tmp_path / "in", monkeypatch) == []
    assert len(started) == 1
    data = load_inputs(tmp_path / "in", Config())
    refusal = [i for i in data.issues if i.severity is Severity.ERROR]
    assert refusal[0].sheet == "Sales" and "XFD900000" in refusal[0].message
    assert _children() <= before


def test_the_sample_reads_the_same_as_columns(tmp_path, monkeypatch):
    inputs = Path(__file__).resolve().parents[2] / "inputs"
    shutil.copytree(inputs, tmp_path / "in")
    # One helper per workbook, on its largest sheet. sales-north.xlsx has dates typed as
    # text among real dates (on purpose): that column mixes types, so it is read by cells.
    assert sorted(p.name for p in inputs.iterdir()) == [
        "accounts.xlsx", "plan.xlsx", "sales-central.xlsx", "sales-east.xlsx",
        "sales-north.xlsx", "sales-south.xlsx", "sales-west.xlsx"]
    assert load_both(tmp_path / "in", monkeypatch) == [True, True, True, True, False, True, True]


@pytest.mark.parametrize("case", [c for c in corpus.CASES if c.budget is corpus.NORMAL],
                         ids=lambda case: case.name)
def test_hostile_inputs_read_the_same_as_columns(tmp_path, monkeypatch, case):
    case.build(tmp_path)
    config = Config()
    if case.config:
        (tmp_path / "reportgen.toml").write_text(case.config, encoding="utf-8")
        config = load_config(tmp_path / "reportgen.toml", explicit=True)
    load_both(tmp_path / "inputs", monkeypatch, config)


SUPERSTORE_MAPPING = """
[sheets]
sales = "Orders"
regions = "People"
[columns.sales]
date = "Order Date"
client_id = "Customer ID"
client_name = "Customer Name"
region = "Region"
amount = "Sales"
order_id = "Order ID"
profit = "Profit"
[columns.regions]
supervisor = "Person"
"""


@pytest.mark.realdata
def test_real_workbooks_read_the_same_as_columns(tmp_path, monkeypatch):
    if not corpus.REALDATA.is_dir():
        pytest.skip(f"{corpus.REALDATA} is absent")
    files = sorted(p for p in corpus.REALDATA.rglob("*") if p.suffix.lower() in (".xlsx", ".xlsm"))
    assert files
    for path in files:
        folder = tmp_path / path.name
        folder.mkdir()
        shutil.copyfile(path, folder / path.name)  # a link out of the folder is not read
        load_both(folder, monkeypatch)


@pytest.mark.realdata
def test_superstore_orders_read_the_same_as_columns(tmp_path, monkeypatch):
    """9,994 order lines nobody wrote for us, mapped with a config: the same tables.

    Its Postal Code column mixes numbers and text (11 codes typed as "05408"), so the helper
    refuses the sheet and it is read cell by cell: a mixed column is never coerced.
    """
    source = corpus.REALDATA / "sales" / "Abhishake22__Sample - Superstore.xlsx"
    if not source.exists():
        pytest.skip(f"{source} is absent")
    (tmp_path / "in").mkdir()
    shutil.copyfile(source, tmp_path / "in" / source.name)
    (tmp_path / "reportgen.toml").write_text(SUPERSTORE_MAPPING, encoding="utf-8")
    config = load_config(tmp_path / "reportgen.toml", explicit=True)
    assert load_both(tmp_path / "in", monkeypatch, config) == [False]
    assert len(load_inputs(tmp_path / "in", config).tables["sales"]) == 9994


def test_a_column_converted_by_distinct_values_matches_cell_by_cell():
    """Tail.convert against convert_column on the same cells, with hand-checked figures."""
    cells = ["1,200.50", "n/a", None, "n/a", "", "7", "1,200.50"]
    batch = pa.RecordBatch.from_arrays([pa.array(cells, type=pa.string())], names=["3"])
    tail = Tail.from_batch(batch)
    column = SHEETS["sales"].column("amount")
    got = tail.convert(column, 3, config=Config(), date1904=False)
    want = convert_column(column, [None if c == "" else c for c in cells], config=Config())
    assert got.values.tolist() == [1_200_500_000, pd.NA, pd.NA, pd.NA, pd.NA, 7_000_000,
                                   1_200_500_000]
    assert got.values.tolist() == want.values.tolist()
    assert [p.index for p in got.problems] == [1, 3]
    assert got.problems == want.problems
    assert tail.blank_rows().tolist() == [False, False, True, False, True, False, False]
    dates = pa.array([dt.datetime(2026, 10, 3), None, dt.datetime(2026, 10, 3, 18, 0)],
                     type=pa.timestamp("ms"))
    tail = Tail.from_batch(pa.RecordBatch.from_arrays([dates], names=["0"]))
    assert tail.rows(0, 3) == [[dt.date(2026, 10, 3)], [None], [dt.datetime(2026, 10, 3, 18)]]
    converted = tail.convert(SHEETS["sales"].column("date"), 0, config=Config(), date1904=False)
    assert converted.values.tolist() == [pd.Timestamp("2026-10-03"), pd.NaT,
                                         pd.Timestamp("2026-10-03")]
    assert np.isnat(converted.values.to_numpy()[1])
