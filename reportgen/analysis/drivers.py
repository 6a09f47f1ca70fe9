"""What drove the month's sales: bridges from a comparator to the actual, by client or manager.

A *bridge* explains one region's (or ``ALL``'s) sales in M against one comparison:

* ``last_year`` (M−12) and ``last_month`` (M−1), **by client**: a client's contribution is its
  net sales in M minus its net sales in the comparison month. Lines are attributed to regions
  as the month KPIs do (:mod:`~reportgen.analysis.grouping`: the line's own region, else the
  client's), so a client active in two regions has a row in each, and ``ALL`` has one row
  per client over all its lines.
* ``plan``, **by account manager**: a manager with a sales target in M contributes the
  manager's sales − the manager's target (the (region, manager) figures of the KPIs; in ``ALL``
  a manager's pairs are added up). Everything else is one row, key blank, :data:`REST_NAME`:
  the region's sales and target minus those of the managers with a target.

For every bridge, comparator + Σ contributions = actual exactly: the rows partition the same
integer sums the KPI table holds. A bridge is left out when its comparator is blank (the
comparison month is not covered, or there is no target).

Decisions taken here: a client appears in a by-client bridge when it has a line in M or in the
comparison month in that region (a zero contribution included); ``rank`` orders a bridge's
rows by absolute contribution, largest first (ties: key in code-point order), 1 = largest;
``status`` is ``new`` for a client whose first purchase is in M and ``lost`` for one lost in
M (lifecycle's ``is_new_in_month`` / ``lost_in_month``), else blank.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from reportgen.analysis.arrays import column_of
from reportgen.analysis.grouping import code_lines
from reportgen.analysis.kpis import ALL, KpiTables

#: The comparisons of a bridge, in the published order.
BRIDGE_COMPARISONS: tuple[str, ...] = ("last_year", "last_month", "plan")
#: The columns of the drivers table (and of drivers.xlsx's first sheet).
DRIVERS_COLUMNS: tuple[str, ...] = (
    "region", "comparison", "key", "name", "actual", "comparator", "contribution", "rank",
    "status",
)
#: The name of a plan bridge's row for sales and targets not tied to a manager's target.
REST_NAME = "no manager target"
#: The months back of each by-client comparison, and the KPI column of its comparator.
_BY_CLIENT: dict[str, tuple[int, str]] = {
    "last_year": (12, "sales_last_year"),
    "last_month": (1, "sales_prev_month"),
}


def _ranked(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows of one bridge with their rank (1 = largest absolute contribution)."""
    contribution = rows["contribution"].to_numpy(dtype=np.int64)
    keys = [str(k) if isinstance(k, str) else "" for k in rows["key"]]
    order = sorted(range(len(rows)), key=lambda i: (-abs(int(contribution[i])), keys[i]))
    rank = np.empty(len(rows), dtype=np.int64)
    rank[order] = np.arange(1, len(rows) + 1)
    return rows.assign(rank=rank).iloc[order]


def _client_rows(
    sales: pd.DataFrame, clients: pd.DataFrame, life: pd.DataFrame, month: pd.Period,
) -> list[pd.DataFrame]:
    """The by-client rows of every region and ALL, for last_year and last_month."""
    m = int(month.ordinal)
    ids = pd.Index(clients["client_id"].to_numpy(dtype=object), name="client_id", dtype=object)
    lines, regions, _managers, _c_region, _c_manager = code_lines(
        sales, ids, column_of(clients, "region").to_numpy(dtype=object),
        column_of(clients, "account_manager").to_numpy(dtype=object), m,
    )
    names = column_of(clients, "name").to_numpy(dtype=object)
    life = life.reindex(ids)
    new = life["is_new_in_month"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    lost = life["lost_in_month"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    status = np.array(
        ["new" if n else "lost" if x else None for n, x in zip(new, lost, strict=True)],
        dtype=object,
    )
    out = []
    for comparison, (back, _column) in _BY_CLIENT.items():
        c = m - back
        sel = (lines.month == m) | (lines.month == c)
        frame = pd.DataFrame({
            "region": lines.region[sel],
            "client": lines.client[sel],
            "actual": np.where(lines.month[sel] == m, lines.amount[sel], 0),
            "comparator": np.where(lines.month[sel] == c, lines.amount[sel], 0),
        })
        by_region = frame[frame["region"] >= 0].groupby(["region", "client"], sort=True).sum()
        overall = frame.groupby("client", sort=True)[["actual", "comparator"]].sum()
        parts = [(str(regions[int(code)]), part.droplevel(0))  # type: ignore[call-overload]
                 for code, part in by_region.groupby(level=0, sort=True)]
        parts.append((ALL, overall))
        for region, part in parts:
            client = part.index.to_numpy(dtype=np.int64)
            actual = part["actual"].to_numpy(dtype=np.int64)
            comparator = part["comparator"].to_numpy(dtype=np.int64)
            out.append(pd.DataFrame({
                "region": region, "comparison": comparison,
                "key": ids.to_numpy(dtype=object)[client], "name": names[client],
                "actual": actual, "comparator": comparator,
                "contribution": actual - comparator, "status": status[client],
            }))
    return out


def _plan_rows(kpis: KpiTables) -> list[pd.DataFrame]:
    """The by-manager rows against plan of every region with a target, and of ALL."""
    regions = kpis.by_region
    managers = kpis.by_manager
    with_target = managers[managers["sales_target"].notna() & managers["sales"].notna()]
    out = []
    for _, row in regions.iterrows():
        if pd.isna(row["sales_target"]) or pd.isna(row["sales"]):
            continue
        region = row["region"]
        mine = with_target if region == ALL else with_target[with_target["region"] == region]
        grouped = mine.groupby("account_manager", sort=True)[["sales", "sales_target"]].sum()
        keys = [str(k) for k in grouped.index]
        actual = [int(v) for v in grouped["sales"]]
        comparator = [int(v) for v in grouped["sales_target"]]
        rest_actual = int(row["sales"]) - sum(actual)
        rest_comparator = int(row["sales_target"]) - sum(comparator)
        # The rest is shown whenever it holds anything, so the rows always add up.
        if rest_actual or rest_comparator or not keys:
            keys.append(None)  # type: ignore[arg-type]
            actual.append(rest_actual)
            comparator.append(rest_comparator)
        out.append(pd.DataFrame({
            "region": region, "comparison": "plan", "key": pd.Series(keys, dtype=object),
            "name": pd.Series([REST_NAME if k is None else k for k in keys], dtype=object),
            "actual": np.asarray(actual, dtype=np.int64),
            "comparator": np.asarray(comparator, dtype=np.int64),
            "contribution": np.asarray(actual, dtype=np.int64)
            - np.asarray(comparator, dtype=np.int64),
            "status": pd.Series([None] * len(keys), dtype=object),
        }))
    return out


def bridges(
    sales: pd.DataFrame, clients: pd.DataFrame, life: pd.DataFrame, kpis: KpiTables,
    month: pd.Period,
) -> pd.DataFrame:
    """Every bridge of the month as one table (DRIVERS_COLUMNS), money in integer units."""
    month = month if isinstance(month, pd.Period) else pd.Period(month, freq="M")
    known = {
        (str(r["region"]), name): not pd.isna(r[column])
        for _, r in kpis.by_region.iterrows()
        for name, (_back, column) in _BY_CLIENT.items()
    }
    parts = [p for p in _client_rows(sales, clients, life, month)
             if len(p) and known.get((str(p["region"].iat[0]), str(p["comparison"].iat[0])))]
    parts += _plan_rows(kpis)
    order = {r: i for i, r in enumerate(kpis.by_region["region"])}
    parts.sort(key=lambda p: (order.get(p["region"].iat[0], len(order)),
                              BRIDGE_COMPARISONS.index(p["comparison"].iat[0])))
    ranked = [_ranked(p.reset_index(drop=True)) for p in parts]
    if not ranked:
        return empty_drivers()
    out = pd.concat(ranked, ignore_index=True)
    for column in ("actual", "comparator", "contribution", "rank"):
        out[column] = out[column].astype("Int64")
    for column in ("region", "comparison", "key", "name", "status"):
        # Blank text is None, never NaN, so a caller can test it with ``is None``.
        out[column] = pd.Series([v if isinstance(v, str) else None for v in out[column]],
                                dtype=object)
    return out[list(DRIVERS_COLUMNS)]


def empty_drivers() -> pd.DataFrame:
    """The drivers table without any row."""
    return pd.DataFrame({
        c: pd.Series(dtype="Int64" if c in ("actual", "comparator", "contribution", "rank")
                     else object)
        for c in DRIVERS_COLUMNS
    })


def bridge_total(kpis: KpiTables, region: str, comparison: str) -> tuple[int, int] | None:
    """(comparator, actual) of one bridge from the KPI table, or None when it is blank."""
    column = "sales_target" if comparison == "plan" else _BY_CLIENT[comparison][1]
    row = kpis.by_region[kpis.by_region["region"] == region]
    if row.empty:
        return None
    values = row[[column, "sales"]].astype("Int64").iloc[0]
    if values.isna().any():
        return None
    comparator, actual = values.to_numpy(dtype=np.int64)
    return int(comparator), int(actual)
