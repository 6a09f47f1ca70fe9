"""The guards of a zip workbook's XML parts, run on their unpacked bytes before calamine.

* the prolog of every XML part: a document type declaration (the vehicle of entity bombs and
  external entities) is refused, and so is a shared-strings table declaring billions of
  entries (calamine reserves memory for them up front);
* the cells each sheet actually uses, from a cheap byte-level scan of the sheet XML or of the
  ODS ``content.xml``, as an :class:`~reportgen.inputs.reading.extent.Extent` held to the
  limits. The fast scan bounds the cells by C-speed searches; a sheet whose cells lack a plain
  ``r="A1"`` reference, or whose quick bounds break a limit, is scanned tag by tag instead.
  ODS repeated rows and columns are counted as calamine expands them.

The same scans find what calamine silently reads as blank: error cells (``#DIV/0!``) and
formulas saved without a value.
"""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from reportgen.i18n import N_
from reportgen.inputs.config import LimitsConfig
from reportgen.inputs.reading.extent import Extent, col_index, grid_cap
from reportgen.inputs.reading.refusal import HINT_HOSTILE, MB, Unreadable, damaged, safe_text

#: An XML prolog (declaration, comments) longer than this is not a spreadsheet's.
_MAX_PROLOG = MB
#: Unpacked bytes without a single ``>``: no spreadsheet has them.
_MAX_UNBROKEN = 64 * MB


@dataclass
class PartScan:
    """What the pre-parse scan learned about one XML part."""

    root: str = ""
    has_sheet_data: bool = False
    extent: Extent = field(default_factory=Extent)
    cell_errors: dict[tuple[int, int], str] = field(default_factory=dict)
    #: The part mentions merged cells (only the cell-by-cell reader copies their values).
    has_merges: bool = False
    #: ODS only: each table's name, extent and error cells, in document order.
    tables: list[_OdsTable] = field(default_factory=list)


_PROLOG_SKIP = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->)", re.S)
_ROOT_NAME = re.compile(r"<([A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?)")


def check_prolog(
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
            raise damaged(N_("part %(part)s has no content", part=safe_text(info.filename)))
    else:
        verdict = _prolog_verdict(head, final=True)
    if verdict == "!doctype":
        raise Unreadable(
            N_("the file contains an XML document type declaration (in part %(part)s), which "
               "spreadsheets never need; it may be an attack", part=safe_text(info.filename)),
            N_("do not open it; ask the sender for a copy saved directly from Excel"),
            "xml_doctype")
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


def check_shared_strings(chunks: Iterator[bytes], info: zipfile.ZipInfo) -> Iterator[bytes]:
    """Refuse a shared-strings table declaring far more entries than it can hold.

    calamine reserves memory for the declared ``uniqueCount`` before reading a string, and
    a failed reservation aborts the process.
    """
    first = next(chunks, b"")
    # The attribute sits on the root <sst> tag, before the first string.
    end = first.find(b"<si", 0, 65_536)
    found = _UNIQUE_COUNT.search(first, 0, end if end >= 0 else 65_536)
    if found and int(found.group(1)) > max(info.file_size // 4, 1_000):
        raise Unreadable(
            N_("the file's shared-strings part declares %(count)s texts but holds far fewer; "
               "it is damaged or built to exhaust memory", count=f"{int(found.group(1)):,}"),
            HINT_HOSTILE, "damaged")
    return _prepend(first, chunks)


def cut_at_tags(chunks: Iterable[bytes], info: zipfile.ZipInfo) -> Iterator[bytes]:
    """Re-cut unpacked chunks so each piece ends after a cell (or at least a tag) ends."""
    carry = b""
    for chunk in chunks:
        cut = _piece_end(chunk)
        if cut <= 0:
            carry += chunk
            if len(carry) > _MAX_UNBROKEN:
                raise damaged(N_("part %(part)s is not a spreadsheet part",
                                 part=safe_text(info.filename)))
            continue
        # One copy of the chunk per piece: the carry (a partial cell) is small.
        piece = carry + chunk[:cut] if carry or cut < len(chunk) else chunk
        carry = chunk[cut:]
        yield piece
    if carry:
        yield carry


def _piece_end(chunk: bytes) -> int:
    """Where to cut ``chunk``: after its last cell end tag (</c>, </x:c>), else after a tag."""
    floor = max(0, len(chunk) - MB)
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


def fast_sheet_scan(pieces: Iterable[bytes], scan: PartScan, limits: LimitsConfig) -> bool:
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
                scan.cell_errors[(int(m.group(2)), col_index(m.group(1)))] = \
                    safe_text(text, 40) or AN_ERROR_VALUE
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
                    key = (int(m.group(2)), col_index(m.group(1)))
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
            return max(col_index(x) for x in set(found))
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
        if bound <= limits.max_rows and (max_col + 1) * bound <= grid_cap(limits):
            return bound
        found = re.findall(rb'c r="[A-Za-z]+(\d{%d,})"[^>]*(?<!/)>' % digits, piece)
        if found:
            return max(int(x) for x in found)
    return 0


#: What an error cell whose error text is missing holds.
AN_ERROR_VALUE = N_("an error value")


def _no_value_message(formula: bytes | None) -> str:
    text = html.unescape((formula or b"").decode("utf-8", "replace")).strip()
    if not text:
        return N_("a formula with no saved value")
    return N_("formula =%(formula)s has no saved value", formula=safe_text(text, 60))


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


def precise_sheet_scan(pieces: Iterable[bytes], scan: PartScan) -> None:
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
                    row, col = int(parsed.group(2)) - 1, col_index(parsed.group(1))
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


def _finish_cell(cell: dict[str, object], scan: PartScan) -> None:
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
            scan.cell_errors[(row + 1, col)] = safe_text(text, 40) or AN_ERROR_VALUE
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
    extent: Extent = field(default_factory=Extent)
    cell_errors: dict[tuple[int, int], str] = field(default_factory=dict)


def _repeat(attrs: dict[bytes, bytes], key: bytes) -> int:
    raw = attrs.get(key)
    if raw is None:
        return 1
    text = html.unescape(raw.decode("utf-8", "replace")).strip()
    if not text.isdigit():
        raise damaged(N_("a repeat count reads %(text)s", text=repr(safe_text(text, 20))))
    return max(int(text), 1)


def scan_ods_content(pieces: Iterable[bytes], scan: PartScan) -> None:
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
        table.cell_errors[(row + 1, col)] = safe_text(text, 40) or AN_ERROR_VALUE
    else:
        formula = kind.removeprefix(b"formula:")
        formula = re.sub(rb"^(?:of|msoxl|ooow):=?", b"", html.unescape(
            formula.decode("utf-8", "replace")).encode())
        table.cell_errors[(row + 1, col)] = _no_value_message(formula)
