"""The lowest input layer: one file opened safely, its sheets returned as raw rows.

Hostile and broken files are generated in ``tmp_path`` (no binaries are committed); the
real-world corpus in ../shared/realdata is read too, when present.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from reportgen.inputs.config import LimitsConfig
from reportgen.inputs.issues import Severity
from reportgen.inputs.reading import extent
from reportgen.inputs.reading.extent import MAX_GRID_CELLS
from reportgen.inputs.reading.sheets import RawSheet
from reportgen.inputs.reading.workbook import (
    SPREADSHEET_EXTENSIONS,
    is_ignored_file,
    read_workbook,
)

REALDATA = Path(__file__).resolve().parents[3] / "shared" / "realdata"
LIMITS = LimitsConfig()

# --------------------------------------------------------------------------------------------
# Builders: minimal, valid packages written by hand


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/></Types>'
)
PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def col_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_xml(ref: str, value: object) -> str:
    if isinstance(value, str):
        return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    return f'<c r="{ref}"><v>{value}</v></c>'


def rows_xml(rows: list[list[object]], first_row: int = 1, first_col: int = 0) -> str:
    """<sheetData> content for ``rows`` placed at (first_row, first_col); None is no cell."""
    out = []
    for i, row in enumerate(rows):
        r = first_row + i
        cells = "".join(cell_xml(f"{col_letters(first_col + j)}{r}", v)
                        for j, v in enumerate(row) if v is not None)
        out.append(f'<row r="{r}">{cells}</row>')
    return "".join(out)


def write_xlsx(
    path: Path, sheets: dict[str, str], *, states: dict[str, str] | None = None,
    date1904: bool = False, extra: dict[str, bytes] | None = None,
    prologs: dict[str, str] | None = None, shared_strings: str | None = None,
) -> Path:
    """An .xlsx whose sheets hold the given <sheetData> content (or a full XML document)."""
    states = states or {}
    prologs = prologs or {}
    entries, rels = [], []
    parts: dict[str, str | bytes] = {}
    for i, (name, body) in enumerate(sheets.items(), start=1):
        state = f' state="{states[name]}"' if name in states else ""
        entries.append(f'<sheet name="{name}" sheetId="{i}"{state} r:id="rId{i}"/>')
        rels.append(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/'
                    f'officeDocument/2006/relationships/worksheet" '
                    f'Target="worksheets/sheet{i}.xml"/>')
        xml = body if body.startswith("<?xml") else (
            SHEET_HEAD + f"<sheetData>{body}</sheetData></worksheet>")
        parts[f"xl/worksheets/sheet{i}.xml"] = xml
    if shared_strings is not None:
        rels.append('<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/'
                    'officeDocument/2006/relationships/sharedStrings" '
                    'Target="sharedStrings.xml"/>')
        parts["xl/sharedStrings.xml"] = shared_strings
    pr = '<workbookPr date1904="1"/>' if date1904 else ""
    parts["xl/workbook.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'{pr}<sheets>{"".join(entries)}</sheets></workbook>')
    parts["xl/_rels/workbook.xml.rels"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'{"".join(rels)}</Relationships>')
    parts["[Content_Types].xml"] = CONTENT_TYPES
    parts["_rels/.rels"] = PACKAGE_RELS
    for name, prolog in prologs.items():
        text = parts[name]
        assert isinstance(text, str)
        parts[name] = text.replace('standalone="yes"?>', 'standalone="yes"?>' + prolog, 1)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in ("[Content_Types].xml", "_rels/.rels", *sorted(set(parts) - {
                "[Content_Types].xml", "_rels/.rels"})):
            zf.writestr(name, parts[name])
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return path


ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:'
    'names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry '
    'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.'
    'spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" '
    'manifest:media-type="text/xml"/></manifest:manifest>'
)


def write_ods(path: Path, tables: str) -> Path:
    """An .ods whose spreadsheet body is ``tables`` (table:table elements)."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:'
        'oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:'
        'opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:'
        'text:1.0" xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:'
        'calcext:1.0" office:version="1.2"><office:body><office:spreadsheet>'
        f"{tables}</office:spreadsheet></office:body></office:document-content>")
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("META-INF/manifest.xml", ODS_MANIFEST, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path


def read(path: Path, limits: LimitsConfig = LIMITS) -> tuple[list[RawSheet], list]:
    return read_workbook(path, limits=limits, display_name=path.name)


def only_error(path: Path, limits: LimitsConfig = LIMITS):
    """The single ERROR issue of a refused file (and no sheets)."""
    sheets, issues = read(path, limits)
    assert sheets == []
    assert len(issues) == 1, issues
    issue = issues[0]
    assert issue.severity is Severity.ERROR
    assert issue.file == path.name
    assert issue.hint
    return issue


def in_subprocess(path: Path) -> str:
    """Read ``path`` in a child process (a regression here could abort the process)."""
    code = (
        "import sys; from pathlib import Path; from reportgen.inputs.config import LimitsConfig;"
        "from reportgen.inputs.reading.workbook import read_workbook;"
        "s, i = read_workbook(Path(sys.argv[1]), limits=LimitsConfig(), display_name='f');"
        "print(len(s), '|'.join(x.message for x in i))"
    )
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                          text=True, timeout=120, cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


# --------------------------------------------------------------------------------------------
# Which files are read


@pytest.mark.parametrize(("name", "ignored"), [
    ("sales.xlsx", False),
    ("Sales East.XLSX", False),
    ("legacy.xls", False),
    ("budget.xlsm", False),
    ("calc.ods", False),
    ("orders.csv", False),
    ("~$sales.xlsx", True),           # Office owner (lock) file
    (".~lock.sales.xlsx#", True),     # LibreOffice lock file
    (".hidden.xlsx", True),
    ("._sales.xlsx", True),           # macOS resource fork
    ("~WRL0001.tmp", True),
    ("sales.xlsx.tmp", True),
    ("sales.xlsx~", True),
    ("notes.txt", True),
    ("report.pdf", True),
    ("book.xlsb", True),
    ("README", True),
])
def test_is_ignored_file(tmp_path, name, ignored):
    assert is_ignored_file(tmp_path / name) is ignored


def test_spreadsheet_extensions():
    expected = {".xlsx", ".xlsm", ".xls", ".ods", ".csv"}
    assert expected == SPREADSHEET_EXTENSIONS


# --------------------------------------------------------------------------------------------
# CSV


@pytest.mark.parametrize(("data", "expected"), [
    # UTF-8 with BOM: the BOM is not part of the first header
    ("\ufeffclient_id,amount\r\nC1,12.50\r\n".encode(), [["client_id", "amount"], ["C1", "12.50"]]),
    # GBK, with a Chinese header
    ("客户编号,金额\nC1,100\n".encode("gbk"), [["客户编号", "金额"], ["C1", "100"]]),
    # semicolons (and decimal commas, which must not be taken for the delimiter)
    (b"client;amount\nC1;1,5\nC2;2,25\n", [["client", "amount"], ["C1", "1,5"], ["C2", "2,25"]]),
    (b"client\tamount\nC1\t3\n", [["client", "amount"], ["C1", "3"]]),
    (b"client|amount\nC1|3\n", [["client", "amount"], ["C1", "3"]]),
    # quotes: embedded delimiter and newline
    (b'name,note\n"Smith, J","line 1\nline 2"\n',
     [["name", "note"], ["Smith, J", "line 1\nline 2"]]),
    # text stays text; blanks are None; trailing blanks trimmed
    (b"id,zip,territory,x\n00123,02134,NA,\n,,,\n", [["id", "zip", "territory", "x"],
                                                   ["00123", "02134", "NA"]]),
    # Excel's sep= hint line
    (b"sep=;\na;b\n1;2\n", [["a", "b"], ["1", "2"]]),
])
def test_csv_values(tmp_path, data, expected):
    path = tmp_path / "sales-east.csv"
    path.write_bytes(data)
    sheets, issues = read(path)
    assert [s.rows for s in sheets] == [expected]
    assert sheets[0].name == "sales-east"
    assert sheets[0].visible is True
    assert all(i.severity is not Severity.ERROR for i in issues)


def test_csv_gbk_is_noted(tmp_path):
    path = tmp_path / "c.csv"
    path.write_bytes("客户编号\nC1\n".encode("gbk"))
    _, issues = read(path)
    assert [(i.severity, i.code) for i in issues] == [(Severity.INFO, "csv_encoding")]


def test_csv_leading_blank_rows_move_first_row(tmp_path):
    path = tmp_path / "c.csv"
    path.write_bytes(b",\n\nid,amount\nC1,2\n")
    sheet = read(path)[0][0]
    assert (sheet.first_row, sheet.first_col) == (3, 0)
    assert sheet.rows == [["id", "amount"], ["C1", "2"]]


def test_csv_sep_line_counts_as_row_one(tmp_path):
    path = tmp_path / "c.csv"
    path.write_bytes(b"sep=;\na;b\n")
    assert read(path)[0][0].first_row == 2


def test_csv_not_utf8_nor_gbk(tmp_path):
    path = tmp_path / "c.csv"
    path.write_bytes(b"name\n\x81\xff\xfe\n")
    issue = only_error(path)
    assert issue.message == "the file is neither UTF-8 nor GBK text"
    assert "CSV UTF-8" in issue.hint


def test_csv_row_limit(tmp_path):
    path = tmp_path / "c.csv"
    path.write_bytes(b"a\n" * 11)
    issue = only_error(path, LimitsConfig(max_rows=10))
    assert issue.message == "the file has more than 10 rows, the limit ([limits] max_rows)"


def test_csv_column_limit(tmp_path):
    path = tmp_path / "c.csv"
    path.write_bytes(b"a\n" + b",".join([b"x"] * 6) + b"\n")
    issue = only_error(path, LimitsConfig(max_columns=5))
    assert issue.message == ("line 2 has a value in column F, beyond the 5-column limit "
                             "([limits] max_columns)")


def test_csv_that_is_a_web_page(tmp_path):
    path = tmp_path / "c.csv"
    path.write_bytes(b"<!DOCTYPE html><html><body><table><tr><td>1</td></tr></table>")
    issue = only_error(path)
    assert issue.message == "the file is not a CSV file (it looks like a web page (HTML))"


def test_workbook_named_csv_is_read_with_a_warning(tmp_path):
    path = write_xlsx(tmp_path / "wb.csv", {"Sales": rows_xml([["id"], ["C1"]])})
    sheets, issues = read(path)
    assert [s.rows for s in sheets] == [[["id"], ["C1"]]]
    assert [(i.severity, i.code) for i in issues] == [(Severity.WARNING, "misnamed")]


# --------------------------------------------------------------------------------------------
# Files that are not workbooks, or broken ones


def test_empty_file(tmp_path):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    issue = only_error(path)
    assert (issue.message, issue.code) == ("the file is empty", "empty")


def test_missing_file(tmp_path):
    issue = only_error(tmp_path / "gone.xlsx")
    assert issue.message.startswith("the file cannot be opened (")


@pytest.mark.parametrize(("name", "data", "message"), [
    ("renamed.xlsx", b"client_id,amount\nC1,12\n",
     "the file is not an Excel workbook (it looks like a CSV or text file)"),
    ("webpage.xls", b"<html xmlns:x=\"urn:schemas-microsoft-com:office:excel\"><body><table>",
     "the file is not an Excel workbook (it looks like a web page (HTML))"),
    ("report.xlsx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
     "the file is not an Excel workbook (it looks like a PDF document)"),
    ("xml2003.xls", b'<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:'
     b'spreadsheet">', "the file is not an Excel workbook (it looks like an Excel 2003 XML "
     "spreadsheet)"),
    ("noise.xlsx", bytes(range(256)) * 4,
     "the file is not an Excel workbook (it looks like something reportgen cannot identify)"),
    ("calc.ods", b"a;b\n1;2\n",
     "the file is not an OpenDocument spreadsheet (it looks like a CSV or text file)"),
])
def test_not_a_workbook(tmp_path, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    issue = only_error(path)
    assert (issue.message, issue.code) == (message, "not_a_workbook")


def test_renamed_csv_hint_says_rename(tmp_path):
    path = tmp_path / "renamed.xlsx"
    path.write_bytes(b"a,b\n1,2\n")
    assert only_error(path).hint == "if it is a CSV file, rename it so that its name ends in .csv"


@pytest.mark.parametrize(("parts", "message"), [
    ({"notes.txt": b"hello"},
     "the file is not an Excel workbook (it looks like a zip archive without a workbook inside)"),
    ({"[Content_Types].xml": b'<Types><Override ContentType="application/vnd.openxmlformats-'
      b'officedocument.wordprocessingml.document.main+xml"/></Types>',
      "word/document.xml": b"<w/>"},
     "the file is not an Excel workbook (it looks like a Word document)"),
    ({"[Content_Types].xml": b'<Types><Override ContentType="application/vnd.ms-excel.sheet.'
      b'binary.macroEnabled.main"/></Types>'},
     "the file is not an Excel workbook (it looks like an Excel binary workbook (.xlsb), "
     "which reportgen does not read)"),
])
def test_zip_that_is_not_a_workbook(tmp_path, parts, message):
    path = tmp_path / "book.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    assert only_error(path).message == message


def test_truncated_xlsx(tmp_path):
    whole = write_xlsx(tmp_path / "whole.xlsx", {"S": rows_xml([["a", 1]] * 200)}).read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    issue = only_error(path)
    assert issue.message == "the file is damaged or incomplete (the end of the file is missing)"
    assert issue.code == "damaged"


def test_corrupt_part(tmp_path):
    path = write_xlsx(tmp_path / "bad.xlsx", {"S": rows_xml([["a", 1]] * 200)})
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start + 5: start + 40] = b"\xff" * 35  # inside the deflate stream
    path.write_bytes(bytes(data))
    issue = only_error(path)
    assert issue.message.startswith("the file is damaged or incomplete (part "
                                    "xl/worksheets/sheet1.xml ")


# --------------------------------------------------------------------------------------------
# Zip bombs and XML attacks


def zeros_member_xlsx(path: Path, megabytes: int) -> Path:
    """A valid workbook carrying an extra part of ``megabytes`` MB of zeros (tiny compressed)."""
    write_xlsx(path, {"S": rows_xml([["a"]])})
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("xl/media/padding.bin", bytes(megabytes * 1024 * 1024))
    return path


def test_zip_bomb_declared_size(tmp_path):
    path = zeros_member_xlsx(tmp_path / "bomb.xlsx", 20)
    assert path.stat().st_size < 100_000
    issue = only_error(path, LimitsConfig(max_uncompressed_mb=10))
    assert issue.message == ("the file unpacks to 20 MB, more than the 10 MB limit "
                             "([limits] max_uncompressed_mb)")
    assert issue.code == "zip_bomb"


def test_zip_bomb_ratio(tmp_path):
    path = zeros_member_xlsx(tmp_path / "bomb.xlsx", 20)
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("xl/media/padding.bin")
    ratio = info.file_size / info.compress_size
    issue = only_error(path)
    assert issue.message == (
        f"the part xl/media/padding.bin is compressed {ratio:,.0f} to 1, more than the 200 to 1 "
        "limit ([limits] max_compression_ratio); it is most likely a zip bomb")


def test_zip_bomb_that_lies_about_its_size(tmp_path):
    """A part declaring 1,000 bytes that inflates to 5 MB: zipfile alone would not notice."""
    path = write_xlsx(tmp_path / "liar.xlsx", {"S": rows_xml([["a"]])})
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/media/x.bin", bytes(5 * 1024 * 1024))
        info = zf.getinfo("xl/media/x.bin")
    data = bytearray(path.read_bytes())
    struct.pack_into("<I", data, info.header_offset + 22, 1000)  # local header
    at = data.find(b"PK\x01\x02")
    while at >= 0:  # the part's central directory entry
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46: at + 46 + name_len]) == b"xl/media/x.bin":
            struct.pack_into("<I", data, at + 24, 1000)
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as zf:
        assert zf.getinfo("xl/media/x.bin").file_size == 1000
    issue = only_error(path)
    assert issue.message == ("the part xl/media/x.bin unpacks to more than the 1,000 bytes it "
                             "declares; it is most likely a zip bomb")


def test_too_many_parts(tmp_path):
    path = tmp_path / "many.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        for i in range(10_001):
            zf.writestr(f"p{i}", b"")
    issue = only_error(path)
    assert issue.message == ("the file holds 10,001 parts; a workbook has a few dozen, so it is "
                             "not a genuine workbook")


def test_file_size_limit(tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(b"a\n" * 600_000)
    issue = only_error(path, LimitsConfig(max_file_mb=1))
    assert issue.message == "the file is 1 MB, more than the 1 MB limit ([limits] max_file_mb)"


BILLION_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
              for i in range(1, 10))
    + "]>"
)
XXE = '<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


@pytest.mark.parametrize(("part", "prolog"), [
    ("xl/worksheets/sheet1.xml", BILLION_LAUGHS),
    ("xl/workbook.xml", BILLION_LAUGHS),
    ("xl/worksheets/sheet1.xml", XXE),
    ("[Content_Types].xml", XXE),
    ("xl/worksheets/sheet1.xml", "<!-- a comment first -->" + XXE),
])
def test_xml_doctype_is_refused(tmp_path, part, prolog):
    body = rows_xml([["&lol9;" if "lol" in prolog else "&xxe;"]])
    path = write_xlsx(tmp_path / "attack.xlsx", {"S": body}, prologs={part: prolog})
    issue = only_error(path)
    assert issue.message == (
        f"the file contains an XML document type declaration (in part {part}), which "
        "spreadsheets never need; it may be an attack")
    assert issue.code == "xml_doctype"


def test_utf16_doctype_is_refused(tmp_path):
    sheet = ('<?xml version="1.0" encoding="UTF-16"?>' + XXE + SHEET_HEAD.split("?>", 1)[1]
             + "<sheetData/></worksheet>")
    path = write_xlsx(tmp_path / "u16.xlsx", {"S": rows_xml([[1]])},
                      extra={"xl/worksheets/other.xml": b"\xff\xfe" + sheet.encode("utf-16-le")})
    assert only_error(path).code == "xml_doctype"


def test_shared_strings_declaring_billions(tmp_path):
    """Calamine reserves memory for uniqueCount up front: 4e9 aborts the process."""
    sst = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.'
           'openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="4000000000">'
           "<si><t>a</t></si></sst>")
    path = write_xlsx(tmp_path / "sst.xlsx", {"S": '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'},
                      shared_strings=sst)
    assert in_subprocess(path) == (
        "0 the file's shared-strings part declares 4,000,000,000 texts but holds far fewer; "
        "it is damaged or built to exhaust memory")


def test_shared_strings_read(tmp_path):
    sst = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.'
           'openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2">'
           "<si><t>client</t></si><si><t>C1</t></si></sst>")
    path = write_xlsx(tmp_path / "sst.xlsx", {"S": '<row r="1"><c r="A1" t="s"><v>0</v></c>'
                                                   '</row><row r="2"><c r="A2" t="s"><v>1</v></c>'
                                                   '</row>'}, shared_strings=sst)
    assert read(path)[0][0].rows == [["client"], ["C1"]]


# --------------------------------------------------------------------------------------------
# Bounded reading: stray cells far away


def test_stray_cell_far_right_refuses_that_sheet_only(tmp_path):
    stray = rows_xml([["id", "amount"], ["C1", 5]]) + '<row r="1048576"><c r="XFD1048576">' \
        "<v>1</v></c></row>"
    sales = rows_xml([["id"], ["C9"]])
    path = write_xlsx(tmp_path / "stray.xlsx", {"Notes": stray, "Sales": sales})
    started = time.perf_counter()
    sheets, issues = read(path)
    assert time.perf_counter() - started < 2
    assert [s.name for s in sheets] == ["Sales"]
    assert [(i.severity, i.sheet, i.code, i.message) for i in issues] == [(
        Severity.ERROR, "Notes", "sheet_too_big",
        "the sheet has a cell at XFD1048576, beyond the 500-column limit ([limits] max_columns); "
        "delete the stray cells")]


def test_styled_empty_far_cells_are_harmless(tmp_path):
    """Formatting out to XFD1048576 (as in calamine's issue_174.xlsx) reads fine."""
    body = rows_xml([["id", "amount"], ["C1", 5]]) + (
        '<row r="1048576"><c r="XFC1048576" s="1"/><c r="XFD1048576" s="1"></c></row>')
    sheet = read(write_xlsx(tmp_path / "styled.xlsx", {"S": body}))[0][0]
    assert sheet.rows == [["id", "amount"], ["C1", 5]]


def test_row_limit(tmp_path):
    body = rows_xml([["id"], ["C1"]]) + '<row r="500"><c r="B500"><v>7</v></c></row>'
    sheets, issues = read(write_xlsx(tmp_path / "rows.xlsx", {"S": body}),
                          LimitsConfig(max_rows=100))
    assert sheets == []
    assert issues[0].message == ("the sheet has a cell at B500, beyond the 100-row limit "
                                 "([limits] max_rows); delete the stray cells")


@pytest.mark.parametrize(("ref", "limit", "message"), [
    ("C1", 2, "the sheet has a cell at C1, beyond the 2-column limit ([limits] max_columns); "
              "delete the stray cells"),
    ("AB1", 27, "the sheet has a cell at AB1, beyond the 27-column limit ([limits] max_columns); "
                "delete the stray cells"),
    ("AA1", 27, None),
])
def test_small_column_limits(tmp_path, ref, limit, message):
    body = f'<row r="1"><c r="A1"><v>1</v></c><c r="{ref}"><v>2</v></c></row>'
    sheets, issues = read(write_xlsx(tmp_path / "c.xlsx", {"S": body}),
                          LimitsConfig(max_columns=limit))
    assert [i.message for i in issues] == ([message] if message else [])
    assert len(sheets) == (0 if message else 1)


def test_two_far_apart_cells_within_the_limits(tmp_path):
    """A1 and SF1048576 are each within max_rows/max_columns, but the grid between them is not."""
    body = '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="SF1048576"><v>2</v>' \
        "</c></row>"
    sheets, issues = read(write_xlsx(tmp_path / "spread.xlsx", {"S": body}))
    assert sheets == []
    assert issues[0].message == (
        f"the sheet has cells spread over A1:SF1048576 (524,288,000 cells, most of them blank), "
        f"more than reportgen reads from one sheet ({MAX_GRID_CELLS:,} cells); delete the "
        "stray cells")


def test_cells_without_references_are_positioned(tmp_path):
    """Cells may omit r=: they follow the previous cell, as calamine places them."""
    body = ('<row><c t="inlineStr"><is><t>id</t></is></c><c t="inlineStr"><is><t>amount</t>'
            "</is></c></row><row><c t=\"inlineStr\"><is><t>C1</t></is></c><c><v>5</v></c></row>")
    sheet = read(write_xlsx(tmp_path / "nor.xlsx", {"S": body}))[0][0]
    assert sheet.rows == [["id", "amount"], ["C1", 5]]


def test_cells_without_references_far_right(tmp_path):
    cells = "".join("<c><v>1</v></c>" for _ in range(600))
    sheets, issues = read(write_xlsx(tmp_path / "wide.xlsx", {"S": f"<row>{cells}</row>"}))
    assert sheets == []
    assert issues[0].message == ("the sheet has a cell at WB1, beyond the 500-column limit "
                                 "([limits] max_columns); delete the stray cells")


def test_prefixed_cells(tmp_path):
    """Some writers prefix the namespace (<x:c>): the scan still sees the far cell."""
    xml = ('<?xml version="1.0" encoding="UTF-8"?><x:worksheet xmlns:x="http://schemas.'
           'openxmlformats.org/spreadsheetml/2006/main"><x:sheetData><x:row r="1">'
           '<x:c r="A1"><x:v>1</x:v></x:c><x:c r="XFD1"><x:v>2</x:v></x:c></x:row>'
           "</x:sheetData></x:worksheet>")
    _, issues = read(write_xlsx(tmp_path / "pfx.xlsx", {"S": xml}))
    assert issues[0].message.startswith("the sheet has a cell at XFD1, beyond")


def test_prefixed_cells_read(tmp_path):
    xml = ('<?xml version="1.0" encoding="UTF-8"?><x:worksheet xmlns:x="http://schemas.'
           'openxmlformats.org/spreadsheetml/2006/main"><x:sheetData><x:row r="2">'
           '<x:c r="B2"><x:v>1</x:v></x:c><x:c r="C2"><x:f>1/0</x:f></x:c></x:row>'
           "</x:sheetData></x:worksheet>")
    sheet = read(write_xlsx(tmp_path / "pfx.xlsx", {"S": xml}))[0][0]
    assert (sheet.rows, sheet.first_row, sheet.first_col) == ([[1]], 2, 1)
    assert sheet.cell_errors == {(2, 2): "formula =1/0 has no saved value"}


def test_xlsx_workbook_budget(tmp_path, monkeypatch):
    """Sheets of an .xlsx are built one at a time: the budget stops before the one too many."""
    monkeypatch.setattr(extent, "MAX_WORKBOOK_CELLS", 10)
    sheets = {f"S{i}": rows_xml([[1, 2, 3], [4, 5, 6]]) for i in range(3)}
    issue = only_error(write_xlsx(tmp_path / "b.xlsx", sheets))
    assert issue.message == (
        "the workbook's sheets span 12 cells in all (blank cells included), more than "
        'reportgen reads from one file (10); the largest is sheet "S0" (A1:C2, 6 cells)')


def test_many_sheets(tmp_path):
    path = write_xlsx(tmp_path / "many.xlsx", {f"S{i}": rows_xml([[i]]) for i in range(4)})
    issue = only_error(path, LimitsConfig(max_sheets=3))
    assert issue.message == ("the workbook has 4 sheets, more than the 3-sheet limit "
                             "([limits] max_sheets)")


# --------------------------------------------------------------------------------------------
# Values and layout (.xlsx)


def test_values_and_types(tmp_path):
    body = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c><c r="B1" t="inlineStr">'
        '<is><t>00123</t></is></c><c r="C1" t="b"><v>1</v></c><c r="D1"><v>12.5</v></c>'
        '<c r="E1" t="str"><v></v></c><c r="F1" t="inlineStr"><is>'
        '<t xml:space="preserve">  </t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t></t></is></c><c r="B2"><v>3</v></c></row>'
        '<row r="5"><c r="C5" t="str"><v></v></c></row>'
    )
    sheet = read(write_xlsx(tmp_path / "v.xlsx", {"S": body}))[0][0]
    # "" reads as None, whitespace is kept, trailing blank cells and rows are trimmed
    assert sheet.rows == [["name", "00123", True, 12.5, None, "  "], [None, 3.0]]
    assert (sheet.first_row, sheet.first_col) == (1, 0)


def test_table_starting_at_b4(tmp_path):
    body = rows_xml([["label", "value"], ["celsius", 22.5]], first_row=4, first_col=1)
    sheet = read(write_xlsx(tmp_path / "b4.xlsx", {"S": body}))[0][0]
    assert (sheet.first_row, sheet.first_col) == (4, 1)
    assert sheet.rows == [["label", "value"], ["celsius", 22.5]]


def test_dates_from_openpyxl(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sales"
    ws.append(["date", "time", "amount", "when"])
    ws.append([dt.date(2026, 10, 3), dt.time(8, 30), 1200.5, dt.datetime(2026, 10, 3, 14, 5)])
    wb.save(tmp_path / "d.xlsx")
    sheet = read(tmp_path / "d.xlsx")[0][0]
    assert sheet.rows[1][0] in (dt.date(2026, 10, 3), dt.datetime(2026, 10, 3))
    assert sheet.rows[1][1] == dt.time(8, 30)
    assert sheet.rows[1][2] == 1200.5
    assert sheet.rows[1][3] == dt.datetime(2026, 10, 3, 14, 5)


def test_hidden_sheets(tmp_path):
    sheets = {"Visible": rows_xml([[1]]), "Hidden": rows_xml([[2]]),
              "VeryHidden": rows_xml([[3]])}
    path = write_xlsx(tmp_path / "h.xlsx", sheets,
                      states={"Hidden": "hidden", "VeryHidden": "veryHidden"})
    assert [(s.name, s.visible) for s in read(path)[0]] == [
        ("Visible", True), ("Hidden", False), ("VeryHidden", False)]


def test_error_cells_and_formulas_without_value(tmp_path):
    body = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>amount</t></is></c></row>'
        '<row r="2"><c r="A2" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="B2"><v>4</v></c></row>'
        '<row r="3"><c r="A3" t="e"><v>#N/A</v></c></row>'
        '<row r="4"><c r="A4"><f>A2 + B2</f></c><c r="B4"><f t="shared" si="0"/></c></row>'
        '<row r="5"><c r="A5" t="str"><f>IF(1,"","x")</f><v></v></c><c r="B5"><f>1+1</f>'
        "<v>2</v></c></row>"
    )
    sheet = read(write_xlsx(tmp_path / "e.xlsx", {"S": body}))[0][0]
    assert sheet.cell_errors == {
        (2, 0): "#DIV/0!",
        (3, 0): "#N/A",
        (4, 0): "formula =A2 + B2 has no saved value",
        (4, 1): "a formula with no saved value",
    }
    # error cells read as blanks; a formula whose saved value is "" is just blank
    assert sheet.rows == [["amount"], [None, 4.0], [], [], [None, 2.0]]


def test_error_cells_without_references(tmp_path):
    """The same findings on the slow path (cells without r=)."""
    body = ('<row><c t="inlineStr"><is><t>amount</t></is></c></row>'
            '<row><c t="e"><f>1/0</f><v>#DIV/0!</v></c><c><f>A1&amp;"x"</f></c></row>')
    sheet = read(write_xlsx(tmp_path / "e.xlsx", {"S": body}))[0][0]
    assert sheet.cell_errors == {(2, 0): "#DIV/0!", (2, 1): 'formula =A1&"x" has no saved value'}


def test_date1904(tmp_path):
    sheets = read(write_xlsx(tmp_path / "d.xlsx", {"S": rows_xml([[1]])}, date1904=True))[0]
    assert sheets[0].date1904 is True
    assert read(write_xlsx(tmp_path / "e.xlsx", {"S": rows_xml([[1]])}))[0][0].date1904 is False


def test_merged_ranges(tmp_path):
    body = SHEET_HEAD + f"<sheetData>{rows_xml([['a', 'b'], ['c', 'd']])}</sheetData>" \
        '<mergeCells count="1"><mergeCell ref="A1:B2"/></mergeCells></worksheet>'
    assert read(write_xlsx(tmp_path / "m.xlsx", {"S": body}))[0][0].merged == [(1, 0, 2, 1)]


def test_empty_sheet(tmp_path):
    sheet = read(write_xlsx(tmp_path / "e.xlsx", {"Empty": ""}))[0][0]
    assert (sheet.rows, sheet.first_row, sheet.first_col) == ([], 1, 0)


def test_input_is_not_modified(tmp_path):
    path = write_xlsx(tmp_path / "keep.xlsx", {"S": rows_xml([["a", 1], ["b", 2]])})
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    mtime = path.stat().st_mtime_ns
    read(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert path.stat().st_mtime_ns == mtime


def test_misnamed_xlsx_as_xls_reads(tmp_path):
    """The content decides the reader, not the name's ending."""
    path = write_xlsx(tmp_path / "really-xlsx.xls", {"S": rows_xml([["a", 1]])})
    assert read(path)[0][0].rows == [["a", 1.0]]


# --------------------------------------------------------------------------------------------
# .ods

ODS_TABLE = (
    '<table:table table:name="Sales">'
    '<table:table-row table:number-rows-repeated="2"><table:table-cell/></table:table-row>'
    "<table:table-row><table:table-cell table:number-columns-repeated=\"2\"/>"
    '<table:table-cell office:value-type="string"><text:p>client</text:p></table:table-cell>'
    '<table:table-cell office:value-type="float" office:value="12.5"><text:p>12.5</text:p>'
    "</table:table-cell></table:table-row>"
    "<table:table-row><table:table-cell table:number-columns-repeated=\"2\"/>"
    '<table:table-cell office:value-type="string"><text:p>C1</text:p></table:table-cell>'
    '<table:table-cell table:formula="of:=1/0" office:value-type="float" office:value="0" '
    'calcext:value-type="error"><text:p>#DIV/0!</text:p></table:table-cell></table:table-row>'
    "</table:table>"
)


def test_ods_values_and_error_cells(tmp_path):
    sheet = read(write_ods(tmp_path / "a.ods", ODS_TABLE))[0][0]
    assert (sheet.name, sheet.first_row, sheet.first_col) == ("Sales", 3, 2)
    # calamine reads the error cell as 0.0: it must read as a blank, with the error noted
    assert sheet.rows == [["client", 12.5], ["C1"]]
    assert sheet.cell_errors == {(4, 3): "#DIV/0!"}


@pytest.mark.parametrize(("table", "message"), [
    ('<table:table table:name="Wide"><table:table-row><table:table-cell '
     'table:number-columns-repeated="100000000" office:value-type="float" office:value="1"/>'
     "</table:table-row></table:table>",
     f'sheet "Wide" has a cell at {col_letters(99_999_999)}1, beyond the 500-column limit '
     "([limits] max_columns); delete the stray cells"),
    ('<table:table table:name="Long"><table:table-row table:number-rows-repeated="5000000">'
     '<table:table-cell office:value-type="float" office:value="1"/></table:table-row>'
     "</table:table>",
     'sheet "Long" has a cell at A5000000, beyond the 2,000,000-row limit ([limits] max_rows); '
     "delete the stray cells"),
])
def test_ods_repeats_are_bounded(tmp_path, table, message):
    """Calamine expands repeated cells and rows when it opens the file: refused before that."""
    started = time.perf_counter()
    issue = only_error(write_ods(tmp_path / "r.ods", table))
    assert time.perf_counter() - started < 2
    assert issue.message == message


def test_ods_workbook_budget(tmp_path):
    table = ('<table:table table:name="T{}"><table:table-row><table:table-cell '
             'office:value-type="float" office:value="1"/></table:table-row><table:table-row '
             'table:number-rows-repeated="999998"><table:table-cell/></table:table-row>'
             '<table:table-row><table:table-cell table:number-columns-repeated="25"/>'
             '<table:table-cell office:value-type="float" office:value="2"/></table:table-row>'
             "</table:table>")
    issue = only_error(write_ods(tmp_path / "b.ods", "".join(table.format(i) for i in range(3))))
    assert issue.message == (
        "the workbook's sheets span 78,000,000 cells in all (blank cells included), more than "
        'reportgen reads from one file (60,000,000); the largest is sheet "T0" (A1:Z1000000, '
        "26,000,000 cells)")


def test_ods_trailing_empty_repeats_are_fine(tmp_path):
    table = ('<table:table table:name="S"><table:table-row><table:table-cell office:value-type='
             '"string"><text:p>a</text:p></table:table-cell><table:table-cell '
             'table:number-columns-repeated="16383"/></table:table-row><table:table-row '
             'table:number-rows-repeated="1048575"><table:table-cell '
             'table:number-columns-repeated="16384"/></table:table-row></table:table>')
    assert read(write_ods(tmp_path / "t.ods", table))[0][0].rows == [["a"]]


# --------------------------------------------------------------------------------------------
# .xls, built with a minimal OLE (compound file) writer

END, FREE, FATSECT, NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def ole_entry(name: str, kind: int, child: int = NOSTREAM, start: int = END,
              size: int = 0) -> bytes:
    raw = name.encode("utf-16-le")
    head = raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw) + 2 if name else 0, kind, 1)
    return (head + struct.pack("<III", NOSTREAM, NOSTREAM, child) + bytes(16)
            + struct.pack("<IQQIQ", 0, 0, 0, start, size))


def write_ole(path: Path, stream_name: str, stream: bytes) -> Path:
    """A one-stream compound file (version 3, 512-byte sectors, no mini stream)."""
    stream = stream.ljust(max(len(stream), 4096), b"\0")
    n = -(-len(stream) // 512)
    fat = [FATSECT] + [i + 2 for i in range(n - 1)] + [END, END]
    fat += [FREE] * (128 - len(fat))
    directory = (ole_entry("Root Entry", 5, child=1)
                 + ole_entry(stream_name, 2, start=1, size=len(stream))
                 + ole_entry("", 0) + ole_entry("", 0))
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16)
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + bytes(6)
              + struct.pack("<IIIIIIIII", 0, 1, n + 1, 0, 4096, END, 0, END, 0)
              + struct.pack("<109I", 0, *([FREE] * 108)))
    path.write_bytes(header + struct.pack("<128I", *fat) + stream.ljust(n * 512, b"\0")
                     + directory)
    return path


def rec(typ: int, body: bytes) -> bytes:
    return struct.pack("<HH", typ, len(body)) + body


def number(row: int, col: int, value: float) -> bytes:
    return rec(0x0203, struct.pack("<HHHd", row, col, 0, value))


def label(row: int, col: int, text: str) -> bytes:
    return rec(0x0204, struct.pack("<HHHHB", row, col, 0, len(text), 0) + text.encode("latin-1"))


def bool_error(row: int, col: int, code: int) -> bytes:
    return rec(0x0205, struct.pack("<HHHBB", row, col, 0, code, 1))


def formula_error(row: int, col: int, code: int) -> bytes:
    result = bytes([2, 0, code, 0, 0, 0, 0xFF, 0xFF])
    return rec(0x0006, struct.pack("<HHH", row, col, 0) + result + bytes(8))


def biff8(sheets: dict[str, list[bytes]], *, dims: tuple[int, int, int, int] | None = None,
          globals_: bytes = b"") -> bytes:
    """A BIFF8 Workbook stream: the globals, then one worksheet per entry of ``sheets``."""
    def bof(kind: int) -> bytes:
        return rec(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0, 1997, 0, 6))

    bodies = []
    for cells in sheets.values():
        dimensions = rec(0x0200, struct.pack("<IIHHH", *dims, 0)) if dims else b""
        bodies.append(bof(0x0010) + dimensions + b"".join(cells) + rec(0x000A, b""))

    def workbook_globals(offsets: list[int]) -> bytes:
        out = bof(0x0005) + globals_
        for name, offset in zip(sheets, offsets, strict=True):
            wide = any(ord(ch) > 255 for ch in name)
            encoded = name.encode("utf-16-le" if wide else "latin-1")
            out += rec(0x0085, struct.pack("<IBB", offset, 0, 0) + bytes([len(name), int(wide)])
                       + encoded)
        return out + rec(0x000A, b"")

    offset = len(workbook_globals([0] * len(sheets)))
    offsets = []
    for body in bodies:
        offsets.append(offset)
        offset += len(body)
    return workbook_globals(offsets) + b"".join(bodies)


def write_xls(path: Path, cells: list[bytes], *, name: str = "Sales", **kwargs) -> Path:
    return write_ole(path, "Workbook", biff8({name: cells}, **kwargs))


XLS_TABLE = [label(0, 0, "client"), label(0, 1, "amount"), label(1, 0, "C1"), number(1, 1, 12.5)]


def test_xls_values_and_error_cells(tmp_path):
    cells = [*XLS_TABLE, bool_error(2, 1, 0x07), label(2, 0, "C2"), formula_error(3, 1, 0x2A)]
    sheet = read(write_xls(tmp_path / "e.xls", cells, dims=(0, 4, 0, 2)))[0][0]
    assert (sheet.name, sheet.visible, sheet.date1904) == ("Sales", True, False)
    assert sheet.rows == [["client", "amount"], ["C1", 12.5], ["C2"]]
    assert sheet.cell_errors == {(3, 1): "#DIV/0!", (4, 1): "#N/A"}


def test_xls_unicode_sheet_name_and_1904(tmp_path):
    path = write_xls(tmp_path / "u.xls", XLS_TABLE, name="销售",
                     globals_=rec(0x0022, struct.pack("<H", 1)))
    sheet = read(path)[0][0]
    assert (sheet.name, sheet.date1904) == ("销售", True)


def test_xls_far_cell_refuses_the_file(tmp_path):
    """Calamine reads every sheet of an .xls as it opens it: the whole file is refused."""
    issue = only_error(write_xls(tmp_path / "far.xls", [*XLS_TABLE, number(0, 600, 1.0)]))
    assert issue.message == ('sheet "Sales" has a cell at WC1, beyond the 500-column limit '
                             "([limits] max_columns); delete the stray cells")


def test_xls_row_limit(tmp_path):
    issue = only_error(write_xls(tmp_path / "rows.xls", [*XLS_TABLE, number(999, 0, 1.0)]),
                       LimitsConfig(max_rows=100))
    assert issue.message == ('sheet "Sales" has a cell at A1000, beyond the 100-row limit '
                             "([limits] max_rows); delete the stray cells")


def test_xls_workbook_budget(tmp_path):
    """Four sheets each within the limits, but calamine would build all four at once."""
    corners = [number(0, 0, 1.0), number(65_535, 255, 2.0)]
    path = write_ole(tmp_path / "four.xls", "Workbook",
                     biff8({f"S{i}": corners for i in range(4)}))
    started = time.perf_counter()
    issue = only_error(path)
    assert time.perf_counter() - started < 2
    assert issue.message == (
        "the workbook's sheets span 67,108,864 cells in all (blank cells included), more than "
        "reportgen reads from one file (60,000,000); the largest is sheet \"S0\" (A1:IV65536, "
        "16,777,216 cells)")


@pytest.mark.parametrize(("dims", "fine"), [
    ((0, 1_048_576, 0, 16_384), False),
    ((10, 4, 0, 4), False),            # first row past the last: 4 billion rows in 32 bits
    ((0, 4, 512, 75), True),           # first column past the last (as in OOM_alloc2.xls)
    ((0, 65_536, 0, 256), True),       # the largest sheet an .xls can hold
])
def test_xls_dimensions_record(tmp_path, dims, fine):
    """A lying DIMENSIONS record makes calamine reserve terabytes and abort the process."""
    out = in_subprocess(write_xls(tmp_path / "dims.xls", XLS_TABLE, dims=dims))
    if fine:
        assert out == "1"
    else:
        rows = (dims[1] - dims[0]) & 0xFFFFFFFF
        assert out == (f'0 the file is damaged: sheet "Sales" declares {rows:,} rows and '
                       f"{dims[3] - dims[2]:,} columns, more than an .xls file can hold; it may "
                       "be built to exhaust memory")


def test_xls_with_password(tmp_path):
    filepass = rec(0x002F, struct.pack("<HHH", 1, 1, 1))
    path = write_xls(tmp_path / "p.xls", XLS_TABLE, globals_=filepass)
    assert only_error(path).code == "password"


@pytest.mark.parametrize(("stream", "message", "code"), [
    ("EncryptedPackage", "the file is protected with a password; save an unprotected copy",
     "password"),
    ("WordDocument", "the file is not an Excel workbook (it looks like a Word document)",
     "not_a_workbook"),
])
def test_other_ole_files(tmp_path, stream, message, code):
    issue = only_error(write_ole(tmp_path / "o.xlsx", stream, b"\x00" * 100))
    assert (issue.message, issue.code) == (message, code)


def test_xls_named_xlsx_reads(tmp_path):
    path = write_xls(tmp_path / "legacy.xlsx", XLS_TABLE)
    assert read(path)[0][0].rows == [["client", "amount"], ["C1", 12.5]]


def test_broken_ole_container(tmp_path):
    data = write_xls(tmp_path / "x.xls", XLS_TABLE).read_bytes()
    path = tmp_path / "broken.xls"
    path.write_bytes(data[:1024])
    assert only_error(path).code == "damaged"


# --------------------------------------------------------------------------------------------
# What calamine itself refuses, and uncertain layouts


def rewrite_part(path: Path, name: str, data: bytes | None) -> Path:
    """``path`` with one part replaced (or removed when ``data`` is None)."""
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i.filename) for i in zf.infolist()}
    if data is None:
        del parts[name]
    else:
        parts[name] = data
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for part, content in parts.items():
            zf.writestr(part, content)
    return path


def test_sheet_calamine_cannot_read(tmp_path):
    body = '<row r="1"><c r="A1" t="zz"><v>1</v></c></row>'
    path = write_xlsx(tmp_path / "t.xlsx", {"Bad": body, "Good": rows_xml([["id"]])})
    sheets, issues = read(path)
    assert [s.name for s in sheets] == ["Good"]
    assert [(i.sheet, i.code) for i in issues] == [("Bad", "damaged")]
    assert issues[0].message.startswith("the sheet could not be read: damaged or incomplete (")


def test_workbook_part_missing(tmp_path):
    path = write_xlsx(tmp_path / "w.xlsx", {"S": rows_xml([["a"]])})
    rewrite_part(path, "xl/_rels/workbook.xml.rels", None)
    issue = only_error(path)
    assert issue.message.startswith("the file is damaged or incomplete (")


def test_uncertain_layout_refuses_the_whole_file(tmp_path):
    """When a stray-cell sheet cannot be told apart for sure, no sheet is read."""
    stray = '<row r="1"><c r="XFD1"><v>1</v></c></row>'
    path = write_xlsx(tmp_path / "u.xlsx", {"Stray": stray, "Sales": rows_xml([["id"]])})
    with zipfile.ZipFile(path) as zf:
        rels = zf.read("xl/_rels/workbook.xml.rels")
    rels = rels.replace(b'Target="worksheets/sheet1.xml"', b'Target="../xl/worksheets/sheet1.xml"')
    rewrite_part(path, "xl/_rels/workbook.xml.rels", rels)
    issue = only_error(path)
    assert issue.message == ('sheet "Stray" has a cell at XFD1, beyond the 500-column limit '
                             "([limits] max_columns); delete the stray cells")


def test_duplicate_part_names(tmp_path):
    path = write_xlsx(tmp_path / "d.xlsx", {"S": rows_xml([["a"]])})
    with zipfile.ZipFile(path, "a") as zf, pytest.warns(UserWarning):
        zf.writestr("xl/worksheets/sheet1.xml", SHEET_HEAD + "<sheetData/></worksheet>")
    issue = only_error(path)
    assert issue.message == ("the file is damaged or incomplete (it holds two parts named "
                             "xl/worksheets/sheet1.xml)")


def test_leading_error_column_is_trimmed(tmp_path):
    body = ('<row r="1"><c r="A1" t="e"><v>#REF!</v></c><c r="B1" t="inlineStr"><is><t>id</t>'
            '</is></c></row><row r="2"><c r="B2"><v>7</v></c></row>')
    sheet = read(write_xlsx(tmp_path / "l.xlsx", {"S": body}))[0][0]
    assert (sheet.rows, sheet.first_row, sheet.first_col) == ([["id"], [7.0]], 1, 1)
    assert sheet.cell_errors == {(1, 0): "#REF!"}


def test_ods_formula_without_value_and_bad_repeat(tmp_path):
    table = ('<table:table table:name="S"><table:table-row><table:table-cell '
             'office:value-type="string"><text:p>a</text:p></table:table-cell>'
             '<table:table-cell table:formula="of:=[.A1]&amp;&quot;x&quot;"/>'
             "</table:table-row></table:table>")
    sheet = read(write_ods(tmp_path / "f.ods", table))[0][0]
    assert sheet.cell_errors == {(1, 1): 'formula =[.A1]&"x" has no saved value'}
    bad = table.replace("<table:table-row>", '<table:table-row table:number-rows-repeated="x">')
    assert only_error(write_ods(tmp_path / "b.ods", bad)).message == (
        "the file is damaged or incomplete (a repeat count reads 'x')")


def test_ods_without_content(tmp_path):
    path = write_ods(tmp_path / "n.ods", "")
    rewrite_part(path, "content.xml", None)
    assert only_error(path).message == ("the file is damaged or incomplete (its content part "
                                        "is missing)")


def test_ods_encrypted(tmp_path):
    path = write_ods(tmp_path / "p.ods", "")
    manifest = ODS_MANIFEST.replace(
        'manifest:media-type="text/xml"/>',
        'manifest:media-type="text/xml"><manifest:encryption-data manifest:checksum-type="SHA1"'
        ' manifest:checksum="x"/></manifest:file-entry>')
    rewrite_part(path, "META-INF/manifest.xml", manifest.encode())
    rewrite_part(path, "content.xml", bytes(range(256)) * 8)
    assert only_error(path).code == "password"


def test_ods_sheet_limit(tmp_path):
    tables = "".join(f'<table:table table:name="S{i}"/>' for i in range(3))
    issue = only_error(write_ods(tmp_path / "m.ods", tables), LimitsConfig(max_sheets=2))
    assert issue.message == ("the workbook has 3 sheets, more than the 2-sheet limit "
                             "([limits] max_sheets)")


def test_unusual_zip_compression(tmp_path):
    path = tmp_path / "bz.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_BZIP2) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
    assert only_error(path).message == (
        "the part [Content_Types].xml uses a zip compression method (12) that spreadsheet "
        "programs do not use")


def test_csv_binary(tmp_path):
    path = tmp_path / "b.csv"
    path.write_bytes(b"a,b\n\x00\x01\x02,3\n")
    assert only_error(path).message == "the file is not a CSV file (it looks like a binary file)"


def test_csv_utf16(tmp_path):
    path = tmp_path / "u.csv"
    path.write_bytes("客户编号\t金额\nC1\t5\n".encode("utf-16"))
    assert read(path)[0][0].rows == [["客户编号", "金额"], ["C1", "5"]]


def test_csv_unclosed_quote(tmp_path):
    path = tmp_path / "q.csv"
    path.write_bytes(b'a,b\n"oops,1\n' + b"x,y\n" * 40_000)
    issue = only_error(path)
    assert issue.message == (
        "the file is damaged or incomplete (a quoted value starting on line 2 never ends; a "
        "closing quote is probably missing)")


# --------------------------------------------------------------------------------------------
# Real-world files

realdata = pytest.mark.skipif(not REALDATA.is_dir(), reason="../shared/realdata is absent")


def real(relative: str) -> Path:
    path = REALDATA / relative
    if not path.exists():
        pytest.skip(f"{relative} is absent")
    return path


def by_name(path: Path) -> dict[str, RawSheet]:
    sheets, issues = read(path)
    assert [i for i in issues if i.severity is Severity.ERROR] == []
    return {s.name: s for s in sheets}


@pytest.mark.realdata
@realdata
def test_every_real_file_reads_or_fails_cleanly():
    for path in sorted(REALDATA.glob("*/*")):
        if path.suffix == ".md":
            continue
        before = hashlib.sha256(path.read_bytes()).hexdigest()
        started = time.perf_counter()
        sheets, issues = read(path)
        assert time.perf_counter() - started < 10, path.name
        assert hashlib.sha256(path.read_bytes()).hexdigest() == before, path.name
        errors = [i for i in issues if i.severity is Severity.ERROR]
        if not sheets:
            assert len(errors) == 1, (path.name, issues)
            assert errors[0].file == path.name and errors[0].hint
        for sheet in sheets:
            assert all(row for row in sheet.rows[:1]), path.name  # no leading blank row
            assert all(not row or row[-1] is not None for row in sheet.rows), path.name


@pytest.mark.realdata
@realdata
@pytest.mark.parametrize("relative", [
    "sales/apress_jumpstart-tableau__Sample - Superstore.xls",
    "sales/Abhishake22__Sample - Superstore.xlsx",
])
def test_superstore_orders(relative):
    sheets = by_name(real(relative))
    assert list(sheets) == ["Orders", "Returns", "People"]
    orders = sheets["Orders"]
    assert len(orders.rows) == 9_994 + 1
    assert len(orders.rows[0]) == 21
    assert orders.rows[0][:3] == ["Row ID", "Order ID", "Order Date"]
    assert orders.rows[0][-1] == "Profit"
    assert isinstance(orders.rows[1][2], dt.date)
    assert len(sheets["People"].rows) == 5


@pytest.mark.realdata
@realdata
def test_errors_xlsx():
    sheet = by_name(real("odd/calamine__errors.xlsx"))["Feuil1"]
    assert sheet.cell_errors == {
        (1, 0): "#DIV/0!", (2, 0): "#NAME?", (3, 0): "#VALUE!", (4, 0): "#NULL!",
        (5, 0): "#REF!", (6, 0): "#NUM!", (7, 0): "#N/A"}
    assert sheet.rows == []


@pytest.mark.realdata
@realdata
def test_missing_v_node():
    sheet = by_name(real("odd/readxl__missing-v-node-xlsx.xlsx"))["Sheet1"]
    assert sheet.cell_errors == {(2, 2): "formula =A2 + B2 has no saved value"}
    assert sheet.rows == [["A", "B", "A + B"], [1.0, 2.0]]


@pytest.mark.realdata
@realdata
def test_any_sheets():
    sheets = read(real("odd/calamine__any_sheets.xlsx"))[0]
    assert [(s.name, s.visible) for s in sheets] == [
        ("Visible", True), ("Hidden", False), ("VeryHidden", False)]


@pytest.mark.realdata
@realdata
@pytest.mark.parametrize("relative", [
    "odd/calamine__pass_protected.xlsx", "odd/python-calamine__password.xls"])
def test_password_files(relative):
    issue = only_error(real(relative))
    assert issue.message == "the file is protected with a password; save an unprotected copy"
    assert issue.code == "password"


@pytest.mark.realdata
@realdata
@pytest.mark.parametrize(("relative", "message"), [
    ("odd/openpyxl__null_file.xlsx", "the file is empty"),
    ("odd/openpyxl__null_archive.xlsx",
     "the file is not an Excel workbook (it looks like a zip archive without a workbook inside)"),
    ("odd/calamine__any_sheets.xlsb",
     "the file is not an Excel workbook (it looks like an Excel binary workbook (.xlsb), which "
     "reportgen does not read)"),
])
def test_real_refusals(relative, message):
    assert only_error(real(relative)).message == message


@pytest.mark.realdata
@realdata
@pytest.mark.parametrize(("relative", "sheet", "rows", "first_row", "first_col"), [
    ("odd/calamine__issue_530.xlsx", "出勤分类组织汇总表", 5, 1, 0),   # no sharedStrings part
    ("odd/calamine__strict_iso_paths.xlsx", "ml_out", 76, 1, 0),       # Strict Open XML
    ("odd/calamine__OOM_alloc2.xls", "Colsale (Aug", 192, 1, 0),       # BIFF5
    ("odd/calamine__issue_174.xlsx", "Sheet1", 2, 1, 0),               # A1:XFD1048576 declared
    ("odd/readxl__los-angeles-arrests-xlsx.xlsx", "Sheet1", 196, 1, 0),  # parts at the root
    ("odd/calamine__temperature-in-middle.xlsx", "Sheet1", 3, 4, 1),
    ("odd/calamine__gh548_incorrect_sst_unique_count.xls", "System Level Data", 59, 2, 1),
])
def test_odd_files_read(relative, sheet, rows, first_row, first_col):
    raw = by_name(real(relative))[sheet]
    assert (len(raw.rows), raw.first_row, raw.first_col) == (rows, first_row, first_col)


@pytest.mark.realdata
@realdata
def test_oom_alloc2_amounts():
    raw = by_name(real("odd/calamine__OOM_alloc2.xls"))["Colsale (Aug"]
    assert "Extended_Amount" in raw.rows[0]


@pytest.mark.realdata
@realdata
def test_date_1904():
    sheet = by_name(real("odd/calamine__date_1904.xlsx"))["Sheet1"]
    assert sheet.date1904 is True
    assert sheet.rows[0][0] == dt.date(2021, 1, 1)
    assert isinstance(sheet.rows[2][0], dt.timedelta)  # a [hh]:mm:ss duration, left as is


@pytest.mark.realdata
@realdata
def test_merged_real():
    sheet = by_name(real("odd/calamine__merged_range.xlsx"))["Sheet1"]
    assert (1, 0, 2, 0) in sheet.merged


@pytest.mark.realdata
@realdata
def test_sales_data_sample_csv():
    sheet = by_name(real("sales/Ankita-Kulkarni__sales_data_sample.csv"))[
        "Ankita-Kulkarni__sales_data_sample"]
    assert len(sheet.rows) == 2_823 + 1
    header = sheet.rows[0]
    territory = header.index("TERRITORY")
    values = {row[territory] for row in sheet.rows[1:]}
    assert "NA" in values and None not in values
    assert all(isinstance(v, str) for row in sheet.rows for v in row if v is not None)


@pytest.mark.realdata
@realdata
def test_cogsley_formulas_have_values():
    sheets = by_name(real("sales/bsullins__CogsleyServices-SalesData-US.xlsx"))
    assert len(sheets["Sales"].rows) == 8_399 + 1
    assert sheets["Sales"].cell_errors == {}


def xls_with_error_cell(source: Path, tmp_path: Path) -> tuple[Path, int, int]:
    """``source`` with its first NUMBER cell turned into a #DIV/0! error (BOOLERR) record."""
    from xlrd.compdoc import CompDoc

    data = bytearray(source.read_bytes())
    stream = CompDoc(bytes(data), logfile=io.StringIO()).get_named_stream("Workbook")
    at = stream.find(b"\x03\x02\x0e\x00")  # NUMBER, 14 bytes
    record = stream[at: at + 18]
    assert data.count(record) == 1
    row, col = struct.unpack_from("<HH", record, 4)
    xf = record[8:10]
    # BOOLERR (8 bytes: row, col, xf, value, fError) then a 2-byte record of no meaning
    patched = (b"\x05\x02\x08\x00" + record[4:8] + xf + b"\x07\x01"
               + b"\x00\x00\x02\x00\x00\x00")
    start = data.find(record)
    data[start: start + 18] = patched
    path = tmp_path / "error.xls"
    path.write_bytes(bytes(data))
    return path, row + 1, col


@pytest.mark.realdata
@realdata
def test_xls_error_cell(tmp_path):
    path, row, col = xls_with_error_cell(
        real("sales/apress_jumpstart-tableau__Sample - Superstore.xls"), tmp_path)
    sheets = by_name(path)
    errors = {k: v for s in sheets.values() for k, v in s.cell_errors.items()}
    assert errors == {(row, col): "#DIV/0!"}
    orders = sheets["Orders"]
    assert orders.rows[row - orders.first_row][col - orders.first_col] is None
