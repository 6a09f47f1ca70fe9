"""Amounts, numbers, whole numbers and percentages, as text or as numbers.

Money is an exact integer of millionths of the currency unit (``schema.MONEY_SCALE``): the
amount as the workbook holds it, to six decimals, so 957.5775 is 957,577,500 and a total is the
spreadsheet's own SUM. The *typed* value is what counts: a float goes through
``Decimal(repr(x))``, so 2.675 is 2,675,000 although the float is 2.67499…; a seventh decimal is
rounded half away from zero. "12,34" is refused unless ``[format] decimal_comma`` says commas
are decimals; with it, "." separates thousands. A lone "-" is zero (Excel's accounting format);
万/亿 multiply.

:func:`convert_numeric` reads a money or number column with vectorised paths for the common
large columns (floats, whole numbers, plain-number text); every other cell goes through the
scalar parsers.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from reportgen.i18n import N_
from reportgen.inputs.schema import MONEY_PLACES, MONEY_SCALE
from reportgen.inputs.values.cells import (
    BLANK,
    DECIMAL,
    DIGITS,
    FLOAT,
    INT,
    STR,
    CellProblem,
    CellValueError,
    ColumnResult,
    Converter,
    cannot_read,
    clean_text,
    column_result,
    common_failures,
    is_blank_text,
    kind_of,
    kinds_of,
    plain,
    quote,
    run,
    take,
)

#: Amounts at or above this (in currency units, a trillion) cannot be a sales figure; below it
#: even a million such lines add up without overflowing int64 at MONEY_SCALE.
MONEY_LIMIT = Decimal(10) ** 12
_QUANTUM = Decimal(1).scaleb(-MONEY_PLACES)


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
AN_AMOUNT, A_NUMBER = N_("an amount"), N_("a number")
A_WHOLE_NUMBER, A_PERCENTAGE = N_("a whole number"), N_("a percentage")
_NUMBER_HINT: dict[str, str] = {
    AN_AMOUNT: N_("write a number such as 1234.50; a currency sign, thousands separators "
                  "and brackets for negatives are fine"),
    A_NUMBER: N_("write a number such as 12.5"),
    A_WHOLE_NUMBER: N_("write a whole number such as 12"),
    A_PERCENTAGE: N_("write a percentage such as 25% (or 0.25)"),
}
_LARGE_NUMBER_HINT = N_("check the number for extra digits")


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
    if point in frac or (sep and not DIGITS.fullmatch(frac or "0")):
        return None
    if not whole:
        if not frac:
            return None
        whole = "0"
    elif not DIGITS.fullmatch(whole):
        if _GROUPED[decimal_comma].fullmatch(whole) is None:
            return None
        whole = re.sub(r"[^\d]", "", whole)
    return Decimal(f"{whole}.{frac}" if frac else whole)


def _convention_text(value: Decimal, decimal_comma: bool) -> str:
    """``value`` written in the configured convention, for a hint."""
    text = format(value, "f")
    return text.replace(".", ",") if decimal_comma else text


def text_decimal(text: str, *, decimal_comma: bool, noun: str, currency: bool,
                 dash_is_zero: bool = False, shown: object = None) -> Decimal:
    """Read a number written as text: sign, brackets, currency, separators, 万/亿."""
    hint = _NUMBER_HINT[noun]
    shown_cell = text if shown is None else shown
    quoted = quote(shown_cell)
    s = clean_text(text)
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
            raise CellValueError(cannot_read(shown_cell, noun), hint)
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
            why = N_("the comma may be a decimal comma") if "," in s else (
                N_("the dots may separate thousands"))
            raise CellValueError(
                N_("cannot read %(value)s as %(noun)s: %(why)s", value=quoted, noun=noun,
                   why=why),
                N_("write %(number)s; if your files use decimal commas (1.234,50), set "
                   "decimal_comma = true under [format] in reportgen.toml",
                   number=_convention_text(other, False)),
            )
        if other is not None:
            raise CellValueError(
                N_("cannot read %(value)s as %(noun)s: it has a decimal point, but the "
                   "settings say decimal comma", value=quoted, noun=noun),
                N_("write %(number)s; or set decimal_comma = false under [format] in "
                   "reportgen.toml", number=_convention_text(other, True)),
            )
        raise CellValueError(cannot_read(shown_cell, noun), hint)
    value = value.scaleb(scale)
    return -value if negative else value


def decimal_of(cell: object, *, noun: str, decimal_comma: bool, currency: bool,
               dash_is_zero: bool = False) -> Decimal | None:
    """Any cell as an exact Decimal (floats via their shortest repr), or None when blank."""
    hint = _NUMBER_HINT[noun]
    kind = kind_of(cell)
    if kind == BLANK:
        return None
    common_failures(cell, noun, hint)
    if kind == STR:
        text = str(cell)
        if is_blank_text(text):
            return None
        return text_decimal(text, decimal_comma=decimal_comma, noun=noun, currency=currency,
                            dash_is_zero=dash_is_zero)
    if kind == FLOAT:
        x = float(cell)  # type: ignore[arg-type]
        if not math.isfinite(x):
            raise CellValueError(cannot_read(cell, noun), hint)
        # repr is the shortest text that gives back this float: what the person typed,
        # so 0.1 + 0.2 style noise never moves a rounding.
        return Decimal(repr(x))
    if kind == INT:
        return Decimal(int(cell))  # type: ignore[call-overload]
    if kind == DECIMAL:
        value = Decimal(cell)  # type: ignore[arg-type]
        if not value.is_finite():
            raise CellValueError(cannot_read(cell, noun), hint)
        return value
    raise CellValueError(cannot_read(cell, noun), hint)


def _stored(cell: object, value: Decimal) -> int:
    """An amount as stored money (1/MONEY_SCALE units), a seventh decimal half away from zero."""
    if abs(value) >= MONEY_LIMIT:
        raise CellValueError(
            N_("the amount %(value)s is too large: an amount must be below %(limit)s",
               value=quote(cell), limit=f"{int(MONEY_LIMIT):,}"),
            N_("check the amount for extra digits"))
    return int(value.scaleb(MONEY_PLACES).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def parse_money(cell: object, *, decimal_comma: bool = False) -> int | None:
    """An amount as an integer of 1/MONEY_SCALE currency units, or None for a blank cell."""
    value = decimal_of(cell, noun=AN_AMOUNT, decimal_comma=decimal_comma, currency=True,
                       dash_is_zero=True)
    return None if value is None else _stored(cell, value)


def _money_with_note(cell: object, decimal_comma: bool) -> tuple[int | None, str, str]:
    """Stored money, with a warning when an amount typed as text had more than six decimals."""
    value = decimal_of(cell, noun=AN_AMOUNT, decimal_comma=decimal_comma, currency=True,
                       dash_is_zero=True)
    if value is None:
        return None, "", ""
    stored = _stored(cell, value)
    # Excel's own floats carry long tails (12.3 * 3); only typed text is worth a word.
    if kind_of(cell) == STR and value != Decimal(stored).scaleb(-MONEY_PLACES):
        shown = _convention_text(Decimal(stored).scaleb(-MONEY_PLACES).normalize(),
                                 decimal_comma)
        hint = (N_("check the decimal separator: decimal_comma = true under [format] in "
                   "reportgen.toml reads 1,234 as 1.234") if decimal_comma
                else N_("round the amount to six decimals in the workbook"))
        return stored, N_("the amount %(value)s has more than six decimals; read as %(read)s",
                          value=quote(cell), read=shown), hint
    return stored, "", ""


def parse_number(cell: object, *, decimal_comma: bool = False) -> float | None:
    """A number as a float, or None for a blank cell."""
    value = decimal_of(cell, noun=A_NUMBER, decimal_comma=decimal_comma, currency=True)
    if value is None:
        return None
    number = float(value)
    if not math.isfinite(number):
        raise CellValueError(_too_large(cell), _LARGE_NUMBER_HINT)
    return number


def parse_int(cell: object, *, decimal_comma: bool = False) -> int | None:
    """A whole number (``3`` or ``3.0``), or None for a blank cell."""
    value = decimal_of(cell, noun=A_WHOLE_NUMBER, decimal_comma=decimal_comma, currency=False)
    if value is None:
        return None
    if value != value.to_integral_value():
        raise CellValueError(N_("%(value)s is not a whole number", value=quote(cell)),
                             _NUMBER_HINT[A_WHOLE_NUMBER])
    if abs(value) >= 2**53:
        raise CellValueError(_too_large(cell), _LARGE_NUMBER_HINT)
    return int(value)


def _too_large(cell: object) -> str:
    return N_("the number %(value)s is too large", value=quote(cell))


def _percent_range_text(x: float) -> str:
    return f"{x * 100:g}%"


def parse_percent(cell: object, *, decimal_comma: bool = False, low: float = 0.0,
                  high: float = 1.0) -> float | None:
    """A percentage as a fraction: 0.25, "25%" and 25 all give 0.25; None for a blank cell."""
    kind = kind_of(cell)
    value: Decimal | None
    if kind == STR and clean_text(str(cell)).endswith("%"):
        body = clean_text(str(cell))[:-1].strip()
        value = text_decimal(body, decimal_comma=decimal_comma, noun=A_PERCENTAGE,
                             currency=False, shown=cell) / 100
    else:
        value = decimal_of(cell, noun=A_PERCENTAGE, decimal_comma=decimal_comma,
                           currency=False)
        if value is None:
            return None
        if abs(value) > 1:
            # SPEC: numbers above 1 are percents (25 means 25%).
            value = value / 100
    if not low <= value <= high:
        raise CellValueError(
            N_("%(value)s is not a percentage between %(low)s and %(high)s", value=quote(cell),
               low=_percent_range_text(low), high=_percent_range_text(high)),
            _NUMBER_HINT[A_PERCENTAGE],
        )
    return float(value)


# --------------------------------------------------------------------------- columns

# At most 9 whole digits and 6 decimals: the float of the text times MONEY_SCALE is below 1e15,
# within 0.25 of the exact integer it stands for, so rounding it is exact.
_PLAIN_MONEY = re.compile(r"-?\d{1,9}(?:\.\d{1,6})?")
_PLAIN_NUMBER = re.compile(r"-?\d{1,15}(?:\.\d{1,15})?")


def _plain_numbers(texts: list[str], pattern: re.Pattern[str]) -> tuple[np.ndarray, np.ndarray]:
    """Floats of the texts that are plain ASCII numbers (the bulk of a CSV), and which those are."""
    ok = np.array([pattern.fullmatch(t) is not None for t in texts], dtype=bool)
    numbers = np.zeros(len(texts), dtype=np.float64)
    if ok.any():
        numbers[ok] = np.array([texts[i] for i in np.flatnonzero(ok).tolist()],
                               dtype=object).astype(np.float64)
    return numbers, ok


def _bulk_money(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Stored money of plain texts like "2871.5775" (see _PLAIN_MONEY: the rounding is exact)."""
    numbers, ok = _plain_numbers(texts, _PLAIN_MONEY)
    return np.rint(numbers * MONEY_SCALE).astype(np.int64), ok


def _bulk_numbers(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    return _plain_numbers(texts, _PLAIN_NUMBER)

def _money_from_floats(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Stored money of floats where a vectorised rounding is provably exact, and which those are.

    Below 10 million, x and ``Decimal(repr(x))`` differ by at most half an ulp (< 1e-9) and the
    product x·MONEY_SCALE adds at most half an ulp of a number below 1e13 (< 1e-3), so the
    float product is within 0.003 of the exact decimal one. Only values within 0.01 of a half
    millionth can round differently; those (and non-finite or large values) are left to
    :func:`parse_money`, which rounds ``Decimal(repr(x))``.
    """
    with np.errstate(invalid="ignore", over="ignore"):
        y = x * MONEY_SCALE
        ok = np.isfinite(x) & (np.abs(x) < 1e7)
        near_half = np.abs(np.abs(y - np.trunc(y)) - 0.5) < 0.01
        ok &= ~near_half
        stored = np.where(ok, np.rint(np.where(ok, y, 0)), 0).astype(np.int64)
    return stored, ok


def _int64s(values: list[object], limit: int) -> tuple[np.ndarray, np.ndarray]:
    """Whole numbers (openpyxl reads 120.0 as 120) as int64, and which are below ``limit``."""
    try:
        whole = np.array(values, dtype=np.int64)
    except OverflowError:  # a huge integer: let the one-by-one path say so
        return np.zeros(len(values), dtype=np.int64), np.zeros(len(values), dtype=bool)
    return whole, np.abs(whole) < limit


def _finite_floats(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return x, np.isfinite(x)


def convert_numeric(cells: list[object], *, money: bool, decimal_comma: bool) -> ColumnResult:
    """A money column as Int64 stored money, or a number column as float64; floats in bulk."""
    n = len(cells)
    numbers = np.zeros(n, dtype=np.int64 if money else np.float64)
    valid = np.zeros(n, dtype=bool)
    kinds = kinds_of(cells)
    problems: list[CellProblem] = []
    rest = [np.flatnonzero((kinds != FLOAT) & (kinds != INT) & (kinds != BLANK))]
    pos = np.flatnonzero(kinds == FLOAT)
    if pos.size:
        fast = _money_from_floats if money else _finite_floats
        found, ok = fast(np.array(take(cells, pos), dtype=np.float64))
        numbers[pos[ok]], valid[pos[ok]] = found[ok], True
        rest.append(pos[~ok])
    pos = np.flatnonzero(kinds == INT)
    if pos.size:
        whole, ok = _int64s(take(cells, pos), limit=int(MONEY_LIMIT) if money else 2**53)
        numbers[pos[ok]], valid[pos[ok]] = whole[ok] * (MONEY_SCALE if money else 1), True
        rest.append(pos[~ok])
    todo = np.sort(np.concatenate(rest)).tolist()
    convert: Converter
    if money:
        convert = lambda c: _money_with_note(c, decimal_comma)  # noqa: E731
    else:
        convert = plain(lambda c: parse_number(c, decimal_comma=decimal_comma))
    bulk = None if decimal_comma else (_bulk_money if money else _bulk_numbers)
    read = run(cells, todo, convert, problems, bulk=bulk)
    got = ~pd.isna(read)
    if got.any():
        where = np.asarray(todo, dtype=np.int64)[got]
        numbers[where], valid[where] = read[got].astype(numbers.dtype), True
    if money:
        return column_result(pd.Series(pd.arrays.IntegerArray(numbers.astype(np.int64), ~valid)),
                             problems)
    numbers[~valid] = np.nan
    return column_result(pd.Series(numbers), problems)
