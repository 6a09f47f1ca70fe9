"""Lifecycle stages and at-risk reasons (SPEC, "Time" and "Lifecycle stage"), on hand-computed data.

The report month M is 2024-06 (its last day 2024-06-30). Windows: new = first purchase in
2024-04..2024-06; lost = no purchase in 2023-07..2024-06; lost in M = last purchase in
2023-06; sales drop compares 2024-04..2024-06 with 2023-04..2023-06. Money is in cents.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import pytest

from reportgen.analysis.lifecycle import REASONS, STAGES, lifecycle, reason_details
from reportgen.analysis.periods import month_end, months_between, t12m
from reportgen.inputs.config import LifecycleConfig
from tests.analysis_data import clients, feedback, month, monthly_sales, sales

M = month("2024-06")
CFG = LifecycleConfig()


def months(first: str, last: str, cents: int = 100, **special: int) -> dict[str, int]:
    """``{"YYYY-MM": cents}`` for each month first..last; ``special`` overrides: ``m2024_04=5``."""
    out = {str(p): cents for p in pd.period_range(first, last, freq="M")}
    for key, value in special.items():
        out[key[1:].replace("_", "-")] = value
    return out


def steady(**special: int) -> list[dict[str, Any]]:
    """C1 buys 100 on the 15th of every month 2023-01..2024-06 (a stable client)."""
    return monthly_sales("C1", months("2023-01", "2024-06", **special))


def one(rows: list[Any], client: dict[str, Any] | None = None,
        fb: list[Any] | None = None, cfg: LifecycleConfig = CFG) -> pd.Series:
    """The lifecycle row of client C1 at M."""
    frame = clients([{"client_id": "C1", **(client or {})}])
    df = lifecycle(sales(rows), frame, None if fb is None else feedback(fb), M, cfg)
    return df.loc["C1"]


def check(row: pd.Series, expected: dict[str, Any]) -> None:
    """Compare the named columns; blanks (None/NaN/NaT/<NA>) compare equal to None."""
    got = {}
    for column in expected:
        value = row[column]
        if not isinstance(value, list) and pd.isna(value):
            value = None
        elif isinstance(value, pd.Timestamp):
            value = value.strftime("%Y-%m-%d")
        got[column] = value
    assert got == expected


# --- windows ----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("report", "first", "last_day"),
    [("2024-06", "2023-07", "2024-06-30"), ("2024-02", "2023-03", "2024-02-29"),
     ("2023-02", "2022-03", "2023-02-28"), ("2024-01", "2023-02", "2024-01-31")],
)
def test_t12m_and_month_end(report: str, first: str, last_day: str) -> None:
    assert t12m(month(report)) == (month(first), month(report))
    assert month_end(month(report)) == pd.Timestamp(last_day)


def test_months_between() -> None:
    assert months_between(month("2023-06"), month("2024-06")) == 12
    assert months_between(month("2024-06"), month("2023-07")) == -11


# --- stages -----------------------------------------------------------------------------------

STAGE_CASES = [
    pytest.param([], {"stage": "potential", "first_purchase": None, "active_in_month": False},
                 id="no-sales-potential"),
    pytest.param([("2024-06-10", "C1", -500)],
                 {"stage": "potential", "active_in_month": False, "recent_sales": -500,
                  "last_purchase": None},
                 id="returns-only-never-a-purchase"),
    pytest.param([("2024-07-01", "C1", 500)],
                 {"stage": "potential", "recent_sales": 0},
                 id="sales-after-m-ignored"),
    pytest.param([("2024-06-05", "C1", 500)],
                 {"stage": "new", "is_new_in_month": True, "active_in_month": True,
                  "first_purchase": "2024-06-05"},
                 id="first-purchase-in-m"),
    pytest.param([("2024-04-01", "C1", 500)],
                 {"stage": "new", "is_new_in_month": False, "active_in_month": False},
                 id="first-purchase-in-m-2-still-new"),
    # 2024-03-31 -> 2024-06-30 = 30 + 31 + 30 = 91 days; one purchase date: no gap rule.
    pytest.param([("2024-03-31", "C1", 500)],
                 {"stage": "stable", "is_new_in_month": False, "days_since_last_purchase": 91,
                  "purchase_dates": 1, "median_gap_days": None},
                 id="first-purchase-in-m-3-not-new"),
    pytest.param([("2024-03-20", "C1", -100), ("2024-04-02", "C1", 300)],
                 {"stage": "new", "first_purchase": "2024-04-02"},
                 id="earlier-return-does-not-make-a-first-purchase"),
    # Last purchase 2023-06-10 (M-12): lost in M. Value taken = net of 2022-07..2023-06 =
    # 200 + 300 + 400 = 900 (the 2022-06-30 line is before, the 2023-07 return after).
    # Its risk signals are still worked out: base 2023-04..06 = 400 > 0 and recent 0 <= 280;
    # gaps 1, 198, 146 -> median 146, limit 292 < 386 days since (2023-06-10 -> 2024-06-30).
    pytest.param([("2022-06-30", "C1", 1_000), ("2022-07-01", "C1", 200),
                  ("2023-01-15", "C1", 300), ("2023-06-10", "C1", 400),
                  ("2023-07-05", "C1", -50)],
                 {"stage": "lost", "lost_in_month": True, "lost_value": 900,
                  "last_purchase": "2023-06-10", "stage_reasons": [],
                  "risk_reasons": ["sales_drop", "purchase_gap"],
                  "median_gap_days": 146.0, "days_since_last_purchase": 386},
                 id="last-purchase-in-m-12-lost-in-m"),
    pytest.param([("2023-05-31", "C1", 400)],
                 {"stage": "lost", "lost_in_month": False, "lost_value": None},
                 id="last-purchase-in-m-13-lost-earlier"),
    pytest.param([("2023-06-30", "C1", 400), ("2024-03-01", "C1", -400)],
                 {"stage": "lost", "lost_in_month": True, "lost_value": 400},
                 id="a-later-return-does-not-keep-a-client"),
    # Bought in January, only a return in M: not active; one purchase date, base 0: stable.
    pytest.param([("2024-01-15", "C1", 500), ("2024-06-10", "C1", -100)],
                 {"stage": "stable", "active_in_month": False, "recent_sales": -100},
                 id="returns-only-in-m-not-active"),
    pytest.param(steady(),
                 {"stage": "stable", "stage_reasons": [], "risk_reasons": [],
                  "recent_sales": 300, "base_sales": 300, "sales_ratio": 1.0,
                  "active_in_month": True},
                 id="steady-buyer-stable"),
]


@pytest.mark.parametrize(("rows", "expected"), STAGE_CASES)
def test_stage(rows: list[Any], expected: dict[str, Any]) -> None:
    check(one(rows), expected)


# --- at-risk rules ----------------------------------------------------------------------------

RISK_CASES = [
    # Sales drop: base 2023-04..06 = 300 + 300 + 400 = 1000, recent 2024-04..06 = 200 + 200 +
    # 300 = 700: 100 * 700 = 70000 <= 70 * 1000 = 70000 -> at risk (exactly 70% counts).
    pytest.param(steady(m2023_04=300, m2023_05=300, m2023_06=400,
                        m2024_04=200, m2024_05=200, m2024_06=300), None, None,
                 {"stage": "at_risk", "stage_reasons": ["sales_drop"], "recent_sales": 700,
                  "base_sales": 1_000, "sales_ratio": 0.7},
                 id="drop-exactly-70pct"),
    # recent 701: 70100 > 70000 -> not at risk.
    pytest.param(steady(m2023_04=300, m2023_05=300, m2023_06=400,
                        m2024_04=200, m2024_05=200, m2024_06=301), None, None,
                 {"stage": "stable", "stage_reasons": []},
                 id="drop-just-above-70pct"),
    # base 30 * 3 = 90, recent 21 * 3 = 63 = exactly 70% (63 * 10 = 630 = 7 * 90); in floats
    # 0.7 * 90 = 62.99999999999999 would wrongly say 63 is above it.
    pytest.param(steady(m2023_04=30, m2023_05=30, m2023_06=30,
                        m2024_04=21, m2024_05=21, m2024_06=21), None, None,
                 {"stage": "at_risk", "stage_reasons": ["sales_drop"]},
                 id="drop-exact-where-floats-round"),
    # No lines at all in 2023-04..06 (the client started in 2023-07): base 0, the rule does not
    # apply even though recent (300) is far below nothing to compare with.
    pytest.param(monthly_sales("C1", months("2023-07", "2024-06", 100)), None, None,
                 {"stage": "stable", "base_sales": 0, "sales_ratio": None},
                 id="m-12-window-without-data"),
    # Only a return in 2023-05: base -100 is not > 0, so the rule does not apply.
    pytest.param([("2023-05-10", "C1", -100),
                  *monthly_sales("C1", months("2023-07", "2024-06", 10))], None, None,
                 {"stage": "stable", "base_sales": -100},
                 id="m-12-window-only-returns"),
    # Gaps 2024-03-02 -> 04-01 -> 05-01: 30, 30; median 30, limit 2 * 30 = 60 days.
    # 2024-05-01 -> 2024-06-30 = 60 days: not more than 60 -> not at risk.
    pytest.param([("2024-03-02", "C1", 100), ("2024-04-01", "C1", 100),
                  ("2024-05-01", "C1", 100)], None, None,
                 {"stage": "stable", "days_since_last_purchase": 60, "median_gap_days": 30.0},
                 id="gap-exactly-2x-median"),
    # Gaps 2024-03-01 -> 03-31 -> 04-30: 30, 30; 2024-04-30 -> 06-30 = 61 days > 60.
    pytest.param([("2024-03-01", "C1", 100), ("2024-03-31", "C1", 100),
                  ("2024-04-30", "C1", 100)], None, None,
                 {"stage": "at_risk", "stage_reasons": ["purchase_gap"],
                  "days_since_last_purchase": 61, "median_gap_days": 30.0},
                 id="gap-one-day-over-2x-median"),
    # Gaps 100, 21, 20, 10 -> sorted 10, 20, 21, 100 -> median (20 + 21) / 2 = 20.5,
    # limit 41. 2024-05-20 -> 06-30 = 41 days: not over.
    pytest.param([("2023-12-21", "C1", 100), ("2024-03-30", "C1", 100),
                  ("2024-04-20", "C1", 100), ("2024-05-10", "C1", 100),
                  ("2024-05-20", "C1", 100)], None, None,
                 {"stage": "stable", "median_gap_days": 20.5, "days_since_last_purchase": 41},
                 id="gap-half-day-median-at-limit"),
    # The same dates one day earlier: 42 days > 41.
    pytest.param([("2023-12-20", "C1", 100), ("2024-03-29", "C1", 100),
                  ("2024-04-19", "C1", 100), ("2024-05-09", "C1", 100),
                  ("2024-05-19", "C1", 100)], None, None,
                 {"stage": "at_risk", "stage_reasons": ["purchase_gap"],
                  "days_since_last_purchase": 42},
                 id="gap-half-day-median-over-limit"),
    # Three lines on 2024-04-16 count as one date: distinct gaps 30, 30 -> limit 60, and
    # 2024-05-16 -> 06-30 = 45 days is fine (counting every line, gaps 30, 0, 0, 30 would give
    # a median of 15 and wrongly flag it).
    pytest.param([("2024-03-17", "C1", 100), ("2024-04-16", "C1", 100),
                  ("2024-04-16", "C1", 100), ("2024-04-16", "C1", 100),
                  ("2024-05-16", "C1", 100)], None, None,
                 {"stage": "stable", "purchase_dates": 3, "median_gap_days": 30.0,
                  "days_since_last_purchase": 45},
                 id="gap-duplicate-dates-count-once"),
    # Returns define no gap and are no purchase: purchase gaps 30, 30, last purchase 05-16.
    pytest.param([("2024-03-17", "C1", 100), ("2024-03-20", "C1", -10),
                  ("2024-04-16", "C1", 100), ("2024-04-20", "C1", -10),
                  ("2024-05-16", "C1", 100), ("2024-05-20", "C1", -10)], None, None,
                 {"stage": "stable", "last_purchase": "2024-05-16", "median_gap_days": 30.0},
                 id="gap-returns-ignored"),
    # Open complaints: dated up to the last day of M and not marked resolved.
    pytest.param(steady(), None, [("2024-06-30", "C1", "complaint", False)],
                 {"stage": "at_risk", "stage_reasons": ["open_complaint"], "open_complaints": 1},
                 id="complaint-unresolved-last-day-of-m"),
    pytest.param(steady(), None, [("2024-01-03", "C1", "complaint", None)],
                 {"stage": "at_risk", "open_complaints": 1},
                 id="complaint-resolved-blank-is-open"),
    pytest.param(steady(), None, [("2024-01-03", "C1", "complaint", True)],
                 {"stage": "stable", "open_complaints": 0},
                 id="complaint-resolved"),
    pytest.param(steady(), None, [("2024-07-01", "C1", "complaint", False)],
                 {"stage": "stable", "open_complaints": 0},
                 id="complaint-after-m-ignored"),
    pytest.param(steady(), None, [("2024-06-01", "C1", "praise", False),
                                  ("2024-06-01", "C1", "survey", None)],
                 {"stage": "stable", "open_complaints": 0},
                 id="praise-and-survey-are-no-complaints"),
    pytest.param(steady(), None, [("2022-01-01", "C1", "complaint", False),
                                  ("2024-05-01", "C1", "complaint", None)],
                 {"stage": "at_risk", "open_complaints": 2},
                 id="complaints-counted"),
    # Credit: receivables over the limit (both given).
    pytest.param(steady(), {"receivables": 100_001, "credit_limit": 100_000}, None,
                 {"stage": "at_risk", "stage_reasons": ["over_credit"],
                  "receivables": 100_001, "credit_limit": 100_000},
                 id="over-credit-limit"),
    pytest.param(steady(), {"receivables": 100_000, "credit_limit": 100_000}, None,
                 {"stage": "stable"},
                 id="at-credit-limit"),
    pytest.param(steady(), {"receivables": 100_000}, None,
                 {"stage": "stable", "credit_limit": None},
                 id="no-credit-limit"),
    pytest.param(steady(), {"credit_limit": 100_000}, None,
                 {"stage": "stable", "receivables": None},
                 id="no-receivables"),
    # A limit of 0 means no credit: any receivable is over it.
    pytest.param(steady(), {"receivables": 1, "credit_limit": 0}, None,
                 {"stage": "at_risk", "stage_reasons": ["over_credit"]},
                 id="zero-credit-limit"),
]


@pytest.mark.parametrize(("rows", "client", "fb", "expected"), RISK_CASES)
def test_at_risk_rules(rows: list[Any], client: dict[str, Any] | None,
                       fb: list[Any] | None, expected: dict[str, Any]) -> None:
    check(one(rows, client, fb), expected)


def _every_reason() -> pd.Series:
    # Monthly on the 15th 2023-01..2024-04, 100 a month except base 2023-04..06 = 1000.
    # Drop: recent 2024-04..06 = 100 <= 70% of 1000.
    # Gap: gaps 31,28,31,30,31,30,31,31,30,31,30,31,31,29,31 -> sorted, the 8th of 15 is 31;
    # 2024-04-15 -> 06-30 = 76 days > 62.
    rows = monthly_sales(
        "C1", months("2023-01", "2024-04", m2023_04=300, m2023_05=300, m2023_06=400)
    )
    return one(
        rows,
        {"receivables": 5_000, "credit_limit": 4_000},
        [("2024-02-01", "C1", "complaint", False)],
    )


def test_every_reason_is_listed_in_order() -> None:
    row = _every_reason()
    assert row["stage"] == "at_risk"
    assert row["stage_reasons"] == ["sales_drop", "purchase_gap", "open_complaint", "over_credit"]
    assert list(REASONS) == row["stage_reasons"]
    assert (row["median_gap_days"], row["days_since_last_purchase"]) == (31.0, 76)


def test_reason_details_give_the_figures_behind_each_reason() -> None:
    assert reason_details(_every_reason(), CFG) == {
        "sales_drop": {"recent_sales": 100, "base_sales": 1_000, "ratio": 0.1,
                       "limit_ratio": 0.7},
        "purchase_gap": {"days_since_last_purchase": 76, "median_gap_days": 31.0,
                         "limit_days": 62.0},
        "open_complaint": {"open_complaints": 1},
        "over_credit": {"receivables": 5_000, "credit_limit": 4_000},
    }


def test_first_match_wins_a_new_client_with_risks_stays_new() -> None:
    row = one([("2024-05-02", "C1", 100)], {"receivables": 2, "credit_limit": 1},
              [("2024-05-03", "C1", "complaint", False)])
    check(row, {"stage": "new", "stage_reasons": [],
                "risk_reasons": ["open_complaint", "over_credit"]})


@pytest.mark.parametrize(
    ("cfg", "stage"),
    [
        # new_months = 1: only a first purchase in M is new; 2024-05-02 is then stable.
        (LifecycleConfig(new_months=1), "stable"),
        (LifecycleConfig(new_months=2), "new"),
    ],
)
def test_new_window_follows_the_config(cfg: LifecycleConfig, stage: str) -> None:
    assert one([("2024-05-02", "C1", 100)], cfg=cfg)["stage"] == stage


def test_gap_multiple_follows_the_config() -> None:
    # Gaps 30, 30 and 61 days since: over 2 x 30 but not over 3 x 30.
    rows = [("2024-03-01", "C1", 100), ("2024-03-31", "C1", 100), ("2024-04-30", "C1", 100)]
    assert one(rows, cfg=LifecycleConfig(gap_multiple=3.0))["stage"] == "stable"


# --- the whole frame --------------------------------------------------------------------------

def test_one_row_per_client_with_canonical_dtypes() -> None:
    frame = clients(["B", "A", "C"])
    lines = sales([("2024-06-01", "A", 100), ("2023-06-01", "B", 50), ("2024-01-01", "X", 9)])
    df = lifecycle(lines, frame, feedback([("2024-01-01", "X", "complaint", False)]), M, CFG)
    assert df.index.tolist() == ["B", "A", "C"]
    assert df["stage"].tolist() == ["lost", "new", "potential"]
    assert set(df["stage"]) <= set(STAGES)
    dtypes = {c: str(t) for c, t in df.dtypes.items()}
    for money in ("lost_value", "recent_sales", "base_sales", "receivables", "credit_limit"):
        assert dtypes[money] == "Int64"
    assert dtypes["first_purchase"] == dtypes["last_purchase"] == "datetime64[ns]"
    for flag in ("is_new_in_month", "active_in_month", "lost_in_month"):
        assert dtypes[flag] == "bool"
    assert dtypes["stage"] == "object"
    assert df["lost_value"].tolist()[0] == 50
    assert math.isnan(df.at["C", "sales_ratio"])
