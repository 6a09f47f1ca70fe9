"""Ids, free text and e-mail addresses: the cells kept as text.

Ids stay text ("00123"); invisible characters are removed and flagged, and numbers longer than
Excel's 15 digits are flagged because their last digits are already lost.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from reportgen.i18n import N_, Join
from reportgen.inputs import schema
from reportgen.inputs.values.cells import (
    BLANK,
    DATE,
    DATETIME,
    DECIMAL,
    EXCEL_ERRORS,
    FLOAT,
    INT,
    STR,
    TRIM,
    CellValueError,
    as_text,
    cannot_read,
    clean_text,
    common_failures,
    kind_of,
    quote,
    show,
)

#: Excel keeps 15 significant digits, so a longer number stored as a number has lost digits.
EXCEL_DIGITS = 15


_SHORTENED = re.compile(r"\d(?:\.\d+)?E\+\d{1,3}", re.IGNORECASE)


_RETYPE = N_("format the id column as text in the workbook and retype the ids")
_AN_ID, _TYPE_THE_ID = N_("an id"), N_("type the id")


def _id_text(raw: str) -> tuple[str | None, bool]:
    """An id typed as text, trimmed and NFC, and whether it hid zero-width characters."""
    text = unicodedata.normalize("NFC", raw)
    had_zero_width = schema.ZERO_WIDTH.search(text) is not None
    text = schema.ZERO_WIDTH.sub("", text).strip()
    if not text:
        return None, False
    if _SHORTENED.fullmatch(text):
        raise CellValueError(N_("%(value)s looks like a long number that Excel shortened, "
                                "so the real id is lost", value=quote(text)), _RETYPE)
    return text, had_zero_width


def id_with_note(cell: object) -> tuple[str | None, str, str]:
    """An id, plus a warning (message, hint) when it was read but looks damaged."""
    kind = kind_of(cell)
    if kind == BLANK:
        return None, "", ""
    common_failures(cell, _AN_ID, _TYPE_THE_ID)
    if kind == STR:
        text, had_zero_width = _id_text(str(cell))
        if had_zero_width:
            return text, N_("%(value)s contains an invisible character (removed)",
                            value=f'"{show(text)}"'), N_(
                "retype the id in the workbook so it matches the same id elsewhere")
        return text, "", ""
    if kind in (FLOAT, INT, DECIMAL):
        number = (Decimal(repr(float(cell))) if kind == FLOAT  # type: ignore[arg-type]
                  else Decimal(int(cell)) if kind == INT  # type: ignore[call-overload]
                  else Decimal(cell))  # type: ignore[arg-type]
        if not number.is_finite():
            raise CellValueError(cannot_read(cell, _AN_ID), _TYPE_THE_ID)
        if number == number.to_integral_value():
            text = str(int(number))
        else:
            text = format(number.normalize(), "f")
        if kind != DECIMAL and len(text.lstrip("-").replace(".", "")) > EXCEL_DIGITS:
            return text, N_(
                "the id %(value)s is a number longer than %(digits)s digits; Excel may have "
                "changed its last digits", value=text, digits=EXCEL_DIGITS), _RETYPE
        return text, "", ""
    if kind in (DATETIME, DATE):
        text = as_text(cell)
        return text, N_("the id is a date (%(value)s); Excel may have turned it into one",
                        value=text), _RETYPE
    raise CellValueError(cannot_read(cell, _AN_ID), _TYPE_THE_ID)


def parse_id(cell: object) -> tuple[str | None, bool]:
    """An id as trimmed text (``"00123"`` stays so) and whether it hid a zero-width character."""
    if kind_of(cell) == STR and str(cell).strip().upper() not in EXCEL_ERRORS:
        return _id_text(str(cell))
    return id_with_note(cell)[0], False


def parse_text(cell: object) -> str | None:
    """Text trimmed and NFC-normalised; numbers as typed (``123``), dates as ISO; None if blank."""
    kind = kind_of(cell)
    if kind == BLANK:
        return None
    common_failures(cell, N_("text"), N_("type the text"))
    if kind == STR:
        raw = str(cell)
        # Inner zero-width joiners are legitimate (emoji, Indic scripts); only the ends go.
        text = raw.strip() if raw.isascii() else TRIM.sub("", unicodedata.normalize("NFC", raw))
        return text or None
    return as_text(cell) or None


def parse_emails(cell: object) -> str | None:
    """E-mail addresses separated by , ; whitespace (or Chinese ，；、) joined by ``,``."""
    kind = kind_of(cell)
    if kind == BLANK:
        return None
    hint = N_('separate addresses with "," or ";", e.g. east@example.com; vp@example.com')
    common_failures(cell, N_("an e-mail address"), hint)
    if kind != STR:
        raise CellValueError(_not_email(quote(cell)), hint)
    parts = [p for p in _EMAIL_SPLIT.split(clean_text(str(cell))) if p]
    if not parts:
        return None
    bad = [p for p in parts if _EMAIL.fullmatch(p) is None]
    if len(bad) == 1:
        raise CellValueError(_not_email(f'"{show(bad[0])}"'), hint)
    if bad:
        names = Join(f'"{show(b)}"' for b in bad)
        raise CellValueError(N_("%(values)s are not e-mail addresses", values=names), hint)
    seen: dict[str, str] = {}
    for p in parts:
        seen.setdefault(p.casefold(), p)
    return ",".join(seen.values())


def _not_email(value: str) -> str:
    return N_("%(value)s is not an e-mail address", value=value)


_EMAIL_SPLIT = re.compile(r"[,;、\s]+")
_EMAIL_PART = r"[^@\s<>()\[\]\\,;:\"]"
_EMAIL = re.compile(
    rf"{_EMAIL_PART}+@(?:[^@\s<>()\[\]\\,;:\".]+\.)+[^@\s<>()\[\]\\,;:\".\d]{{2,}}"
)
