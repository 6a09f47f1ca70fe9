"""The cells a sheet uses, and the ``[limits]`` its grid is held to; column letters.

calamine builds a dense grid from the first to the last used cell, so one stray cell at
XFD1048576 would ask for billions of cells. The scans (:mod:`reportgen.inputs.reading.xmlscan`,
:mod:`reportgen.inputs.reading.biffscan`) record the cells each sheet actually uses as an
:class:`Extent`. A sheet that would break ``[limits] max_rows`` / ``max_columns`` (or make a
grid larger than ``max_cells``; all sheets together, ``max_workbook_cells``) is refused with
the far cell named. An .xlsx sheet is refused alone; an .xls or .ods, which calamine expands
whole when it opens it, is refused as a file.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportgen.i18n import N_
from reportgen.inputs.config import LimitsConfig
from reportgen.inputs.reading.refusal import Unreadable, safe_text

#: The largest dense grid (rows × columns, blanks included) read from one sheet, unless
#: ``[limits] max_cells`` says otherwise. calamine holds 32 bytes per cell, so this is about
#: 1 GB; a genuine sheet under the default ``max_uncompressed_mb`` never comes near it, a
#: sheet with two far-apart cells does.
MAX_GRID_CELLS: int = LimitsConfig.model_fields["max_cells"].default
#: The same for all the sheets of one workbook together (``[limits] max_workbook_cells``):
#: calamine builds every sheet of an .xls or .ods when it opens the file, so one sheet's cap
#: alone does not bound the memory.
MAX_WORKBOOK_CELLS: int = LimitsConfig.model_fields["max_workbook_cells"].default


def col_name(index: int) -> str:
    """Letters of the 0-based column ``index`` (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index > 0:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def col_index(letters: bytes) -> int:
    """0-based index of column ``letters`` (b"A" → 0), either case."""
    index = 0
    for ch in letters.upper():
        index = index * 26 + ch - 64
    return index - 1


@dataclass
class Extent:
    """Used cells of one sheet: bounds and the cells that set them (Excel rows, 0-based cols)."""

    min_row: int = 0
    max_row: int = 0
    min_col: int = -1
    max_col: int = -1
    far_col_row: int = 0   # the row of the cell furthest right
    far_row_col: int = 0   # the column of the cell furthest down

    @property
    def area(self) -> int:
        """Cells of the dense grid from the first to the last used cell, blanks included."""
        if self.max_col < 0:
            return 0
        return (self.max_row - self.min_row + 1) * (self.max_col - self.min_col + 1)

    @property
    def span(self) -> str:
        """The grid as a range: ``A1:SF1048576``."""
        return (f"{col_name(self.min_col)}{self.min_row}:"
                f"{col_name(self.max_col)}{self.max_row}")

    def add(self, row: int, col: int, row_span: int = 1, col_span: int = 1) -> None:
        """Count the cells ``row``..``row+row_span-1`` × ``col``..``col+col_span-1`` as used."""
        last_row, last_col = row + row_span - 1, col + col_span - 1
        if self.max_col < 0:
            self.min_row, self.max_row, self.min_col, self.max_col = row, last_row, col, last_col
            self.far_col_row, self.far_row_col = row, col
            return
        self.min_row = min(self.min_row, row)
        self.min_col = min(self.min_col, col)
        if last_row > self.max_row:
            self.max_row, self.far_row_col = last_row, col
        if last_col > self.max_col:
            self.max_col, self.far_col_row = last_col, row


def grid_cap(limits: LimitsConfig) -> int:
    """Cells one sheet's grid may span: ``[limits] max_cells``, else :data:`MAX_GRID_CELLS`."""
    # The module constants are the defaults; a value set in the config wins.
    return limits.max_cells if "max_cells" in limits.model_fields_set else MAX_GRID_CELLS


def _workbook_cap(limits: LimitsConfig) -> int:
    """Cells all sheets may span together: ``max_workbook_cells``, else the module default."""
    if "max_workbook_cells" in limits.model_fields_set:
        return limits.max_workbook_cells
    return MAX_WORKBOOK_CELLS


def extent_problem(extent: Extent, limits: LimitsConfig) -> tuple[str, str] | None:
    """Why a sheet with these used cells is not read (message, hint), or None when it is fine."""
    if extent.max_col < 0:
        return None
    hint = N_("delete the stray cells (select the empty rows below and the columns to the right "
              "of the table, delete them, save), or raise the limit under [limits] in "
              "reportgen.toml")
    subject = N_("the sheet")
    if extent.max_col >= limits.max_columns:
        cell = f"{col_name(extent.max_col)}{extent.far_col_row}"
        return (N_("%(subject)s has a cell at %(cell)s, beyond the %(limit)s-column limit "
                   "([limits] max_columns); delete the stray cells", subject=subject, cell=cell,
                   limit=f"{limits.max_columns:,}"), hint)
    if extent.max_row > limits.max_rows:
        cell = f"{col_name(extent.far_row_col)}{extent.max_row}"
        return (N_("%(subject)s has a cell at %(cell)s, beyond the %(limit)s-row limit "
                   "([limits] max_rows); delete the stray cells", subject=subject, cell=cell,
                   limit=f"{limits.max_rows:,}"), hint)
    cap = min(grid_cap(limits), limits.max_rows * limits.max_columns)
    if extent.area > cap:
        return (N_("%(subject)s has cells spread over %(span)s (%(cells)s cells, most of them "
                   "blank), more than reportgen reads from one sheet (%(cap)s cells); delete "
                   "the stray cells", subject=subject, span=extent.span,
                   cells=f"{extent.area:,}", cap=f"{cap:,}"),
                N_("delete the stray cells (select the empty rows below and the columns to the "
                   "right of the table, delete them, save), or raise max_cells under [limits] "
                   "in reportgen.toml"))
    return None


def workbook_too_big(sheets: list[tuple[str, int, str]], limits: LimitsConfig
                     ) -> Unreadable | None:
    """A refusal when the sheets' grids, (name, cells, span) each, exceed the workbook budget."""
    total = sum(cells for _, cells, _ in sheets)
    cap = _workbook_cap(limits)
    if total <= cap:
        return None
    name, cells, span = max(sheets, key=lambda s: s[1])
    return Unreadable(
        N_("the workbook's sheets span %(total)s cells in all (blank cells included), more "
           'than reportgen reads from one file (%(cap)s); the largest is sheet "%(sheet)s" '
           "(%(span)s, %(cells)s cells)", total=f"{total:,}", cap=f"{cap:,}",
           sheet=safe_text(name), span=span, cells=f"{cells:,}"),
        N_("delete the stray cells far from the tables (select the empty rows and columns "
           "beyond the data, delete them, save), split the workbook, or raise "
           "max_workbook_cells under [limits] in reportgen.toml"), "too_big")


def too_many_sheets(count: int, limits: LimitsConfig) -> Unreadable:
    """The refusal of a workbook with more sheets than ``[limits] max_sheets``."""
    return Unreadable(
        N_("the workbook has %(count)s sheets, more than the %(limit)s-sheet limit ([limits] "
           "max_sheets)", count=f"{count:,}", limit=f"{limits.max_sheets:,}"),
        N_("keep only the sheets reportgen needs, or raise max_sheets under [limits] in "
           "reportgen.toml"), "too_many_sheets")
