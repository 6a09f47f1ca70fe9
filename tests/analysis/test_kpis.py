"""Month KPIs (SPEC, "Month KPIs"): every figure of a tiny hand-computed data set.

Money is in cents. The report month M is 2024-06, so M−1 = 2024-05, M−12 = 2023-06,
YTD = 2024-01..06 and last year's YTD = 2023-01..06.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

from reportgen.analysis.kpis import (
    ALL,
    CATEGORIES,
    DEPARTMENTS,
    EXTRA_COLUMNS,
    METRICS_COLUMNS,
    VERDICTS,
    KpiTables,
    month_kpis,
)
from reportgen.analysis.rag import rag, rag_marks
from reportgen.inputs.config import Config, RagConfig
from tests import analysis_data as ad

M = ad.month("2024-06")
CONFIG = Config()

# Clients: East = A1, A2, P1; West = B1, B2, L1. Ann manages clients in both regions.
CLIENTS = [
    ("A1", "Alpha", "East", "Ann"),
    ("A2", "Acme", "East", "Ann"),
    ("P1", "Prospect", "East", "Bob"),  # never bought
    ("B1", "Beta", "West", "Bob"),
    ("B2", "Bravo", "West", "Ann"),
    ("L1", "Lima", "West", "Bob"),  # last purchase 2023-06 = M−12: lost in M
]


def _line(date: str, client: str, amount: int, **extra: Any) -> dict[str, Any]:
    return {"date": date, "client_id": client, "amount": amount, **extra}


SALES = [
    _line("2023-01-10", "A1", 1_000),  # earliest line: every comparison period is covered
    _line("2023-01-20", "L1", 600),
    _line("2023-06-15", "A1", 5_000),
    _line("2023-06-20", "B1", 3_000),
    _line("2023-06-25", "L1", 4_000),
    _line("2024-02-01", "B1", 2_000),
    _line("2024-04-15", "B2", 700),  # B2's first purchase: new in M−2
    _line("2024-05-10", "A1", 4_000),
    # --- M ---
    _line("2024-06-03", "A1", 10_000, order_id="O1", cost=6_000),
    _line("2024-06-04", "A1", 5_000, order_id="O1", cost=3_000),  # same order
    _line("2024-06-05", "A1", 2_000, order_id="O2", profit=500, region="West"),  # A1 in West
    _line("2024-06-10", "B1", -1_500, order_id="R1", cost=-1_000),  # a return: B1 not active
    _line("2024-06-12", "B2", 8_000),  # no order_id, no cost: West's gross profit is blank
    _line("2024-06-13", "B2", 1_000, cost=500, account_manager="Bob"),  # Bob sold it
    _line("2024-06-20", "A2", 3_000, order_id="O3", cost=2_000),  # A2's first purchase
    # --- after M: ignored ---
    _line("2024-07-01", "A1", 99_999, cost=1),
]

# Current value = net sales 2023-07..2024-06 (what the tiers module would give).
TIERS = {
    # client: (current_value, tier, migration)
    "A1": (21_000, "major", "same"),  # 4000 + 10000 + 5000 + 2000
    "A2": (3_000, "non_named", "new"),
    "P1": (0, "mass", "same"),
    "B1": (500, "mass", "down"),  # 2000 − 1500
    "B2": (9_700, "named", "up"),  # 700 + 8000 + 1000
    "L1": (0, "mass", "lost"),
}
LIFECYCLE = {
    # client: (first_purchase, is_new_in_month, lost_in_month, lost_value)
    "A1": ("2023-01-10", False, False, None),
    "A2": ("2024-06-20", True, False, None),
    "P1": (None, False, False, None),
    "B1": ("2023-06-20", False, False, None),
    "B2": ("2024-04-15", False, False, None),
    "L1": ("2023-01-20", False, True, 4_600),  # net 2022-07..2023-06: 600 + 4000
}
FEEDBACK = [
    {"date": "2024-06-02", "client_id": "A1", "type": "complaint", "category": "delivery",
     "resolved": False, "score": 2},
    {"date": "2024-06-09", "client_id": "B1", "type": "complaint", "category": "visit_service",
     "resolved": True},  # resolved: a complaint of M, not open
    {"date": "2024-06-15", "client_id": "B2", "type": "praise", "score": 5},
    {"date": "2024-06-20", "client_id": "A2", "type": "survey", "score": 4},
    {"date": "2024-05-20", "client_id": "A1", "type": "complaint", "category": "supply",
     "score": 3},  # M−1; resolved blank → open
    {"date": "2024-07-02", "client_id": "A1", "type": "complaint", "category": "ordering",
     "resolved": False},  # after M: nowhere
    {"date": "2024-06-25", "client_id": "B2", "type": "complaint",
     "resolved": False},  # no category → other
    {"date": "2024-04-01", "client_id": "B1", "type": "complaint", "category": "market",
     "resolved": True},  # earliest feedback: M−1 is covered
]
SCREENED = [
    # opp_id, client, value, weighted, verdict, is_open
    ("O-1", "A1", 100_000, 50_000, "pursue", True),
    ("O-2", "A2", 20_000, 5_000, "qualify", True),
    ("O-3", "B2", 40_000, 40_000, "pursue", False),  # won
    ("O-4", "B1", 10_000, 0, "drop", False),  # lost
    ("O-5", "B2", 30_000, 7_500, "strengthen", True),
    ("O-6", "P1", 5_000, 500, "drop", True),
]
TARGETS = [
    {"month": "2024-06", "region": "East", "sales_target": 20_000, "new_clients_target": 2},
    {"month": "2024-06", "region": "East", "account_manager": "Ann", "sales_target": 15_000},
    {"month": "2024-06", "region": "West", "account_manager": "Bob", "sales_target": 6_000},
    {"month": "2024-06", "region": "West", "account_manager": "Ann", "sales_target": 4_000},
    {"month": "2024-05", "region": "West", "sales_target": 99_999},  # another month
]


def tiers_frame(rows: dict[str, tuple[int, str, str]]) -> pd.DataFrame:
    ids = pd.Index(list(rows), name="client_id", dtype=object)
    return pd.DataFrame({
        "current_value": pd.array([r[0] for r in rows.values()], dtype="Int64"),
        "tier": pd.Series([r[1] for r in rows.values()], index=ids, dtype=object),
        "migration": pd.Series([r[2] for r in rows.values()], index=ids, dtype=object),
    }, index=ids)


def lifecycle_frame(rows: dict[str, tuple[Any, bool, bool, int | None]]) -> pd.DataFrame:
    ids = pd.Index(list(rows), name="client_id", dtype=object)
    return pd.DataFrame({
        "first_purchase": pd.to_datetime([r[0] for r in rows.values()]).astype("datetime64[ns]"),
        "is_new_in_month": [r[1] for r in rows.values()],
        "lost_in_month": [r[2] for r in rows.values()],
        "lost_value": pd.array([r[3] for r in rows.values()], dtype="Int64"),
    }, index=ids)


def screened_frame(rows: list[tuple[str, str, int, int, str, bool]]) -> pd.DataFrame:
    return pd.DataFrame({
        "opp_id": pd.Series([r[0] for r in rows], dtype=object),
        "client_id": pd.Series([r[1] for r in rows], dtype=object),
        "value": pd.array([r[2] for r in rows], dtype="Int64"),
        "weighted_value": pd.array([r[3] for r in rows], dtype="Int64"),
        "verdict": pd.Series([r[4] for r in rows], dtype=object),
        "is_open": [r[5] for r in rows],
    })


def run(
    *, sales: list[dict[str, Any]] = SALES, clients: list[Any] = CLIENTS,
    tiers: dict[str, Any] | None = None, lifecycle: dict[str, Any] | None = None,
    feedback: list[dict[str, Any]] | None = FEEDBACK,
    screened: list[Any] | None = SCREENED, targets: list[dict[str, Any]] | None = TARGETS,
    month: pd.Period = M, config: Config = CONFIG,
) -> KpiTables:
    ids = [c[0] if isinstance(c, tuple) else c for c in clients]
    tiers = tiers if tiers is not None else {i: TIERS.get(i, (0, "mass", "same")) for i in ids}
    lifecycle = (
        lifecycle if lifecycle is not None
        else {i: LIFECYCLE.get(i, (None, False, False, None)) for i in ids}
    )
    return month_kpis(
        ad.sales(sales), ad.clients(clients), tiers_frame(tiers), lifecycle_frame(lifecycle),
        screened_frame(screened) if screened is not None else None,
        ad.feedback(feedback) if feedback is not None else None,
        ad.targets(targets) if targets is not None else None,
        month, config,
    )


@pytest.fixture(scope="module")
def tables() -> KpiTables:
    return run()


def row(frame: pd.DataFrame, region: str, manager: str | None = None) -> pd.Series:
    hit = frame["region"] == region
    if manager is not None:
        hit &= frame["account_manager"] == manager
    assert hit.sum() == 1, f"expected one row for {region}/{manager}"
    return frame[hit].iloc[0]


def assert_figure(actual: Any, expected: Any, where: str) -> None:
    """Blank expected (None) means blank actual; floats compare to 1e-12; others exactly."""
    if expected is None:
        assert actual is None or pd.isna(actual), f"{where}: expected blank, got {actual!r}"
    elif isinstance(expected, float):
        assert not pd.isna(actual) and math.isclose(actual, expected, rel_tol=1e-12), (
            f"{where}: expected {expected!r}, got {actual!r}"
        )
    else:
        assert not (actual is None or pd.isna(actual)), f"{where}: blank, expected {expected!r}"
        assert actual == expected, f"{where}: expected {expected!r}, got {actual!r}"


# --------------------------------------------------------------------------- by region

# column: (East, West, ALL). Lines by the line's region (A1's 2000 line of M says West).
REGION_FIGURES: list[tuple[str, Any, Any, Any]] = [
    # M: East 10000 + 5000 + 3000; West 2000 − 1500 + 8000 + 1000
    ("sales", 18_000, 9_500, 27_500),
    # East's own row 20000 wins over Ann's 15000; West: Bob 6000 + Ann 4000; ALL: 20000 + 10000
    ("sales_target", 20_000, 10_000, 30_000),
    # 18000/20000 = exactly 90%; 9500/10000; 27500/30000
    ("attainment", 0.9, 0.95, 27_500 / 30_000),
    # 2024-05: A1's 4000 in East; West had no line in a covered month → 0, not blank
    ("sales_prev_month", 4_000, 0, 4_000),
    # 2023-06: A1 5000; B1 3000 + L1 4000
    ("sales_last_year", 5_000, 7_000, 12_000),
    # 2024-01..06: East 4000 + 18000; West 2000 + 700 + 9500
    ("sales_ytd", 22_000, 12_200, 34_200),
    # 2023-01..06: East 1000 + 5000; West 600 + 3000 + 4000
    ("sales_ytd_last_year", 6_000, 7_600, 13_600),
    # East: (10000−6000) + (5000−3000) + (3000−2000); West: the 8000 line has no cost → blank
    ("gross_profit", 7_000, None, None),
    # East: A1, A2; West: A1 (its West line), B2 — B1 only returned; ALL: A1, A2, B2 (A1 once)
    ("active_clients", 2, 2, 3),
    # East: A1/O1 (two lines), A2/O3; West: A1/O2 + two B2 lines without order_id (the
    # return R1 is no purchase); ALL: O1, O2, O3 + 2
    ("orders", 2, 3, 5),
    ("new_clients", 1, 0, 1),  # A2 (East)
    ("new_client_sales", 3_000, 0, 3_000),  # A2's sales in M
    ("lost_clients", 0, 1, 1),  # L1 (West)
    ("upgrades", 0, 1, 1),  # B2
    ("downgrades", 0, 1, 1),  # B1
    # M: East A1 delivery; West B1 visit_service (resolved) + B2 no category
    ("complaints", 1, 2, 3),
    ("praise", 0, 1, 1),  # B2
    # scores dated in M: East A1 2 + A2 4 → 3; West B2 5 (B1's complaint has none); ALL 11/3
    ("avg_satisfaction", 3.0, 5.0, 11 / 3),
    # open opportunities by the client's region: East O-1 + O-2 + O-6; West O-5 (O-3 won,
    # O-4 lost)
    ("pipeline_value", 125_000, 30_000, 155_000),
    ("weighted_pipeline", 55_500, 7_500, 63_000),
    ("gross_margin", 7_000 / 18_000, None, None),
    # 18000 / 2 orders; 9500 / 3 = 3166.67, cut to 3166 (it is rounded once, where shown);
    # 27500 / 5
    ("average_order_value", 9_000, 3_166, 5_500),
    ("purchase_frequency", 1.0, 1.5, 5 / 3),  # orders / active clients
    ("new_clients_target", 2, None, 2),  # ALL: the sum of the region targets that exist
    # first purchase in 2024-04..06: A2 (East), B2 (West)
    ("new_clients_3m", 1, 1, 2),
    # since the first purchase: A2 3000; B2 700 + 8000 + 1000 (Bob's line too: client-based)
    ("new_clients_3m_sales", 3_000, 9_700, 12_700),
    ("lost_value", 0, 4_600, 4_600),
    ("lost_clients_prev_month", 0, 0, 0),  # nobody's last purchase as of 2024-05 is in 2023-05
    ("clients_major", 1, 0, 1),  # A1
    ("clients_named", 0, 1, 1),  # B2
    ("clients_non_named", 1, 0, 1),  # A2
    ("clients_mass", 1, 2, 3),  # P1; B1, L1
    # positive current values: East 21000, 3000 (n=2, top ceil(0.4)=1); West 9700, 500;
    # ALL 21000, 9700, 3000, 500 (n=4, top 1)
    ("top20_share", 21_000 / 24_000, 9_700 / 10_200, 21_000 / 34_200),
    ("complaints_prev_month", 1, 0, 1),  # A1's supply complaint of 2024-05
    # dated up to M, resolved not True: A1 delivery (False), A1 supply (blank); B2 other;
    # B1's two are resolved, A1's ordering one is after M
    ("open_complaints", 2, 1, 3),
    ("complaints_supply", 0, 0, 0),  # the supply complaint is of M−1
    ("complaints_ordering", 0, 0, 0),  # after M
    ("complaints_delivery", 1, 0, 1),
    ("complaints_market", 0, 0, 0),  # 2024-04
    ("complaints_visit_service", 0, 1, 1),
    ("complaints_other", 0, 1, 1),
    ("satisfaction_responses", 2, 1, 3),
    ("pipeline_opportunities", 3, 1, 4),
    ("verdict_pursue", 1, 0, 1),  # O-1 (O-3 is won: not in the pipeline)
    ("verdict_qualify", 1, 0, 1),  # O-2
    ("verdict_drop", 1, 0, 1),  # O-6 (O-4 is lost)
    ("verdict_partner_or_drop", 0, 0, 0),
    ("verdict_strengthen", 0, 1, 1),  # O-5
    ("verdict_reconsider", 0, 0, 0),
    ("sales_variance_target", -2_000, -500, -2_500),
    ("sales_rel_variance_target", -0.1, -0.05, -2_500 / 30_000),
    ("sales_variance_prev_month", 14_000, 9_500, 23_500),
    # West's comparator is 0: no relative variance
    ("sales_rel_variance_prev_month", 3.5, None, 23_500 / 4_000),
    ("sales_variance_last_year", 13_000, 2_500, 15_500),
    ("sales_rel_variance_last_year", 2.6, 2_500 / 7_000, 15_500 / 12_000),
    ("sales_variance_ytd", 16_000, 4_600, 20_600),
    ("sales_rel_variance_ytd", 16_000 / 6_000, 4_600 / 7_600, 20_600 / 13_600),
    # exactly 90% → amber; 95% → amber; 91.7% → amber
    ("rag_target", "amber", "amber", "amber"),
    # West: 9500 against 0 → green (no band below a zero comparator)
    ("rag_prev_month", "green", "green", "green"),
    ("rag_last_year", "green", "green", "green"),
    ("rag_ytd", "green", "green", "green"),
    ("rag_new_clients", "red", None, "red"),  # 1 of 2 = 50%; West has no target
    # lower is better: 0 against 0 green; 1 lost against 0 red
    ("rag_lost_clients", "green", "red", "red"),
    # East 1 against 1 → green; West 2 against 0 → red; ALL 3 against 1 (3 > 1/0.9) → red
    ("rag_complaints", "green", "red", "red"),
]


def test_region_rows_and_columns(tables: KpiTables) -> None:
    frame = tables.by_region
    assert list(frame["region"]) == ["East", "West", ALL]
    assert list(frame.columns) == [*METRICS_COLUMNS, *EXTRA_COLUMNS]
    assert set(EXTRA_COLUMNS) - {c for c, *_ in REGION_FIGURES} == set()  # every one asserted
    assert tables.first_data_month == ad.month("2023-01")


@pytest.mark.parametrize(("column", "east", "west", "all_"), REGION_FIGURES)
def test_region_figure(tables: KpiTables, column: str, east: Any, west: Any, all_: Any) -> None:
    for region, expected in (("East", east), ("West", west), (ALL, all_)):
        assert_figure(row(tables.by_region, region)[column], expected, f"{region}.{column}")


@pytest.mark.parametrize(
    ("columns", "dtype"),
    [
        (["sales", "sales_target", "sales_prev_month", "gross_profit", "new_client_sales",
          "pipeline_value", "weighted_pipeline", "lost_value", "average_order_value",
          "sales_variance_target"], "Int64"),
        (["active_clients", "orders", "new_clients", "lost_clients", "complaints",
          "verdict_pursue", "clients_major"], "Int64"),
        (["attainment", "avg_satisfaction", "top20_share", "purchase_frequency",
          "sales_rel_variance_ytd"], "float64"),
        (["region", "rag_target", "rag_complaints"], "object"),
    ],
)
def test_dtypes(tables: KpiTables, columns: list[str], dtype: str) -> None:
    for column in columns:
        assert str(tables.by_region[column].dtype) == dtype, column
        assert str(tables.by_manager[column].dtype) == dtype, column


# --------------------------------------------------------------------------- by manager

# (region, manager): Ann in East (A1, A2) and West (B2, plus A1's West line); Bob in East (P1,
# no sales) and West (B1, L1, plus the B2 line he sold).
MANAGER_FIGURES: list[tuple[str, Any, Any, Any, Any]] = [
    # column: (East/Ann, East/Bob, West/Ann, West/Bob)
    # West/Ann: A1 2000 + B2 8000; West/Bob: B1 −1500 + B2 1000
    ("sales", 18_000, 0, 10_000, -500),
    ("sales_target", 15_000, None, 4_000, 6_000),
    # 18000/15000; no target; 10000/4000; −500/6000
    ("attainment", 1.2, None, 2.5, -500 / 6_000),
    ("sales_prev_month", 4_000, 0, 0, 0),
    ("sales_last_year", 5_000, 0, 0, 7_000),  # B1 3000 + L1 4000
    ("sales_ytd", 22_000, 0, 10_700, 1_500),  # West/Ann 700 + 10000; West/Bob 2000 − 500
    ("sales_ytd_last_year", 6_000, 0, 0, 7_600),
    # East/Bob has no line in M → 0; West/Ann's 8000 line has no cost → blank;
    # West/Bob: (−1500 − −1000) + (1000 − 500) = 0
    ("gross_profit", 7_000, 0, None, 0),
    ("active_clients", 2, 0, 2, 1),  # West/Ann: A1, B2; West/Bob: B2 (B1 only returned)
    ("orders", 2, 0, 2, 1),  # West/Ann: A1/O2 + one line without order; West/Bob: one line
    ("average_order_value", 9_000, None, 5_000, -500),
    ("new_clients", 1, 0, 0, 0),
    ("new_clients_3m_sales", 3_000, 0, 9_700, 0),
    ("lost_clients", 0, 0, 0, 1),
    ("lost_value", 0, 0, 0, 4_600),
    ("upgrades", 0, 0, 1, 0),
    ("downgrades", 0, 0, 0, 1),
    ("clients_mass", 0, 1, 0, 2),
    ("top20_share", 21_000 / 24_000, None, 1.0, 1.0),  # n = 0 → blank; n = 1 → all of it
    ("complaints", 1, 0, 1, 1),
    ("complaints_visit_service", 0, 0, 0, 1),
    ("open_complaints", 2, 0, 1, 0),
    ("avg_satisfaction", 3.0, None, 5.0, None),
    ("pipeline_value", 120_000, 5_000, 30_000, 0),
    ("weighted_pipeline", 55_000, 500, 7_500, 0),
    ("verdict_drop", 0, 1, 0, 0),
    ("rag_target", "green", None, "green", "red"),
]


def test_manager_rows(tables: KpiTables) -> None:
    frame = tables.by_manager
    assert list(zip(frame["region"], frame["account_manager"], strict=True)) == [
        ("East", "Ann"), ("East", "Bob"), ("West", "Ann"), ("West", "Bob"),
    ]
    assert list(frame.columns) == [
        "region", "account_manager", *METRICS_COLUMNS[1:], *EXTRA_COLUMNS,
    ]


@pytest.mark.parametrize(("column", "east_ann", "east_bob", "west_ann", "west_bob"),
                         MANAGER_FIGURES)
def test_manager_figure(
    tables: KpiTables, column: str, east_ann: Any, east_bob: Any, west_ann: Any, west_bob: Any
) -> None:
    for (region, manager), expected in zip(
        [("East", "Ann"), ("East", "Bob"), ("West", "Ann"), ("West", "Bob")],
        [east_ann, east_bob, west_ann, west_bob], strict=True,
    ):
        actual = row(tables.by_manager, region, manager)[column]
        assert_figure(actual, expected, f"{region}/{manager}.{column}")


# --------------------------------------------------------------------------- departments


@pytest.mark.parametrize(
    ("region", "category", "department", "complaints", "open_complaints"),
    [
        ("East", "delivery", "logistics", 1, 1),
        ("East", "supply", "sales_dept", 0, 1),  # the open complaint of M−1
        ("East", "ordering", "order_desk", 0, 0),  # dated after M
        ("West", "visit_service", "account_manager", 1, 0),  # resolved
        ("West", "market", "market_management", 0, 0),  # 2024-04, resolved
        ("West", "other", "other", 1, 1),  # no category given
        (ALL, "delivery", "logistics", 1, 1),
        (ALL, "visit_service", "account_manager", 1, 0),
        (ALL, "other", "other", 1, 1),
        (ALL, "supply", "sales_dept", 0, 1),
    ],
)
def test_complaints_by_department(
    tables: KpiTables, region: str, category: str, department: str, complaints: int,
    open_complaints: int,
) -> None:
    frame = tables.complaints_by_department
    hit = frame[(frame["region"] == region) & (frame["category"] == category)]
    assert len(hit) == 1
    assert hit.iloc[0]["department"] == department
    assert hit.iloc[0]["complaints"] == complaints
    assert hit.iloc[0]["open_complaints"] == open_complaints


def test_department_table_shape(tables: KpiTables) -> None:
    frame = tables.complaints_by_department
    assert list(frame.columns) == ["region", "category", "department", "complaints",
                                   "open_complaints"]
    assert len(frame) == 3 * len(CATEGORIES)  # East, West, ALL × every category
    assert set(DEPARTMENTS) == set(CATEGORIES)


# --------------------------------------------------------------------------- blanks


def test_comparison_before_the_earliest_line_is_blank() -> None:
    # Data starts 2024-05-20: M−1 (May) is covered — windows are calendar months — but
    # M−12, January 2024 (YTD) and January 2023 are not, nor is M−12 for lost clients.
    sales = [_line("2024-05-20", "A1", 400), _line("2024-06-03", "A1", 1_000)]
    tables = run(sales=sales, clients=CLIENTS, feedback=None, screened=None, targets=None)
    for region, sales_m, prev in (("East", 1_000, 400), ("West", 0, 0), (ALL, 1_000, 400)):
        got = row(tables.by_region, region)
        assert_figure(got["sales"], sales_m, f"{region}.sales")
        assert_figure(got["sales_prev_month"], prev, f"{region}.prev")
        for column in ("sales_last_year", "sales_ytd", "sales_ytd_last_year",
                       "sales_variance_last_year", "sales_rel_variance_ytd", "rag_last_year",
                       "rag_ytd", "lost_clients", "lost_value", "lost_clients_prev_month",
                       "rag_lost_clients"):
            assert_figure(got[column], None, f"{region}.{column}")
    assert tables.first_data_month == ad.month("2024-05")


def test_without_feedback_pipeline_targets_or_costs_figures_are_blank() -> None:
    sales = [_line("2024-06-03", "A1", 1_000)]  # no line carries cost or profit
    tables = run(sales=sales, feedback=None, screened=None, targets=None)
    for region in ("East", "West", ALL):
        got = row(tables.by_region, region)
        for column in ("gross_profit", "gross_margin", "sales_target", "attainment",
                       "rag_target", "complaints", "praise", "avg_satisfaction",
                       "open_complaints", "complaints_delivery", "complaints_prev_month",
                       "rag_complaints", "pipeline_value", "weighted_pipeline",
                       "verdict_pursue"):
            assert_figure(got[column], None, f"{region}.{column}")
    assert tables.complaints_by_department["complaints"].isna().all()


# --------------------------------------------------------------------------- targets


@pytest.mark.parametrize(
    ("targets", "east", "west", "all_"),
    [
        # no Targets sheet: blank everywhere
        (None, None, None, None),
        # a region row with its managers' rows: the region row wins
        ([("2024-06", "East", 500), {"month": "2024-06", "region": "East",
                                     "account_manager": "Ann", "sales_target": 7}],
         500, None, 500),
        # only managers' rows: their sum (two rows for Bob in West add up)
        ([{"month": "2024-06", "region": "West", "account_manager": "Bob", "sales_target": 30},
          {"month": "2024-06", "region": "West", "account_manager": "Bob", "sales_target": 12},
          {"month": "2024-06", "region": "West", "account_manager": "Ann", "sales_target": 8}],
         None, 50, 50),
        # a manager row without a region goes to the manager's home region: Ann has two
        # clients in East, one in West → East; Bob has one in East, two in West → West
        ([{"month": "2024-06", "account_manager": "Ann", "sales_target": 70},
          {"month": "2024-06", "account_manager": "Bob", "sales_target": 30}],
         70, 30, 100),
        # a company-wide row ("全部" / "ALL") is ALL's target, not the regions' sum
        ([("2024-06", "East", 100), ("2024-06", "West", 200), ("2024-06", "全部", 1_000)],
         100, 200, 1_000),
        ([("2024-06", "East", 100), ("2024-06", " all ", 250)], 100, None, 250),
        # another month's rows do not count
        ([("2024-05", "East", 100)], None, None, None),
    ],
)
def test_targets(targets: Any, east: Any, west: Any, all_: Any) -> None:
    tables = run(targets=targets)
    for region, expected in (("East", east), ("West", west), (ALL, all_)):
        assert_figure(row(tables.by_region, region)["sales_target"], expected, region)


def test_manager_target_without_region_lands_on_home_region_row() -> None:
    targets = [{"month": "2024-06", "account_manager": "Ann", "sales_target": 70}]
    frame = run(targets=targets).by_manager
    assert_figure(row(frame, "East", "Ann")["sales_target"], 70, "East/Ann")
    assert_figure(row(frame, "West", "Ann")["sales_target"], None, "West/Ann")


def test_zero_target_leaves_attainment_blank() -> None:
    tables = run(targets=[("2024-06", "East", 0)])
    got = row(tables.by_region, "East")
    assert_figure(got["sales_target"], 0, "target")
    assert_figure(got["attainment"], None, "attainment")  # 18000 / 0: blank
    assert_figure(got["rag_target"], None, "rag")
    assert_figure(got["sales_variance_target"], 18_000, "variance")  # 18000 − 0
    assert_figure(got["sales_rel_variance_target"], None, "relative variance")  # comparator 0


@pytest.mark.parametrize(
    ("target", "attainment", "mark"),
    [
        (18_000, 1.0, "green"),  # exactly 100%
        (20_000, 0.9, "amber"),  # exactly 90%
        (20_002, 18_000 / 20_002, "red"),  # 89.99%
    ],
)
def test_rag_target_boundaries(target: int, attainment: float, mark: str) -> None:
    got = row(run(targets=[("2024-06", "East", target)]).by_region, "East")  # sales 18000
    assert_figure(got["attainment"], attainment, "attainment")
    assert got["rag_target"] == mark


# --------------------------------------------------------------------------- top 20%


@pytest.mark.parametrize(
    ("values", "share"),
    [
        ([500], 1.0),  # n=1: ceil(0.2) = 1 client → all of it
        ([100, 0, -50], 1.0),  # only positive values count: n=1
        ([50, 40, 30, 20, 10], 50 / 150),  # n=5: ceil(1.0) = 1
        ([60, 50, 40, 30, 20, 10], (60 + 50) / 210),  # n=6: ceil(1.2) = 2
        ([70, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10],
         (70 + 10 + 10) / 210),  # n=15: ceil(3.0) = 3 (0.2·15 in floats is 3.0000000000000004)
        ([0, -5], None),  # n=0: blank
    ],
)
def test_top20_share(values: list[int], share: float | None) -> None:
    ids = [f"C{i:02d}" for i in range(len(values))]
    tiers = {cid: (value, "mass", "same") for cid, value in zip(ids, values, strict=True)}
    tables = run(sales=SALES[:1], clients=[(cid, cid, "East") for cid in ids] + ["A1"],
                 tiers={**tiers, "A1": (0, "mass", "same")}, feedback=None, screened=None,
                 targets=None)
    assert_figure(row(tables.by_region, "East")["top20_share"], share, "East")
    assert_figure(row(tables.by_region, ALL)["top20_share"], share, ALL)


# --------------------------------------------------------------------------- rows


def test_region_only_on_a_sales_line_gets_a_row() -> None:
    sales = [*SALES, _line("2024-06-21", "B1", 700, region="North")]
    frame = run(sales=sales).by_region
    assert list(frame["region"]) == ["East", "North", "West", ALL]
    north = row(frame, "North")
    assert_figure(north["sales"], 700, "North.sales")
    assert_figure(north["active_clients"], 1, "North.active")  # B1, by its North line
    assert_figure(north["new_clients"], 0, "North.new")  # client-based: B1 is West's
    # West is unchanged: A1, B2 — B1's purchase is on its North line, its West line a return
    assert_figure(row(frame, "West")["active_clients"], 2, "West.active")
    assert_figure(row(frame, ALL)["active_clients"], 4, "ALL.active")  # A1, A2, B1, B2


def test_line_for_an_unknown_client_is_left_out() -> None:
    sales = [*SALES, _line("2024-06-21", "ZZ", 700, region="East")]
    assert_figure(row(run(sales=sales).by_region, "East")["sales"], 18_000, "East.sales")


# --------------------------------------------------------------------------- RAG


@pytest.mark.parametrize(
    ("actual", "comparator", "lower", "mark"),
    [
        (100, 100, False, "green"),  # exactly 100%
        (101, 100, False, "green"),
        (90, 100, False, "amber"),  # exactly 90%
        (8_999, 10_000, False, "red"),  # 89.99%
        (0.9, 1.0, False, "amber"),  # floats compared exactly against 9/10
        (0, 0, False, "green"),  # comparator 0: no band; not below it
        (-1, 0, False, "red"),
        (-100, -100, False, "green"),  # comparator < 0: at least the comparator
        (-101, -100, False, "red"),
        (None, 100, False, None),
        (100, None, False, None),
        (pd.NA, 100, False, None),
        (100, float("nan"), False, None),
        # lower is better: green ≤ comparator, amber ≤ comparator / 0.9, red above
        (100, 100, True, "green"),
        (99, 100, True, "green"),
        (111, 100, True, "amber"),  # 111 ≤ 111.11
        (10, 9, True, "amber"),  # 10 ≤ 9 / 0.9 = 10 exactly
        (112, 100, True, "red"),
        (11, 9, True, "red"),
        (0, 0, True, "green"),  # comparator 0: green only at 0
        (1, 0, True, "red"),
        (0, 5, True, "green"),
        (None, 3, True, None),
    ],
)
def test_rag(actual: Any, comparator: Any, lower: bool, mark: str | None) -> None:
    assert rag(actual, comparator, lower) == mark


@pytest.mark.parametrize(
    ("actual", "comparator", "lower", "mark"),
    [
        (104, 100, False, "amber"),  # green needs 105%
        (105, 100, False, "green"),
        (95, 100, False, "amber"),
        (94, 100, False, "red"),
        (100, 105, True, "green"),  # lower: green when comparator ≥ 105% of actual
        (100, 104, True, "amber"),
    ],
)
def test_rag_thresholds_come_from_the_config(
    actual: int, comparator: int, lower: bool, mark: str
) -> None:
    cfg = RagConfig(green=1.05, amber=0.95)
    assert rag(actual, comparator, lower, cfg=cfg) == mark


@pytest.mark.parametrize("lower", [False, True])
def test_table_marks_agree_with_rag(lower: bool) -> None:
    values = [None, -20, -1, 0, 1, 8, 9, 10, 11, 12, 89, 90, 99, 100, 101, 111, 112]
    pairs = [(a, c) for a in values for c in values]
    actual = pd.Series(pd.array([a for a, _ in pairs], dtype="Int64"))
    comparator = pd.Series(pd.array([c for _, c in pairs], dtype="Int64"))
    marks = rag_marks(actual, comparator, lower, RagConfig())
    assert list(marks) == [rag(a, c, lower) for a, c in pairs]


def test_verdicts_are_the_spec_codes() -> None:
    assert VERDICTS == ("pursue", "qualify", "drop", "partner_or_drop", "strengthen",
                        "reconsider")


def test_config_new_months_sets_the_recent_new_window() -> None:
    # With new_months = 1 only clients whose first purchase is in M count: A2, not B2.
    config = Config.model_validate({"lifecycle": {"new_months": 1}})
    got = row(run(config=config).by_region, ALL)
    assert_figure(got["new_clients_3m"], 1, "ALL.new_clients_3m")
    assert_figure(got["new_clients_3m_sales"], 3_000, "ALL.new_clients_3m_sales")


def test_inputs_are_not_modified() -> None:
    sales, clients = ad.sales(SALES), ad.clients(CLIENTS)
    before = (sales.copy(), clients.copy())
    month_kpis(sales, clients, tiers_frame(TIERS), lifecycle_frame(LIFECYCLE), None, None,
               None, M, CONFIG)
    pd.testing.assert_frame_equal(sales, before[0])
    pd.testing.assert_frame_equal(clients, before[1])


def test_month_as_ordinal_matches_numpy_months() -> None:
    # The month index used for every window is Period.ordinal (months since 1970-01).
    assert M.ordinal == np.datetime64("2024-06", "M").astype(np.int64)


def test_no_sales_at_all_leaves_sales_blank_and_counts_zero() -> None:
    # No line up to M: no period is covered, so every sales figure is blank; an empty
    # Feedback or Opportunities sheet means none (0), while M−1 complaints are not covered.
    tables = run(sales=[], feedback=[], screened=[], targets=[])
    assert tables.first_data_month is None
    for region in ("East", "West", ALL):
        got = row(tables.by_region, region)
        for column in ("sales", "sales_prev_month", "sales_ytd", "average_order_value",
                       "gross_profit", "sales_target", "complaints_prev_month", "rag_complaints"):
            assert_figure(got[column], None, f"{region}.{column}")
        for column in ("active_clients", "orders", "complaints", "open_complaints",
                       "pipeline_value", "verdict_pursue"):
            assert_figure(got[column], 0, f"{region}.{column}")


def test_no_clients_gives_only_the_all_row() -> None:
    tables = run(sales=[], clients=[], tiers={}, lifecycle={}, feedback=None, screened=None,
                 targets=None)
    assert list(tables.by_region["region"]) == [ALL]
    assert_figure(tables.by_region["active_clients"].iloc[0], 0, "ALL.active")
    assert len(tables.by_manager) == 0
    assert list(tables.complaints_by_department["region"].unique()) == [ALL]
