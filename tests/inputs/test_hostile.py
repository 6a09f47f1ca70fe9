"""Hostile and malformed inputs through the real command line (the HARDENING issue).

Every case of ``tests/hostile_corpus.py`` runs ``reportgen check`` in a child process and must
give: no traceback; the exact exit code and messages (file, sheet, row, column); time and
peak memory within budget (60 s and 1 GB for a whole check, even on 50,000 rows; a bomb is
refused within 2 s of CPU and 200 MB); and the inputs byte-identical afterwards, with nothing
written anywhere.

Then a small dataset whose names attack the documents is rendered (HTML and PDF, plans and
packs), and the outputs are searched for anything leaked: markup or template syntax that ran,
local file or network content, attachments, files outside --out, formulas in the exported
workbooks, bidi text that can reorder its surroundings. Last, property-based tests throw
arbitrary text at the cell parsers, the loader and the document file names.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import fcntl
import hashlib
import html
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from openpyxl import load_workbook
from pypdf import PdfReader

from reportgen.cli.app import cli
from reportgen.inputs import schema
from reportgen.inputs.config import Config
from reportgen.inputs.load import load_inputs
from reportgen.inputs.values.amounts import parse_money
from reportgen.inputs.values.cells import CellValueError
from reportgen.inputs.values.columns import convert_column
from reportgen.inputs.values.dates import parse_date
from reportgen.inputs.values.ids import parse_id
from reportgen.outputs.slug import pack_stems, plan_stems, safe_join
from tests import hostile_corpus as corpus

REPO = Path(__file__).resolve().parents[2]

#: The child runs reportgen's entry point and, on its way out, records its own peak resident
#: memory (VmHWM: the peak of this process alone, unlike wait4's ru_maxrss, which on Linux
#: also counts the forked parent's memory from before exec).
PROBE = """
import atexit, os, sys

def _record_peak():
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            peak = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
        with open(os.environ["REPORTGEN_PROBE"], "w", encoding="ascii") as out:
            out.write(peak)
    except (OSError, StopIteration):
        pass

atexit.register(_record_peak)
sys.argv[0] = "reportgen"
from reportgen.cli.app import main
main()
"""


@dataclass(frozen=True)
class Outcome:
    """What one child run of reportgen did."""

    exit_code: int
    out: list[str]
    err: list[str]
    cpu_seconds: float
    wall_seconds: float
    peak_mb: float

    @property
    def text(self) -> str:
        """Everything printed."""
        return "\n".join(self.out + self.err)


def run_reportgen(args: list[str], cwd: Path, timeout: float = 180) -> Outcome:
    """Run ``reportgen ARGS`` in a child process and measure it; kills it after ``timeout``."""
    with tempfile.TemporaryDirectory() as scratch:
        probe = Path(scratch) / "peak"
        out_path, err_path = Path(scratch) / "out", Path(scratch) / "err"
        env = {**os.environ, "REPORTGEN_PROBE": str(probe), "PYTHONPATH": str(REPO),
               "PYTHONIOENCODING": "utf-8", "COLUMNS": "200"}
        with out_path.open("wb") as out, err_path.open("wb") as err:
            started = time.perf_counter()
            child = subprocess.Popen([sys.executable, "-c", PROBE, *args], cwd=cwd, env=env,
                                     stdout=out, stderr=err, stdin=subprocess.DEVNULL)
            while True:
                pid, status, usage = os.wait4(child.pid, os.WNOHANG)
                if pid:
                    break
                if time.perf_counter() - started > timeout:
                    child.kill()
                    pid, status, usage = os.wait4(child.pid, 0)
                    break
                time.sleep(0.01)
            wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)  # already reaped
        peak_kb = float(probe.read_text()) if probe.exists() else usage.ru_maxrss
        return Outcome(
            exit_code=child.returncode,
            out=out_path.read_text(encoding="utf-8").splitlines(),
            err=err_path.read_text(encoding="utf-8").splitlines(),
            cpu_seconds=usage.ru_utime + usage.ru_stime, wall_seconds=wall,
            peak_mb=peak_kb / 1024)


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file and folder under ``folder``: relative path → (sha256, size); folders ("", 0)."""
    found: dict[str, tuple[str, int]] = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_dir() and not path.is_symlink():
            found[rel + "/"] = ("", 0)
        else:
            data = path.read_bytes()
            found[rel] = (hashlib.sha256(data).hexdigest(), len(data))
    return found


def assert_within(outcome: Outcome, budget: corpus.Budget) -> None:
    """The run kept to its time and memory budget."""
    assert outcome.cpu_seconds <= budget.cpu_seconds, outcome
    assert outcome.wall_seconds <= budget.wall_seconds, outcome
    assert outcome.peak_mb <= budget.peak_mb, outcome


def assert_clean(outcome: Outcome) -> None:
    """No traceback and nothing a terminal would act on (escape sequences, bidi overrides)."""
    assert "Traceback" not in outcome.text, outcome.text
    bad = re.compile("[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
    for line in outcome.out + outcome.err:
        assert not bad.search(line), repr(line)


# --------------------------------------------------------------------------------------------
# The corpus


def test_the_corpus_has_every_kind_the_issue_names():
    names = {case.name for case in corpus.CASES}
    assert len(names) == len(corpus.CASES)
    assert len(names) >= 30
    wanted = {
        "not_a_zip", "empty", "truncated", "encrypted_ole", "encrypted_zip", "lock_files",
        "missing_sheet", "missing_column", "header_below_titles", "merged_header",
        "merged_data", "duplicate_ids", "unknown_ids", "id_type_mismatch", "mixed_dates",
        "ambiguous_dates", "serial_dates", "date1904", "currency_strings", "numbers_as_text",
        "formulas_without_values", "error_cells", "blank_and_subtotal_rows", "na_strings",
        "big_50k", "hostile_names", "hostile_file_and_sheet_names", "formula_injection",
        "scripts_and_bidi", "entity_bomb", "external_entity", "zip_bomb", "stray_last_cell",
        "sheets_200", "hidden_sheets", "legacy_xls", "gbk_csv", "bom_csv",
    }
    assert wanted <= names, wanted - names


@pytest.mark.slow
@pytest.mark.parametrize("case", corpus.CASES, ids=lambda case: case.name)
def test_hostile_input(tmp_path, case):
    folder = tmp_path / "case"
    case.build(folder)
    inputs = folder / "inputs"
    args = ["check", "--inputs", str(inputs), *case.options]
    if case.config:
        config = folder / "reportgen.toml"
        config.write_text(case.config, encoding="utf-8")
        args += ["--config", str(config)]
    before = snapshot(folder)

    outcome = run_reportgen(args, cwd=folder)

    assert_clean(outcome)
    expected_out = [line.replace("{inputs}", str(inputs)) for line in case.out]
    expected_err = [line.replace("{inputs}", str(inputs)) for line in case.err]
    assert (outcome.exit_code, outcome.out, outcome.err) == (
        case.exit_code, expected_out, expected_err)
    assert_within(outcome, case.budget)
    # The inputs are byte-identical and nothing was written anywhere in the folder.
    assert snapshot(folder) == before


def test_every_limit_is_in_the_config_with_its_default():
    limits = Config().limits
    assert limits.model_dump() == {
        "max_file_mb": 200, "max_uncompressed_mb": 1024, "max_compression_ratio": 200,
        "max_rows": 2_000_000, "max_columns": 500, "max_sheets": 500,
        "max_cells": 30_000_000, "max_workbook_cells": 60_000_000, "render_seconds": 120}
    # Each limit but render_seconds has a corpus case hitting it with its message.
    hit = {case.config.split("\n")[1].split(" = ")[0] for case in corpus.CASES if case.config}
    assert hit == set(limits.model_dump()) - {"render_seconds"}


def test_render_seconds_limit_stops_a_slow_document(tmp_path):
    inputs = corpus.build_render_inputs(tmp_path)
    config = tmp_path / "reportgen.toml"
    config.write_text("[limits]\nrender_seconds = 0.000001\n", encoding="utf-8")
    result = CliRunner().invoke(cli, [
        "plans", "--inputs", str(inputs), "--out", str(tmp_path / "out"), "--client", "H01",
        "--format", "html", "--jobs", "1", "--quiet", "--config", str(config)])
    assert result.exit_code == 1, result.output
    assert re.search(r"^error: could not render plans/H01-\S+: .*\[limits\] render_seconds",
                     result.output, re.M), result.output


@pytest.mark.realdata
@pytest.mark.slow
@pytest.mark.parametrize("folder", ["odd", "sales"])
def test_real_workbooks_nobody_wrote_for_us_are_handled_the_same_way(folder):
    """The shared real-world files, untouched: a plain message for each, within budget."""
    inputs = corpus.REALDATA / folder
    if not inputs.is_dir():
        pytest.skip(f"{inputs} is absent")
    before = snapshot(inputs)
    with tempfile.TemporaryDirectory() as cwd:
        outcome = run_reportgen(["check", "--inputs", str(inputs)], cwd=Path(cwd))
        assert list(Path(cwd).iterdir()) == []
    assert_clean(outcome)
    assert outcome.exit_code == 1  # some files are refused (password, empty), by design
    names = {p.name for p in inputs.iterdir()}
    for line in outcome.err[:-1]:
        assert line.startswith("error: "), line
        where = line.removeprefix("error: ").split(":", 1)[0].split(",", 1)[0]
        assert where in names or where.startswith("no Sales sheet"), line
    assert re.fullmatch(r"Error: the inputs have \d+ error\(s\); see the messages above",
                        outcome.err[-1])
    assert_within(outcome, corpus.NORMAL)
    assert snapshot(inputs) == before


def test_big_case_really_is_fifty_thousand_rows():
    rows = corpus.big_sales_rows()
    assert len(rows) == corpus.BIG_ROWS + 1
    assert rows[corpus.BIG_BAD_DATE - 1][0] == "2026-13-45"
    assert rows[corpus.BIG_UNKNOWN - 1][1] == "C404"


def test_bombs_are_what_they_claim(tmp_path):
    """The zip bomb really unpacks to 64 MB; the lying one declares 4 KB of it."""
    corpus.build_zip_bomb(tmp_path / "a")
    corpus.build_zip_bomb_lying(tmp_path / "b")
    with zipfile.ZipFile(tmp_path / "a" / "inputs" / "bomb.xlsx") as zf:
        info = zf.getinfo("xl/worksheets/sheet2.xml")
        assert info.file_size > 64 << 20 and info.compress_size < 128 << 10
    with zipfile.ZipFile(tmp_path / "b" / "inputs" / "liar.xlsx") as zf:
        assert zf.getinfo("xl/worksheets/sheet2.xml").file_size == 4096


# --------------------------------------------------------------------------------------------
# Documents made from hostile names


@dataclass(frozen=True)
class Rendered:
    """The rendering runs on the hostile dataset, and where they wrote."""

    folder: Path
    out: Path
    month: Path
    before: dict[str, tuple[str, int]]
    outcomes: tuple[Outcome, ...]


def _render(folder: Path) -> tuple[dict[str, tuple[str, int]], tuple[Outcome, ...]]:
    """HTML for everything, then PDFs of three plans and two packs, from hostile names."""
    inputs = corpus.build_render_inputs(folder)
    before = snapshot(folder)
    out = folder / "out"
    common = ["--inputs", str(inputs), "--out", str(out), "--jobs", "2"]
    regions = corpus.RENDER_REGIONS
    outcomes = (
        run_reportgen(["run", *common, "--all", "--format", "html"], cwd=folder),
        run_reportgen(["plans", *common, "--format", "pdf", "--client", "H01", "--client",
                       "H03", "--client", "H05"], cwd=folder),
        run_reportgen(["pack", *common, "--format", "pdf", "--region", regions["H01"],
                       "--region", regions["H03"]], cwd=folder),
    )
    return before, outcomes


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Rendered:
    """The rendering runs, done once per test session even when xdist spreads the tests.

    The first worker to get here renders under a lock in the session's shared temporary
    folder; the others wait and read what it recorded.
    """
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder, record = shared / "hostile-render", shared / "hostile-render.json"
    with (shared / "hostile-render.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if record.exists():
            data = json.loads(record.read_text(encoding="utf-8"))
            before = {k: (v[0], v[1]) for k, v in data["before"].items()}
            outcomes = tuple(Outcome(**o) for o in data["outcomes"])
        else:
            folder.mkdir()
            before, outcomes = _render(folder)
            record.write_text(json.dumps({"before": before, "outcomes": [
                dataclasses.asdict(o) for o in outcomes]}), encoding="utf-8")
    out = folder / "out"
    return Rendered(folder, out, out / corpus.RENDER_MONTH, before, outcomes)


@pytest.mark.slow
def test_rendering_hostile_names_succeeds_within_budget(rendered):
    for outcome in rendered.outcomes:
        assert_clean(outcome)
        assert outcome.exit_code == 0, outcome.text
        assert_within(outcome, corpus.NORMAL)
    assert rendered.outcomes[0].out[0] == (
        "Read 1 file(s): 8 clients, 96 sales lines (2025-11 to 2026-10). 0 error(s), "
        "0 warning(s).")


@pytest.mark.slow
def test_inputs_unchanged_and_nothing_written_outside_out(rendered):
    after = snapshot(rendered.folder)
    outside = {k: v for k, v in after.items() if not k.startswith("out/")}
    assert outside == rendered.before
    root = rendered.out.resolve()
    files = [p for p in rendered.out.rglob("*") if p.is_file()]
    assert len(files) >= 20
    for path in rendered.out.rglob("*"):
        assert not path.is_symlink(), path
        assert path.resolve().is_relative_to(root), path


@pytest.mark.slow
def test_document_file_names_are_plain(rendered):
    names = sorted(p.relative_to(rendered.month).as_posix()
                   for p in rendered.month.rglob("*") if p.is_file())
    assert [n for n in names if n.startswith("packs/")] == [
        "packs/CON-item.html", "packs/East.html", "packs/all-regions.html",
        "packs/b-West-b.html", "packs/b-West-b.pdf", "packs/outside.html", "packs/outside.pdf"]
    assert [n for n in names if n.startswith("plans/") and n.endswith(".pdf")] == [
        "plans/H01-script-alert-1-script-img-src-file-etc-passwd.pdf",
        "plans/H03-HYPERLINK-http-evil-example-x-click.pdf",
        "plans/H05-abcdcba-شركة-النور.pdf"]
    assert not [n for n in names if n.startswith(".") or "/." in n]  # no temporary file left


class _Tags(HTMLParser):
    """Every start tag with its attributes, and every text node with its open elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.texts: list[tuple[str, tuple[tuple[str, dict[str, str]], ...]]] = []
        self._open: list[tuple[str, dict[str, str]]] = []

    _VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                       "meta", "source", "track", "wbr"})

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        self.tags.append((tag, attributes))
        if tag not in self._VOID:
            self._open.append((tag, attributes))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i][0] == tag:
                del self._open[i:]
                break

    def handle_data(self, data: str) -> None:
        self.texts.append((data, tuple(self._open)))


def parsed(path: Path) -> _Tags:
    tags = _Tags()
    tags.feed(path.read_text(encoding="utf-8"))
    tags.close()
    return tags


@pytest.mark.slow
def test_html_shows_every_hostile_name_as_text(rendered):
    for cid, name in corpus.RENDER_CLIENTS.items():
        [plan] = rendered.month.glob(f"plans/{cid}-*.html")
        text = _BIDI_CONTROL.sub("", plan.read_text(encoding="utf-8"))
        # The whole name, escaped, as the plan's heading: markup and {{ 7*7 }} stay literal
        # (bidi controls aside: they are isolated, see the bidi test below).
        shown = escape(_BIDI_CONTROL.sub("", name))
        assert f'<h1 class="doc-title">{shown}</h1>' in text, cid
    index = (rendered.month / "index.html").read_text(encoding="utf-8")
    assert escape(corpus.RENDER_CLIENTS["H01"]) in index
    # The input file's name (itself markup and template syntax) in the pack appendix.
    pack = (rendered.month / "packs" / "all-regions.html").read_text(encoding="utf-8")
    assert str(escape(corpus.RENDER_FILE)) in pack
    assert "{{7*7}}" in html.unescape(pack)


@pytest.mark.slow
def test_html_has_no_active_content_and_no_external_reference(rendered):
    root = rendered.month.resolve()
    pages = list(rendered.month.rglob("*.html"))
    assert len(pages) == 14
    for page in pages:
        tags = parsed(page)
        for tag, attrs in tags.tags:
            assert tag not in ("script", "iframe", "object", "embed", "link", "base", "form"), (
                page, tag)
            assert not [a for a in attrs if a.startswith("on")], (page, tag, attrs)
            for key in ("src", "href", "action", "data", "poster", "srcset"):
                url = attrs.get(key)
                if url is None or url.startswith(("data:", "#")):
                    continue
                # Only links to the month's own files (index.html → plans/…, packs/…).
                assert not re.match(r"[a-zA-Z][\w+.-]*:|//|\\\\", url), (page, key, url)
                assert (page.parent / url).resolve().is_relative_to(root), (page, url)
        styles = page.read_text(encoding="utf-8")
        assert not re.search(r"url\((?!['\"]?data:)", styles), page
        assert not re.search(r"@import", styles), page


_BIDI_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069]")
PASSWD_MARKERS = ("root:x:0:0", "/bin/bash", "/usr/sbin/nologin", "daemon:x:")


#: The only links a PDF may carry: to the month's index, or to a pack's or a plan's PDF.
SIBLING_LINK = re.compile(r"\.\./(?:index\.html|(?:plans|packs)/[A-Za-z0-9%._-]+\.pdf)")


@pytest.mark.slow
def test_pdfs_have_no_local_or_network_content_and_no_attachment(rendered):
    pdfs = sorted(rendered.month.rglob("*.pdf"))
    assert len(pdfs) == 5
    for path in pdfs:
        uris = 0
        data = path.read_bytes()
        reader = PdfReader(path)
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
        assert not any(marker in text for marker in PASSWD_MARKERS), path
        assert not any(marker.encode() in data for marker in PASSWD_MARKERS), path
        catalog = reader.trailer["/Root"]
        names = catalog.get("/Names")
        assert names is None or "/EmbeddedFiles" not in names.get_object(), path
        assert "/AF" not in catalog and "/OpenAction" not in catalog, path
        assert reader.attachments == {}, path
        for page in reader.pages:
            for annot in page.get("/Annots") or []:
                annot = annot.get_object()
                assert annot.get("/Subtype") != "/FileAttachment", path
                action = annot.get("/A")
                if action is not None:
                    action = action.get_object()
                    assert action.get("/S") not in ("/Launch", "/GoToR", "/JavaScript",
                                                    "/SubmitForm", "/ImportData"), (path, action)
                    if action.get("/S") == "/URI":
                        # Only the click-through to the month's other documents: relative,
                        # no scheme, inside the month's folder, to a safe file name.
                        uri = str(action["/URI"])
                        assert SIBLING_LINK.fullmatch(uri), (path, uri)
                        uris += 1
        assert data.count(b"/URI (") + data.count(b"/URI<") <= uris, path
        for marker in (b"/JavaScript", b"/Launch", b"/EmbeddedFile"):
            assert marker not in data, (path, marker)
    # The hostile names are in the PDFs as plain text.
    [plan] = rendered.month.glob("plans/H01-*.pdf")
    text = "".join(page.extract_text() for page in PdfReader(plan).pages)
    assert "<script>alert(1)</script>" in text


def _sheet_xml(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as zf:
        return [zf.read(n).decode("utf-8") for n in zf.namelist()
                if n.startswith("xl/worksheets/") and n.endswith(".xml")]


@pytest.mark.slow
def test_exported_workbooks_hold_formula_like_names_as_text(rendered):
    books = sorted(rendered.month.glob("*.xlsx"))
    assert [b.name for b in books] == ["data-quality.xlsx", "drivers.xlsx", "metrics.xlsx",
                                       "opportunities.xlsx", "tiers.xlsx"]
    for book in books:
        for xml in _sheet_xml(book):
            assert not re.search(r"<(\w+:)?f[ >/]", xml), book
        for sheet in load_workbook(book).worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
                        assert cell.data_type == "s", (book, cell.coordinate, cell.value)
    tiers = load_workbook(rendered.month / "tiers.xlsx").worksheets[0]
    rows = list(tiers.iter_rows(values_only=True))
    header = rows[0]
    by_id = {r[header.index("client_id")]: r for r in rows[1:]}
    for cid in ("H03", "H04", "H08"):
        assert by_id[cid][header.index("name")] == corpus.RENDER_CLIENTS[cid]
        assert by_id[cid][header.index("account_manager")].startswith("-1+1 ")
    assert by_id["H03"][header.index("region")] == "../../outside"


_EMBED_OPEN = frozenset("\u202a\u202b\u202d\u202e")  # LRE RLE LRO RLO, closed by PDF
_ISOLATE_OPEN = frozenset("\u2066\u2067\u2068")  # LRI RLI FSI, closed by PDI
_PDF, _PDI = "\u202c", "\u2069"
_BIDI = _EMBED_OPEN | _ISOLATE_OPEN | {_PDF, _PDI}
_ISOLATING_CLASSES_CSS = re.compile(r"\.([\w-]+)\s*\{[^}]*unicode-bidi\s*:\s*(isolate|plaintext)")


def _reorders_outside(text: str) -> bool:
    """True when ``text``'s bidi controls can reach text outside it (Unicode's UAX #9 rules).

    An embedding or override left open reorders what follows; a PDF or PDI with nothing of
    the text's own to close would close something the page opened. A PDI closes its isolate
    and everything opened inside it.
    """
    stack: list[str] = []
    for ch in text:
        if ch in _EMBED_OPEN:
            stack.append("embedding")
        elif ch in _ISOLATE_OPEN:
            stack.append("isolate")
        elif ch == _PDF:
            if not stack:
                return True
            if stack[-1] == "embedding":
                stack.pop()  # (a PDF facing an isolate is ignored)
        elif ch == _PDI:
            if "isolate" not in stack:
                return True
            while stack.pop() != "isolate":
                pass
    return bool(stack)


def _isolated(ancestors: tuple[tuple[str, dict[str, str]], ...], css: str) -> bool:
    """True when an enclosing element isolates its text: <bdi>, dir=, or unicode-bidi CSS."""
    isolating = {name for name, _ in _ISOLATING_CLASSES_CSS.findall(css)}
    for tag, attrs in ancestors:
        if tag == "bdi" or "dir" in attrs:
            return True
        if "unicode-bidi" in attrs.get("style", "") and "isolate" in attrs.get("style", ""):
            return True
        if isolating & set(attrs.get("class", "").split()):
            return True
    return False


@pytest.mark.slow
def test_bidi_text_cannot_reorder_the_text_around_it(rendered):
    leaks, checked = [], 0
    for page in sorted(rendered.month.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        css = "".join(re.findall(r"<style[^>]*>(.*?)</style>", text, re.S))
        for data, ancestors in parsed(page).texts:
            if not _BIDI & set(data):
                continue
            checked += 1
            if _reorders_outside(data) and not _isolated(ancestors, css):
                leaks.append((page.name, ancestors[-1][0] if ancestors else "", data[:60]))
    assert checked >= 10  # the override-carrying names and regions are on the pages
    assert leaks == []


def test_bidi_check_tells_isolated_text_from_leaking_text():
    """The checker above, on hand-made pages: it must flag what leaks and pass what does not."""
    leaking = ["abc\u202edcba", "\u202c", "x\u2069", "\u202eabc\u2069", "\u2068\u202c"]
    safe = ["plain", "abc\u202edcba\u202c tail", "\u2068abc\u202edcba\u202c\u2069",
            "\u2068abc\u202edcba\u2069 tail", "\u2067شركة\u2069 (H05)"]
    assert [_reorders_outside(t) for t in leaking] == [True] * len(leaking)
    assert [_reorders_outside(t) for t in safe] == [False] * len(safe)
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "p.html"
        page.write_text("<style>.name{unicode-bidi:isolate}</style><p>A <bdi>x\u202ey</bdi> "
                        "<span class='name'>x\u202ey</span> <span>x\u202ey</span></p>",
                        encoding="utf-8")
        css = ".name{unicode-bidi:isolate}"
        verdicts = [_isolated(anc, css) for data, anc in parsed(page).texts
                    if "\u202e" in data]
        assert verdicts == [True, True, False]


# --------------------------------------------------------------------------------------------
# Properties: cell parsers, the loader and document file names on arbitrary input

CONFIG = Config()
_ANY_CELL = st.one_of(
    st.none(), st.text(), st.booleans(), st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)),
    st.dates(), st.times(), st.timedeltas(),
    st.sampled_from(["NA", "N/A", "None", "#DIV/0!", "-", "—", "1e400", "٣٤", "１２３", "\u202e",
                     "=1+1", "(1,000)", "¥", "0x10", "2026-02-30", "24/02/2026", "Total"]),
)
_TERMINAL_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@settings(max_examples=60, deadline=None)
@given(st.lists(_ANY_CELL, max_size=10))
def test_every_column_type_takes_any_cell_and_explains_safely(cells):
    """Whatever calamine may hand over: a value or a problem, never an exception or an escape."""
    seen = set()
    for kind in schema.SHEETS.values():
        for column in kind.columns:
            if (column.type, column.values) in seen:
                continue
            seen.add((column.type, column.values))
            result = convert_column(column, cells, config=CONFIG)
            assert len(result.values) == len(cells)
            for problem in result.problems:
                assert problem.message and not _TERMINAL_UNSAFE.search(problem.message)
                assert not _TERMINAL_UNSAFE.search(problem.hint)
                assert not _TERMINAL_UNSAFE.search(problem.value)


@given(_ANY_CELL)
def test_scalar_parsers_give_a_value_or_a_plain_refusal(cell):
    for parse in (parse_money, parse_date, parse_id):
        try:
            parse(cell)
        except CellValueError as exc:
            assert exc.message and not _TERMINAL_UNSAFE.search(exc.message + exc.hint)


# No other delimiter than the comma (the sniffer would rightly pick it): hostile content only.
_CSV_TEXT = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00;\t|"),
                    max_size=12)
_CSV_CELL = st.one_of(_CSV_TEXT, st.sampled_from(
    ["2026-10-03", "C1", "1,200.50", "¥3", "(5)", "NA", "Total", "=1+1", "24/02/2026",
     "02/24/2026", "\u202e", "\x1b[2J\x1b]0\x07", "客户编号", "金额", "", " "]))


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rows=st.lists(st.lists(_CSV_CELL, max_size=5), max_size=8))
def test_loader_survives_any_sales_csv(tmp_path, rows):
    """A Sales CSV of arbitrary cells under a real header: issues, never an exception."""
    with tempfile.TemporaryDirectory(dir=tmp_path) as folder:
        inputs = Path(folder)
        corpus.write_csv(inputs / "clients.csv", corpus.CLIENTS)
        corpus.write_csv(inputs / "sales.csv", [corpus.SALES_HEADER, *rows])
        before = snapshot(inputs)
        dataset = load_inputs(inputs, CONFIG)
        assert snapshot(inputs) == before
    for issue in dataset.issues:
        assert not _TERMINAL_UNSAFE.search(issue.line()), issue
        assert issue.code not in ("no_header", "missing_column", "csv_encoding"), issue
        if issue.skipped:
            assert issue.file == "sales.csv" and issue.row is not None
    sales = dataset.tables.get("sales")
    kept = 0 if sales is None else len(sales)
    skipped = {i.row for i in dataset.issues if i.skipped and i.file == "sales.csv"}
    filled = sum(1 for r in rows if any(c.strip() for c in r))
    # Every filled row is either kept or reported as skipped: none is silently dropped.
    assert kept + len(skipped) >= filled


_NAME = st.one_of(st.text(max_size=40), st.sampled_from(
    ["all-regions", "All Regions", "ALL_REGIONS", "region all regions", "..", "CON", "nul.txt",
     "\u202e", "华东", "😀", "a/b", "a\\b", " ", ""]))


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=12), _NAME, min_size=1, max_size=10))
def test_plan_file_names_stay_inside_and_differ(clients):
    """Any client ids and names: plans/<stem> inside the folder, one file per client."""
    stems = plan_stems(list(clients.items()))
    assert set(stems) == set(clients)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for stem in stems.values():
            target = safe_join(root, stem + ".pdf")
            assert target.parent == root / "plans"
            target.parent.mkdir(exist_ok=True)
            target.touch()
        assert len(list((root / "plans").iterdir())) == len(clients)
    assert len({s.casefold() for s in stems.values()}) == len(stems)


@settings(max_examples=150, deadline=None)
@given(st.lists(_NAME, min_size=1, max_size=8, unique=True))
@example(["All Regions"])
@example(["all-regions", "region all regions"])
def test_pack_file_names_stay_inside_and_differ_from_the_leadership_pack(regions):
    stems = pack_stems(regions)
    assert set(stems) == set(regions)
    folded = [s.casefold() for s in stems.values()]
    assert "packs/all-regions" not in folded
    assert len(set(folded)) == len(folded)
    with tempfile.TemporaryDirectory() as folder:
        for stem in stems.values():
            assert safe_join(Path(folder), stem + ".pdf").parent == Path(folder).resolve() / "packs"


def test_id_text_keeps_what_was_written():
    """Ids are trimmed text, never numbers: the id-mismatch case rests on this."""
    assert parse_id("01001") == ("01001", False)
    assert parse_id(1001.0)[0] == "1001"


# --------------------------------------------------------------------------------------------
# The corpus in Chinese

#: Quoted text (cell values, sheet and column names, option names as Click quotes them).
_QUOTED = re.compile(r'"[^"]*"|“[^”]*”|\'[^\']*\'|「[^」]*」')
#: What stays Latin in a Chinese sentence: settings, options, file kinds, sizes, cells, paths.
_LATIN_TERMS = re.compile(
    r"\[[a-z_.…]+\]( [a-z_]+)?|--[a-z-]+|[\w.-]*\.(?:xlsx|xlsm|xls|ods|csv|toml|odt|odp|html)\b"
    r"|\b(?:MB|KB|GBK|UTF-8|CSV|Excel|WPS|OpenDocument|XML|HTML|zip|reportgen|Debian|PDF)\b"
    r"|\b[A-Z]{1,3}\d+(?::[A-Z]{1,3}\d+)?\b|/\S*")
_ENGLISH_RUN = re.compile(r"\b[A-Za-z]{2,}(?:[ ,]+[A-Za-z]{2,}){2,}")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def chinese_line_problem(line: str, names: set[str]) -> str | None:
    """Why ``line`` is not Chinese (None when it is): file names and quoted values aside."""
    text = line
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    text = _LATIN_TERMS.sub(" ", _QUOTED.sub(" ", text))
    if not text.strip():
        return None
    if not _CJK.search(text):
        return "no Chinese"
    english = _ENGLISH_RUN.search(text)
    return f"English: {english.group(0)!r}" if english else None


def test_the_chinese_check_catches_english():
    assert chinese_line_problem("警告：book.xlsx：无法把 \"a b c d\" 识别为日期", set()) is None
    assert chinese_line_problem("warning: cannot read the date", set()) == "no Chinese"
    assert chinese_line_problem("警告：the row was skipped", set()) == (
        "English: 'the row was skipped'")


@pytest.mark.slow
@pytest.mark.parametrize("case", corpus.CASES, ids=lambda case: case.name)
def test_hostile_input_in_chinese(tmp_path, case):
    """`check --lang zh` on every hostile input: every line Chinese, no English sentence."""
    folder = tmp_path / "case"
    case.build(folder)
    inputs = folder / "inputs"
    args = ["check", "--inputs", str(inputs), "--lang", "zh", *case.options]
    if case.config:
        config = folder / "reportgen.toml"
        config.write_text(case.config, encoding="utf-8")
        args += ["--config", str(config)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == case.exit_code, result.output
    assert "Traceback" not in result.output
    names = {str(inputs), str(folder), *(p.name for p in inputs.rglob("*"))}
    names |= {p.stem for p in inputs.rglob("*") if p.is_file()}
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines
    wrong = [(line, why) for line in lines if (why := chinese_line_problem(line, names))]
    assert wrong == []
