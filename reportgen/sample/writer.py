"""A minimal, deterministic XLSX writer: tables in, the bytes of an .xlsx package out.

The bundled sample's workbooks (reportgen.sample.dataset), the zip of ``init``'s example
workbook (reportgen.sample.init_example) and ``benchmarks/generate.py`` all go through it.
``xlsx`` writes whole workbooks from tables held in memory; the benchmark streams its large
sales sheet itself and takes the rest of the package from here: ``package_parts``,
``shared_strings_xml`` and ``zip_entry``. Column letters are reportgen.inputs.load's.

Why a writer of our own rather than openpyxl: without lxml (not a dependency) openpyxl needs
about 0.2 ms per row, 5 s for the sample, and its zip entries carry the clock. Ours takes a
fraction of a second and writes the same bytes for the same seed.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple
from xml.sax.saxutils import escape

from reportgen.inputs.load import column_letter

# Every file's created/modified stamp: fixed, so a rerun writes the same bytes.
STAMP = datetime(2026, 11, 1, 8, 0, 0)


class Table(NamedTuple):
    """One sheet: its name, the header row, the data rows and each column's number style."""

    name: str
    headers: list[str]
    rows: list[list[Any]]
    styles: list[str]  # per column: "", "date", "money" or "percent"


NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# cellXfs indices in _STYLES_XML.
STYLE_ID = {"bold": 1, "date": 2, "money": 3, "percent": 4}
_STYLES_XML = (
    f'{XML}<styleSheet xmlns="{NS}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="#,##0.00"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="9" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
    "</cellStyles></styleSheet>"
)
_EPOCH = date(1899, 12, 30)  # Excel's 1900 date system, with its phantom 1900-02-29
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _cell_xml(ref: str, value: Any, style: str, texts: dict[str, str]) -> str:
    """One ``<c>`` element; ``style`` is the style attribute for numbers (or all, in headers)."""
    kind = type(value)
    if kind is str:
        tail = texts.get(value)
        if tail is None:  # names and products repeat: escape each once
            text = escape(_ILLEGAL_XML.sub("", value))
            space = ' xml:space="preserve"' if text != text.strip() else ""
            tail = texts[value] = f' t="inlineStr"><is><t{space}>{text}</t></is></c>'
        return f'<c r="{ref}"{style if style == _BOLD else ""}{tail}'
    if kind is int or kind is float:
        return f'<c r="{ref}"{style}><v>{value!r}</v></c>'
    if kind is date:
        return f'<c r="{ref}"{_DATE}><v>{(value - _EPOCH).days}</v></c>'
    if value is None:
        return ""
    raise TypeError(f"cannot write {kind.__name__} to a sheet")


_BOLD, _DATE = f' s="{STYLE_ID["bold"]}"', f' s="{STYLE_ID["date"]}"'


def _sheet_xml(table: Table) -> str:
    letters = [column_letter(n) for n in range(len(table.headers))]
    styles = [f' s="{STYLE_ID[s]}"' if s in ("money", "percent") else "" for s in table.styles]
    widths = [max(10, min(40, 2 + max([display_width(h)] + [
        display_width(r[n]) for r in table.rows[:200]]))) for n, h in enumerate(table.headers)]
    texts: dict[str, str] = {}
    parts = [
        f'{XML}<worksheet xmlns="{NS}" xmlns:r="{REL}">',
        f'<dimension ref="A1:{letters[-1]}{len(table.rows) + 1}"/>',
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
        'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" '
        'sqref="A2"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/><cols>',
        *(f'<col min="{n + 1}" max="{n + 1}" width="{w}" customWidth="1"/>'
          for n, w in enumerate(widths)),
        '</cols><sheetData><row r="1">',
        *(_cell_xml(f"{letters[n]}1", h, _BOLD, texts) for n, h in enumerate(table.headers)),
        "</row>",
    ]
    for r, row in enumerate(table.rows, 2):
        parts.append(f'<row r="{r}">')
        parts.extend(_cell_xml(f"{letter}{r}", value, style, texts)
                     for letter, value, style in zip(letters, row, styles, strict=True))
        parts.append("</row>")
    parts.append("</sheetData></worksheet>")
    return "".join(parts)


def display_width(value: Any) -> int:
    """How many character widths ``value`` takes in a cell (a CJK character counts two)."""
    if value is None:
        return 0
    if isinstance(value, date):
        return 10
    text = str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def xlsx(tables: Sequence[Table]) -> bytes:
    """An .xlsx package holding ``tables``, byte-identical for identical input."""
    parts = {
        **package_parts([t.name for t in tables], "reportgen sample"),
        **{f"xl/worksheets/sheet{i}.xml": _sheet_xml(t) for i, t in enumerate(tables, 1)},
    }
    return zip_bytes((name, text.encode("utf-8")) for name, text in parts.items())


_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def package_parts(sheet_names: Sequence[str], creator: str, *,
                  shared_strings: bool = False) -> dict[str, str]:
    """Every part of a workbook but its sheets and shared strings, in the order they are zipped.

    The sheets are ``xl/worksheets/sheet1.xml`` … in the order of ``sheet_names``; with
    ``shared_strings`` the package also declares ``xl/sharedStrings.xml`` (see
    ``shared_strings_xml``). ``creator`` is the author in the document properties.
    """
    n = len(sheet_names)
    ct = _CONTENT_TYPE
    sheets = "".join(
        f'<sheet name="{escape(name, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
        for i, name in enumerate(sheet_names, 1))
    overrides = [f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{ct}.worksheet'
                 '+xml"/>' for i in range(1, n + 1)]
    rels = [f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, n + 1)]
    if shared_strings:
        overrides.append(f'<Override PartName="/xl/sharedStrings.xml" ContentType="{ct}.'
                         'sharedStrings+xml"/>')
        rels.append(f'<Relationship Id="rId{n + 1}" Type="{REL}/sharedStrings" '
                    'Target="sharedStrings.xml"/>')
    rels.append(f'<Relationship Id="rId{len(rels) + 1}" Type="{REL}/styles" Target="styles.xml"/>')
    stamp = STAMP.strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "[Content_Types].xml": (
            f'{XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
            + "".join(overrides)
            + f'<Override PartName="/xl/styles.xml" ContentType="{ct}.styles+xml"/>'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.extended-properties+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'{XML}<Relationships xmlns="{_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
            f'<Relationship Id="rId2" Type="{_PKG_REL}/metadata/core-properties" '
            'Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{REL}/extended-properties" Target="docProps/app.xml"/>'
            "</Relationships>"
        ),
        "docProps/core.xml": (
            f'{XML}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
            'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f'<dc:creator>{escape(creator)}</dc:creator>'
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
            "</cp:coreProperties>"
        ),
        "docProps/app.xml": (
            f'{XML}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
            'extended-properties"><Application>reportgen</Application></Properties>'
        ),
        "xl/workbook.xml": (
            f'{XML}<workbook xmlns="{NS}" xmlns:r="{REL}"><bookViews><workbookView/>'
            f"</bookViews><sheets>{sheets}</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'{XML}<Relationships xmlns="{_PKG_REL}">{"".join(rels)}</Relationships>'
        ),
        "xl/styles.xml": _STYLES_XML,
    }


def shared_strings_xml(strings: Sequence[str], uses: int) -> bytes:
    """The shared-strings part: ``strings`` by index, referred to ``uses`` times in all."""
    items = "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
    return (f'{XML}<sst xmlns="{NS}" count="{uses}" uniqueCount="{len(strings)}">{items}'
            "</sst>").encode()


def zip_entry(name: str) -> zipfile.ZipInfo:
    """A deflated zip entry that carries the fixed stamp rather than the clock."""
    info = zipfile.ZipInfo(name, date_time=STAMP.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def zip_bytes(entries: Iterable[tuple[str, bytes]]) -> bytes:
    """A zip archive whose entries all carry the fixed stamp, so equal input gives equal bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(zip_entry(name), data, compresslevel=6)
    return buffer.getvalue()


def write_new(path: Path, data: bytes) -> bool:
    """Create ``path`` with ``data``; False (and nothing written) when it already exists."""
    try:
        with path.open("xb") as handle:
            handle.write(data)
    except FileExistsError:
        return False
    return True
