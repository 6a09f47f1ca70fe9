"""The red/amber/green mark of a figure against its comparator (SPEC, "Month KPIs").

One rule, two forms: :func:`rag` marks one pair of scalars (the packs use it), and
:func:`rag_marks` marks whole columns in exact integer arithmetic (the KPI tables); a test keeps
them in agreement. The thresholds are the config's fractions taken as the decimals the user
wrote, so 0.9 is 9/10 and a figure exactly on a boundary gets the better mark. Marks are
"green" / "amber" / "red", or None when either side is blank.
"""

from __future__ import annotations

from fractions import Fraction
from typing import cast

import numpy as np
import pandas as pd

from reportgen.analysis.arrays import is_blank
from reportgen.inputs.config import RagConfig


def _exact(value: float) -> Fraction:
    """A config fraction as the decimal the user wrote (0.9 → 9/10, not the nearest float)."""
    return Fraction(repr(float(value)))


def rag(
    actual: object, comparator: object, lower_is_better: bool = False,
    *, cfg: RagConfig | None = None,
) -> str | None:
    """The red/amber/green mark of ``actual`` against ``comparator``; None when either is blank.

    Higher is better: green when actual ≥ green × comparator (100%), amber when
    actual ≥ amber × comparator (90%), red below; a comparator ≤ 0 has no percentage band, so
    green when actual ≥ comparator, else red. Lower is better (lost clients, complaints): the
    same test with actual and comparator swapped — green when actual ≤ comparator, amber when
    actual ≤ comparator / 0.9, red above; an actual of 0 is green, and against a comparator
    of 0 any actual above 0 is red. Compared exactly (no float rounding at the boundaries).
    """
    if is_blank(actual) or is_blank(comparator):
        return None
    cfg = cfg or RagConfig.model_validate({})
    a, c = Fraction(cast(float, actual)), Fraction(cast(float, comparator))
    if lower_is_better:
        a, c = c, a
    if c <= 0:
        return "green" if a >= c else "red"
    if a >= _exact(cfg.green) * c:
        return "green"
    if a >= _exact(cfg.amber) * c:
        return "amber"
    return "red"


def _exact_values(series: pd.Series) -> np.ndarray:
    """Python ints (or exact Fractions for non-integer columns) in an object array; 0 for blanks.

    Python numbers never overflow, so stored money times a config denominator stay exact.
    """
    values = series.to_numpy(dtype=object, na_value=0)
    if series.dtype.kind in "iub":
        return np.array([int(v) for v in values] + [None], dtype=object)[:-1]
    return np.array([Fraction(v) for v in values] + [None], dtype=object)[:-1]


def rag_marks(actual: pd.Series, comparator: pd.Series, lower: bool, cfg: RagConfig) -> pd.Series:
    """:func:`rag` for every row (object column, None for blank), in exact integer arithmetic."""
    known = (actual.notna() & comparator.notna()).to_numpy(dtype=bool)
    a, c = _exact_values(actual), _exact_values(comparator)
    if lower:
        a, c = c, a
    green, amber = _exact(cfg.green), _exact(cfg.amber)
    is_green = np.asarray(a * green.denominator >= c * green.numerator, dtype=bool)
    is_amber = np.asarray(a * amber.denominator >= c * amber.numerator, dtype=bool)
    no_band = np.asarray(c <= 0, dtype=bool)
    at_least = np.asarray(a >= c, dtype=bool)
    marks = np.where(
        no_band, np.where(at_least, "green", "red"),
        np.where(is_green, "green", np.where(is_amber, "amber", "red")),
    ).astype(object)
    marks[~known] = None
    return pd.Series(marks, index=actual.index, dtype=object)
