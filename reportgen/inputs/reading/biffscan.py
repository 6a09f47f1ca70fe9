"""The guards of an .xls: a walk of its BIFF records before calamine opens it.

The walk finds the sheets, the date system and a password, each sheet's used cells (as
:class:`~reportgen.inputs.reading.extent.Extent`) and its error cells, which calamine reads as
blank. It also refuses the records calamine trusts to size its memory: a DIMENSIONS record
larger than an .xls can be makes it reserve terabytes and abort the process.
"""

from __future__ import annotations

import codecs
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field

from reportgen.i18n import N_
from reportgen.inputs.reading.extent import Extent
from reportgen.inputs.reading.refusal import HINT_HOSTILE, Unreadable, password, safe_text

#: Sizes fixed by the .xls format (BIFF8): 65,536 rows and 256 columns.
_XLS_ROWS, _XLS_COLUMNS = 65_536, 256

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
    extents: list[Extent] = field(default_factory=list)
    errors: list[dict[tuple[int, int], str]] = field(default_factory=list)
    date1904: bool = False


def scan_biff(stream: bytes) -> _XlsScan:
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
            raise password()
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
                     ) -> tuple[Extent, dict[tuple[int, int], str]]:
    extent = Extent()
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
        raise Unreadable(
            N_('the file is damaged: sheet "%(sheet)s" declares %(rows)s rows and %(columns)s '
               "columns, more than an .xls file can hold; it may be built to exhaust memory",
               sheet=safe_text(name), rows=f"{rows:,}", columns=f"{cols:,}"),
            HINT_HOSTILE, "damaged")


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
