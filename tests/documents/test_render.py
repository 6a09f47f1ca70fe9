import datetime as dt
import re

import jinja2
import pytest

from reportgen.documents.assets import templates_dir
from reportgen.documents.render import (
    css_string,
    make_environment,
    page_counter_css,
    render_template,
    template_fingerprint,
    template_origin,
    template_sources,
)
from reportgen.errors import ConfigError

BASE_CONTEXT = {"document_title": "East", "month": "2026-10", "generated": dt.date(2026, 11, 3)}
HOSTILE = '<script>alert(1)</script><img src="file:///etc/passwd">'
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=&#34;file:///etc/passwd&#34;&gt;"


@pytest.fixture
def user(tmp_path):
    folder = tmp_path / "my-templates"
    folder.mkdir()
    return folder


def put(folder, name, text):
    (folder / name).write_text(text, encoding="utf-8")


@pytest.mark.parametrize("name", ["page.html", "style.css", "notes.txt", "data.xml", "noext"])
def test_every_template_is_autoescaped_whatever_its_name(user, name):
    put(user, name, "{{ value }}")
    env = make_environment("en", user)
    assert render_template(env, name, {"value": HOSTILE}) == ESCAPED


def test_strict_undefined_is_an_error_naming_the_template(user):
    put(
        user,
        "plan.html",
        '{% extends "base.html" %}{% block content %}\n{% include "t.html" %}{% endblock %}',
    )
    put(user, "t.html", "<h2>Sales</h2>\n<p>{{ sales }}</p>")
    env = make_environment("en", user)
    with pytest.raises(ConfigError) as caught:
        render_template(env, "plan.html", BASE_CONTEXT)
    # The file and line where the name is used, even two templates down.
    assert caught.value.message == (
        f"template {user / 't.html'}, line 2 uses something the document does not have: "
        "'sales' is undefined"
    )
    assert isinstance(caught.value.__cause__, jinja2.UndefinedError)


@pytest.mark.parametrize("template", ["{{ sales }}", "{{ sales.total }}", "{{ sales|money }}"])
def test_strict_undefined_raises_however_it_is_used(user, template):
    put(user, "t.html", template)
    with pytest.raises(ConfigError, match="'sales' is undefined$"):
        render_template(make_environment("en", user), "t.html", {})


def test_missing_template(user):
    env = make_environment("en", user)
    with pytest.raises(
        ConfigError,
        match=(
            "^template nope.html not found in the --templates folder or the built-in templates$"
        ),
    ):
        render_template(env, "nope.html", {})


def test_syntax_error_names_file_and_line(user):
    put(user, "bad.html", "line one\n{% if %}")
    env = make_environment("en", user)
    with pytest.raises(ConfigError, match=r"^template .*bad\.html, line 2: "):
        render_template(env, "bad.html", {})


def test_missing_templates_folder(tmp_path):
    with pytest.raises(
        ConfigError,
        match=(
            f"^the templates folder {re.escape(str(tmp_path / 'nope'))} does not exist: "
            "check the --templates option$"
        ),
    ):
        make_environment("en", tmp_path / "nope")


def test_override_by_file_name_wins(user):
    put(user, "print.css", "/* my own styles */")
    env = make_environment("en", user)
    html = render_template(env, "base.html", BASE_CONTEXT)
    assert "/* my own styles */" in html
    assert "@page" not in html.split("</style>")[0].split("/* my own styles */")[0]
    assert template_origin(env, "print.css") == str(user / "print.css")
    assert template_origin(env, "base.html") == str(templates_dir() / "base.html")


def test_override_can_extend_the_template_it_replaces(user):
    put(
        user,
        "base.html",
        '{% extends "builtin:base.html" %}{% block style %}.mine { color: red; }{% endblock %}',
    )
    put(
        user,
        "plan.html",
        '{% extends "base.html" %}{% block content %}<p>{{ note }}</p>{% endblock %}',
    )
    env = make_environment("en", user)
    html = render_template(env, "plan.html", {**BASE_CONTEXT, "note": "<b>hi</b>"})
    assert ".mine { color: red; }" in html  # the override's block
    assert '<h1 class="doc-title">East</h1>' in html  # the built-in layout it extends
    assert "<p>&lt;b&gt;hi&lt;/b&gt;</p>" in html


@pytest.mark.parametrize(
    ("lang", "html_lang", "month", "generated"),
    [
        ("en", "en", "October 2026", "Generated 3 Nov 2026"),
        ("zh", "zh-Hans", "2026年10月", "生成日期：2026年11月3日"),
    ],
)
def test_base_layout(lang, html_lang, month, generated):
    env = make_environment(lang)
    html = render_template(env, "base.html", {**BASE_CONTEXT, "document_title": HOSTILE})
    assert f'<html lang="{html_lang}">' in html
    assert f'<span class="doc-month">{month}</span>' in html
    assert f'<span class="doc-generated">{generated}</span>' in html
    assert f'<h1 class="doc-title">{ESCAPED}</h1>' in html
    assert f"<title>{ESCAPED} · {month}</title>" in html
    # Self-contained: the stylesheet is inline and nothing is loaded from anywhere.
    assert "thead { display: table-header-group; }" in html
    assert not re.search(r"<link|<script|src=|url\(|@import|https?://", html.replace(ESCAPED, ""))


@pytest.mark.parametrize(
    ("lang", "css"),
    [
        ("en", '"Page " counter(page) " of " counter(pages)'),
        ("zh", '"第 " counter(page) " 页，共 " counter(pages) " 页"'),
    ],
)
def test_page_counter_in_the_document_language(lang, css):
    assert page_counter_css(lang) == css
    html = render_template(make_environment(lang), "base.html", BASE_CONTEXT)
    assert f"@page {{ @bottom-right {{ content: {css}; }} }}" in html


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("East", '"East"'),
        ('a"b\\c', '"a\\22 b\\5c c"'),
        ("</style>", '"\\3c /style\\3e "'),
        ("华东\n", '"华东\\a "'),
    ],
)
def test_css_string(value, expected):
    assert css_string(value) == expected


@pytest.mark.parametrize(
    ("lang", "template", "expected"),
    [
        ("en", "{{ 1234567890000|money }}", "¥1,234,568"),
        ("zh", "{{ 1234567890000|money }}", "¥1,234,568"),
        ("en", "{{ 1234567890000|money_exact }}", "¥1,234,567.89"),
        ("en", '{{ 1234000000|money("USD") }}', "$1,234"),
        ("zh", '{{ 1234000000|money("USD") }}', "US$1,234"),
        ("en", "{{ -1234000000|delta }}", "-¥1,234"),
        ("en", "{{ none|money }}", "—"),
        ("en", "{{ 1234567|number }}", "1,234,567"),
        ("en", "{{ 0.125|pct }}", "12.5%"),
        ("en", "{{ 0.125|pct(0) }}", "13%"),
        ("en", "{{ 0.1|pct(signed=true) }}", "+10.0%"),
        ("zh", "{{ 5|pp }}", "+5.0个百分点"),
        ("en", '{{ "2026-10"|month }}', "October 2026"),
        ("zh", '{{ "2026-10-03"|date }}', "2026年10月3日"),
        ("zh", '{{ "major"|label("tier") }}', "重要客户"),
        ("en", '{{ "at_risk"|label("stage") }}', "At risk"),
        ("zh", '{{ rag("red") }}', '<span class="rag rag-red">红</span>'),
        ("en", '{{ rag("green") }}', '<span class="rag rag-green">Green</span>'),
        ("zh", '{{ _("Generated %(date)s", date="<b>") }}', "生成日期：&lt;b&gt;"),
        (
            "zh",
            "{% trans count=3 %}{{ count }} client{% pluralize %}{{ count }} clients{% endtrans %}",
            "3 个客户",
        ),
        (
            "en",
            "{% trans count=1 %}{{ count }} client{% pluralize %}{{ count }} clients{% endtrans %}",
            "1 client",
        ),
        ("en", "{{ html_lang }} {{ lang }} {{ currency }}", "en en CNY"),
    ],
)
def test_filters_and_globals(user, lang, template, expected):
    put(user, "t.html", template)
    assert render_template(make_environment(lang, user), "t.html", {}) == expected


def test_currency_is_set_per_environment(user):
    put(user, "t.html", "{{ 1234000000|money }}")
    assert render_template(make_environment("en", user, currency="EUR"), "t.html", {}) == "€1,234"


def test_unknown_language():
    with pytest.raises(ValueError, match="^unknown language 'de': use one of en, zh$"):
        make_environment("de")


def test_template_sources_follow_parents_includes_and_imports(user):
    put(user, "a.html", '{% extends "b.html" %}{% import "m.html" as m %}')
    put(user, "b.html", '{% include "c.css" %}{% include name_from_data %}')
    put(user, "c.css", "p {}")
    put(user, "m.html", "{% macro x() %}{% endmacro %}")
    put(user, "unused.html", "")
    env = make_environment("en", user)
    assert list(template_sources(env, ["a.html"])) == ["a.html", "b.html", "c.css", "m.html"]
    assert list(template_sources(env, ["base.html"])) == ["base.html", "print.css"]


def test_fingerprint_changes_with_the_templates_used_only(user):
    put(user, "a.html", '{% extends "b.html" %}')
    put(user, "b.html", '{% include "c.css" %}')
    put(user, "c.css", "p {}")
    put(user, "unused.html", "1")

    def fingerprint(lang="en"):
        return template_fingerprint(make_environment(lang, user), ["a.html"])

    first = fingerprint()
    assert re.fullmatch(r"[0-9a-f]{64}", first)
    assert fingerprint() == first
    put(user, "unused.html", "2")
    assert fingerprint() == first
    put(user, "c.css", "p { color: red }")  # a grandparent's include
    second = fingerprint()
    assert second != first
    assert fingerprint("zh") != second  # the catalog is part of what the output depends on


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain 华东", "plain 华东"),  # no control: untouched, so golden pages do not change
        ("abc\u202edcba", "\u2068abc\u202edcba\u202c\u2069"),  # an override left open is closed
        ("x\u202c", "\u2068x\u2069"),  # a PDF closing nothing of its own is dropped
        ("x\u2069", "\u2068x\u2069"),  # so is a stray PDI
        ("\u2067شركة\u2069 (H05)", "\u2068\u2067شركة\u2069 (H05)\u2069"),
        ("\u2066a\u202eb\u2069c", "\u2068\u2066a\u202eb\u2069c\u2069"),  # PDI closes inside
    ],
)
def test_isolate_bidi(text, expected):
    from reportgen.documents.render import isolate_bidi

    assert isolate_bidi(text) == expected


def test_spreadsheet_text_cannot_reorder_a_sentence(tmp_path):
    from reportgen.documents.render import make_environment

    (tmp_path / "t.html").write_text(
        "{% trans client=name %}Account plan: {{ client }}{% endtrans %}|{{ name }}",
        encoding="utf-8")
    env = make_environment("en", tmp_path)
    out = env.get_template("t.html").render(name="abc\u202edcba")
    assert out == ("Account plan: \u2068abc\u202edcba\u202c\u2069|"
                   "\u2068abc\u202edcba\u202c\u2069")
