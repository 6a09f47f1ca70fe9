"""Documents at the edges: a megabyte of text in one cell, twenty thousand rows for one client.

Through the real command (`reportgen run`), then the produced HTML and PDF as a reader sees
them: the long name is cut with "…" in tables and titles and the plan says where the whole
name is; a long list shows its first rows and says how many more, in English and Chinese.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from reportgen.cli.app import cli
from reportgen.documents.cut import CELL_CHARS, LIST_ROWS, TEXT_CHARS, TITLE_CHARS, cut
from tests import hostile_corpus as corpus
from tests.outputs.test_interrupt import MONTH

pytestmark = pytest.mark.slow

#: About a megabyte of words: a name or a note nobody can read whole on a page.
LONG_NAME = "Northwind Trading " * 58_255
LONG_NOTE = "The delivery was late again and " * 32_768
MANY = 20_000


def _book(inputs: Path, *, name: str = "Northwind", note: str = "Late delivery",
          many: int = 0, region: str = "华南") -> Path:
    """Four key clients in 华东 and ``region``; C2 with ``name``, a complaint, ``many`` rows."""
    clients: list[list[object]] = [corpus.CLIENT_HEADER]
    sales: list[list[object]] = [corpus.SALES_HEADER]
    for i, client in enumerate(["恒通机电", name, "华南贸易", "Contoso"], start=1):
        cid = f"C{i}"
        clients.append([cid, client, "华东" if i % 2 else region, "王芳", 3_000_000 * i])
        for month in range(1, 13):
            year, mon = (2025, month + 10) if month <= 2 else (2026, month - 2)
            sales.append([f"{year}-{mon:02d}-1{i}", cid, 1000.0 * i + month, f"{cid}-{month}"])
    opportunities: list[list[object]] = [["opp_id", "client_id", "title", "value", "stage"]]
    opportunities += [[f"P{n:05d}", "C2", f"Deal {n:05d}", 1000 + n, "proposal"]
                      for n in range(max(many, 1))]
    contacts: list[list[object]] = [["client_id", "name", "buying_role", "attitude"]]
    contacts += [["C2", f"Person {n:05d}", "user", "neutral"] for n in range(max(many, 1))]
    feedback = [["date", "client_id", "type", "category", "resolved", "note"],
                ["2026-09-20", "C2", "complaint", "delivery", "no", note]]
    return corpus.write_xlsx(inputs / "book.xlsx", [
        corpus.Sheet("Clients", clients), corpus.Sheet("Sales", sales),
        corpus.Sheet("Opportunities", opportunities), corpus.Sheet("Contacts", contacts),
        corpus.Sheet("Feedback", feedback)])


def _run(inputs: Path, tmp_path: Path, lang: str) -> Path:
    result = CliRunner().invoke(cli, [
        "run", "--inputs", str(inputs), "--out", str(tmp_path / "out"),
        "--month", MONTH, "--lang", lang, "--jobs", "2", "--quiet"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return tmp_path / "out" / MONTH


def _plan(folder: Path, ext: str) -> Path:
    [path] = (folder / "plans").glob(f"C2-*.{ext}")
    return path


def _pdf_text(path: Path) -> str:
    """The PDF's text with every run of white space as one space (lines wrap anywhere)."""
    text = " ".join(page.extract_text() for page in PdfReader(path).pages)
    return re.sub(r"\s+", " ", text)


def _html_text(path: Path) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")))


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_a_megabyte_name_and_note_are_cut_and_the_plan_says_where_the_whole_is(tmp_path):
    assert len(LONG_NAME) > 1_000_000 and len(LONG_NOTE) > 1_000_000
    _book(tmp_path / "inputs", name=LONG_NAME, note=LONG_NOTE)
    folder = _run(tmp_path / "inputs", tmp_path, "en")
    title = cut(LONG_NAME.strip(), TITLE_CHARS)
    assert title == "Northwind Trading " * 6 + "Northwind T…"  # 119 characters and "…"
    plan = _pdf_text(_plan(folder, "pdf"))
    # The heading holds the first 119 characters and "…", and says where the whole name is.
    assert _words(title) in plan
    assert ("The client's name is cut here: it has 1,048,589 characters. The whole name is "
            "in book.xlsx, sheet Clients, row 3.") in plan
    # The open complaint's note, cut at its own length.
    assert _words(cut(LONG_NOTE.strip(), TEXT_CHARS)) in plan
    assert PdfReader(_plan(folder, "pdf")).metadata.title == f"Account plan: {title} (C2)"
    # In the region's pack the name is a table cell's worth.
    pack = _pdf_text(folder / "packs" / "华南.pdf")
    cell = cut(LONG_NAME.strip(), CELL_CHARS)
    assert cell.endswith("…") and _words(cell) in pack
    assert "Northwind Trading " * 5 not in pack  # nothing longer than a cell
    # No document holds the megabyte: each is a few pages' worth.
    for path in [*folder.glob("*/*.html"), *folder.glob("*/*.pdf")]:
        assert path.stat().st_size < 600_000, path.name



def test_a_megabyte_region_name_is_cut_and_its_pack_is_made(tmp_path):
    # A region is spreadsheet text too: whole, it made its pack and the leadership pack run
    # past the render time limit. Cut, the pack's title holds a title's worth and every table
    # a cell's.
    long_region = "South Coast " * 87_382
    assert len(long_region) > 1_000_000
    _book(tmp_path / "inputs", region=long_region)
    folder = _run(tmp_path / "inputs", tmp_path, "en")
    title = cut(long_region.strip(), TITLE_CHARS)
    assert title == "South Coast " * 9 + "South Coast…"  # 119 characters and "…"
    [pack] = [p for p in (folder / "packs").glob("*.pdf") if p.name.startswith("South")]
    text = _pdf_text(pack)
    assert f"{_words(title)} review pack" in text
    assert PdfReader(pack).metadata.title == f"{title} review pack · October 2026"
    assert "South Coast " * 11 not in text  # nothing longer than the title
    leadership = _pdf_text(folder / "packs" / "all-regions.pdf")
    cell = cut(long_region.strip(), CELL_CHARS)
    assert cell.endswith("…") and _words(cell) in leadership
    assert "South Coast " * 6 not in leadership  # nothing longer than a cell
    assert "South Coast " * 11 not in _html_text(folder / "index.html")  # the pack's title
    for path in [*folder.glob("*/*.html"), *folder.glob("*/*.pdf"), folder / "index.html"]:
        assert path.stat().st_size < 600_000, path.name


@pytest.fixture(scope="module")
def many(tmp_path_factory) -> Path:
    """The inputs folder, with a client of 20,000 opportunities and 20,000 contacts."""
    inputs = tmp_path_factory.mktemp("many") / "inputs"
    _book(inputs, many=MANY)
    return inputs


@pytest.mark.parametrize(("lang", "opportunities", "contacts"), [
    ("en", "… and 19,980 more in opportunities.xlsx.",
     "… and 19,980 more in book.xlsx, sheet Contacts."),
    ("zh", "……另有 19,980 个，见 opportunities.xlsx。",
     "……另有 19,980 条，见 book.xlsx 的“Contacts”工作表。"),
])
def test_twenty_thousand_rows_show_the_first_and_say_how_many_more(
        many, tmp_path, lang, opportunities, contacts):
    folder = _run(many, tmp_path, lang)
    assert MANY - LIST_ROWS == 19_980
    html = _html_text(_plan(folder, "html"))
    pdf = _pdf_text(_plan(folder, "pdf"))
    for text in (html, pdf):
        assert opportunities in text
        assert contacts in text
        # The top ones: the largest open opportunities first, contacts by name.
        assert "P19999" in text and f"P{MANY - LIST_ROWS:05d}" in text
        assert f"P{MANY - LIST_ROWS - 1:05d}" not in text
        assert "Person 00000" in text and "Person 00019" in text
        assert "Person 00020" not in text
    # The suggestions are cut the same way: four from the client's figures (the open
    # complaint, cross-selling, no decision-maker, no supporter), then one per open
    # opportunity: 20,004, of which 20 are shown.
    suggested = "… and 19,984 more." if lang == "en" else "……另有 19,984 条。"
    assert suggested in html and suggested in pdf
