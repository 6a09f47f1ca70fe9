import functools
import gettext
import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from reportgen import i18n

ROOT = Path(__file__).resolve().parents[1]
#: The keywords scripts/catalogs.sh gives pybabel extract.
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "tr": None}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def read_catalog(lang):
    return i18n.read_catalog(lang)


@functools.cache
def used_messages():
    """(context, msgid, where) for every message in reportgen/ and templates/ (babel.cfg)."""
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found = []
    for filename, lineno, message, _, context in extract_from_dir(
        ROOT, method_map=method_map, options_map=options_map, keywords=KEYWORDS
    ):
        found.append((context, message, f"{filename}:{lineno}"))
    found += [(context, msgid, "reportgen/i18n.py (declared)")
              for context, msgid in i18n.declared_messages()]
    return tuple(found)


def test_babel_cfg_covers_the_package_and_the_templates():
    files = {where.split(":")[0] for _, _, where in used_messages()}
    assert "reportgen/documents/render.py" in files
    assert "templates/pack.html" in files
    assert "reportgen/inputs/values/dates.py" in files
    assert "reportgen/cli/options.py" in files


def test_the_scan_finds_the_messages_we_know_about():
    messages = {(context, msgid) for context, msgid, _ in used_messages()}
    assert (None, "Generated %(date)s") in messages  # {% trans %} in base.html
    assert (None, "Page %(page)s of %(pages)s") in messages  # gettext() in render.py


def test_every_message_used_has_a_chinese_translation():
    catalog = read_catalog("zh")
    missing = []
    for context, msgid, where in used_messages():
        key = msgid[0] if isinstance(msgid, tuple) else msgid
        entry = catalog.get(key, context=context)
        strings = entry.string if entry is not None else ""
        strings = strings if isinstance(strings, tuple) else (strings,)
        if entry is None or entry.fuzzy or not all(strings):
            missing.append(f"{where}: {msgid!r}")
    assert missing == [], "run ./scripts/catalogs.sh and translate these in reportgen/locale/zh"


def test_every_message_used_has_the_placeholders_of_its_msgid():
    catalog = read_catalog("zh")
    wrong = []
    for context, msgid, where in used_messages():
        entry = catalog.get(msgid[0] if isinstance(msgid, tuple) else msgid, context=context)
        if entry is None:
            continue
        ids = msgid if isinstance(msgid, tuple) else (msgid,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        expected = set(PLACEHOLDER.findall(ids[-1]))
        if any(set(PLACEHOLDER.findall(s)) != expected for s in strings):
            wrong.append(f"{where}: {msgid!r}")
    assert wrong == []


@pytest.mark.parametrize("po", sorted(i18n.LOCALE_DIR.glob("*/LC_MESSAGES/*.po")),
                         ids=lambda p: f"{p.parts[-3]}/{p.name}")
def test_compiled_catalog_is_up_to_date(po):
    # What reportgen reads at run time is the .mo beside each .po: it must say the same.
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=po.parts[-3])
    expected = io.BytesIO()
    write_mo(expected, catalog, use_fuzzy=False)
    expected.seek(0)
    mo = po.with_suffix(".mo")
    assert mo.exists(), "run ./scripts/catalogs.sh"
    with mo.open("rb") as handle:
        shipped = gettext.GNUTranslations(handle)
    assert shipped._catalog == gettext.GNUTranslations(expected)._catalog, (
        f"{mo.name} is older than {po.name}: run ./scripts/catalogs.sh")


def test_every_message_of_the_installed_click_has_chinese():
    # Click's own words ("No such option", "Show this message and exit."): a Click upgrade
    # with new messages fails here until ./scripts/catalogs.sh is run and they are translated.
    import click

    catalog = read_catalog("zh")
    brace = re.compile(r"\{\w+(?:![rsa])?\}")
    problems = []
    for _, _, msgid, _, _ in extract_from_dir(Path(click.__file__).parent):
        ids = msgid if isinstance(msgid, tuple) else (msgid,)
        entry = catalog.get(ids[0])
        strings = () if entry is None else (
            entry.string if isinstance(entry.string, tuple) else (entry.string,))
        wanted = set(brace.findall(" ".join(ids)))
        if not strings or not all(strings):
            problems.append(("untranslated", msgid))
            continue
        for string in strings:
            found = set(brace.findall(string))
            # Click fills a plural message with every name of both forms; the one Chinese
            # form may use either. A singular message keeps exactly its placeholders.
            if (found != wanted) if len(ids) == 1 else not found <= wanted:
                problems.append(("placeholders", msgid))
    assert problems == []


def test_version_message_is_not_translated():
    # `reportgen --version` reads the same in every language.
    assert i18n.gettext("%(prog)s, version %(version)s", "zh") == "%(prog)s, version %(version)s"


def test_catalogs_keep_no_obsolete_or_fuzzy_entries():
    for po in sorted(i18n.LOCALE_DIR.glob("zh/LC_MESSAGES/*.po")):
        with po.open("rb") as handle:
            catalog = read_po(handle)
        assert not catalog.obsolete, po.name
        assert [m.id for m in catalog if m.id and m.fuzzy] == [], po.name


@pytest.mark.parametrize(
    ("kind", "code", "zh"),
    [
        ("tier", "major", "重要客户"),
        ("tier", "named", "次重要客户"),
        ("tier", "non_named", "一般重要客户"),
        ("tier", "mass", "大众客户"),
        ("stage", "potential", "潜在客户"),
        ("stage", "new", "新客户"),
        ("stage", "stable", "稳定客户"),
        ("stage", "at_risk", "危机客户"),
        ("stage", "lost", "流失客户"),
        ("gate", "real", "是不是机会"),
        ("gate", "compete", "能不能竞争"),
        ("gate", "win", "能不能赢"),
        ("gate", "worth", "值不值得赢"),
        ("verdict", "pursue", "推进"),
        ("verdict", "qualify", "继续确认"),
        ("verdict", "drop", "放弃（非真实机会）"),
        ("verdict", "partner_or_drop", "合作或放弃"),
        ("verdict", "strengthen", "先巩固地位"),
        ("verdict", "reconsider", "重新评估（不值得赢）"),
        ("relationship", "transactional", "交易型"),
        ("relationship", "partnership", "伙伴型"),
        ("coverage", "one_to_one", "一对一"),
        ("coverage", "one_to_few", "一对少"),
        ("coverage", "one_to_many", "一对多"),
        ("coverage", "telesales", "电话销售"),
        ("rag", "red", "红"),
        ("rag", "amber", "黄"),
        ("rag", "green", "绿"),
    ],
)
def test_glossary_words_are_the_spec_words(kind, code, zh):
    assert i18n.label(kind, code, "zh") == zh
    assert i18n.label(kind, code, "en") == i18n.LABELS[kind][code]


def test_glossary_tables_are_complete():
    # Every code of every table is in the parametrized list above (28 words in all).
    assert sum(len(table) for table in i18n.LABELS.values()) == 28
    assert i18n.TIER_LABELS == {
        "major": "Major account",
        "named": "Named account",
        "non_named": "Non-named account",
        "mass": "Mass-market",
    }


@pytest.mark.parametrize("code", [None, ""])
def test_blank_code_is_a_dash(code):
    assert i18n.label("tier", code, "zh") == "—"


@pytest.mark.parametrize(
    ("kind", "code", "message"),
    [
        ("tier", "gold", "unknown tier code 'gold': use one of major, named, non_named, mass"),
        (
            "colour",
            "red",
            "unknown label kind 'colour': use one of tier, stage, gate, verdict, "
            "relationship, coverage, rag",
        ),
    ],
)
def test_unknown_codes_are_refused(kind, code, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        i18n.label(kind, code, "en")


def test_placeholders_match_between_english_and_chinese():
    placeholder = PLACEHOLDER
    for message in read_catalog("zh"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(placeholder.findall(ids[-1]))
        for string in strings:
            if string:  # an untranslated message is the concern of the tests above
                assert set(placeholder.findall(string)) == expected, message.id


def test_english_catalog_passes_msgids_through():
    assert [m.id for m in read_catalog("en") if m.id] == []
    assert i18n.gettext("Generated %(date)s", "en") == "Generated %(date)s"


@pytest.mark.parametrize(
    ("n", "en", "zh"),
    [(1, "%(count)s client", "%(count)s 个客户"), (2, "%(count)s clients", "%(count)s 个客户")],
)
def test_ngettext(n, en, zh):
    assert i18n.ngettext("%(count)s client", "%(count)s clients", n, "en") == en
    assert i18n.ngettext("%(count)s client", "%(count)s clients", n, "zh") == zh


def test_untranslated_message_falls_back_to_english():
    assert i18n.gettext("No such message", "zh") == "No such message"


def test_translations_are_cached():
    assert i18n.translations("zh") is i18n.translations("zh")


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="^unknown language 'fr': use one of en, zh$"):
        i18n.translations("fr")


# --------------------------------------------------------------------------- messages shown later

def test_a_text_is_its_english_and_renders_in_chinese_later():
    text = i18n.N_("cannot read %(value)s as %(noun)s", value='"x"', noun=i18n.N_("a date"))
    assert text == 'cannot read "x" as a date'
    assert isinstance(text, str)
    assert i18n.render(text, "en") == 'cannot read "x" as a date'
    assert i18n.render(text, "zh") == '无法把 "x" 识别为日期'


def test_a_text_survives_pickling_with_its_parameters():
    import pickle

    text = i18n.N_("%(problem)s; left blank", problem=i18n.N_("the file is empty"))
    again = pickle.loads(pickle.dumps(text))
    assert again == text and again.msgid == text.msgid
    assert i18n.render(again, "zh") == "文件是空的；按空白处理"


def test_a_canonical_column_is_explained_once_per_line():
    from reportgen.inputs.issues import Issue, Severity
    from reportgen.inputs.schema import column_term

    issue = Issue(Severity.WARNING, i18n.N_("%(column)s is blank",
                                            column=column_term("client_id")),
                  file="a.xlsx", row=3,
                  hint=i18n.N_("fill in %(column)s, or delete the row",
                               column=column_term("client_id")))
    assert issue.line("zh") == ("警告：a.xlsx，第 3 行：client_id（客户编号）为空——"
                                "请填写 client_id，或删除该行")
    assert issue.line() == "warning: a.xlsx, row 3: client_id is blank — fill in client_id, or " \
                           "delete the row"
    # data-quality.xlsx shows the message and the hint as one line does.
    assert issue.text("zh") == ("client_id（客户编号）为空", "请填写 client_id，或删除该行")


def test_latin_words_are_spaced_from_chinese_but_numbers_are_not():
    assert i18n.render(i18n.N_("the file is not %(expected)s (it looks like %(looks_like)s)",
                               expected=i18n.N_("an Excel workbook"),
                               looks_like=i18n.N_("a CSV file")), "zh") == (
        "该文件不是 Excel 工作簿（看起来是 CSV 文件）")
    assert i18n.render(i18n.N_("the number %(value)s is too large", value="12"), "zh") == (
        "数字 12 过大")


def test_join_uses_the_chinese_enumeration_comma():
    joined = i18n.Join(["a", "b", "c"])
    assert str(joined) == "a, b, c"
    assert joined.render("zh") == "a、b、c"


@pytest.mark.parametrize(("env", "lang"), [
    ({}, None), ({"LANG": "zh_CN.UTF-8"}, "zh"), ({"LANG": "C.UTF-8"}, None),
    ({"LANG": "en_US.UTF-8"}, "en"), ({"LC_ALL": "zh_SG", "LANG": "en_US"}, "zh"),
    ({"LC_ALL": "", "LC_MESSAGES": "", "LANG": "zh_HK.Big5"}, "zh"),
])
def test_language_from_environment(env, lang):
    assert i18n.language_from_environment(env) == lang
