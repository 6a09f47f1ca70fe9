"""Reading a CSV file as one sheet of texts: its encoding, its delimiter, its rows.

The text is UTF-8 (with or without BOM), UTF-16 with a BOM, else GBK. Excel's ``sep=;`` first
line names the delimiter; otherwise the one that splits the first lines into the most
consistent number of fields wins. Rows and columns are held to ``[limits]`` as they are read.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
from pathlib import Path

from reportgen.i18n import N_
from reportgen.inputs.config import LimitsConfig
from reportgen.inputs.issues import Issue, Severity
from reportgen.inputs.reading.extent import col_name
from reportgen.inputs.reading.refusal import (
    A_CSV_FILE,
    Unreadable,
    damaged,
    not_workbook,
    safe_text,
    technical,
)
from reportgen.inputs.reading.sheets import CellValue, RawSheet, raw_sheet

_CSV_DELIMITERS = (",", ";", "\t", "|")
_SEP_LINE = re.compile(r'^"?sep=(.)"?\r?\n', re.IGNORECASE)


def read_csv(path: Path, limits: LimitsConfig, display_name: str
             ) -> tuple[list[RawSheet], list[Issue]]:
    """The one sheet of a CSV file, its cells as texts; a file over the limits is refused."""
    data = path.read_bytes()
    text, encoding = _decode_csv(data)
    issues: list[Issue] = []
    if encoding == "gb18030":
        issues.append(Issue(Severity.INFO, N_("the file is not UTF-8; it was read as GBK "
                                              "(Simplified Chinese) text"), file=display_name,
                            hint=N_("save it as CSV UTF-8 if its texts look wrong"),
                            code="csv_encoding"))
    if "\x00" in text:
        raise not_workbook(A_CSV_FILE, N_("a binary file"))
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
                raise Unreadable(
                    N_("the file has more than %(limit)s rows, the limit ([limits] max_rows)",
                       limit=f"{limits.max_rows:,}"),
                    N_("split it, or raise max_rows under [limits] in reportgen.toml"),
                    "too_big")
            row: list[CellValue] = [cell if cell != "" else None for cell in record]
            while row and row[-1] is None:
                row.pop()
            if len(row) > limits.max_columns:
                raise Unreadable(
                    N_("line %(line)s has a value in column %(column)s, beyond the "
                       "%(limit)s-column limit ([limits] max_columns)", line=reader.line_num,
                       column=col_name(len(row) - 1), limit=f"{limits.max_columns:,}"),
                    N_("check the delimiter and the quotes on that line, or raise max_columns "
                       "under [limits] in reportgen.toml"), "too_big")
            grid.append(row)
            record_start = reader.line_num + 1
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            # No cell holds 128K characters (Excel stops at 32,767): a quote was left open.
            raise damaged(N_("a quoted value starting on line %(line)s never ends; a closing "
                             "quote is probably missing", line=record_start + first_row - 1)
                          ) from None
        raise damaged(N_("line %(line)s: %(error)s", line=reader.line_num,
                         error=technical(safe_text(str(exc))))) from None
    raw = raw_sheet(path.stem, True, grid, first_row, 0, {}, False, [])
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
        raise Unreadable("the file is neither UTF-8 nor GBK text",
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
