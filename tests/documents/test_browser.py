"""The HTML opens in a real browser (Debian's Chromium) with no failed request or error."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from click.testing import CliRunner

from reportgen.cli.app import cli
from reportgen.sample.dataset import write_sample

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed "
                                "(./scripts/bootstrap.sh installs it)")


@pytest.fixture(scope="module")
def month_folder(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("browser")
    write_sample(root / "inputs")
    result = CliRunner().invoke(cli, [
        "run", "--inputs", str(root / "inputs"), "--out", str(root / "out"),
        "--format", "html", "--quiet"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return root / "out" / "2026-10"


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking"])
        yield browser
        browser.close()


def local(href: str) -> Path:
    """The file a file:// link points to."""
    return Path(unquote(urlparse(href).path))


def open_page(browser, path: Path):
    """Load ``path``; return the page and the failed requests and console errors seen."""
    page = browser.new_page()
    failed: list[str] = []
    errors: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(path.as_uri(), wait_until="load")
    return page, failed, errors


def test_index_plan_and_pack_render_cleanly_and_links_resolve(browser, month_folder):
    page, failed, errors = open_page(browser, month_folder / "index.html")
    assert failed == [] and errors == []
    assert page.evaluate("document.documentElement.lang") == "en"
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    assert any("/packs/" in h for h in hrefs) and any("/plans/" in h for h in hrefs)
    for href in hrefs:
        assert href.startswith("file://"), href
        assert local(href).is_file(), href
    page.close()
    plan = next(h for h in hrefs if "/plans/" in h and h.endswith(".html"))
    pack = next(h for h in hrefs if "/packs/" in h and h.endswith(".html"))
    for href in (plan, pack):
        page, failed, errors = open_page(browser, local(href))
        assert failed == [], href
        assert errors == [], href
        # Charts are images from data: URIs; every one of them decoded.
        broken = page.eval_on_selector_all(
            "img", "els => els.filter(e => !(e.complete && e.naturalWidth > 0)).length")
        assert broken == 0, href
        assert page.eval_on_selector_all("img", "els => els.length") > 0, href
        page.close()
