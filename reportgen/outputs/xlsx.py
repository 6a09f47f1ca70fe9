"""The analysis workbooks (tiers, metrics, opportunities, data-quality): tables written to .xlsx.

The exported workbooks are read by people *and* by other programs (SPEC, "Outputs"), so:

* numbers are numbers, dates are dates (shown ``yyyy-mm-dd``), blanks are empty cells;
* every text is a plain text cell holding exactly the text — never a formula, even when it
  begins with ``= + - @`` (also after leading spaces, a tab or a line break). Such cells also
  carry Excel's "quote prefix" style (what Excel itself stores when someone types ``'=1+1``), so
  Excel keeps showing them as text even when a user edits the cell; the stored text is
  unchanged, so a program reading the file gets the exact string;
* characters XML cannot hold (control characters, lone surrogates) become U+FFFD rather than
  crash the run; a line-feed or carriage return is kept;
* header row bold, frozen and filterable, columns sized to their content.

**Money.** Loaded money is Int64 integers of 1/``MONEY_SCALE`` of the currency unit (exact,
to six decimals). Give such a column the format ``"stored_money"`` and the writer writes it in
currency units rounded once, half away from zero, to the cent (``#,##0.00``): the exported
figure is the exact total as a person reads it, the raw SUM of the ledger rounded to cents; or
convert it yourself with :func:`stored_to_units` and give it ``"money"``. A stored-money column
written without either is written as the whole number of millionths.

**Speed and determinism.** openpyxl builds the workbook (styles, views, filters, widths,
properties), but its per-cell serialisation costs ~10 µs a cell (20,000 rows × 16 columns took
about 3 s), so the cell grid of each sheet is serialised here, column by column, and streamed
into the package in place of the empty ``<sheetData>`` openpyxl wrote. The package is written
with fixed timestamps, so unchanged tables give byte-identical files: when the file already
holds exactly those bytes it is left untouched. The file is written through
:func:`reportgen.outputs.write.write_if_changed` (temporary file in the same folder, then a rename), so
a reader never sees half a workbook.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.writer.excel import ExcelWriter

from reportgen.errors import LimitExceeded
from reportgen.inputs.schema import SCALE_PER_CENT
from reportgen.outputs.write import write_if_changed

#: Named formats a caller may give in ``column_formats`` (any other value must be an Excel
#: number-format code such as ``"0.00"``).
FORMATS: dict[str, str] = {
    "money": "#,##0.00",
    "stored_money": "#,##0.00",
    "percent": "0.0%",
    "date": "yyyy-mm-dd",
    "integer": "0",
    "text": "@",
    "general": "General",
}
#: The timestamp written when the caller gives none (the earliest a zip entry can carry).
DEFAULT_TIMESTAMP = datetime(1980, 1, 1)
MAX_DATA_ROWS = 1_048_575  # Excel's 1,048,576 rows, less the header
MAX_COLUMNS = 16_384
MAX_CELL_CHARS = 32_767
#: Rows sampled to size the columns.
WIDTH_SAMPLE_ROWS = 2_000
MIN_WIDTH, MAX_WIDTH = 6, 60
#: Rows serialised per chunk while streaming a sheet (bounds memory on big tables).
CHUNK_ROWS = 10_000

_FORMULA_START = frozenset("=+-@")
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NEEDS_ESCAPE = re.compile("[&<>\r]")
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_INVALID_SHEET_NAME = re.compile(r"[\\*?:/\[\]]")
_FORMAT_CODE = re.compile(r"[0#?@]|General|yy|mm|dd|hh|ss", re.IGNORECASE)
_EXCEL_EPOCH = np.datetime64("1899-12-30")  # serial 0 in the 1900 date system
_EMPTY_SHEET_DATA = b"<sheetData></sheetData>"


def write_table_workbook(
    path: Path,
    sheets: Sequence[tuple[str, pd.DataFrame]],
    *,
    column_formats: Mapping[str, str] | None = None,
    timestamp: datetime | None = None,
) -> bool:
    """Write each ``(sheet name, table)`` to the workbook ``path``; False when already identical.

    ``column_formats`` maps a column name (in any sheet) to a named format of
    :data:`FORMATS` or an Excel number-format code; other columns are formatted by dtype
    (datetimes as dates, integers as ``0``). ``timestamp`` is the workbook's created/modified
    date (default :data:`DEFAULT_TIMESTAMP`); pass the run's generation date.
    Raises :class:`EnvironmentFailure` when the file cannot be written and
    :class:`LimitExceeded` when a table does not fit in a sheet.
    """
    data = workbook_bytes(sheets, column_formats=column_formats, timestamp=timestamp)
    return write_if_changed(path, data)


def workbook_bytes(
    sheets: Sequence[tuple[str, pd.DataFrame]],
    *,
    column_formats: Mapping[str, str] | None = None,
    timestamp: datetime | None = None,
) -> bytes:
    """The .xlsx file :func:`write_table_workbook` writes, as bytes (same arguments)."""
    formats = _check_formats(column_formats or {})
    stamp = _naive_utc(timestamp or DEFAULT_TIMESTAMP)
    for name, frame in sheets:
        _check_sheet(name, frame)
    lowered = [name.lower() for name, _ in sheets]
    if len(set(lowered)) != len(lowered):  # Excel sheet names ignore case
        raise ValueError(f"sheet names must differ: {', '.join(name for name, _ in sheets)}")
    buffer = io.BytesIO()
    _write_package(buffer, sheets, formats, stamp)
    return buffer.getvalue()


def stored_to_units(stored: pd.Series) -> pd.Series:
    """Int64 stored money → float64 currency units rounded once to the cent; blanks stay NaN.

    123_455_000 → 123.46 (half away from zero). Rounding is integer arithmetic on the exact
    value; a whole number of cents divided by 100 is the float that reads as those two decimals.
    """
    known = stored.notna().to_numpy()
    exact = stored.to_numpy(dtype=np.int64, na_value=0)
    # int64 is safe: the loader refuses tables whose amounts could add up past 2**62.
    cents = (np.abs(exact) + SCALE_PER_CENT // 2) // SCALE_PER_CENT * np.sign(exact)
    return pd.Series(np.where(known, cents / 100, np.nan), index=stored.index, name=stored.name)


def text_cell_value(text: str) -> str:
    """The text a cell will hold for ``text``: XML-illegal characters → U+FFFD, length capped."""
    text = text[:MAX_CELL_CHARS]
    return _ILLEGAL_XML.sub("\ufffd", text) if _ILLEGAL_XML.search(text) else text


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet program could take ``text`` for a formula (= + - @ first)."""
    return text.lstrip()[:1] in _FORMULA_START


def display_width(text: str) -> int:
    """Columns ``text`` takes on screen: wide (CJK) characters count two; longest line wins."""
    if text.isascii():
        return max((len(line) for line in text.split("\n")), default=0)
    return max(
        (sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
         for line in text.split("\n")),
        default=0,
    )


# --- checks ---------------------------------------------------------------------------------

def _check_formats(formats: Mapping[str, str]) -> dict[str, str]:
    """Validate ``column_formats``: named formats or Excel number-format codes."""
    for column, fmt in formats.items():
        if fmt not in FORMATS and not _FORMAT_CODE.search(fmt):
            raise ValueError(
                f"column {column!r}: {fmt!r} is neither a named format "
                f"({', '.join(FORMATS)}) nor an Excel number format"
            )
    return dict(formats)


def _check_sheet(name: str, frame: pd.DataFrame) -> None:
    """Raise when a table cannot become a sheet (bad name, too many rows or columns)."""
    if not name or len(name) > 31 or _INVALID_SHEET_NAME.search(name):
        raise ValueError(f"{name!r} is not a valid sheet name (1–31 characters, none of \\*?:/[])")
    if len(frame) > MAX_DATA_ROWS:
        raise LimitExceeded(
            f'the sheet "{name}" would have {len(frame):,} rows; an Excel sheet holds at most '
            f"{MAX_DATA_ROWS:,} under its header"
        )
    if len(frame.columns) > MAX_COLUMNS:
        raise LimitExceeded(
            f'the sheet "{name}" would have {len(frame.columns):,} columns; an Excel sheet '
            f"holds at most {MAX_COLUMNS:,}"
        )


def _naive_utc(stamp: datetime) -> datetime:
    """``stamp`` as a naive UTC datetime to the second (what the workbook properties hold)."""
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(UTC).replace(tzinfo=None)
    return stamp.replace(microsecond=0)


# --- the package ----------------------------------------------------------------------------

@dataclass
class _Styles:
    """Cell-style ids registered in the openpyxl workbook, by (number format, quote, bold)."""

    sheet: WriteOnlyWorksheet
    ids: dict[tuple[str, bool, bool], int] = field(default_factory=dict)
    #: Set once openpyxl has written styles.xml: a style added later would not exist in it.
    frozen: bool = False

    def get(self, number_format: str = "General", *, quote: bool = False,
            bold: bool = False) -> int:
        """The style id for this combination (0 is the default style)."""
        key = (number_format, quote, bold)
        if key not in self.ids:
            if self.frozen:
                raise RuntimeError(f"cell style {key} was not registered before saving")
            proto = WriteOnlyCell(self.sheet)
            proto.number_format = number_format
            if quote:
                proto.quotePrefix = True
            if bold:
                proto.font = Font(bold=True)
            self.ids[key] = proto.style_id
        return self.ids[key]


@dataclass(frozen=True)
class _Column:
    """How one column is written: its letter, values (already in units) and number format."""

    letter: str
    values: pd.Series
    number_format: str
    text: bool  # write every value as text ("text" format)


def _write_package(
    handle: IO[bytes], sheets: Sequence[tuple[str, pd.DataFrame]], formats: dict[str, str],
    stamp: datetime,
) -> None:
    """Build the workbook with openpyxl, then write the final package with the cell grids."""
    wb = Workbook(write_only=True)
    wb.properties.creator = "reportgen"
    wb.properties.created = wb.properties.modified = stamp
    plans = []
    for name, frame in sheets:
        ws = wb.create_sheet(title=name)
        styles = _Styles(ws)
        columns = _plan_columns(frame, formats)
        _set_up_sheet(ws, frame, columns)
        plans.append((ws, frame, columns, styles))
        # Every style a cell may use is registered now, before openpyxl writes styles.xml.
        for number_format in ("General", FORMATS["date"], *(c.number_format for c in columns)):
            styles.get(number_format)
            styles.get(number_format, quote=True)
        styles.get(bold=True)
        styles.get(bold=True, quote=True)
    if not sheets:
        wb.create_sheet(title="Sheet1")

    skeleton = io.BytesIO()
    with zipfile.ZipFile(skeleton, "w", zipfile.ZIP_STORED) as archive:
        ExcelWriter(wb, archive).write_data()
    for _, _, _, styles in plans:
        styles.frozen = True
    grids = {ws.path.lstrip("/"): (frame, columns, styles) for ws, frame, columns, styles in plans}

    date_time = _zip_date_time(stamp)
    with zipfile.ZipFile(skeleton) as source, \
            zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            data = source.read(entry)
            if entry.filename not in grids:
                target.writestr(info, data)
                continue
            head, found, tail = data.partition(_EMPTY_SHEET_DATA)
            if not found:
                raise RuntimeError(f"unexpected worksheet XML from openpyxl in {entry.filename}")
            with target.open(info, "w") as out:
                out.write(head)
                for chunk in _sheet_data(*grids[entry.filename]):
                    out.write(chunk.encode("utf-8"))
                out.write(tail)


def _zip_date_time(stamp: datetime) -> tuple[int, int, int, int, int, int]:
    """A zip entry date for ``stamp``, clamped to what the zip format can hold."""
    stamp = min(max(stamp, datetime(1980, 1, 1)), datetime(2107, 12, 31))
    return (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second // 2 * 2)


def _plan_columns(frame: pd.DataFrame, formats: dict[str, str]) -> list[_Column]:
    """Each column's letter, values in display units and number format."""
    columns = []
    for i, name in enumerate(frame.columns, 1):
        series = frame.iloc[:, i - 1]
        fmt = formats.get(str(name))
        if fmt == "stored_money":
            series = stored_to_units(series)
        number_format = FORMATS.get(fmt, fmt) if fmt else _default_format(series)
        columns.append(_Column(get_column_letter(i), series, number_format, fmt == "text"))
    return columns


def _default_format(series: pd.Series) -> str:
    """The number format a column gets from its dtype alone."""
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return FORMATS["date"]
    if pd.api.types.is_integer_dtype(series.dtype) and not pd.api.types.is_bool_dtype(
        series.dtype
    ):
        return FORMATS["integer"]
    return "General"


def _set_up_sheet(ws: WriteOnlyWorksheet, frame: pd.DataFrame, columns: list[_Column]) -> None:
    """Freeze and filter the header row and size the columns from a sample of the content."""
    if not columns:
        return
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{columns[-1].letter}{len(frame) + 1}"
    for name, col in zip(frame.columns, columns, strict=True):
        sample = col.values.iloc[:WIDTH_SAMPLE_ROWS].tolist()
        content = max((_shown_width(v, col.number_format) for v in sample), default=0)
        header = display_width(str(name)) + 2  # room for the filter button
        ws.column_dimensions[col.letter].width = min(
            max(content, header, MIN_WIDTH - 2) + 2, MAX_WIDTH
        )


def _shown_width(value: object, number_format: str) -> int:
    """Roughly how many characters Excel shows for ``value`` in ``number_format``."""
    if _is_blank(value):
        return 0
    if isinstance(value, str):
        return display_width(value)
    if isinstance(value, bool | np.bool_):
        return 5
    if isinstance(value, datetime | date | np.datetime64):
        return 10 if number_format == FORMATS["date"] or number_format == "General" else 19
    if isinstance(value, int | float | np.integer | np.floating | Decimal):
        number = float(value)
        if number_format == FORMATS["money"]:
            return len(f"{number:,.2f}")
        if number_format == FORMATS["percent"]:
            return len(f"{number * 100:.1f}%")
        if number_format == FORMATS["integer"]:
            return len(f"{number:.0f}")
        return min(len(repr(number)), 11)  # General shows at most ~11 characters
    return display_width(str(value))


# --- the cell grid --------------------------------------------------------------------------

def _sheet_data(frame: pd.DataFrame, columns: list[_Column], styles: _Styles) -> Iterator[str]:
    """The ``<sheetData>`` element of one sheet, in chunks of rows."""
    yield "<sheetData>"
    if columns:
        bold, bold_quote = styles.get(bold=True), styles.get(bold=True, quote=True)
        header = "".join(
            f'<c r="{col.letter}1"{_text_body(str(name), bold, bold_quote)}'
            for name, col in zip(frame.columns, columns, strict=True)
        )
        yield f'<row r="1">{header}</row>'
        for start in range(0, len(frame), CHUNK_ROWS):
            stop = min(start + CHUNK_ROWS, len(frame))
            rows = range(start + 2, stop + 2)
            cells = [_column_cells(col, start, stop, styles) for col in columns]
            yield "".join(
                f'<row r="{r}">{"".join(row)}</row>'
                for r, row in zip(rows, zip(*cells, strict=True), strict=True)
            )
    yield "</sheetData>"


def _column_cells(col: _Column, start: int, stop: int, styles: _Styles) -> list[str]:
    """The XML of rows ``start:stop`` of one column ("" for a blank cell)."""
    series = col.values.iloc[start:stop]
    refs = [f"{col.letter}{r}" for r in range(start + 2, stop + 2)]
    blank = series.isna().to_numpy(dtype=bool)
    dtype = series.dtype
    style = styles.get(col.number_format)
    quote = styles.get(col.number_format, quote=True)
    if col.text:
        texts = [_as_text(v) for v in series.tolist()]
        return _text_cells(refs, texts, blank, style, quote)
    if pd.api.types.is_bool_dtype(dtype):
        return [
            "" if b else f'<c r="{ref}" t="b"><v>{int(bool(v))}</v></c>'
            for ref, v, b in zip(refs, series.tolist(), blank, strict=True)
        ]
    if pd.api.types.is_datetime64_any_dtype(dtype):
        if isinstance(dtype, pd.DatetimeTZDtype):
            series = series.dt.tz_localize(None)
        date_style = style if col.number_format != "General" else styles.get(FORMATS["date"])
        return _date_cells(refs, series, blank, date_style)
    if pd.api.types.is_numeric_dtype(dtype):
        attr = f' s="{style}"' if style else ""
        if pd.api.types.is_integer_dtype(dtype):
            values = series.astype(object).tolist()
            return [
                "" if b else f'<c r="{ref}"{attr}><v>{v}</v></c>'
                for ref, v, b in zip(refs, values, blank, strict=True)
            ]
        return [
            "" if b else _number_cell(ref, v, attr)
            for ref, v, b in zip(refs, series.astype(object).tolist(), blank, strict=True)
        ]
    values = series.tolist()
    if all(b or v.__class__ is str for v, b in zip(values, blank, strict=True)):
        return _text_cells(refs, values, blank, 0, styles.get(quote=True))
    return [
        "" if b else _any_cell(ref, v, style, styles)
        for ref, v, b in zip(refs, values, blank, strict=True)
    ]


def _text_cells(refs: list[str], texts: list[str], blank: np.ndarray, style: int,
                quote: int) -> list[str]:
    """Text cells for a column of str; repeated texts are serialised once."""
    bodies: dict[str, str] = {}
    out = []
    for ref, text, b in zip(refs, texts, blank, strict=True):
        if b:
            out.append("")
            continue
        body = bodies.get(text)
        if body is None:
            body = bodies[text] = _text_body(text, style, quote)
        out.append(f'<c r="{ref}"{body}')
    return out


def _date_cells(refs: list[str], series: pd.Series, blank: np.ndarray, style: int) -> list[str]:
    """Date cells: Excel serial numbers (days since 1899-12-30) in a date format."""
    stamps = series.to_numpy(dtype="datetime64[ns]")
    days = (stamps - _EXCEL_EPOCH) / np.timedelta64(1, "D")
    # Excel counts a 29 February 1900 that never was: serials before 1 March 1900 shift by one.
    days = np.where(days < 61, days - 1, days)
    out = []
    for ref, day, stamp, b in zip(refs, days.tolist(), series.tolist(), blank, strict=True):
        if b:
            out.append("")
        elif day < 1:  # Excel has no dates before 1900-01-01: keep them readable as text
            out.append(f'<c r="{ref}"{_text_body(_as_text(stamp), 0, 0)}')
        else:
            number = str(int(day)) if day.is_integer() else repr(day)
            out.append(f'<c r="{ref}" s="{style}"><v>{number}</v></c>')
    return out


def _any_cell(ref: str, value: object, style: int, styles: _Styles) -> str:
    """A cell for one non-blank value of any type (object columns mix them)."""
    if isinstance(value, str):
        return f'<c r="{ref}"{_text_body(value, 0, styles.get(quote=True))}'
    if isinstance(value, bool | np.bool_):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float | np.integer | np.floating | Decimal):
        return _number_cell(ref, value, f' s="{style}"' if style else "")
    if isinstance(value, datetime | date | np.datetime64):
        stamp = pd.Timestamp(value)
        if stamp.tzinfo is not None:
            stamp = stamp.tz_localize(None)
        date_style = style if style else styles.get(FORMATS["date"])
        return _date_cells([ref], pd.Series([stamp]), np.zeros(1, dtype=bool), date_style)[0]
    return f'<c r="{ref}"{_text_body(str(value), 0, styles.get(quote=True))}'


def _number_cell(ref: str, value: object, style_attr: str) -> str:
    """A number cell, or "" for an infinite value (Excel has none)."""
    if isinstance(value, int | np.integer):
        text = str(int(value))
    else:
        number = float(value)  # type: ignore[arg-type]
        if not math.isfinite(number):
            return ""
        text = str(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number)
    return f'<c r="{ref}"{style_attr}><v>{text}</v></c>'


def _text_body(text: str, style: int, quote_style: int) -> str:
    """What follows ``<c r="…"`` in an inline-string cell holding exactly ``text``."""
    text = text_cell_value(text)
    if looks_like_formula(text):
        style = quote_style
    escaped = text.translate(_ESCAPES) if _NEEDS_ESCAPE.search(text) else text
    space = ' xml:space="preserve"' if text != text.strip() else ""
    style_attr = f' s="{style}"' if style else ""
    return f'{style_attr} t="inlineStr"><is><t{space}>{escaped}</t></is></c>'


def _as_text(value: object) -> str:
    """A value as the text a "text" column shows."""
    if isinstance(value, datetime | pd.Timestamp):
        stamp = pd.Timestamp(value)
        return stamp.date().isoformat() if stamp.time() == time(0) else stamp.isoformat(" ")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _is_blank(value: object) -> bool:
    """Whether a value is missing (None, NaN, NaT, pd.NA)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float | np.floating):
        return math.isnan(value)
    if isinstance(value, np.datetime64):
        return bool(np.isnat(value))
    return False
