"""Open one spreadsheet file safely and return its sheets as raw rows of Python values.

This is the lowest layer of the input. It knows nothing of headers, columns or types: it
opens one file, refuses it with a plain-words error when it is unsafe or unreadable, and
otherwise returns every worksheet as rows of cell values. The layers above find the header,
map the columns and type the values.

Workbooks are checked *before* a parser sees them, because the parser (python-calamine, in
Rust) is fast but trusting, and some of its failures abort the whole process:

* the file size; for zip-based workbooks (.xlsx, .xlsm, .ods) the number of parts, their
  declared unpacked size and compression ratio; then every part is unpacked once, in
  streaming chunks, which proves it is no larger than it declares;
* the prolog of every XML part: a document type declaration (the vehicle of entity bombs and
  external entities) is refused, and so is a shared-strings table declaring billions of
  entries (calamine reserves memory for them up front);
* the cells each sheet actually uses, from a cheap byte-level scan of the sheet XML, of the
  ODS ``content.xml`` or of the BIFF records of an .xls: calamine builds a dense grid from
  the first to the last used cell, so one stray cell at XFD1048576 would ask for billions of
  cells. A sheet that would break ``[limits] max_rows`` / ``max_columns`` (or make a grid
  larger than ``max_cells``; all sheets together, ``max_workbook_cells``) is
  refused with the far cell named. An .xlsx sheet is refused alone; an .xls or .ods, which
  calamine expands whole when it opens it, is refused as a file.

The same scans find what calamine silently reads as blank: error cells (``#DIV/0!``) and
formulas saved without a value; they are returned in :attr:`RawSheet.cell_errors`.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import html
import io
import posixpath
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO
from urllib.parse import unquote
from xml.etree.ElementTree import Element

import python_calamine as calamine
from defusedxml import ElementTree as SafeET
from xlrd.compdoc import CompDoc, CompDocError

from reportgen.inputs import columnar
from reportgen.inputs.config import LimitsConfig
from reportgen.inputs.issues import Issue, Severity

if TYPE_CHECKING:
    from reportgen.inputs.tail import Tail

#: File name endings read as spreadsheets; every other file in the inputs folder is ignored.
SPREADSHEET_EXTENSIONS = frozenset({".xlsx", ".xlsm", ".xls", ".ods", ".csv"})

#: The largest dense grid (rows × columns, blanks included) read from one sheet, unless
#: ``[limits] max_cells`` says otherwise. calamine holds 32 bytes per cell, so this is about
#: 1 GB; a genuine sheet under the default ``max_uncompressed_mb`` never comes near it, a
#: sheet with two far-apart cells does.
MAX_GRID_CELLS: int = LimitsConfig.model_fields["max_cells"].default
#: The same for all the sheets of one workbook together (``[limits] max_workbook_cells``):
#: calamine builds every sheet of an .xls or .ods when it opens the file, so one sheet's cap
#: alone does not bound the memory.
MAX_WORKBOOK_CELLS: int = LimitsConfig.model_fields["max_workbook_cells"].default

CellValue = object  # None | str | float | int | bool | datetime/date/time/timedelta

_MB = 1024 * 1024
#: Unpacked bytes handed to a scanner at a time.
_CHUNK = 8 * _MB
#: A compressed part is a bomb suspect only above this size ("larger than a few MB").
_BOMB_MIN_BYTES = 8 * _MB
#: A workbook has a few dozen parts; thousands are an attack on the zip directory reader.
_MAX_ZIP_MEMBERS = 10_000
_MAX_ZIP_DIRECTORY = 16 * _MB
#: An XML prolog (declaration, comments) longer than this is not a spreadsheet's.
_MAX_PROLOG = _MB
#: Unpacked bytes without a single ``>``: no spreadsheet has them.
_MAX_UNBROKEN = 64 * _MB
#: Sizes fixed by the .xls format (BIFF8): 65,536 rows and 256 columns.
_XLS_ROWS, _XLS_COLUMNS = 65_536, 256

_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
_OOXML_WORKBOOK_TYPES = (
    b"spreadsheetml.sheet.main", b"sheet.macroEnabled.main",
    b"spreadsheetml.template.main", b"template.macroEnabled.main",
)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


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
    #: None when every row is in ``rows``. See :func:`read_workbook`'s ``split``.
    tail: Tail | None = None


#: Given a sheet's name and its first rows (at least the first ``HEAD_ROWS`` of the sheet,
#: as :attr:`RawSheet.rows` would hold them), how many of them come before the data rows
#: (through the header row), or None when the sheet should be read cell by cell.
HeadSplit = Callable[[str, list[list[CellValue]]], "int | None"]
#: Rows of a large sheet read cell by cell before its data rows are read as columns.
HEAD_ROWS = 64
#: A worksheet part that unpacks to at least this many bytes (about 20,000 rows of 10
#: columns) has its data rows read as columns, when the caller passes a ``split``.
COLUMNAR_MIN_BYTES = 16 * 1024 * 1024


#: Spreadsheet formats reportgen does not read; a file in one of them is an error, not ignored,
#: because the rows in it would otherwise be lost without a word.
UNSUPPORTED_SPREADSHEETS = {
    ".xlsb": "Excel binary workbooks (.xlsb)",
    ".xltx": "Excel templates (.xltx)",
    ".xltm": "Excel templates (.xltm)",
    ".xlt": "Excel templates (.xlt)",
    ".numbers": "Apple Numbers files",
    ".et": "WPS spreadsheets (.et)",
    ".ots": "OpenDocument templates (.ots)",
    ".fods": "flat OpenDocument spreadsheets (.fods)",
    ".tsv": "tab-separated text (.tsv)",
}


def is_ignored_file(path: Path) -> bool:
    """True for files the input folder scan skips: lock, hidden, temp and non-spreadsheet files."""
    name = path.name
    if not name or name.startswith((".", "~$")) or name.endswith(("#", "~")):
        # .hidden and .~lock.x.xlsx# (LibreOffice), ~$x.xlsx (Office's owner file).
        return True
    if path.suffix.lower() not in SPREADSHEET_EXTENSIONS:
        return True
    return _hidden_on_windows(path)


def read_workbook(
    path: Path, *, limits: LimitsConfig, display_name: str, split: HeadSplit | None = None,
) -> tuple[list[RawSheet], list[Issue]]:
    """Every worksheet of one file, and the problems met; an unreadable file gives no sheets.

    Bad input never raises: a file that cannot be read safely gives ``([], [one ERROR
    issue])`` naming ``display_name``, with a plain reason and a hint.

    With ``split``, the largest worksheet of an .xlsx (when its part is at least
    :data:`COLUMNAR_MIN_BYTES`) may come back with its data rows in :attr:`RawSheet.tail`:
    its first rows are read as usual and handed to ``split``, which says where the header
    ends; the rows below are read by fastexcel in a helper process (see
    :mod:`reportgen.inputs.columnar`) while this process checks the file.
    """
    try:
        return _read(path, limits, display_name, split)
    except _Unreadable as exc:
        return [], [Issue(Severity.ERROR, exc.message, file=display_name, hint=exc.hint,
                          code=exc.code)]


# --------------------------------------------------------------------------------------------
# Refusals


class _Unreadable(Exception):
    """The whole file is refused; becomes one ERROR issue."""

    def __init__(self, message: str, hint: str, code: str) -> None:
        super().__init__(message)
        self.message, self.hint, self.code = message, hint, code


_HINT_REPAIR = ("open it in Excel (which may offer to repair it) and save it again, "
                "or ask the sender for a new copy")
_HINT_PASSWORD = ("open it in Excel, remove the password (File > Info > Protect Workbook), "
                  "save a copy and put that copy in the inputs folder")
_HINT_HOSTILE = ("do not open it; ask the sender for a copy saved directly from Excel, or "
                 "raise the limit under [limits] in reportgen.toml if the file is genuine")
_HINT_FORMATS = "put only .xlsx, .xlsm, .xls, .ods or .csv files in the inputs folder"


def _damaged(reason: str) -> _Unreadable:
    return _Unreadable(f"the file is damaged or incomplete ({reason})", _HINT_REPAIR, "damaged")


def _password() -> _Unreadable:
    return _Unreadable("the file is protected with a password; save an unprotected copy",
                       _HINT_PASSWORD, "password")


def _not_workbook(expected: str, looks_like: str, hint: str = _HINT_FORMATS) -> _Unreadable:
    return _Unreadable(f"the file is not {expected} (it looks like {looks_like})", hint,
                       "not_a_workbook")


def _safe_text(text: str, limit: int = 80) -> str:
    """Text from the file, fit for a one-line message: no control characters, bounded length."""
    text = "".join(ch if ch.isprintable() else " " for ch in text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _mb(n_bytes: float) -> str:
    return f"{n_bytes / _MB:,.0f} MB"


# --------------------------------------------------------------------------------------------
# Dispatch


def _read(
    path: Path, limits: LimitsConfig, display_name: str, split: HeadSplit | None = None,
) -> tuple[list[RawSheet], list[Issue]]:
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise _Unreadable(f"the file cannot be opened ({exc.strerror or exc})",
                          "check that it exists and that you may read it", "unreadable") from None
    if size == 0:
        raise _Unreadable("the file is empty",
                          "save the workbook again from Excel, or remove the file from the folder",
                          "empty")
    if size > limits.max_file_mb * _MB:
        raise _Unreadable(
            f"the file is {_mb(size)}, more than the {limits.max_file_mb:,.0f} MB limit "
            "([limits] max_file_mb)",
            "split it, or raise max_file_mb under [limits] in reportgen.toml", "too_big")
    ext = path.suffix.lower()
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        sheets, issues = _read_zip(path, size, ext, limits, display_name, split)
    elif head.startswith(_OLE_MAGIC):
        sheets, issues = _read_ole(path, ext, limits, display_name)
    elif ext == ".csv":
        looks = _looks_like(head)
        if looks not in ("a CSV or text file", "something reportgen cannot identify"):
            raise _not_workbook("a CSV file", looks)
        return _read_csv(path, limits, display_name)
    else:
        looks = _looks_like(head)
        expected = "an OpenDocument spreadsheet" if ext == ".ods" else "an Excel workbook"
        hint = _HINT_FORMATS
        if looks.startswith("a web page"):
            hint = ("it was saved as a web page; open it in Excel and use Save As > "
                    "Excel Workbook (.xlsx)")
        elif looks == "a CSV or text file":
            hint = "if it is a CSV file, rename it so that its name ends in .csv"
        elif looks.startswith("an Excel 2003 XML"):
            hint = "open it in Excel and use Save As > Excel Workbook (.xlsx)"
        raise _not_workbook(expected, looks, hint)
    if ext == ".csv":
        issues.insert(0, Issue(
            Severity.WARNING, "the file is named .csv but is a workbook; it was read as one",
            file=display_name, hint="rename it so that its name ends in .xlsx (or .xls, .ods)",
            code="misnamed"))
    return sheets, issues


def _looks_like(head: bytes) -> str:
    """What a file that is not a workbook seems to be, from its first bytes."""
    binary = [
        ((b"%PDF",), "a PDF document"),
        ((b"{\\rtf",), "an RTF document"),
        ((b"\x89PNG", b"\xff\xd8\xff", b"GIF87a", b"GIF89a"), "an image"),
        ((b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b", b"BZh"), "a compressed archive"),
    ]
    for prefixes, what in binary:
        if head.startswith(prefixes):
            return what
    start = head.lstrip(b"\xef\xbb\xbf\xff\xfe\xfe\xff \t\r\n").lower()
    start16 = _utf16_head(head).lower()
    web = (b"<!doctype html", b"<html", b"<table", b"<head", b"<meta", b"<body")
    if start.startswith(web) or start16.startswith(web):
        return "a web page (HTML)"
    if start.startswith(b"<?xml") or start16.startswith(b"<?xml"):
        if b"urn:schemas-microsoft-com:office:spreadsheet" in head.lower():
            return "an Excel 2003 XML spreadsheet"
        if b"<html" in start or b"<html" in start16:
            return "a web page (HTML)"
        return "an XML file"
    if _is_text(head):
        return "a CSV or text file"
    return "something reportgen cannot identify"


def _utf16_head(head: bytes) -> bytes:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head[2:].decode("utf-16", "ignore").encode("latin-1", "ignore").lstrip()
    return b""


def _is_text(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            # The head may end inside a multi-byte character.
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
            return True
        except UnicodeDecodeError:
            continue
    return False


def _hidden_on_windows(path: Path) -> bool:
    try:
        attributes = getattr(path.stat(), "st_file_attributes", 0)
    except OSError:
        return False
    hidden = getattr(stat, "FILE_ATTRIBUTE_HIDDEN", 2) | getattr(stat, "FILE_ATTRIBUTE_SYSTEM", 4)
    return bool(attributes & hidden)


# --------------------------------------------------------------------------------------------
# Column letters and limits


def _col_name(index: int) -> str:
    """Letters of the 0-based column ``index`` (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index > 0:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _col_index(letters: bytes) -> int:
    """0-based index of column ``letters`` (b"A" → 0), either case."""
    index = 0
    for ch in letters.upper():
        index = index * 26 + ch - 64
    return index - 1


@dataclass
class _Extent:
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
        return (f"{_col_name(self.min_col)}{self.min_row}:"
                f"{_col_name(self.max_col)}{self.max_row}")

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


def _grid_cap(limits: LimitsConfig) -> int:
    """Cells one sheet's grid may span: ``[limits] max_cells``, else :data:`MAX_GRID_CELLS`."""
    # The module constants are the defaults; a value set in the config wins.
    return limits.max_cells if "max_cells" in limits.model_fields_set else MAX_GRID_CELLS


def _workbook_cap(limits: LimitsConfig) -> int:
    """Cells all sheets may span together: ``max_workbook_cells``, else the module default."""
    if "max_workbook_cells" in limits.model_fields_set:
        return limits.max_workbook_cells
    return MAX_WORKBOOK_CELLS


def _extent_problem(extent: _Extent, limits: LimitsConfig) -> tuple[str, str] | None:
    """Why a sheet with these used cells is not read (message, hint), or None when it is fine."""
    if extent.max_col < 0:
        return None
    hint = ("delete the stray cells (select the empty rows below and the columns to the right "
            "of the table, delete them, save), or raise the limit under [limits] in "
            "reportgen.toml")
    if extent.max_col >= limits.max_columns:
        cell = f"{_col_name(extent.max_col)}{extent.far_col_row}"
        return (f"the sheet has a cell at {cell}, beyond the {limits.max_columns:,}-column "
                "limit ([limits] max_columns); delete the stray cells", hint)
    if extent.max_row > limits.max_rows:
        cell = f"{_col_name(extent.far_row_col)}{extent.max_row}"
        return (f"the sheet has a cell at {cell}, beyond the {limits.max_rows:,}-row limit "
                "([limits] max_rows); delete the stray cells", hint)
    cap = min(_grid_cap(limits), limits.max_rows * limits.max_columns)
    if extent.area > cap:
        return (f"the sheet has cells spread over {extent.span} ({extent.area:,} cells, most "
                f"of them blank), more than reportgen reads from one sheet ({cap:,} cells); "
                "delete the stray cells", hint.replace("raise the limit", "raise max_cells"))
    return None


def _workbook_too_big(sheets: list[tuple[str, int, str]], limits: LimitsConfig
                      ) -> _Unreadable | None:
    """A refusal when the sheets' grids, (name, cells, span) each, exceed the workbook budget."""
    total = sum(cells for _, cells, _ in sheets)
    cap = _workbook_cap(limits)
    if total <= cap:
        return None
    name, cells, span = max(sheets, key=lambda s: s[1])
    return _Unreadable(
        f"the workbook's sheets span {total:,} cells in all (blank cells included), more than "
        f"reportgen reads from one file ({cap:,}); the largest is sheet "
        f'"{_safe_text(name)}" ({span}, {cells:,} cells)',
        "delete the stray cells far from the tables (select the empty rows and columns "
        "beyond the data, delete them, save), split the workbook, or raise max_workbook_cells "
        "under [limits] in reportgen.toml", "too_big")


# --------------------------------------------------------------------------------------------
# Zip packages (.xlsx, .xlsm, .ods): checks before parsing


def _read_zip(
    path: Path, size: int, ext: str, limits: LimitsConfig, display_name: str,
    split: HeadSplit | None = None,
) -> tuple[list[RawSheet], list[Issue]]:
    started: _Columnar | None = None
    try:
        with path.open("rb") as fh:
            _check_zip_directory(fh, size)
            try:
                zf = zipfile.ZipFile(fh)
            except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError,
                    ValueError) as exc:
                raise _damaged(f"its zip structure is broken: {_safe_text(str(exc))}") \
                    from None
            with zf:
                infos = zf.infolist()
                _check_declared_sizes(infos, limits)
                kind = _package_kind(zf, infos, ext)
                # Parsed with defusedxml, which refuses entity tricks: safe before the scan.
                layout = _xlsx_layout(zf) if kind == "xlsx" else _XlsxLayout()
                if kind == "xlsx" and split is not None:
                    # The helper parses the sheet while the scan below checks the file.
                    started = _start_columnar(path, fh, layout, infos, split, limits)
                scans = _scan_parts(fh, infos, kind, limits)
                if kind == "ods":
                    return _read_ods(path, scans, limits, display_name)
        return _read_xlsx(path, scans, layout, limits, display_name, started)
    finally:
        if started is not None:
            started.helper.cancel()


def _check_zip_directory(fh: BinaryIO, size: int) -> None:
    """Refuse a zip whose end record is missing or whose directory is absurdly large."""
    tail_len = min(size, 22 + 65_535)
    fh.seek(size - tail_len)
    tail = fh.read(tail_len)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        raise _damaged("the end of the file is missing")
    entries, directory = struct.unpack_from("<HI", tail, at + 10)
    if entries == 0xFFFF or directory == 0xFFFFFFFF:
        locator = tail.rfind(b"PK\x06\x07", 0, at)
        if locator >= 0 and len(tail) - locator >= 20:
            (offset,) = struct.unpack_from("<Q", tail, locator + 8)
            if offset + 56 <= size:
                fh.seek(offset)
                record = fh.read(56)
                if record[:4] == b"PK\x06\x06":
                    entries, directory = struct.unpack_from("<QQ", record, 32)
    if entries > _MAX_ZIP_MEMBERS or directory > _MAX_ZIP_DIRECTORY:
        raise _Unreadable(
            f"the file holds {entries:,} parts; a workbook has a few dozen, so it is not a "
            "genuine workbook", _HINT_HOSTILE, "zip_bomb")


def _package_kind(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], ext: str) -> str:
    """"xlsx" or "ods" for a workbook package; refuses any other zip with what it looks like."""
    names = {info.filename for info in infos}
    expected = "an OpenDocument spreadsheet" if ext == ".ods" else "an Excel workbook"
    if "mimetype" in names:
        mime = _read_small(zf, "mimetype").strip()
        if mime == _ODS_MIME:
            return "ods"
        kinds = {b"text": "an OpenDocument text document (.odt)",
                 b"presentation": "an OpenDocument presentation (.odp)"}
        if mime.startswith(b"application/vnd.oasis.opendocument."):
            sub = mime.rsplit(b".", 1)[-1]
            raise _not_workbook(expected, kinds.get(sub, "an OpenDocument file of another kind"))
    if "[Content_Types].xml" in names:
        types = _read_small(zf, "[Content_Types].xml")
        if any(t in types for t in _OOXML_WORKBOOK_TYPES):
            return "xlsx"
        if b"sheet.binary.macroEnabled.main" in types:
            raise _not_workbook(expected, "an Excel binary workbook (.xlsb), which reportgen "
                                "does not read", "open it in Excel and save it as .xlsx")
        if b"wordprocessingml" in types:
            raise _not_workbook(expected, "a Word document")
        if b"presentationml" in types:
            raise _not_workbook(expected, "a PowerPoint presentation")
        if any(n.endswith("workbook.xml") for n in names):
            return "xlsx"
        raise _not_workbook(expected, "an Office file of another kind")
    if not names:
        raise _not_workbook(expected, "an empty zip archive")
    raise _not_workbook(expected, "a zip archive without a workbook inside")


def _read_small(zf: zipfile.ZipFile, name: str, limit: int = _MB) -> bytes:
    try:
        with zf.open(name) as member:
            return member.read(limit)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError,
            RuntimeError, ValueError) as exc:
        raise _damaged(f"part {_safe_text(name)} cannot be unpacked: {_safe_text(str(exc))}") \
            from None


def _check_declared_sizes(infos: list[zipfile.ZipInfo], limits: LimitsConfig) -> None:
    """Refuse by the sizes the zip directory declares, before unpacking anything."""
    total = sum(info.file_size for info in infos)
    if total > limits.max_uncompressed_mb * _MB:
        raise _Unreadable(
            f"the file unpacks to {_mb(total)}, more than the "
            f"{limits.max_uncompressed_mb:,.0f} MB limit ([limits] max_uncompressed_mb)",
            _HINT_HOSTILE, "zip_bomb")
    seen: set[str] = set()
    for info in infos:
        if info.filename in seen:
            # Readers disagree on which of two same-named parts counts: refuse the ambiguity.
            raise _damaged(f"it holds two parts named {_safe_text(info.filename)}")
        seen.add(info.filename)
        if info.flag_bits & 0x1:
            raise _password()
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _BOMB_MIN_BYTES and ratio > limits.max_compression_ratio:
            raise _Unreadable(
                f"the part {_safe_text(info.filename)} is compressed {ratio:,.0f} to 1, more "
                f"than the {limits.max_compression_ratio:,.0f} to 1 limit "
                "([limits] max_compression_ratio); it is most likely a zip bomb",
                _HINT_HOSTILE, "zip_bomb")


def _member_chunks(fh: BinaryIO, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The unpacked bytes of one zip member, in chunks; refuses a member larger than declared.

    The member is inflated here rather than by zipfile, whose reader stops at the declared
    size: calamine's does not, so a part that lies about its size must be caught.
    """
    fh.seek(info.header_offset)
    header = fh.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise _damaged(f"part {_safe_text(info.filename)} is missing")
    name_len, extra_len = struct.unpack_from("<HH", header, 26)
    fh.seek(info.header_offset + 30 + name_len + extra_len)
    left, produced = info.compress_size, 0
    name = _safe_text(info.filename)
    if info.compress_type == zipfile.ZIP_STORED:
        while left > 0:
            data = fh.read(min(_CHUNK, left))
            if not data:
                raise _damaged(f"part {name} is cut short")
            left -= len(data)
            produced += len(data)
            yield data
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        inflater = zlib.decompressobj(-15)
        while not inflater.eof:
            if inflater.unconsumed_tail:
                data = inflater.unconsumed_tail
            elif left > 0:
                data = fh.read(min(_MB, left))
                if not data:
                    raise _damaged(f"part {name} is cut short")
                left -= len(data)
            else:
                raise _damaged(f"part {name} is cut short")
            try:
                out = inflater.decompress(data, _CHUNK)
            except zlib.error:
                raise _damaged(f"part {name} cannot be unpacked") from None
            produced += len(out)
            if produced > info.file_size:
                raise _Unreadable(
                    f"the part {name} unpacks to more than the {info.file_size:,} bytes it "
                    "declares; it is most likely a zip bomb", _HINT_HOSTILE, "zip_bomb")
            if out:
                yield out
    else:
        raise _Unreadable(
            f"the part {name} uses a zip compression method ({info.compress_type}) that "
            "spreadsheet programs do not use", "open it in Excel and save it again",
            "damaged")
    if produced != info.file_size:
        raise _damaged(f"part {name} is cut short")


@dataclass
class _PartScan:
    """What the pre-parse scan learned about one XML part."""

    root: str = ""
    has_sheet_data: bool = False
    extent: _Extent = field(default_factory=_Extent)
    cell_errors: dict[tuple[int, int], str] = field(default_factory=dict)
    #: The part mentions merged cells (only the cell-by-cell reader copies their values).
    has_merges: bool = False
    #: ODS only: each table's name, extent and error cells, in document order.
    tables: list[_OdsTable] = field(default_factory=list)


def _scan_parts(
    fh: BinaryIO, infos: list[zipfile.ZipInfo], kind: str, limits: LimitsConfig
) -> dict[str, _PartScan]:
    """Unpack every part once: prolog, declared size and (for sheets) used cells."""
    scans: dict[str, _PartScan] = {}
    for info in infos:
        if info.is_dir():
            continue
        chunks = _member_chunks(fh, info)
        root, chunks = _check_prolog(chunks, info)
        if root is None:  # not XML (or encrypted): unpack to prove its size, nothing to scan
            for _ in chunks:
                pass
            scans[info.filename] = _PartScan()
            continue
        scan = _PartScan(root=root)
        if kind == "ods":
            if info.filename == "content.xml":
                _scan_ods_content(_cut_at_tags(chunks, info), scan)
            else:
                for _ in chunks:
                    pass
        else:
            if root.rsplit(":", 1)[-1] == "sst":
                chunks = _check_shared_strings(chunks, info)
            if not _fast_sheet_scan(_cut_at_tags(chunks, info), scan, limits):
                # Cells without a plain r="A1" reference: position them the way calamine does.
                scan = _PartScan(root=root)
                _precise_sheet_scan(_cut_at_tags(_member_chunks(fh, info), info), scan)
            elif scan.has_sheet_data and _extent_problem(scan.extent, limits):
                # The quick bounds may count styled empty cells; decide on the exact cells.
                scan = _PartScan(root=root)
                _precise_sheet_scan(_cut_at_tags(_member_chunks(fh, info), info), scan)
        scans[info.filename] = scan
    return scans


_PROLOG_SKIP = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->)", re.S)
_ROOT_NAME = re.compile(r"<([A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?)")


def _check_prolog(
    chunks: Iterator[bytes], info: zipfile.ZipInfo
) -> tuple[str | None, Iterator[bytes]]:
    """Refuse a document type declaration; return the root element's name (None: not XML).

    Reads only until the root element starts, so a bomb is never unpacked whole here; the
    chunks read are handed back in front of the rest.
    """
    head = b""
    for chunk in chunks:
        head += chunk
        verdict = _prolog_verdict(head)
        if verdict != "":
            break
        if len(head) > _MAX_PROLOG:
            raise _damaged(f"part {_safe_text(info.filename)} has no content")
    else:
        verdict = _prolog_verdict(head, final=True)
    if verdict == "!doctype":
        raise _Unreadable(
            f"the file contains an XML document type declaration (in part "
            f"{_safe_text(info.filename)}), which spreadsheets never need; it may be an attack",
            "do not open it; ask the sender for a copy saved directly from Excel", "xml_doctype")
    rest = _prepend(head, chunks)
    return (None if verdict == "!other" else verdict), rest


def _prolog_verdict(head: bytes, final: bool = False) -> str:
    """'' (need more bytes), '!doctype', '!other' (not XML) or the root element's name."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head[2: len(head) - len(head) % 2].decode(
            "utf-16-le" if head[:2] == b"\xff\xfe" else "utf-16-be", "replace")
    else:
        text = head.removeprefix(b"\xef\xbb\xbf").decode("latin-1")
    pos = 0
    while True:
        skip = _PROLOG_SKIP.match(text, pos)
        if skip is None or skip.end() == pos:
            break
        pos = skip.end()
    rest = text[pos:].lstrip()
    if not rest or (rest.startswith(("<?", "<!--")) and not final):
        return "!other" if final else ""
    if rest.startswith("<!"):
        word = rest[2:12].upper()
        return "!doctype" if word.startswith(("DOCTYPE", "ENTITY", "ELEMENT", "ATTLIST")) \
            else "!other"
    root = _ROOT_NAME.match(rest)
    return root.group(1) if root else "!other"


def _prepend(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    if first:
        yield first
    yield from rest


_UNIQUE_COUNT = re.compile(rb"""\suniqueCount\s*=\s*["']\+?(\d+)["']""")


def _check_shared_strings(chunks: Iterator[bytes], info: zipfile.ZipInfo) -> Iterator[bytes]:
    """Refuse a shared-strings table declaring far more entries than it can hold.

    calamine reserves memory for the declared ``uniqueCount`` before reading a string, and
    a failed reservation aborts the process.
    """
    first = next(chunks, b"")
    # The attribute sits on the root <sst> tag, before the first string.
    end = first.find(b"<si", 0, 65_536)
    found = _UNIQUE_COUNT.search(first, 0, end if end >= 0 else 65_536)
    if found and int(found.group(1)) > max(info.file_size // 4, 1_000):
        raise _Unreadable(
            f"the file's shared-strings part declares {int(found.group(1)):,} texts but holds "
            "far fewer; it is damaged or built to exhaust memory", _HINT_HOSTILE, "damaged")
    return _prepend(first, chunks)


def _cut_at_tags(chunks: Iterable[bytes], info: zipfile.ZipInfo) -> Iterator[bytes]:
    """Re-cut unpacked chunks so each piece ends after a cell (or at least a tag) ends."""
    carry = b""
    for chunk in chunks:
        cut = _piece_end(chunk)
        if cut <= 0:
            carry += chunk
            if len(carry) > _MAX_UNBROKEN:
                raise _damaged(f"part {_safe_text(info.filename)} is not a spreadsheet part")
            continue
        # One copy of the chunk per piece: the carry (a partial cell) is small.
        piece = carry + chunk[:cut] if carry or cut < len(chunk) else chunk
        carry = chunk[cut:]
        yield piece
    if carry:
        yield carry


def _piece_end(chunk: bytes) -> int:
    """Where to cut ``chunk``: after its last cell end tag (</c>, </x:c>), else after a tag."""
    floor = max(0, len(chunk) - _MB)
    at = chunk.rfind(b"c>", floor)
    while at >= 0:
        start = chunk.rfind(b"</", max(floor, at - 64), at)
        if start >= 0 and _CELL_END_TAG.fullmatch(chunk, start, at + 2):
            return at + 2
        at = chunk.rfind(b"c>", floor, at)
    return chunk.rfind(b">") + 1


# --------------------------------------------------------------------------------------------
# Sheet XML: the used cells, error cells and formulas without a value

_PFX = rb"(?:[A-Za-z_][\w.\-]*:)?"
#: A cell tag that does not start with a plain r="…" reference. Two patterns, each with a
#: literal prefix, search much faster than one with a character class in front.
_UNPREFIXED_CELL_WITHOUT_REF = re.compile(rb'<c(?! r=")[\s/>]')
_PREFIXED_CELL_WITHOUT_REF = re.compile(rb':c(?! r=")[\s/>]')
#: The same where the root is prefixed, so that </x:c> end tags abound: slower (it tries
#: every "<"), used only for such parts.
_ANY_PREFIX_CELL_WITHOUT_REF = re.compile(rb'<[A-Za-z_][\w.\-]*:c(?! r=")[\s/>]')
_CELL_END_TAG = re.compile(rb"</" + _PFX + rb"c>")
#: Letters → A, digits → 0: the "shape" of every reference, searchable with bytes.find.
_SHAPE = bytes.maketrans(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", b"A" * 52 + b"0" * 10)
#: ``c r="A`` after _SHAPE: the start of every cell reference.
_SHAPED_REF = b'A A="A'
_ERROR_CELL = re.compile(
    rb'<' + _PFX + rb'c r="([A-Za-z]+)(\d+)"[^>]*?\st\s*=\s*["\']e["\'][^>]*(?<!/)>(.*?)</'
    + _PFX + rb'c>', re.S)
_FORMULA_NO_VALUE = re.compile(
    rb'<' + _PFX + rb'c r="([A-Za-z]+)(\d+)"[^>]*(?<!/)>\s*<' + _PFX
    + rb'f(?:\s[^>]*)?(?:/>|>([^<]*)</' + _PFX + rb'f>)\s*(?:<' + _PFX + rb'v\s*/>\s*)?</'
    + _PFX + rb'c>')
_VALUE_TEXT = re.compile(rb"<" + _PFX + rb"v>([^<]*)</")
_ERROR_TYPE = re.compile(rb"""t=["']e["']""")
#: The end of a cell whose last child is a formula (or an empty element): a candidate for a
#: formula saved without its value. Each pattern starts with a literal, which keeps the
#: search fast; the prefixed spelling is searched only where it occurs.
_CELL_ENDS_AFTER_FORMULA = (
    re.compile(rb"</f>\s*(?:<" + _PFX + rb"v\s*/>\s*)?</" + _PFX + rb"c>"),
    re.compile(rb"/>\s*(?:<" + _PFX + rb"v\s*/>\s*)?</" + _PFX + rb"c>"),
)
_PREFIXED_CELL_END_AFTER_FORMULA = re.compile(
    rb"</[A-Za-z_][\w.\-]*:f>\s*(?:<" + _PFX + rb"v\s*/>\s*)?</" + _PFX + rb"c>")


def _non_canonical_cells(root: str) -> tuple[re.Pattern[bytes], ...]:
    """Patterns for cell tags lacking a plain reference, in a part whose root is ``root``."""
    if ":" in root:
        return (_UNPREFIXED_CELL_WITHOUT_REF, _ANY_PREFIX_CELL_WITHOUT_REF)
    return (_UNPREFIXED_CELL_WITHOUT_REF, _PREFIXED_CELL_WITHOUT_REF)


def _fast_sheet_scan(pieces: Iterable[bytes], scan: _PartScan, limits: LimitsConfig) -> bool:
    """Bounds of the used cells by C-speed searches; False when a cell lacks a plain reference.

    The bounds are exact where they matter and generous elsewhere: a column bound of Z or
    a row bound of 99,999 is enough to know a sheet is safe without looking at every cell.
    """
    extent = scan.extent
    for piece in pieces:
        if not scan.has_sheet_data and b"sheetData" in piece:
            scan.has_sheet_data = True
        if not scan.has_merges and b"mergeCell" in piece:
            scan.has_merges = True
        if any(p.search(piece) for p in _non_canonical_cells(scan.root)):
            return False
        shape = piece.translate(_SHAPE)
        if _SHAPED_REF not in shape:
            continue
        max_col = _piece_max_col(piece, shape, limits)
        max_row = _piece_max_row(piece, shape, max_col, limits)
        if max_col >= 0 and max_row > 0:
            extent.add(1, 0)
            extent.add(max_row, max_col)
        # Error cells and formulas without a value are rare: find a telltale, then match the
        # whole cell from its start (matching every cell would cost a pass per pattern).
        for hit in _ERROR_TYPE.finditer(piece):
            m = _ERROR_CELL.match(piece, _cell_start(piece, hit.start()))
            if m is not None and m.end() > hit.start():
                value = _VALUE_TEXT.search(m.group(3))
                text = value.group(1).decode("utf-8", "replace").strip() if value else ""
                scan.cell_errors[(int(m.group(2)), _col_index(m.group(1)))] = \
                    _safe_text(text, 40) or "an error value"
        # Prefixed tags (<x:f>) are looked for only in a part whose root is prefixed.
        prefixed = ":" in scan.root
        if b"<f" not in piece and not (prefixed and b":f" in piece):
            continue
        ends: tuple[re.Pattern[bytes], ...] = _CELL_ENDS_AFTER_FORMULA
        if prefixed:
            ends = (*ends, _PREFIXED_CELL_END_AFTER_FORMULA)
        for pattern in ends:
            for hit in pattern.finditer(piece):
                m = _FORMULA_NO_VALUE.match(piece, _cell_start(piece, hit.start()))
                if m is not None and m.end() == hit.end():
                    key = (int(m.group(2)), _col_index(m.group(1)))
                    scan.cell_errors.setdefault(key, _no_value_message(m.group(3)))
    return True


def _cell_start(piece: bytes, pos: int) -> int:
    """Where the (canonical) cell tag holding ``pos`` starts; -1 when there is none."""
    at = max(piece.rfind(b'<c r="', 0, pos), piece.rfind(b':c r="', 0, pos))
    if at >= 0 and piece[at:at + 1] == b":":
        at = piece.rfind(b"<", 0, at)
    return at if at >= 0 else len(piece)


def _piece_max_col(piece: bytes, shape: bytes, limits: LimitsConfig) -> int:
    """An upper bound of the 0-based column of the non-empty cells in a canonical piece."""
    # No two-letter reference means no longer one either: one search in the usual case.
    longest = 1 if _SHAPED_REF + b"A" not in shape else 3
    for letters in range(longest, 0, -1):
        if _SHAPED_REF + b"A" * (letters - 1) not in shape:
            continue
        bound = {1: 25, 2: 701}.get(letters, 1 << 40)
        if bound < limits.max_columns:
            return bound
        found = re.findall(rb'c r="([A-Za-z]{%d,})\d+"[^>]*(?<!/)>' % letters, piece)
        if found:
            return max(_col_index(x) for x in set(found))
    return -1


def _piece_max_row(piece: bytes, shape: bytes, max_col: int, limits: LimitsConfig) -> int:
    """An upper bound of the row number of the non-empty cells in a canonical piece."""
    # Rows usually ascend: the last reference has the most digits unless one has more.
    last = shape.rfind(_SHAPED_REF) + len(_SHAPED_REF)
    while shape[last:last + 1] == b"A":
        last += 1
    width = len(shape[last:last + 12]) - len(shape[last:last + 12].lstrip(b"0"))
    top = 8 if width >= 8 or b"A" + b"0" * (width + 1) in shape else width
    for digits in range(top, 0, -1):
        needle = b"A" + b"0" * digits + (b"" if digits == 8 else b'"')
        if needle not in shape:
            continue
        bound = 10**digits - 1 if digits < 8 else 1 << 40
        if bound <= limits.max_rows and (max_col + 1) * bound <= _grid_cap(limits):
            return bound
        found = re.findall(rb'c r="[A-Za-z]+(\d{%d,})"[^>]*(?<!/)>' % digits, piece)
        if found:
            return max(int(x) for x in found)
    return 0


def _no_value_message(formula: bytes | None) -> str:
    text = html.unescape((formula or b"").decode("utf-8", "replace")).strip()
    if not text:
        return "a formula with no saved value"
    return f"formula ={_safe_text(text, 60)} has no saved value"


_XML_TAG = re.compile(
    rb'<(/?)' + _PFX + rb'(row|c|v|is|f)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|\'[^\']*\'))*)'
    rb'\s*(/?)>')
_XML_ATTR = re.compile(rb"""([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_CELL_REF = re.compile(rb"([A-Za-z]+)(\d+)")


def _attributes(raw: bytes) -> dict[bytes, bytes]:
    return {m.group(1): m.group(2) if m.group(2) is not None else m.group(3)
            for m in _XML_ATTR.finditer(raw)}


@dataclass
class _Cursor:
    """Where the next cell without a reference goes: 0-based row and column."""

    row: int = 0
    col: int = 0


def _precise_sheet_scan(pieces: Iterable[bytes], scan: _PartScan) -> None:
    """Every cell tag, positioned as calamine positions it, for sheets the fast scan cannot do.

    Cells without an ``r`` reference follow the previous one. calamine ignores self-closing
    ``<row/>`` and ``<c/>`` today; a reader that expanded them would place later cells
    further on, so both readings are tracked and the larger extent kept.
    """
    now, expanded = _Cursor(), _Cursor()
    cell: dict[str, object] | None = None
    for piece in pieces:
        if not scan.has_sheet_data and b"sheetData" in piece:
            scan.has_sheet_data = True
        if not scan.has_merges and b"mergeCell" in piece:
            scan.has_merges = True
        text_start = 0
        for m in _XML_TAG.finditer(piece):
            closing, name, raw_attrs, empty = m.groups()
            if name == b"row":
                _row_tag(closing, empty, raw_attrs, now, expanded)
            elif name == b"c":
                if closing:
                    if cell is not None:
                        _finish_cell(cell, scan)
                    cell = None
                    now.col += 1
                    expanded.col += 1
                    continue
                ref = _attributes(raw_attrs).get(b"r")
                parsed = _CELL_REF.fullmatch(ref) if ref else None
                if parsed:
                    row, col = int(parsed.group(2)) - 1, _col_index(parsed.group(1))
                if empty:
                    if parsed:
                        expanded.col = col
                    expanded.col += 1
                    continue
                if parsed:
                    now.col = expanded.col = col
                    positions = [(row, col)]
                else:
                    positions = [(now.row, now.col), (expanded.row, expanded.col)]
                cell = {"at": positions, "t": _attributes(raw_attrs).get(b"t", b""),
                        "value": False, "formula": None, "v": b""}
            elif cell is not None and not empty:
                if not closing:
                    text_start = m.end()
                    if name in (b"v", b"is"):
                        cell["value"] = True
                    elif name == b"f":
                        cell["formula"] = b""
                elif name == b"v":
                    cell["v"] = piece[text_start:m.start()]
                elif name == b"f":
                    cell["formula"] = piece[text_start:m.start()]
            elif cell is not None and name == b"f":
                cell["formula"] = b""


def _row_tag(closing: bytes, empty: bytes, raw_attrs: bytes, now: _Cursor,
             expanded: _Cursor) -> None:
    """Move the cursors for a row start, row end or self-closing row."""
    if closing:
        for cursor in (now, expanded):
            cursor.row += 1
            cursor.col = 0
        return
    ref = _attributes(raw_attrs).get(b"r", b"").strip()
    row = int(ref) - 1 if ref.isdigit() and int(ref) > 0 else None
    targets = (expanded,) if empty else (now, expanded)
    for cursor in targets:
        if row is not None:
            cursor.row = row
    if empty:
        expanded.row += 1
        expanded.col = 0


def _finish_cell(cell: dict[str, object], scan: _PartScan) -> None:
    positions = cell["at"]
    assert isinstance(positions, list)
    row, col = positions[0]
    if cell["value"]:
        for r, c in positions:
            scan.extent.add(r + 1, c)
        if cell["t"] == b"e":
            value = cell["v"]
            assert isinstance(value, bytes)
            text = value.decode("utf-8", "replace").strip()
            scan.cell_errors[(row + 1, col)] = _safe_text(text, 40) or "an error value"
    elif cell["formula"] is not None:
        formula = cell["formula"]
        assert isinstance(formula, bytes)
        scan.cell_errors[(row + 1, col)] = _no_value_message(formula)


# --------------------------------------------------------------------------------------------
# ODS content.xml: tables, repeated rows and columns

_ODS_TAG = re.compile(
    rb'<(/?)table:(table|table-row|table-cell|covered-table-cell)'
    rb'((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|\'[^\']*\'))*)\s*(/?)>')
_ODS_VALUE_ATTRS = (b"office:value", b"office:string-value", b"office:date-value",
                    b"office:time-value", b"office:boolean-value", b"table:formula")
_TAGS = re.compile(rb"<[^>]*>")


@dataclass
class _OdsTable:
    """One ODS table as scanned."""

    name: str
    extent: _Extent = field(default_factory=_Extent)
    cell_errors: dict[tuple[int, int], str] = field(default_factory=dict)


def _repeat(attrs: dict[bytes, bytes], key: bytes) -> int:
    raw = attrs.get(key)
    if raw is None:
        return 1
    text = html.unescape(raw.decode("utf-8", "replace")).strip()
    if not text.isdigit():
        raise _damaged(f"a repeat count reads {_safe_text(text, 20)!r}")
    return max(int(text), 1)


def _scan_ods_content(pieces: Iterable[bytes], scan: _PartScan) -> None:
    """Each table's used cells, counting repeated rows and columns as calamine expands them."""
    table: _OdsTable | None = None
    row = col = 0
    row_repeat = 1
    row_cols: tuple[int, int] | None = None
    pending: tuple[int, int, bytes] | None = None  # cell awaiting its text: row, col, kind
    text_start = 0
    for piece in pieces:
        text_start = -1  # a cell's text split across pieces is not kept
        for m in _ODS_TAG.finditer(piece):
            closing, name, raw_attrs, empty = m.groups()
            if name == b"table":
                if closing:
                    table = None
                elif table is None:
                    attrs = _attributes(raw_attrs)
                    label = html.unescape(attrs.get(b"table:name", b"").decode("utf-8", "replace"))
                    scan.tables.append(_OdsTable(label))
                    table = None if empty else scan.tables[-1]
                    row = 0
                continue
            if table is None:
                continue
            if name == b"table-row":
                if closing or empty:
                    if empty:
                        row_repeat = _repeat(_attributes(raw_attrs), b"table:number-rows-repeated")
                    if row_cols is not None:
                        table.extent.add(row + 1, row_cols[0], row_repeat,
                                         row_cols[1] - row_cols[0] + 1)
                    row += row_repeat
                    row_cols = None
                else:
                    row_repeat = _repeat(_attributes(raw_attrs), b"table:number-rows-repeated")
                    col = 0
                    row_cols = None
                continue
            if closing:  # end of a cell: its text, when an error or formula needs it
                if pending is not None:
                    inner = piece[text_start:m.start()] if text_start >= 0 else b""
                    _ods_cell_note(table, pending, inner)
                    pending = None
                continue
            attrs = _attributes(raw_attrs)
            repeat = _repeat(attrs, b"table:number-columns-repeated")
            if any(a in attrs for a in _ODS_VALUE_ATTRS) or \
                    attrs.get(b"office:value-type") == b"string":
                first, last = col, col + repeat - 1
                row_cols = (first, last) if row_cols is None else \
                    (min(row_cols[0], first), max(row_cols[1], last))
            note = _ods_note_kind(attrs)
            if note:
                if empty:
                    _ods_cell_note(table, (row, col, note), b"")
                else:
                    pending, text_start = (row, col, note), m.end()
            col += repeat


def _ods_note_kind(attrs: dict[bytes, bytes]) -> bytes:
    """b"error" for an error result, b"formula" for a formula without a value, else b""."""
    if attrs.get(b"calcext:value-type") == b"error":
        return b"error"
    has_value = any(a in attrs for a in _ODS_VALUE_ATTRS[:-1])
    if b"table:formula" in attrs and not has_value and \
            attrs.get(b"office:value-type") != b"string":
        return b"formula:" + attrs[b"table:formula"]
    return b""


def _ods_cell_note(table: _OdsTable, pending: tuple[int, int, bytes], inner: bytes) -> None:
    row, col, kind = pending
    if kind == b"error":
        text = html.unescape(_TAGS.sub(b"", inner).decode("utf-8", "replace")).strip()
        table.cell_errors[(row + 1, col)] = _safe_text(text, 40) or "an error value"
    else:
        formula = kind.removeprefix(b"formula:")
        formula = re.sub(rb"^(?:of|msoxl|ooow):=?", b"", html.unescape(
            formula.decode("utf-8", "replace")).encode())
        table.cell_errors[(row + 1, col)] = _no_value_message(formula)


# --------------------------------------------------------------------------------------------
# Workbook structure (.xlsx): sheet names → parts, the 1904 date system


@dataclass
class _XlsxLayout:
    """Which part holds each sheet, and the workbook's date system."""

    parts: dict[str, str] = field(default_factory=dict)
    date1904: bool = False
    #: Every sheet relationship resolved plainly, one part per sheet.
    clean: bool = False


def _xlsx_layout(zf: zipfile.ZipFile) -> _XlsxLayout:
    """Sheet name → part name from workbook.xml and its relationships (best effort)."""
    layout = _XlsxLayout()
    names = set(zf.namelist())
    workbook = "xl/workbook.xml"
    package_rels = _parse_part(zf, "_rels/.rels")
    if package_rels is not None:
        for rel in package_rels.iter():
            if _local(rel.tag) == "Relationship" and \
                    rel.get("Type", "").endswith("/officeDocument"):
                workbook = _resolve("", rel.get("Target", ""))[0]
                break
    root = _parse_part(zf, workbook)
    folder, base = posixpath.split(workbook)
    rels = _parse_part(zf, posixpath.join(folder, "_rels", base + ".rels"))
    if root is None or rels is None:
        return layout
    targets: dict[str, tuple[str, bool]] = {}
    for rel in rels.iter():
        if _local(rel.tag) == "Relationship" and rel.get("TargetMode", "") != "External":
            targets[rel.get("Id", "")] = _resolve(folder, rel.get("Target", ""))
    clean = True
    for element in root.iter():
        tag = _local(element.tag)
        if tag == "workbookPr":
            layout.date1904 = element.get("date1904", "").strip().lower() in ("1", "true")
        elif tag == "sheet":
            rid = next((v for k, v in element.attrib.items() if _local(k) == "id"), "")
            part, plain = targets.get(rid, ("", False))
            clean &= plain and part in names and part not in layout.parts.values()
            layout.parts[element.get("name", "")] = part
    layout.clean = clean
    return layout


def _parse_part(zf: zipfile.ZipFile, name: str) -> Element | None:
    try:
        return SafeET.fromstring(zf.read(name))
    except (KeyError, SafeET.ParseError, ValueError, zipfile.BadZipFile, OSError, zlib.error):
        # ValueError covers defusedxml's refusals; the mapping is then best effort.
        return None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _resolve(folder: str, target: str) -> tuple[str, bool]:
    """A relationship target as a part name, and whether it needed no normalising."""
    plain = not any(ch in target for ch in "%\\") and ".." not in target
    target = unquote(target.replace("\\", "/"))
    path = target[1:] if target.startswith("/") else posixpath.join(folder, target)
    return posixpath.normpath(path).lstrip("/"), plain


# --------------------------------------------------------------------------------------------
# Reading with calamine


def _read_xlsx(
    path: Path, scans: dict[str, _PartScan], layout: _XlsxLayout, limits: LimitsConfig,
    display_name: str, started: _Columnar | None = None,
) -> tuple[list[RawSheet], list[Issue]]:
    """The worksheets of a checked .xlsx/.xlsm; a sheet over the limits is left out."""
    problems: dict[str, tuple[str, str]] = {}
    for part, scan in scans.items():
        problem = _extent_problem(scan.extent, limits) if scan.has_sheet_data else None
        if problem is not None:
            problems[part] = problem
    sheet_of_part = {part: name for name, part in layout.parts.items()}
    issues: list[Issue] = []
    sheets: list[RawSheet] = []
    # Opening reads the workbook, styles and shared strings (all checked), not the sheets.
    with _open_calamine(path, path.suffix in (".xlsx", ".xlsm")) as book:
        metas = _worksheets(book, limits)
        certain = layout.clean and all(m.name in layout.parts for m in metas) and \
            all(part in sheet_of_part for part in problems)
        if problems and not certain:
            # Which sheet reads which part is uncertain: refuse the whole file to be safe.
            part, (message, hint) = next(iter(problems.items()))
            sheet = sheet_of_part.get(part, "")
            where = f'sheet "{_safe_text(sheet)}"' if sheet else f"part {_safe_text(part)}"
            raise _Unreadable(message.replace("the sheet", where, 1), hint, "sheet_too_big")
        budget: list[tuple[str, int, str]] = []  # sheets are built one at a time here
        for meta in metas:
            part = layout.parts.get(meta.name, "")
            problem = problems.get(part)
            if problem is not None:
                issues.append(Issue(Severity.ERROR, problem[0], file=display_name,
                                    sheet=meta.name, hint=problem[1], code="sheet_too_big"))
                continue
            scan = scans.get(part, _PartScan())
            raw = None
            if started is not None and started.part == part and layout.clean:
                raw = _columnar_sheet(started, meta, scan, layout.date1904, budget, limits)
            if raw is None:
                raw = _calamine_sheet(book, meta, scan.cell_errors, layout.date1904,
                                      display_name, issues, budget, limits)
            if raw is not None:
                sheets.append(raw)
    return sheets, issues


# --------------------------------------------------------------------------------------------
# Large sheets: data rows as columns (see columnar.py)


@dataclass
class _Columnar:
    """A helper reading one sheet's data rows, and the head rows read here."""

    part: str
    sheet: str
    helper: columnar.Helper
    head: RawSheet | None = None
    #: Rows of ``head`` before the data rows (through the header row).
    before: int = 0


def _start_columnar(path: Path, fh: BinaryIO, layout: _XlsxLayout,
                    infos: list[zipfile.ZipInfo], split: HeadSplit, limits: LimitsConfig,
                    ) -> _Columnar | None:
    """Start a helper on the largest sheet, if it is large; None when nothing qualifies.

    The helper starts first (importing fastexcel takes a moment), then the sheet's first rows
    are read here from a small workbook holding only them, and ``split`` says how many rows
    to skip. Any doubt leaves the sheet to the cell-by-cell reader.
    """
    if not layout.clean or layout.date1904 or not columnar.available():
        return None
    sizes = {info.filename: info for info in infos}
    candidates = [(sizes[part].file_size, name, part) for name, part in layout.parts.items()
                  if part in sizes and sizes[part].file_size >= COLUMNAR_MIN_BYTES]
    if not candidates:
        return None
    _, sheet, part = max(candidates)
    try:
        started = _Columnar(part, sheet, columnar.Helper(path))
    except OSError:  # no process could be started: read it cell by cell
        return None
    try:
        started.head = _head_sheet(fh, infos, set(layout.parts.values()), sheet, part, limits)
        before = split(sheet, started.head.rows) if started.head is not None else None
    except _Unreadable:
        before = None  # the full scan will say what is wrong with the file
    except BaseException:
        started.helper.cancel()
        raise
    head = started.head
    if head is None or not before or before >= len(head.rows):
        started.helper.cancel()
        return None
    started.before = before
    started.helper.request(sheet, head.first_row - 1 + before)
    return started


def _head_sheet(fh: BinaryIO, infos: list[zipfile.ZipInfo], sheet_parts: set[str],
                sheet: str, part: str, limits: LimitsConfig) -> RawSheet | None:
    """The sheet's first :data:`HEAD_ROWS` rows, read by calamine from a workbook of them.

    The small workbook holds the package's XML parts (each unpacked here and checked as the
    full scan checks it), the first rows of the sheet, and no other sheet.
    """
    members: dict[str, bytes] = {}
    scan = _PartScan()
    for info in infos:
        name = info.filename
        if info.is_dir() or (name in sheet_parts and name != part):
            continue
        if not name.endswith((".xml", ".rels")) or (name != part and info.file_size > 64 * _MB):
            continue
        root, chunks = _check_prolog(_member_chunks(fh, info), info)
        if name == part:
            if root is None or ":" in root:
                return None
            scan = _PartScan(root=root)
            data = _first_rows(chunks, HEAD_ROWS)
            if data is None or not _fast_sheet_scan([data], scan, limits) or \
                    scan.has_merges or _extent_problem(scan.extent, limits):
                return None
        else:
            if root is not None and root.rsplit(":", 1)[-1] == "sst":
                chunks = _check_shared_strings(chunks, info)
            data = b"".join(chunks)
        members[name] = data
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as small:
        for name, data in members.items():
            small.writestr(name, data)
    issues: list[Issue] = []
    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(buffer.getvalue()))
    except BaseException as exc:
        _calamine_failure(exc)
        return None
    try:
        meta = next((m for m in book.sheets_metadata if m.name == sheet), None)
        if meta is None:
            return None
        raw = _calamine_sheet(book, meta, scan.cell_errors, False, "", issues, [], limits)
    finally:
        book.close()
    return raw if raw is not None and not issues else None


_ROW_END = re.compile(rb"</row\s*>")


def _first_rows(chunks: Iterator[bytes], count: int) -> bytes | None:
    """The sheet XML through its ``count``-th row, closed so that it parses.

    Only the first 8 MB are looked at: with fewer rows there, it ends at the last whole row.
    None when there is no whole row.
    """
    head = b""
    for chunk in chunks:
        head += chunk
        if head.count(b"</row") >= count or len(head) >= _CHUNK:
            break
    if isinstance(chunks, Generator):
        chunks.close()
    ends = [m.end() for m in _ROW_END.finditer(head)]
    if not ends or b"<sheetData" not in head[:ends[0]]:
        return None
    return head[:ends[min(count, len(ends)) - 1]] + b"</sheetData></worksheet>"


def _columnar_sheet(started: _Columnar, meta: calamine.SheetMetadata, scan: _PartScan,
                    date1904: bool, budget: list[tuple[str, int, str]],
                    limits: LimitsConfig) -> RawSheet | None:
    """The sheet with its data rows from the helper; None to read it cell by cell."""
    from reportgen.inputs.tail import NotColumnar, Tail

    head = started.head
    if head is None or meta.name != started.sheet or scan.has_merges or date1904:
        return None
    batch = started.helper.result()
    if batch is None:
        return None
    try:
        tail = Tail.from_batch(batch)
    except NotColumnar:
        return None
    # The helper's first rows must be the head's rows below the header, cell for cell.
    if not tail.matches(head.rows[started.before:], head.first_col):
        return None
    width = (max(tail.arrays) - min(tail.arrays) + 1) if tail.arrays else 0
    budget.append((meta.name, (started.before + tail.height) * width, ""))
    too_big = _workbook_too_big(budget, limits)
    if too_big is not None:
        raise too_big
    # Error cells read as blank: blank them in the columns too (the scan found them all).
    tail.blank_cells(scan.cell_errors, head.first_row + started.before)
    return RawSheet(meta.name, meta.visible == calamine.SheetVisibleEnum.Visible,
                    head.rows[:started.before], head.first_row, head.first_col,
                    dict(scan.cell_errors), date1904, [], tail)


def _read_ods(
    path: Path, scans: dict[str, _PartScan], limits: LimitsConfig, display_name: str,
) -> tuple[list[RawSheet], list[Issue]]:
    """The worksheets of a checked .ods; a table over the limits refuses the file."""
    content = scans.get("content.xml")
    if content is None:
        raise _damaged("its content part is missing")
    if len(content.tables) > limits.max_sheets:
        raise _too_many_sheets(len(content.tables), limits)
    for table in content.tables:
        problem = _extent_problem(table.extent, limits)
        if problem is not None:
            # calamine expands every table when it opens the file: refuse the file.
            raise _Unreadable(problem[0].replace(
                "the sheet", f'sheet "{_safe_text(table.name)}"', 1), problem[1], "sheet_too_big")
    too_big = _workbook_too_big([(t.name, t.extent.area, t.extent.span)
                                 for t in content.tables], limits)
    if too_big is not None:
        raise too_big
    errors = {table.name: table.cell_errors for table in content.tables}
    issues: list[Issue] = []
    sheets: list[RawSheet] = []
    with _open_calamine(path, path.suffix == ".ods") as book:
        for meta in _worksheets(book, limits):
            raw = _calamine_sheet(book, meta, errors.get(meta.name, {}), False,
                                  display_name, issues, [], limits)
            if raw is not None:
                sheets.append(raw)
    return sheets, issues


def _too_many_sheets(count: int, limits: LimitsConfig) -> _Unreadable:
    return _Unreadable(
        f"the workbook has {count:,} sheets, more than the {limits.max_sheets:,}-sheet limit "
        "([limits] max_sheets)",
        "keep only the sheets reportgen needs, or raise max_sheets under [limits] in "
        "reportgen.toml", "too_many_sheets")


@contextlib.contextmanager
def _open_calamine(path: Path, by_path: bool) -> Iterator[calamine.CalamineWorkbook]:
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
        raise _calamine_failure(exc) from None
    try:
        yield book
    finally:
        book.close()
        if handle is not None:
            handle.close()


def _calamine_failure(exc: BaseException) -> _Unreadable:
    """A calamine exception as a refusal; anything else (a genuine bug) is re-raised."""
    if isinstance(exc, calamine.PasswordError):
        return _password()
    panic = type(exc).__name__ == "PanicException"  # a Rust panic, raised by pyo3
    if isinstance(exc, (calamine.CalamineError, OSError, ValueError, EOFError)) or panic:
        return _damaged(_safe_text(str(exc) or type(exc).__name__, 120))
    raise exc


def _worksheets(book: calamine.CalamineWorkbook, limits: LimitsConfig) -> list[
        calamine.SheetMetadata]:
    metas = book.sheets_metadata
    if len(metas) > limits.max_sheets:
        raise _too_many_sheets(len(metas), limits)
    # Chart sheets, dialog and macro sheets hold no table.
    return [m for m in metas if m.typ == calamine.SheetTypeEnum.WorkSheet]


def _calamine_sheet(
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
            span = f"{_col_name(start[1])}{start[0] + 1}:{_col_name(end[1])}{end[0] + 1}"
            budget.append((meta.name, sheet.height * sheet.width, span))
            too_big = _workbook_too_big(budget, limits)
            if too_big is not None:
                raise too_big
        grid: list[list[CellValue]] = sheet.to_python(skip_empty_area=True)  # type: ignore[assignment]
        merged = sheet.merged_cell_ranges or []
        # calamine's own copy of the sheet is no longer needed: free it before the Python
        # grid is reshaped (about 130 MB of the peak on a million-line sheet).
        del sheet
    except _Unreadable:
        raise
    except BaseException as exc:
        refusal = _calamine_failure(exc)
        issues.append(Issue(Severity.ERROR, "the sheet could not be read: "
                            + refusal.message.removeprefix("the file is "), file=display_name,
                            sheet=meta.name, hint=refusal.hint, code=refusal.code))
        return None
    first_row, first_col = (start[0] + 1, start[1]) if start else (1, 0)
    return _raw_sheet(
        meta.name, meta.visible == calamine.SheetVisibleEnum.Visible, grid, first_row,
        first_col, dict(cell_errors), date1904,
        [(r0 + 1, c0, r1 + 1, c1) for (r0, c0), (r1, c1) in merged])


def _raw_sheet(
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


# --------------------------------------------------------------------------------------------
# OLE files: .xls, or a password-encrypted .xlsx

_BIFF_ERRORS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!",
                0x1D: "#NAME?", 0x24: "#NUM!", 0x2A: "#N/A", 0x2B: "#GETTING_DATA"}
#: BIFF cell records whose first four bytes are the row and column (BLANK and MULBLANK are
#: formatting only: calamine skips them).
_BIFF_CELLS = frozenset({0x0203, 0x0204, 0x0205, 0x0006, 0x027E, 0x00FD, 0x00D6,
                         # the BIFF2-4 spellings, in case a reader honours them
                         0x0002, 0x0003, 0x0004, 0x0005, 0x0206, 0x0406})


@dataclass
class _XlsScan:
    """What the BIFF walk learned: per sheet (in workbook order), and the date system."""

    names: list[str] = field(default_factory=list)
    extents: list[_Extent] = field(default_factory=list)
    errors: list[dict[tuple[int, int], str]] = field(default_factory=list)
    date1904: bool = False


def _read_ole(
    path: Path, ext: str, limits: LimitsConfig, display_name: str
) -> tuple[list[RawSheet], list[Issue]]:
    data = path.read_bytes()
    try:
        ole = CompDoc(data, logfile=io.StringIO())
        names = {entry.name for entry in ole.dirlist}
        if "EncryptedPackage" in names or "EncryptionInfo" in names:
            raise _password()
        stream = ole.get_named_stream("Workbook") or ole.get_named_stream("Book")
    except (CompDocError, IndexError, KeyError, ValueError, struct.error, AssertionError) as exc:
        # xlrd's compound-document reader on a broken or hostile container.
        raise _damaged(_safe_text(str(exc) or type(exc).__name__)) from None
    if stream is None:
        expected = "an OpenDocument spreadsheet" if ext == ".ods" else "an Excel workbook"
        looks = "a Word document" if "WordDocument" in names else \
            "a PowerPoint presentation" if "PowerPoint Document" in names else \
            "an Office file of another kind"
        raise _not_workbook(expected, looks)
    scan = _scan_biff(stream)
    if len(scan.names) > limits.max_sheets:
        raise _too_many_sheets(len(scan.names), limits)
    for name, extent in zip(scan.names, scan.extents, strict=True):
        problem = _extent_problem(extent, limits)
        if problem is not None:
            # calamine reads every sheet when it opens an .xls: refuse the file.
            raise _Unreadable(problem[0].replace("the sheet", f'sheet "{_safe_text(name)}"', 1),
                              problem[1], "sheet_too_big")
    too_big = _workbook_too_big([(name, extent.area, extent.span)
                                 for name, extent in zip(scan.names, scan.extents, strict=True)],
                                limits)
    if too_big is not None:
        raise too_big
    issues: list[Issue] = []
    sheets: list[RawSheet] = []
    with _open_calamine(path, path.suffix == ".xls") as book:
        metas = book.sheets_metadata
        by_index = len(metas) == len(scan.names)
        errors_by_name = dict(zip(scan.names, scan.errors, strict=True))
        for index, meta in enumerate(metas):
            if meta.typ != calamine.SheetTypeEnum.WorkSheet:
                continue
            errors = scan.errors[index] if by_index else errors_by_name.get(meta.name, {})
            raw = _calamine_sheet(book, meta, errors, scan.date1904, display_name, issues, [],
                                  limits)
            if raw is not None:
                sheets.append(raw)
    return sheets, issues


def _scan_biff(stream: bytes) -> _XlsScan:
    """Walk the BIFF records: sheets, the date system, used cells and error cells.

    Also refuses the records calamine trusts to size its memory: a DIMENSIONS record larger
    than an .xls can be makes it reserve terabytes and abort the process.
    """
    scan = _XlsScan()
    sheets: list[tuple[int, int, str]] = []  # (stream offset, sheet type, name)
    biff8 = True
    codepage = "cp1252"
    for typ, pos, length in _biff_records(stream, 0):
        body = stream[pos:pos + length]
        if typ == 0x0809 and len(body) >= 2:
            biff8 = struct.unpack_from("<H", body)[0] != 0x0500
        elif typ == 0x002F and length >= 2 and struct.unpack_from("<H", body)[0] != 0:
            raise _password()
        elif typ == 0x0022 and length >= 2:
            scan.date1904 = struct.unpack_from("<H", body)[0] == 1
        elif typ == 0x0042 and length >= 2:
            codepage = _codepage(struct.unpack_from("<H", body)[0])
        elif typ == 0x0085 and length >= 8:
            offset, kind = struct.unpack_from("<I", body)[0], body[5]
            sheets.append((offset, kind, _biff_sheet_name(body[6:], biff8, codepage)))
    for offset, _kind, name in sheets:
        extent, errors = _scan_biff_sheet(stream, offset, name)
        scan.names.append(name)
        scan.extents.append(extent)
        scan.errors.append(errors)
    return scan


def _biff_records(stream: bytes, pos: int) -> Iterator[tuple[int, int, int]]:
    """(record type, body offset, body length) from ``pos`` up to the substream's EOF."""
    end = len(stream)
    while pos + 4 <= end:
        typ = stream[pos] | stream[pos + 1] << 8
        length = stream[pos + 2] | stream[pos + 3] << 8
        yield typ, pos + 4, length
        if typ == 0x000A:
            return
        pos += 4 + length


def _scan_biff_sheet(stream: bytes, offset: int, name: str
                     ) -> tuple[_Extent, dict[tuple[int, int], str]]:
    extent = _Extent()
    errors: dict[tuple[int, int], str] = {}
    if offset >= len(stream):
        return extent, errors
    for typ, pos, length in _biff_records(stream, offset):
        if typ in _BIFF_CELLS and length >= 4:
            row = stream[pos] | stream[pos + 1] << 8
            col = stream[pos + 2] | stream[pos + 3] << 8
            extent.add(row + 1, col)
            if typ == 0x0205 and length >= 8 and stream[pos + 7] == 1:
                errors[(row + 1, col)] = _BIFF_ERRORS.get(stream[pos + 6], "an error value")
            elif typ == 0x0006 and length >= 14 and stream[pos + 12:pos + 14] == b"\xff\xff" \
                    and stream[pos + 6] == 2:
                errors[(row + 1, col)] = _BIFF_ERRORS.get(stream[pos + 8], "an error value")
        elif typ == 0x00BD and length >= 6:  # MULRK: row, first column, …, last column
            row = stream[pos] | stream[pos + 1] << 8
            first = stream[pos + 2] | stream[pos + 3] << 8
            last = stream[pos + length - 2] | stream[pos + length - 1] << 8
            extent.add(row + 1, first, 1, max(last - first + 1, 1))
        elif typ == 0x0200:
            _check_dimensions(stream[pos:pos + length], name)
    return extent, errors


def _check_dimensions(body: bytes, name: str) -> None:
    """Refuse a DIMENSIONS record declaring more rows or columns than an .xls can have.

    calamine reserves room for rows × columns cells before reading one.
    """
    if len(body) == 14:
        first_row, last_row, first_col, last_col = struct.unpack_from("<IIHH", body)
    elif len(body) == 10:
        first_row, last_row, first_col, last_col = struct.unpack_from("<HHHH", body)
    else:
        return
    if last_row < 1 or last_col < 1:
        return
    # Rows are subtracted in wrapping 32-bit arithmetic (first > last gives ~4 billion);
    # a first column past the last one reserves nothing (calamine 0.37, tested).
    rows = (last_row - first_row) & 0xFFFFFFFF
    cols = max(last_col - first_col, 0)
    if rows > _XLS_ROWS or cols > _XLS_COLUMNS:
        raise _Unreadable(
            f'the file is damaged: sheet "{_safe_text(name)}" declares {rows:,} rows and '
            f"{cols:,} columns, more than an .xls file can hold; it may be built to exhaust "
            "memory", _HINT_HOSTILE, "damaged")


def _biff_sheet_name(body: bytes, biff8: bool, codepage: str) -> str:
    if not body:
        return ""
    count = body[0]
    if biff8 and len(body) >= 2:
        if body[1] & 0x1:
            return body[2:2 + 2 * count].decode("utf-16-le", "replace").replace("\0", "")
        return body[2:2 + count].decode("latin-1").replace("\0", "")
    return body[1:1 + count].decode(codepage, "replace").replace("\0", "")


def _codepage(number: int) -> str:
    name = {1200: "utf-16-le", 367: "ascii", 10000: "mac_roman", 32768: "mac_roman",
            32769: "cp1252"}.get(number, f"cp{number}")
    try:
        codecs.lookup(name)
    except LookupError:
        return "cp1252"
    return name


# --------------------------------------------------------------------------------------------
# CSV

_CSV_DELIMITERS = (",", ";", "\t", "|")
_SEP_LINE = re.compile(r'^"?sep=(.)"?\r?\n', re.IGNORECASE)


def _read_csv(path: Path, limits: LimitsConfig, display_name: str
              ) -> tuple[list[RawSheet], list[Issue]]:
    data = path.read_bytes()
    text, encoding = _decode_csv(data)
    issues: list[Issue] = []
    if encoding == "gb18030":
        issues.append(Issue(Severity.INFO, "the file is not UTF-8; it was read as GBK "
                            "(Simplified Chinese) text", file=display_name,
                            hint="save it as CSV UTF-8 if its texts look wrong",
                            code="csv_encoding"))
    if "\x00" in text:
        raise _not_workbook("a CSV file", "a binary file")
    first_row = 1
    sep = _SEP_LINE.match(text)
    if sep and sep.group(1) in _CSV_DELIMITERS:
        delimiter = sep.group(1)
        text = text[sep.end():]
        first_row = 2  # Excel's "sep=;" hint line is not data
    else:
        delimiter = _sniff_delimiter(text)
    grid: list[list[CellValue]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    record_start = 1
    try:
        for record in reader:
            if len(grid) >= limits.max_rows:
                raise _Unreadable(
                    f"the file has more than {limits.max_rows:,} rows, the limit "
                    "([limits] max_rows)",
                    "split it, or raise max_rows under [limits] in reportgen.toml", "too_big")
            row: list[CellValue] = [cell if cell != "" else None for cell in record]
            while row and row[-1] is None:
                row.pop()
            if len(row) > limits.max_columns:
                raise _Unreadable(
                    f"line {reader.line_num} has a value in column {_col_name(len(row) - 1)}, "
                    f"beyond the {limits.max_columns:,}-column limit ([limits] max_columns)",
                    "check the delimiter and the quotes on that line, or raise max_columns "
                    "under [limits] in reportgen.toml", "too_big")
            grid.append(row)
            record_start = reader.line_num + 1
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            # No cell holds 128K characters (Excel stops at 32,767): a quote was left open.
            raise _damaged(f"a quoted value starting on line {record_start + first_row - 1} "
                           "never ends; a closing quote is probably missing") from None
        raise _damaged(f"line {reader.line_num}: {_safe_text(str(exc))}") from None
    raw = _raw_sheet(path.stem, True, grid, first_row, 0, {}, False, [])
    return [raw], issues


def _decode_csv(data: bytes) -> tuple[str, str]:
    """The text of a CSV file: UTF-8 (with or without BOM), UTF-16 with BOM, else GBK."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        with contextlib.suppress(UnicodeDecodeError):
            return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        # GB18030 is the superset of GBK that Chinese Windows writes.
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        raise _Unreadable("the file is neither UTF-8 nor GBK text",
                          "open it in Excel and save it as 'CSV UTF-8 (Comma delimited)'",
                          "csv_encoding") from None


def _sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most consistent number of fields."""
    sample = text[:65_536]
    if len(text) > len(sample):
        sample = sample[: sample.rfind("\n") + 1] or sample
    best, best_score = ",", (False, 0, 0, 0)
    for delimiter in _CSV_DELIMITERS:
        try:
            widths = [len(r) for r in csv.reader(io.StringIO(sample, newline=""),
                                                 delimiter=delimiter) if r][:50]
        except csv.Error:
            continue
        if not widths:
            continue
        mode = max(set(widths), key=lambda w: (widths.count(w), w))
        # Without a consistent width (a header over a few one-value lines), the delimiter
        # that splits some line at all beats those that split none.
        score = (mode > 1, widths.count(mode) if mode > 1 else 0, mode, max(widths))
        if score > best_score:
            best, best_score = delimiter, score
    return best


# --------------------------------------------------------------------------------------------
