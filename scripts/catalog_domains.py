"""Split the template Babel extracted from the whole project into one template per domain.

``scripts/catalogs.sh`` runs ``pybabel extract`` once over reportgen/ and templates/ (the
mapping in babel.cfg), then this script, then ``pybabel update`` per domain. A message goes
to every domain whose Chinese catalog already holds it; a new one goes where it is used:

* ``plan``: reportgen/documents/plan/, templates/plan.html
* ``pack``: reportgen/documents/pack/, templates/pack.html
* ``index``: templates/index.html
* ``email``: reportgen/delivery/compose.py
* ``reportgen``: the rest of reportgen/documents/ and templates/, and the glossary
  (``reportgen.i18n.declared_messages``: words the code looks up from tables, which no
  extractor can see)
* ``messages``: everything else - the input checks, the command line, its help texts.

It also compiles the catalogs (``compile``): Babel's ``write_mo``, as ``pybabel compile``
does, but without pybabel's format check, which reads "Top 20% share" as a ``% s``
placeholder; tests/test_i18n.py checks the ``%(name)s`` placeholders instead.

Usage: python scripts/catalog_domains.py ALL.pot OUT_DIR [OTHER.pot …]   (writes
OUT_DIR/<domain>.pot, and an empty.pot for the English catalogs, which hold only a header)
       python scripts/catalog_domains.py compile            (every .po → .mo, fuzzy left out)
"""

from __future__ import annotations

import copy
import datetime as dt
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from reportgen import i18n

DOCUMENT_DOMAINS = ("reportgen", "plan", "pack", "index", "email")
#: The templates' POT-Creation-Date, fixed: with the date of each refresh, every catalog (and
#: every compiled .mo) would change each time, whatever changed in its messages.
CREATION_DATE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
DOMAINS = (*DOCUMENT_DOMAINS, i18n.MESSAGES_DOMAIN)
_RULES = (
    ("plan", ("reportgen/documents/plan/", "templates/plan.html")),
    ("pack", ("reportgen/documents/pack/", "templates/pack.html")),
    ("index", ("templates/index.html",)),
    ("email", ("reportgen/delivery/compose.py",)),
    ("reportgen", ("reportgen/documents/", "templates/")),
)


def _key(message: object) -> tuple[str | None, str]:
    msgid = message.id  # type: ignore[attr-defined]
    return message.context, msgid[0] if isinstance(msgid, tuple) else msgid  # type: ignore[attr-defined]


def domain_of_location(path: str) -> str:
    """The domain of a new message first used in ``path``."""
    for domain, prefixes in _RULES:
        if path.startswith(prefixes):
            return domain
    return i18n.MESSAGES_DOMAIN


def split(template: Catalog, locale_dir: Path) -> dict[str, Catalog]:
    """One template per domain, from the project's whole template."""
    held: dict[str, set[tuple[str | None, str]]] = {}
    for domain in DOMAINS:
        po = locale_dir / "zh" / "LC_MESSAGES" / f"{domain}.po"
        if po.exists():
            with po.open("rb") as handle:
                held[domain] = {_key(m) for m in read_po(handle) if m.id and not m.fuzzy}
    out = {d: Catalog(project="reportgen", version="0.1.0", fuzzy=False,
                      creation_date=CREATION_DATE) for d in DOMAINS}
    for context, msgid in i18n.declared_messages():
        out["reportgen"].add(msgid, context=context, flags=(
            ("python-format",) if "%(" in (msgid if isinstance(msgid, str) else msgid[0])
            else ()))
    for message in template:
        if not message.id:
            continue
        domains = [d for d in DOMAINS if _key(message) in held.get(d, set())]
        if not domains:
            domains = [domain_of_location(message.locations[0][0])]
        found = copy.copy(message)
        if "%(" not in _key(message)[1]:
            # "Top 20% share" is no format string, whatever Babel's guess ("% s").
            found.flags.discard("python-format")
        for domain in domains:
            out[domain][message.id] = found
    return out


def compile_all(locale_dir: Path) -> None:
    """Compile every ``.po`` under ``locale_dir`` to the ``.mo`` beside it (fuzzy entries out)."""
    for po in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=po.parts[-3])
        with po.with_suffix(".mo").open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        done = sum(1 for m in catalog if m.id and m.string and not m.fuzzy)
        print(f"{po.relative_to(locale_dir)}: {done} of {len(catalog)} translated")


def main(argv: list[str]) -> None:
    """Write ``<domain>.pot`` files into the output folder, or compile the catalogs.

    Templates named after the output folder (Click's) are given the fixed creation date.
    """
    if argv[1:] == ["compile"]:
        compile_all(Path(i18n.LOCALE_DIR))
        return
    source, folder = Path(argv[1]), Path(argv[2])
    for other in map(Path, argv[3:]):
        with other.open("rb") as handle:
            pot = read_po(handle)
        pot.creation_date = CREATION_DATE
        with other.open("wb") as handle:
            write_po(handle, pot, width=0, no_location=True)
    with source.open("rb") as handle:
        template = read_po(handle)
    locale_dir = Path(i18n.LOCALE_DIR)
    catalogs = split(template, locale_dir)
    catalogs["empty"] = Catalog(project="reportgen", version="0.1.0", fuzzy=False,
                                creation_date=CREATION_DATE)
    for domain, catalog in catalogs.items():
        with (folder / f"{domain}.pot").open("wb") as handle:
            # No source locations in the catalogs: they would change with every edit of the code.
            write_po(handle, catalog, width=0, no_location=True)
        print(f"{domain}: {len(catalog)} messages")


if __name__ == "__main__":
    main(sys.argv)
