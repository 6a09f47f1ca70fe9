"""Small array helpers the month's figures are computed with.

Input columns as numpy arrays with their blanks known (money and counts as int64 with a known
mask, dates as month or day indexes), text coded into one shared vocabulary, exact int64 sums
and counts per group code (−1 = in no group), and results as nullable ``Int64`` arrays or float
ratios with NaN for blank. Integer arithmetic throughout, so stored money adds up exactly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def is_blank(value: object) -> bool:
    """Whether a scalar is blank (None, NA, NaN)."""
    return value is None or bool(pd.isna(value))  # type: ignore[call-overload]


def column_of(frame: pd.DataFrame, name: str) -> pd.Series:
    """A column of ``frame``, or an all-blank object column when the input did not carry it."""
    if name in frame.columns:
        return frame[name]
    return pd.Series([None] * len(frame), index=frame.index, dtype=object)


def ints(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """A money or count column as (int64 values with 0 for blanks, known mask)."""
    values = pd.to_numeric(series, errors="coerce")
    if values.dtype.kind == "f":
        values = values.round()
    known = values.notna().to_numpy(dtype=bool)
    return values.astype("Int64").to_numpy(dtype=np.int64, na_value=0), known


def bools(series: pd.Series) -> np.ndarray:
    """A boolean column with blanks as False."""
    return series.astype("boolean").fillna(False).to_numpy(dtype=bool)


#: The month index (:func:`months`) of a blank date (NaT).
NO_MONTH = np.iinfo(np.int64).min


def months(dates: pd.Series) -> np.ndarray:
    """Month index of each date (months since January 1970, as ``Period.ordinal``); NaT → min."""
    values = np.asarray(dates.to_numpy(dtype="datetime64[ns]"), dtype="datetime64[ns]")
    return values.astype("datetime64[M]").astype(np.int64)


def days(dates: pd.Series) -> np.ndarray:
    """Days since 1970-01-01 of each date; NaT → the smallest int64."""
    values = np.asarray(dates.to_numpy(dtype="datetime64[ns]"), dtype="datetime64[ns]")
    return values.astype("datetime64[D]").astype(np.int64)


def text_codes(*columns: np.ndarray, sort: bool = True) -> tuple[list[np.ndarray], np.ndarray]:
    """Codes of text values into one shared vocabulary; −1 for blank text.

    The codes of each input column come back separately, so two columns (a client's region
    and a line's region) share one vocabulary. With ``sort`` the vocabulary is in code-point
    order, so sorting codes sorts the labels.
    """
    joined = np.concatenate([np.asarray(c, dtype=object) for c in columns])
    codes, uniques = pd.factorize(joined, use_na_sentinel=True)
    labels = [u if isinstance(u, str) else str(u) for u in np.asarray(uniques, dtype=object)]
    keep = [i for i, label in enumerate(labels) if label.strip()]
    if sort:
        keep.sort(key=labels.__getitem__)
    # One spare slot at the end, so code −1 maps to −1.
    remap = np.full(len(labels) + 1, -1, dtype=np.int64)
    remap[np.asarray(keep, dtype=np.int64)] = np.arange(len(keep), dtype=np.int64)
    codes = remap[codes]
    bounds = np.cumsum([len(c) for c in columns])[:-1]
    return list(np.split(codes, bounds)), np.array([labels[i] for i in keep], dtype=object)


def group_sum(
    key: np.ndarray, values: np.ndarray, n: int, mask: np.ndarray | None = None
) -> np.ndarray:
    """Exact int64 sum of ``values`` per group ``key`` (rows with key −1 or mask False skipped)."""
    keep = key >= 0 if mask is None else mask & (key >= 0)
    out = np.zeros(n, dtype=np.int64)
    np.add.at(out, key[keep], np.asarray(values, dtype=np.int64)[keep])
    return out


def group_count(key: np.ndarray, n: int, mask: np.ndarray | None = None) -> np.ndarray:
    """Rows per group ``key`` (rows with key −1 or mask False skipped)."""
    keep = key >= 0 if mask is None else mask & (key >= 0)
    return np.bincount(key[keep], minlength=n).astype(np.int64)


def distinct_count(key: np.ndarray, item: np.ndarray, n: int) -> np.ndarray:
    """How many distinct ``item`` codes (≥ 0) each group ``key`` has."""
    keep = key >= 0
    key, item = key[keep], item[keep]
    if len(key) == 0:
        return np.zeros(n, dtype=np.int64)
    base = int(item.max()) + 1
    pairs = np.unique(key * base + item)
    return np.bincount(pairs // base, minlength=n).astype(np.int64)


def nullable(values: np.ndarray, known: np.ndarray | bool = True) -> pd.arrays.IntegerArray:
    """An ``Int64`` array, blank where ``known`` is False."""
    values = np.asarray(values, dtype=np.int64)
    mask = ~np.broadcast_to(np.asarray(known, dtype=bool), values.shape)
    return pd.arrays.IntegerArray(values, mask.copy())


def ratio(num: np.ndarray, den: np.ndarray, known: np.ndarray | bool = True) -> np.ndarray:
    """The ratio num / den as float, NaN where den is 0 or not known."""
    num = np.asarray(num, dtype=np.float64)
    den = np.asarray(den, dtype=np.float64)
    ok = np.broadcast_to(np.asarray(known, dtype=bool), num.shape) & (den != 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(ok, num / np.where(den != 0, den, 1.0), np.nan)


def money_quotient(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """Stored money num / den, cut toward zero to an integer, exactly (den > 0).

    Cut, not rounded: the figure is rounded once more, half away from zero, where it is shown
    or exported (to the cent, or to the unit), and rounding the cut quotient there gives the
    rounding of the exact quotient, since ⌊⌊x⌋ / n⌋ = ⌊x / n⌋. A quotient first rounded to
    the millionth would be rounded twice (12.3449996 → 12.345000 → 12.35, not 12.34).
    """
    num = np.asarray(num, dtype=np.int64)
    den = np.where(den > 0, den, 1).astype(np.int64)
    cut = np.abs(num) // den
    return np.where(num < 0, -cut, cut)


def money_quotient_int(num: int, den: int) -> int:
    """:func:`money_quotient` in Python integers, which do not overflow (den > 0)."""
    cut = abs(num) // den
    return -cut if num < 0 else cut
