#!/bin/sh
# Sets up everything reportgen needs on a Debian/Ubuntu machine: the system packages
# (CJK fonts, the HarfBuzz subsetter WeasyPrint uses for small, fast Chinese PDFs,
# Pango for WeasyPrint, Chromium and poppler for the browser and PDF tests) and a
# virtual environment in .venv with reportgen and its test tools.
# Safe to run again: it installs only what is missing.
set -eu
cd "$(dirname "$0")/.."

APT_PACKAGES="python3-venv fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 chromium poppler-utils"

missing=""
if command -v dpkg-query >/dev/null 2>&1; then
    for p in $APT_PACKAGES; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
    done
fi
if [ -n "$missing" ]; then
    echo "reportgen setup: installing system packages:$missing"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
stamp=.venv/.reportgen-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e ".[dev]"
    touch "$stamp"
fi
