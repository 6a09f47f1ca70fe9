"""Languages: gettext catalogs for English and Simplified Chinese, messages shown later, glossary.

The catalogs are gettext ``.po`` files under ``reportgen/locale/<lang>/LC_MESSAGES``, one per
domain (the documents' ``reportgen``, ``plan``, ``pack``, ``index``, ``email``; the tool's own
``messages``; Click's ``click``). They are kept by Babel (``scripts/catalogs.sh`` extracts
the messages with ``babel.cfg`` and updates every domain) and compiled to ``.mo`` files
committed beside them, which is what is read at run time: a compiled catalog opens in well
under a millisecond in every process and worker, an editable install and a wheel read the same
files, and ``tests/test_i18n.py`` fails when a ``.mo`` is older than its ``.po``.

Msgids are the English text. The glossary words SPEC prescribes (tiers, stages, gates,
verdicts, relationship, coverage) carry a gettext context - the kind - because short English
words such as "New" or "Lost" mean different things in different places.

A message that is made in one place and shown in another (an input problem found deep in the
loader, printed by the command line and exported to data-quality.xlsx) is a :class:`Text`,
made with :func:`N_`: it *is* its English text (a ``str``), and keeps its msgid and
parameters so that :func:`render` can show it in any language later. Parameters are inserted
unchanged (a cell value, a file or sheet name as the workbook spells it); a :class:`Term`
carries its own words in each language (a canonical column name with its Chinese explanation,
shown the first time it appears in a line).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from contextvars import ContextVar, Token
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

#: What a blank figure or code reads as, in every language.
BLANK = "—"
#: The Babel locale for each language.
LOCALES: dict[str, str] = {"en": "en", "zh": "zh_Hans_CN"}
#: Document languages reportgen supports.
LANGS: tuple[str, ...] = ("en", "zh")
#: gettext domain of the documents' main catalog (the glossary lives there).
DOMAIN = "reportgen"
#: The domain of the tool's own messages: input checks, summaries, help texts.
MESSAGES_DOMAIN = "messages"
#: The domain of Click's own messages ("No such option", "Show this message and exit.").
CLICK_DOMAIN = "click"
#: Folder holding ``<lang>/LC_MESSAGES/reportgen.po``.
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
#: The value of ``<html lang>`` per language (BCP 47, script subtag for Chinese).
HTML_LANG: dict[str, str] = {"en": "en", "zh": "zh-Hans"}

#: Codes → English label (the msgid), per glossary kind (also the msgctxt).
TIER_LABELS: dict[str, str] = {
    "major": "Major account",
    "named": "Named account",
    "non_named": "Non-named account",
    "mass": "Mass-market",
}
STAGE_LABELS: dict[str, str] = {
    "potential": "Potential",
    "new": "New",
    "stable": "Stable",
    "at_risk": "At risk",
    "lost": "Lost",
}
GATE_LABELS: dict[str, str] = {
    "real": "Is there an opportunity?",
    "compete": "Can we compete?",
    "win": "Can we win?",
    "worth": "Is it worth winning?",
}
VERDICT_LABELS: dict[str, str] = {
    "pursue": "Pursue",
    "qualify": "Qualify further",
    "drop": "Drop (not a real opportunity)",
    "partner_or_drop": "Partner or drop",
    "strengthen": "Strengthen the position first",
    "reconsider": "Reconsider (not worth winning)",
}
RELATIONSHIP_LABELS: dict[str, str] = {
    "transactional": "Transactional",
    "partnership": "Partnership",
}
COVERAGE_LABELS: dict[str, str] = {
    "one_to_one": "One-to-one",
    "one_to_few": "One-to-few",
    "one_to_many": "One-to-many",
    "telesales": "Tele-sales",
}
RAG_LABELS: dict[str, str] = {"red": "Red", "amber": "Amber", "green": "Green"}

#: Every glossary kind and its table.
LABELS: dict[str, dict[str, str]] = {
    "tier": TIER_LABELS,
    "stage": STAGE_LABELS,
    "gate": GATE_LABELS,
    "verdict": VERDICT_LABELS,
    "relationship": RELATIONSHIP_LABELS,
    "coverage": COVERAGE_LABELS,
    "rag": RAG_LABELS,
}


def declared_messages() -> list[tuple[str | None, str | tuple[str, str]]]:
    """(context, msgid) of the words looked up from the tables above, which Babel cannot see.

    ``scripts/catalog_domains.py`` adds them to the main catalog's template.
    """
    found: list[tuple[str | None, str | tuple[str, str]]] = [
        (kind, english) for kind, table in LABELS.items() for english in table.values()]
    found.append((None, ("%(count)s client", "%(count)s clients")))
    return found


def check_lang(lang: str) -> str:
    """``lang`` if reportgen has documents in it, else ValueError naming the choices."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}: use one of {', '.join(LANGS)}")
    return lang


def catalog_path(lang: str) -> Path:
    """The main ``.po`` file for ``lang``."""
    return LOCALE_DIR / check_lang(lang) / "LC_MESSAGES" / f"{DOMAIN}.po"


def catalog_paths(lang: str) -> list[Path]:
    """Every ``.po`` file for ``lang``: the main one, then the others by name.

    Each kind of document, the tool's messages and Click's messages keep their words in a
    ``.po`` file (a gettext domain) of their own beside the main one; they are merged into
    one catalog.
    """
    main = catalog_path(lang)
    return [main, *sorted(p for p in main.parent.glob("*.po") if p != main)]


def read_catalog(lang: str) -> Catalog:
    """All of ``lang``'s ``.po`` files merged into one catalog (later files add entries)."""
    catalog: Catalog | None = None
    for path in catalog_paths(lang):
        with path.open("rb") as handle:
            part = read_po(handle, locale=LOCALES[lang], domain=DOMAIN)
        if catalog is None:
            catalog = part
            continue
        for message in part:
            if message.id and catalog.get(message.id, context=message.context) is None:
                catalog[message.id] = message
    assert catalog is not None
    return catalog


@lru_cache(maxsize=len(LANGS))
def translations(lang: str) -> NullTranslations:
    """The compiled catalogs of ``lang``, merged (cached for the life of the process).

    Read from the ``.mo`` files beside the ``.po`` files; where two domains translate the
    same msgid, the first file (the main one, then by name) wins, as in :func:`read_catalog`.
    """
    main, *others = catalog_paths(lang)
    with main.with_suffix(".mo").open("rb") as handle:
        merged = Translations(fp=handle, domain=DOMAIN)  # its header gives the plural rule
    for po in others:
        with po.with_suffix(".mo").open("rb") as handle:
            part = Translations(fp=handle, domain=po.stem)
        for key, value in part._catalog.items():
            merged._catalog.setdefault(key, value)
    return merged


def gettext(message: str, lang: str) -> str:
    """``message`` in ``lang``."""
    return str(translations(lang).gettext(message))


def ngettext(singular: str, plural: str, n: int, lang: str) -> str:
    """The singular or plural form of a message for the count ``n``, in ``lang``."""
    return str(translations(lang).ngettext(singular, plural, n))


def pgettext(context: str, message: str, lang: str) -> str:
    """``message`` in ``lang``, disambiguated by ``context``."""
    return str(translations(lang).pgettext(context, message))


# --------------------------------------------------------------------------- messages

#: The language of the messages the command line prints (Click's own among them).
_CURRENT: ContextVar[str] = ContextVar("reportgen_language", default="en")
#: Environment variables that name the user's language, strongest first (POSIX order).
LANGUAGE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def language_from_environment(environ: Mapping[str, str] | None = None) -> str | None:
    """``zh`` when the first set of LC_ALL, LC_MESSAGES, LANG starts with ``zh``.

    ``en`` when it names another language, None when none of them is set (or it is the
    "C"/"POSIX" locale, which names no language).
    """
    env = os.environ if environ is None else environ
    for name in LANGUAGE_VARIABLES:
        value = env.get(name, "").strip()
        if value:
            if value.lower().startswith("zh"):
                return "zh"
            return None if value.split(".")[0] in ("C", "POSIX") else "en"
    return None


def set_language(lang: str) -> Token[str]:
    """Make ``lang`` the language of the messages shown from now on; a token to undo it."""
    return _CURRENT.set(check_lang(lang))


def reset_language(token: Token[str]) -> None:
    """Undo a :func:`set_language`."""
    _CURRENT.reset(token)


def current_language() -> str:
    """The language of the messages shown now (English until :func:`set_language`)."""
    return _CURRENT.get()


class Term:
    """Words that carry their own text in each language, e.g. a canonical column name.

    ``explain`` is added in brackets the first time the term appears in a line shown in that
    language: ``client_id（客户编号）``, then ``client_id``.
    """

    def __init__(self, text: str, explain: Mapping[str, str] | None = None,
                 words: Mapping[str, str] | None = None) -> None:
        self.text = text
        self.explain = dict(explain or {})
        self.words = dict(words or {})

    def __str__(self) -> str:
        return self.words.get("en", self.text)

    def __repr__(self) -> str:
        return f"Term({self.text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Term) and (self.text, self.explain, self.words) == (
            other.text, other.explain, other.words)

    def __hash__(self) -> int:
        return hash(self.text)

    def render(self, lang: str, seen: set[str] | None = None) -> str:
        """The term in ``lang``, explained if this is its first appearance in ``seen``."""
        text = self.words.get(lang, self.text)
        note = self.explain.get(lang, "")
        if not note or (seen is not None and self.text in seen):
            return text
        if seen is not None:
            seen.add(self.text)
        return f"{text}（{note}）" if lang == "zh" else f"{text} ({note})"


class Join:
    """Several parameters shown as a list: ``a, b`` in English, ``a、b`` in Chinese."""

    SEPARATORS = {"en": ", ", "zh": "、"}

    def __init__(self, items: Iterable[object], separators: Mapping[str, str] | None = None,
                 ) -> None:
        self.items = tuple(items)
        self.separators = {**self.SEPARATORS, **(separators or {})}

    def __str__(self) -> str:
        return self.render("en")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Join) and (self.items, self.separators) == (
            other.items, other.separators)

    def __hash__(self) -> int:
        return hash(self.items)

    def render(self, lang: str, seen: set[str] | None = None) -> str:
        """The items in ``lang``, joined."""
        return self.separators.get(lang, ", ").join(render(i, lang, seen) for i in self.items)


class Text(str):
    """A message: its English text, plus the msgid and parameters to show it in any language.

    Make one with :func:`N_`. It compares, hashes and prints as its English text, so code
    and tests that know only English keep working; :func:`render` shows it in a language.
    """

    msgid: str
    params: dict[str, Any]

    def __new__(cls, msgid: str, params: Mapping[str, Any] | None = None) -> Text:  # noqa: D102
        values = dict(params or {})
        english = _fill(msgid, values, "en", None)
        self = super().__new__(cls, english)
        self.msgid = msgid
        self.params = values
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (Text, (self.msgid, self.params))

    def render(self, lang: str, seen: set[str] | None = None) -> str:
        """The message in ``lang``; ``seen`` collects the terms already explained in a line."""
        if lang == "en":
            return str.__str__(self)
        seen = set() if seen is None else seen
        template = str(translations(lang).gettext(self.msgid))
        return _fill(template, self.params, lang, seen)


def _fill(template: str, params: Mapping[str, Any], lang: str, seen: set[str] | None) -> str:
    """``template`` with its ``%(name)s`` placeholders filled in, rendered in ``lang``."""
    if not params:
        return template
    values: dict[str, str] = {}
    # Render in the order the placeholders appear, so a term is explained where it is first read.
    for name in _PLACEHOLDER.findall(template):
        if name not in values:
            values[name] = render(params[name], lang, seen)
    if lang == "zh":
        template = _PLACEHOLDER.sub(lambda m: _spaced(m, template, values[m.group(1)]), template)
    return template % values


def _is_han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def _spaced(match: re.Match[str], template: str, value: str) -> str:
    """A placeholder with the space Chinese typesetting puts between Han and Latin words.

    Numbers stay tight ("2026年2月"); the templates space counts themselves ("共 3 个").
    """
    before = template[match.start() - 1] if match.start() else ""
    after = template[match.end()] if match.end() < len(template) else ""
    text = match.group(0)
    if value and _is_han(before) and value[0].isascii() and value[0].isalpha():
        text = " " + text
    if value and _is_han(after) and value[-1].isascii() and value[-1].isalpha():
        text += " "
    return text


def N_(msgid: str, /, **params: Any) -> str:  # noqa: N802 - the gettext keyword Babel looks for
    """Mark ``msgid`` for translation and keep it with its parameters, to show in any language.

    ``N_("cannot read %(value)s as a date", value='"31/02/2026"')``: the English text now,
    :func:`render` gives it in Chinese later. Parameters may be other :class:`Text`, a
    :class:`Term` or :class:`Join`; anything else is shown as ``str()`` gives it.
    """
    return Text(msgid, params)


def render(value: object, lang: str, seen: set[str] | None = None) -> str:
    """Any message value in ``lang``: a :class:`Text`, :class:`Term`, :class:`Join` or text."""
    if isinstance(value, (Text, Term, Join)):
        return value.render(lang, seen)
    return str(value)


def tr(message: str, lang: str | None = None, /, **params: Any) -> str:
    """``message`` (a literal msgid) in ``lang`` (default: the current one), filled in now.

    For text shown where it is made - a summary line, a prompt. Babel finds it as ``tr``.
    """
    return Text(message, params).render(lang or current_language())


def label(kind: str, code: str | None, lang: str) -> str:
    """The glossary word for a code, e.g. ``label("tier", "major", "zh")`` → "重要客户"."""
    try:
        table = LABELS[kind]
    except KeyError:
        raise ValueError(f"unknown label kind {kind!r}: use one of {', '.join(LABELS)}") from None
    if code is None or code == "":
        return BLANK
    try:
        english = table[code]
    except KeyError:
        raise ValueError(f"unknown {kind} code {code!r}: use one of {', '.join(table)}") from None
    return pgettext(kind, english, lang)
