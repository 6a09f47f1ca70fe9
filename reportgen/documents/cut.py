"""How much spreadsheet text and how many rows a document shows.

Spreadsheet text has no length limit a supervisor would keep to: a cell may hold a megabyte,
a client two hundred thousand opportunities. A document cannot show either (nor can the PDF
renderer lay them out in any time), so the view-models cut text with an ellipsis and lists
to their first rows, and say how many more there are and where the whole is (the workbook
the text came from, or the analysis workbook that lists everything).

Decisions taken where SPEC leaves room:

* **Three lengths**: a name in a table cell (:data:`CELL_CHARS`), a document's title, which
  has a line or two of room (:data:`TITLE_CHARS`), and any other text, a note or an action,
  which may wrap over a few lines (:data:`TEXT_CHARS`). Characters, not display width: a
  Chinese name is cut at the same count, and is twice as wide, which the tables' columns allow.
* **Rows**: :data:`LIST_ROWS` of each list, in the list's own order (open opportunities by
  weighted value, contacts by buying role, …), so the ones shown are the ones that matter most.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

__all__ = ["CELL_CHARS", "ELLIPSIS", "LIST_ROWS", "TEXT_CHARS", "TITLE_CHARS", "cut", "first",
           "listed"]

T = TypeVar("T")

#: What stands for the text left out.
ELLIPSIS = "…"
#: Characters of a name (a client, a contact, a competitor) a table cell shows.
CELL_CHARS = 60
#: Characters of a document's title (a client's name in the plan's heading and PDF title).
TITLE_CHARS = 120
#: Characters of any other spreadsheet text a document shows (a note, an action).
TEXT_CHARS = 300
#: Rows of a list a document shows; the rest are counted.
LIST_ROWS = 20


def cut(text: str, limit: int) -> str:
    """``text`` if it has at most ``limit`` characters, else its start and "…" in ``limit``."""
    if len(text) <= limit:
        return text
    return text[:limit - 1].rstrip() + ELLIPSIS


def first(rows: Sequence[T], limit: int = LIST_ROWS) -> tuple[list[T], int]:
    """The first ``limit`` rows and how many more there are."""
    return list(rows[:limit]), max(0, len(rows) - limit)


def listed(section: dict[str, Any], key: str = "rows", limit: int = LIST_ROWS) -> dict[str, Any]:
    """A copy of a view section whose ``key`` list holds its first rows, with ``<key>_more``."""
    shown, more = first(section[key], limit)
    return {**section, key: shown, f"{key}_more": more}
