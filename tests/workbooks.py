"""Build small workbooks in a test's tmp_path."""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from pathlib import Path

from openpyxl import Workbook

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"

Rows = Sequence[Sequence[object]]


def write_xlsx(path: Path, sheets: Mapping[str, Rows], *, hidden: Sequence[str] = ()) -> Path:
    """An .xlsx with one sheet per entry, rows written from A1."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
        if name in hidden:
            ws.sheet_state = "hidden"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def write_csv(path: Path, rows: Rows, *, encoding: str = "utf-8") -> Path:
    """A CSV file in the given encoding."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


CLIENTS = [
    ["client_id", "name", "region", "account_manager", "potential_value"],
    ["C1", "上海恒通机电有限公司", "华东", "王芳", 1_000_000],
    ["C2", "Northwind Trading Ltd", "华南", "Li Lei", 50_000],
]

SALES = [
    ["date", "client_id", "amount", "order_id"],
    ["2026-10-03", "C1", 1200.50, "O1"],
    ["2026-09-15", "C2", "¥3,000.00", "O2"],
]
