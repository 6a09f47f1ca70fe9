"""Typed cell values: raw spreadsheet cells in, canonical values and addressed problems out.

The reader hands over each column as a list of Python objects (``None`` for a blank cell,
``str`` for text and for every CSV cell, ``float``/``int``, ``bool``, ``datetime``/``date``,
``time``, ``timedelta``). :func:`convert_column` turns such a list into the canonical dtype of
the column's type (see :mod:`reportgen.inputs.schema`) and reports every cell it could not read, or
read but found suspicious, as a :class:`CellProblem` carrying the cell's position.

The scalar parsers (:func:`parse_money`, :func:`parse_date`, …) can be used alone; they return
``None`` for a blank cell and raise :class:`CellValueError` (a ``ValueError``) with a message a
sales supervisor can act on. :func:`convert_column` has vectorised paths for the common
large columns (floats, real dates, ISO date text, plain-number text) and reads every distinct
text only once, because a sales ledger may hold a million lines.

Rules worth knowing (SPEC, "Values"):

* Money is exact integer cents, rounded half away from zero from the *typed* value: a float
  goes through ``Decimal(repr(x))``, so 2.675 is 268 cents although the float is 2.67499….
  "12,34" is refused unless ``[format] decimal_comma`` says commas are decimals; with it,
  "." separates thousands. A lone "-" is zero (Excel's accounting format); 万/亿 multiply.
* NaN is never a blank: readers produce it for error cells (#DIV/0!), so it is an error.
* The day/month order of numeric text dates is decided per column by the values that read
  only one way; a column with none follows ``[format] date_order`` with a warning, a column
  with both is an error and so is each of its two-way values.
* Scores are whole numbers 1–5: a half point is an error rather than a silent rounding.
* Ids stay text ("00123"); invisible characters are removed and flagged, and numbers longer
  than Excel's 15 digits are flagged because their last digits are already lost.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal, cast

import numpy as np
import pandas as pd

from reportgen.inputs import schema
from reportgen.inputs.config import Config
from reportgen.inputs.issues import Severity

DateOrder = Literal["month-first", "day-first"]

#: Dates outside these years are typing mistakes, not sales history.
YEAR_MIN, YEAR_MAX = 1900, 2200
#: Amounts at or above this (in currency units) cannot be a sales figure and would overflow cents.
MONEY_LIMIT = Decimal(10) ** 16
#: Excel keeps 15 significant digits, so a longer number stored as a number has lost digits.
EXCEL_DIGITS = 15
_SHOW_MAX = 60

_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
_DAY_MIN = dt.date(YEAR_MIN, 1, 1).toordinal() - _EPOCH_ORDINAL
_DAY_MAX = dt.date(YEAR_MAX, 12, 31).toordinal() - _EPOCH_ORDINAL
#: Excel serial of 1970-01-01 in the 1900 and the 1904 date systems.
_SERIAL_EPOCH_1900, _SERIAL_EPOCH_1904 = 25569, 24107

_EXCEL_ERRORS = frozenset({
    "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
    "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!",
})
_ZERO_WIDTH_CHARS = "\u200b\u200c\u200d\u2060\ufeff"
_TRIM = re.compile(rf"^[\s{_ZERO_WIDTH_CHARS}]+|[\s{_ZERO_WIDTH_CHARS}]+$")
# Control and bidi-override characters would garble (or spoof) a terminal line or a report.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


class CellValueError(ValueError):
    """A cell that cannot be read: a plain-words message plus what to do about it."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True)
class CellProblem:
    """Something wrong with one cell of a column, addressed by its position in the input."""

    index: int
    value: str
    message: str
    hint: str
    severity: Severity


@dataclass(frozen=True)
class ColumnResult:
    """A converted column: typed values, per-cell problems and column-wide notes."""

    values: pd.Series
    problems: tuple[CellProblem, ...]
    column_notes: tuple[tuple[Severity, str, str], ...] = ()


# --------------------------------------------------------------------------- cell basics

_BLANK, _STR, _FLOAT, _INT, _BOOL, _DATETIME, _DATE, _TIME, _DELTA, _DECIMAL, _OTHER = range(11)
_KIND_CACHE: dict[type, int] = {type(None): _BLANK}


def _kind_of_type(t: type) -> int:
    """The kind of cell a Python type carries (bool before int, datetime before date)."""
    kind = _KIND_CACHE.get(t)
    if kind is not None:
        return kind
    if t is type(pd.NA) or t is type(pd.NaT):
        kind = _BLANK
    elif issubclass(t, str):
        kind = _STR
    elif issubclass(t, (bool, np.bool_)):
        kind = _BOOL
    elif issubclass(t, (float, np.floating)):
        kind = _FLOAT
    elif issubclass(t, (int, np.integer)):
        kind = _INT
    elif issubclass(t, (dt.datetime, np.datetime64)):
        kind = _DATETIME
    elif issubclass(t, dt.date):
        kind = _DATE
    elif issubclass(t, dt.time):
        kind = _TIME
    elif issubclass(t, (dt.timedelta, np.timedelta64)):
        kind = _DELTA
    elif issubclass(t, Decimal):
        kind = _DECIMAL
    else:
        kind = _OTHER
    _KIND_CACHE[t] = kind
    return kind


def _kinds(cells: list[object]) -> np.ndarray:
    """The kind code of every cell, computed per distinct type so a million cells stay cheap."""
    types = list(map(type, cells))
    lut = {t: _kind_of_type(t) for t in set(types)}
    if len(set(lut.values())) <= 1:
        return np.full(len(cells), next(iter(lut.values()), _BLANK), dtype=np.int8)
    return np.fromiter(map(lut.__getitem__, types), dtype=np.int8, count=len(cells))


def _kind(cell: object) -> int:
    return _kind_of_type(type(cell))


def _is_blank_text(text: str) -> bool:
    return not _TRIM.sub("", text)


def _clean(text: str) -> str:
    """The form number and date parsers read: NFKC (full-width digits), no invisible characters."""
    if text.isascii():
        return text.strip()
    return _TRIM.sub("", schema.ZERO_WIDTH.sub("", unicodedata.normalize("NFKC", text)))


def _number_text(x: float) -> str:
    """A float as a person typed it: ``123`` not ``123.0``."""
    if math.isfinite(x) and x == int(x) and abs(x) < 1e16:
        return str(int(x))
    return repr(float(x))


def _duration_text(delta: dt.timedelta) -> str:
    """A duration as Excel shows it (``26:30:00``)."""
    seconds = int(delta.total_seconds())
    sign, seconds = ("-", -seconds) if seconds < 0 else ("", seconds)
    return f"{sign}{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _datetime_text(value: dt.datetime) -> str:
    if value.time() == dt.time(0):
        return value.date().isoformat()
    fmt = "%Y-%m-%d %H:%M:%S" if value.second else "%Y-%m-%d %H:%M"
    return value.strftime(fmt)


def _as_text(cell: object) -> str:
    """Any cell as the text a person sees in the spreadsheet."""
    kind = _kind(cell)
    if kind == _STR:
        return str(cell)
    if kind == _BOOL:
        return "TRUE" if cell else "FALSE"
    if kind == _FLOAT:
        return _number_text(float(cell))  # type: ignore[arg-type]
    if kind == _DATETIME:
        stamp = pd.Timestamp(cell)  # type: ignore[arg-type]
        return "" if pd.isna(stamp) else _datetime_text(stamp.to_pydatetime())
    if kind == _DATE:
        return cell.isoformat()  # type: ignore[attr-defined]
    if kind == _TIME:
        return cell.strftime("%H:%M:%S" if cell.second else "%H:%M")  # type: ignore[attr-defined]
    if kind == _DELTA:
        if isinstance(cell, dt.timedelta):
            # Directly: pandas' Timedelta stops at 292 years, a duration cell does not.
            return _duration_text(cell)
        return _duration_text(pd.Timedelta(cell).to_pytimedelta())  # type: ignore[arg-type]
    if kind == _BLANK:
        return ""
    return str(cell)


def show(cell: object) -> str:
    """A cell as safe, short text for a message: no control characters, at most 60 characters."""
    text = _UNSAFE.sub(" ", _as_text(cell).strip())
    return text if len(text) <= _SHOW_MAX else text[: _SHOW_MAX - 1] + "…"


def _quoted(cell: object) -> str:
    return f'"{show(cell)}"'


def _common_failures(cell: object, noun: str, hint: str) -> None:
    """Raise for what no typed column accepts: NaN, Excel error codes, unknown objects."""
    kind = _kind(cell)
    if kind == _FLOAT and math.isnan(cell):  # type: ignore[arg-type]
        raise CellValueError(
            f"the cell holds no value (NaN) instead of {noun}; it may be a broken formula",
            "fix the formula in the workbook, or type the value",
        )
    if kind == _STR and str(cell).strip().upper() in _EXCEL_ERRORS:
        raise CellValueError(
            f"the cell shows the Excel error {_quoted(cell)}",
            "fix the formula in the workbook, or type the value",
        )
    if kind == _OTHER:
        raise CellValueError(f"cannot read {_quoted(cell)} as {noun}", hint)


# --------------------------------------------------------------------------- numbers

_CURRENCY = re.compile(
    r"US\$|HK\$|NT\$|A\$|C\$|S\$|R\$|CNY|RMB|USD|EUR|GBP|HKD|JPY|TWD|SGD|AUD|CAD|CHF|INR|KRW"
    r"|人民币|[¥$€£₩₹元圆块]",
    re.IGNORECASE,
)
_CURRENCY_START = re.compile(rf"^(?:{_CURRENCY.pattern})\s*", re.IGNORECASE)
_CURRENCY_END = re.compile(rf"\s*(?:{_CURRENCY.pattern})$", re.IGNORECASE)
_MINUS = "-\u2212\u2013"
_MAGNITUDE = {"万": 4, "亿": 8}
_EXPONENT = re.compile(r"(?P<mant>\d+(?:[.,]\d*)?|[.,]\d+)[eE](?P<exp>[+-]?\d{1,4})")
_GROUPED = {
    False: re.compile(r"\d{1,3}(?:,\d{3})+|\d{1,3}(?:'\d{3})+|\d{1,3}(?: \d{3})+"
                      r"|\d{1,2}(?:,\d{2})+,\d{3}"),
    True: re.compile(r"\d{1,3}(?:\.\d{3})+|\d{1,3}(?:'\d{3})+|\d{1,3}(?: \d{3})+"),
}
_DIGITS = re.compile(r"\d+")
_NUMBER_HINT = {
    "an amount": "write a number such as 1234.50; a currency sign, thousands separators "
                 "and brackets for negatives are fine",
    "a number": "write a number such as 12.5",
    "a whole number": "write a whole number such as 12",
    "a percentage": "write a percentage such as 25% (or 0.25)",
}


def _strip_currency(text: str) -> tuple[str, bool]:
    """Text without one leading and one trailing currency sign or code."""
    if text[:1].isdigit() and text[-1:].isdigit():
        return text, False
    stripped = _CURRENCY_END.sub("", _CURRENCY_START.sub("", text, count=1), count=1)
    return stripped, stripped != text


def _body_decimal(body: str, decimal_comma: bool) -> Decimal | None:
    """The number in ``body`` (digits, separators) under one decimal convention, or None."""
    point = "," if decimal_comma else "."
    m = _EXPONENT.fullmatch(body)
    if m is not None:
        mant = m["mant"]
        if (point == "." and "," in mant) or (point == "," and "." in mant):
            return None
        return Decimal(mant.replace(",", ".")).scaleb(int(m["exp"]))
    whole, sep, frac = body.partition(point)
    if point in frac or (sep and not _DIGITS.fullmatch(frac or "0")):
        return None
    if not whole:
        if not frac:
            return None
        whole = "0"
    elif not _DIGITS.fullmatch(whole):
        if _GROUPED[decimal_comma].fullmatch(whole) is None:
            return None
        whole = re.sub(r"[^\d]", "", whole)
    return Decimal(f"{whole}.{frac}" if frac else whole)


def _convention_text(value: Decimal, decimal_comma: bool) -> str:
    """``value`` written in the configured convention, for a hint."""
    text = format(value, "f")
    return text.replace(".", ",") if decimal_comma else text


def _text_decimal(text: str, *, decimal_comma: bool, noun: str, currency: bool,
                  dash_is_zero: bool = False, shown: object = None) -> Decimal:
    """Read a number written as text: sign, brackets, currency, separators, 万/亿."""
    hint = _NUMBER_HINT[noun]
    quoted = _quoted(text if shown is None else shown)
    s = _clean(text)
    negative = False
    if currency:
        s, _ = _strip_currency(s)
    if len(s) >= 2 and s[0] == "(" and s[-1] == ")":
        negative = True
        s = s[1:-1].strip()
        if currency:
            s, _ = _strip_currency(s)
    if dash_is_zero and s in ("-", "\u2013", "\u2014"):
        # Excel's accounting format shows zero as a lone dash.
        return Decimal(0)
    if s[:1] in ("+", *_MINUS):
        if negative:
            raise CellValueError(f"cannot read {quoted} as {noun}", hint)
        negative = s[0] != "+"
        s = s[1:].strip()
        if currency:
            s, _ = _strip_currency(s)
    elif s[-1:] in _MINUS and len(s) > 1 and not negative:
        # Accounting systems (SAP) write a trailing minus: "1,234.00-".
        negative = True
        s = s[:-1].strip()
        if currency:
            s, _ = _strip_currency(s)
    scale = 0
    if s[-1:] in _MAGNITUDE:
        scale = _MAGNITUDE[s[-1]]
        s = s[:-1].strip()
    value = _body_decimal(s, decimal_comma)
    if value is None:
        other = _body_decimal(s, not decimal_comma) if s else None
        if other is not None and not decimal_comma:
            why = "the comma may be a decimal comma" if "," in s else (
                "the dots may separate thousands")
            raise CellValueError(
                f"cannot read {quoted} as {noun}: {why}",
                f"write {_convention_text(other, False)}; if your files use decimal commas "
                "(1.234,50), set decimal_comma = true under [format] in reportgen.toml",
            )
        if other is not None:
            raise CellValueError(
                f"cannot read {quoted} as {noun}: it has a decimal point, but the "
                "settings say decimal comma",
                f"write {_convention_text(other, True)}; or set decimal_comma = false under "
                "[format] in reportgen.toml",
            )
        raise CellValueError(f"cannot read {quoted} as {noun}", hint)
    value = value.scaleb(scale)
    return -value if negative else value


def _decimal_of(cell: object, *, noun: str, decimal_comma: bool, currency: bool,
                dash_is_zero: bool = False) -> Decimal | None:
    """Any cell as an exact Decimal (floats via their shortest repr), or None when blank."""
    hint = _NUMBER_HINT[noun]
    kind = _kind(cell)
    if kind == _BLANK:
        return None
    _common_failures(cell, noun, hint)
    if kind == _STR:
        text = str(cell)
        if _is_blank_text(text):
            return None
        return _text_decimal(text, decimal_comma=decimal_comma, noun=noun, currency=currency,
                             dash_is_zero=dash_is_zero)
    if kind == _FLOAT:
        x = float(cell)  # type: ignore[arg-type]
        if not math.isfinite(x):
            raise CellValueError(f"cannot read {_quoted(cell)} as {noun}", hint)
        # repr is the shortest text that gives back this float: what the person typed,
        # so 0.1 + 0.2 style noise never moves a rounding.
        return Decimal(repr(x))
    if kind == _INT:
        return Decimal(int(cell))  # type: ignore[call-overload]
    if kind == _DECIMAL:
        value = Decimal(cell)  # type: ignore[arg-type]
        if not value.is_finite():
            raise CellValueError(f"cannot read {_quoted(cell)} as {noun}", hint)
        return value
    raise CellValueError(f"cannot read {_quoted(cell)} as {noun}", hint)


def _cents(cell: object, value: Decimal) -> int:
    """Exact cents of an amount, half away from zero."""
    if abs(value) >= MONEY_LIMIT:
        raise CellValueError(f"the amount {_quoted(cell)} is too large",
                             "check the amount for extra digits")
    return int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def parse_money(cell: object, *, decimal_comma: bool = False) -> int | None:
    """An amount in integer cents (half away from zero), or None for a blank cell."""
    value = _decimal_of(cell, noun="an amount", decimal_comma=decimal_comma, currency=True,
                        dash_is_zero=True)
    return None if value is None else _cents(cell, value)


def _money_with_note(cell: object, decimal_comma: bool) -> tuple[int | None, str, str]:
    """Cents, with a warning when an amount typed as text had more than two decimals."""
    value = _decimal_of(cell, noun="an amount", decimal_comma=decimal_comma, currency=True,
                        dash_is_zero=True)
    if value is None:
        return None, "", ""
    cents = _cents(cell, value)
    # Excel's own floats carry long tails (12.3 * 3); only typed text is worth a word.
    if _kind(cell) == _STR and value != Decimal(cents).scaleb(-2):
        shown = _convention_text(Decimal(cents).scaleb(-2), decimal_comma)
        hint = ("check the decimal separator: decimal_comma = true under [format] in "
                "reportgen.toml reads 1,234 as 1.234" if decimal_comma
                else "round the amount to cents in the workbook")
        return cents, f"the amount {_quoted(cell)} has more than two decimals; read as {shown}", (
            hint)
    return cents, "", ""


def parse_number(cell: object, *, decimal_comma: bool = False) -> float | None:
    """A number as a float, or None for a blank cell."""
    value = _decimal_of(cell, noun="a number", decimal_comma=decimal_comma, currency=True)
    if value is None:
        return None
    number = float(value)
    if not math.isfinite(number):
        raise CellValueError(f"the number {_quoted(cell)} is too large",
                             "check the number for extra digits")
    return number


def parse_int(cell: object, *, decimal_comma: bool = False) -> int | None:
    """A whole number (``3`` or ``3.0``), or None for a blank cell."""
    value = _decimal_of(cell, noun="a whole number", decimal_comma=decimal_comma, currency=False)
    if value is None:
        return None
    if value != value.to_integral_value():
        raise CellValueError(f"{_quoted(cell)} is not a whole number",
                             _NUMBER_HINT["a whole number"])
    if abs(value) >= 2**53:
        raise CellValueError(f"the number {_quoted(cell)} is too large",
                             "check the number for extra digits")
    return int(value)


def _percent_range_text(x: float) -> str:
    return f"{x * 100:g}%"


def parse_percent(cell: object, *, decimal_comma: bool = False, low: float = 0.0,
                  high: float = 1.0) -> float | None:
    """A percentage as a fraction: 0.25, "25%" and 25 all give 0.25; None for a blank cell."""
    kind = _kind(cell)
    value: Decimal | None
    if kind == _STR and _clean(str(cell)).endswith("%"):
        body = _clean(str(cell))[:-1].strip()
        value = _text_decimal(body, decimal_comma=decimal_comma, noun="a percentage",
                              currency=False, shown=cell) / 100
    else:
        value = _decimal_of(cell, noun="a percentage", decimal_comma=decimal_comma,
                            currency=False)
        if value is None:
            return None
        if abs(value) > 1:
            # SPEC: numbers above 1 are percents (25 means 25%).
            value = value / 100
    if not low <= value <= high:
        raise CellValueError(
            f"{_quoted(cell)} is not a percentage between {_percent_range_text(low)} and "
            f"{_percent_range_text(high)}",
            _NUMBER_HINT["a percentage"],
        )
    return float(value)


# --------------------------------------------------------------------------- ids and text


_SHORTENED = re.compile(r"\d(?:\.\d+)?E\+\d{1,3}", re.IGNORECASE)


_RETYPE = "format the id column as text in the workbook and retype the ids"


def _id_text(raw: str) -> tuple[str | None, bool]:
    """An id typed as text, trimmed and NFC, and whether it hid zero-width characters."""
    text = unicodedata.normalize("NFC", raw)
    had_zero_width = schema.ZERO_WIDTH.search(text) is not None
    text = schema.ZERO_WIDTH.sub("", text).strip()
    if not text:
        return None, False
    if _SHORTENED.fullmatch(text):
        raise CellValueError(f"{_quoted(text)} looks like a long number that Excel shortened, "
                             "so the real id is lost", _RETYPE)
    return text, had_zero_width


def _id_with_note(cell: object) -> tuple[str | None, str, str]:
    """An id, plus a warning (message, hint) when it was read but looks damaged."""
    kind = _kind(cell)
    if kind == _BLANK:
        return None, "", ""
    _common_failures(cell, "an id", "type the id")
    if kind == _STR:
        text, had_zero_width = _id_text(str(cell))
        if had_zero_width:
            return text, f'"{show(text)}" contains an invisible character (removed)', (
                "retype the id in the workbook so it matches the same id elsewhere")
        return text, "", ""
    if kind in (_FLOAT, _INT, _DECIMAL):
        number = (Decimal(repr(float(cell))) if kind == _FLOAT  # type: ignore[arg-type]
                  else Decimal(int(cell)) if kind == _INT  # type: ignore[call-overload]
                  else Decimal(cell))  # type: ignore[arg-type]
        if not number.is_finite():
            raise CellValueError(f"cannot read {_quoted(cell)} as an id", "type the id")
        if number == number.to_integral_value():
            text = str(int(number))
        else:
            text = format(number.normalize(), "f")
        if kind != _DECIMAL and len(text.lstrip("-").replace(".", "")) > EXCEL_DIGITS:
            return text, (
                f"the id {text} is a number longer than {EXCEL_DIGITS} digits; Excel may have "
                "changed its last digits"), _RETYPE
        return text, "", ""
    if kind in (_DATETIME, _DATE):
        text = _as_text(cell)
        return text, f"the id is a date ({text}); Excel may have turned it into one", _RETYPE
    raise CellValueError(f"cannot read {_quoted(cell)} as an id", "type the id")


def parse_id(cell: object) -> tuple[str | None, bool]:
    """An id as trimmed text (``"00123"`` stays so) and whether it hid a zero-width character."""
    if _kind(cell) == _STR and str(cell).strip().upper() not in _EXCEL_ERRORS:
        return _id_text(str(cell))
    return _id_with_note(cell)[0], False


def parse_text(cell: object) -> str | None:
    """Text trimmed and NFC-normalised; numbers as typed (``123``), dates as ISO; None if blank."""
    kind = _kind(cell)
    if kind == _BLANK:
        return None
    _common_failures(cell, "text", "type the text")
    if kind == _STR:
        raw = str(cell)
        # Inner zero-width joiners are legitimate (emoji, Indic scripts); only the ends go.
        text = raw.strip() if raw.isascii() else _TRIM.sub("", unicodedata.normalize("NFC", raw))
        return text or None
    return _as_text(cell) or None


def parse_emails(cell: object) -> str | None:
    """E-mail addresses separated by , ; whitespace (or Chinese ，；、) joined by ``,``."""
    kind = _kind(cell)
    if kind == _BLANK:
        return None
    hint = 'separate addresses with "," or ";", e.g. east@example.com; vp@example.com'
    _common_failures(cell, "an e-mail address", hint)
    if kind != _STR:
        raise CellValueError(f"{_quoted(cell)} is not an e-mail address", hint)
    parts = [p for p in _EMAIL_SPLIT.split(_clean(str(cell))) if p]
    if not parts:
        return None
    bad = [p for p in parts if _EMAIL.fullmatch(p) is None]
    if len(bad) == 1:
        raise CellValueError(f'"{show(bad[0])}" is not an e-mail address', hint)
    if bad:
        names = ", ".join(f'"{show(b)}"' for b in bad)
        raise CellValueError(f"{names} are not e-mail addresses", hint)
    seen: dict[str, str] = {}
    for p in parts:
        seen.setdefault(p.casefold(), p)
    return ",".join(seen.values())


_EMAIL_SPLIT = re.compile(r"[,;、\s]+")
_EMAIL_PART = r"[^@\s<>()\[\]\\,;:\"]"
_EMAIL = re.compile(
    rf"{_EMAIL_PART}+@(?:[^@\s<>()\[\]\\,;:\".]+\.)+[^@\s<>()\[\]\\,;:\".\d]{{2,}}"
)


# --------------------------------------------------------------------------- spellings


def spelling_lookup(spellings: Mapping[str, Iterable[str]]) -> dict[str, str]:
    """Normalised spelling → canonical code (each code also spells itself; first one wins)."""
    lookup: dict[str, str] = {}
    for code, words in spellings.items():
        for word in (code, *words):
            lookup.setdefault(schema.normalise_name(word), code)
    return lookup


def _accepted(spellings: Mapping[str, Iterable[str]]) -> str:
    """The accepted codes, each with its first Chinese spelling: ``lead (线索), won (赢单)``."""
    parts = []
    for code, words in spellings.items():
        chinese = next((w for w in words if not w.isascii()), "")
        parts.append(f"{code} ({chinese})" if chinese else code)
    return ", ".join(parts)


def _spelled(cell: object, lookup: Mapping[str, str]) -> str | None:
    """The code a text (or TRUE/FALSE, or a whole number) spells, or None."""
    kind = _kind(cell)
    if kind == _BOOL:
        key = "true" if cell else "false"
    elif kind == _STR:
        key = schema.normalise_name(str(cell))
    elif kind in (_FLOAT, _INT):
        key = schema.normalise_name(_number_text(float(cell)))  # type: ignore[arg-type]
    else:
        return None
    return lookup.get(key)


def parse_enum(cell: object, spellings: Mapping[str, Iterable[str]], *,
               column: str = "") -> str | None:
    """The canonical code a cell spells (matched like column names), or None for a blank cell."""
    return _enum(cell, spellings, spelling_lookup(spellings), column)


def _enum(cell: object, spellings: Mapping[str, Iterable[str]], lookup: Mapping[str, str],
          column: str) -> str | None:
    kind = _kind(cell)
    if kind == _BLANK or (kind == _STR and _is_blank_text(str(cell))):
        return None
    hint = "write one of these values"
    if column:
        hint += f", or add this spelling under [values.{column}] in reportgen.toml"
    _common_failures(cell, "a value", hint)
    code = _spelled(cell, lookup)
    if code is None:
        raise CellValueError(f"{_quoted(cell)} is not one of: {_accepted(spellings)}", hint)
    return code


_SCORE_HINT = "write a score from 1 to 5, or yes / maybe / no (是 / 待定 / 否)"


def parse_score(cell: object, spellings: Mapping[str, Iterable[str]] | None = None) -> int | None:
    """A 1–5 score; yes / maybe / no (是 / 待定 / 否) give 5 / 3 / 1. Halves are errors."""
    lookup = spelling_lookup(spellings if spellings is not None
                             else schema.VALUE_SPELLINGS["answer"])
    return _score(cell, lookup)


def _score(cell: object, lookup: Mapping[str, str]) -> int | None:
    kind = _kind(cell)
    if kind == _BLANK or (kind == _STR and _is_blank_text(str(cell))):
        return None
    _common_failures(cell, "a score", _SCORE_HINT)
    code = _spelled(cell, lookup) if kind in (_STR, _BOOL) else None
    if code is not None:
        return int(code)
    if kind == _BOOL:
        raise CellValueError(f"cannot read {_quoted(cell)} as a score", _SCORE_HINT)
    if kind == _STR:
        text = _clean(str(cell)).removesuffix("分").strip()
        value: Decimal | None
        try:
            value = _text_decimal(text, decimal_comma=False, noun="a number", currency=False)
        except CellValueError:
            raise CellValueError(f"cannot read {_quoted(cell)} as a score", _SCORE_HINT) from None
    else:
        value = _decimal_of(cell, noun="a number", decimal_comma=False, currency=False)
        assert value is not None
    # A half point (2.5) is rejected rather than rounded: the screen's "no answer is a 1"
    # rule needs whole answers, and a silent rounding would change a gate's verdict.
    if value != value.to_integral_value() or not 1 <= value <= 5:
        raise CellValueError(f"the score {_quoted(cell)} is not a whole number from 1 to 5",
                             _SCORE_HINT)
    return int(value)


_BOOL_HINT = "write yes or no (是 / 否)"


def parse_bool(cell: object, spellings: Mapping[str, Iterable[str]] | None = None) -> bool | None:
    """Yes/no: TRUE/FALSE cells, 1/0, and the ``bool`` spellings (yes, 是, resolved…)."""
    lookup = spelling_lookup(spellings if spellings is not None
                             else schema.VALUE_SPELLINGS["bool"])
    return _bool(cell, lookup)


def _bool(cell: object, lookup: Mapping[str, str]) -> bool | None:
    kind = _kind(cell)
    if kind == _BLANK or (kind == _STR and _is_blank_text(str(cell))):
        return None
    _common_failures(cell, "yes or no", _BOOL_HINT)
    if kind == _BOOL:
        return bool(cell)
    if kind in (_FLOAT, _INT) and float(cell) in (0.0, 1.0):  # type: ignore[arg-type]
        return float(cell) == 1.0  # type: ignore[arg-type]
    code = _spelled(cell, lookup) if kind == _STR else None
    if code is None:
        raise CellValueError(f"cannot read {_quoted(cell)} as yes or no", _BOOL_HINT)
    return code == "true"


# --------------------------------------------------------------------------- dates

_MONTH_KEYS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11,
    "dec": 12, "december": 12,
}
_MON = "(?P<mon>" + "|".join(sorted(_MONTH_KEYS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+)?"
_TIME_OF_DAY = (r"(?:(?:\s+|T)(?P<hh>\d{1,2}):(?P<mi>\d{2})(?::(?P<ss>\d{2})(?:[.,]\d{1,9})?)?"
         r"(?:\s*(?P<ampm>[ap])\.?m\.?)?(?:\s*(?:z|utc|gmt|[+-]\d{2}(?::?\d{2})?))?)?")
_ORD = r"(?:st|nd|rd|th)?"
_Y2 = r"(?P<y>\d{4}|\d{2})"

# Each pattern reads one form; "dm" marks the numeric forms whose day/month order is open.
_DATE_FORMS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern + _TIME_OF_DAY, re.IGNORECASE)) for name, pattern in (
        ("ymd", r"(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})"),
        ("ymd", r"(?P<y>(?:19|2[0-2])\d{2})(?P<m>\d{2})(?P<d>\d{2})"),
        ("ymd", r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]?"),
        ("dm", r"(?P<a>\d{1,2})(?P<sep>[-/.])(?P<b>\d{1,2})(?P=sep)" + _Y2),
        ("name", _WEEKDAY + r"(?P<d>\d{1,2})" + _ORD + r"[\s\-/.]*" + _MON + r"[\s\-/.,]*" + _Y2),
        ("name", _WEEKDAY + _MON + r"[\s\-/.]*(?P<d>\d{1,2})" + _ORD
         + r"(?:,\s*|[\s\-/.]+)" + _Y2),
        ("name", r"(?P<y>\d{4})[\s\-/.]*" + _MON + r"[\s\-/.]*(?P<d>\d{1,2})"),
    )
)
_MONTH_FORMS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, re.IGNORECASE) for p in (
        r"(?P<y>\d{4})\s*[-/.]\s*(?P<m>\d{1,2})",
        r"(?P<y>(?:19|2[0-2])\d{2})(?P<m>0[1-9]|1[0-2])",
        r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月份?",
        r"(?P<m>\d{1,2})\s*[-/.]\s*(?P<y>\d{4})",
        _MON + r"[\s\-/.,']*" + _Y2,
        r"(?P<y>\d{4})[\s\-/.]*" + _MON,
    )
)
_DATE_HINT = "write the date as 2026-10-03"
_MONTH_HINT = "write the month as 2026-10"


@dataclass(frozen=True)
class DateReading:
    """A date read from text, under each day/month order (None where that order is impossible).

    Year-first, named-month and Chinese forms read the same either way; ``3/4/2026`` reads as
    3 April day-first and 4 March month-first; ``24/2/2026`` can only be read day-first.
    """

    day_first: dt.date | None
    month_first: dt.date | None

    @property
    def ambiguous(self) -> bool:
        """Whether the two orders give two different dates."""
        return (self.day_first is not None and self.month_first is not None
                and self.day_first != self.month_first)

    @property
    def evidence(self) -> DateOrder | None:
        """The order this value proves, when it can only be read one way."""
        if self.day_first is not None and self.month_first is None:
            return "day-first"
        if self.month_first is not None and self.day_first is None:
            return "month-first"
        return None

    def date(self, order: DateOrder) -> dt.date:
        """The date under ``order`` (the only reading when there is just one)."""
        first = self.day_first if order == "day-first" else self.month_first
        result = first or self.day_first or self.month_first
        assert result is not None
        return result


def _year(text: str) -> int:
    """A year; two digits mean 20yy below 70, else 19yy."""
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 70 else 1900
    return year


def _day_month_text(day: dt.date) -> str:
    return f"{day.day} {_MONTH_NAMES[day.month - 1]}"


def _checked_date(text: str, year: int, month: int, day: int) -> dt.date:
    """The calendar date, or an error saying why it does not exist."""
    if not 1 <= month <= 12:
        raise CellValueError(f"cannot read {_quoted(text)} as a date: there is no month {month}",
                             _DATE_HINT)
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise CellValueError(
            f"the date {_quoted(text)} is outside the years {YEAR_MIN} to {YEAR_MAX}",
            "check the year")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellValueError(
            f"cannot read {_quoted(text)} as a date: {_MONTH_NAMES[month - 1]} {year} has "
            f"no day {day}", _DATE_HINT) from None


def _in_range(cell: object, day: dt.date) -> dt.date:
    if not YEAR_MIN <= day.year <= YEAR_MAX:
        raise CellValueError(
            f"the date {_quoted(cell)} is outside the years {YEAR_MIN} to {YEAR_MAX}",
            "check the year")
    return day


def _maybe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _time_ok(m: re.Match[str]) -> bool:
    if m["hh"] is None:
        return True
    hour, minute, second = int(m["hh"]), int(m["mi"]), int(m["ss"] or 0)
    top = 12 if m["ampm"] else 23
    return hour <= top and minute <= 59 and second <= 59


def read_date_text(text: str) -> DateReading:
    """Read a date written as text (ISO, 2026/10/03, 2026年10月3日, 3/10/2026, Oct 3, 2026 …)."""
    s = _clean(text)
    for name, pattern in _DATE_FORMS:
        m = pattern.fullmatch(s)
        if m is None:
            continue
        if not _time_ok(m):
            break
        if name == "dm":
            return _dm_reading(text, int(m["a"]), int(m["b"]), _year(m["y"]))
        month = _MONTH_KEYS[m["mon"].lower()] if name == "name" else int(m["m"])
        day = _checked_date(text, _year(m["y"]), month, int(m["d"]))
        return DateReading(day, day)
    if _DIGITS.fullmatch(s) and len(s) == 4:
        raise CellValueError(f"cannot read {_quoted(text)} as a date: it has no month or day",
                             _DATE_HINT)
    raise CellValueError(f"cannot read {_quoted(text)} as a date", _DATE_HINT)


def _dm_reading(text: str, a: int, b: int, year: int) -> DateReading:
    """Both readings of a numeric a/b/year date; an error when neither exists."""
    day_first, month_first = _maybe_date(year, b, a), _maybe_date(year, a, b)
    if day_first is None and month_first is None:
        if a > 12 and b > 12:
            raise CellValueError(f"cannot read {_quoted(text)} as a date: neither {a} nor {b} "
                                 "is a month", _DATE_HINT)
        month, day = (b, a) if a > 12 else (a, b)
        return DateReading(*(2 * (_checked_date(text, year, month, day),)))
    for reading in (day_first, month_first):
        if reading is not None:
            _in_range(text, reading)
    return DateReading(day_first, month_first)


def _serial_date(cell: object, serial: float, date1904: bool) -> dt.date:
    """The date of an Excel serial number (time of day dropped)."""
    if not math.isfinite(serial):
        raise CellValueError(f"cannot read {_quoted(cell)} as a date", _DATE_HINT)
    whole = math.floor(serial)
    if not date1904 and whole == 60:
        raise CellValueError(
            f"the number {_quoted(cell)} is Excel's non-existent date 29 Feb 1900",
            "type the real date, e.g. 1900-02-28 or 1900-03-01")
    days = _serial_days(np.array([whole], dtype=np.float64), date1904)[0]
    if not (_DAY_MIN <= days <= _DAY_MAX) or (not date1904 and whole < 1):
        raise CellValueError(
            f"the number {_quoted(cell)} is not a date between {YEAR_MIN} and {YEAR_MAX}",
            "check the cell; dates should look like 2026-10-03")
    return dt.date.fromordinal(int(days) + _EPOCH_ORDINAL)


def _serial_days(whole: np.ndarray, date1904: bool) -> np.ndarray:
    """Days since 1970-01-01 of whole Excel serials (1900 serials below 60 shift by one)."""
    if date1904:
        return whole - _SERIAL_EPOCH_1904
    return np.where(whole < 60, whole - _SERIAL_EPOCH_1900 + 1, whole - _SERIAL_EPOCH_1900)


def _not_a_date_kind(cell: object, kind: int) -> None:
    """Raise for cells that are no date at all: durations, times, TRUE/FALSE."""
    if kind == _DELTA:
        raise CellValueError(f"{_quoted(cell)} is a duration, not a date", _DATE_HINT)
    if kind == _TIME:
        raise CellValueError(f"{_quoted(cell)} is a time of day, not a date", _DATE_HINT)
    if kind in (_BOOL, _OTHER):
        raise CellValueError(f"cannot read {_quoted(cell)} as a date", _DATE_HINT)


def _real_date(cell: object) -> dt.date:
    """The calendar date of a datetime/date cell (time of day and time zone dropped)."""
    if isinstance(cell, np.datetime64):
        cell = pd.Timestamp(cell).to_pydatetime()
    if isinstance(cell, dt.datetime):
        if cell.date() in (dt.date(1899, 12, 30), dt.date(1899, 12, 31)):
            # Excel's day zero: a time-only cell some readers return as a datetime.
            raise CellValueError(f'"{cell.strftime("%H:%M")}" is a time of day, not a date',
                                 _DATE_HINT)
        cell = cell.date()
    assert isinstance(cell, dt.date)
    return _in_range(cell, cell)


def _date_reading(cell: object, date1904: bool) -> DateReading | None:
    """Any cell as a :class:`DateReading`, or None when blank."""
    kind = _kind(cell)
    if kind == _BLANK or (isinstance(cell, np.datetime64) and np.isnat(cell)):
        return None
    _common_failures(cell, "a date", _DATE_HINT)
    _not_a_date_kind(cell, kind)
    if kind in (_DATETIME, _DATE):
        day = _real_date(cell)
        return DateReading(day, day)
    if kind in (_FLOAT, _INT, _DECIMAL):
        day = _number_date(cell, float(cell), date1904)  # type: ignore[arg-type]
        return DateReading(day, day)
    text = str(cell)
    if _is_blank_text(text):
        return None
    clean = _clean(text)
    if re.fullmatch(r"\d{5}(?:\.\d+)?", clean):
        # A serial number stored as text (CSV exports of unformatted date cells).
        day = _serial_date(cell, float(clean), date1904)
        return DateReading(day, day)
    return read_date_text(text)


def _number_date(cell: object, number: float, date1904: bool) -> dt.date:
    """A number in a date column: 20261003 is YYYYMMDD, anything else an Excel serial."""
    if number.is_integer() and 19000101 <= number <= 22001231:
        text = str(int(number))
        return _checked_date(show(cell), int(text[:4]), int(text[4:6]), int(text[6:]))
    return _serial_date(cell, number, date1904)


def parse_date(cell: object, *, date_order: DateOrder = "month-first",
               date1904: bool = False) -> dt.date | None:
    """A date from any cell (real date, serial, text), or None when blank.

    ``date_order`` settles text like 3/4/2026 that reads both ways; :func:`convert_column`
    decides it per column from the values that read only one way.
    """
    reading = _date_reading(cell, date1904)
    return None if reading is None else reading.date(date_order)


def parse_month(cell: object, *, date_order: DateOrder = "month-first",
                date1904: bool = False) -> str | None:
    """A month as ``"YYYY-MM"`` from 2026-10, 2026/10, 2026年10月, Oct 2026, dates or serials."""
    reading = _month_reading(cell, date1904)
    if reading is None:
        return None
    if isinstance(reading, str):
        return reading
    return reading.date(date_order).strftime("%Y-%m")


def _month_reading(cell: object, date1904: bool) -> str | DateReading | None:
    """A month-only cell as ``"YYYY-MM"``, a full date as its reading, None when blank."""
    kind = _kind(cell)
    if kind == _STR:
        text = str(cell)
        if _is_blank_text(text):
            return None
        _common_failures(cell, "a month", _MONTH_HINT)
        s = _clean(text)
        for pattern in _MONTH_FORMS:
            m = pattern.fullmatch(s)
            if m is not None:
                groups = m.groupdict()
                month = _MONTH_KEYS[groups["mon"].lower()] if groups.get("mon") else int(
                    groups["m"])
                return _month_text(text, _year(m["y"]), month)
        try:
            return read_date_text(text)
        except CellValueError:
            raise CellValueError(f"cannot read {_quoted(text)} as a month", _MONTH_HINT) from None
    if kind in (_FLOAT, _INT, _DECIMAL):
        _common_failures(cell, "a month", _MONTH_HINT)
        number = float(cell)  # type: ignore[arg-type]
        if number.is_integer() and 190001 <= number <= 220012:
            return _month_text(show(cell), int(number) // 100, int(number) % 100)
        if YEAR_MIN <= number < YEAR_MAX + 1:
            # 2026.1 could be 2026.01 or 2026.10 once Excel has made a number of it.
            raise CellValueError(f"cannot read the number {_quoted(cell)} as a month",
                                 _MONTH_HINT + " (format the cell as text so Excel keeps it)")
    try:
        return _date_reading(cell, date1904)
    except CellValueError as exc:
        if exc.message.startswith("cannot read"):
            raise CellValueError(f"cannot read {_quoted(cell)} as a month", _MONTH_HINT) from None
        raise


def _month_text(text: str, year: int, month: int) -> str:
    if not 1 <= month <= 12:
        raise CellValueError(f"cannot read {_quoted(text)} as a month: there is no month {month}",
                             _MONTH_HINT)
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise CellValueError(
            f"the month {_quoted(text)} is outside the years {YEAR_MIN} to {YEAR_MAX}",
            "check the year")
    return f"{year:04d}-{month:02d}"


# --------------------------------------------------------------------------- columns

#: A cell converter for :func:`_run`: the value plus a warning (message, hint) or ("", "").
_Converter = Callable[[object], tuple[object, str, str]]
_Hit = tuple[object, "CellValueError | None", str, str]


def _plain(parse: Callable[[object], object]) -> _Converter:
    """A converter from a parser that never warns."""
    def convert(cell: object) -> tuple[object, str, str]:
        return parse(cell), "", ""
    return convert


def _take(cells: list[object], positions: np.ndarray) -> list[object]:
    if len(positions) == len(cells):
        return cells
    return [cells[i] for i in positions.tolist()]


def _attempt(convert: _Converter, cell: object) -> _Hit:
    """Convert one cell, catching its error as a value."""
    try:
        value, message, hint = convert(cell)
    except CellValueError as exc:
        return None, exc, "", ""
    return value, None, message, hint


def _problem(index: int, cell: object, hit: _Hit) -> CellProblem | None:
    """The problem a conversion result carries, if any."""
    _, error, message, hint = hit
    if error is not None:
        return CellProblem(index, show(cell), error.message, error.hint, Severity.ERROR)
    if message:
        return CellProblem(index, show(cell), message, hint, Severity.WARNING)
    return None


#: A bulk reader for the distinct texts of a column: values, and which texts it could read.
_Bulk = Callable[[list[str]], tuple[np.ndarray, np.ndarray]]


def _run(cells: list[object], positions: Sequence[int], convert: _Converter,
         problems: list[CellProblem], *, whole_floats_as_text: bool = False,
         bulk: _Bulk | None = None) -> np.ndarray:
    """Convert the cells at ``positions``, reading each distinct cell once; errors give None.

    Texts are deduplicated with a hash table in C (a ledger repeats its client ids and
    dates thousands of times); with ``whole_floats_as_text`` whole numbers become their
    digits in bulk (ids stored as numbers); ``bulk`` reads the plain texts in one go.
    """
    index = np.asarray(positions, dtype=np.int64)
    sub = cells if len(index) == len(cells) else [cells[i] for i in index.tolist()]
    kinds = _kinds(sub)
    out = np.full(len(sub), None, dtype=object)
    found: list[CellProblem | None] = []
    at = np.flatnonzero(kinds == _STR)
    if at.size:
        codes, uniques = pd.factorize(np.array(_take(sub, at), dtype=object))
        texts = uniques.tolist()
        values = np.full(len(texts), None, dtype=object)
        done = np.zeros(len(texts), dtype=bool)
        if bulk is not None:
            bulk_values, done = bulk(texts)
            values[done] = bulk_values[done]
        flagged: dict[int, _Hit] = {}
        for u in np.flatnonzero(~done).tolist():
            read = _attempt(convert, texts[u])
            values[u] = read[0]
            if read[1] is not None or read[2]:
                flagged[u] = read
        out[at] = values[codes]
        if flagged:
            mask = np.zeros(len(texts), dtype=bool)
            mask[list(flagged)] = True
            for k in np.flatnonzero(mask[codes]).tolist():
                j = int(at[k])
                found.append(_problem(int(index[j]), sub[j], flagged[int(codes[k])]))
    rest = np.flatnonzero((kinds != _STR) & (kinds != _BLANK))
    if whole_floats_as_text and rest.size:
        numeric = rest[np.isin(kinds[rest], (_FLOAT, _INT))]
        x = np.array(_take(sub, numeric), dtype=np.float64)
        with np.errstate(invalid="ignore"):
            whole = np.isfinite(x) & (np.abs(x) < 1e15) & (x == np.floor(x))
        text = np.full(int(whole.sum()), None, dtype=object)
        text[:] = x[whole].astype(np.int64).astype(str).tolist()
        out[numeric[whole]] = text
        rest = np.setdiff1d(rest, numeric[whole], assume_unique=True)
    cache: dict[tuple[type, object], _Hit] = {}
    for j in rest.tolist():
        cell = sub[j]
        # Decimals equal in value may print differently (1.0, 1.00): never share their text.
        key = None if isinstance(cell, Decimal) else (cell.__class__, cell)
        hit: _Hit | None
        try:
            hit = cache.get(key) if key is not None else None
        except TypeError:  # an unhashable object: read it, but don't cache it
            key, hit = None, None
        if hit is None:
            hit = _attempt(convert, cell)
            if key is not None:
                cache[key] = hit
        out[j] = hit[0]
        found.append(_problem(int(index[j]), cell, hit))
    problems.extend(p for p in found if p is not None)
    return out


def _result(values: pd.Series, problems: list[CellProblem],
            notes: Sequence[tuple[Severity, str, str]] = ()) -> ColumnResult:
    problems.sort(key=lambda p: p.index)
    return ColumnResult(values.reset_index(drop=True), tuple(problems), tuple(notes))


def convert_column(column: schema.Column, cells: Sequence[object], *, config: Config,
                   date1904: bool = False) -> ColumnResult:
    """Convert one column's raw cells to its canonical dtype, with every problem addressed."""
    seq = list(cells)
    kind = column.type
    decimal_comma = config.format.decimal_comma
    if kind in ("date", "month"):
        return _convert_dates(seq, config.format.date_order, date1904, as_month=kind == "month")
    if kind in ("money", "number"):
        return _convert_numeric(seq, money=kind == "money", decimal_comma=decimal_comma)
    problems: list[CellProblem] = []
    convert, dtype = _converter(column, config)
    as_text = kind in ("id", "text")
    values = _run(seq, range(len(seq)), convert, problems, whole_floats_as_text=as_text,
                  bulk=_bulk_text if as_text else None)
    return _result(_series(values, dtype), problems)


def _converter(column: schema.Column, config: Config) -> tuple[_Converter, str]:
    """The cell converter and the canonical dtype of a column's type."""
    kind = column.type
    decimal_comma = config.format.decimal_comma
    if kind == "id":
        return _id_with_note, "object"
    if kind == "text":
        return _plain(parse_text), "object"
    if kind == "emails":
        return _plain(parse_emails), "object"
    if kind == "int":
        return _plain(lambda c: parse_int(c, decimal_comma=decimal_comma)), "Int64"
    if kind == "percent":
        # A margin can be a loss; a probability cannot be below zero.
        low = -1.0 if column.name == "margin_pct" else 0.0
        return _plain(lambda c: parse_percent(c, decimal_comma=decimal_comma, low=low)), "float64"
    if kind in ("enum", "score", "bool"):
        value_set = {"score": "answer", "bool": "bool"}.get(kind, column.values)
        spellings = config.extra_spellings(value_set, column.name)
        lookup = spelling_lookup(spellings)
        if kind == "score":
            return _plain(lambda c: _score(c, lookup)), "Int64"
        if kind == "bool":
            return _plain(lambda c: _bool(c, lookup)), "boolean"
        return _plain(lambda c: _enum(c, spellings, lookup, column.name)), "object"
    raise ValueError(f"unknown column type {kind!r} for column {column.name!r}")


def _series(values: np.ndarray, dtype: str) -> pd.Series:
    if dtype == "object":
        return pd.Series(values, dtype=object)
    if dtype == "float64":
        return pd.Series(np.array([np.nan if v is None else v for v in values.tolist()],
                                  dtype=np.float64))
    if dtype == "Int64":
        return pd.Series(pd.array(values.tolist(), dtype="Int64"))
    return pd.Series(pd.array(values.tolist(), dtype="boolean"))


_PLAIN_CENTS = re.compile(r"-?\d{1,13}(?:\.\d{1,2})?")
_PLAIN_NUMBER = re.compile(r"-?\d{1,15}(?:\.\d{1,15})?")


def _plain_numbers(texts: list[str], pattern: re.Pattern[str]) -> tuple[np.ndarray, np.ndarray]:
    """Floats of the texts that are plain ASCII numbers (the bulk of a CSV), and which those are."""
    ok = np.array([pattern.fullmatch(t) is not None for t in texts], dtype=bool)
    numbers = np.zeros(len(texts), dtype=np.float64)
    if ok.any():
        numbers[ok] = np.array([texts[i] for i in np.flatnonzero(ok).tolist()],
                               dtype=object).astype(np.float64)
    return numbers, ok


def _bulk_cents(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Cents of plain texts like "2871.5": at most 2 decimals and 15 digits, so float is exact."""
    numbers, ok = _plain_numbers(texts, _PLAIN_CENTS)
    return np.rint(numbers * 100).astype(np.int64), ok


def _bulk_numbers(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    return _plain_numbers(texts, _PLAIN_NUMBER)


def _bulk_text(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Texts that need no work (printable ASCII, trimmed, not an Excel error or 1E+11 number)."""
    ok = np.array([t.isascii() and t.isprintable() and t[:1] not in "#" and t.strip() == t
                   and "+" not in t for t in texts], dtype=bool)
    values = np.full(len(texts), None, dtype=object)
    values[:] = texts
    return values, ok


def _cents_from_floats(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cents of floats where a vectorised rounding is provably the exact one, and which those are.

    Below 10 million the product x·100 is within 4e-7 of the exact decimal value, so only
    values within 1e-6 of a half cent can round differently; those (and non-finite or large
    values) are left to :func:`parse_money`, which rounds ``Decimal(repr(x))``.
    """
    with np.errstate(invalid="ignore", over="ignore"):
        y = x * 100
        ok = np.isfinite(x) & (np.abs(x) < 1e7)
        near_half = np.abs(np.abs(y - np.trunc(y)) - 0.5) < 1e-6
        ok &= ~near_half
        cents = np.where(ok, np.rint(np.where(ok, y, 0)), 0).astype(np.int64)
    return cents, ok


def _int64s(values: list[object], limit: int) -> tuple[np.ndarray, np.ndarray]:
    """Whole numbers (openpyxl reads 120.0 as 120) as int64, and which are below ``limit``."""
    try:
        whole = np.array(values, dtype=np.int64)
    except OverflowError:  # a huge integer: let the one-by-one path say so
        return np.zeros(len(values), dtype=np.int64), np.zeros(len(values), dtype=bool)
    return whole, np.abs(whole) < limit


def _finite_floats(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return x, np.isfinite(x)


def _convert_numeric(cells: list[object], *, money: bool, decimal_comma: bool) -> ColumnResult:
    """A money column as Int64 cents, or a number column as float64; floats in bulk."""
    n = len(cells)
    numbers = np.zeros(n, dtype=np.int64 if money else np.float64)
    valid = np.zeros(n, dtype=bool)
    kinds = _kinds(cells)
    problems: list[CellProblem] = []
    rest = [np.flatnonzero((kinds != _FLOAT) & (kinds != _INT) & (kinds != _BLANK))]
    pos = np.flatnonzero(kinds == _FLOAT)
    if pos.size:
        fast = _cents_from_floats if money else _finite_floats
        found, ok = fast(np.array(_take(cells, pos), dtype=np.float64))
        numbers[pos[ok]], valid[pos[ok]] = found[ok], True
        rest.append(pos[~ok])
    pos = np.flatnonzero(kinds == _INT)
    if pos.size:
        whole, ok = _int64s(_take(cells, pos), limit=10**16 if money else 2**53)
        numbers[pos[ok]], valid[pos[ok]] = whole[ok] * (100 if money else 1), True
        rest.append(pos[~ok])
    todo = np.sort(np.concatenate(rest)).tolist()
    convert: _Converter
    if money:
        convert = lambda c: _money_with_note(c, decimal_comma)  # noqa: E731
    else:
        convert = _plain(lambda c: parse_number(c, decimal_comma=decimal_comma))
    bulk = None if decimal_comma else (_bulk_cents if money else _bulk_numbers)
    read = _run(cells, todo, convert, problems, bulk=bulk)
    got = ~pd.isna(read)
    if got.any():
        where = np.asarray(todo, dtype=np.int64)[got]
        numbers[where], valid[where] = read[got].astype(numbers.dtype), True
    if money:
        return _result(pd.Series(pd.arrays.IntegerArray(numbers.astype(np.int64), ~valid)),
                       problems)
    numbers[~valid] = np.nan
    return _result(pd.Series(numbers), problems)


# Per distinct text of a date column: blank, one date, two dates (order open), or an error.
_U_BLANK, _U_DATE, _U_AMBIGUOUS, _U_ERROR = range(4)
_ISO_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M")


def _days(day: dt.date) -> int:
    return day.toordinal() - _EPOCH_ORDINAL


def _date_of_days(days: int) -> dt.date:
    return dt.date.fromordinal(days + _EPOCH_ORDINAL)


def _days_of_timestamps(values: pd.Series) -> np.ndarray:
    """Days since 1970 of a datetime Series (NaT → a value outside the plausible range)."""
    # Cast the stamps' own unit straight to days: a detour through nanoseconds would
    # overflow on years past 2262, which must reach the range check, not crash.
    day = np.asarray(values.to_numpy()).astype("datetime64[D]")
    out = day.astype(np.int64)
    out[np.isnat(day)] = _DAY_MIN - 1
    return out


def _days_from_datetimes(values: list[object]) -> tuple[np.ndarray, np.ndarray]:
    """Days of real dates, vectorised; cells it cannot place (time zones mixed) are not ok."""
    try:
        stamps = pd.to_datetime(pd.Series(values, dtype=object))
        if stamps.dt.tz is not None:
            stamps = stamps.dt.tz_localize(None)
        days = _days_of_timestamps(stamps)
    except (ValueError, TypeError, OverflowError, AttributeError):
        return np.zeros(len(values), dtype=np.int64), np.zeros(len(values), dtype=bool)
    return days, (days >= _DAY_MIN) & (days <= _DAY_MAX)


def _days_from_serials(x: np.ndarray, date1904: bool) -> tuple[np.ndarray, np.ndarray]:
    """Days of Excel serial numbers, vectorised; 60, 0 and out-of-range serials are not ok."""
    with np.errstate(invalid="ignore"):
        finite = np.isfinite(x)
        whole = np.floor(np.where(finite, x, 0))
        days = _serial_days(whole, date1904)
        ok = finite & (days >= _DAY_MIN) & (days <= _DAY_MAX)
        if not date1904:
            ok &= (whole >= 1) & (whole != 60)
    return np.where(ok, days, 0).astype(np.int64), ok


def _days_from_iso(texts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Days of the texts written as ISO dates (optionally with a time), vectorised."""
    days = np.zeros(len(texts), dtype=np.int64)
    ok = np.zeros(len(texts), dtype=bool)
    series = pd.Series(texts, dtype=object)
    for fmt in _ISO_FORMATS:
        todo = np.flatnonzero(~ok)
        if not todo.size:
            break
        stamps = pd.to_datetime(series.iloc[todo], format=fmt, errors="coerce")
        found = _days_of_timestamps(stamps)
        good = (found >= _DAY_MIN) & (found <= _DAY_MAX)
        days[todo[good]], ok[todo[good]] = found[good], True
    return days, ok


@dataclass
class _TextDates:
    """The readings of the distinct texts of a date (or month) column."""

    state: np.ndarray
    first: np.ndarray  # the date (day-first reading when ambiguous), as days since 1970
    second: np.ndarray  # the month-first reading when ambiguous
    evidence: np.ndarray  # 0 none, 1 proves day-first, 2 proves month-first
    errors: dict[int, CellValueError]


def _read_texts(uniques: np.ndarray, date1904: bool, as_month: bool) -> _TextDates:
    """Read each distinct text once: ISO in bulk, every other form one by one."""
    n = len(uniques)
    found = _TextDates(np.full(n, _U_ERROR, dtype=np.int8), np.zeros(n, dtype=np.int64),
                       np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int8), {})
    if not as_month:
        days, ok = _days_from_iso(uniques)
        found.state[ok], found.first[ok] = _U_DATE, days[ok]
    for u in np.flatnonzero(found.state == _U_ERROR).tolist():
        try:
            reading = (_month_reading if as_month else _date_reading)(uniques[u], date1904)
        except CellValueError as exc:
            found.errors[u] = exc
            continue
        if reading is None:
            found.state[u] = _U_BLANK
        elif isinstance(reading, str):
            found.state[u] = _U_DATE
            found.first[u] = _days(dt.date(int(reading[:4]), int(reading[5:]), 1))
        elif reading.ambiguous:
            assert reading.day_first is not None and reading.month_first is not None
            found.state[u] = _U_AMBIGUOUS
            found.first[u], found.second[u] = _days(reading.day_first), _days(
                reading.month_first)
        else:
            found.state[u] = _U_DATE
            found.first[u] = _days(reading.date("month-first"))
            found.evidence[u] = {None: 0, "day-first": 1, "month-first": 2}[reading.evidence]
    return found


def _order_notes(found: _TextDates, uniques: np.ndarray, default: DateOrder
                 ) -> tuple[DateOrder | None, list[tuple[Severity, str, str]]]:
    """The day/month order of a column from its one-way values (None: it mixes both)."""
    ambiguous = np.flatnonzero(found.state == _U_AMBIGUOUS)
    if not ambiguous.size:
        return default, []
    day_proof = np.flatnonzero(found.evidence == 1)
    month_proof = np.flatnonzero(found.evidence == 2)
    if day_proof.size and month_proof.size:
        dex, mex = show(uniques[day_proof[0]]), show(uniques[month_proof[0]])
        iso = _date_of_days(int(found.first[day_proof[0]])).isoformat()
        return None, [(Severity.ERROR,
                       f"column mixes day-first ({dex}) and month-first ({mex}) dates",
                       f"write every date the same way, best as year-month-day ({iso})")]
    if day_proof.size or month_proof.size:
        order: DateOrder = "day-first" if day_proof.size else "month-first"
        example = show(uniques[(day_proof if day_proof.size else month_proof)[0]])
        return order, [(Severity.INFO, f"dates read as {order} because of values like {example}",
                        "")]
    u = int(ambiguous[0])
    day_first, month_first = (_date_of_days(int(found.first[u])),
                              _date_of_days(int(found.second[u])))
    other = "day-first" if default == "month-first" else "month-first"
    return default, [(
        Severity.WARNING,
        f"dates like {show(uniques[u])} could be {_day_month_text(day_first)} or "
        f"{_day_month_text(month_first)}; read as {default} ([format] date_order)",
        f'if they are {other}, set date_order = "{other}" under [format] in reportgen.toml; '
        "dates written as year-month-day (2026-04-03) are never ambiguous",
    )]


def _convert_dates(cells: list[object], default: DateOrder, date1904: bool, *,
                   as_month: bool) -> ColumnResult:
    """A date column as datetime64[ns] (a month column as "YYYY-MM"); day/month order per column."""
    n = len(cells)
    days = np.zeros(n, dtype=np.int64)
    valid = np.zeros(n, dtype=bool)
    kinds = _kinds(cells)
    problems: list[CellProblem] = []
    rest = [np.flatnonzero((kinds != _STR) & (kinds != _BLANK))]
    if not as_month:
        rest = [np.flatnonzero(~np.isin(kinds, (_STR, _BLANK, _DATETIME, _DATE, _FLOAT, _INT)))]
        for wanted, fast in (((_DATETIME, _DATE), lambda v: _days_from_datetimes(v)),
                             ((_FLOAT, _INT), lambda v: _days_from_serials(
                                 np.array(v, dtype=np.float64), date1904))):
            pos = np.flatnonzero(np.isin(kinds, wanted))
            if pos.size:
                d, ok = fast(_take(cells, pos))
                days[pos[ok]], valid[pos[ok]] = d[ok], True
                rest.append(pos[~ok])
    notes: list[tuple[Severity, str, str]] = []
    pos = np.flatnonzero(kinds == _STR)
    if pos.size:
        codes, uniques = pd.factorize(np.array(_take(cells, pos), dtype=object))
        found = _read_texts(np.asarray(uniques, dtype=object), date1904, as_month)
        order, notes = _order_notes(found, uniques, default)
        picked = found.first.copy()
        if order == "month-first":
            amb = found.state == _U_AMBIGUOUS
            picked[amb] = found.second[amb]
        state = found.state[codes]
        readable = (state == _U_DATE) | ((state == _U_AMBIGUOUS) & (order is not None))
        days[pos[readable]], valid[pos[readable]] = picked[codes[readable]], True
        for j in np.flatnonzero(~readable & (state != _U_BLANK)).tolist():
            problems.append(_text_date_problem(int(pos[j]), cells[int(pos[j])], int(codes[j]),
                                               found))
    todo = np.sort(np.concatenate(rest)).tolist()
    reader = _month_reading if as_month else _date_reading
    read = _run(cells, todo, _plain(lambda c: _definite(reader(c, date1904))), problems)
    for i, value in zip(todo, read, strict=True):
        if value is not None:
            days[i], valid[i] = cast(int, value), True
    day_array = days.astype("datetime64[D]")
    day_array[~valid] = np.datetime64("NaT")
    if as_month:
        text = np.datetime_as_string(day_array.astype("datetime64[M]"), unit="M").tolist()
        values = pd.Series([t if ok else None for t, ok in zip(text, valid.tolist(), strict=True)],
                           dtype=object)
    else:
        values = pd.Series(day_array.astype("datetime64[ns]"))
    return _result(values, problems, notes)


def _definite(reading: str | DateReading | None) -> int | None:
    """Days of a reading that can only be one date (non-text cells always are)."""
    if reading is None:
        return None
    if isinstance(reading, str):
        return _days(dt.date(int(reading[:4]), int(reading[5:]), 1))
    return _days(reading.date("month-first"))


def _text_date_problem(index: int, cell: object, u: int, found: _TextDates) -> CellProblem:
    """The problem of a text that is unreadable, or ambiguous in a column that mixes orders."""
    error = found.errors.get(u)
    if error is not None:
        return CellProblem(index, show(cell), error.message, error.hint, Severity.ERROR)
    day_first, month_first = (_date_of_days(int(found.first[u])),
                              _date_of_days(int(found.second[u])))
    return CellProblem(
        index, show(cell),
        f"cannot tell whether {_quoted(cell)} is {_day_month_text(day_first)} or "
        f"{_day_month_text(month_first)}",
        f"write the date as year-month-day ({day_first.isoformat()} or "
        f"{month_first.isoformat()})",
        Severity.ERROR,
    )
