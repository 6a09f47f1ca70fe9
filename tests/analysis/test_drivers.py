"""Bridges (what drove the month): a tiny hand-computed ledger, every region and comparison.

Money is in the workbook's integer units. M is 2024-06, M−1 = 2024-05, M−12 = 2023-06.
East = C1, C2, L1; West = C3, N1; North = D1. C1 also sells in West (its lines with
region West). C2 has returns only after 2023-06, so it too is lost in M (a return is not a
purchase); N1 and D1 buy first in M (new); L1 last bought in 2023-06 (lost in
M); North has no sales in either comparison month.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from reportgen.analysis.drivers import (
    BRIDGE_COMPARISONS,
    DRIVERS_COLUMNS,
    REST_NAME,
    bridge_total,
)
from reportgen.analysis.pipeline import Analysis, analyse
from reportgen.inputs.config import Config
from reportgen.inputs.model import Dataset
from tests import analysis_data as ad

M = ad.month("2024-06")

CLIENTS = [
    ("C1", "Alpha", "East", "Ann"),
    ("C2", "Beta", "East", "Bob"),
    ("L1", "Lima", "East", "Bob"),
    ("C3", "Gamma", "West", "Ann"),
    ("N1", "Nova", "West", "Cy"),
    {"client_id": "D1", "name": "Delta", "region": "North"},
]


def _line(date: str, client: str, amount: int, **extra: Any) -> dict[str, Any]:
    return {"date": date, "client_id": client, "amount": amount, **extra}


SALES = [
    _line("2023-01-05", "C1", 100),  # the earliest line: both comparison months are covered
    _line("2023-06-10", "C1", 1_000),
    _line("2023-06-11", "C1", 300, region="West"),
    _line("2023-06-12", "C2", 500),
    _line("2023-06-13", "L1", 700),
    _line("2023-06-14", "C3", 400),
    _line("2024-05-10", "C1", 800),
    _line("2024-05-11", "C3", 200),
    _line("2024-05-12", "C2", -50),  # a return in the comparison month
    _line("2024-06-03", "C1", 1_200),
    _line("2024-06-04", "C1", 250, region="West"),
    _line("2024-06-05", "C2", -100),  # a return in M
    _line("2024-06-06", "C3", 600),
    _line("2024-06-07", "N1", 900),
    _line("2024-06-08", "D1", 300),
    _line("2024-07-01", "C1", 99_999),  # after M: nowhere
]
TARGETS = [
    {"month": "2024-06", "region": "East", "sales_target": 1_500},
    {"month": "2024-06", "region": "East", "account_manager": "Ann", "sales_target": 1_000},
    {"month": "2024-06", "region": "West", "account_manager": "Ann", "sales_target": 500},
]


def dataset(sales: list[dict[str, Any]] = SALES,
            targets: list[dict[str, Any]] | None = TARGETS) -> Dataset:
    """The ledger as a loaded dataset."""
    tables = {"clients": ad.clients(CLIENTS), "sales": ad.sales(sales)}
    if targets is not None:
        tables["targets"] = ad.targets(targets)
    return Dataset(tables=tables)


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    return analyse(dataset(), Config(), M)


def rows(analysis: Analysis, region: str, comparison: str) -> dict[Any, tuple[Any, ...]]:
    """Each key → (actual, comparator, contribution, rank, status) of one bridge."""
    d = analysis.drivers
    part = d[(d["region"] == region) & (d["comparison"] == comparison)]
    return {
        r["key"]: (int(r["actual"]), int(r["comparator"]), int(r["contribution"]),
                   int(r["rank"]), r["status"])
        for _, r in part.iterrows()
    }


def test_columns(analysis: Analysis) -> None:
    assert tuple(analysis.drivers.columns) == DRIVERS_COLUMNS


def test_last_year_by_client(analysis: Analysis) -> None:
    # East M = 1200 − 100 = 1100; M−12 = 1000 + 500 + 700 = 2200.
    # Ties on |contribution| are broken by key; C2 and L1 both last bought in 2023-06.
    assert rows(analysis, "East", "last_year") == {
        "L1": (0, 700, -700, 1, "lost"),
        "C2": (-100, 500, -600, 2, "lost"),
        "C1": (1_200, 1_000, 200, 3, None),
    }
    assert bridge_total(analysis.kpis, "East", "last_year") == (2_200, 1_100)
    # West: C1's West lines (250 vs 300), C3 and the new N1.
    assert rows(analysis, "West", "last_year") == {
        "N1": (900, 0, 900, 1, "new"),
        "C3": (600, 400, 200, 2, None),
        "C1": (250, 300, -50, 3, None),
    }
    # North sold nothing in M−12: the comparator is 0 and D1 explains all of it.
    assert rows(analysis, "North", "last_year") == {"D1": (300, 0, 300, 1, "new")}
    # ALL: one row per client over all its lines (C1: 1450 vs 1300).
    assert rows(analysis, "ALL", "last_year") == {
        "N1": (900, 0, 900, 1, "new"),
        "L1": (0, 700, -700, 2, "lost"),
        "C2": (-100, 500, -600, 3, "lost"),
        "D1": (300, 0, 300, 4, "new"),
        "C3": (600, 400, 200, 5, None),
        "C1": (1_450, 1_300, 150, 6, None),
    }


def test_last_month_by_client(analysis: Analysis) -> None:
    # East M−1 = 800 − 50 = 750; L1 has no line in M or M−1, so no row.
    assert rows(analysis, "East", "last_month") == {
        "C1": (1_200, 800, 400, 1, None),
        "C2": (-100, -50, -50, 2, "lost"),
    }
    assert rows(analysis, "North", "last_month") == {"D1": (300, 0, 300, 1, "new")}
    assert bridge_total(analysis.kpis, "West", "last_month") == (200, 1_750)


def test_plan_by_manager(analysis: Analysis) -> None:
    # East: target 1500 (its own row); Ann's East target 1000, Ann's East sales 1200.
    # The rest: sales 1100 − 1200 = −100 against 1500 − 1000 = 500.
    assert rows(analysis, "East", "plan") == {
        None: (-100, 500, -600, 1, None),
        "Ann": (1_200, 1_000, 200, 2, None),
    }
    # West: target 500 (from Ann's row); Ann sold 250 + 600, N1 (Cy, no target) 900.
    assert rows(analysis, "West", "plan") == {
        None: (900, 0, 900, 1, None),
        "Ann": (850, 500, 350, 2, None),
    }
    # ALL: target 1500 + 500; Ann's two pairs add up to 2050 against 1500.
    assert rows(analysis, "ALL", "plan") == {
        None: (1_100, 500, 600, 1, None),
        "Ann": (2_050, 1_500, 550, 2, None),
    }
    d = analysis.drivers
    assert set(d.loc[d["key"].isna(), "name"]) == {REST_NAME}
    # North has no target: no plan bridge.
    assert rows(analysis, "North", "plan") == {}


def test_identity_every_region_and_comparison(analysis: Analysis) -> None:
    checked = 0
    for region in analysis.kpis.by_region["region"]:
        for comparison in BRIDGE_COMPARISONS:
            total = bridge_total(analysis.kpis, region, comparison)
            part = rows(analysis, region, comparison)
            if total is None:
                assert part == {}
                continue
            comparator, actual = total
            assert comparator + sum(r[2] for r in part.values()) == actual
            assert sum(r[0] for r in part.values()) == actual
            checked += 1
    assert checked == 4 * 2 + 3  # every region both by-client comparisons; plan but North


def test_uncovered_comparison_has_no_bridge() -> None:
    # Sales only from 2024-05: M−12 is not covered, so no last_year bridge anywhere.
    recent = [s for s in SALES if s["date"] >= "2024-05-01"]
    analysis = analyse(dataset(recent, None), Config(), M)
    assert set(analysis.drivers["comparison"]) == {"last_month"}
    assert rows(analysis, "ALL", "last_month")["C3"] == (600, 200, 400, 3, None)


def test_no_sales_in_m() -> None:
    old = [s for s in SALES if s["date"] < "2024-01-01"]
    analysis = analyse(dataset(old, None), Config(), M)
    frame = analysis.drivers
    assert isinstance(frame, pd.DataFrame)
    # Only the M−12 lines: every contribution is minus the client's last-year sales.
    # Everyone last bought in 2023-06, so everyone is lost in M.
    assert rows(analysis, "East", "last_year") == {
        "C1": (0, 1_000, -1_000, 1, "lost"),
        "L1": (0, 700, -700, 2, "lost"),
        "C2": (0, 500, -500, 3, "lost"),
    }
    assert bridge_total(analysis.kpis, "East", "last_year") == (2_200, 0)
    # M−1 is covered and empty, and no one sold in M or M−1: no last_month rows at all.
    assert set(frame["comparison"]) == {"last_year"}
