"""Opening a checked .xlsx or .xlsm: its sheets by calamine, the largest one perhaps as columns.

The workbook's layout (which part holds each sheet, the 1904 date system) is parsed with
defusedxml. A sheet over the limits is left out alone when the layout says for certain which
sheet reads which part; otherwise the whole file is refused.

A large worksheet may have its data rows read as columns by fastexcel in a helper process
(:mod:`reportgen.inputs.reading.columnar`), started while the guards scan the file: its first
rows are read here, from a small workbook holding only them, and the caller's ``split`` says
where the header ends. Any doubt leaves the sheet to the cell-by-cell reader.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote
from xml.etree.ElementTree import Element

import python_calamine as calamine
from defusedxml import ElementTree as SafeET

from reportgen.i18n import N_
from reportgen.inputs.config import LimitsConfig
from reportgen.inputs.issues import Issue, Severity
from reportgen.inputs.reading import columnar
from reportgen.inputs.reading.archive import CHUNK, member_chunks
from reportgen.inputs.reading.extent import extent_problem, workbook_too_big
from reportgen.inputs.reading.refusal import MB, Unreadable, about, safe_text, sheet_named
from reportgen.inputs.reading.sheets import (
    HeadSplit,
    RawSheet,
    calamine_failure,
    calamine_sheet,
    open_calamine,
    worksheets,
)
from reportgen.inputs.reading.xmlscan import (
    PartScan,
    check_prolog,
    check_shared_strings,
    fast_sheet_scan,
)

#: Rows of a large sheet read cell by cell before its data rows are read as columns.
HEAD_ROWS = 64
#: A worksheet part that unpacks to at least this many bytes (about 20,000 rows of 10
#: columns) has its data rows read as columns, when the caller passes a ``split``.
COLUMNAR_MIN_BYTES = 16 * 1024 * 1024


# --------------------------------------------------------------------------------------------
# Workbook structure (.xlsx): sheet names → parts, the 1904 date system


@dataclass
class XlsxLayout:
    """Which part holds each sheet, and the workbook's date system."""

    parts: dict[str, str] = field(default_factory=dict)
    date1904: bool = False
    #: Every sheet relationship resolved plainly, one part per sheet.
    clean: bool = False


def xlsx_layout(zf: zipfile.ZipFile) -> XlsxLayout:
    """Sheet name → part name from workbook.xml and its relationships (best effort)."""
    layout = XlsxLayout()
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


def read_xlsx(
    path: Path, scans: dict[str, PartScan], layout: XlsxLayout, limits: LimitsConfig,
    display_name: str, started: Columnar | None = None,
) -> tuple[list[RawSheet], list[Issue]]:
    """The worksheets of a checked .xlsx/.xlsm; a sheet over the limits is left out."""
    problems: dict[str, tuple[str, str]] = {}
    for part, scan in scans.items():
        problem = extent_problem(scan.extent, limits) if scan.has_sheet_data else None
        if problem is not None:
            problems[part] = problem
    sheet_of_part = {part: name for name, part in layout.parts.items()}
    issues: list[Issue] = []
    sheets: list[RawSheet] = []
    # Opening reads the workbook, styles and shared strings (all checked), not the sheets.
    with open_calamine(path, path.suffix in (".xlsx", ".xlsm")) as book:
        metas = worksheets(book, limits)
        certain = layout.clean and all(m.name in layout.parts for m in metas) and \
            all(part in sheet_of_part for part in problems)
        if problems and not certain:
            # Which sheet reads which part is uncertain: refuse the whole file to be safe.
            part, (message, hint) = next(iter(problems.items()))
            sheet = sheet_of_part.get(part, "")
            where = sheet_named(sheet) if sheet else N_("part %(part)s", part=safe_text(part))
            raise Unreadable(about(message, where), hint, "sheet_too_big")
        budget: list[tuple[str, int, str]] = []  # sheets are built one at a time here
        for meta in metas:
            part = layout.parts.get(meta.name, "")
            problem = problems.get(part)
            if problem is not None:
                issues.append(Issue(Severity.ERROR, problem[0], file=display_name,
                                    sheet=meta.name, hint=problem[1], code="sheet_too_big"))
                continue
            scan = scans.get(part, PartScan())
            raw = None
            if started is not None and started.part == part and layout.clean:
                raw = _columnar_sheet(started, meta, scan, layout.date1904, budget, limits)
            if raw is None:
                raw = calamine_sheet(book, meta, scan.cell_errors, layout.date1904,
                                     display_name, issues, budget, limits)
            if raw is not None:
                sheets.append(raw)
    return sheets, issues


# --------------------------------------------------------------------------------------------
# Large sheets: data rows as columns (see columnar.py)


@dataclass
class Columnar:
    """A helper reading one sheet's data rows, and the head rows read here."""

    part: str
    sheet: str
    helper: columnar.Helper
    head: RawSheet | None = None
    #: Rows of ``head`` before the data rows (through the header row).
    before: int = 0


def start_columnar(path: Path, fh: BinaryIO, layout: XlsxLayout,
                   infos: list[zipfile.ZipInfo], split: HeadSplit, limits: LimitsConfig,
                   ) -> Columnar | None:
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
        started = Columnar(part, sheet, columnar.Helper(path))
    except OSError:  # no process could be started: read it cell by cell
        return None
    try:
        started.head = _head_sheet(fh, infos, set(layout.parts.values()), sheet, part, limits)
        before = split(sheet, started.head.rows) if started.head is not None else None
    except Unreadable:
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
    scan = PartScan()
    for info in infos:
        name = info.filename
        if info.is_dir() or (name in sheet_parts and name != part):
            continue
        if not name.endswith((".xml", ".rels")) or (name != part and info.file_size > 64 * MB):
            continue
        root, chunks = check_prolog(member_chunks(fh, info), info)
        if name == part:
            if root is None or ":" in root:
                return None
            scan = PartScan(root=root)
            data = _first_rows(chunks, HEAD_ROWS)
            if data is None or not fast_sheet_scan([data], scan, limits) or \
                    scan.has_merges or extent_problem(scan.extent, limits):
                return None
        else:
            if root is not None and root.rsplit(":", 1)[-1] == "sst":
                chunks = check_shared_strings(chunks, info)
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
        calamine_failure(exc)
        return None
    try:
        meta = next((m for m in book.sheets_metadata if m.name == sheet), None)
        if meta is None:
            return None
        raw = calamine_sheet(book, meta, scan.cell_errors, False, "", issues, [], limits)
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
        if head.count(b"</row") >= count or len(head) >= CHUNK:
            break
    if isinstance(chunks, Generator):
        chunks.close()
    ends = [m.end() for m in _ROW_END.finditer(head)]
    if not ends or b"<sheetData" not in head[:ends[0]]:
        return None
    return head[:ends[min(count, len(ends)) - 1]] + b"</sheetData></worksheet>"


def _columnar_sheet(started: Columnar, meta: calamine.SheetMetadata, scan: PartScan,
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
    too_big = workbook_too_big(budget, limits)
    if too_big is not None:
        raise too_big
    # Error cells read as blank: blank them in the columns too (the scan found them all).
    tail.blank_cells(scan.cell_errors, head.first_row + started.before)
    return RawSheet(meta.name, meta.visible == calamine.SheetVisibleEnum.Visible,
                    head.rows[:started.before], head.first_row, head.first_col,
                    dict(scan.cell_errors), date1904, [], tail)
