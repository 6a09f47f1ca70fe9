"""Reading the inputs folder into a validated :class:`~reportgen.inputs.model.Dataset`.

The steps, each a function: find the workbooks; read each one safely (``reader``); recognise
its sheets by name (``schema`` synonyms or the config's ``[sheets]``); find the header row
below any title rows; map the columns; type every cell (``values``); drop and report the rows
that cannot be used; concatenate the sheets of one kind. :func:`load_inputs` then has the
tables checked against each other (``validate``: duplicate ids, sales for unknown clients)
and, when there is no Clients sheet, the client list derived from the sales lines.

Every problem becomes an :class:`~reportgen.inputs.issues.Issue` with its address. Nothing here
raises for bad data: a bad file, sheet or row is reported and the rest is still read.
"""

from __future__ import annotations

import gc
import hashlib
import itertools
import os
import re
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from reportgen.i18n import N_, Join
from reportgen.inputs.config import Config
from reportgen.inputs.issues import Issue, IssueLog, Severity
from reportgen.inputs.model import Dataset, InputFile
from reportgen.inputs.reading.refusal import technical
from reportgen.inputs.reading.sheets import HeadSplit, RawSheet
from reportgen.inputs.reading.workbook import (
    SPREADSHEET_EXTENSIONS,
    UNSUPPORTED_SPREADSHEETS,
    is_ignored_file,
    is_lock_name,
    read_workbook,
)
from reportgen.inputs.schema import (
    ADDRESS_COLUMNS,
    FILE,
    ROW,
    SHEET,
    SHEETS,
    Column,
    SheetKind,
    blank_column,
    column_term,
    kind_term,
    normalise_name,
    sheet_kind_for,
)
from reportgen.inputs.validate import (
    attribute_regions,
    check_money_totals,
    check_sales,
    derive_clients,
    drop_duplicate_ids,
    drop_unknown_clients,
    row_owner,
)
from reportgen.inputs.values.cells import ColumnResult, show
from reportgen.inputs.values.columns import convert_column

if TYPE_CHECKING:
    from reportgen.inputs.tail import Tail

#: How many rows at the top of a sheet may hold titles or notes above the header.
HEADER_SEARCH_ROWS = 30

#: Characters that must not reach a terminal from a file: controls (escape sequences can
#: retitle or clear the window) and bidi overrides (they reorder the rest of the line).
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: A file name's bytes that are not UTF-8 (``os.fsdecode`` keeps them as lone surrogates,
#: which no terminal can print).
_UNDECODABLE = re.compile("[\ud800-\udfff]")

_SUBTOTAL = re.compile(r"^(sub)?total\b|^grand total|^合计|^小计|^总计|^共计", re.IGNORECASE)


@dataclass(frozen=True)
class SheetRef:
    """One sheet of one file, recognised as a kind."""

    file: str
    raw: RawSheet
    kind: SheetKind
    date1904: bool


def printable(text: str) -> str:
    """``text`` fit for a message: control, bidi-override and undecodable characters → U+FFFD."""
    return _UNDECODABLE.sub("\ufffd", _UNPRINTABLE.sub("\ufffd", text))


def column_letter(index: int) -> str:
    """Excel's letter for a 0-based column index (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def discover(inputs: Path, log: IssueLog) -> list[Path]:
    """The spreadsheet files in the inputs folder, sorted by name; lock and temp files ignored."""
    if not inputs.is_dir():
        log.error(
            N_("the inputs folder %(folder)s does not exist", folder=inputs),
            hint=N_("create it and put the month's workbooks in it, or name another with "
                    "--inputs"),
            code="no_inputs",
        )
        return []
    files = []
    lock_files: list[str] = []  # Office owner files and hidden temp files, named if alone
    root = inputs.resolve()
    for path in sorted(inputs.iterdir()):
        if not _plain_file(path, root, log):
            continue
        unsupported = UNSUPPORTED_SPREADSHEETS.get(path.suffix.lower())
        if unsupported and not path.name.startswith((".", "~$")):
            log.error(
                N_("reportgen cannot read %(format)s", format=unsupported),
                file=printable(path.name), code="unsupported_format",
                hint=N_("open it in Excel or WPS and save it as an Excel workbook (.xlsx)"),
            )
        elif not is_ignored_file(path):
            files.append(path)
        elif is_lock_name(path.name):
            lock_files.append(printable(path.name))
    if not files and not log.errors:
        if lock_files:
            log.error(
                N_("the inputs folder %(folder)s holds only Office lock files or hidden temp "
                   "files (%(files)s), no workbook", folder=inputs,
                   files=Join(technical(name) for name in lock_files)),
                hint=N_("copy the workbooks themselves into it; a lock file such as ~$book.xlsx "
                        "only means that the workbook was open in Excel or WPS"),
                code="no_inputs",
            )
        else:
            log.error(
                N_("the inputs folder %(folder)s holds no workbook (.xlsx, .xlsm, .xls, .ods or "
                   ".csv)", folder=inputs),
                hint=N_("copy the month's workbooks into it"),
                code="no_inputs",
            )
    return files


def _plain_file(path: Path, root: Path, log: IssueLog) -> bool:
    """True for a regular file inside the inputs folder, which alone may be opened.

    A folder, pipe, device or link out of the folder that is named like a workbook is
    reported (with its name) and skipped.
    """
    workbook_like = (path.suffix.lower() in SPREADSHEET_EXTENSIONS
                     and not is_lock_name(path.name))
    try:
        if path.is_symlink():
            target = path.resolve()
            if not target.is_relative_to(root):
                # A link out of the folder would read a file nobody put in it, unseen.
                if workbook_like:
                    log.warning(
                        N_("the file is a link to a file outside the inputs folder; it was not "
                           "read"), file=printable(path.name), code="outside_link",
                        hint=N_("copy the workbook itself into the inputs folder"))
                return False
        mode = path.stat().st_mode  # follows a link inside the folder
    except (OSError, RuntimeError):  # a dangling or looping link
        if workbook_like:
            log.warning(N_("the file is a broken link; it was not read"),
                        file=printable(path.name), code="broken_link",
                        hint=N_("copy the workbook itself into the inputs folder"))
        return False
    if stat.S_ISREG(mode):
        return True
    if workbook_like:
        # Opening a pipe would wait for a writer for ever; a folder is not a workbook.
        message = (N_("this is a folder, not a workbook; it was not read") if stat.S_ISDIR(mode)
                   else N_("this is not a regular file (a pipe, socket or device); it was not "
                           "read"))
        log.warning(message, file=printable(path.name), code="not_a_file",
                    hint=N_("remove it, or put the workbook itself in its place"))
    return False


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def issues_refused(issues: Sequence[Issue]) -> bool:
    """True when the reader refused the whole file (its one error names no sheet)."""
    return any(i.severity is Severity.ERROR and not i.sheet for i in issues)


def _changed(path: Path, before: os.stat_result, sha256: str) -> bool:
    """True when the file on disk is no longer the one hashed before it was read."""
    try:
        after = path.stat()
    except OSError:
        return True
    if (after.st_ino, after.st_size, after.st_mtime_ns) == (
            before.st_ino, before.st_size, before.st_mtime_ns):
        return False
    try:
        return file_sha256(path) != sha256
    except OSError:
        return True


def classify_sheets(
    file: str, sheets: Sequence[RawSheet], config: Config, log: IssueLog, date1904: bool
) -> list[SheetRef]:
    """Recognise each sheet by name; sheets of no known kind are noted and ignored."""
    configured = {normalise_name(name): SHEETS[kind] for kind, name in config.sheets.items()}
    out = []
    for raw in sheets:
        key = normalise_name(raw.name)
        kind = configured.get(key) or sheet_kind_for(raw.name)
        if kind is None:
            log.info(
                N_('sheet "%(sheet)s" is not one reportgen uses; it was ignored',
                   sheet=raw.name),
                file=file, sheet=raw.name,
                hint=N_("name it as in the README (Clients, Sales, …) or map it under [sheets] "
                        "in reportgen.toml if it should be read"),
                code="unused_sheet",
            )
            continue
        out.append(SheetRef(file, raw, kind, date1904 or raw.date1904))
    return out


def drop_shadowed_hidden(refs: list[SheetRef], log: IssueLog) -> list[SheetRef]:
    """Hidden sheets are read only when no visible sheet is of the same kind (with a warning)."""
    visible_kinds = {r.kind.name for r in refs if r.raw.visible}
    kept = []
    for ref in refs:
        if ref.raw.visible:
            kept.append(ref)
        elif ref.kind.name in visible_kinds:
            log.info(
                N_('hidden sheet "%(sheet)s" was ignored: a visible %(kind)s sheet is read '
                   "instead", sheet=ref.raw.name, kind=kind_term(ref.kind)),
                file=ref.file, sheet=ref.raw.name, code="hidden_sheet_ignored",
            )
        else:
            log.warning(
                N_('sheet "%(sheet)s" is hidden in the workbook; it was read because no '
                   "visible sheet holds the %(kind)s", sheet=ref.raw.name,
                   kind=kind_term(ref.kind)),
                file=ref.file, sheet=ref.raw.name,
                hint=N_("unhide the sheet if it is current, or delete it if it is old"),
                code="hidden_sheet_read",
            )
            kept.append(ref)
    return kept


def _source_names(kind: SheetKind, config: Config) -> dict[str, list[str]]:
    """Normalised header text → canonical columns it may denote (config mapping first)."""
    mapping: dict[str, list[str]] = {}
    configured = config.columns.get(kind.name, {})
    for canonical, source in configured.items():
        mapping.setdefault(normalise_name(source), []).append(canonical)
    for col in kind.columns:
        if col.name in configured:
            continue
        for name in (col.name, *col.synonyms):
            targets = mapping.setdefault(normalise_name(name), [])
            if col.name not in targets:
                targets.append(col.name)
    return mapping


def find_header(
    rows: Sequence[Sequence[object]], kind: SheetKind, config: Config
) -> tuple[int, dict[str, int]] | None:
    """The header row's index in ``rows`` and canonical column → cell index, or None.

    The header is the row among the first ``HEADER_SEARCH_ROWS`` that names the most required
    columns (then the most columns in all); title and note rows above it name none.
    """
    names = _source_names(kind, config)
    required = set(kind.required_columns)
    best: tuple[int, int, int, dict[str, int]] | None = None
    for r, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found: dict[str, int] = {}
        for c, cell in enumerate(row):
            if not isinstance(cell, str) or not cell.strip():
                continue
            for canonical in names.get(normalise_name(cell), ()):
                found.setdefault(canonical, c)
        if not found:
            continue
        score = (len(required & set(found)), len(found))
        if best is None or score > best[:2]:
            best = (*score, r, found)
    if best is None or best[0] == 0:
        return None
    return best[2], best[3]


def _excel_rows(ref: SheetRef, start: int, count: int) -> np.ndarray:
    """Excel row numbers for ``count`` rows starting at index ``start`` of ``ref.raw.rows``."""
    return np.arange(count, dtype=np.int64) + ref.raw.first_row + start


class _Body:
    """The data rows of a sheet below its header, row by row (the rows read as cells)."""

    def __init__(self, data: list[list[object]], width: int) -> None:
        self.data, self.n = data, len(data)
        # Columns as sequences; rows shorter than the header are padded with blanks.
        columns: list[tuple[object, ...]] = list(
            itertools.zip_longest(*data, fillvalue=None))[:width]
        columns += [(None,) * self.n] * (width - len(columns))
        self.columns: list[tuple[object, ...]] | None = columns

    def blank(self) -> np.ndarray:
        """True for each row whose every cell is blank."""
        assert self.columns is not None
        blank = np.ones(self.n, dtype=bool)
        for column in self.columns:
            blank &= np.fromiter((v is None for v in column), dtype=bool, count=self.n)
        # A row is also blank when every cell is (even beyond the mapped columns).
        for i in map(int, np.flatnonzero(blank)):
            if any(v not in (None, "") for v in self.data[i]):
                blank[i] = False
        return blank

    def convert(self, column: Column, pos: int, config: Config, date1904: bool) -> ColumnResult:
        assert self.columns is not None
        return convert_column(column, self.columns[pos], config=config, date1904=date1904)

    def cell(self, pos: int, i: int) -> object:
        assert self.columns is not None
        return self.columns[pos][i]

    def row(self, i: int) -> list[object]:
        return self.data[i]


class _TailBody(_Body):
    """The data rows of a large sheet, held as columns (:class:`reportgen.inputs.tail.Tail`)."""

    def __init__(self, tail: Tail, first_col: int) -> None:
        self.tail, self.first_col, self.n = tail, first_col, tail.height
        self.columns = None  # a sheet with merged cells is never read as columns

    def blank(self) -> np.ndarray:
        return self.tail.blank_rows()

    def convert(self, column: Column, pos: int, config: Config, date1904: bool) -> ColumnResult:
        return self.tail.convert(column, self.first_col + pos, config=config, date1904=date1904)

    def cell(self, pos: int, i: int) -> object:
        found = self.tail.column(self.first_col + pos)
        return found.cells[int(found.codes[i])]

    def row(self, i: int) -> list[object]:
        return self.tail.row(i)


def _body(raw: RawSheet, header_index: int, positions: dict[str, int]) -> _Body:
    if raw.tail is not None:
        # The reader split the sheet at this very header (same rows, same search).
        assert header_index + 1 == len(raw.rows), "the header moved after the reader split"
        return _TailBody(raw.tail, raw.first_col)
    return _Body(raw.rows[header_index + 1:], max(positions.values()) + 1)


def head_split(config: Config) -> HeadSplit:
    """The reader's ``split`` for large sheets: where the header found here ends."""
    configured = {normalise_name(name): SHEETS[kind] for kind, name in config.sheets.items()}

    def split(name: str, rows: list[list[object]]) -> int | None:
        name = printable(name)
        kind = configured.get(normalise_name(name)) or sheet_kind_for(name)
        if kind is None:
            return None
        header = find_header(rows, kind, config)
        return None if header is None else header[0] + 1

    return split


def parse_sheet(ref: SheetRef, config: Config, log: IssueLog) -> pd.DataFrame | None:
    """One recognised sheet as a typed frame with address columns; bad rows dropped and reported."""
    raw, kind, file = ref.raw, ref.kind, ref.file
    where: dict[str, Any] = {"file": file, "sheet": raw.name}
    if not raw.rows:
        log.warning(N_("the %(kind)s sheet is empty", kind=kind_term(kind)), **where,
                    code="empty_sheet", hint=N_("fill it in or remove it"))
        return None
    header = find_header(raw.rows, kind, config)
    if header is None:
        expected = Join(column_term(c) for c in kind.required_columns)
        first = next((row for row in raw.rows[:HEADER_SEARCH_ROWS] if any(
            c not in (None, "") for c in row)), [])
        seen = printable(", ".join(str(c) for c in first if c not in (None, ""))[:200])
        message = N_("no header row found in the %(kind)s sheet: expected columns "
                     "%(expected)s", kind=kind_term(kind), expected=expected)
        if seen:
            message = N_("%(problem)s; the first filled row reads: %(seen)s", problem=message,
                         seen=technical(seen))
        log.error(
            message, **where, code="no_header",
            hint=N_("put the column names in one row, or map them under [columns.%(kind)s] "
                    "in reportgen.toml", kind=kind.name),
        )
        return None
    header_index, positions = header
    header_row = raw.rows[header_index]
    header_excel_row = raw.first_row + header_index

    def header_text(canonical: str) -> str:
        cell = header_row[positions[canonical]]
        return str(cell).strip()

    missing: list[object] = [column_term(c) for c in kind.required_columns
                             if c not in positions]
    for group in kind.one_of:
        if not any(c in positions for c in group):
            missing.append(Join((column_term(c) for c in group),
                                {"en": " or ", "zh": "或"}))
    if missing:
        found = printable(", ".join(str(c).strip() for c in header_row
                                    if c not in (None, ""))[:300])
        log.error(
            N_("the %(kind)s sheet lacks the required column(s) %(missing)s; found: %(found)s",
               kind=kind_term(kind), missing=Join(missing), found=technical(found)),
            **where, row=header_excel_row, code="missing_column",
            hint=N_("add the column, or map your column's name under [columns.%(kind)s] "
                    "in reportgen.toml", kind=kind.name),
        )
        return None
    for canonical in config.columns.get(kind.name, {}):
        if canonical not in positions:
            log.warning(
                N_('the column mapped to %(column)s ("%(source)s") is not in the %(kind)s sheet',
                   column=column_term(canonical), source=config.columns[kind.name][canonical],
                   kind=kind_term(kind)),
                **where, row=header_excel_row, code="mapped_column_missing",
                hint=N_("check the name under [columns.%(kind)s] in reportgen.toml",
                        kind=kind.name),
            )

    body = _body(raw, header_index, positions)
    n = body.n
    if n == 0:
        log.warning(N_("the %(kind)s sheet has a header but no rows", kind=kind_term(kind)),
                    **where, code="empty_sheet")
        return None
    excel_rows = _excel_rows(ref, header_index + 1, n)
    blank = body.blank()
    if body.columns is not None:
        for span, row, canonical, value in fill_merged(raw, kind, positions, body.columns,
                                                       header_excel_row, blank):
            log.info(N_("cells %(span)s are merged; their value %(value)s was read on each of "
                        "their rows", span=span, value=value), **where, row=row,
                     column=header_text(canonical), code="merged_cells")

    frame: dict[str, pd.Series] = {}
    bad = np.zeros(n, dtype=bool)
    bad_reason: dict[int, Issue] = {}
    # The money a skipped row carries is read from this column; rows whose cell there could
    # not be read carry money nobody can count, which is not the same as none.
    amount_col = next((c for c in ("amount", "value") if c in positions), None)
    unread_money: set[int] = set()
    cell_errors = raw.cell_errors
    abs_col = raw.first_col

    for col in kind.columns:
        if col.name not in positions:
            continue
        pos = positions[col.name]
        result = body.convert(col, pos, config, ref.date1904)
        series = result.values.reset_index(drop=True)
        col_where: dict[str, Any] = {**where, "column": header_text(col.name)}
        for severity, message, hint in result.column_notes:
            log.add(Issue(severity, message, **col_where, row=header_excel_row, hint=hint,
                          code=_NOTE_CODES.get(getattr(message, "msgid", ""), "column_note")))
            if severity is Severity.ERROR and col.required:
                pass  # the per-cell problems below skip the affected rows
        for prob in result.problems:
            i = int(prob.index)
            if blank[i]:
                continue
            issue = Issue(
                prob.severity, prob.message, **col_where, row=int(excel_rows[i]),
                value=prob.value, hint=prob.hint, code=_value_code(col.type, prob.severity),
            )
            if prob.severity is Severity.ERROR:
                if col.name == amount_col:
                    unread_money.add(i)
                if col.required:
                    bad[i] = True
                    bad_reason.setdefault(i, issue)
                else:
                    log.add(Issue(
                        Severity.WARNING, _left_blank(issue.message), **col_where,
                        row=issue.row, value=issue.value, hint=issue.hint, code=issue.code,
                    ))
            else:
                log.add(issue)
        # Error cells and formulas without a saved value: never read as blank.
        for (erow, ecol), text in cell_errors.items():
            if ecol != abs_col + pos:
                continue
            i = erow - int(excel_rows[0]) if n else -1
            if not 0 <= i < n or blank[i]:
                continue
            message = N_("the cell holds %(error)s", error=text) if text.startswith(
                "#") else text
            if col.name == amount_col:
                unread_money.add(i)
            if col.required:
                bad[i] = True
                bad_reason.setdefault(i, Issue(
                    Severity.WARNING, message, **col_where, row=erow, value=text,
                    hint=_FORMULA_HINT, code="error_cell"))
            else:
                log.warning(_left_blank(message), **col_where, row=erow, value=text,
                            hint=_FORMULA_HINT, code="error_cell")
                series.iloc[i] = None
        frame[col.name] = series

    # Required cells left blank.
    for name in kind.required_columns:
        if name not in frame:
            continue
        missing_mask = frame[name].isna().to_numpy() & ~blank & ~bad
        for i in map(int, np.flatnonzero(missing_mask)):
            bad[i] = True
            bad_reason.setdefault(int(i), Issue(
                Severity.WARNING, N_("%(column)s is blank", column=column_term(name)),
                **where, column=header_text(name), row=int(excel_rows[i]),
                hint=N_("fill in %(column)s, or delete the row", column=column_term(name)),
                code="blank_required"))

    # Subtotal and note rows: a "Total" label where an id or date belongs.
    first_required = kind.required_columns[0]
    for i in map(int, np.flatnonzero(bad & ~blank)):
        cell = body.cell(positions[first_required], i)
        texts = [str(v) for v in body.row(i) if isinstance(v, str)]
        if any(_SUBTOTAL.match(t.strip()) for t in texts) or (
            isinstance(cell, str) and _SUBTOTAL.match(cell.strip())
        ):
            bad_reason[int(i)] = Issue(
                Severity.WARNING, N_("looks like a subtotal or total row; it was not counted"),
                **where, row=int(excel_rows[i]), value=texts[0][:60] if texts else "",
                hint=N_("keep totals out of the data rows, or leave them: they are skipped"),
                code="subtotal_row")

    df = pd.DataFrame(frame)
    for col in kind.columns:
        if col.name not in df.columns:
            df[col.name] = blank_column(col, n)
    df[FILE] = file
    df[SHEET] = raw.name
    df[ROW] = excel_rows

    if bad.any():
        for i in map(int, np.flatnonzero(bad)):
            issue = bad_reason[int(i)]
            amount = None
            # A subtotal repeats money already counted on its rows: it is not money lost.
            counted = amount_col is not None and issue.code != "subtotal_row"
            if counted:
                v = df[amount_col].iloc[i]
                amount = None if pd.isna(v) else int(v)
            # A bad row is skipped with a warning (SPEC, "Bad input"); --strict makes it fatal.
            log.add(Issue(
                Severity.WARNING, row_skipped(issue.message),
                file=issue.file, sheet=issue.sheet, row=issue.row, column=issue.column,
                value=issue.value, hint=issue.hint, code=issue.code,
                money=amount, money_unread=counted and i in unread_money, skipped=True,
                **row_owner(df, i),
            ))
    keep = ~bad & ~blank
    df = df.loc[keep].reset_index(drop=True)
    return df


_FORMULA_HINT = N_("fix the formula in Excel and save the workbook again")


def _left_blank(message: str) -> str:
    return N_("%(problem)s; left blank", problem=message)


def row_skipped(message: str) -> str:
    """A row's problem, saying that the row was left out."""
    return N_("%(problem)s; the row was skipped", problem=message)


#: The codes of a column's notes (the date order of a column), by message.
_NOTE_CODES = {
    "column mixes day-first (%(day_first)s) and month-first (%(month_first)s) dates":
        "mixed_date_order",
    "dates read as %(order)s because of values like %(example)s": "date_order_found",
    "dates like %(example)s could be %(day_first)s or %(month_first)s; read as %(order)s "
    "([format] date_order)": "ambiguous_dates",
}


def _value_code(column_type: str, severity: Severity) -> str:
    """The code of a cell problem: ``bad_date``, ``bad_amount`` … (``suspect_…`` for a warning)."""
    kind = {"date": "date", "month": "month", "money": "amount", "number": "number",
            "int": "number", "percent": "percentage", "id": "id", "emails": "email",
            "enum": "choice", "score": "score", "bool": "yes_no"}.get(column_type, "value")
    return f"{'bad' if severity is Severity.ERROR else 'suspect'}_{kind}"


#: Column types whose values add up: a merged cell is read once, never copied to each row.
_ADDITIVE_TYPES = frozenset({"money", "number", "int"})


def fill_merged(
    raw: RawSheet, kind: SheetKind, positions: dict[str, int],
    columns: list[tuple[object, ...]], header_row: int, blank: np.ndarray,
) -> list[tuple[str, int, str, str]]:
    """Copy each merged data cell's value down its range: (range, Excel row, column, value).

    A spreadsheet shows a merged cell's value on every row it spans (a region merged down
    over its clients), but the file stores it in the first cell only: without this, the
    other rows would look blank and be skipped. Amounts and quantities are not copied (the
    merged figure would be counted once per row); blank rows stay blank.
    """
    filled: list[tuple[str, int, str, str]] = []
    first_data = header_row + 1
    by_position = {pos: name for name, pos in positions.items()}
    types = {c.name: c.type for c in kind.columns}
    for row0, col0, row1, col1 in raw.merged:
        pos, top = col0 - raw.first_col, row0 - first_data
        name = by_position.get(pos)
        if row0 < first_data or row1 == row0 or name is None or types[name] in _ADDITIVE_TYPES:
            continue  # titles, headers, merges across columns only, unmapped or additive
        value = columns[pos][top] if top < len(blank) else None
        if value is None:
            continue
        cells = list(columns[pos])
        for i in range(top + 1, min(row1 - first_data + 1, len(blank))):
            if not blank[i] and cells[i] is None:
                cells[i] = value
        columns[pos] = tuple(cells)
        filled.append((f"{column_letter(col0)}{row0}:{column_letter(col1)}{row1}", row0, name,
                       f'"{show(value)}"'))
    return filled


def concat_kind(frames: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Several sheets of one kind as one table, in file and row order."""
    frames = [f for f in frames if len(f)]
    if not frames:
        raise ValueError("no frames")
    if len(frames) == 1:
        return frames[0]
    return pd.concat(frames, ignore_index=True)


def load_inputs(inputs: Path, config: Config, *, month: pd.Period | None = None) -> Dataset:
    """Read, type and validate every workbook in ``inputs``."""
    # While a million-row grid of cells is alive, every full garbage collection walks it
    # (47 of them while parsing a 1M-line Sales sheet, about 15% of the load). The cells are
    # plain strings, numbers and dates, so nothing cyclic is left for the collector.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _load_inputs(inputs, config, month=month)
    finally:
        if enabled:
            gc.enable()


def _found_sheets(found: list[object]) -> Join:
    return Join(found, {"en": "; ", "zh": "；"})


def _files_read(read: list[tuple[str, list[tuple[str, SheetKind | None]]]]) -> Join:
    """Each file read, with its sheets and the kind each was taken for (or "not used")."""
    entries: list[object] = []
    for file, sheets in read:
        if not sheets:
            entries.append(N_("%(file)s (no sheet could be read)", file=file))
            continue
        shown = Join(
            N_('"%(sheet)s": %(kind)s', sheet=sheet, kind=kind_term(kind)) if kind is not None
            else N_('"%(sheet)s": not used', sheet=sheet)
            for sheet, kind in sheets)
        entries.append(N_("%(file)s (sheets %(sheets)s)", file=file, sheets=shown))
    return _found_sheets(entries)


def _with_unread(message: str, hint: str, unread: list[object]) -> tuple[str, str]:
    """A missing-sheet message and hint that first name what could not be read."""
    return (N_("%(problem)s; could not be read: %(unread)s", problem=message,
               unread=_found_sheets(unread)),
            N_("fix what could not be read (see the errors above); otherwise %(hint)s",
               hint=hint))


def _load_inputs(inputs: Path, config: Config, *, month: pd.Period | None) -> Dataset:
    log = IssueLog()
    refs: list[SheetRef] = []
    files: list[InputFile] = []
    unread: list[object] = []  # files and sheets the reader refused
    read: list[tuple[str, list[tuple[str, SheetKind | None]]]] = []  # each file's sheets
    for path in discover(inputs, log):
        # File and sheet names reach the terminal in every message: no escape sequences.
        name = printable(path.name)
        try:
            before = path.stat()
            sha256 = file_sha256(path)
        except OSError:
            before, sha256 = None, ""  # read_workbook says why it cannot be opened
        sheets, issues = read_workbook(path, limits=config.limits, display_name=name,
                                       split=head_split(config))
        if before is not None and not issues_refused(issues) and _changed(path, before, sha256):
            # The figures could mix two versions, and the hash recorded would not be theirs.
            issues = [*issues, Issue(
                Severity.ERROR, N_("the file changed while it was being read (it was probably "
                                   "still being saved or copied)"), file=name,
                hint=N_("wait until it is saved or copied, then run again"), code="changed")]
        for sheet in sheets:
            sheet.name = printable(sheet.name)
        log.extend(issues)
        unread += [N_('%(file)s (sheet "%(sheet)s")', file=i.file, sheet=i.sheet) if i.sheet
                   else i.file for i in issues if i.severity is Severity.ERROR]
        date1904 = any(s.date1904 for s in sheets)
        file_refs = classify_sheets(name, sheets, config, log, date1904)
        refs.extend(file_refs)
        taken = {r.raw.name: r.kind for r in file_refs}
        read.append((name, [(s.name, taken.get(s.name)) for s in sheets]))
        if before is None:
            continue
        files.append(InputFile(
            name=name, sha256=sha256, size=before.st_size,
            sheets=tuple((r.raw.name, r.kind.name) for r in file_refs),
        ))
    refs = drop_shadowed_hidden(refs, log)

    by_kind: dict[str, list[pd.DataFrame]] = {}
    present: dict[str, set[str]] = {}
    # Each sheet's own header text per canonical column, for messages about a whole column.
    headers: dict[tuple[str, str], dict[str, str]] = {}
    for ref in refs:
        df = parse_sheet(ref, config, log)
        if df is None:
            continue
        by_kind.setdefault(ref.kind.name, []).append(df)
        header = find_header(ref.raw.rows, ref.kind, config)
        if header is not None:
            index, positions = header
            present.setdefault(ref.kind.name, set()).update(positions)
            row = ref.raw.rows[index]
            headers[(ref.file, ref.raw.name)] = {
                canonical: str(row[position]).strip() for canonical, position in positions.items()}

    tables: dict[str, pd.DataFrame] = {}
    for kind_name, frames in by_kind.items():
        try:
            tables[kind_name] = concat_kind(frames)
        except ValueError:
            continue

    clients_derived = False
    if "sales" not in tables:
        if files and not any(r.kind.name == "sales" for r in refs):
            found = _files_read(read)
            hint: str = N_('name the sheet with the sales lines "Sales" (or 销售), or map it under '
                      "[sheets] in reportgen.toml")
            message: str = N_("no Sales sheet was found; files read: %(found)s", found=found)
            if unread:
                # The sales lines are most likely in what was refused: say so first.
                message, hint = _with_unread(message, hint, unread)
            log.error(message, hint=hint, code="missing_sheet")
    else:
        tables["sales"] = check_sales(tables["sales"], log)

    if "clients" in tables:
        tables["clients"] = drop_duplicate_ids(tables["clients"], "client_id", "client", log)
    elif "sales" in tables:
        sales = tables["sales"]
        if (present.get("sales", set()) >= {"client_name", "region"}
                or present.get("sales", set()) >= {"region"}):
            tables["clients"] = derive_clients(sales, log, month)
            present["clients"] = {"client_id", "name", "region", "account_manager"}
            clients_derived = True
        else:
            message = N_("no Clients sheet was found, and the sales lines carry no client "
                         "region to derive the clients from")
            hint = N_('add a sheet named "Clients" (or 客户) with %(client_id)s, %(name)s and '
                      "%(region)s, or add a region column to the sales lines",
                      client_id=column_term("client_id"), name=column_term("name"),
                      region=column_term("region"))
            if unread:
                message, hint = _with_unread(message, hint, unread)
            log.error(message, hint=hint, code="missing_sheet")

    if "opportunities" in tables:
        tables["opportunities"] = drop_duplicate_ids(
            tables["opportunities"], "opp_id", "opportunity", log)

    if "clients" in tables:
        known = pd.Index(tables["clients"]["client_id"])
        for kind_name in ("sales", "opportunities", "contacts", "feedback", "actions",
                          "activities"):
            if kind_name in tables:
                money = {"sales": "amount", "opportunities": "value"}.get(kind_name)
                tables[kind_name] = drop_unknown_clients(
                    tables[kind_name], SHEETS[kind_name], known, log, money)

    check_money_totals(tables, log, headers)
    return Dataset(
        tables=tables,
        issues=tuple(attribute_regions(log.items, tables.get("clients"))),
        inputs=tuple(files),
        clients_derived=clients_derived,
        present={k: frozenset(v) for k, v in present.items()},
    )


__all__ = ["ADDRESS_COLUMNS", "load_inputs", "find_header", "column_letter"]
