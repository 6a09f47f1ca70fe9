"""Opening an OLE file: an .xls workbook read by calamine, or a password-encrypted .xlsx refused.

The compound document is opened by xlrd's container reader, which parses no cells; its
workbook stream is walked by :mod:`reportgen.inputs.reading.biffscan`. calamine reads every
sheet when it opens an .xls, so one sheet over the limits refuses the whole file.
"""

from __future__ import annotations

import io
import struct
from pathlib import Path

import python_calamine as calamine
from xlrd.compdoc import CompDoc, CompDocError

from reportgen.inputs.config import LimitsConfig
from reportgen.inputs.issues import Issue
from reportgen.inputs.reading.biffscan import scan_biff
from reportgen.inputs.reading.extent import extent_problem, too_many_sheets, workbook_too_big
from reportgen.inputs.reading.refusal import (
    Unreadable,
    about,
    damaged,
    not_workbook,
    password,
    safe_text,
    sheet_named,
)
from reportgen.inputs.reading.sheets import RawSheet, calamine_sheet, open_calamine


def read_ole(
    path: Path, ext: str, limits: LimitsConfig, display_name: str
) -> tuple[list[RawSheet], list[Issue]]:
    """The worksheets of an OLE file, checked first; an encrypted .xlsx is refused."""
    data = path.read_bytes()
    try:
        ole = CompDoc(data, logfile=io.StringIO())
        names = {entry.name for entry in ole.dirlist}
        if "EncryptedPackage" in names or "EncryptionInfo" in names:
            raise password()
        stream = ole.get_named_stream("Workbook") or ole.get_named_stream("Book")
    except (CompDocError, IndexError, KeyError, ValueError, struct.error, AssertionError) as exc:
        # xlrd's compound-document reader on a broken or hostile container.
        raise damaged(safe_text(str(exc) or type(exc).__name__)) from None
    if stream is None:
        expected = "an OpenDocument spreadsheet" if ext == ".ods" else "an Excel workbook"
        looks = "a Word document" if "WordDocument" in names else \
            "a PowerPoint presentation" if "PowerPoint Document" in names else \
            "an Office file of another kind"
        raise not_workbook(expected, looks)
    scan = scan_biff(stream)
    if len(scan.names) > limits.max_sheets:
        raise too_many_sheets(len(scan.names), limits)
    for name, extent in zip(scan.names, scan.extents, strict=True):
        problem = extent_problem(extent, limits)
        if problem is not None:
            # calamine reads every sheet when it opens an .xls: refuse the file.
            raise Unreadable(about(problem[0], sheet_named(name)), problem[1], "sheet_too_big")
    too_big = workbook_too_big([(name, extent.area, extent.span)
                                for name, extent in zip(scan.names, scan.extents, strict=True)],
                               limits)
    if too_big is not None:
        raise too_big
    issues: list[Issue] = []
    sheets: list[RawSheet] = []
    with open_calamine(path, path.suffix == ".xls") as book:
        metas = book.sheets_metadata
        by_index = len(metas) == len(scan.names)
        errors_by_name = dict(zip(scan.names, scan.errors, strict=True))
        for index, meta in enumerate(metas):
            if meta.typ != calamine.SheetTypeEnum.WorkSheet:
                continue
            errors = scan.errors[index] if by_index else errors_by_name.get(meta.name, {})
            raw = calamine_sheet(book, meta, errors, scan.date1904, display_name, issues, [],
                                 limits)
            if raw is not None:
                sheets.append(raw)
    return sheets, issues
