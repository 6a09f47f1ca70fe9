"""Refusals: a file that cannot be read safely becomes one :class:`Unreadable`, then one issue.

Each refusal carries a plain-words message, a hint saying what to do and a code. The helpers
here build the common ones (damaged, protected with a password, not a workbook) and make text
taken from the file fit for a one-line message.
"""

from __future__ import annotations

MB = 1024 * 1024


class Unreadable(Exception):
    """The whole file is refused; becomes one ERROR issue."""

    def __init__(self, message: str, hint: str, code: str) -> None:
        super().__init__(message)
        self.message, self.hint, self.code = message, hint, code


_HINT_REPAIR = ("open it in Excel (which may offer to repair it) and save it again, "
                "or ask the sender for a new copy")
_HINT_PASSWORD = ("open it in Excel, remove the password (File > Info > Protect Workbook), "
                  "save a copy and put that copy in the inputs folder")
HINT_HOSTILE = ("do not open it; ask the sender for a copy saved directly from Excel, or "
                "raise the limit under [limits] in reportgen.toml if the file is genuine")
HINT_FORMATS = "put only .xlsx, .xlsm, .xls, .ods or .csv files in the inputs folder"


def damaged(reason: str) -> Unreadable:
    """The refusal of a damaged or incomplete file, for ``reason``."""
    return Unreadable(f"the file is damaged or incomplete ({reason})", _HINT_REPAIR, "damaged")


def password() -> Unreadable:
    """The refusal of a file protected with a password."""
    return Unreadable("the file is protected with a password; save an unprotected copy",
                      _HINT_PASSWORD, "password")


def not_workbook(expected: str, looks_like: str, hint: str = HINT_FORMATS) -> Unreadable:
    """The refusal of a file that is not ``expected`` but ``looks_like`` something else."""
    return Unreadable(f"the file is not {expected} (it looks like {looks_like})", hint,
                      "not_a_workbook")


def safe_text(text: str, limit: int = 80) -> str:
    """Text from the file, fit for a one-line message: no control characters, bounded length."""
    text = "".join(ch if ch.isprintable() else " " for ch in text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def mb(n_bytes: float) -> str:
    """A size in bytes as whole megabytes (``12 MB``)."""
    return f"{n_bytes / MB:,.0f} MB"
