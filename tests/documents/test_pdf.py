import datetime as dt
import io
import shutil
import subprocess
import time

import pytest
from pypdf import PdfReader

from reportgen.documents import pdf as pdfmod
from reportgen.documents.pdf import (
    CJK_FONT_HINT,
    HARFBUZZ_SUBSET_HINT,
    RefusedURL,
    SafeURLFetcher,
    cjk_font_available,
    font_warnings,
    harfbuzz_subset_available,
    render_pdf,
)
from reportgen.documents.render import make_environment, render_template

CST = dt.timezone(dt.timedelta(hours=8))
GENERATED = dt.datetime(2026, 11, 3, 9, 30, tzinfo=CST)


def document(lang, body, tmp_path, title="East"):
    """HTML from the built-in base layout with ``body`` as the content block."""
    folder = tmp_path / "tpl"
    folder.mkdir(exist_ok=True)
    (folder / "doc.html").write_text(
        '{% extends "base.html" %}{% block content %}' + body + "{% endblock %}", "utf-8"
    )
    env = make_environment(lang, folder)
    context = {"document_title": title, "month": "2026-10", "generated": GENERATED}
    return render_template(env, "doc.html", context)


def pdf_pages(data):
    reader = PdfReader(io.BytesIO(data))
    return reader, [page.extract_text() for page in reader.pages]


def font_names(reader):
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).split("+", 1)[1])
    return names


@pytest.fixture(scope="module")
def chinese_pdf(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("zh")
    # ¥1,234,567.89 in stored money (millionths), shown to the whole yuan.
    body = (
        "<h2>{{ '华东' }} {{ 'major'|label('tier') }}</h2><p>上海申通物流有限公司</p>"
        "<section class='page-break'><p>{{ 1234567890000|money }}</p></section>"
    )
    html = document("zh", body, tmp, title="华东")
    return html, render_pdf(html, generated=GENERATED, title="华东 2026年10月", lang="zh")


def test_chinese_text_comes_out_as_chinese(chinese_pdf):
    _, data = chinese_pdf
    reader, pages = pdf_pages(data)
    assert "华东 重要客户" in pages[0]
    assert "上海申通物流有限公司" in pages[0]
    assert "¥1,234,568" in pages[1]
    # Drawn with the CJK font, not a Latin font's empty boxes.
    assert font_names(reader) <= {"Noto-Sans-CJK-SC", "Noto-Sans-CJK-SC-Bold"}


def test_pages_are_numbered_with_month_and_generation_date(chinese_pdf):
    _, data = chinese_pdf
    _, pages = pdf_pages(data)
    assert len(pages) == 2
    assert "第 1 页，共 2 页" in pages[0]
    assert "第 2 页，共 2 页" in pages[1]
    for text in pages:
        assert "2026年10月 · 生成日期：2026年11月3日" in text
    # Page 2's body is just the amount: the title and month come from the running header,
    # which the first page leaves out (its heading says it in full).
    assert pages[1].splitlines() == [
        "¥1,234,568",
        "华东 2026年10月",
        "2026年10月 · 生成日期：2026年11月3日 第 2 页，共 2 页",
    ]
    assert pages[0].count("华东 2026年10月") == 0


def test_english_page_footer(tmp_path):
    html = document("en", "<p>one</p><section class='page-break'><p>two</p></section>", tmp_path)
    _, pages = pdf_pages(render_pdf(html, generated=GENERATED, title="East", lang="en"))
    assert pages[0].endswith("October 2026 · Generated 3 Nov 2026 Page 1 of 2")
    assert pages[1].splitlines() == [
        "two",
        "East October 2026",
        "October 2026 · Generated 3 Nov 2026 Page 2 of 2",
    ]


def test_metadata_dates_title_and_language(chinese_pdf):
    _, data = chinese_pdf
    reader = PdfReader(io.BytesIO(data))
    assert reader.metadata.creation_date == GENERATED
    assert reader.metadata.modification_date == GENERATED
    assert reader.metadata["/CreationDate"] == "D:20261103093000+08'00"
    assert reader.metadata.title == "华东 2026年10月"
    assert reader.trailer["/Root"]["/Lang"] == "zh-Hans"


def test_naive_generation_time_is_utc(tmp_path):
    html = document("en", "<p>x</p>", tmp_path)
    data = render_pdf(html, generated=dt.datetime(2026, 11, 3, 9, 30), title="t", lang="en")
    assert PdfReader(io.BytesIO(data)).metadata["/ModDate"] == "D:20261103093000Z"


def test_same_inputs_give_the_same_bytes(chinese_pdf):
    html, data = chinese_pdf
    assert render_pdf(html, generated=GENERATED, title="华东 2026年10月", lang="zh") == data


HOSTILE = """<!DOCTYPE html><html><head>
<style>@import url(http://127.0.0.1:9/evil.css); p { color: black }</style>
<link rel="stylesheet" href="https://example.com/remote.css">
<link rel="attachment" href="file:///etc/passwd" title="passwd">
<link rel="attachment" href="data:text/plain,secret-in-a-link">
</head><body>
<p>Client</p>
<img src="file:///etc/passwd">
<img src="../../../../../etc/hostname">
<a rel="attachment" href="data:text/plain,secret-in-an-anchor">attached</a>
</body></html>"""


def test_hostile_references_fetch_nothing_and_attach_nothing():
    spy = SafeURLFetcher()
    data = render_pdf(HOSTILE, generated=GENERATED, title="t", lang="en", fetcher=spy)
    assert spy.refused == [
        "http://127.0.0.1:9/evil.css",
        "https://example.com/remote.css",
        "file:///etc/passwd",
        "file:///etc/hostname",
    ]
    assert spy.requested == spy.refused  # nothing else was even asked for
    reader, pages = pdf_pages(data)
    assert dict(reader.attachments) == {}
    assert b"/EmbeddedFile" not in data and b"/FileAttachment" not in data
    assert b"secret" not in data
    assert "root:" not in "".join(pages)
    assert "Client" in pages[0]


@pytest.fixture
def assets(tmp_path):
    root = tmp_path / "assets"
    root.mkdir()
    (root / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" '
        'height="4"/></svg>'
    )
    (tmp_path / "secret.txt").write_text("secret")
    (root / "link.txt").symlink_to(tmp_path / "secret.txt")
    return root


def test_fetcher_serves_assets_and_data_uris(assets):
    fetcher = SafeURLFetcher(assets)
    response = fetcher.fetch((assets / "logo.svg").as_uri())
    assert response.read().startswith(b"<svg") and response.content_type == "image/svg+xml"
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"
    assert fetcher.refused == []


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "http://127.0.0.1/x.png",
        "https://example.com/x.png",
        "ftp://example.com/x",
        "file://remotehost/share/x.png",
        "{assets}/../secret.txt",
        "{assets}/link.txt",  # a symlink inside pointing outside
        "{assets}/missing.svg",
        "{assets}",  # the folder itself
        "javascript:alert(1)",
    ],
)
def test_fetcher_refuses_everything_else(assets, url):
    fetcher = SafeURLFetcher(assets)
    url = url.format(assets=assets.as_uri())
    with pytest.raises(RefusedURL, match="^reportgen loads only its own assets and data: URIs"):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_relative_asset_is_drawn_and_escape_is_refused(assets):
    html = '<p>x</p><img src="logo.svg"><img src="../secret.txt">'
    spy = SafeURLFetcher(assets)
    render_pdf(
        html, base_url=assets.as_uri() + "/", generated=GENERATED, title="t", lang="en", fetcher=spy
    )
    assert spy.requested == [
        (assets / "logo.svg").as_uri(),
        (assets.parent / "secret.txt").as_uri(),
    ]
    assert spy.refused == [(assets.parent / "secret.txt").as_uri()]


def test_harfbuzz_subset_check_matches_weasyprint():
    from weasyprint.text.ffi import harfbuzz_subset

    assert harfbuzz_subset_available() is (harfbuzz_subset is not None)


@pytest.mark.skipif(shutil.which("fc-list") is None, reason="needs fontconfig's fc-list")
def test_cjk_font_check_matches_fc_list():
    listed = subprocess.run(
        ["fc-list", ":lang=zh-cn", "family"], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert cjk_font_available() is bool(listed)


@pytest.mark.parametrize(
    ("cjk", "subset", "expected"),
    [
        (True, True, []),
        (False, True, [CJK_FONT_HINT]),
        (True, False, [HARFBUZZ_SUBSET_HINT]),
        (False, False, [CJK_FONT_HINT, HARFBUZZ_SUBSET_HINT]),
    ],
)
def test_font_warnings(monkeypatch, cjk, subset, expected):
    monkeypatch.setattr(pdfmod, "cjk_font_available", lambda: cjk)
    monkeypatch.setattr(pdfmod, "harfbuzz_subset_available", lambda: subset)
    assert font_warnings() == expected


def test_font_hints_name_the_debian_packages():
    assert CJK_FONT_HINT == (
        "Chinese text needs a CJK font: install the Debian package fonts-noto-cjk"
    )
    assert HARFBUZZ_SUBSET_HINT == (
        "install the Debian package libharfbuzz-subset0 for fast Chinese PDFs"
    )


ROW = (
    "<tr><td>{name} {i}</td><td>{tier}</td><td class='num'>{{{{ {money}|money }}}}</td>"
    "<td class='num'>{{{{ {share}|pct }}}}</td><td>{{{{ rag('{rag}') }}}}</td></tr>"
)


def four_pages(lang):
    name = "华东 上海申通物流有限公司" if lang == "zh" else "Acme Trading Ltd"
    para = (
        "本月华东区销售额同比增长，重要客户贡献了大部分增量。" * 6
        if lang == "zh"
        else "Sales rose on last year; major accounts brought most of the growth. " * 5
    )
    rows = "".join(
        ROW.format(
            name=name,
            i=i,
            tier="{{ 'major'|label('tier') }}",
            money=123_456_780_000 * i,
            share=i / 100,
            rag=("red", "amber", "green")[i % 3],
        )
        for i in range(28)
    )
    table = (
        "<table><thead><tr><th>Client</th><th>Tier</th><th class='num'>Sales</th>"
        f"<th class='num'>Share</th><th>RAG</th></tr></thead><tbody>{rows}</tbody></table>"
    )
    return "".join(f"<h2>Section {s}</h2><p>{para}</p>{table}" for s in range(4))


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_four_page_document_is_small(tmp_path, lang):
    html = document(lang, four_pages(lang), tmp_path)
    render_pdf(html, generated=GENERATED, title="t", lang=lang)  # warm the font cache
    start = time.perf_counter()
    data = render_pdf(html, generated=GENERATED, title="t", lang=lang)
    seconds = time.perf_counter() - start
    pages = len(PdfReader(io.BytesIO(data)).pages)
    print(f"\n{lang}: {pages} pages, {seconds:.2f} s, {len(data) / 1024:.0f} KiB")
    assert pages >= 4
    assert len(data) < 1_000_000
