"""Dates and months: real dates, Excel serials and every common way of writing one as text.

The day/month order of numeric text dates is decided per column by the values that read
only one way (:class:`DateReading`'s evidence); a column with none follows
``[format] date_order`` with a warning, a column with both is an error and so is each of its
two-way values.

:func:`convert_dates` reads a date or month column with vectorised paths for the common
large columns (real dates, serials, ISO date text) and reads every distinct text only once.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Literal, cast

import numpy as np
import pandas as pd

from reportgen.i18n import N_, Term
from reportgen.inputs.issues import Severity
from reportgen.inputs.values.cells import (
    BLANK,
    BOOL,
    DATE,
    DATETIME,
    DECIMAL,
    DELTA,
    DIGITS,
    FLOAT,
    INT,
    OTHER,
    STR,
    TIME,
    CellProblem,
    CellValueError,
    ColumnResult,
    clean_text,
    column_result,
    common_failures,
    is_blank_text,
    kind_of,
    kinds_of,
    plain,
    quote,
    run,
    show,
    take,
)

DateOrder = Literal["month-first", "day-first"]

#: Dates outside these years are typing mistakes, not sales history.
YEAR_MIN, YEAR_MAX = 1900, 2200

_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
_DAY_MIN = dt.date(YEAR_MIN, 1, 1).toordinal() - _EPOCH_ORDINAL
_DAY_MAX = dt.date(YEAR_MAX, 12, 31).toordinal() - _EPOCH_ORDINAL
#: Excel serial of 1970-01-01 in the 1900 and the 1904 date systems.
_SERIAL_EPOCH_1900, _SERIAL_EPOCH_1904 = 25569, 24107


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
_DATE_HINT = N_("write the date as 2026-10-03")
_MONTH_HINT = N_("write the month as 2026-10")
_YEAR_HINT = N_("check the year")


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


def _day_month_text(day: dt.date) -> Term:
    return Term(f"{day.day} {_MONTH_NAMES[day.month - 1]}",
                words={"zh": f"{day.month}月{day.day}日"})


def _month_name(month: int) -> Term:
    return Term(_MONTH_NAMES[month - 1], words={"zh": f"{month}月"})


def _checked_date(text: str, year: int, month: int, day: int) -> dt.date:
    """The calendar date, or an error saying why it does not exist."""
    if not 1 <= month <= 12:
        raise CellValueError(N_("cannot read %(value)s as a date: there is no month %(month)s",
                                value=quote(text), month=month), _DATE_HINT)
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise CellValueError(_outside("date", quote(text)), _YEAR_HINT)
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellValueError(
            N_("cannot read %(value)s as a date: %(month)s %(year)s has no day %(day)s",
               value=quote(text), month=_month_name(month), year=year, day=day),
            _DATE_HINT) from None


def _outside(what: str, value: str) -> str:
    """The message for a date or month whose year is implausible."""
    if what == "month":
        return N_("the month %(value)s is outside the years %(low)s to %(high)s",
                  value=value, low=YEAR_MIN, high=YEAR_MAX)
    return N_("the date %(value)s is outside the years %(low)s to %(high)s",
              value=value, low=YEAR_MIN, high=YEAR_MAX)


def _in_range(cell: object, day: dt.date) -> dt.date:
    if not YEAR_MIN <= day.year <= YEAR_MAX:
        raise CellValueError(_outside("date", quote(cell)), _YEAR_HINT)
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
    s = clean_text(text)
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
    if DIGITS.fullmatch(s) and len(s) == 4:
        raise CellValueError(N_("cannot read %(value)s as a date: it has no month or day",
                                value=quote(text)), _DATE_HINT)
    raise CellValueError(_not_date(text), _DATE_HINT)


def _not_date(cell: object) -> str:
    return N_("cannot read %(value)s as a date", value=quote(cell))


def _dm_reading(text: str, a: int, b: int, year: int) -> DateReading:
    """Both readings of a numeric a/b/year date; an error when neither exists."""
    day_first, month_first = _maybe_date(year, b, a), _maybe_date(year, a, b)
    if day_first is None and month_first is None:
        if a > 12 and b > 12:
            raise CellValueError(N_("cannot read %(value)s as a date: neither %(a)s nor %(b)s "
                                    "is a month", value=quote(text), a=a, b=b), _DATE_HINT)
        month, day = (b, a) if a > 12 else (a, b)
        return DateReading(*(2 * (_checked_date(text, year, month, day),)))
    for reading in (day_first, month_first):
        if reading is not None:
            _in_range(text, reading)
    return DateReading(day_first, month_first)


def _serial_date(cell: object, serial: float, date1904: bool) -> dt.date:
    """The date of an Excel serial number (time of day dropped)."""
    if not math.isfinite(serial):
        raise CellValueError(_not_date(cell), _DATE_HINT)
    whole = math.floor(serial)
    if not date1904 and whole == 60:
        raise CellValueError(
            N_("the number %(value)s is Excel's non-existent date 29 Feb 1900",
               value=quote(cell)),
            N_("type the real date, e.g. 1900-02-28 or 1900-03-01"))
    days = _serial_days(np.array([whole], dtype=np.float64), date1904)[0]
    if not (_DAY_MIN <= days <= _DAY_MAX) or (not date1904 and whole < 1):
        raise CellValueError(
            N_("the number %(value)s is not a date between %(low)s and %(high)s",
               value=quote(cell), low=YEAR_MIN, high=YEAR_MAX),
            N_("check the cell; dates should look like 2026-10-03"))
    return dt.date.fromordinal(int(days) + _EPOCH_ORDINAL)


def _serial_days(whole: np.ndarray, date1904: bool) -> np.ndarray:
    """Days since 1970-01-01 of whole Excel serials (1900 serials below 60 shift by one)."""
    if date1904:
        return whole - _SERIAL_EPOCH_1904
    return np.where(whole < 60, whole - _SERIAL_EPOCH_1900 + 1, whole - _SERIAL_EPOCH_1900)


def _not_a_date_kind(cell: object, kind: int) -> None:
    """Raise for cells that are no date at all: durations, times, TRUE/FALSE."""
    if kind == DELTA:
        raise CellValueError(N_("%(value)s is a duration, not a date", value=quote(cell)),
                             _DATE_HINT)
    if kind == TIME:
        raise CellValueError(_time_not_date(quote(cell)), _DATE_HINT)
    if kind in (BOOL, OTHER):
        raise CellValueError(_not_date(cell), _DATE_HINT)


def _time_not_date(value: str) -> str:
    return N_("%(value)s is a time of day, not a date", value=value)


def _real_date(cell: object) -> dt.date:
    """The calendar date of a datetime/date cell (time of day and time zone dropped)."""
    if isinstance(cell, np.datetime64):
        cell = pd.Timestamp(cell).to_pydatetime()
    if isinstance(cell, dt.datetime):
        if cell.date() in (dt.date(1899, 12, 30), dt.date(1899, 12, 31)):
            # Excel's day zero: a time-only cell some readers return as a datetime.
            raise CellValueError(_time_not_date(f'"{cell.strftime("%H:%M")}"'), _DATE_HINT)
        cell = cell.date()
    assert isinstance(cell, dt.date)
    return _in_range(cell, cell)


def _date_reading(cell: object, date1904: bool) -> DateReading | None:
    """Any cell as a :class:`DateReading`, or None when blank."""
    kind = kind_of(cell)
    if kind == BLANK or (isinstance(cell, np.datetime64) and np.isnat(cell)):
        return None
    common_failures(cell, N_("a date"), _DATE_HINT)
    _not_a_date_kind(cell, kind)
    if kind in (DATETIME, DATE):
        day = _real_date(cell)
        return DateReading(day, day)
    if kind in (FLOAT, INT, DECIMAL):
        day = _number_date(cell, float(cell), date1904)  # type: ignore[arg-type]
        return DateReading(day, day)
    text = str(cell)
    if is_blank_text(text):
        return None
    clean = clean_text(text)
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
    kind = kind_of(cell)
    if kind == STR:
        text = str(cell)
        if is_blank_text(text):
            return None
        common_failures(cell, N_("a month"), _MONTH_HINT)
        s = clean_text(text)
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
            raise CellValueError(_not_month(text), _MONTH_HINT) from None
    if kind in (FLOAT, INT, DECIMAL):
        common_failures(cell, N_("a month"), _MONTH_HINT)
        number = float(cell)  # type: ignore[arg-type]
        if number.is_integer() and 190001 <= number <= 220012:
            return _month_text(show(cell), int(number) // 100, int(number) % 100)
        if YEAR_MIN <= number < YEAR_MAX + 1:
            # 2026.1 could be 2026.01 or 2026.10 once Excel has made a number of it.
            raise CellValueError(
                N_("cannot read the number %(value)s as a month", value=quote(cell)),
                N_("write the month as 2026-10 (format the cell as text so Excel keeps it)"))
    try:
        return _date_reading(cell, date1904)
    except CellValueError as exc:
        if exc.message.startswith("cannot read"):
            raise CellValueError(_not_month(cell), _MONTH_HINT) from None
        raise


def _not_month(cell: object) -> str:
    return N_("cannot read %(value)s as a month", value=quote(cell))


def _month_text(text: str, year: int, month: int) -> str:
    if not 1 <= month <= 12:
        raise CellValueError(N_("cannot read %(value)s as a month: there is no month %(month)s",
                                value=quote(text), month=month), _MONTH_HINT)
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise CellValueError(_outside("month", quote(text)), _YEAR_HINT)
    return f"{year:04d}-{month:02d}"


# --------------------------------------------------------------------------- columns

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


_ORDER_WORDS = {"day-first": Term("day-first", words={"zh": "日在前"}),
                "month-first": Term("month-first", words={"zh": "月在前"})}


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
                       N_("column mixes day-first (%(day_first)s) and month-first "
                          "(%(month_first)s) dates", day_first=dex, month_first=mex),
                       N_("write every date the same way, best as year-month-day (%(iso)s)",
                          iso=iso))]
    if day_proof.size or month_proof.size:
        order: DateOrder = "day-first" if day_proof.size else "month-first"
        example = show(uniques[(day_proof if day_proof.size else month_proof)[0]])
        return order, [(Severity.INFO, N_("dates read as %(order)s because of values like "
                                          "%(example)s", order=_ORDER_WORDS[order],
                                          example=example), "")]
    u = int(ambiguous[0])
    day_first, month_first = (_date_of_days(int(found.first[u])),
                              _date_of_days(int(found.second[u])))
    other = "day-first" if default == "month-first" else "month-first"
    return default, [(
        Severity.WARNING,
        N_("dates like %(example)s could be %(day_first)s or %(month_first)s; read as "
           "%(order)s ([format] date_order)", example=show(uniques[u]),
           day_first=_day_month_text(day_first), month_first=_day_month_text(month_first),
           order=_ORDER_WORDS[default]),
        N_('if they are %(other)s, set date_order = "%(setting)s" under [format] in '
           "reportgen.toml; dates written as year-month-day (2026-04-03) are never ambiguous",
           other=_ORDER_WORDS[other], setting=other),
    )]


def convert_dates(cells: list[object], default: DateOrder, date1904: bool, *,
                  as_month: bool) -> ColumnResult:
    """A date column as datetime64[ns] (a month column as "YYYY-MM"); day/month order per column."""
    n = len(cells)
    days = np.zeros(n, dtype=np.int64)
    valid = np.zeros(n, dtype=bool)
    kinds = kinds_of(cells)
    problems: list[CellProblem] = []
    rest = [np.flatnonzero((kinds != STR) & (kinds != BLANK))]
    if not as_month:
        rest = [np.flatnonzero(~np.isin(kinds, (STR, BLANK, DATETIME, DATE, FLOAT, INT)))]
        for wanted, fast in (((DATETIME, DATE), lambda v: _days_from_datetimes(v)),
                             ((FLOAT, INT), lambda v: _days_from_serials(
                                 np.array(v, dtype=np.float64), date1904))):
            pos = np.flatnonzero(np.isin(kinds, wanted))
            if pos.size:
                d, ok = fast(take(cells, pos))
                days[pos[ok]], valid[pos[ok]] = d[ok], True
                rest.append(pos[~ok])
    notes: list[tuple[Severity, str, str]] = []
    pos = np.flatnonzero(kinds == STR)
    if pos.size:
        codes, uniques = pd.factorize(np.array(take(cells, pos), dtype=object))
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
    read = run(cells, todo, plain(lambda c: _definite(reader(c, date1904))), problems)
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
    return column_result(values, problems, notes)


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
        N_("cannot tell whether %(value)s is %(day_first)s or %(month_first)s",
           value=quote(cell), day_first=_day_month_text(day_first),
           month_first=_day_month_text(month_first)),
        N_("write the date as year-month-day (%(first)s or %(second)s)",
           first=day_first.isoformat(), second=month_first.isoformat()),
        Severity.ERROR,
    )
