"""JSON values for the pack's view-model: pandas/numpy scalars as plain types, charts as data.

The view-model holds JSON types only: money as integers of 1/MONEY_SCALE, shares as float
fractions, dates as ``YYYY-MM-DD``, months as ``YYYY-MM``, charts as ``{"data_uri", "alt"}``.
These helpers make them, and :func:`variances` compares two figures the way every table of the
pack does.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd

from reportgen.documents import fmt
from reportgen.documents.charts.svg import Chart
from reportgen.documents.cut import CELL_CHARS, cut
from reportgen.inputs.schema import MONEY_SCALE

#: One row of a table of the view-model.
Row = dict[str, Any]


def as_py(value: Any) -> Any:
    """A pandas/numpy scalar as a JSON value: None for blanks, int, float, bool, str, date."""
    if value is None:
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str):
        return value
    if isinstance(value, pd.Period):
        return str(value)
    if fmt.is_blank(value):
        return None
    if isinstance(value, dt.datetime | dt.date | pd.Timestamp | np.datetime64):
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    return str(value)


def as_int(value: Any) -> int | None:
    """A count or stored money as int, None when blank."""
    value = as_py(value)
    return None if value is None else int(value)


def as_float(value: Any) -> float | None:
    """A ratio as float, None when blank."""
    value = as_py(value)
    return None if value is None else float(value)


def as_text(value: Any) -> str:
    """Spreadsheet text for a table cell ("" for a blank)."""
    value = as_py(value)
    return "" if value is None else str(value)


def as_cell(value: Any) -> str:
    """Spreadsheet text for a table cell, cut to a cell's room with "…" ("" for a blank)."""
    return cut(as_text(value), CELL_CHARS)


def as_units(stored: int | None) -> float | None:
    """Stored money as currency units, for the charts."""
    return None if stored is None else stored / MONEY_SCALE


def as_chart(chart: Chart | None) -> dict[str, str] | None:
    """A chart as the view holds it (``{"data_uri", "alt"}``), None for no chart."""
    return None if chart is None else {"data_uri": chart.data_uri, "alt": chart.alt}


def variances(kind: str, actual: Any, comparator: Any) -> tuple[Any, float | None]:
    """(variance, relative variance): points for ratios, exact ints for money and counts."""
    if actual is None or comparator is None:
        return None, None
    if kind == "ratio":
        return (actual - comparator) * 100, None
    variance = actual - comparator
    if kind == "score":
        variance = float(variance)
    return variance, (None if comparator == 0 else variance / abs(comparator))
