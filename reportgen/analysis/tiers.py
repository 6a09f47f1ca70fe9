"""Value tiers (SPEC, "Value tiers"): current value, potential, ABC class, quadrant and tier.

Every function is pure: it takes the canonical frames (see :mod:`reportgen.inputs.schema`) and the
report month, and returns a new DataFrame indexed by ``client_id``. Money stays exact integer
stored money (``inputs.schema.MONEY_SCALE``) and every boundary (the 80% and 95% ABC cuts) is
decided with exact integer arithmetic.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from reportgen.analysis.periods import (
    as_month,
    client_index,
    encode_lines,
    exact,
    month_ordinals,
    nullable_int,
    ordinal,
    result_frame,
)
from reportgen.inputs.config import TierConfig

#: Tier codes, highest first (migration order: major > named > non_named > mass).
TIERS: tuple[str, ...] = ("major", "named", "non_named", "mass")
#: Height of each tier, for comparing two tiers (higher is better).
TIER_LEVEL: dict[str, int] = {tier: len(TIERS) - i for i, tier in enumerate(TIERS)}
#: How each tier is covered (SPEC table): codes, translated by the documents.
COVERAGE: dict[str, str] = {
    "major": "1:1", "named": "1:few", "non_named": "1:many", "mass": "call_centre",
}
#: What each tier's account-plan goal is measured by.
GOAL_TYPE: dict[str, str] = {
    "major": "share_of_wallet", "named": "share_of_wallet",
    "non_named": "absolute_sales", "mass": "absolute_sales",
}
#: Migration codes.
MIGRATIONS: tuple[str, ...] = ("up", "down", "same", "new", "lost")
#: ``DataFrame.attrs`` key under which :func:`value_tiers` leaves the high-potential threshold.
THRESHOLD_ATTR = "high_potential_threshold"
#: Tiers whose clients are key accounts (one by one in the documents).
KEY_TIERS: tuple[str, ...] = ("major", "named")


def _code_point_rank(ids: np.ndarray) -> np.ndarray:
    """Position of each id in code-point order (Python's str ordering)."""
    order = sorted(range(len(ids)), key=ids.__getitem__)
    rank = np.empty(len(ids), dtype=np.int64)
    rank[np.asarray(order, dtype=np.int64)] = np.arange(len(ids), dtype=np.int64)
    return rank


def abc_classes(
    current: np.ndarray, ids: pd.Index, cfg: TierConfig
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Company-wide ranking and ABC class of clients with current value > 0.

    Returns ``(rank, cum_before, abc, total)``: 1-based rank (0 when unranked), stored money of the
    clients ranked before (−1 when unranked), class "A"/"B"/"C" or None, and the total of
    positive current values. Ties on value are broken by client_id in code-point order.
    """
    n = len(current)
    rank = np.zeros(n, dtype=np.int64)
    cum_before = np.full(n, -1, dtype=np.int64)
    abc = np.full(n, None, dtype=object)
    positive = np.flatnonzero(current > 0)
    if len(positive) == 0:
        return rank, cum_before, abc, 0
    id_rank = _code_point_rank(ids.to_numpy(dtype=object)[positive])
    ranked = positive[np.lexsort((id_rank, -current[positive]))]
    values = current[ranked]
    before = np.concatenate(([0], np.cumsum(values)[:-1]))
    total = int(values.sum())
    # Python ints (object arrays): "before / total < 80%" as "before * 5 < 4 * total", exact
    # for any size of figure and any fraction in the config.
    before_exact = before.astype(object)
    a, b = exact(cfg.class_a), exact(cfg.class_b)
    is_a = before_exact * a.denominator < a.numerator * total
    is_b = before_exact * b.denominator < b.numerator * total
    rank[ranked] = np.arange(1, len(ranked) + 1)
    cum_before[ranked] = before
    abc[ranked] = np.where(is_a.astype(bool), "A", np.where(is_b.astype(bool), "B", "C"))
    return rank, cum_before, abc, total


def _column(frame: pd.DataFrame, name: str, dtype: str = "object") -> pd.Series:
    """A column of ``frame``, or an all-blank one when the input did not carry it."""
    if name in frame.columns:
        return frame[name]
    return pd.Series([None] * len(frame), index=frame.index, dtype=dtype)


_QUADRANTS = np.array(["LL", "LH", "HL", "HH"], dtype=object)


def _tiers(
    current: np.ndarray, clients: pd.DataFrame, ids: pd.Index, cfg: TierConfig
) -> pd.DataFrame:
    """The value-tier frame for given current values (stored money, aligned with ``ids``)."""
    potential = _column(clients, "potential_value", "Int64").astype("Int64")
    known = potential.notna().to_numpy(dtype=bool)
    pot = potential.to_numpy(dtype=np.int64, na_value=0)
    # A negative current value (returns above sales) counts as 0 here: returns must not make
    # the untapped potential larger than the potential itself.
    untapped = np.where(known, np.maximum(pot - np.maximum(current, 0), 0), 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        # Blank when potential is blank or 0; a negative potential is as meaningless as 0.
        share = np.where(known & (pot > 0), current / np.where(pot > 0, pot, 1), np.nan)

    rank, cum_before, abc, total = abc_classes(current, ids, cfg)
    high_current = abc == "A"
    threshold = int(current[high_current].min()) if high_current.any() else None
    high_potential = (
        untapped >= threshold if threshold is not None else np.zeros(len(ids), dtype=bool)
    )
    quadrant = _QUADRANTS[high_current.astype(np.int64) * 2 + high_potential.astype(np.int64)]
    rule_tier = np.select(
        [high_current & high_potential, high_current | high_potential, abc == "B"],
        ["major", "named", "non_named"],
        "mass",
    ).astype(object)

    override = _column(clients, "tier_override").astype(object)
    manual = override.isin(TIERS).to_numpy(dtype=bool)
    tier = np.where(manual, override.to_numpy(dtype=object), rule_tier)
    is_named = tier == "named"
    named_reason = np.full(len(ids), None, dtype=object)
    named_reason[is_named] = np.where(high_current[is_named], "maintain", "develop")

    ranked = rank > 0
    out = result_frame(
        {
            "current_value": pd.array(current, dtype="Int64"),
            "potential_value": pd.array(potential.to_numpy(), dtype="Int64"),
            "potential_known": known,
            "untapped_potential": pd.array(untapped, dtype="Int64"),
            "share_of_wallet": share,
            "rank": nullable_int(rank, ranked),
            "cum_value_before": nullable_int(cum_before, ranked),
            "cum_share_before": np.where(ranked, cum_before / total if total else np.nan, np.nan),
            "abc_class": abc,
            "high_current": high_current,
            "high_potential": high_potential,
            "quadrant": quadrant,
            "rule_tier": rule_tier,
            "tier": tier.astype(object),
            "tier_source": np.where(manual, "manual", "rule").astype(object),
            "named_reason": named_reason,
            "coverage": pd.Series(tier).map(COVERAGE).to_numpy(dtype=object),
            "goal_type": pd.Series(tier).map(GOAL_TYPE).to_numpy(dtype=object),
        },
        ids,
    )
    out.attrs[THRESHOLD_ATTR] = threshold
    return out


def value_tiers(
    sales: pd.DataFrame, clients: pd.DataFrame, month: pd.Period | str, cfg: TierConfig
) -> pd.DataFrame:
    """Every client's current value (net T12M), potential, ABC class, quadrant and tier at M.

    One row per client of ``clients`` (clients without sales included), indexed by client_id.
    ``result.attrs["high_potential_threshold"]`` holds the high-potential threshold in stored money
    (None when no client is class A); :func:`high_potential_threshold` recomputes it.
    """
    ids = client_index(clients)
    last = ordinal(month)
    lines = encode_lines(sales, ids, month)
    return _tiers(lines.window_sum(last - 11, last), clients, ids, cfg)


def high_potential_threshold(tiers_df: pd.DataFrame) -> int | None:
    """Untapped potential (stored) that makes a client high potential: the smallest A's value."""
    values = tiers_df.loc[tiers_df["abc_class"] == "A", "current_value"]
    return int(values.min()) if len(values) else None


def tier_migration(
    sales: pd.DataFrame,
    clients: pd.DataFrame,
    month: pd.Period | str,
    cfg: TierConfig,
    lifecycle_info: pd.DataFrame,
    current: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Tier at the end of M against the end of M−1, and the migration (up/down/same/new/lost).

    ``lifecycle_info`` is :func:`reportgen.analysis.lifecycle.lifecycle`'s frame (its
    ``is_new_in_month`` and ``lost_in_month`` columns decide *new* and *lost*). ``current``
    may pass :func:`value_tiers`' frame for M to save computing it again.
    """
    ids = client_index(clients)
    last = ordinal(month)
    lines = encode_lines(sales, ids, month)
    monthly = lines.monthly(last - 12, last)  # columns: M−12 .. M
    now = (
        current.reindex(ids)
        if current is not None
        else _tiers(monthly[:, 1:].sum(axis=1), clients, ids, cfg)
    )
    prev = _tiers(monthly[:, :-1].sum(axis=1), clients, ids, cfg)
    return _migration(now, prev, lifecycle_info.reindex(ids))


def _migration(now: pd.DataFrame, prev: pd.DataFrame, life: pd.DataFrame) -> pd.DataFrame:
    """Compare two tier frames on the same index; new and lost come from the lifecycle."""
    level_now = now["tier"].map(TIER_LEVEL).to_numpy(dtype=np.int64)
    level_prev = prev["tier"].map(TIER_LEVEL).to_numpy(dtype=np.int64)
    is_new = life["is_new_in_month"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    is_lost = life["lost_in_month"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    migration = np.select(
        [is_new, is_lost, level_now > level_prev, level_now < level_prev],
        ["new", "lost", "up", "down"],
        "same",
    ).astype(object)
    return result_frame(
        {
            "tier": now["tier"],
            "tier_source": now["tier_source"],
            "previous_tier": prev["tier"],
            "previous_current_value": prev["current_value"],
            "previous_abc_class": prev["abc_class"],
            "migration": migration,
        },
        now.index,
    )


def migration_matrix(migration: pd.DataFrame) -> pd.DataFrame:
    """Client counts from tier at M−1 (rows, plus "new") to tier at M (columns, plus "lost")."""
    kind = migration["migration"]
    source = migration["previous_tier"].where(kind != "new", "new")
    target = migration["tier"].where(kind != "lost", "lost")
    counts = pd.crosstab(source, target) if len(migration) else pd.DataFrame()
    matrix = counts.reindex(index=[*TIERS, "new"], columns=[*TIERS, "lost"], fill_value=0)
    matrix = matrix.astype(np.int64)
    matrix.index.name, matrix.columns.name = "from", "to"
    return matrix


def manager_capacity(
    tiers_df: pd.DataFrame, clients: pd.DataFrame, cfg: TierConfig
) -> pd.DataFrame:
    """Clients per account manager and tier against capacity; ``overloaded`` when any tier is over.

    Clients without an account manager are left out (nobody's capacity). Mass-market clients
    are counted but never limited.
    """
    capacity = {
        "major": cfg.capacity_major, "named": cfg.capacity_named,
        "non_named": cfg.capacity_non_named,
    }
    ids = client_index(clients)
    manager = pd.Series(_column(clients, "account_manager").to_numpy(dtype=object), index=ids)
    region = pd.Series(_column(clients, "region").to_numpy(dtype=object), index=ids)
    assigned = manager.reindex(tiers_df.index).dropna()
    tier = tiers_df.loc[assigned.index, "tier"]
    managers = pd.Index(sorted(set(assigned)), name="account_manager", dtype=object)
    out = pd.DataFrame(
        {t: (tier == t).groupby(assigned).sum().reindex(managers, fill_value=0).astype(np.int64)
         for t in TIERS},
        index=managers,
    )
    for name, limit in capacity.items():
        out[f"capacity_{name}"] = limit
        out[f"over_{name}"] = out[name] > limit
    out["overloaded"] = out[[f"over_{t}" for t in capacity]].any(axis=1)
    # The regions a manager's clients are in, so a regional pack can list its managers.
    served = {
        m: tuple(sorted(set(r.dropna())))
        for m, r in region.reindex(assigned.index).groupby(assigned)
    }
    out["regions"] = pd.Series(
        [served.get(m, ()) for m in managers], index=managers, dtype=object
    )
    return out


def effort_vs_value(
    tiers_df: pd.DataFrame, activities: pd.DataFrame | None, month: pd.Period | str
) -> pd.DataFrame | None:
    """Each tier's share of effort over T12M against its share of value; None without Activities.

    ``activities`` counts every logged activity; ``visits`` counts visits and untyped rows
    (the sheet is a visit log); ``hours`` sums the hours given. ``value`` is the tier's
    positive current value (the Pareto total). Shares are blank when their total is 0.
    """
    if activities is None:
        return None
    last = ordinal(as_month(month))
    months = month_ordinals(activities["date"])
    in_window = (months >= last - 11) & (months <= last)
    acts = activities.loc[in_window]
    kind = _column(acts, "type")
    acts = acts.assign(
        tier=acts["client_id"].map(tiers_df["tier"]),
        visit=kind.isin(["visit"]) | kind.isna(),
        hours=pd.to_numeric(_column(acts, "hours", "float64"), errors="coerce"),
    )
    acts = acts[acts["tier"].notna()]
    grouped = acts.groupby("tier")
    positive = tiers_df["current_value"].clip(lower=0)
    out = pd.DataFrame(index=pd.Index(TIERS, name="tier"))
    out["clients"] = tiers_df.groupby("tier").size().reindex(TIERS, fill_value=0)
    out["activities"] = grouped.size().reindex(TIERS, fill_value=0)
    out["visits"] = grouped["visit"].sum().reindex(TIERS, fill_value=0).astype(np.int64)
    out["hours"] = grouped["hours"].sum().reindex(TIERS, fill_value=0.0).astype(float)
    out["value"] = positive.groupby(tiers_df["tier"]).sum().reindex(TIERS, fill_value=0)
    out["value"] = out["value"].astype("Int64")
    for column in ("clients", "activities", "visits", "hours", "value"):
        total = float(out[column].sum())
        out[f"{column}_share"] = out[column].astype(float) / total if total else np.nan
    return out


def transactional_key_accounts(tiers_df: pd.DataFrame, clients: pd.DataFrame) -> pd.DataFrame:
    """Major and Named clients whose relationship is transactional (a key account is a partner)."""
    relationship = pd.Series(
        _column(clients, "relationship").to_numpy(dtype=object), index=client_index(clients)
    ).reindex(tiers_df.index)
    flagged = tiers_df["tier"].isin(KEY_TIERS) & (relationship == "transactional")
    out = tiers_df.loc[flagged, ["tier", "tier_source", "current_value"]].assign(
        relationship="transactional"
    )
    by_id = _code_point_rank(out.index.to_numpy(dtype=object))
    order = np.lexsort((by_id, -out["current_value"].to_numpy(dtype=np.int64)))
    return out.iloc[order]


#: The first columns of ``tiers.xlsx``, in SPEC's order (SPEC, "Outputs").
TIERS_SHEET_COLUMNS: tuple[str, ...] = (
    "client_id", "name", "region", "account_manager", "current_value", "potential_value",
    "untapped_potential", "share_of_wallet", "abc_class", "quadrant", "tier", "tier_source",
    "previous_tier", "migration", "stage", "stage_reasons",
)
#: Columns that follow them: the figures behind the tier and the stage.
TIERS_SHEET_DETAIL: tuple[str, ...] = (
    "rank", "cum_share_before", "potential_known", "high_potential", "named_reason",
    "coverage", "goal_type", "first_purchase", "last_purchase", "lost_value", "risk_reasons",
    "recent_sales", "base_sales", "days_since_last_purchase", "median_gap_days",
    "open_complaints",
)


def tiers_sheet(
    clients: pd.DataFrame, tiers_df: pd.DataFrame, migration: pd.DataFrame, life: pd.DataFrame
) -> pd.DataFrame:
    """One row per client with tiers.xlsx's columns in SPEC order, then the detail columns.

    Reason lists are joined by ``", "`` (``"sales_drop, open_complaint"``) so the sheet holds
    plain text; money stays stored for the workbook writer to convert.
    """
    ids = client_index(clients)
    info = pd.DataFrame(
        {c: pd.Series(_column(clients, c).to_numpy(dtype=object), index=ids, dtype=object)
         for c in ("name", "region", "account_manager")},
        index=ids,
    )
    joined = info.join(tiers_df).join(migration[["previous_tier", "migration"]]).join(
        life.drop(columns=[c for c in life.columns if c in tiers_df.columns])
    )
    for column in ("stage_reasons", "risk_reasons"):
        joined[column] = pd.Series(
            [", ".join(r) for r in joined[column]], index=joined.index, dtype=object
        )
    return joined.reset_index()[[*TIERS_SHEET_COLUMNS, *TIERS_SHEET_DETAIL]]
