"""Document languages: gettext catalogs for English and Simplified Chinese, and the glossary.

The catalogs are ordinary gettext ``.po`` files under ``reportgen/locale/<lang>/LC_MESSAGES``,
read at run time with Babel and compiled in memory (a few milliseconds, once per process).
Reading ``.po`` rather than shipping compiled ``.mo`` files means an editable install and a
wheel behave the same and nobody has to remember a build step.

Msgids are the English text. The glossary words SPEC prescribes (tiers, stages, gates,
verdicts, relationship, coverage) carry a gettext context - the kind - because short English
words such as "New" or "Lost" mean different things in different places.
"""

from __future__ import annotations

from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

#: What a blank figure or code reads as, in every language.
BLANK = "—"
#: The Babel locale for each language.
LOCALES: dict[str, str] = {"en": "en", "zh": "zh_Hans_CN"}
#: Document languages reportgen supports.
LANGS: tuple[str, ...] = ("en", "zh")
#: gettext domain (the catalog file name).
DOMAIN = "reportgen"
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

    Each kind of document keeps its words in a ``.po`` file of its own beside the main one;
    they are merged into one catalog.
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
def translations(lang: str) -> Translations:
    """The compiled gettext catalog for ``lang`` (cached for the life of the process)."""
    catalog = read_catalog(lang)
    compiled = BytesIO()
    write_mo(compiled, catalog)  # fuzzy entries are left out, as gettext does
    compiled.seek(0)
    return Translations(fp=compiled, domain=DOMAIN)


def gettext(message: str, lang: str) -> str:
    """``message`` in ``lang``."""
    return str(translations(lang).gettext(message))


def ngettext(singular: str, plural: str, n: int, lang: str) -> str:
    """The singular or plural form of a message for the count ``n``, in ``lang``."""
    return str(translations(lang).ngettext(singular, plural, n))


def pgettext(context: str, message: str, lang: str) -> str:
    """``message`` in ``lang``, disambiguated by ``context``."""
    return str(translations(lang).pgettext(context, message))


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
