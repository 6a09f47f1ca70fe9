#!/bin/sh
# Refresh the message catalogs after adding or changing a message (in code or templates):
#   ./scripts/catalogs.sh
# 1. pybabel extract: every message of reportgen/ and templates/ (the mapping in babel.cfg), and
#    Click's own messages from the installed Click;
# 2. one template per domain (scripts/catalog_domains.py says which message goes where);
# 3. pybabel update: new messages appear in reportgen/locale/zh/LC_MESSAGES/<domain>.po with
#    an empty msgstr (translate them there); messages no longer used are dropped;
# 4. compile (Babel's write_mo): the .mo files reportgen reads at run time, committed with
#    the .po files.
# tests/test_i18n.py fails while a message has no Chinese or a .mo is out of date.
set -eu
cd "$(dirname "$0")/.."
PY=.venv/bin/python
BABEL=.venv/bin/pybabel
LOCALES=reportgen/locale
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

"$BABEL" -q extract -F babel.cfg -k N_ -k tr --no-wrap \
    --add-comments=Translators: --project=reportgen --version=0.1.0 \
    -o "$WORK/all.pot" . 2> "$WORK/extract.log"
# An N_() message's parameters are often f-strings (formatted numbers): Babel notes each one,
# though it extracts only the msgid, the first argument. Show anything else it says.
grep -v "Skipping f-string with substitutions" "$WORK/extract.log" >&2 || true
CLICK_DIR=$("$PY" -c 'import click, os; print(os.path.dirname(click.__file__))')
"$BABEL" -q extract --no-wrap --no-location --project=click \
    -o "$WORK/click.pot" "$CLICK_DIR"
"$PY" scripts/catalog_domains.py "$WORK/all.pot" "$WORK" "$WORK/click.pot"

DOMAINS="reportgen plan pack index email messages click"
for domain in $DOMAINS; do
    "$BABEL" -q update -i "$WORK/$domain.pot" -d "$LOCALES" -D "$domain" -l zh \
        --no-wrap --init-missing --ignore-obsolete --no-fuzzy-matching
    # English needs no translation (the msgids are English): its catalogs hold a header only.
    "$BABEL" -q update -i "$WORK/empty.pot" -d "$LOCALES" -D "$domain" -l en \
        --no-wrap --init-missing --ignore-obsolete
done
"$PY" scripts/catalog_domains.py compile
