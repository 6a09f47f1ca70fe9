"""The sheet as read (:class:`RawSheet`), and reading one from a checked workbook with calamine.

Every opener ends here once its file has passed the guards: python-calamine opens the
workbook, each worksheet's grid becomes a :class:`RawSheet` with blank strings as None, error
cells blanked and blank edges trimmed (a CSV file's rows are trimmed the same way). A
calamine failure becomes a refusal or an issue, never an exception.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import python_calamine as calamine

from reportgen.inputs.config import LimitsConfig
from reportgen.inputs.issues import Issue, Severity
from reportgen.inputs.reading.extent import col_name, too_many_sheets, workbook_too_big
from reportgen.inputs.reading.refusal import (
    Unreadable,
    damaged,
    password,
    safe_text,
    sheet_unreadable,
    technical,
)

if TYPE_CHECKING:
    from reportgen.inputs.tail import Tail

CellValue = object  # None | str | float | int | bool | datetime/date/time/timedelta


@dataclass
class RawSheet:
    """One worksheet as read: rows of cell values, with where they start in the sheet."""

    name: str
    #: False for hidden and very hidden sheets.
    visible: bool
    #: None for a blank cell, else str, float, int, bool, datetime, date, time or timedelta.
    #: Trailing blank cells and rows are trimmed. CSV cells are always str (or None).
    rows: list[list[CellValue]]
    #: Excel row number of ``rows[0]`` (the sheet's first used row).
    first_row: int = 1
    #: 0-based absolute column index of ``rows[i][0]`` (the sheet's first used column).
    first_col: int = 0
    #: (Excel row, 0-based absolute column) → ``"#DIV/0!"`` or a sentence such as
    #: ``"formula =A2+B2 has no saved value"``. Those cells read as None in ``rows``.
    cell_errors: dict[tuple[int, int], str] = field(default_factory=dict)
    #: The workbook counts dates from 1904 (old Mac Excel); serial numbers shift by 1,462 days.
    date1904: bool = False
    #: Merged ranges (first_row, first_col, last_row, last_col): Excel rows, 0-based columns.
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    #: A large sheet's rows below ``rows`` (which then end with the header row), as columns;
    #: None when every row is in ``rows``. See
    #: :func:`~reportgen.inputs.reading.workbook.read_workbook`'s ``split``.
    tail: Tail | None = None


#: Given a sheet's name and its first rows (at least the first
#: :data:`~reportgen.inputs.reading.xlsx.HEAD_ROWS` of the sheet, as :attr:`RawSheet.rows`
#: would hold them), how many of them come before the data rows (through the header row), or
#: None when the sheet should be read cell by cell.
HeadSplit = Callable[[str, list[list[CellValue]]], "int | None"]


@contextlib.contextmanager
def open_calamine(path: Path, by_path: bool) -> Iterator[calamine.CalamineWorkbook]:
    """The calamine workbook; by path when the name's ending matches the content, else by bytes."""
    handle: BinaryIO | None = None
    try:
        if by_path:
            book = calamine.CalamineWorkbook.from_path(str(path))
        else:
            # calamine picks its reader from the name's ending; the content decides here.
            handle = path.open("rb")
            book = calamine.CalamineWorkbook.from_filelike(handle)
    except BaseException as exc:
        if handle is not None:
            handle.close()
        raise calamine_failure(exc) from None
    try:
        yield book
    finally:
        book.close()
        if handle is not None:
            handle.close()


def calamine_failure(exc: BaseException) -> Unreadable:
    """A calamine exception as a refusal; anything else (a genuine bug) is re-raised."""
    if isinstance(exc, calamine.PasswordError):
        return password()
    panic = type(exc).__name__ == "PanicException"  # a Rust panic, raised by pyo3
    if isinstance(exc, (calamine.CalamineError, OSError, ValueError, EOFError)) or panic:
        return damaged(technical(safe_text(str(exc) or type(exc).__name__, 120)))
    raise exc


def worksheets(book: calamine.CalamineWorkbook, limits: LimitsConfig) -> list[
        calamine.SheetMetadata]:
    """The workbook's worksheets; more sheets than ``[limits] max_sheets`` refuse the file."""
    metas = book.sheets_metadata
    if len(metas) > limits.max_sheets:
        raise too_many_sheets(len(metas), limits)
    # Chart sheets, dialog and macro sheets hold no table.
    return [m for m in metas if m.typ == calamine.SheetTypeEnum.WorkSheet]


def calamine_sheet(
    book: calamine.CalamineWorkbook, meta: calamine.SheetMetadata,
    cell_errors: dict[tuple[int, int], str], date1904: bool, display_name: str,
    issues: list[Issue], budget: list[tuple[str, int, str]], limits: LimitsConfig,
) -> RawSheet | None:
    """One worksheet read by calamine; a sheet calamine cannot read becomes an issue.

    ``budget`` collects the grids read so far (name, cells, span): the workbook is refused
    before a sheet would take the total past ``[limits] max_workbook_cells``.
    """
    try:
        sheet = book.get_sheet_by_name(meta.name)
        start, end = sheet.start, sheet.end
        if start and end:
            span = f"{col_name(start[1])}{start[0] + 1}:{col_name(end[1])}{end[0] + 1}"
            budget.append((meta.name, sheet.height * sheet.width, span))
            too_big = workbook_too_big(budget, limits)
            if too_big is not None:
                raise too_big
        grid: list[list[CellValue]] = sheet.to_python(skip_empty_area=True)  # type: ignore[assignment]
        merged = sheet.merged_cell_ranges or []
        # calamine's own copy of the sheet is no longer needed: free it before the Python
        # grid is reshaped (about 130 MB of the peak on a million-line sheet).
        del sheet
    except Unreadable:
        raise
    except BaseException as exc:
        refusal = calamine_failure(exc)
        issues.append(Issue(Severity.ERROR, sheet_unreadable(refusal), file=display_name,
                            sheet=meta.name, hint=refusal.hint, code=refusal.code))
        return None
    first_row, first_col = (start[0] + 1, start[1]) if start else (1, 0)
    return raw_sheet(
        meta.name, meta.visible == calamine.SheetVisibleEnum.Visible, grid, first_row,
        first_col, dict(cell_errors), date1904,
        [(r0 + 1, c0, r1 + 1, c1) for (r0, c0), (r1, c1) in merged])


def raw_sheet(
    name: str, visible: bool, grid: list[list[CellValue]], first_row: int, first_col: int,
    cell_errors: dict[tuple[int, int], str], date1904: bool,
    merged: list[tuple[int, int, int, int]],
) -> RawSheet:
    """Blank strings to None, error cells blanked, blank edges trimmed."""
    for i, row in enumerate(grid):
        # The membership test runs in C; only rows that hold a blank string are rebuilt.
        if "" in row:
            grid[i] = [None if v == "" else v for v in row]
    for (row_no, col), _ in cell_errors.items():
        i, j = row_no - first_row, col - first_col
        if 0 <= i < len(grid) and 0 <= j < len(grid[i]):
            grid[i][j] = None
    for row in grid:
        while row and row[-1] is None:
            row.pop()
    while grid and not grid[-1]:
        grid.pop()
    lead_rows = next((i for i, row in enumerate(grid) if row), len(grid))
    if lead_rows:
        del grid[:lead_rows]
        first_row += lead_rows
    lead_cols = _leading_blank_columns(grid)
    if lead_cols:
        grid = [row[lead_cols:] for row in grid]
        first_col += lead_cols
    if not grid:
        first_row, first_col = 1, 0
    return RawSheet(name, visible, grid, first_row, first_col, cell_errors, date1904, merged)


def _leading_blank_columns(grid: list[list[CellValue]]) -> int:
    lead: int | None = None
    for row in grid:
        if not row:
            continue
        if row[0] is not None:
            return 0
        first = next(i for i, v in enumerate(row) if v is not None)
        lead = first if lead is None else min(lead, first)
    return lead or 0
