"""The month's run end to end: workbooks, plans, packs, index, manifest, incremental reruns."""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from reportgen.cli.app import cli
from reportgen.documents.build import RenderTask, render_task
from reportgen.outputs.lock import RUN_LOCK

MONTH = "2026-10"


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def html_run(sample_inputs, tmp_path_factory) -> Path:
    """The demo month rendered as HTML only (fast), once for the module."""
    out = tmp_path_factory.mktemp("html-out")
    run("run", "--inputs", str(sample_inputs), "--out", str(out), "--format", "html",
        "--jobs", "2", "--quiet")
    return out / MONTH


def mtimes(folder: Path) -> dict[str, int]:
    # Not the month's lock: every run writes its PID there while it holds it.
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns
            for p in folder.rglob("*") if p.is_file() and p.name != RUN_LOCK}


def test_run_writes_workbooks_plans_packs_index_and_manifest(html_run):
    names = set(mtimes(html_run))
    assert {"tiers.xlsx", "metrics.xlsx", "opportunities.xlsx", "data-quality.xlsx",
            "index.html", "manifest.json", "packs/all-regions.html"} <= names
    tiers = load_workbook(html_run / "tiers.xlsx", read_only=True).worksheets[0]
    rows = list(tiers.iter_rows(values_only=True))
    header = rows[0]
    key = [r for r in rows[1:] if r[header.index("tier")] in ("major", "named")]
    plans = sorted(n for n in names if n.startswith("plans/"))
    assert len(plans) == len(key)
    for row in key:
        cid = row[header.index("client_id")]
        assert any(p.startswith(f"plans/{cid}-") for p in plans), cid
    regions = {r[header.index("region")] for r in rows[1:]}
    packs = sorted(n for n in names if n.startswith("packs/"))
    assert len(packs) == len(regions) + 1


def test_manifest_records_inputs_options_counts_and_outputs(html_run, sample_inputs):
    manifest = json.loads((html_run / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["month"] == MONTH
    inputs = {i["name"]: i for i in manifest["inputs"]}
    assert set(inputs) == {p.name for p in sample_inputs.iterdir()}
    import hashlib

    for path in sample_inputs.iterdir():
        assert inputs[path.name]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert manifest["options"]["lang"] == "en"
    assert manifest["counts"]["clients"] == 300
    assert manifest["counts"]["skipped_rows"] == 2
    assert any("2026-09-31" in w for w in manifest["warnings"])
    assert all(doc["fingerprint"] for doc in manifest["documents"].values())


def test_index_links_every_output_and_each_link_resolves(html_run):
    index = (html_run / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'href="([^"]+)"', index)
    assert links
    for link in links:
        assert not re.match(r"^[a-z]+:|^/", link), link
        assert (html_run / link).is_file(), link
    for name in mtimes(html_run):
        if name.endswith((".html", ".xlsx")) and name != "index.html":
            assert name in links, f"index.html does not link {name}"


def test_index_groups_the_plans_by_tier_with_each_client_s_region(html_run):
    # Counted from tiers.xlsx: the index's headings are the key tiers with their plan counts,
    # and each plan's line names its client's region.
    tiers = load_workbook(html_run / "tiers.xlsx", read_only=True).worksheets[0]
    rows = list(tiers.iter_rows(values_only=True))
    header = rows[0]
    column = {name: header.index(name) for name in ("client_id", "tier", "region")}
    key = [r for r in rows[1:] if r[column["tier"]] in ("major", "named")]
    index = (html_run / "index.html").read_text(encoding="utf-8")
    headings = re.findall(r'<h3 class="index-tier">([^<]*)</h3>', index)
    counts = {t: sum(1 for r in key if r[column["tier"]] == t) for t in ("major", "named")}
    assert headings == [f"Major account ({counts['major']})",
                        f"Named account ({counts['named']})"]
    for row in key:
        line = re.search(rf'<li><span class="index-title">[^<]*\({row[column["client_id"]]}\)'
                         r'</span> <span class="muted">([^<]*)</span>', index)
        assert line is not None and line.group(1) == row[column["region"]], row


def test_html_documents_are_self_contained(html_run):
    for path in html_run.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "<link" not in text and "<script" not in text, path
        assert not re.search(r"""(src|href)=["']?(https?:|file:|//)""", text), path
        assert not re.search(r"url\((?!['\"]?data:)", text), path


def test_unchanged_rerun_renders_and_rewrites_nothing(sample_inputs, tmp_path):
    out = tmp_path / "out"
    run("run", "--inputs", str(sample_inputs), "--out", str(out), "--format", "html",
        "--quiet")
    before = mtimes(out)
    output = run("run", "--inputs", str(sample_inputs), "--out", str(out), "--format", "html")
    assert "0 file(s) written" in output
    assert mtimes(out) == before


def test_one_regions_change_rebuilds_only_what_it_touches(sample_inputs, tmp_path):
    inputs = tmp_path / "inputs"
    shutil.copytree(sample_inputs, inputs)
    out = tmp_path / "out"
    run("run", "--inputs", str(inputs), "--out", str(out), "--format", "html", "--quiet")
    folder = out / MONTH
    before = mtimes(folder)
    # Double one October sales line of a West client.
    from openpyxl import load_workbook as open_book

    book = open_book(inputs / "sales-west.xlsx")
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    date_col, amount_col = header.index("日期" if "日期" in header else "Date"), None
    for name in ("金额", "Amount"):
        if name in header:
            amount_col = header.index(name)
    assert amount_col is not None
    for row in sheet.iter_rows(min_row=2):
        value = row[date_col].value
        if value is not None and str(value).startswith(MONTH):
            row[amount_col].value = float(row[amount_col].value) * 2
            break
    book.save(inputs / "sales-west.xlsx")
    run("run", "--inputs", str(inputs), "--out", str(out), "--format", "html", "--quiet")
    after = mtimes(folder)
    changed = {n for n in after if after[n] != before.get(n)}
    packs = {n for n in changed if n.startswith("packs/")}
    assert "packs/all-regions.html" in packs
    assert len(packs) == 2, packs  # that region's pack and the leadership one
    untouched_packs = {n for n in before if n.startswith("packs/")} - packs
    assert untouched_packs and all(after[n] == before[n] for n in untouched_packs)
    plans = {n for n in before if n.startswith("plans/")}
    assert any(after[n] == before[n] for n in plans)


def test_force_renders_everything_again(sample_inputs, tmp_path):
    out = tmp_path / "out"
    args = ["pack", "--inputs", str(sample_inputs), "--out", str(out), "--format", "html",
            "--quiet"]
    run(*args)
    first = mtimes(out / MONTH)
    run(*args, "--force")
    second = mtimes(out / MONTH)
    assert all(second[n] != first[n] for n in first if n.startswith("packs/"))


def test_plans_for_one_client_and_unknown_client(sample_inputs, tmp_path):
    out = tmp_path / "out"
    run("plans", "--inputs", str(sample_inputs), "--out", str(out), "--format", "html",
        "--client", "C0001", "--quiet")
    assert [p.name for p in (out / MONTH / "plans").iterdir()][0].startswith("C0001-")
    result = CliRunner().invoke(cli, ["plans", "--inputs", str(sample_inputs), "--out",
                                      str(out), "--client", "NOPE", "--quiet"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        "Error: --client NOPE: no client has that id; check the Clients sheet")


def test_rerun_with_nothing_changed_skips_the_analysis(sample_inputs, tmp_path, monkeypatch):
    out = tmp_path / "out"
    run("run", "--inputs", str(sample_inputs), "--out", str(out), "--format", "html",
        "--quiet")
    before = mtimes(out)

    def no_analysis(*_args, **_kwargs):
        raise AssertionError("an unchanged rerun must not analyse again")

    monkeypatch.setattr("reportgen.analysis.pipeline.analyse", no_analysis)
    output = run("run", "--inputs", str(sample_inputs), "--out", str(out), "--format", "html")
    assert output.splitlines()[-1] == (
        f"Nothing changed since the last run for {MONTH}: 0 file(s) written; "
        f"open {out / MONTH / 'index.html'}")
    # The warnings of the month are still shown.
    assert 'cannot read "2026-09-31" as a date' in output
    assert mtimes(out) == before
    # A deleted output, or --force, makes the run do its work again.
    (out / MONTH / "packs" / "all-regions.html").unlink()
    monkeypatch.undo()
    run("run", "--inputs", str(sample_inputs), "--out", str(out), "--format", "html",
        "--quiet")
    assert (out / MONTH / "packs" / "all-regions.html").is_file()


def test_analyze_twice_rewrites_no_workbook(sample_inputs, tmp_path):
    out = tmp_path / "out"
    run("analyze", "--inputs", str(sample_inputs), "--out", str(out), "--quiet")
    before = mtimes(out / MONTH)
    assert {"tiers.xlsx", "metrics.xlsx", "opportunities.xlsx", "data-quality.xlsx",
            "manifest.json"} <= set(before)
    run("analyze", "--inputs", str(sample_inputs), "--out", str(out), "--quiet")
    assert mtimes(out / MONTH) == before


def test_pack_links_lead_to_plans_that_exist_and_back_to_the_index(html_run):
    links = 0
    for pack in (html_run / "packs").glob("*.html"):
        html = pack.read_text(encoding="utf-8")
        hrefs = re.findall(r'href="(\.\./[^"#]+)"', html)
        assert "../index.html" in hrefs, pack.name
        for href in hrefs:
            assert (pack.parent / href).resolve().is_file(), (pack.name, href)
            links += href.startswith("../plans/")
    assert links > 0
    index = (html_run / "index.html").read_text(encoding="utf-8")
    assert 'href="packs/all-regions.html"' in index and 'href="plans/' in index
    for plan in list((html_run / "plans").glob("*.html"))[:3]:
        assert 'href="../index.html"' in plan.read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- whole or nothing

def _task(folder: Path, templates: Path, time_limit: float = 0.0) -> RenderTask:
    (templates / "doc.html").write_text("<html><body><p>{{ greeting }}</p></body></html>",
                                        encoding="utf-8")
    return RenderTask(folder=str(folder), stem="packs/East", title="East", template="doc.html",
                      view={"greeting": "new month"}, generated="2026-11-02T09:00:00+00:00",
                      lang="en", currency="CNY", templates=str(templates),
                      formats=("html", "pdf"), time_limit=time_limit)


@pytest.fixture
def last_run(tmp_path) -> tuple[Path, Path]:
    """A month folder holding last run's HTML and PDF of packs/East, and a templates folder."""
    folder, templates = tmp_path / "month", tmp_path / "templates"
    (folder / "packs").mkdir(parents=True)
    templates.mkdir()
    (folder / "packs" / "East.html").write_bytes(b"last run's html")
    (folder / "packs" / "East.pdf").write_bytes(b"last run's pdf")
    return folder, templates


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (folder / "packs").iterdir()}


def test_a_pdf_that_fails_leaves_last_run_s_pair_untouched(last_run, monkeypatch):
    # The HTML is made before the PDF: written at once, it would sit new beside the old PDF.
    folder, templates = last_run
    import reportgen.documents.pdf as pdf

    def fails(*_args, **_kwargs):
        raise RuntimeError("the renderer gave up")

    monkeypatch.setattr(pdf, "render_pdf", fails)
    stem, written, _, error, data = render_task(_task(folder, templates))
    assert (stem, written, data) == ("packs/East", [], [])
    assert str(error) == "RuntimeError: the renderer gave up"
    assert _files(folder) == {"East.html": b"last run's html", "East.pdf": b"last run's pdf"}


def test_a_pdf_past_the_time_limit_writes_nothing(last_run, monkeypatch):
    folder, templates = last_run
    import reportgen.documents.pdf as pdf

    def slow(*_args, **_kwargs):
        time.sleep(5)
        return b"%PDF-1.7"

    monkeypatch.setattr(pdf, "render_pdf", slow)
    _, written, _, error, _ = render_task(_task(folder, templates, time_limit=0.3))
    assert written == []
    assert str(error) == ("took longer than 0.3 seconds ([limits] render_seconds); nothing "
                          "was written for it")
    assert _files(folder) == {"East.html": b"last run's html", "East.pdf": b"last run's pdf"}


def test_a_document_made_whole_replaces_both_files(last_run):
    folder, templates = last_run
    _, written, _, error, _ = render_task(_task(folder, templates))
    assert (written, error) == (["packs/East.html", "packs/East.pdf"], "")
    files = _files(folder)
    assert b"new month" in files["East.html"]
    assert files["East.pdf"].startswith(b"%PDF-")
