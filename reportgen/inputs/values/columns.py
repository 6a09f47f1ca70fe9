"""A whole column at once: raw cells in, the canonical dtype of its type and its problems out.

:func:`convert_column` turns a column's list of cells into the canonical dtype of the
column's type (see :mod:`reportgen.inputs.schema`) and reports every cell it could not read,
or read but found suspicious, as a :class:`~reportgen.inputs.values.cells.CellProblem`
carrying the cell's position. Dates and months, amounts and numbers have their own vectorised
paths (:mod:`~reportgen.inputs.values.dates`, :mod:`~reportgen.inputs.values.amounts`); the
other types go through :func:`~reportgen.inputs.values.cells.run` with the cell converter of
their type.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from reportgen.inputs import schema
from reportgen.inputs.config import Config
from reportgen.inputs.values.amounts import convert_numeric, parse_int, parse_percent
from reportgen.inputs.values.cells import (
    CellProblem,
    ColumnResult,
    Converter,
    column_result,
    plain,
    run,
)
from reportgen.inputs.values.choices import read_bool, read_enum, read_score, spelling_lookup
from reportgen.inputs.values.dates import convert_dates
from reportgen.inputs.values.ids import id_with_note, parse_emails, parse_text


def convert_column(column: schema.Column, cells: Sequence[object], *, config: Config,
                   date1904: bool = False) -> ColumnResult:
    """Convert one column's raw cells to its canonical dtype, with every problem addressed."""
    seq = list(cells)
    kind = column.type
    decimal_comma = config.format.decimal_comma
    if kind in ("date", "month"):
        return convert_dates(seq, config.format.date_order, date1904, as_month=kind == "month")
    if kind in ("money", "number"):
        return convert_numeric(seq, money=kind == "money", decimal_comma=decimal_comma)
    problems: list[CellProblem] = []
    convert, dtype = _converter(column, config)
    as_text = kind in ("id", "text")
    values = run(seq, range(len(seq)), convert, problems, whole_floats_as_text=as_text,
                 bulk=_bulk_text if as_text else None)
    return column_result(_series(values, dtype), problems)


def _converter(column: schema.Column, config: Config) -> tuple[Converter, str]:
    """The cell converter and the canonical dtype of a column's type."""
    kind = column.type
    decimal_comma = config.format.decimal_comma
    if kind == "id":
        return id_with_note, "object"
    if kind == "text":
        return plain(parse_text), "object"
    if kind == "emails":
        return plain(parse_emails), "object"
    if kind == "int":
        return plain(lambda c: parse_int(c, decimal_comma=decimal_comma)), "Int64"
    if kind == "percent":
        # A margin can be a loss; a probability cannot be below zero.
        low = -1.0 if column.name == "margin_pct" else 0.0
        return plain(lambda c: parse_percent(c, decimal_comma=decimal_comma, low=low)), "float64"
    if kind in ("enum", "score", "bool"):
        value_set = {"score": "answer", "bool": "bool"}.get(kind, column.values)
        spellings = config.extra_spellings(value_set, column.name)
        lookup = spelling_lookup(spellings)
        if kind == "score":
            return plain(lambda c: read_score(c, lookup)), "Int64"
        if kind == "bool":
            return plain(lambda c: read_bool(c, lookup)), "boolean"
        return plain(lambda c: read_enum(c, spellings, lookup, column.name)), "object"
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


def _bulk_text(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Texts that need no work (printable ASCII, trimmed, not an Excel error or 1E+11 number)."""
    ok = np.array([t.isascii() and t.isprintable() and t[:1] not in "#" and t.strip() == t
                   and "+" not in t for t in texts], dtype=bool)
    values = np.full(len(texts), None, dtype=object)
    values[:] = texts
    return values, ok
