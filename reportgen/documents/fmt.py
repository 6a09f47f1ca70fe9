"""How figures read in documents, in English and Simplified Chinese (Babel locale data).

All functions are pure: value and language in, text out. A blank figure (None, pandas NA,
NaN, NaT, infinity) reads as an em dash, never as 0 - SPEC: "a figure with no data is blank,
never 0". Rounding is half-up (what a supervisor checking by hand expects), done here on exact
decimals before Babel lays the number out; negative numbers carry the locale's minus sign,
which for both languages is the ASCII hyphen-minus: ``-¥1,234``.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal, get_currency_symbol

from reportgen.i18n import BLANK, LOCALES
from reportgen.inputs.schema import MONEY_SCALE

#: SPEC: amounts are "in the configured currency (default CNY, ¥)" - in both languages, where
#: Babel's English data would write "CN¥".
CURRENCY_SYMBOLS: dict[str, str] = {"CNY": "¥"}

_MONTH_PATTERNS = {"en": "MMMM y", "zh": "y年M月"}
_DATE_PATTERNS = {"en": "d MMM y", "zh": "y年M月d日"}
_PP_SUFFIX = {"en": " pp", "zh": "个百分点"}
_NUMBER_PART = re.compile(r"[#0,.]+")


def _locale(lang: str) -> Locale:
    try:
        return _babel_locale(LOCALES[lang])
    except KeyError:
        raise ValueError(f"unknown language {lang!r}: use one of {', '.join(LOCALES)}") from None


@lru_cache(maxsize=8)
def _babel_locale(name: str) -> Locale:
    return Locale.parse(name)


def is_blank(value: object) -> bool:
    """True for None, pandas NA/NaT, NaN and infinities: figures that must read as a dash."""
    if value is None:
        return True
    if isinstance(value, float | Decimal):
        return not math.isfinite(value)
    # pandas.NA, pandas.NaT and numpy.datetime64("NaT") without importing pandas here.
    if type(value).__name__ in {"NAType", "NaTType"}:
        return True
    try:
        return bool(value != value)  # NaN-like scalars of other types (numpy.float32, ...)
    except (TypeError, ValueError):
        return False


def _decimal(value: Any) -> Decimal:
    """An exact Decimal for ints, floats (their shortest repr, not their binary expansion)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise TypeError("a figure cannot be True or False")
    if isinstance(value, numbers.Integral):  # int, numpy integers
        return Decimal(int(value))
    return Decimal(repr(float(value)))


def _round(value: Decimal, digits: int) -> Decimal:
    rounded = value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return rounded if rounded else abs(rounded)  # -0.0 reads as 0.0


def _digits_pattern(digits: int) -> str:
    return "#,##0" + ("." + "0" * digits if digits > 0 else "")


def currency_symbol(currency: str, lang: str) -> str:
    """The symbol written before amounts: ¥ for CNY, else Babel's symbol for the locale."""
    return CURRENCY_SYMBOLS.get(currency) or get_currency_symbol(currency, _locale(lang))


def _money_text(amount: Decimal, currency: str, lang: str, digits: int) -> str:
    locale = _locale(lang)
    # The locale's currency pattern says where the symbol goes; only its digits are replaced.
    positive = locale.currency_formats["standard"].pattern.split(";")[0]
    symbol = "'" + currency_symbol(currency, lang).replace("'", "''") + "'"
    pattern = _NUMBER_PART.sub(_digits_pattern(digits), positive, count=1).replace("¤", symbol)
    return format_decimal(amount, format=pattern, locale=locale)


def units(stored: Any) -> Decimal:
    """Stored money (1/MONEY_SCALE units) as exact currency units: 1234567890000 → 1234567.89."""
    return _decimal(stored) / MONEY_SCALE


def money(stored: Any, currency: str = "CNY", lang: str = "en") -> str:
    """Whole currency units with thousands separators: 1,234,567.89 stored → "¥1,234,568"."""
    if is_blank(stored):
        return BLANK
    return _money_text(_round(units(stored), 0), currency, lang, 0)


def money_exact(stored: Any, currency: str = "CNY", lang: str = "en") -> str:
    """Amount rounded once to two decimals: 1,234,567.885 stored → "¥1,234,567.89"."""
    if is_blank(stored):
        return BLANK
    return _money_text(_round(units(stored), 2), currency, lang, 2)


def delta(stored: Any, currency: str = "CNY", lang: str = "en") -> str:
    """A money variance with an explicit sign: "+¥1,234", "-¥1,234", "¥0"."""
    if is_blank(stored):
        return BLANK
    amount = _round(units(stored), 0)
    text = _money_text(amount, currency, lang, 0)
    return f"+{text}" if amount > 0 else text


def number(value: Any, digits: int = 0, lang: str = "en") -> str:
    """A plain number with thousands separators: 1234567 → "1,234,567"."""
    if is_blank(value):
        return BLANK
    amount = _round(_decimal(value), digits)
    return format_decimal(amount, format=_digits_pattern(digits), locale=_locale(lang))


def pct(fraction: Any, digits: int = 1, lang: str = "en", *, signed: bool = False) -> str:
    """A fraction as a percentage: 0.125 → "12.5%"; ``signed`` adds "+" to gains."""
    if is_blank(fraction):
        return BLANK
    points = _round(_decimal(fraction) * 100, digits)
    # Babel scales by 100 for a "%" pattern; scaleb keeps the already-rounded value exact.
    text = format_decimal(
        points.scaleb(-2), format=_digits_pattern(digits) + "%", locale=_locale(lang)
    )
    return f"+{text}" if signed and points > 0 else text


def pp(points: Any, digits: int = 1, lang: str = "en") -> str:
    """A change in percentage points, signed: 5 → "+5.0 pp" / "+5.0个百分点"."""
    if is_blank(points):
        return BLANK
    amount = _round(_decimal(points), digits)
    text = format_decimal(amount, format=_digits_pattern(digits), locale=_locale(lang))
    sign = "+" if amount > 0 else ""
    return f"{sign}{text}{_PP_SUFFIX[lang]}"


def _as_date(value: Any) -> dt.date:
    """A date from a date/datetime/pandas Timestamp/Period or a "YYYY-MM[-DD]" string."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        parts = value.strip().split("-")
        if len(parts) in (2, 3) and all(p.isdigit() for p in parts):
            return dt.date(int(parts[0]), int(parts[1]), int(parts[2]) if len(parts) == 3 else 1)
        raise ValueError(f"not a date or month: {value!r} (expected YYYY-MM or YYYY-MM-DD)")
    # pandas.Period has start_time; numpy.datetime64 and others go through their ISO text.
    start = getattr(value, "start_time", None)
    if start is not None:
        return _as_date(start)
    return _as_date(str(value)[:10])


def month_label(period: Any, lang: str = "en") -> str:
    """A month as words: "2026-10" → "October 2026" / "2026年10月"."""
    if is_blank(period):
        return BLANK
    return format_date(_as_date(period), _MONTH_PATTERNS[lang], locale=_locale(lang))


def date_label(date: Any, lang: str = "en") -> str:
    """A day as words: 2026-10-03 → "3 Oct 2026" / "2026年10月3日"."""
    if is_blank(date):
        return BLANK
    return format_date(_as_date(date), _DATE_PATTERNS[lang], locale=_locale(lang))
