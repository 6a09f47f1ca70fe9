"""Value tiers, tier migration, capacity and effort (SPEC, "Value tiers"), on hand-computed data.

Money is in cents. Unless a test says otherwise the report month M is 2024-06, so T12M is
2023-07..2024-06 and the previous month's window is 2023-06..2024-05.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from reportgen.analysis.lifecycle import lifecycle
from reportgen.analysis.tiers import (
    THRESHOLD_ATTR,
    effort_vs_value,
    high_potential_threshold,
    manager_capacity,
    migration_matrix,
    tier_migration,
    tiers_sheet,
    transactional_key_accounts,
    value_tiers,
)
from reportgen.inputs.config import LifecycleConfig, TierConfig
from tests.analysis_data import activities, clients, month, sales

M = month("2024-06")
CFG = TierConfig()


def one_sale_each(values: dict[str, int], potentials: dict[str, int | None] | None = None,
                  cfg: TierConfig = CFG) -> pd.DataFrame:
    """value_tiers at M for clients that each bought ``values[id]`` cents on 2024-03-15."""
    potentials = potentials or {}
    client_rows = [
        {"client_id": cid, "potential_value": potentials.get(cid)}
        for cid in [*values, *(p for p in potentials if p not in values)]
    ]
    lines = [("2024-03-15", cid, cents) for cid, cents in values.items() if cents]
    return value_tiers(sales(lines), clients(client_rows), M, cfg)


# --- ABC classes -------------------------------------------------------------------------------

ABC_CASES = [
    pytest.param(
        # total 100. Cumulative value BEFORE each client: A1 0, A2 40, A3 80, A4 95.
        # A2 takes the running total from 40% to 80% and is still A (40% < 80%).
        # A3 starts at exactly 80% (not < 80%) -> B; A4 starts at exactly 95% (not < 95%) -> C.
        {"A1": 40, "A2": 40, "A3": 15, "A4": 5},
        {"A1": (1, 0, "A"), "A2": (2, 40, "A"), "A3": (3, 80, "B"), "A4": (4, 95, "C")},
        id="exactly-80-and-95-before",
    ),
    pytest.param(
        # total 100. A2 starts at 70% (< 80% -> A) and crosses to 90%; A3 starts at 90% -> B;
        # A4 starts at 96% -> C.
        {"A1": 70, "A2": 20, "A3": 6, "A4": 4},
        {"A1": (1, 0, "A"), "A2": (2, 70, "A"), "A3": (3, 90, "B"), "A4": (4, 96, "C")},
        id="crossing-80",
    ),
    pytest.param(
        # total 100. A3 starts at exactly 70 + 10 = 80 -> B (summing float shares would give
        # 0.7 + 0.1 = 0.7999999999999999, wrongly A); A4 starts at 90 -> B.
        {"A1": 70, "A2": 10, "A3": 10, "A4": 10},
        {"A1": (1, 0, "A"), "A2": (2, 70, "A"), "A3": (3, 80, "B"), "A4": (4, 90, "B")},
        id="exact-80-where-float-shares-round-down",
    ),
    pytest.param(
        # total 100. A4 starts at 57 + 29 + 9 = 95 -> C (float shares: 0.9499999999999998).
        {"A1": 57, "A2": 29, "A3": 9, "A4": 5},
        {"A1": (1, 0, "A"), "A2": (2, 57, "A"), "A3": (3, 86, "B"), "A4": (4, 95, "C")},
        id="exact-95-where-float-shares-round-down",
    ),
    pytest.param(
        # Ties on value go by client_id in code-point order: "A10" < "A9" ('1' < '9').
        # total 100: X 0 -> A; A10 70 -> A; A9 80 -> B; Z 90 -> B.
        {"X": 70, "A9": 10, "A10": 10, "Z": 10},
        {"X": (1, 0, "A"), "A10": (2, 70, "A"), "A9": (3, 80, "B"), "Z": (4, 90, "B")},
        id="tie-broken-by-code-point",
    ),
    pytest.param(
        # Code points: "Z1" (Z = 90) sorts before "a1" (a = 97), and "a1" before "客1".
        # total 300: Z1 0 -> A; a1 100 (33%) -> A; 客1 200 (67%) -> A.
        {"客1": 100, "a1": 100, "Z1": 100},
        {"Z1": (1, 0, "A"), "a1": (2, 100, "A"), "客1": (3, 200, "A")},
        id="tie-upper-lower-and-chinese",
    ),
    pytest.param(
        # Clients with current value <= 0 are not ranked and have no class; the total is 100.
        {"A1": 100, "NONE": 0},
        {"A1": (1, 0, "A"), "NONE": (None, None, None)},
        id="no-sales-no-class",
    ),
]


@pytest.mark.parametrize(("values", "expected"), ABC_CASES)
def test_abc_class_rank_and_cumulative_value(
    values: dict[str, int], expected: dict[str, tuple[int | None, int | None, str | None]]
) -> None:
    df = one_sale_each(values)
    def whole(value: object) -> int | None:
        return None if pd.isna(value) else int(value)  # type: ignore[call-overload]

    got = {
        cid: (whole(df.at[cid, "rank"]), whole(df.at[cid, "cum_value_before"]),
              df.at[cid, "abc_class"])
        for cid in expected
    }
    assert got == expected


def test_class_cut_comes_from_the_config_exactly() -> None:
    # class_a = 0.7 is read as 7/10: B2 starts at 70 of 100 = exactly 70% -> not A.
    df = one_sale_each({"B1": 70, "B2": 30}, cfg=TierConfig(class_a=0.7, class_b=0.95))
    assert df["abc_class"].tolist() == ["A", "B"]


def test_cumulative_share_before_is_the_fraction_of_the_positive_total() -> None:
    df = one_sale_each({"A1": 40, "A2": 40, "A3": 15, "A4": 5, "A5": 0})
    assert df["cum_share_before"].iloc[:4].tolist() == [0.0, 0.4, 0.8, 0.95]
    assert math.isnan(df.at["A5", "cum_share_before"])


# --- current value window ---------------------------------------------------------------------

def test_current_value_is_net_sales_of_the_twelve_months_ending_with_m() -> None:
    rows = [
        ("2023-06-30", "W", 1_000),   # M-12: outside T12M
        ("2023-07-01", "W", 100),     # first day of M-11: inside
        ("2024-06-30", "W", 10),      # last day of M: inside
        ("2024-07-01", "W", 5_000),   # after M: ignored
        ("2024-02-01", "W", -30),     # a return nets in
        ("2024-01-01", "R", -30),     # only a return: negative current value
        ("2024-01-01", "GHOST", 999),  # a client not in Clients: not counted anywhere
    ]
    df = value_tiers(sales(rows), clients(["W", "R", "EMPTY"]), M, CFG)
    # W: 100 + 10 - 30 = 80; R: -30; EMPTY: no sales -> 0.
    assert df["current_value"].tolist() == [80, -30, 0]
    assert str(df["current_value"].dtype) == "Int64"
    assert df.index.tolist() == ["W", "R", "EMPTY"]
    assert df.index.name == "client_id"
    # Only W is ranked: the total is 80 (the GHOST's 999 is not in it).
    assert df.at["W", "cum_share_before"] == 0.0
    assert df["rank"].tolist()[0] == 1


# --- potential, quadrant and tier -------------------------------------------------------------

QUADRANT_VALUES = {"A1": 600, "A2": 300, "A3": 40, "A4": 30, "A5": 30, "A6": 0, "A7": 0}
QUADRANT_POTENTIALS: dict[str, int | None] = {
    "A1": 900, "A2": 599, "A3": 340, "A4": None, "A5": 0, "A6": 1_000, "A7": None,
}
# Positive total 1000. Before: A1 0 (A), A2 600 = 60% (A), A3 900 = 90% (B),
# A4 940 = 94% (B), A5 970 = 97% (C); A6, A7 have no sales (no class).
# Threshold = current value of the smallest A client = A2's 300.
QUADRANT_CASES = [
    # id, untapped, known, share, class, high potential, quadrant, tier, named_reason
    # A1: 900 - 600 = 300 >= 300 (exactly at the threshold counts) -> HH major.
    ("A1", 300, True, 600 / 900, "A", True, "HH", "major", None),
    # A2: 599 - 300 = 299 < 300 -> HL named (maintain).
    ("A2", 299, True, 300 / 599, "A", False, "HL", "named", "maintain"),
    # A3: 340 - 40 = 300 >= 300 -> LH named (develop).
    ("A3", 300, True, 40 / 340, "B", True, "LH", "named", "develop"),
    # A4: potential blank -> untapped 0, flagged unknown, share blank -> LL, B -> non_named.
    ("A4", 0, False, math.nan, "B", False, "LL", "non_named", None),
    # A5: potential 0 -> untapped max(0 - 30, 0) = 0, share blank -> LL, C -> mass.
    ("A5", 0, True, math.nan, "C", False, "LL", "mass", None),
    # A6: no sales, potential 1000 -> untapped 1000 >= 300 -> LH named (develop), share 0.
    ("A6", 1_000, True, 0.0, None, True, "LH", "named", "develop"),
    # A7: no sales, potential blank -> LL, no class -> mass.
    ("A7", 0, False, math.nan, None, False, "LL", "mass", None),
]


@pytest.mark.parametrize(
    ("cid", "untapped", "known", "share", "abc", "high_potential", "quadrant", "tier", "reason"),
    QUADRANT_CASES,
)
def test_potential_quadrant_and_tier(
    cid: str, untapped: int, known: bool, share: float, abc: str | None, high_potential: bool,
    quadrant: str, tier: str, reason: str | None,
) -> None:
    df = one_sale_each(QUADRANT_VALUES, QUADRANT_POTENTIALS)
    row = df.loc[cid]
    assert row["untapped_potential"] == untapped
    assert bool(row["potential_known"]) is known
    if math.isnan(share):
        assert math.isnan(row["share_of_wallet"])
    else:
        assert row["share_of_wallet"] == pytest.approx(share)
    assert row["abc_class"] == abc
    assert bool(row["high_current"]) is (abc == "A")
    assert bool(row["high_potential"]) is high_potential
    assert (row["quadrant"], row["rule_tier"], row["tier"]) == (quadrant, tier, tier)
    assert row["named_reason"] == reason
    assert row["tier_source"] == "rule"


def test_threshold_is_reported() -> None:
    df = one_sale_each(QUADRANT_VALUES, QUADRANT_POTENTIALS)
    # The smallest class-A client is A2 with 300.
    assert df.attrs[THRESHOLD_ATTR] == 300
    assert high_potential_threshold(df) == 300


@pytest.mark.parametrize(
    ("tier", "coverage", "goal"),
    [
        ("major", "1:1", "share_of_wallet"),
        ("named", "1:few", "share_of_wallet"),
        ("non_named", "1:many", "absolute_sales"),
        ("mass", "call_centre", "absolute_sales"),
    ],
)
def test_coverage_and_goal_follow_the_tier(tier: str, coverage: str, goal: str) -> None:
    df = one_sale_each(QUADRANT_VALUES, QUADRANT_POTENTIALS)
    picked = df[df["tier"] == tier]
    assert len(picked) > 0
    assert set(picked["coverage"]) == {coverage}
    assert set(picked["goal_type"]) == {goal}


def test_return_larger_than_sales_gives_no_class_and_mass() -> None:
    rows = [("2023-08-01", "NEG", 100), ("2024-02-01", "NEG", -250), ("2024-03-01", "TOP", 500)]
    df = value_tiers(
        sales(rows), clients([{"client_id": "NEG", "potential_value": 100}, "TOP"]), M, CFG
    )
    neg = df.loc["NEG"]
    # current = 100 - 250 = -150: not ranked, no class.
    assert neg["current_value"] == -150
    assert pd.isna(neg["rank"]) and neg["abc_class"] is None
    # untapped = max(100 - max(-150, 0), 0) = 100: returns never add potential.
    assert neg["untapped_potential"] == 100
    # share of wallet = -150 / 100.
    assert neg["share_of_wallet"] == -1.5
    # TOP is the only A (threshold 500); NEG's 100 untapped < 500 -> LL, no class -> mass.
    assert (neg["quadrant"], neg["tier"]) == ("LL", "mass")


def test_without_class_a_nobody_is_high_potential() -> None:
    # Nobody has a positive current value, so there is no class A and no threshold.
    rows = [("2024-02-01", "R", -10)]
    df = value_tiers(
        sales(rows),
        clients([{"client_id": "R", "potential_value": 5_000},
                 {"client_id": "P", "potential_value": 10_000}]),
        M, CFG,
    )
    assert df.attrs[THRESHOLD_ATTR] is None
    assert high_potential_threshold(df) is None
    assert df["high_potential"].tolist() == [False, False]
    assert df["tier"].tolist() == ["mass", "mass"]


@pytest.mark.parametrize(
    ("override", "tier", "source", "reason"),
    [
        (None, "major", "rule", None),
        ("mass", "mass", "manual", None),
        ("named", "named", "manual", "maintain"),  # high current -> maintain
    ],
)
def test_tier_override_wins(
    override: str | None, tier: str, source: str, reason: str | None
) -> None:
    rows = [("2024-03-01", "K", 600), ("2024-03-01", "S", 400)]
    # K: class A (before 0), untapped 1600 - 600 = 1000 >= threshold 400 (S is the smallest A).
    df = value_tiers(
        sales(rows),
        clients([{"client_id": "K", "potential_value": 1_600, "tier_override": override}, "S"]),
        M, CFG,
    )
    row = df.loc["K"]
    assert row["rule_tier"] == "major"
    assert (row["tier"], row["tier_source"], row["named_reason"]) == (tier, source, reason)


def test_override_to_named_of_a_low_client_is_develop() -> None:
    df = value_tiers(
        sales([("2024-03-01", "BIG", 100)]),
        clients(["BIG", {"client_id": "LOW", "tier_override": "named"}]),
        M, CFG,
    )
    assert (df.at["LOW", "tier"], df.at["LOW", "named_reason"]) == ("named", "develop")


def test_result_dtypes_follow_the_canonical_conventions() -> None:
    df = one_sale_each(QUADRANT_VALUES, QUADRANT_POTENTIALS)
    dtypes = {c: str(t) for c, t in df.dtypes.items()}
    for money in ("current_value", "potential_value", "untapped_potential", "cum_value_before"):
        assert dtypes[money] == "Int64"
    assert dtypes["rank"] == "Int64"
    assert dtypes["share_of_wallet"] == dtypes["cum_share_before"] == "float64"
    for flag in ("potential_known", "high_current", "high_potential"):
        assert dtypes[flag] == "bool"
    for code in ("abc_class", "quadrant", "tier", "tier_source", "named_reason", "coverage"):
        assert dtypes[code] == "object"


def test_clients_frame_with_any_index_and_str_dtype_ids() -> None:
    frame = clients(["B", "A"]).set_axis([7, 3])
    lines = sales([("2024-03-01", "A", 10), ("2024-03-01", "B", 30)])
    lines["client_id"] = lines["client_id"].astype("str")
    df = value_tiers(lines, frame, M, CFG)
    assert df["current_value"].to_dict() == {"B": 30, "A": 10}


def test_duplicate_client_ids_are_refused() -> None:
    with pytest.raises(ValueError, match="unique, non-blank client_id"):
        value_tiers(sales([]), clients(["A", "A"]), M, CFG)


# --- migration --------------------------------------------------------------------------------

MIGRATION_SALES = [
    ("2023-10-10", "BIG", 700),    # in both windows
    ("2023-09-01", "UP", 10),      # in both windows
    ("2024-06-10", "UP", 200),     # only in M's window
    ("2023-06-15", "DOWN", 200),   # only in M-1's window (M-12)
    ("2024-01-05", "DOWN", 10),    # in both windows
    ("2024-06-20", "NEW", 80),     # first purchase in M
    ("2023-06-20", "LOST", 50),    # last purchase in M-12: lost in M
    ("2023-08-01", "OVR", 5),      # in both windows
]
MIGRATION_CLIENTS: list[str | dict[str, object]] = [
    "BIG",
    {"client_id": "UP", "potential_value": 420},
    "DOWN", "NEW", "LOST",
    {"client_id": "OVR", "tier_override": "major"},
    "POT",
]
# M-1 window (2023-06..2024-05): BIG 700, DOWN 210, LOST 50, UP 10, OVR 5; total 975.
#   before: BIG 0 (A), DOWN 700 = 71.8% (A), LOST 910 = 93.3% (B), UP 960 = 98.5% (C),
#   OVR 970 (C). Threshold = DOWN's 210; UP untapped 420 - 10 = 410 >= 210 -> LH.
#   Tiers: BIG named, DOWN named, LOST non_named, UP named (develop), OVR major (manual),
#   NEW mass, POT mass.
# M window (2023-07..2024-06): BIG 700, UP 210, NEW 80, DOWN 10, OVR 5; total 1005.
#   before: BIG 0 (A), UP 700 = 69.7% (A), NEW 910 (91000 >= 80400, < 95475: B),
#   DOWN 990 (99000 >= 95475: C), OVR 1000 (C). Threshold = UP's 210;
#   UP untapped 420 - 210 = 210 >= 210 -> HH.
#   Tiers: BIG named, UP major, NEW non_named, DOWN mass, OVR major (manual), LOST mass, POT mass.
MIGRATION_EXPECTED = {
    # client: (previous_tier, tier, migration)
    "BIG": ("named", "named", "same"),
    "UP": ("named", "major", "up"),
    "DOWN": ("named", "mass", "down"),
    "NEW": ("mass", "non_named", "new"),
    "LOST": ("non_named", "mass", "lost"),
    "OVR": ("major", "major", "same"),
    "POT": ("mass", "mass", "same"),
}


def _migration() -> pd.DataFrame:
    lines, frame = sales(MIGRATION_SALES), clients(MIGRATION_CLIENTS)
    life = lifecycle(lines, frame, None, M, LifecycleConfig())
    return tier_migration(lines, frame, M, CFG, life)


@pytest.mark.parametrize(("cid", "expected"), MIGRATION_EXPECTED.items())
def test_tier_migration(cid: str, expected: tuple[str, str, str]) -> None:
    df = _migration()
    assert (df.at[cid, "previous_tier"], df.at[cid, "tier"], df.at[cid, "migration"]) == expected


def test_migration_keeps_the_override_in_both_months() -> None:
    df = _migration()
    assert df.at["OVR", "tier_source"] == "manual"
    assert df.at["OVR", "previous_abc_class"] == "C"


def test_migration_reuses_the_tiers_of_m_when_given() -> None:
    lines, frame = sales(MIGRATION_SALES), clients(MIGRATION_CLIENTS)
    life = lifecycle(lines, frame, None, M, LifecycleConfig())
    now = value_tiers(lines, frame, M, CFG)
    given = tier_migration(lines, frame, M, CFG, life, current=now)
    pd.testing.assert_frame_equal(given, tier_migration(lines, frame, M, CFG, life))
    # previous_current_value: DOWN had 200 + 10 = 210 in 2023-06..2024-05.
    assert given.at["DOWN", "previous_current_value"] == 210


def test_migration_matrix_counts() -> None:
    matrix = migration_matrix(_migration())
    assert matrix.index.tolist() == ["major", "named", "non_named", "mass", "new"]
    assert matrix.columns.tolist() == ["major", "named", "non_named", "mass", "lost"]
    expected = pd.DataFrame(0, index=matrix.index, columns=matrix.columns)
    expected.loc["named", "named"] = 1      # BIG
    expected.loc["named", "major"] = 1      # UP
    expected.loc["named", "mass"] = 1       # DOWN
    expected.loc["new", "non_named"] = 1    # NEW
    expected.loc["non_named", "lost"] = 1   # LOST
    expected.loc["major", "major"] = 1      # OVR
    expected.loc["mass", "mass"] = 1        # POT
    assert (matrix.to_numpy() == expected.to_numpy()).all()
    assert int(matrix.to_numpy().sum()) == 7


def test_migration_matrix_of_no_clients_is_all_zero() -> None:
    empty = pd.DataFrame({"previous_tier": [], "tier": [], "migration": []}, dtype=object)
    matrix = migration_matrix(empty)
    assert matrix.shape == (5, 5)
    assert int(matrix.to_numpy().sum()) == 0


# --- capacity, effort, transactional key accounts ---------------------------------------------

CAPACITY_CLIENTS = [
    {"client_id": "L1", "account_manager": "Li", "tier_override": "major"},
    {"client_id": "L2", "account_manager": "Li", "tier_override": "major"},
    {"client_id": "W1", "account_manager": "Wang", "region": "West", "tier_override": "major"},
    *({"client_id": f"W{i}", "account_manager": "Wang", "region": "West",
       "tier_override": "named"} for i in range(2, 6)),
    {"client_id": "W6", "account_manager": "Wang", "region": "North", "tier_override": "named"},
    {"client_id": "W7", "account_manager": "Wang", "region": "West"},  # no sales -> mass
    {"client_id": "N1", "tier_override": "named"},  # no manager: nobody's capacity
]


def test_manager_capacity_flags_the_overloaded() -> None:
    frame = clients(CAPACITY_CLIENTS)
    df = manager_capacity(value_tiers(sales([]), frame, M, CFG), frame, CFG)
    assert df.index.tolist() == ["Li", "Wang"]
    # Li: 2 Major > capacity 1 -> overloaded.
    assert df.loc["Li", ["major", "named", "non_named", "mass"]].tolist() == [2, 0, 0, 0]
    assert bool(df.at["Li", "over_major"]) and bool(df.at["Li", "overloaded"])
    # Wang: 1 Major (= 1) and 5 Named (= 5): at capacity is not over. Mass is never limited.
    assert df.loc["Wang", ["major", "named", "non_named", "mass"]].tolist() == [1, 5, 0, 1]
    assert not df.loc["Wang", ["over_major", "over_named", "over_non_named", "overloaded"]].any()
    assert df.at["Wang", "regions"] == ("North", "West")
    assert df.at["Li", "capacity_named"] == 5


def test_manager_capacity_follows_the_config() -> None:
    frame = clients(CAPACITY_CLIENTS)
    cfg = TierConfig(capacity_named=4)
    df = manager_capacity(value_tiers(sales([]), frame, M, cfg), frame, cfg)
    # Wang's 5 Named > 4.
    assert bool(df.at["Wang", "over_named"]) and bool(df.at["Wang", "overloaded"])


def _effort_tiers() -> pd.DataFrame:
    frame = clients([
        {"client_id": "MJ", "tier_override": "major"},
        {"client_id": "NM", "tier_override": "named"},
        {"client_id": "NN", "tier_override": "non_named"},
        {"client_id": "MS", "tier_override": "mass"},
    ])
    lines = [("2024-01-01", "MJ", 600), ("2024-01-01", "NM", 300),
             ("2024-01-01", "MS", 100), ("2024-01-01", "NN", -50)]
    return value_tiers(sales(lines), frame, M, CFG)


def test_effort_vs_value() -> None:
    acts = activities([
        ("2024-01-10", "MJ", "visit", 3.0),
        ("2024-02-10", "MJ", "meeting", 2.0),
        ("2023-06-30", "MJ", "visit", 5.0),   # before T12M: ignored
        ("2024-07-01", "MJ", "visit", 4.0),   # after M: ignored
        ("2024-03-01", "NM", "visit", None),  # hours blank: a visit, no hours
        ("2024-03-02", "NM", "call", 1.0),
        ("2024-03-03", "NM", None, 1.0),      # untyped row of a visit log: a visit
        ("2024-01-01", "ZZ", "visit", 10.0),  # unknown client: ignored
    ])
    df = effort_vs_value(_effort_tiers(), acts, M)
    assert df is not None
    assert df.index.tolist() == ["major", "named", "non_named", "mass"]
    # activities: major 2, named 3 -> 5; visits: major 1, named 2 -> 3;
    # hours: major 3 + 2 = 5, named 1 + 1 = 2 -> 7;
    # value (positive current): major 600, named 300, non_named max(-50, 0) = 0, mass 100 -> 1000.
    assert df["activities"].tolist() == [2, 3, 0, 0]
    assert df["visits"].tolist() == [1, 2, 0, 0]
    assert df["hours"].tolist() == [5.0, 2.0, 0.0, 0.0]
    assert df["value"].tolist() == [600, 300, 0, 100]
    assert df["activities_share"].tolist() == [2 / 5, 3 / 5, 0.0, 0.0]
    assert df["visits_share"].tolist() == [1 / 3, 2 / 3, 0.0, 0.0]
    assert df["hours_share"].tolist() == [5 / 7, 2 / 7, 0.0, 0.0]
    assert df["value_share"].tolist() == [0.6, 0.3, 0.0, 0.1]
    assert df["clients_share"].tolist() == [0.25] * 4


def test_effort_vs_value_needs_activities() -> None:
    assert effort_vs_value(_effort_tiers(), None, M) is None


def test_effort_shares_are_blank_without_effort() -> None:
    df = effort_vs_value(_effort_tiers(), activities([]), M)
    assert df is not None
    assert df["visits"].tolist() == [0, 0, 0, 0]
    assert np.isnan(df["visits_share"]).all() and np.isnan(df["hours_share"]).all()


def test_transactional_key_accounts() -> None:
    frame = clients([
        {"client_id": "T1", "tier_override": "major", "relationship": "transactional"},
        {"client_id": "T2", "tier_override": "named", "relationship": "transactional"},
        {"client_id": "T3", "tier_override": "named", "relationship": "partnership"},
        {"client_id": "T4", "tier_override": "mass", "relationship": "transactional"},
        {"client_id": "T5", "tier_override": "major"},
    ])
    lines = [("2024-01-01", "T1", 100), ("2024-01-01", "T2", 300)]
    df = transactional_key_accounts(value_tiers(sales(lines), frame, M, CFG), frame)
    # Only Major/Named with relationship transactional, the larger current value first.
    assert df.index.tolist() == ["T2", "T1"]
    assert df["tier"].tolist() == ["named", "major"]
    assert df["current_value"].tolist() == [300, 100]


def test_tiers_sheet_has_the_spec_columns_in_order() -> None:
    lines, frame = sales(MIGRATION_SALES), clients(MIGRATION_CLIENTS)
    life = lifecycle(lines, frame, None, M, LifecycleConfig())
    now = value_tiers(lines, frame, M, CFG)
    sheet = tiers_sheet(frame, now, tier_migration(lines, frame, M, CFG, life, now), life)
    assert sheet.columns[:16].tolist() == [
        "client_id", "name", "region", "account_manager", "current_value", "potential_value",
        "untapped_potential", "share_of_wallet", "abc_class", "quadrant", "tier", "tier_source",
        "previous_tier", "migration", "stage", "stage_reasons",
    ]
    assert sheet["client_id"].tolist() == ["BIG", "UP", "DOWN", "NEW", "LOST", "OVR", "POT"]
    up = sheet.set_index("client_id").loc["UP"]
    # UP: 10 + 200 = 210 of a 420 potential; untapped 210; HH major, up from named.
    assert (up["current_value"], up["untapped_potential"], up["share_of_wallet"]) == (210, 210, 0.5)
    assert (up["quadrant"], up["tier"], up["previous_tier"], up["migration"]) == (
        "HH", "major", "named", "up"
    )
    # LOST: base 2023-04..06 = 50 > 0 and recent 0 (a drop) but the stage is lost: no reasons.
    lost = sheet.set_index("client_id").loc["LOST"]
    assert (lost["stage"], lost["stage_reasons"], lost["risk_reasons"]) == (
        "lost", "", "sales_drop"
    )
    assert lost["lost_value"] == 50
    assert sheet.set_index("client_id").at["NEW", "name"] == "Client NEW"
