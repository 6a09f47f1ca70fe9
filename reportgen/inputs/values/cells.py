"""Cell basics shared by every value type: errors, problems, a cell's kind and its text.

The reader hands over each column as a list of Python objects (``None`` for a blank cell,
``str`` for text and for every CSV cell, ``float``/``int``, ``bool``, ``datetime``/``date``,
``time``, ``timedelta``). Every parser first asks what kind of cell it holds (:func:`kind_of`,
or :func:`kinds_of` for a whole column), refuses what no typed column accepts
(:func:`common_failures`) and raises :class:`CellValueError` with a message a sales
supervisor can act on.

NaN is never a blank: readers produce it for error cells (#DIV/0!), so it is an error.

:func:`run` converts a column's cells with one type's converter and turns each failure into
a :class:`CellProblem` carrying the cell's position. It reads every distinct text only once,
because a sales ledger may hold a million lines.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd

from reportgen.i18n import N_
from reportgen.inputs import schema
from reportgen.inputs.issues import Severity

_SHOW_MAX = 60

EXCEL_ERRORS = frozenset({
    "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
    "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!",
})
_ZERO_WIDTH_CHARS = "\u200b\u200c\u200d\u2060\ufeff"
TRIM = re.compile(rf"^[\s{_ZERO_WIDTH_CHARS}]+|[\s{_ZERO_WIDTH_CHARS}]+$")
# Control and bidi-override characters would garble (or spoof) a terminal line or a report.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: What to do about a broken formula or an Excel error code.
FIX_FORMULA_HINT = N_("fix the formula in the workbook, or type the value")
#: Digits only (a number's whole part; a year written alone).
DIGITS = re.compile(r"\d+")


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

BLANK, STR, FLOAT, INT, BOOL, DATETIME, DATE, TIME, DELTA, DECIMAL, OTHER = range(11)
_KIND_CACHE: dict[type, int] = {type(None): BLANK}


def _kind_of_type(t: type) -> int:
    """The kind of cell a Python type carries (bool before int, datetime before date)."""
    kind = _KIND_CACHE.get(t)
    if kind is not None:
        return kind
    if t is type(pd.NA) or t is type(pd.NaT):
        kind = BLANK
    elif issubclass(t, str):
        kind = STR
    elif issubclass(t, (bool, np.bool_)):
        kind = BOOL
    elif issubclass(t, (float, np.floating)):
        kind = FLOAT
    elif issubclass(t, (int, np.integer)):
        kind = INT
    elif issubclass(t, (dt.datetime, np.datetime64)):
        kind = DATETIME
    elif issubclass(t, dt.date):
        kind = DATE
    elif issubclass(t, dt.time):
        kind = TIME
    elif issubclass(t, (dt.timedelta, np.timedelta64)):
        kind = DELTA
    elif issubclass(t, Decimal):
        kind = DECIMAL
    else:
        kind = OTHER
    _KIND_CACHE[t] = kind
    return kind


def kinds_of(cells: list[object]) -> np.ndarray:
    """The kind code of every cell, computed per distinct type so a million cells stay cheap."""
    types = list(map(type, cells))
    lut = {t: _kind_of_type(t) for t in set(types)}
    if len(set(lut.values())) <= 1:
        return np.full(len(cells), next(iter(lut.values()), BLANK), dtype=np.int8)
    return np.fromiter(map(lut.__getitem__, types), dtype=np.int8, count=len(cells))


def kind_of(cell: object) -> int:
    """The kind code of one cell (``BLANK``, ``STR``, ``FLOAT`` …)."""
    return _kind_of_type(type(cell))


def is_blank_text(text: str) -> bool:
    """Whether a text holds nothing but spaces and invisible characters."""
    return not TRIM.sub("", text)


def clean_text(text: str) -> str:
    """The form number and date parsers read: NFKC (full-width digits), no invisible characters."""
    if text.isascii():
        return text.strip()
    return TRIM.sub("", schema.ZERO_WIDTH.sub("", unicodedata.normalize("NFKC", text)))


def number_text(x: float) -> str:
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


def as_text(cell: object) -> str:
    """Any cell as the text a person sees in the spreadsheet."""
    kind = kind_of(cell)
    if kind == STR:
        return str(cell)
    if kind == BOOL:
        return "TRUE" if cell else "FALSE"
    if kind == FLOAT:
        return number_text(float(cell))  # type: ignore[arg-type]
    if kind == DATETIME:
        stamp = pd.Timestamp(cell)  # type: ignore[arg-type]
        return "" if pd.isna(stamp) else _datetime_text(stamp.to_pydatetime())
    if kind == DATE:
        return cell.isoformat()  # type: ignore[attr-defined]
    if kind == TIME:
        return cell.strftime("%H:%M:%S" if cell.second else "%H:%M")  # type: ignore[attr-defined]
    if kind == DELTA:
        if isinstance(cell, dt.timedelta):
            # Directly: pandas' Timedelta stops at 292 years, a duration cell does not.
            return _duration_text(cell)
        return _duration_text(pd.Timedelta(cell).to_pytimedelta())  # type: ignore[arg-type]
    if kind == BLANK:
        return ""
    return str(cell)


def show(cell: object) -> str:
    """A cell as safe, short text for a message: no control characters, at most 60 characters."""
    text = _UNSAFE.sub(" ", as_text(cell).strip())
    return text if len(text) <= _SHOW_MAX else text[: _SHOW_MAX - 1] + "…"


def quote(cell: object) -> str:
    """A cell as :func:`show` gives it, in double quotes, for a message."""
    return f'"{show(cell)}"'


def common_failures(cell: object, noun: str, hint: str) -> None:
    """Raise for what no typed column accepts: NaN, Excel error codes, unknown objects."""
    kind = kind_of(cell)
    if kind == FLOAT and math.isnan(cell):  # type: ignore[arg-type]
        raise CellValueError(
            N_("the cell holds no value (NaN) instead of %(noun)s; it may be a broken formula",
               noun=noun),
            FIX_FORMULA_HINT,
        )
    if kind == STR and str(cell).strip().upper() in EXCEL_ERRORS:
        raise CellValueError(
            N_("the cell shows the Excel error %(value)s", value=quote(cell)),
            FIX_FORMULA_HINT,
        )
    if kind == OTHER:
        raise CellValueError(cannot_read(cell, noun), hint)


def cannot_read(cell: object, noun: str) -> str:
    """``cannot read "x" as a date`` (``noun``: "a date", "an amount" …, marked with ``N_``)."""
    return N_("cannot read %(value)s as %(noun)s", value=quote(cell), noun=noun)


# --------------------------------------------------------------------------- columns

#: A cell converter for :func:`run`: the value plus a warning (message, hint) or ("", "").
Converter = Callable[[object], tuple[object, str, str]]
_Hit = tuple[object, "CellValueError | None", str, str]


def plain(parse: Callable[[object], object]) -> Converter:
    """A converter from a parser that never warns."""
    def convert(cell: object) -> tuple[object, str, str]:
        return parse(cell), "", ""
    return convert


def take(cells: list[object], positions: np.ndarray) -> list[object]:
    """The cells at ``positions`` (the list itself when that is all of them)."""
    if len(positions) == len(cells):
        return cells
    return [cells[i] for i in positions.tolist()]


def _attempt(convert: Converter, cell: object) -> _Hit:
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


def run(cells: list[object], positions: Sequence[int], convert: Converter,
        problems: list[CellProblem], *, whole_floats_as_text: bool = False,
        bulk: _Bulk | None = None) -> np.ndarray:
    """Convert the cells at ``positions``, reading each distinct cell once; errors give None.

    Texts are deduplicated with a hash table in C (a ledger repeats its client ids and
    dates thousands of times); with ``whole_floats_as_text`` whole numbers become their
    digits in bulk (ids stored as numbers); ``bulk`` reads the plain texts in one go.
    """
    index = np.asarray(positions, dtype=np.int64)
    sub = cells if len(index) == len(cells) else [cells[i] for i in index.tolist()]
    kinds = kinds_of(sub)
    out = np.full(len(sub), None, dtype=object)
    found: list[CellProblem | None] = []
    at = np.flatnonzero(kinds == STR)
    if at.size:
        codes, uniques = pd.factorize(np.array(take(sub, at), dtype=object))
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
    rest = np.flatnonzero((kinds != STR) & (kinds != BLANK))
    if whole_floats_as_text and rest.size:
        numeric = rest[np.isin(kinds[rest], (FLOAT, INT))]
        x = np.array(take(sub, numeric), dtype=np.float64)
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


def column_result(values: pd.Series, problems: list[CellProblem],
                  notes: Sequence[tuple[Severity, str, str]] = ()) -> ColumnResult:
    """A column's result: its values from 0, its problems in cell order, its notes."""
    problems.sort(key=lambda p: p.index)
    return ColumnResult(values.reset_index(drop=True), tuple(problems), tuple(notes))
