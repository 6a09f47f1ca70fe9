"""A corpus of hostile and malformed inputs, built by code (no binary is committed).

Each :class:`Case` is an inputs folder written by a builder, the command to run on it, and
what a supervisor must see: the exit code and the exact message lines (file, sheet, row,
column), within a time and memory budget. ``tests/inputs/test_hostile.py`` runs every case through
the real command line; this module only writes files.

Run it as a script to write the whole corpus to a folder and look at the files::

    python -m tests.hostile_corpus /tmp/corpus
"""

from __future__ import annotations

import csv
import datetime as dt
import struct
import sys
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

# --------------------------------------------------------------------------------------------
# Budgets

#: The real-world spreadsheets shared with the team (absent in some checkouts).
REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"

#: A whole check, even on the 50,000-row file (SPEC, "Bad input"; the issue's bound).
NORMAL_SECONDS, NORMAL_MB = 60.0, 1024
#: A bomb is refused quickly and cheaply: CPU seconds of the whole check, peak resident MB.
BOMB_SECONDS, BOMB_MB = 2.0, 200


@dataclass(frozen=True)
class Budget:
    """What one run may spend: CPU seconds (user + system) and peak resident memory."""

    cpu_seconds: float = NORMAL_SECONDS
    wall_seconds: float = NORMAL_SECONDS
    peak_mb: float = NORMAL_MB


NORMAL = Budget()
BOMB = Budget(cpu_seconds=BOMB_SECONDS, wall_seconds=NORMAL_SECONDS, peak_mb=BOMB_MB)


@dataclass(frozen=True)
class Case:
    """One kind of hostile input: how to build it and what the command must answer.

    ``out`` and ``err`` are the whole standard output and standard error, line by line, with
    ``{inputs}`` standing for the inputs folder's path.
    """

    name: str
    build: Callable[[Path], None]
    exit_code: int
    out: tuple[str, ...]
    err: tuple[str, ...] = ()
    #: Extra options after ``check --inputs <folder>``.
    options: tuple[str, ...] = ()
    #: reportgen.toml text ("" for the built-in defaults); passed with --config.
    config: str = ""
    budget: Budget = NORMAL


# --------------------------------------------------------------------------------------------
# Small good tables every case starts from

CLIENT_HEADER = ["client_id", "name", "region", "account_manager", "potential_value"]
CLIENTS = [
    CLIENT_HEADER,
    ["C1", "上海恒通机电有限公司", "华东", "王芳", 1_000_000],
    ["C2", "Northwind Trading Ltd", "华南", "Li Lei", 50_000],
]
SALES_HEADER = ["date", "client_id", "amount", "order_id"]
SALES = [
    SALES_HEADER,
    ["2026-10-03", "C1", 1200.50, "O1"],
    ["2026-09-15", "C2", "¥3,000.00", "O2"],
]
GOOD_SUMMARY = ("Read 1 file(s): 2 clients, 2 sales lines (2026-09 to 2026-10). "
                "0 error(s), 0 warning(s).")
DATA_ERRORS = "Error: the inputs have {n} error(s); see the messages above"

Rows = Sequence[Sequence[object]]


# --------------------------------------------------------------------------------------------
# Cells for the hand-written .xlsx writer


@dataclass(frozen=True)
class Formula:
    """A formula saved without its value (as some generators and web exports do)."""

    text: str


@dataclass(frozen=True)
class ErrorCell:
    """An error value such as ``#DIV/0!``."""

    code: str


@dataclass(frozen=True)
class DateSerial:
    """A number shown as a date (style ``yyyy-mm-dd``): what Excel stores for a date."""

    serial: float


@dataclass(frozen=True)
class Raw:
    """Cell XML written as given (for attacks the other cell kinds cannot express)."""

    xml: str


def col_letters(index: int) -> str:
    """Excel letters of a 0-based column."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _xml_text(text: str) -> str:
    # Characters XML 1.0 cannot hold are written as Excel writes them (_xHHHH_).
    out = []
    for ch in text:
        if ch in "\t\n\r" or ord(ch) >= 0x20:
            out.append(ch)
        else:
            out.append(f"_x{ord(ch):04X}_")
    return escape("".join(out), {'"': "&quot;"})


def cell_xml(ref: str, value: object) -> str:
    """One ``<c>`` element; strings are inline, so they are text even when they start with =."""
    if isinstance(value, Raw):
        return value.xml.replace("{ref}", ref)
    if isinstance(value, Formula):
        return f'<c r="{ref}"><f>{_xml_text(value.text)}</f></c>'
    if isinstance(value, ErrorCell):
        return f'<c r="{ref}" t="e"><v>{_xml_text(value.code)}</v></c>'
    if isinstance(value, DateSerial):
        return f'<c r="{ref}" s="1"><v>{value.serial!r}</v></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    text = _xml_text(str(value))
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def sheet_data(rows: Rows, first_row: int = 1) -> str:
    """``<sheetData>`` content; None is no cell."""
    out = []
    for i, row in enumerate(rows):
        r = first_row + i
        cells = "".join(cell_xml(f"{col_letters(j)}{r}", v) for j, v in enumerate(row)
                        if v is not None)
        if cells:
            out.append(f'<row r="{r}">{cells}</row>')
    return "".join(out)


_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
_STYLES = (
    f'{_DECL}<styleSheet {_NS}><numFmts count="1"><numFmt numFmtId="164" '
    'formatCode="yyyy-mm-dd"/></numFmts><fonts count="1"><font/></fonts><fills count="1">'
    '<fill/></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/>'
    '</cellStyleXfs><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164" '
    'applyNumberFormat="1"/></cellXfs></styleSheet>'
)


@dataclass
class Sheet:
    """One worksheet of a hand-written workbook."""

    name: str
    rows: Rows = ()
    state: str = "visible"  # visible | hidden | veryHidden
    merged: Sequence[str] = ()  # "A2:A4"
    #: Extra <row> XML appended after the rows (far cells, hostile markup).
    tail: str = ""
    #: Inserted right after the XML declaration (a DOCTYPE, say).
    prolog: str = ""


def xlsx_parts(sheets: Sequence[Sheet], *, date1904: bool = False,
               workbook_prolog: str = "") -> dict[str, bytes]:
    """The parts of a minimal .xlsx package holding ``sheets``."""
    parts: dict[str, bytes] = {}
    entries, rels, overrides = [], [], []
    for i, sheet in enumerate(sheets, start=1):
        state = "" if sheet.state == "visible" else f' state="{sheet.state}"'
        entries.append(f'<sheet name="{_xml_text(sheet.name)}" sheetId="{i}"{state} '
                       f'r:id="rId{i}"/>')
        rels.append(f'<Relationship Id="rId{i}" Type="{_REL_NS}/worksheet" '
                    f'Target="worksheets/sheet{i}.xml"/>')
        overrides.append(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="'
                         'application/vnd.openxmlformats-officedocument.spreadsheetml.'
                         'worksheet+xml"/>')
        merged = ""
        if sheet.merged:
            merged = (f'<mergeCells count="{len(sheet.merged)}">'
                      + "".join(f'<mergeCell ref="{m}"/>' for m in sheet.merged)
                      + "</mergeCells>")
        xml = (f"{_DECL}{sheet.prolog}<worksheet {_NS}><sheetData>{sheet_data(sheet.rows)}"
               f"{sheet.tail}</sheetData>{merged}</worksheet>")
        parts[f"xl/worksheets/sheet{i}.xml"] = xml.encode()
    rels.append(f'<Relationship Id="rIdS" Type="{_REL_NS}/styles" Target="styles.xml"/>')
    pr = '<workbookPr date1904="1"/>' if date1904 else "<workbookPr/>"
    parts["xl/workbook.xml"] = (
        f'{_DECL}{workbook_prolog}<workbook {_NS} xmlns:r="{_REL_NS}">{pr}'
        f'<sheets>{"".join(entries)}</sheets></workbook>').encode()
    parts["xl/_rels/workbook.xml.rels"] = (
        f'{_DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'relationships">{"".join(rels)}</Relationships>').encode()
    parts["xl/styles.xml"] = _STYLES.encode()
    parts["[Content_Types].xml"] = (
        f'{_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        f'{"".join(overrides)}</Types>').encode()
    parts["_rels/.rels"] = (
        f'{_DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'relationships"><Relationship Id="rId1" Type="{_REL_NS}/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>').encode()
    return parts


def write_zip(path: Path, parts: dict[str, bytes], *,
              method: int = zipfile.ZIP_DEFLATED) -> Path:
    """A zip package with the content types first, as Office writes it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    first = [n for n in ("[Content_Types].xml", "_rels/.rels") if n in parts]
    with zipfile.ZipFile(path, "w", method) as zf:
        for name in [*first, *sorted(set(parts) - set(first))]:
            info = zipfile.ZipInfo(name, date_time=(2026, 10, 31, 12, 0, 0))
            info.compress_type = method
            zf.writestr(info, parts[name])
    return path


def write_xlsx(path: Path, sheets: Sequence[Sheet], **kwargs: object) -> Path:
    """A hand-written .xlsx; see :func:`xlsx_parts`."""
    return write_zip(path, xlsx_parts(sheets, **kwargs))  # type: ignore[arg-type]


def good_book(path: Path, clients: Rows = CLIENTS, sales: Rows = SALES, **kwargs: object) -> Path:
    """The small good workbook (Clients and Sales), with replacements."""
    return write_xlsx(path, [Sheet("Clients", clients), Sheet("Sales", sales)], **kwargs)


def write_csv(path: Path, rows: Rows, *, encoding: str = "utf-8") -> Path:
    """A CSV file in ``encoding`` (``utf-8-sig`` writes a BOM)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


# --------------------------------------------------------------------------------------------
# A minimal compound-document (OLE) writer: legacy .xls and password-protected .xlsx

_END, _FREE, _FATSECT, _NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def _ole_entry(name: str, kind: int, *, left: int = _NOSTREAM, right: int = _NOSTREAM,
               child: int = _NOSTREAM, start: int = _END, size: int = 0) -> bytes:
    raw = name.encode("utf-16-le")
    head = raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw) + 2 if name else 0, kind, 1)
    return (head + struct.pack("<III", left, right, child) + bytes(16)
            + struct.pack("<IQQIQ", 0, 0, 0, start, size))


def write_ole(path: Path, streams: dict[str, bytes]) -> Path:
    """A compound file (version 3, 512-byte sectors) holding ``streams``, each ≥ 4,096 bytes.

    Streams are padded to 4,096 bytes so that none lives in the mini stream, which keeps
    the writer small. Names are chained as right siblings (sorted as the format wants).
    """
    names = sorted(streams, key=lambda n: (len(n), n.upper()))
    fat: list[int] = []
    data = b""
    starts: dict[str, int] = {}
    sizes: dict[str, int] = {}
    for name in names:
        body = streams[name].ljust(max(len(streams[name]), 4096), b"\0")
        n = -(-len(body) // 512)
        first = 1 + len(fat)  # sector 0 holds the FAT itself
        starts[name], sizes[name] = first, len(body)
        fat += [first + i + 1 for i in range(n - 1)] + [_END]
        data += body.ljust(n * 512, b"\0")
    dir_sector = 1 + len(fat)
    fat = [_FATSECT, *fat, _END]
    if len(fat) > 128:
        raise ValueError("write_ole keeps to one FAT sector (64 KB of streams)")
    fat += [_FREE] * (128 - len(fat))
    entries = [_ole_entry("Root Entry", 5, child=1)]
    for i, name in enumerate(names, start=1):
        right = i + 1 if i < len(names) else _NOSTREAM
        entries.append(_ole_entry(name, 2, right=right, start=starts[name], size=sizes[name]))
    while len(entries) % 4:
        entries.append(_ole_entry("", 0))
    if len(entries) > 4:
        raise ValueError("write_ole keeps to one directory sector (three streams)")
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16)
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + bytes(6)
              + struct.pack("<IIIIIIIII", 0, 1, dir_sector, 0, 4096, _END, 0, _END, 0)
              + struct.pack("<109I", 0, *([_FREE] * 108)))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(header + struct.pack("<128I", *fat) + data + b"".join(entries))
    return path


def _rec(typ: int, body: bytes) -> bytes:
    return struct.pack("<HH", typ, len(body)) + body


def _biff_cell(row: int, col: int, value: object) -> bytes:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _rec(0x0203, struct.pack("<HHHd", row, col, 0, float(value)))
    text = str(value)
    if all(ord(ch) < 256 for ch in text):
        body = struct.pack("<HHHHB", row, col, 0, len(text), 0) + text.encode("latin-1")
    else:
        body = struct.pack("<HHHHB", row, col, 0, len(text), 1) + text.encode("utf-16-le")
    return _rec(0x0204, body)  # LABEL


def biff8_workbook(sheets: dict[str, Rows], *, date1904: bool = False) -> bytes:
    """A BIFF8 Workbook stream (what Excel 97-2003 writes) with one sheet per entry."""
    def bof(kind: int) -> bytes:
        return _rec(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0, 1997, 0, 6))

    bodies = []
    for rows in sheets.values():
        cells = b"".join(_biff_cell(r, c, v) for r, row in enumerate(rows)
                         for c, v in enumerate(row) if v is not None)
        width = max((len(row) for row in rows), default=0)
        dims = _rec(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, width, 0))
        bodies.append(bof(0x0010) + dims + cells + _rec(0x000A, b""))

    def globals_(offsets: list[int]) -> bytes:
        out = bof(0x0005) + _rec(0x0042, struct.pack("<H", 1200))  # CODEPAGE: UTF-16
        out += _rec(0x0022, struct.pack("<H", int(date1904)))
        for name, offset in zip(sheets, offsets, strict=True):
            wide = any(ord(ch) > 255 for ch in name)
            encoded = name.encode("utf-16-le" if wide else "latin-1")
            out += _rec(0x0085, struct.pack("<IBB", offset, 0, 0)
                        + bytes([len(name), int(wide)]) + encoded)
        return out + _rec(0x000A, b"")

    offset = len(globals_([0] * len(sheets)))
    offsets = []
    for body in bodies:
        offsets.append(offset)
        offset += len(body)
    return globals_(offsets) + b"".join(bodies)


# --------------------------------------------------------------------------------------------
# Builders, one per kind of hostile input


def _inputs(folder: Path) -> Path:
    inputs = folder / "inputs"
    inputs.mkdir(parents=True, exist_ok=True)
    return inputs


def build_not_a_zip(folder: Path) -> None:
    """A text file renamed .xlsx, and random bytes named .xlsx, next to a good workbook."""
    inputs = _inputs(folder)
    good_book(inputs / "book.xlsx")
    (inputs / "renamed.xlsx").write_bytes(b"client_id,amount\nC1,12\n")
    (inputs / "noise.xlsx").write_bytes(bytes(range(256)) * 8)


def build_empty(folder: Path) -> None:
    """A zero-byte workbook next to a good one."""
    inputs = _inputs(folder)
    good_book(inputs / "book.xlsx")
    (inputs / "empty.xlsx").write_bytes(b"")


def build_truncated(folder: Path) -> None:
    """A workbook cut short in the middle (an interrupted download or copy)."""
    inputs = _inputs(folder)
    data = good_book(folder / "whole.xlsx").read_bytes()
    (folder / "whole.xlsx").unlink()
    (inputs / "book.xlsx").write_bytes(data[: len(data) // 2])


def build_encrypted_ole(folder: Path) -> None:
    """How Excel stores a password-protected .xlsx: an OLE file with an encrypted package."""
    inputs = _inputs(folder)
    good_book(inputs / "book.xlsx")
    write_ole(inputs / "secret.xlsx", {"EncryptionInfo": b"\x04\x00\x04\x00" + bytes(60),
                                       "EncryptedPackage": bytes(range(256)) * 16})


def build_encrypted_zip(folder: Path) -> None:
    """A workbook whose zip parts carry the "encrypted" flag (zip passwords)."""
    inputs = _inputs(folder)
    good_book(inputs / "book.xlsx")
    data = bytearray(good_book(folder / "plain.xlsx").read_bytes())
    (folder / "plain.xlsx").unlink()
    # Set bit 0 of the general-purpose flags in every local and central header.
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        while at >= 0:
            data[at + offset] |= 1
            at = data.find(signature, at + 4)
    (inputs / "locked.xlsx").write_bytes(bytes(data))


def build_lock_files(folder: Path) -> None:
    """Office and LibreOffice lock files and a hidden temp file beside the workbook."""
    inputs = _inputs(folder)
    good_book(inputs / "book.xlsx")
    (inputs / "~$book.xlsx").write_bytes(b"\x05Owner" + bytes(160))
    (inputs / ".~lock.book.xlsx#").write_text("user,host,/tmp,31.10.2026 12:00;\n")
    (inputs / ".book.xlsx.8f3a.tmp").write_bytes(b"PK\x03\x04 half")
    (inputs / "~WRL0001.tmp").write_bytes(b"\x00" * 64)


def build_only_lock_files(folder: Path) -> None:
    """A folder holding nothing but an owner file: the workbook itself was not copied."""
    inputs = _inputs(folder)
    (inputs / "~$book.xlsx").write_bytes(b"\x05Owner" + bytes(160))


def build_missing_sheet(folder: Path) -> None:
    """A workbook with Clients only."""
    write_xlsx(_inputs(folder) / "book.xlsx", [Sheet("Clients", CLIENTS), Sheet("Notes", [["x"]])])


def build_missing_column(folder: Path) -> None:
    """Sales without an amount column."""
    sales = [["date", "client_id", "total", "order_id"], ["2026-10-03", "C1", 12, "O1"]]
    good_book(_inputs(folder) / "book.xlsx", sales=sales)


def build_header_below_titles(folder: Path) -> None:
    """Title, subtitle and a blank row above the header, as printed reports have."""
    sales = [["Sales ledger 2026"], ["Exported 2026-11-01 by the ERP"], [], *SALES]
    good_book(_inputs(folder) / "book.xlsx", sales=sales)


def build_merged_header(folder: Path) -> None:
    """A title merged across the table, and a two-row header with a merged group label."""
    sales = [["Sales ledger", None, None, None], ["When", "Who", "Money", None],
             *[[*row] for row in SALES]]
    write_xlsx(_inputs(folder) / "book.xlsx", [
        Sheet("Clients", CLIENTS),
        Sheet("Sales", sales, merged=["A1:D1", "C2:D2"])])


def build_merged_data(folder: Path) -> None:
    """Merged cells: a region over two clients and a blank row, an id over three lines."""
    # The last order's amount is merged over its two lines too: read once, never doubled.
    clients = [CLIENT_HEADER, ["C1", "恒通", "华东", "王芳", 1_000_000],
               ["C2", "Northwind", None, "王芳", 50_000], [], ["C3", "Contoso", "华南", "Li", 9]]
    sales = [SALES_HEADER, ["2026-10-03", "C1", 100, "O1"], ["2026-10-04", None, 200, "O2"],
             ["2026-10-05", None, 300, "O3"], ["2026-10-06", "C2", 400, "O4"],
             ["2026-10-06", "C2", None, "O4"]]
    write_xlsx(_inputs(folder) / "book.xlsx", [
        Sheet("Clients", clients, merged=["C2:C4"]),
        Sheet("Sales", sales, merged=["B2:B4", "C5:C6", "D5:D6"])])


def build_duplicate_ids(folder: Path) -> None:
    """The same client_id on two rows of Clients."""
    clients = [*CLIENTS, ["C1", "Another name", "华北", "赵六", 10]]
    good_book(_inputs(folder) / "book.xlsx", clients=clients)


def build_unknown_ids(folder: Path) -> None:
    """Sales for a client that is not in the client list."""
    sales = [*SALES, ["2026-10-05", "C9", 500, "O3"]]
    good_book(_inputs(folder) / "book.xlsx", sales=sales)


def build_id_type_mismatch(folder: Path) -> None:
    """Numeric ids in Clients, text ids (one with a leading zero) and floats in Sales."""
    clients = [CLIENT_HEADER, [1001, "恒通", "华东", "王芳", 1_000_000],
               [1002, "Northwind", "华南", "Li", 50_000]]
    sales = [SALES_HEADER, ["2026-10-03", "1001", 100, "O1"], ["2026-10-04", 1002.0, 200, "O2"],
             ["2026-10-05", "01001", 300, "O3"], ["2026-10-06", " 1002 ", 400, "O4"]]
    good_book(_inputs(folder) / "book.xlsx", clients=clients, sales=sales)


def build_mixed_dates(folder: Path) -> None:
    """One date column holding a real date, ISO text, Chinese text, a serial and a US form."""
    sales = [SALES_HEADER, [DateSerial(46298), "C1", 100, "O1"], ["2026-10-04", "C1", 200, "O2"],
             ["2026年10月5日", "C2", 300, "O3"], [46301, "C2", 400, "O4"],
             ["Oct 7, 2026", "C1", 500, "O5"], ["10/8/2026 0:00", "C2", 600, "O6"]]
    good_book(_inputs(folder) / "book.xlsx", sales=sales)


def build_ambiguous_dates(folder: Path) -> None:
    """Dates that read both ways (03/10/2026): month-first by default, with a warning."""
    sales = [SALES_HEADER, ["03/10/2026", "C1", 100, "O1"], ["04/10/2026", "C2", 200, "O2"]]
    good_book(_inputs(folder) / "book.xlsx", sales=sales)


def build_conflicting_dates(folder: Path) -> None:
    """A column with a day-first date (24/02) and a month-first one (02/24)."""
    sales = [SALES_HEADER, ["24/02/2026", "C1", 100, "O1"], ["02/24/2026", "C2", 200, "O2"],
             ["03/04/2026", "C2", 300, "O3"]]
    good_book(_inputs(folder) / "book.xlsx", sales=sales)


def build_serial_dates(folder: Path) -> None:
    """Dates as bare serial numbers and as serials written in text."""
    sales = [SALES_HEADER, [46298, "C1", 100, "O1"], ["46280", "C2", 200, "O2"]]
    good_book(_inputs(folder) / "book.xlsx", sales=sales)


def build_date1904(folder: Path) -> None:
    """A workbook counting dates from 1904 (old Mac Excel): serials shift by 1,462 days."""
    # 44836 in the 1904 system is 2026-10-03 (46298 in the 1900 system).
    sales = [SALES_HEADER, [DateSerial(44836), "C1", 100, "O1"], [44818, "C2", 200, "O2"]]
    good_book(_inputs(folder) / "book.xlsx", sales=sales, date1904=True)


def build_currency_strings(folder: Path) -> None:
    """Amounts with currency signs, separators, brackets and a decimal comma."""
    sales = [SALES_HEADER, ["2026-10-03", "C1", "¥1,234.50", "O1"],
             ["2026-10-04", "C1", "CNY 3,000", "O2"], ["2026-10-05", "C2", "(1,000.00)", "O3"],
             ["2026-10-06", "C2", "1.234,50", "O4"], ["2026-10-07", "C2", "US$ 12", "O5"]]
    good_book(_inputs(folder) / "book.xlsx", sales=sales)


def build_numbers_as_text(folder: Path) -> None:
    """Numbers stored as text, with spaces and full-width digits."""
    sales = [SALES_HEADER, ["2026-10-03", "C1", "1200", "O1"], ["2026-10-04", "C2", " 3000 ", "O2"],
             ["2026-10-05", "C2", "１２３", "O3"]]
    good_book(_inputs(folder) / "book.xlsx", sales=sales)


def build_formulas_without_values(folder: Path) -> None:
    """Amounts that are formulas saved without their value (never read as blank)."""
    sales = [*SALES, ["2026-10-05", "C1", Formula("B2*2"), "O3"],
             ["2026-10-06", "C2", Formula('VLOOKUP(A1,"x",2)'), "O4"]]
    good_book(_inputs(folder) / "book.xlsx", sales=sales)


def build_error_cells(folder: Path) -> None:
    """Error values in a required and in an optional column."""
    sales = [*SALES, ["2026-10-05", "C1", ErrorCell("#DIV/0!"), "O3"],
             ["2026-10-06", "C2", 50, ErrorCell("#REF!")]]
    good_book(_inputs(folder) / "book.xlsx", sales=sales)


def build_blank_and_subtotal_rows(folder: Path) -> None:
    """Blank rows between the lines and subtotal rows under them."""
    sales = [SALES_HEADER, ["2026-10-03", "C1", 100, "O1"], [], [None, None, None, None],
             ["2026-10-04", "C2", 200, "O2"], ["Subtotal", None, 300, None],
             [None, "合计", 300, None]]
    good_book(_inputs(folder) / "book.xlsx", sales=sales)


def build_na_strings(folder: Path) -> None:
    """NA-like texts: a client id "NA" is an id, an amount "N/A" is not a number."""
    clients = [*CLIENTS, ["NA", "None", "N/A", "NULL", 10]]
    sales = [*SALES, ["2026-10-05", "NA", 70, "O3"], ["2026-10-06", "C1", "N/A", "O4"],
             ["2026-10-07", "C2", "-", "O5"]]
    good_book(_inputs(folder) / "book.xlsx", clients=clients, sales=sales)


BIG_ROWS = 50_000
#: Excel rows of the bad lines hidden deep in the 50,000-row sheet.
BIG_BAD_DATE, BIG_BAD_AMOUNT, BIG_UNKNOWN = 40_123, 49_999, 50_001


def big_sales_rows() -> list[list[object]]:
    """50,000 good sales lines, three of them bad (Excel rows BIG_BAD_*; header on row 1)."""
    rows: list[list[object]] = [SALES_HEADER]
    start = dt.date(2025, 11, 1).toordinal()
    for i in range(BIG_ROWS):
        day = dt.date.fromordinal(start + i % 365)
        rows.append([day.isoformat(), "C1" if i % 3 else "C2", float(100 + i % 997), f"O{i}"])
    rows[BIG_BAD_DATE - 1][0] = "2026-13-45"
    rows[BIG_BAD_AMOUNT - 1][2] = "twelve"
    rows[BIG_UNKNOWN - 1][1] = "C404"
    return rows


def build_big(folder: Path) -> None:
    """A 50,000-row Sales sheet with three bad rows deep inside."""
    good_book(_inputs(folder) / "big.xlsx", sales=big_sales_rows())


HOSTILE_NAMES = (
    "<script>alert(1)</script>",
    '<img src="file:///etc/passwd">',
    "{{ 7*7 }}",
    "{% raw %}x{% endraw %}",
    "../../etc/x",
    "CON",
    '=HYPERLINK("http://evil.example/x","click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-2+3",
    "abc\u202edcba",
    "😀 Emoji 商贸",
    "شركة النور",
)


def hostile_clients() -> list[list[object]]:
    """Clients whose names are attacks on HTML, templates, paths and formulas."""
    rows: list[list[object]] = [CLIENT_HEADER]
    for i, name in enumerate(HOSTILE_NAMES, start=1):
        rows.append([f"H{i:02d}", name, "华东", "王芳", 1000])
    return rows


def build_hostile_names(folder: Path) -> None:
    """Markup, template syntax, file URLs, traversal and formulas as client names (as text)."""
    clients = [*CLIENTS, *hostile_clients()[1:]]
    good_book(_inputs(folder) / "book.xlsx", clients=clients)


def build_hostile_file_and_sheet_names(folder: Path) -> None:
    """File and sheet names carrying markup, template syntax, traversal and reserved names."""
    inputs = _inputs(folder)
    write_xlsx(inputs / "<img src=x onerror=alert(1)>{{7*7}}.xlsx",
               [Sheet("Clients", CLIENTS), Sheet("Sales", SALES),
                Sheet("..\u2215..\u2215etc", [["x"]])])
    write_xlsx(inputs / "CON.xlsx", [Sheet("<script>x</script>", [["x"]])])


def build_formula_injection(folder: Path) -> None:
    """Text cells that spreadsheet programs would run as formulas if written back naively."""
    clients = [CLIENT_HEADER, ["C1", '=HYPERLINK("http://evil.example","x")', "华东", "@me", 10],
               ["C2", "+cmd|' /C calc'!A0", "-1+1", "=1+1", 20]]
    good_book(_inputs(folder) / "book.xlsx", clients=clients)


def build_scripts_and_bidi(folder: Path) -> None:
    """CJK, emoji, right-to-left and a bidi override in names, regions and ids."""
    clients = [CLIENT_HEADER, ["C1", "上海恒通机电有限公司", "华东", "王芳", 1_000_000],
               ["C2", "😀🚀 Rocket", "East", "Li", 10], ["C3", "شركة النور", "الشرق", "أحمد", 10],
               ["C4", "abc\u202egnp.exe", "West\u202e", "\u2066x\u2069", 10]]
    good_book(_inputs(folder) / "book.xlsx", clients=clients)


BILLION_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
              for i in range(1, 10))
    + "]>"
)
XXE = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def build_entity_bomb(folder: Path) -> None:
    """Billion laughs in the sheet XML, with the entity used in a cell."""
    laughs = Raw('<c r="{ref}" t="inlineStr"><is><t>&lol9;</t></is></c>')
    sales = [*SALES, ["2026-10-05", "C1", laughs, "O3"]]
    write_xlsx(_inputs(folder) / "bomb.xlsx", [
        Sheet("Clients", CLIENTS), Sheet("Sales", sales, prolog=BILLION_LAUGHS)])


def build_external_entity(folder: Path) -> None:
    """An external entity pointing at /etc/passwd, in the workbook part."""
    write_xlsx(_inputs(folder) / "xxe.xlsx",
               [Sheet("Clients", CLIENTS), Sheet("Sales", SALES)], workbook_prolog=XXE)


def build_zip_bomb(folder: Path, megabytes: int = 64) -> None:
    """A sheet part of 64 MB of spaces compressed a thousand to one."""
    parts = xlsx_parts([Sheet("Clients", CLIENTS), Sheet("Sales", SALES)])
    head, tail = parts["xl/worksheets/sheet2.xml"].split(b"<sheetData>", 1)
    parts["xl/worksheets/sheet2.xml"] = head + b" " * (megabytes << 20) + b"<sheetData>" + tail
    write_zip(_inputs(folder) / "bomb.xlsx", parts)


def build_compressed_padding(folder: Path) -> None:
    """Like the zip bomb but 12 MB: a genuine file once the ratio limit is raised."""
    build_zip_bomb(folder, megabytes=12)


def build_zip_bomb_lying(folder: Path) -> None:
    """A part that declares a few bytes in the zip directory but unpacks to 64 MB."""
    parts = xlsx_parts([Sheet("Clients", CLIENTS), Sheet("Sales", SALES)])
    big = parts["xl/worksheets/sheet2.xml"].replace(b"<sheetData>", b" " * (64 << 20)
                                                    + b"<sheetData>", 1)
    path = _inputs(folder) / "liar.xlsx"
    parts["xl/worksheets/sheet2.xml"] = big
    write_zip(path, parts)
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet2.xml"
    # Rewrite the declared uncompressed size (local header +22, central header +24).
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(signature)
        while at >= 0:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at:name_at + len(name)] == name:
                struct.pack_into("<I", data, at + size_at, 4096)
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))


def build_too_many_parts(folder: Path) -> None:
    """A zip with 20,000 tiny parts: an attack on the zip directory reader."""
    parts = xlsx_parts([Sheet("Clients", CLIENTS), Sheet("Sales", SALES)])
    for i in range(20_000):
        parts[f"xl/media/p{i}.bin"] = b""
    write_zip(_inputs(folder) / "parts.xlsx", parts, method=zipfile.ZIP_STORED)


def build_shared_strings_bomb(folder: Path) -> None:
    """A shared-strings table declaring two billion entries (memory reserved up front)."""
    parts = xlsx_parts([Sheet("Clients", CLIENTS), Sheet("Sales", SALES)])
    parts["xl/sharedStrings.xml"] = (
        f'{_DECL}<sst {_NS} count="2000000000" uniqueCount="2000000000"><si><t>x</t></si>'
        "</sst>").encode()
    rels = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", f'<Relationship Id="rIdT" Type="{_REL_NS}/sharedStrings" '
        'Target="sharedStrings.xml"/></Relationships>'.encode())
    parts["xl/_rels/workbook.xml.rels"] = rels
    write_zip(_inputs(folder) / "sst.xlsx", parts)


def build_stray_last_cell(folder: Path) -> None:
    """One stray cell at XFD1048576, the very last cell of the Sales sheet."""
    tail = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    write_xlsx(_inputs(folder) / "book.xlsx",
               [Sheet("Clients", CLIENTS), Sheet("Sales", SALES, tail=tail)])


def build_200_sheets(folder: Path) -> None:
    """Clients and Sales among 198 other sheets."""
    sheets = [Sheet(f"Pivot {i}", [["x", i]]) for i in range(1, 199)]
    write_xlsx(_inputs(folder) / "book.xlsx",
               [Sheet("Clients", CLIENTS), *sheets, Sheet("Sales", SALES)])


def build_hidden_sheets(folder: Path) -> None:
    """Clients only in a hidden sheet; an old Sales sheet hidden behind the visible one."""
    old = [SALES_HEADER, ["2020-01-01", "C1", 999_999, "OLD"]]
    write_xlsx(_inputs(folder) / "book.xlsx", [
        Sheet("Clients", CLIENTS, state="hidden"), Sheet("Sales", SALES),
        Sheet("销售", old, state="veryHidden")])


def build_legacy_xls(folder: Path) -> None:
    """An Excel 97-2003 .xls with Chinese text and numeric dates."""
    sales = [SALES_HEADER, [46298.0, "C1", 1200.5, "O1"], [46280.0, "C2", 3000.0, "O2"]]
    stream = biff8_workbook({"Clients": CLIENTS, "Sales": sales})
    write_ole(_inputs(folder) / "legacy.xls", {"Workbook": stream})


def build_gbk_csv(folder: Path) -> None:
    """Chinese headers and names in GBK, the encoding Chinese Windows Excel writes CSV in."""
    inputs = _inputs(folder)
    write_csv(inputs / "客户.csv", [["客户编号", "客户名称", "区域", "客户经理", "潜在价值"],
                                   ["C1", "上海恒通机电有限公司", "华东", "王芳", "1000000"],
                                   ["C2", "深圳北风贸易", "华南", "李雷", "50000"]],
              encoding="gbk")
    write_csv(inputs / "销售.csv", [["日期", "客户编号", "金额", "订单号"],
                                   ["2026/10/03", "C1", "1200.50", "O1"],
                                   ["2026/09/15", "C2", "￥3,000.00", "O2"]], encoding="gbk")


def build_bom_csv(folder: Path) -> None:
    """UTF-8 with a byte-order mark (Excel's "CSV UTF-8"), the BOM before the first header."""
    inputs = _inputs(folder)
    write_csv(inputs / "clients.csv", CLIENTS, encoding="utf-8-sig")
    write_csv(inputs / "sales.csv", SALES, encoding="utf-8-sig")


def build_csv_title_and_notes(folder: Path) -> None:
    """A one-line sales CSV under a title, with notes below: lines without any comma."""
    inputs = _inputs(folder)
    write_csv(inputs / "clients.csv", CLIENTS)
    (inputs / "sales.csv").write_text(
        "Sales October 2026\n" + ",".join(SALES_HEADER) + "\n2026-10-03,C1,1200.50,O1\n"
        "Figures are provisional\nExported by the ERP\n", encoding="utf-8")


def build_unsupported_format(folder: Path) -> None:
    """An .xlsb and a .numbers file: formats reportgen does not read, never ignored silently."""
    inputs = _inputs(folder)
    good_book(inputs / "book.xlsx")
    (inputs / "old.xlsb").write_bytes(b"PK\x03\x04")
    (inputs / "mac.numbers").write_bytes(b"PK\x03\x04")


def build_web_page(folder: Path) -> None:
    """A web page saved as .xls (what "export to Excel" in many web apps produces)."""
    inputs = _inputs(folder)
    good_book(inputs / "book.xlsx")
    (inputs / "export.xls").write_bytes(
        b'<html xmlns:x="urn:schemas-microsoft-com:office:excel"><body><table><tr><td>'
        b'<img src="file:///etc/passwd"></td></tr></table></body></html>')


def build_xls_dimension_bomb(folder: Path) -> None:
    """An .xls whose DIMENSIONS record claims a billion rows (calamine reserves them)."""
    stream = bytearray(biff8_workbook({"Sales": SALES[:1]}))
    at = stream.find(struct.pack("<HH", 0x0200, 14))
    struct.pack_into("<IIHH", stream, at + 4, 0, 1_000_000_000, 0, 300)
    write_ole(_inputs(folder) / "dims.xls", {"Workbook": bytes(stream)})


def build_terminal_escapes(folder: Path) -> None:
    """Escape sequences (retitle, recolour) and a bidi override in a file name and an id."""
    sales = [*SALES, ["2026-10-05", "C\x1b]0;pwned\x07", 5, "O3"],
             ["2026-10-06", "C\u202e9", 6, "O4"]]
    good_book(_inputs(folder) / "evil\x1b[31m\u202eRED.xlsx", sales=sales)


def build_big_file(folder: Path) -> None:
    """A 2 MB workbook (its sheet padded with spaces, stored uncompressed)."""
    parts = xlsx_parts([Sheet("Clients", CLIENTS), Sheet("Sales", SALES)])
    parts["xl/worksheets/sheet2.xml"] = parts["xl/worksheets/sheet2.xml"].replace(
        b"<sheetData>", b" " * (2 << 20) + b"<sheetData>", 1)
    write_zip(_inputs(folder) / "book.xlsx", parts, method=zipfile.ZIP_STORED)


def build_big_unpacked(folder: Path) -> None:
    """A small file that unpacks to 3 MB (well under the compression-ratio check's floor)."""
    parts = xlsx_parts([Sheet("Clients", CLIENTS), Sheet("Sales", SALES)])
    parts["xl/worksheets/sheet2.xml"] = parts["xl/worksheets/sheet2.xml"].replace(
        b"<sheetData>", b" " * (3 << 20) + b"<sheetData>", 1)
    write_zip(_inputs(folder) / "book.xlsx", parts)


def build_five_sales_rows(folder: Path) -> None:
    """Sales with five lines: six rows and four columns in all."""
    sales = [*SALES, ["2026-10-04", "C1", 1, "O3"], ["2026-10-05", "C1", 2, "O4"],
             ["2026-10-06", "C2", 3, "O5"]]
    good_book(_inputs(folder) / "book.xlsx", sales=sales)


def build_stray_z100(folder: Path) -> None:
    """A stray cell at Z100 below and right of a small Sales table."""
    tail = '<row r="100"><c r="Z100"><v>1</v></c></row>'
    write_xlsx(_inputs(folder) / "book.xlsx",
               [Sheet("Clients", CLIENTS), Sheet("Sales", SALES, tail=tail)])


def build_missing_inputs(folder: Path) -> None:
    """No inputs folder at all (a typo in --inputs)."""
    folder.mkdir(parents=True, exist_ok=True)


def build_ods(folder: Path) -> None:
    """An OpenDocument spreadsheet with a repeated-rows bomb far below the table."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:'
        'oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:'
        'opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:'
        'text:1.0" office:version="1.2"><office:body><office:spreadsheet>'
        '<table:table table:name="Sales"><table:table-row><table:table-cell '
        'office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>'
        '<table:table-row table:number-rows-repeated="1048575"><table:table-cell '
        'table:number-columns-repeated="16384" office:value-type="float" office:value="1"/>'
        "</table:table-row></table:table></office:spreadsheet></office:body>"
        "</office:document-content>")
    path = _inputs(folder) / "calc.ods"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)


# --------------------------------------------------------------------------------------------
# A small dataset whose names attack the documents (rendering cases)

#: client_id → name. Every attack the documents must survive, a few per client.
RENDER_CLIENTS = {
    "H01": '<script>alert(1)</script><img src="file:///etc/passwd">',
    "H02": "{{ 7*7 }} {% raw %} ${7*7} <!--",
    "H03": '=HYPERLINK("http://evil.example/x","click")',
    "H04": "+cmd|' /C calc'!A0",
    "H05": "abc\u202edcba 😀 شركة النور",
    "H06": "../../etc/x",
    "H07": "CON",
    "H08": "@SUM(1+1)",
}
#: client_id → region: a region name is a file name (packs/<region>.pdf) and a heading.
RENDER_REGIONS = {"H01": "<b>West</b>", "H02": "<b>West</b>", "H03": "../../outside",
                  "H04": "../../outside", "H05": "East\u202e", "H06": "East\u202e",
                  "H07": "CON", "H08": "CON"}
#: An input file name that is itself markup and template syntax (shown in the pack appendix).
RENDER_FILE = "<img src=x onerror=alert(1)>{{7*7}}.xlsx"
RENDER_MONTH = "2026-10"


def render_rows() -> tuple[list[list[object]], list[list[object]]]:
    """Clients and twelve months of sales for :data:`RENDER_CLIENTS`."""
    clients: list[list[object]] = [[*CLIENT_HEADER, "industry"]]
    sales: list[list[object]] = [[*SALES_HEADER, "product"]]
    for i, (cid, name) in enumerate(RENDER_CLIENTS.items(), start=1):
        clients.append([cid, name, RENDER_REGIONS[cid], "-1+1 " + name[:8], 2_000_000 * i,
                        name])
        for month in range(1, 13):
            year, mon = (2025, month + 10) if month <= 2 else (2026, month - 2)
            sales.append([f"{year}-{mon:02d}-0{1 + i % 8}", cid, 1000.0 * i + month,
                          f"{cid}-{month}", name])
    return clients, sales


def build_render_inputs(folder: Path) -> Path:
    """The inputs folder of the rendering cases; returns it."""
    inputs = _inputs(folder)
    clients, sales = render_rows()
    write_xlsx(inputs / RENDER_FILE, [Sheet("Clients", clients), Sheet("Sales", sales)])
    return inputs


# --------------------------------------------------------------------------------------------
# The corpus

_W = "warning: "
_E = "error: "
_HINT_HOSTILE = ("do not open it; ask the sender for a copy saved directly from Excel, or raise "
                 "the limit under [limits] in reportgen.toml if the file is genuine")
_HINT_DOCTYPE = "do not open it; ask the sender for a copy saved directly from Excel"
_HINT_REPAIR = ("open it in Excel (which may offer to repair it) and save it again, or ask the "
                "sender for a new copy")
_HINT_PASSWORD = ("open it in Excel, remove the password (File > Info > Protect Workbook), save a "
                  "copy and put that copy in the inputs folder")
_HINT_FORMATS = "put only .xlsx, .xlsm, .xls, .ods or .csv files in the inputs folder"
_HINT_UNUSED = ("name it as in the README (Clients, Sales, …) or map it under [sheets] in "
                "reportgen.toml if it should be read")


def _cases() -> list[Case]:
    summary = GOOD_SUMMARY
    no_sales = (_E + "no Sales sheet was found; files read: {found}; could not be read: "
                "{unread} — fix what could not be read (see the errors above); otherwise name "
                'the sheet with the sales lines "Sales" (or 销售), or map it under [sheets] in '
                "reportgen.toml")
    nothing = "Read 1 file(s): nothing usable. 2 error(s), 0 warning(s)."
    clients_only = "Read 1 file(s): 2 clients. 2 error(s), 0 warning(s)."
    fail = DATA_ERRORS.format
    stray = ("delete the stray cells (select the empty rows below and the columns to the right "
             "of the table, delete them, save), or raise {limit} under [limits] in "
             "reportgen.toml")
    skipped_row = ("; the row was skipped — fix the formula in Excel and save the workbook "
                   "again")
    amount_hint = ("write a number such as 1234.50; a currency sign, thousands separators and "
                   "brackets for negatives are fine")
    unknown = ('client_id "{id}" is not in the client list; the row was skipped — add the '
               "client to the Clients sheet, or correct the id")
    return [
        # --- files that are not workbooks, or not whole ones
        Case("not_a_zip", build_not_a_zip, 1,
             out=("Read 3 file(s): 2 clients, 2 sales lines (2026-09 to 2026-10). "
                  "2 error(s), 0 warning(s).",),
             err=(_E + "noise.xlsx: the file is not an Excel workbook (it looks like something "
                  "reportgen cannot identify) — " + _HINT_FORMATS,
                  _E + "renamed.xlsx: the file is not an Excel workbook (it looks like a CSV or "
                  "text file) — if it is a CSV file, rename it so that its name ends in .csv",
                  fail(n=2))),
        Case("empty", build_empty, 1,
             out=("Read 2 file(s): 2 clients, 2 sales lines (2026-09 to 2026-10). "
                  "1 error(s), 0 warning(s).",),
             err=(_E + "empty.xlsx: the file is empty — save the workbook again from Excel, or "
                  "remove the file from the folder", fail(n=1))),
        Case("truncated", build_truncated, 1, out=(nothing,),
             err=(_E + "book.xlsx: the file is damaged or incomplete (the end of the file is "
                  "missing) — " + _HINT_REPAIR,
                  no_sales.format(found="book.xlsx (no sheet could be read)", unread="book.xlsx"),
                  fail(n=2))),
        Case("encrypted_ole", build_encrypted_ole, 1,
             out=("Read 2 file(s): 2 clients, 2 sales lines (2026-09 to 2026-10). "
                  "1 error(s), 0 warning(s).",),
             err=(_E + "secret.xlsx: the file is protected with a password; save an "
                  "unprotected copy — " + _HINT_PASSWORD, fail(n=1))),
        Case("encrypted_zip", build_encrypted_zip, 1,
             out=("Read 2 file(s): 2 clients, 2 sales lines (2026-09 to 2026-10). "
                  "1 error(s), 0 warning(s).",),
             err=(_E + "locked.xlsx: the file is protected with a password; save an "
                  "unprotected copy — " + _HINT_PASSWORD, fail(n=1))),
        Case("lock_files", build_lock_files, 0, out=(summary,)),
        Case("only_lock_files", build_only_lock_files, 1,
             out=("Read 0 file(s): nothing usable. 1 error(s), 0 warning(s).",),
             err=(_E + "the inputs folder {inputs} holds only Office lock files or hidden temp "
                  "files (~$book.xlsx), no workbook — copy the workbooks themselves into it; a "
                  "lock file such as ~$book.xlsx only means that the workbook was open in Excel "
                  "or WPS", fail(n=1))),
        Case("missing_inputs", build_missing_inputs, 1,
             out=("Read 0 file(s): nothing usable. 1 error(s), 0 warning(s).",),
             err=(_E + "the inputs folder {inputs} does not exist — create it and put the "
                  "month's workbooks in it, or name another with --inputs", fail(n=1))),
        Case("unsupported_format", build_unsupported_format, 1,
             out=("Read 1 file(s): 2 clients, 2 sales lines (2026-09 to 2026-10). "
                  "2 error(s), 0 warning(s).",),
             err=(_E + "mac.numbers: reportgen cannot read Apple Numbers files — open it in "
                  "Excel or WPS and save it as an Excel workbook (.xlsx)",
                  _E + "old.xlsb: reportgen cannot read Excel binary workbooks (.xlsb) — open "
                  "it in Excel or WPS and save it as an Excel workbook (.xlsx)", fail(n=2))),
        Case("web_page", build_web_page, 1,
             out=("Read 2 file(s): 2 clients, 2 sales lines (2026-09 to 2026-10). "
                  "1 error(s), 0 warning(s).",),
             err=(_E + "export.xls: the file is not an Excel workbook (it looks like a web page "
                  "(HTML)) — it was saved as a web page; open it in Excel and use Save As > "
                  "Excel Workbook (.xlsx)", fail(n=1))),
        # --- sheets and columns
        Case("missing_sheet", build_missing_sheet, 1,
             out=("Read 1 file(s): 2 clients. 1 error(s), 0 warning(s).",),
             err=(_E + 'no Sales sheet was found; files read: book.xlsx (sheets "Clients": '
                  'Clients, "Notes": not used) — name the sheet with the sales lines "Sales" '
                  '(or 销售), or map it under [sheets] in reportgen.toml', fail(n=1))),
        Case("missing_column", build_missing_column, 1,
             out=("Read 1 file(s): 2 clients. 1 error(s), 0 warning(s).",),
             err=(_E + 'book.xlsx, sheet "Sales", row 1: the Sales sheet lacks the required '
                  "column(s) amount; found: date, client_id, total, order_id — add the column, "
                  "or map your column's name under [columns.sales] in reportgen.toml",
                  fail(n=1))),
        Case("header_below_titles", build_header_below_titles, 0, out=(summary,)),
        Case("merged_header", build_merged_header, 0, out=(summary,)),
        Case("merged_data", build_merged_data, 0, options=("--verbose",),
             out=('info: book.xlsx, sheet "Clients", row 2, column "region": cells C2:C4 are '
                  'merged; their value "华东" was read on each of their rows',
                  'info: book.xlsx, sheet "Sales", row 2, column "client_id": cells B2:B4 are '
                  'merged; their value "C1" was read on each of their rows',
                  'info: book.xlsx, sheet "Sales", row 5, column "order_id": cells D5:D6 are '
                  'merged; their value "O4" was read on each of their rows',
                  _W + 'book.xlsx, sheet "Sales", row 6, column "amount": amount is blank; the '
                  "row was skipped — fill in amount, or delete the row",
                  "Read 1 file(s): 3 clients, 4 sales lines (2026-10 to 2026-10). 1 row(s) "
                  "skipped, carrying 0.00 in amounts. 0 error(s), 1 warning(s).")),
        Case("hidden_sheets", build_hidden_sheets, 0, options=("--verbose",),
             out=(_W + 'book.xlsx, sheet "Clients": sheet "Clients" is hidden in the workbook; '
                  "it was read because no visible sheet holds the Clients — unhide the sheet "
                  "if it is current, or delete it if it is old",
                  'info: book.xlsx, sheet "销售": hidden sheet "销售" was ignored: a visible '
                  "Sales sheet is read instead",
                  "Read 1 file(s): 2 clients, 2 sales lines (2026-09 to 2026-10). 0 error(s), "
                  "1 warning(s).")),
        Case("sheets_200", build_200_sheets, 0, out=(summary,)),
        # --- ids
        Case("duplicate_ids", build_duplicate_ids, 0,
             out=(_W + 'book.xlsx, sheet "Clients", row 4, column "client_id": duplicate '
                  'client_id "C1": the same client is already at book.xlsx, sheet "Clients", '
                  "row 2; the row was skipped — give each client one row with a unique "
                  "client_id",
                  "Read 1 file(s): 2 clients, 2 sales lines (2026-09 to 2026-10). 1 row(s) "
                  "skipped, carrying 0.00 in amounts. 0 error(s), 1 warning(s).")),
        Case("unknown_ids", build_unknown_ids, 0,
             out=(_W + 'book.xlsx, sheet "Sales", row 4, column "client_id": '
                  + unknown.format(id="C9"),
                  "Read 1 file(s): 2 clients, 2 sales lines (2026-09 to 2026-10). 1 row(s) "
                  "skipped, carrying 500.00 in amounts. 0 error(s), 1 warning(s).")),
        Case("id_type_mismatch", build_id_type_mismatch, 0,
             out=(_W + 'book.xlsx, sheet "Sales", row 4, column "client_id": '
                  + unknown.format(id="01001"),
                  "Read 1 file(s): 2 clients, 3 sales lines (2026-10 to 2026-10). 1 row(s) "
                  "skipped, carrying 300.00 in amounts. 0 error(s), 1 warning(s).")),
        # --- dates
        Case("mixed_dates", build_mixed_dates, 0,
             out=(_W + 'book.xlsx, sheet "Sales", row 1, column "date": dates like 10/8/2026 '
                  "0:00 could be 10 August or 8 October; read as month-first ([format] "
                  'date_order) — if they are day-first, set date_order = "day-first" under '
                  "[format] in reportgen.toml; dates written as year-month-day (2026-04-03) "
                  "are never ambiguous",
                  "Read 1 file(s): 2 clients, 6 sales lines (2026-10 to 2026-10). 0 error(s), "
                  "1 warning(s).")),
        Case("ambiguous_dates", build_ambiguous_dates, 0,
             out=(_W + 'book.xlsx, sheet "Sales", row 1, column "date": dates like 03/10/2026 '
                  "could be 3 October or 10 March; read as month-first ([format] date_order) — "
                  'if they are day-first, set date_order = "day-first" under [format] in '
                  "reportgen.toml; dates written as year-month-day (2026-04-03) are never "
                  "ambiguous",
                  "Read 1 file(s): 2 clients, 2 sales lines (2026-03 to 2026-04). 0 error(s), "
                  "1 warning(s).")),
        Case("conflicting_dates", build_conflicting_dates, 1,
             out=(_W + 'book.xlsx, sheet "Sales", row 4, column "date": cannot tell whether '
                  '"03/04/2026" is 3 April or 4 March; the row was skipped — write the date as '
                  "year-month-day (2026-04-03 or 2026-03-04)",
                  "Read 1 file(s): 2 clients, 2 sales lines (2026-02 to 2026-02). 1 row(s) "
                  "skipped, carrying 300.00 in amounts. 1 error(s), 1 warning(s)."),
             err=(_E + 'book.xlsx, sheet "Sales", row 1, column "date": column mixes day-first '
                  "(24/02/2026) and month-first (02/24/2026) dates — write every date the same "
                  "way, best as year-month-day (2026-02-24)", fail(n=1))),
        Case("serial_dates", build_serial_dates, 0, out=(summary,)),
        Case("date1904", build_date1904, 0, out=(summary,)),
        # --- numbers
        Case("currency_strings", build_currency_strings, 0,
             out=(_W + 'book.xlsx, sheet "Sales", row 5, column "amount": cannot read '
                  '"1.234,50" as an amount: the comma may be a decimal comma; the row was '
                  "skipped — write 1234.50; if your files use decimal commas (1.234,50), set "
                  "decimal_comma = true under [format] in reportgen.toml",
                  "Read 1 file(s): 2 clients, 4 sales lines (2026-10 to 2026-10). 1 row(s) "
                  "skipped, carrying 0.00 in amounts, not counting 1 amount(s) that could not "
                  "be read. 0 error(s), 1 warning(s).")),
        Case("numbers_as_text", build_numbers_as_text, 0,
             out=("Read 1 file(s): 2 clients, 3 sales lines (2026-10 to 2026-10). 0 error(s), "
                  "0 warning(s).",)),
        Case("formulas_without_values", build_formulas_without_values, 0,
             out=(_W + 'book.xlsx, sheet "Sales", row 4, column "amount": formula =B2*2 has no '
                  "saved value" + skipped_row,
                  _W + 'book.xlsx, sheet "Sales", row 5, column "amount": formula '
                  '=VLOOKUP(A1,"x",2) has no saved value' + skipped_row,
                  "Read 1 file(s): 2 clients, 2 sales lines (2026-09 to 2026-10). 2 row(s) "
                  "skipped, carrying 0.00 in amounts, not counting 2 amount(s) that could not "
                  "be read. 0 error(s), 2 warning(s).")),
        Case("error_cells", build_error_cells, 0,
             out=(_W + 'book.xlsx, sheet "Sales", row 5, column "order_id": the cell holds '
                  "#REF!; left blank — fix the formula in Excel and save the workbook again",
                  _W + 'book.xlsx, sheet "Sales", row 4, column "amount": the cell holds '
                  "#DIV/0!" + skipped_row,
                  "Read 1 file(s): 2 clients, 3 sales lines (2026-09 to 2026-10). 1 row(s) "
                  "skipped, carrying 0.00 in amounts, not counting 1 amount(s) that could not "
                  "be read. 0 error(s), 2 warning(s).")),
        Case("blank_and_subtotal_rows", build_blank_and_subtotal_rows, 0,
             out=(*(_W + f'book.xlsx, sheet "Sales", row {row}: looks like a subtotal or total '
                    "row; it was not counted; the row was skipped — keep totals out of the "
                    "data rows, or leave them: they are skipped" for row in (6, 7)),
                  # A subtotal's money is already on its rows: not counted as money lost.
                  "Read 1 file(s): 2 clients, 2 sales lines (2026-10 to 2026-10). 2 row(s) "
                  "skipped, carrying 0.00 in amounts. 0 error(s), 2 warning(s).")),
        Case("na_strings", build_na_strings, 0,
             out=(_W + 'book.xlsx, sheet "Sales", row 5, column "amount": cannot read "N/A" as '
                  "an amount; the row was skipped — " + amount_hint,
                  "Read 1 file(s): 3 clients, 4 sales lines (2026-09 to 2026-10). 1 row(s) "
                  "skipped, carrying 0.00 in amounts, not counting 1 amount(s) that could not "
                  "be read. 0 error(s), 1 warning(s).")),
        Case("big_50k", build_big, 0,
             out=(_W + f'big.xlsx, sheet "Sales", row {BIG_BAD_DATE}, column "date": cannot '
                  'read "2026-13-45" as a date: there is no month 13; the row was skipped — '
                  "write the date as 2026-10-03",
                  _W + f'big.xlsx, sheet "Sales", row {BIG_BAD_AMOUNT}, column "amount": cannot '
                  'read "twelve" as an amount; the row was skipped — ' + amount_hint,
                  _W + f'big.xlsx, sheet "Sales", row {BIG_UNKNOWN}, column "client_id": '
                  + unknown.format(id="C404"),
                  "Read 1 file(s): 2 clients, 49,997 sales lines (2025-11 to 2026-10). 3 row(s) "
                  "skipped, carrying 590.00 in amounts, not counting 1 amount(s) that could "
                  "not be read. 0 error(s), 3 warning(s).")),
        # --- text that attacks whatever shows it
        Case("hostile_names", build_hostile_names, 0,
             out=("Read 1 file(s): 15 clients, 2 sales lines (2026-09 to 2026-10). 0 error(s), "
                  "0 warning(s).",)),
        Case("hostile_file_and_sheet_names", build_hostile_file_and_sheet_names, 0,
             options=("--verbose",),
             out=('info: <img src=x onerror=alert(1)>{{7*7}}.xlsx, sheet "..∕..∕etc": sheet '
                  '"..∕..∕etc" is not one reportgen uses; it was ignored — ' + _HINT_UNUSED,
                  'info: CON.xlsx, sheet "<script>x</script>": sheet "<script>x</script>" is '
                  "not one reportgen uses; it was ignored — " + _HINT_UNUSED,
                  "Read 2 file(s): 2 clients, 2 sales lines (2026-09 to 2026-10). 0 error(s), "
                  "0 warning(s).")),
        Case("formula_injection", build_formula_injection, 0, out=(summary,)),
        Case("scripts_and_bidi", build_scripts_and_bidi, 0,
             out=("Read 1 file(s): 4 clients, 2 sales lines (2026-09 to 2026-10). 0 error(s), "
                  "0 warning(s).",)),
        Case("terminal_escapes", build_terminal_escapes, 0,
             out=(_W + 'evil\ufffd[31m\ufffdRED.xlsx, sheet "Sales", row 4, column "client_id": '
                  + unknown.format(id="C ]0;pwned "),
                  _W + 'evil\ufffd[31m\ufffdRED.xlsx, sheet "Sales", row 5, column "client_id": '
                  + unknown.format(id="C 9"),
                  "Read 1 file(s): 2 clients, 2 sales lines (2026-09 to 2026-10). 2 row(s) "
                  "skipped, carrying 11.00 in amounts. 0 error(s), 2 warning(s).")),
        # --- bombs and other files built to exhaust memory or leak files
        Case("entity_bomb", build_entity_bomb, 1, budget=BOMB, out=(nothing,),
             err=(_E + "bomb.xlsx: the file contains an XML document type declaration (in part "
                  "xl/worksheets/sheet2.xml), which spreadsheets never need; it may be an "
                  "attack — " + _HINT_DOCTYPE,
                  no_sales.format(found="bomb.xlsx (no sheet could be read)", unread="bomb.xlsx"),
                  fail(n=2))),
        Case("external_entity", build_external_entity, 1, budget=BOMB, out=(nothing,),
             err=(_E + "xxe.xlsx: the file contains an XML document type declaration (in part "
                  "xl/workbook.xml), which spreadsheets never need; it may be an attack — "
                  + _HINT_DOCTYPE,
                  no_sales.format(found="xxe.xlsx (no sheet could be read)", unread="xxe.xlsx"),
                  fail(n=2))),
        Case("zip_bomb", build_zip_bomb, 1, budget=BOMB, out=(nothing,),
             err=(_E + "bomb.xlsx: the part xl/worksheets/sheet2.xml is compressed 1,023 to 1, "
                  "more than the 200 to 1 limit ([limits] max_compression_ratio); it is most "
                  "likely a zip bomb — " + _HINT_HOSTILE,
                  no_sales.format(found="bomb.xlsx (no sheet could be read)", unread="bomb.xlsx"),
                  fail(n=2))),
        Case("zip_bomb_lying", build_zip_bomb_lying, 1, budget=BOMB, out=(nothing,),
             err=(_E + "liar.xlsx: the part xl/worksheets/sheet2.xml unpacks to more than the "
                  "4,096 bytes it declares; it is most likely a zip bomb — " + _HINT_HOSTILE,
                  no_sales.format(found="liar.xlsx (no sheet could be read)", unread="liar.xlsx"),
                  fail(n=2))),
        Case("too_many_parts", build_too_many_parts, 1, budget=BOMB, out=(nothing,),
             err=(_E + "parts.xlsx: the file holds 20,007 parts; a workbook has a few dozen, so "
                  "it is not a genuine workbook — " + _HINT_HOSTILE,
                  no_sales.format(found="parts.xlsx (no sheet could be read)", unread="parts.xlsx"),
                  fail(n=2))),
        Case("shared_strings_bomb", build_shared_strings_bomb, 1, budget=BOMB, out=(nothing,),
             err=(_E + "sst.xlsx: the file's shared-strings part declares 2,000,000,000 texts "
                  "but holds far fewer; it is damaged or built to exhaust memory — "
                  + _HINT_HOSTILE,
                  no_sales.format(found="sst.xlsx (no sheet could be read)", unread="sst.xlsx"),
                  fail(n=2))),
        Case("stray_last_cell", build_stray_last_cell, 1, budget=BOMB, out=(clients_only,),
             err=(_E + 'book.xlsx, sheet "Sales": the sheet has a cell at XFD1048576, beyond '
                  "the 500-column limit ([limits] max_columns); delete the stray cells — "
                  + stray.format(limit="the limit"),
                  no_sales.format(found='book.xlsx (sheets "Clients": Clients)',
                                 unread='book.xlsx (sheet "Sales")'),
                  fail(n=2))),
        Case("xls_dimension_bomb", build_xls_dimension_bomb, 1, budget=BOMB, out=(nothing,),
             err=(_E + 'dims.xls: the file is damaged: sheet "Sales" declares 1,000,000,000 rows '
                  "and 300 columns, more than an .xls file can hold; it may be built to exhaust "
                  "memory — " + _HINT_HOSTILE,
                  no_sales.format(found="dims.xls (no sheet could be read)", unread="dims.xls"),
                  fail(n=2))),
        Case("ods_repeat_bomb", build_ods, 1, budget=BOMB, out=(nothing,),
             err=(_E + 'calc.ods: sheet "Sales" has a cell at XFD2, beyond the 500-column limit '
                  "([limits] max_columns); delete the stray cells — "
                  + stray.format(limit="the limit"),
                  no_sales.format(found="calc.ods (no sheet could be read)", unread="calc.ods"),
                  fail(n=2))),
        # --- other formats
        Case("legacy_xls", build_legacy_xls, 0, out=(summary,)),
        Case("gbk_csv", build_gbk_csv, 0, options=("--verbose",),
             out=(*(f"info: {name}: the file is not UTF-8; it was read as GBK (Simplified "
                    "Chinese) text — save it as CSV UTF-8 if its texts look wrong"
                    for name in ("客户.csv", "销售.csv")),
                  "Read 2 file(s): 2 clients, 2 sales lines (2026-09 to 2026-10). 0 error(s), "
                  "0 warning(s).")),
        Case("csv_title_and_notes", build_csv_title_and_notes, 0,
             out=(*(_W + f'sales.csv, sheet "sales", row {row}, column "date": cannot read '
                    f'"{text}" as a date; the row was skipped — write the date as 2026-10-03'
                    for row, text in ((4, "Figures are provisional"),
                                      (5, "Exported by the ERP"))),
                  "Read 2 file(s): 2 clients, 1 sales lines (2026-10 to 2026-10). 2 row(s) "
                  "skipped, carrying 0.00 in amounts. 0 error(s), 2 warning(s).")),
        Case("bom_csv", build_bom_csv, 0,
             out=("Read 2 file(s): 2 clients, 2 sales lines (2026-09 to 2026-10). 0 error(s), "
                  "0 warning(s).",)),
        # --- every [limits] setting, each with its message
        Case("limit_max_file_mb", build_big_file, 1, config="[limits]\nmax_file_mb = 1\n",
             out=(nothing,),
             err=(_E + "book.xlsx: the file is 2 MB, more than the 1 MB limit ([limits] "
                  "max_file_mb) — split it, or raise max_file_mb under [limits] in "
                  "reportgen.toml",
                  no_sales.format(found="book.xlsx (no sheet could be read)", unread="book.xlsx"),
                  fail(n=2))),
        Case("limit_max_uncompressed_mb", build_big_unpacked, 1,
             config="[limits]\nmax_uncompressed_mb = 2\n", out=(nothing,),
             err=(_E + "book.xlsx: the file unpacks to 3 MB, more than the 2 MB limit ([limits] "
                  "max_uncompressed_mb) — " + _HINT_HOSTILE,
                  no_sales.format(found="book.xlsx (no sheet could be read)", unread="book.xlsx"),
                  fail(n=2))),
        Case("limit_max_compression_ratio", build_compressed_padding, 0,
             config="[limits]\nmax_compression_ratio = 2000\n", out=(summary,)),
        Case("limit_max_rows", build_five_sales_rows, 1, config="[limits]\nmax_rows = 5\n",
             out=(clients_only,),
             err=(_E + 'book.xlsx, sheet "Sales": the sheet has a cell at A6, beyond the 5-row '
                  "limit ([limits] max_rows); delete the stray cells — "
                  + stray.format(limit="the limit"),
                  no_sales.format(found='book.xlsx (sheets "Clients": Clients)',
                                 unread='book.xlsx (sheet "Sales")'),
                  fail(n=2))),
        Case("limit_max_columns", build_five_sales_rows, 1,
             config="[limits]\nmax_columns = 4\n",
             out=("Read 1 file(s): 5 sales lines (2026-09 to 2026-10). 2 error(s), "
                  "0 warning(s).",),
             err=(_E + 'book.xlsx, sheet "Clients": the sheet has a cell at E1, beyond the '
                  "4-column limit ([limits] max_columns); delete the stray cells — "
                  + stray.format(limit="the limit"),
                  _E + "no Clients sheet was found, and the sales lines carry no client region "
                  'to derive the clients from; could not be read: book.xlsx (sheet "Clients") '
                  "— fix what could not be read (see the errors above); otherwise add a sheet "
                  'named "Clients" (or 客户) with client_id, name and region, or add a region '
                  "column to the sales lines",
                  fail(n=2))),
        Case("limit_max_sheets", build_200_sheets, 1, config="[limits]\nmax_sheets = 100\n",
             out=(nothing,),
             err=(_E + "book.xlsx: the workbook has 200 sheets, more than the 100-sheet limit "
                  "([limits] max_sheets) — keep only the sheets reportgen needs, or raise "
                  "max_sheets under [limits] in reportgen.toml",
                  no_sales.format(found="book.xlsx (no sheet could be read)", unread="book.xlsx"),
                  fail(n=2))),
        Case("limit_max_cells", build_stray_z100, 1, config="[limits]\nmax_cells = 1000\n",
             out=(clients_only,),
             err=(_E + 'book.xlsx, sheet "Sales": the sheet has cells spread over A1:Z100 '
                  "(2,600 cells, most of them blank), more than reportgen reads from one sheet "
                  "(1,000 cells); delete the stray cells — " + stray.format(limit="max_cells"),
                  no_sales.format(found='book.xlsx (sheets "Clients": Clients)',
                                 unread='book.xlsx (sheet "Sales")'),
                  fail(n=2))),
        Case("limit_max_workbook_cells", build_five_sales_rows, 1,
             config="[limits]\nmax_workbook_cells = 30\n", out=(nothing,),
             err=(_E + "book.xlsx: the workbook's sheets span 39 cells in all (blank cells "
                  "included), more than reportgen reads from one file (30); the largest is "
                  'sheet "Sales" (A1:D6, 24 cells) — delete the stray cells far from the tables '
                  "(select the empty rows and columns beyond the data, delete them, save), "
                  "split the workbook, or raise max_workbook_cells under [limits] in "
                  "reportgen.toml",
                  no_sales.format(found="book.xlsx (no sheet could be read)", unread="book.xlsx"),
                  fail(n=2))),
    ]


CASES: list[Case] = _cases()


def write_corpus(root: Path) -> list[Path]:
    """Build every case under ``root/<case name>``; returns the case folders."""
    folders = []
    for case in CASES:
        folder = root / case.name
        case.build(folder)
        folders.append(folder)
    return folders


if __name__ == "__main__":  # pragma: no cover - a tool for looking at the corpus by hand
    for built in write_corpus(Path(sys.argv[1] if len(sys.argv) > 1 else "corpus")):
        print(built)
