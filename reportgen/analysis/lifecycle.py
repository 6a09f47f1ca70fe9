"""Lifecycle stage at the end of M (SPEC, "Lifecycle stage"): potential, new, lost, at-risk, stable.

A *purchase* is a sales line with amount > 0. Returns net into every sum but never make a
client new, active or not-lost, and never define a purchase gap. Sales lines after M are
ignored. Ratios at the rule boundaries (70% sales drop, 2 × the median gap) are decided with
exact integer arithmetic.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from reportgen.analysis.periods import (
    client_index,
    day_ordinal,
    day_ordinals,
    encode_lines,
    exact,
    month_end,
    months_of_days,
    nullable_int,
    ordinal,
    ordinal_to_date,
    positions,
    result_frame,
)
from reportgen.inputs.config import LifecycleConfig

#: Stage codes in the order the rules are tried (first match wins).
STAGES: tuple[str, ...] = ("potential", "new", "lost", "at_risk", "stable")
#: At-risk reason codes, in the order they are listed.
REASONS: tuple[str, ...] = ("sales_drop", "purchase_gap", "open_complaint", "over_credit")

_NO_DAY = np.iinfo(np.int64).min
_FAR_DAY = np.iinfo(np.int64).max


def _purchase_days(client: np.ndarray, day: np.ndarray, n: int) -> tuple[np.ndarray, ...]:
    """Per client: first and last purchase day, number of distinct purchase dates, 2 × median gap.

    The median gap is between consecutive *distinct* purchase dates; it is returned doubled so
    it stays an exact integer (the mean of the two middle gaps when their count is even).
    """
    first = np.full(n, _FAR_DAY, dtype=np.int64)
    last = np.full(n, _NO_DAY, dtype=np.int64)
    np.minimum.at(first, client, day)
    np.maximum.at(last, client, day)
    median2 = np.full(n, -1, dtype=np.int64)
    if len(day) == 0:
        return first, last, np.zeros(n, dtype=np.int64), median2
    base = int(day.min())
    span = int(day.max()) - base + 1
    # One sorted pass over distinct (client, date) pairs gives every gap, already per client.
    # (np.unique would hash first; a plain sort is several times faster on a million keys.)
    keys = np.sort(client * span + (day - base))
    pairs = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
    who, when = pairs // span, pairs % span
    dates = np.bincount(who, minlength=n).astype(np.int64)
    same = who[1:] == who[:-1]
    gap_client = who[1:][same]
    gaps = (when[1:] - when[:-1])[same]
    # Sort gaps within each client through one int64 key (much faster than lexsort).
    width = int(gaps.max()) + 1 if len(gaps) else 1
    ordered = np.sort(gap_client * width + gaps)
    gap_client, gaps = ordered // width, ordered % width
    count = np.bincount(gap_client, minlength=n)
    start = np.cumsum(count) - count
    has = np.flatnonzero(count > 0)
    lo = start[has] + (count[has] - 1) // 2
    hi = start[has] + count[has] // 2
    median2[has] = gaps[lo] + gaps[hi]
    return first, last, dates, median2


def _open_complaints(
    feedback: pd.DataFrame | None, ids: pd.Index, end_day: int
) -> np.ndarray:
    """Per client: complaints dated up to the end of M that are not marked resolved."""
    if feedback is None or len(feedback) == 0:
        return np.zeros(len(ids), dtype=np.int64)
    who = positions(ids, feedback["client_id"])
    days = day_ordinals(feedback["date"])
    complaint = (feedback["type"] == "complaint").fillna(False).to_numpy(dtype=bool)
    resolved = feedback["resolved"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    keep = (who >= 0) & complaint & ~resolved & (days != _NO_DAY) & (days <= end_day)
    return np.bincount(who[keep], minlength=len(ids)).astype(np.int64)


def _money(clients: pd.DataFrame, name: str) -> pd.Series:
    """A money column of Clients as Int64 (all blank when the input did not carry it)."""
    if name in clients.columns:
        return clients[name].astype("Int64").reset_index(drop=True)
    return pd.Series(pd.array([None] * len(clients), dtype="Int64"))


def _ratio_at_most(value: np.ndarray, ratio: float, base: np.ndarray) -> np.ndarray:
    """``value ≤ ratio × base`` element-wise, exactly (Python ints, no float rounding)."""
    frac = exact(ratio)
    left = value.astype(object) * frac.denominator
    right = base.astype(object) * frac.numerator
    return np.asarray(left <= right, dtype=bool)


def lifecycle(
    sales: pd.DataFrame,
    clients: pd.DataFrame,
    feedback: pd.DataFrame | None,
    month: pd.Period | str,
    cfg: LifecycleConfig,
) -> pd.DataFrame:
    """Every client's lifecycle stage at the end of M, with the at-risk reasons and their figures.

    One row per client of ``clients``, indexed by client_id. ``stage_reasons`` lists the
    at-risk reasons of an at-risk client (empty for other stages); ``risk_reasons`` lists
    the same signals for every client, whatever its stage.
    """
    ids = client_index(clients)
    n = len(ids)
    last = ordinal(month)
    end_day = day_ordinal(month_end(month))
    lines = encode_lines(sales, ids, month)

    # Net stored money per client and month, M−23..M: every window the rules use is a slice of it.
    monthly = lines.monthly(last - 23, last)
    recent = monthly[:, -3:].sum(axis=1)  # M−2..M
    base = monthly[:, 9:12].sum(axis=1)  # M−14..M−12
    lost_window = monthly[:, :12].sum(axis=1)  # M−23..M−12

    buy = lines.amount > 0
    first_day, last_day, dates, median2 = _purchase_days(lines.client[buy], lines.day[buy], n)
    has_purchase = last_day != _NO_DAY
    first_month = months_of_days(np.where(has_purchase, first_day, _NO_DAY))
    last_month = months_of_days(last_day)  # the smallest int64 where there is no purchase

    is_new = has_purchase & (first_month >= last - (cfg.new_months - 1))
    is_lost = has_purchase & (last_month < last - 11)
    lost_in_month = has_purchase & (last_month == last - 12)

    days_since = np.where(has_purchase, end_day - last_day, 0)
    # "days > multiple × median" with the median kept doubled: days × 2 × q > p × median2.
    gap_frac = exact(cfg.gap_multiple)
    gap_ok = dates >= 2
    gap_flag = gap_ok & np.asarray(
        days_since.astype(object) * 2 * gap_frac.denominator
        > median2.astype(object) * gap_frac.numerator,
        dtype=bool,
    )
    drop_flag = (base > 0) & _ratio_at_most(recent, cfg.at_risk_ratio, base)
    complaints = _open_complaints(feedback, ids, end_day)
    receivables, limit = _money(clients, "receivables"), _money(clients, "credit_limit")
    over_credit = (
        (receivables.notna() & limit.notna()).to_numpy(dtype=bool)
        & (receivables.fillna(0) > limit.fillna(0)).to_numpy(dtype=bool)
    )
    flags = np.column_stack([drop_flag, gap_flag, complaints > 0, over_credit])
    # Each client's flags as a 4-bit code, looked up in a table of the 16 possible lists.
    combos = [[r for j, r in enumerate(REASONS) if code >> j & 1] for code in range(16)]
    codes = flags.astype(np.int64) @ (1 << np.arange(len(REASONS), dtype=np.int64))
    risk_reasons = [list(combos[code]) for code in codes.tolist()]

    stage = np.select(
        [~has_purchase, is_new, is_lost, flags.any(axis=1)],
        ["potential", "new", "lost", "at_risk"],
        "stable",
    ).astype(object)

    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(base > 0, recent / np.where(base > 0, base, 1), np.nan)
    return result_frame(
        {
            "stage": stage,
            "stage_reasons": [
                r if s == "at_risk" else [] for r, s in zip(risk_reasons, stage, strict=True)
            ],
            "risk_reasons": risk_reasons,
            "first_purchase": ordinal_to_date(np.where(has_purchase, first_day, _NO_DAY)),
            "last_purchase": ordinal_to_date(last_day),
            "is_new_in_month": has_purchase & (first_month == last),
            "active_in_month": last_month == last,
            "lost_in_month": lost_in_month,
            "lost_value": nullable_int(lost_window, lost_in_month),
            "recent_sales": pd.array(recent, dtype="Int64"),
            "base_sales": pd.array(base, dtype="Int64"),
            "sales_ratio": ratio,
            "days_since_last_purchase": nullable_int(days_since, has_purchase),
            "purchase_dates": dates,
            "median_gap_days": np.where(gap_ok, median2 / 2, np.nan),
            "open_complaints": complaints,
            "receivables": receivables.array,
            "credit_limit": limit.array,
        },
        ids,
    )


def reason_details(row: pd.Series, cfg: LifecycleConfig) -> dict[str, dict[str, Any]]:
    """The figures behind each risk reason of one :func:`lifecycle` row, for the documents."""
    details: dict[str, dict[str, Any]] = {}
    for reason in row["risk_reasons"]:
        if reason == "sales_drop":
            details[reason] = {
                "recent_sales": int(row["recent_sales"]), "base_sales": int(row["base_sales"]),
                "ratio": float(row["sales_ratio"]), "limit_ratio": cfg.at_risk_ratio,
            }
        elif reason == "purchase_gap":
            details[reason] = {
                "days_since_last_purchase": int(row["days_since_last_purchase"]),
                "median_gap_days": float(row["median_gap_days"]),
                "limit_days": cfg.gap_multiple * float(row["median_gap_days"]),
            }
        elif reason == "open_complaint":
            details[reason] = {"open_complaints": int(row["open_complaints"])}
        elif reason == "over_credit":
            details[reason] = {
                "receivables": int(row["receivables"]), "credit_limit": int(row["credit_limit"]),
            }
    return details
