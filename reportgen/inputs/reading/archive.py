"""The guards of zip-based workbooks (.xlsx, .xlsm, .ods), run before any parser sees them.

From the zip directory, before anything is unpacked: the end record and the number of parts
(a workbook has a few dozen; thousands are an attack on the zip directory reader), the kind
of package (a workbook, or what else it looks like), and the parts' declared unpacked size
and compression ratio, encryption and duplicate names. Then every part is unpacked once, in
streaming chunks, which proves it is no larger than it declares (calamine's inflater does
not stop at the declared size), and its XML is scanned on the way
(:mod:`reportgen.inputs.reading.xmlscan`).
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterator
from typing import BinaryIO

from reportgen.i18n import N_
from reportgen.inputs.config import LimitsConfig
from reportgen.inputs.reading.extent import extent_problem
from reportgen.inputs.reading.refusal import (
    AN_EXCEL_WORKBOOK,
    AN_ODS,
    HINT_HOSTILE,
    MB,
    Unreadable,
    damaged,
    mb,
    not_workbook,
    password,
    safe_text,
    technical,
)
from reportgen.inputs.reading.xmlscan import (
    PartScan,
    check_prolog,
    check_shared_strings,
    cut_at_tags,
    fast_sheet_scan,
    precise_sheet_scan,
    scan_ods_content,
)

#: Unpacked bytes handed to a scanner at a time.
CHUNK = 8 * MB
#: A compressed part is a bomb suspect only above this size ("larger than a few MB").
_BOMB_MIN_BYTES = 8 * MB
#: A workbook has a few dozen parts; thousands are an attack on the zip directory reader.
_MAX_ZIP_MEMBERS = 10_000
_MAX_ZIP_DIRECTORY = 16 * MB

_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
_OOXML_WORKBOOK_TYPES = (
    b"spreadsheetml.sheet.main", b"sheet.macroEnabled.main",
    b"spreadsheetml.template.main", b"template.macroEnabled.main",
)


def check_zip_directory(fh: BinaryIO, size: int) -> None:
    """Refuse a zip whose end record is missing or whose directory is absurdly large."""
    tail_len = min(size, 22 + 65_535)
    fh.seek(size - tail_len)
    tail = fh.read(tail_len)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        raise damaged(N_("the end of the file is missing"))
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
        raise Unreadable(
            N_("the file holds %(count)s parts; a workbook has a few dozen, so it is not a "
               "genuine workbook", count=f"{entries:,}"), HINT_HOSTILE, "zip_bomb")


def package_kind(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], ext: str) -> str:
    """"xlsx" or "ods" for a workbook package; refuses any other zip with what it looks like."""
    names = {info.filename for info in infos}
    expected = AN_ODS if ext == ".ods" else AN_EXCEL_WORKBOOK
    if "mimetype" in names:
        mime = _read_small(zf, "mimetype").strip()
        if mime == _ODS_MIME:
            return "ods"
        kinds = {b"text": N_("an OpenDocument text document (.odt)"),
                 b"presentation": N_("an OpenDocument presentation (.odp)")}
        if mime.startswith(b"application/vnd.oasis.opendocument."):
            sub = mime.rsplit(b".", 1)[-1]
            raise not_workbook(expected, kinds.get(sub, N_("an OpenDocument file of another "
                                                             "kind")))
    if "[Content_Types].xml" in names:
        types = _read_small(zf, "[Content_Types].xml")
        if any(t in types for t in _OOXML_WORKBOOK_TYPES):
            return "xlsx"
        if b"sheet.binary.macroEnabled.main" in types:
            raise not_workbook(expected, N_("an Excel binary workbook (.xlsb), which reportgen "
                                            "does not read"),
                               N_("open it in Excel and save it as .xlsx"))
        if b"wordprocessingml" in types:
            raise not_workbook(expected, N_("a Word document"))
        if b"presentationml" in types:
            raise not_workbook(expected, N_("a PowerPoint presentation"))
        if any(n.endswith("workbook.xml") for n in names):
            return "xlsx"
        raise not_workbook(expected, N_("an Office file of another kind"))
    if not names:
        raise not_workbook(expected, N_("an empty zip archive"))
    raise not_workbook(expected, N_("a zip archive without a workbook inside"))


def _read_small(zf: zipfile.ZipFile, name: str, limit: int = MB) -> bytes:
    try:
        with zf.open(name) as member:
            return member.read(limit)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError,
            RuntimeError, ValueError) as exc:
        raise damaged(N_("part %(part)s cannot be unpacked: %(error)s", part=safe_text(name),
                         error=technical(safe_text(str(exc))))) from None


def check_declared_sizes(infos: list[zipfile.ZipInfo], limits: LimitsConfig) -> None:
    """Refuse by the sizes the zip directory declares, before unpacking anything."""
    total = sum(info.file_size for info in infos)
    if total > limits.max_uncompressed_mb * MB:
        raise Unreadable(
            N_("the file unpacks to %(size)s, more than the %(limit)s MB limit ([limits] "
               "max_uncompressed_mb)", size=mb(total),
               limit=f"{limits.max_uncompressed_mb:,.0f}"),
            HINT_HOSTILE, "zip_bomb")
    seen: set[str] = set()
    for info in infos:
        if info.filename in seen:
            # Readers disagree on which of two same-named parts counts: refuse the ambiguity.
            raise damaged(N_("it holds two parts named %(part)s",
                             part=safe_text(info.filename)))
        seen.add(info.filename)
        if info.flag_bits & 0x1:
            raise password()
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _BOMB_MIN_BYTES and ratio > limits.max_compression_ratio:
            raise Unreadable(
                N_("the part %(part)s is compressed %(ratio)s to 1, more than the %(limit)s to "
                   "1 limit ([limits] max_compression_ratio); it is most likely a zip bomb",
                   part=safe_text(info.filename), ratio=f"{ratio:,.0f}",
                   limit=f"{limits.max_compression_ratio:,.0f}"),
                HINT_HOSTILE, "zip_bomb")


def member_chunks(fh: BinaryIO, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The unpacked bytes of one zip member, in chunks; refuses a member larger than declared.

    The member is inflated here rather than by zipfile, whose reader stops at the declared
    size: calamine's does not, so a part that lies about its size must be caught.
    """
    fh.seek(info.header_offset)
    header = fh.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise damaged(N_("part %(part)s is missing", part=safe_text(info.filename)))
    name_len, extra_len = struct.unpack_from("<HH", header, 26)
    fh.seek(info.header_offset + 30 + name_len + extra_len)
    left, produced = info.compress_size, 0
    name = safe_text(info.filename)
    if info.compress_type == zipfile.ZIP_STORED:
        while left > 0:
            data = fh.read(min(CHUNK, left))
            if not data:
                raise damaged(_cut_short(name))
            left -= len(data)
            produced += len(data)
            yield data
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        inflater = zlib.decompressobj(-15)
        while not inflater.eof:
            if inflater.unconsumed_tail:
                data = inflater.unconsumed_tail
            elif left > 0:
                data = fh.read(min(MB, left))
                if not data:
                    raise damaged(_cut_short(name))
                left -= len(data)
            else:
                raise damaged(_cut_short(name))
            try:
                out = inflater.decompress(data, CHUNK)
            except zlib.error:
                raise damaged(N_("part %(part)s cannot be unpacked", part=name)) from None
            produced += len(out)
            if produced > info.file_size:
                raise Unreadable(
                    N_("the part %(part)s unpacks to more than the %(size)s bytes it declares; "
                       "it is most likely a zip bomb", part=name, size=f"{info.file_size:,}"),
                    HINT_HOSTILE, "zip_bomb")
            if out:
                yield out
    else:
        raise Unreadable(
            N_("the part %(part)s uses a zip compression method (%(method)s) that spreadsheet "
               "programs do not use", part=name, method=info.compress_type),
            N_("open it in Excel and save it again"), "damaged")
    if produced != info.file_size:
        raise damaged(_cut_short(name))


def _cut_short(part: str) -> str:
    return N_("part %(part)s is cut short", part=part)


def scan_parts(
    fh: BinaryIO, infos: list[zipfile.ZipInfo], kind: str, limits: LimitsConfig
) -> dict[str, PartScan]:
    """Unpack every part once: prolog, declared size and (for sheets) used cells."""
    scans: dict[str, PartScan] = {}
    for info in infos:
        if info.is_dir():
            continue
        chunks = member_chunks(fh, info)
        root, chunks = check_prolog(chunks, info)
        if root is None:  # not XML (or encrypted): unpack to prove its size, nothing to scan
            for _ in chunks:
                pass
            scans[info.filename] = PartScan()
            continue
        scan = PartScan(root=root)
        if kind == "ods":
            if info.filename == "content.xml":
                scan_ods_content(cut_at_tags(chunks, info), scan)
            else:
                for _ in chunks:
                    pass
        else:
            if root.rsplit(":", 1)[-1] == "sst":
                chunks = check_shared_strings(chunks, info)
            if not fast_sheet_scan(cut_at_tags(chunks, info), scan, limits):
                # Cells without a plain r="A1" reference: position them the way calamine does.
                scan = PartScan(root=root)
                precise_sheet_scan(cut_at_tags(member_chunks(fh, info), info), scan)
            elif scan.has_sheet_data and extent_problem(scan.extent, limits):
                # The quick bounds may count styled empty cells; decide on the exact cells.
                scan = PartScan(root=root)
                precise_sheet_scan(cut_at_tags(member_chunks(fh, info), info), scan)
        scans[info.filename] = scan
    return scans
