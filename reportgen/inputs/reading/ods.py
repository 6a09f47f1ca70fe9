"""Opening a checked .ods: its tables, read by calamine once the content scan has passed.

The scan of ``content.xml`` (:mod:`reportgen.inputs.reading.xmlscan`) found each table's used
cells and error cells. calamine expands every table when it opens the file, so one table over
the limits refuses the whole file.
"""

from __future__ import annotations

from pathlib import Path

from reportgen.inputs.config import LimitsConfig
from reportgen.inputs.issues import Issue
from reportgen.inputs.reading.extent import extent_problem, too_many_sheets, workbook_too_big
from reportgen.inputs.reading.refusal import (
    Unreadable,
    about,
    damaged,
    sheet_named,
)
from reportgen.inputs.reading.sheets import RawSheet, calamine_sheet, open_calamine, worksheets
from reportgen.inputs.reading.xmlscan import PartScan


def read_ods(
    path: Path, scans: dict[str, PartScan], limits: LimitsConfig, display_name: str,
) -> tuple[list[RawSheet], list[Issue]]:
    """The worksheets of a checked .ods; a table over the limits refuses the file."""
    content = scans.get("content.xml")
    if content is None:
        raise damaged("its content part is missing")
    if len(content.tables) > limits.max_sheets:
        raise too_many_sheets(len(content.tables), limits)
    for table in content.tables:
        problem = extent_problem(table.extent, limits)
        if problem is not None:
            # calamine expands every table when it opens the file: refuse the file.
            raise Unreadable(about(problem[0], sheet_named(table.name)), problem[1],
                             "sheet_too_big")
    too_big = workbook_too_big([(t.name, t.extent.area, t.extent.span)
                                for t in content.tables], limits)
    if too_big is not None:
        raise too_big
    errors = {table.name: table.cell_errors for table in content.tables}
    issues: list[Issue] = []
    sheets: list[RawSheet] = []
    with open_calamine(path, path.suffix == ".ods") as book:
        for meta in worksheets(book, limits):
            raw = calamine_sheet(book, meta, errors.get(meta.name, {}), False,
                                 display_name, issues, [], limits)
            if raw is not None:
                sheets.append(raw)
    return sheets, issues
