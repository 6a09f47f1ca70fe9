"""Where the built-in templates and static assets are, installed or in a source checkout."""

from __future__ import annotations

from pathlib import Path

#: The ``reportgen`` package folder (this module lives in ``reportgen/documents``).
_PACKAGE = Path(__file__).resolve().parents[1]


def templates_dir() -> Path:
    """The built-in templates: ``reportgen/templates`` in a wheel, ``templates/`` in a checkout."""
    installed = _PACKAGE / "templates"
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / "templates"
