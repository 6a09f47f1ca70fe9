"""Open one spreadsheet file safely and return its sheets as raw rows of Python values.

This is the lowest layer of the input. It knows nothing of headers, columns or types: it
opens one file, refuses it with a plain-words error when it is unsafe or unreadable, and
otherwise returns every worksheet as rows of cell values. The layers above find the header,
map the columns and type the values.

This module is the entry point: which files of the inputs folder are read, the checks every
file passes (its size, what its first bytes say it is), and the hand-over to the guards and
the opener of its format. Workbooks are checked *before* a parser sees them, because the
parser (python-calamine, in Rust) is fast but trusting, and some of its failures abort the
whole process:

* the file size; for zip-based workbooks (.xlsx, .xlsm, .ods) the number of parts, their
  declared unpacked size and compression ratio; then every part is unpacked once, in
  streaming chunks, which proves it is no larger than it declares
  (:mod:`reportgen.inputs.reading.archive`);
* the prolog of every XML part: a document type declaration (the vehicle of entity bombs and
  external entities) is refused, and so is a shared-strings table declaring billions of
  entries (calamine reserves memory for them up front) (:mod:`reportgen.inputs.reading.xmlscan`);
* the cells each sheet actually uses, from a cheap byte-level scan of the sheet XML, of the
  ODS ``content.xml`` or of the BIFF records of an .xls (:mod:`reportgen.inputs.reading.biffscan`):
  calamine builds a dense grid from the first to the last used cell, so one stray cell at
  XFD1048576 would ask for billions of cells. A sheet that would break ``[limits] max_rows`` /
  ``max_columns`` (or make a grid larger than ``max_cells``; all sheets together,
  ``max_workbook_cells``) is refused with the far cell named
  (:mod:`reportgen.inputs.reading.extent`). An .xlsx sheet is refused alone; an .xls or .ods,
  which calamine expands whole when it opens it, is refused as a file.

The same scans find what calamine silently reads as blank: error cells (``#DIV/0!``) and
formulas saved without a value; they are returned in
:attr:`~reportgen.inputs.reading.sheets.RawSheet.cell_errors`.

The openers: :mod:`reportgen.inputs.reading.xlsx`, :mod:`reportgen.inputs.reading.ods`,
:mod:`reportgen.inputs.reading.xls` and :mod:`reportgen.inputs.reading.delimited` (CSV).
"""

from __future__ import annotations

import codecs
import stat
import zipfile
from pathlib import Path

from reportgen.i18n import N_
from reportgen.inputs.config import LimitsConfig
from reportgen.inputs.issues import Issue, Severity
from reportgen.inputs.reading.archive import (
    check_declared_sizes,
    check_zip_directory,
    package_kind,
    scan_parts,
)
from reportgen.inputs.reading.delimited import read_csv
from reportgen.inputs.reading.ods import read_ods
from reportgen.inputs.reading.refusal import (
    A_CSV_FILE,
    AN_EXCEL_WORKBOOK,
    AN_ODS,
    HINT_FORMATS,
    MB,
    Unreadable,
    damaged,
    mb,
    not_workbook,
    safe_text,
    technical,
)
from reportgen.inputs.reading.sheets import HeadSplit, RawSheet
from reportgen.inputs.reading.xls import read_ole
from reportgen.inputs.reading.xlsx import (
    Columnar,
    XlsxLayout,
    read_xlsx,
    start_columnar,
    xlsx_layout,
)

#: File name endings read as spreadsheets; every other file in the inputs folder is ignored.
SPREADSHEET_EXTENSIONS = frozenset({".xlsx", ".xlsm", ".xls", ".ods", ".csv"})

#: Spreadsheet formats reportgen does not read; a file in one of them is an error, not ignored,
#: because the rows in it would otherwise be lost without a word.
UNSUPPORTED_SPREADSHEETS = {
    ".xlsb": N_("Excel binary workbooks (.xlsb)"),
    ".xltx": N_("Excel templates (.xltx)"),
    ".xltm": N_("Excel templates (.xltm)"),
    ".xlt": N_("Excel templates (.xlt)"),
    ".numbers": N_("Apple Numbers files"),
    ".et": N_("WPS spreadsheets (.et)"),
    ".ots": N_("OpenDocument templates (.ots)"),
    ".fods": N_("flat OpenDocument spreadsheets (.fods)"),
    ".tsv": N_("tab-separated text (.tsv)"),
}


def is_lock_name(name: str) -> bool:
    """True for a lock or hidden temp file's name: .hidden, .~lock.x.xlsx#, ~$x.xlsx, x~."""
    return not name or name.startswith((".", "~$")) or name.endswith(("#", "~"))


def is_ignored_file(path: Path) -> bool:
    """True for files the input folder scan skips: lock, hidden, temp and non-spreadsheet files."""
    if is_lock_name(path.name):
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
    :data:`~reportgen.inputs.reading.xlsx.COLUMNAR_MIN_BYTES`) may come back with its data
    rows in :attr:`RawSheet.tail`: its first rows are read as usual and handed to ``split``,
    which says where the header ends; the rows below are read by fastexcel in a helper
    process (see :mod:`reportgen.inputs.reading.columnar`) while this process checks the file.
    """
    try:
        return _read(path, limits, display_name, split)
    except Unreadable as exc:
        return [], [Issue(Severity.ERROR, exc.message, file=display_name, hint=exc.hint,
                          code=exc.code)]


# --------------------------------------------------------------------------------------------
# Dispatch

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: What a file that is not a workbook looks like (also compared, to choose the hint).
_WEB_PAGE, _TEXT_FILE = N_("a web page (HTML)"), N_("a CSV or text file")
_EXCEL_XML = N_("an Excel 2003 XML spreadsheet")
_UNKNOWN = N_("something reportgen cannot identify")


def _read(
    path: Path, limits: LimitsConfig, display_name: str, split: HeadSplit | None = None,
) -> tuple[list[RawSheet], list[Issue]]:
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise Unreadable(N_("the file cannot be opened (%(error)s)",
                            error=technical(str(exc.strerror or exc))),
                         N_("check that it exists and that you may read it"),
                         "unreadable") from None
    if size == 0:
        raise Unreadable(N_("the file is empty"),
                         N_("save the workbook again from Excel, or remove the file from the "
                            "folder"), "empty")
    if size > limits.max_file_mb * MB:
        raise Unreadable(
            N_("the file is %(size)s, more than the %(limit)s MB limit ([limits] max_file_mb)",
               size=mb(size), limit=f"{limits.max_file_mb:,.0f}"),
            N_("split it, or raise max_file_mb under [limits] in reportgen.toml"), "too_big")
    ext = path.suffix.lower()
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        sheets, issues = _read_zip(path, size, ext, limits, display_name, split)
    elif head.startswith(_OLE_MAGIC):
        sheets, issues = read_ole(path, ext, limits, display_name)
    elif ext == ".csv":
        looks = _looks_like(head)
        if looks not in (_TEXT_FILE, _UNKNOWN):
            raise not_workbook(A_CSV_FILE, looks)
        return read_csv(path, limits, display_name)
    else:
        looks = _looks_like(head)
        expected = AN_ODS if ext == ".ods" else AN_EXCEL_WORKBOOK
        hint = HINT_FORMATS
        if looks == _WEB_PAGE:
            hint = N_("it was saved as a web page; open it in Excel and use Save As > Excel "
                      "Workbook (.xlsx)")
        elif looks == _TEXT_FILE:
            hint = N_("if it is a CSV file, rename it so that its name ends in .csv")
        elif looks == _EXCEL_XML:
            hint = N_("open it in Excel and use Save As > Excel Workbook (.xlsx)")
        raise not_workbook(expected, looks, hint)
    if ext == ".csv":
        issues.insert(0, Issue(
            Severity.WARNING, N_("the file is named .csv but is a workbook; it was read as one"),
            file=display_name,
            hint=N_("rename it so that its name ends in .xlsx (or .xls, .ods)"),
            code="misnamed"))
    return sheets, issues


def _looks_like(head: bytes) -> str:
    """What a file that is not a workbook seems to be, from its first bytes."""
    binary = [
        ((b"%PDF",), N_("a PDF document")),
        ((b"{\\rtf",), N_("an RTF document")),
        ((b"\x89PNG", b"\xff\xd8\xff", b"GIF87a", b"GIF89a"), N_("an image")),
        ((b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b", b"BZh"), N_("a compressed archive")),
    ]
    for prefixes, what in binary:
        if head.startswith(prefixes):
            return what
    start = head.lstrip(b"\xef\xbb\xbf\xff\xfe\xfe\xff \t\r\n").lower()
    start16 = _utf16_head(head).lower()
    web = (b"<!doctype html", b"<html", b"<table", b"<head", b"<meta", b"<body")
    if start.startswith(web) or start16.startswith(web):
        return _WEB_PAGE
    if start.startswith(b"<?xml") or start16.startswith(b"<?xml"):
        if b"urn:schemas-microsoft-com:office:spreadsheet" in head.lower():
            return _EXCEL_XML
        if b"<html" in start or b"<html" in start16:
            return _WEB_PAGE
        return N_("an XML file")
    if _is_text(head):
        return _TEXT_FILE
    return _UNKNOWN


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
# Zip packages (.xlsx, .xlsm, .ods): the guards, then the opener of the kind of package


def _read_zip(
    path: Path, size: int, ext: str, limits: LimitsConfig, display_name: str,
    split: HeadSplit | None = None,
) -> tuple[list[RawSheet], list[Issue]]:
    started: Columnar | None = None
    try:
        with path.open("rb") as fh:
            check_zip_directory(fh, size)
            try:
                zf = zipfile.ZipFile(fh)
            except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError,
                    ValueError) as exc:
                raise damaged(N_("its zip structure is broken: %(error)s",
                                 error=technical(safe_text(str(exc))))) from None
            with zf:
                infos = zf.infolist()
                check_declared_sizes(infos, limits)
                kind = package_kind(zf, infos, ext)
                # Parsed with defusedxml, which refuses entity tricks: safe before the scan.
                layout = xlsx_layout(zf) if kind == "xlsx" else XlsxLayout()
                if kind == "xlsx" and split is not None:
                    # The helper parses the sheet while the scan below checks the file.
                    started = start_columnar(path, fh, layout, infos, split, limits)
                scans = scan_parts(fh, infos, kind, limits)
                if kind == "ods":
                    return read_ods(path, scans, limits, display_name)
        return read_xlsx(path, scans, layout, limits, display_name, started)
    finally:
        if started is not None:
            started.helper.cancel()
