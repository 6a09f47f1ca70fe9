"""The month's sales lines and clients coded as arrays, and the groups figures are summed over.

:func:`code_lines` keeps the sales lines up to M of known clients, each with its *effective*
region and account manager (the line's own, else the client's); :func:`client_facts` gives the
per-client figures (sales in M, new, lost, tier and migration ...). A :class:`View` is a
grouping: the group of every line and every client, −1 for none; :func:`view_by_region`,
:func:`view_by_manager` (one group per (region, manager) pair) and :func:`view_of_all`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from reportgen.analysis.arrays import (
    NO_MONTH,
    bools,
    column_of,
    days,
    group_sum,
    ints,
    months,
    text_codes,
)
from reportgen.inputs.schema import VALUE_SPELLINGS

#: Tier codes, highest first.
TIERS: tuple[str, ...] = tuple(VALUE_SPELLINGS["tier"])


@dataclass(frozen=True)
class Lines:
    """Sales lines up to M of known clients, coded as arrays (one entry per line)."""

    client: np.ndarray
    month: np.ndarray
    day: np.ndarray
    amount: np.ndarray
    region: np.ndarray  # effective region code: the line's, else the client's
    manager: np.ndarray  # effective manager code
    #: Positions (into the arrays above) of the lines in M.
    in_m: np.ndarray
    #: Per line in M: gross profit (stored money) and whether it is known.
    gp: np.ndarray
    gp_known: np.ndarray
    #: Per line in M: compact (client, order_id) code, −1 without an order_id.
    order: np.ndarray
    #: Whether any line up to M carries cost or profit.
    gp_in_input: bool
    #: Month of the earliest dated sales line up to M (any client), or None.
    earliest: int | None


@dataclass(frozen=True)
class Clients:
    """Per-client facts (aligned with the Clients table)."""

    region: np.ndarray
    manager: np.ndarray
    sales_m: np.ndarray
    is_new: np.ndarray
    new_3m: np.ndarray
    sales_since: np.ndarray
    lost: np.ndarray
    lost_value: np.ndarray
    lost_prev: np.ndarray
    tier: np.ndarray  # index into TIERS, −1 when unknown
    up: np.ndarray
    down: np.ndarray
    current: np.ndarray


@dataclass(frozen=True)
class View:
    """A grouping: the group of each line and each client (−1 = not in any group)."""

    n: int
    line_key: np.ndarray
    client_key: np.ndarray


def code_lines(
    sales: pd.DataFrame, ids: pd.Index, client_region: np.ndarray, client_manager: np.ndarray,
    m: int,
) -> tuple[Lines, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Code the sales lines; also returns the region and manager vocabularies and client codes."""
    client_all = np.asarray(ids.get_indexer(pd.Index(sales["client_id"])), dtype=np.int64)
    month_all = months(sales["date"])
    amount_all, amount_known = ints(sales["amount"])
    dated = (month_all != NO_MONTH) & amount_known & (month_all <= m)
    earliest = int(month_all[dated].min()) if dated.any() else None
    keep = np.flatnonzero(dated & (client_all >= 0))

    client = client_all[keep]
    month = month_all[keep]
    line_region = column_of(sales, "region").to_numpy(dtype=object)[keep]
    line_manager = column_of(sales, "account_manager").to_numpy(dtype=object)[keep]
    (c_region, l_region), regions = text_codes(client_region, line_region)
    (c_manager, l_manager), managers = text_codes(client_manager, line_manager)
    region = np.where(l_region >= 0, l_region, c_region[client])
    manager = np.where(l_manager >= 0, l_manager, c_manager[client])

    profit, profit_known = ints(column_of(sales, "profit"))
    cost, cost_known = ints(column_of(sales, "cost"))
    profit, profit_known, cost, cost_known = (
        profit[keep], profit_known[keep], cost[keep], cost_known[keep]
    )
    amount = amount_all[keep]
    in_m = np.flatnonzero(month == m)
    gp = np.where(profit_known[in_m], profit[in_m], amount[in_m] - cost[in_m])
    gp_known = profit_known[in_m] | cost_known[in_m]

    order_codes, _ = text_codes(
        column_of(sales, "order_id").to_numpy(dtype=object)[keep[in_m]], sort=False
    )
    order = order_codes[0]
    has_order = order >= 0
    pair = np.full(len(in_m), -1, dtype=np.int64)
    if has_order.any():
        combined = client[in_m][has_order] * (int(order.max()) + 1) + order[has_order]
        pair[has_order] = pd.factorize(combined)[0]

    lines = Lines(
        client=client, month=month, day=days(sales["date"])[keep], amount=amount,
        region=region, manager=manager, in_m=in_m, gp=gp, gp_known=gp_known, order=pair,
        gp_in_input=bool((profit_known | cost_known).any()), earliest=earliest,
    )
    return lines, regions, managers, c_region, c_manager


def client_facts(
    lines: Lines, ids: pd.Index, c_region: np.ndarray, c_manager: np.ndarray,
    tiers: pd.DataFrame, lifecycle: pd.DataFrame, m: int, new_months: int,
) -> Clients:
    """Per-client figures the client-based KPIs sum."""
    n = len(ids)
    tiers = tiers.reindex(ids)
    life = lifecycle.reindex(ids)
    sales_m = group_sum(lines.client[lines.in_m], lines.amount[lines.in_m], n)

    first = life["first_purchase"]
    first_month = months(first)
    first_day = days(first)
    has_first = first.notna().to_numpy(dtype=bool)
    new_3m = has_first & (first_month >= m - (new_months - 1)) & (first_month <= m)
    # Sales since the first purchase: the client's lines dated on or after that day.
    since = new_3m[lines.client] & (lines.day >= first_day[lines.client])
    sales_since = group_sum(lines.client, lines.amount, n, since)

    lost_value, _ = ints(life["lost_value"])
    # Lost in M−1: last purchase (as of the end of M−1) in M−13.
    buy = (lines.amount > 0) & (lines.month >= m - 13) & (lines.month <= m - 1)
    bought = np.zeros((n, 13), dtype=bool)
    bought[lines.client[buy], lines.month[buy] - (m - 13)] = True
    lost_prev = bought[:, 0] & ~bought[:, 1:].any(axis=1)

    tier_code = pd.Series(tiers["tier"].to_numpy(dtype=object)).map(
        {t: i for i, t in enumerate(TIERS)}
    )
    migration = tiers["migration"].to_numpy(dtype=object)
    current, _ = ints(tiers["current_value"])
    return Clients(
        region=c_region, manager=c_manager, sales_m=sales_m,
        is_new=bools(life["is_new_in_month"]), new_3m=new_3m, sales_since=sales_since,
        lost=bools(life["lost_in_month"]), lost_value=lost_value, lost_prev=lost_prev,
        tier=tier_code.fillna(-1).to_numpy(dtype=np.int64),
        up=migration == "up", down=migration == "down", current=current,
    )


def view_by_region(lines: Lines, facts: Clients) -> tuple[View, np.ndarray]:
    """Groups = regions used by a client or a line; returns the view and the region codes."""
    used = np.unique(np.concatenate([facts.region, lines.region]))
    used = used[used >= 0]
    lookup = np.full(int(used.max()) + 2 if len(used) else 1, -1, dtype=np.int64)
    lookup[used] = np.arange(len(used), dtype=np.int64)
    # Code −1 reads the spare last slot, which stays −1.
    return View(len(used), lookup[lines.region], lookup[facts.region]), used


def view_by_manager(lines: Lines, facts: Clients, n_managers: int) -> tuple[View, np.ndarray]:
    """Groups = (region, manager) pairs used by a client or a line; returns the pair codes."""
    def pairs(region: np.ndarray, manager: np.ndarray) -> np.ndarray:
        ok = (region >= 0) & (manager >= 0)
        return np.where(ok, region * n_managers + manager, -1)

    line_pairs = pairs(lines.region, lines.manager)
    client_pairs = pairs(facts.region, facts.manager)
    used = np.unique(np.concatenate([pd.unique(line_pairs), client_pairs]))
    used = used[used >= 0]

    lookup = pd.Index(used)

    def key(codes: np.ndarray) -> np.ndarray:
        return np.asarray(lookup.get_indexer(codes), dtype=np.int64)

    return View(len(used), key(line_pairs), key(client_pairs)), used


def view_of_all(lines: Lines, facts: Clients) -> View:
    """One group holding every line and every client."""
    return View(
        1, np.zeros(len(lines.client), dtype=np.int64), np.zeros(len(facts.region), dtype=np.int64)
    )
