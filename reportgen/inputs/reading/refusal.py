"""Refusals: a file that cannot be read safely becomes one :class:`Unreadable`, then one issue.

Each refusal carries a plain-words message, a hint saying what to do and a code. The helpers
here build the common ones (damaged, protected with a password, not a workbook) and make text
taken from the file fit for a one-line message.
"""

from __future__ import annotations

from reportgen.i18n import N_, Term

MB = 1024 * 1024


class Unreadable(Exception):
    """The whole file is refused; becomes one ERROR issue."""

    def __init__(self, message: str, hint: str, code: str) -> None:
        super().__init__(message)
        self.message, self.hint, self.code = message, hint, code


_HINT_REPAIR = N_("open it in Excel (which may offer to repair it) and save it again, or ask "
                  "the sender for a new copy")
_HINT_PASSWORD = N_("open it in Excel, remove the password (File > Info > Protect Workbook), "
                    "save a copy and put that copy in the inputs folder")
HINT_HOSTILE = N_("do not open it; ask the sender for a copy saved directly from Excel, or "
                  "raise the limit under [limits] in reportgen.toml if the file is genuine")
HINT_FORMATS = N_("put only .xlsx, .xlsm, .xls, .ods or .csv files in the inputs folder")
AN_EXCEL_WORKBOOK, AN_ODS = N_("an Excel workbook"), N_("an OpenDocument spreadsheet")
A_CSV_FILE = N_("a CSV file")


def technical(text: str) -> Term:
    """Words from a library or the file (an error text), shown as they are: quoted in Chinese."""
    return Term(text, words={"zh": f"“{text}”"})


def damaged(reason: object) -> Unreadable:
    """The refusal of a damaged or incomplete file, for ``reason`` (marked with ``N_``)."""
    return Unreadable(N_("the file is damaged or incomplete (%(reason)s)", reason=reason),
                      _HINT_REPAIR, "damaged")


def password() -> Unreadable:
    """The refusal of a file protected with a password."""
    return Unreadable(N_("the file is protected with a password; save an unprotected copy"),
                      _HINT_PASSWORD, "password")


def not_workbook(expected: str, looks_like: str, hint: str = HINT_FORMATS) -> Unreadable:
    """The refusal of a file that is not ``expected`` but ``looks_like`` something else."""
    return Unreadable(N_("the file is not %(expected)s (it looks like %(looks_like)s)",
                         expected=expected, looks_like=looks_like), hint, "not_a_workbook")


def sheet_unreadable(refusal: Unreadable) -> str:
    """A file's refusal said of one sheet: ``the sheet could not be read: damaged …``."""
    params = getattr(refusal.message, "params", {})
    if getattr(refusal.message, "msgid", "") == "the file is damaged or incomplete (%(reason)s)":
        return N_("the sheet could not be read: damaged or incomplete (%(reason)s)", **params)
    if getattr(refusal.message, "msgid", "").startswith("the file is protected"):
        return N_("the sheet could not be read: protected with a password; save an "
                  "unprotected copy")
    return N_("the sheet could not be read: %(problem)s",
              problem=refusal.message.removeprefix("the file is "))


def about(message: str, subject: str) -> str:
    """A sheet's problem (``the sheet has …``) said of ``subject`` (``sheet "East" has …``)."""
    params = getattr(message, "params", None)
    if params is None or "subject" not in params:
        return message.replace("the sheet", subject, 1)
    return N_(message.msgid, **{**params, "subject": subject})  # type: ignore[attr-defined]


def sheet_named(name: str) -> str:
    """``sheet "East"``, for a message."""
    return N_('sheet "%(sheet)s"', sheet=safe_text(name))


def safe_text(text: str, limit: int = 80) -> str:
    """Text from the file, fit for a one-line message: no control characters, bounded length."""
    text = "".join(ch if ch.isprintable() else " " for ch in text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def mb(n_bytes: float) -> str:
    """A size in bytes as whole megabytes (``12 MB``)."""
    return f"{n_bytes / MB:,.0f} MB"
