"""The region's monthly series: net sales, targets and the sales a year earlier.

The KPI table's year-to-date plan and the sales trend both read them.

* **The sales trend** is the region's monthly net sales for the 12 months to M, grouping
  lines as the KPIs do (the line's region, else the client's), against the month's target
  (the region's Targets rows, else the sum of its managers' rows; the KPI rule) and the same
  month a year earlier. The year-to-date plan is the sum of January..M's targets, blank when a
  month has none.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from reportgen.analysis.kpis import ALL
from reportgen.analysis.targets import ALL_NAMES
from reportgen.documents import fmt
from reportgen.documents.pack.context import Ctx, memo, optional, pack_regions
from reportgen.inputs.model import Dataset

#: Months in the sales trend.
TREND_MONTHS = 12


def _blank_text(value: object) -> bool:
    return not isinstance(value, str) or not value.strip()


def monthly_sales(dataset: Dataset, clients: pd.DataFrame, month: pd.Period) -> pd.DataFrame:
    """Net sales per region (rows, plus ALL) and month (columns, ``Period``) up to ``month``.

    Lines are grouped as the KPIs group them: the line's own region, else the client's; only
    dated lines with an amount, of clients in the client list, count. Integer month ordinals
    and exact int64 sums: boxing a million Periods would take seconds.
    """
    sales = dataset.table("sales")
    ids = pd.Index(clients["client_id"].to_numpy(dtype=object))
    client = np.asarray(ids.get_indexer(pd.Index(sales["client_id"].to_numpy(dtype=object))))
    dates = np.asarray(sales["date"].to_numpy(dtype="datetime64[ns]"))
    months = dates.astype("datetime64[M]").astype(np.int64)
    amount_known = sales["amount"].notna().to_numpy(dtype=bool)
    keep = (client >= 0) & ~np.isnat(dates) & amount_known & (months <= month.ordinal)
    client, months = client[keep], months[keep]
    amounts = sales["amount"].to_numpy(dtype=np.int64, na_value=0)[keep]
    own = (sales["region"].to_numpy(dtype=object)[keep] if "region" in sales.columns
           else np.full(len(client), None, dtype=object))
    # One vocabulary for the lines' and the clients' regions; blank text is no region.
    own_codes, vocabulary = pd.factorize(
        np.concatenate([own, clients["region"].to_numpy(dtype=object)]), use_na_sentinel=True)
    labels = [str(v) for v in vocabulary]
    blank = np.array([not v.strip() for v in labels] + [True], dtype=bool)
    own_codes = np.where(blank[own_codes], -1, own_codes)
    line_codes, client_codes = own_codes[:len(client)], own_codes[len(client):]
    region = np.where(line_codes >= 0, line_codes, client_codes[client])
    first = int(months.min()) if len(months) else month.ordinal
    width = month.ordinal - first + 1
    grid = np.zeros((len(labels) + 1, width), dtype=np.int64)
    placed = region >= 0
    np.add.at(grid, (region[placed], months[placed] - first), amounts[placed])
    # ALL: every line, with a region or not (the KPI's overall row).
    np.add.at(grid[-1], months - first, amounts)
    used = sorted(np.unique(region[placed]).tolist(), key=labels.__getitem__)
    columns = pd.period_range(pd.Period(ordinal=first, freq="M"), month, freq="M")
    return pd.DataFrame(grid[[*used, len(labels)]], index=[*(labels[c] for c in used), ALL],
                        columns=columns)


def _home_regions(clients: pd.DataFrame, pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Each manager's home region (the KPI rule): most clients, ties code-point first."""
    home: dict[str, str] = {}
    counts: dict[str, dict[str, int]] = {}
    for region, manager in zip(clients["region"], clients["account_manager"], strict=True):
        if _blank_text(region) or _blank_text(manager):
            continue
        per = counts.setdefault(manager, {})
        per[region] = per.get(region, 0) + 1
    for manager, per in counts.items():
        home[manager] = min(per, key=lambda r: (-per[r], r))
    for region, manager in sorted(pairs):
        home.setdefault(manager, region)
    return home


def monthly_targets(
    targets: pd.DataFrame | None, months: list[pd.Period], regions: list[str],
    home: Mapping[str, str],
) -> dict[str, list[int | None]]:
    """Sales targets per region (and ALL) and month, resolved by the KPI rule.

    A region's target is the sum of its own rows, else the sum of its managers' rows (a manager
    row without a region belongs to the manager's home region); ALL's is the sum of rows for
    ``ALL``/``全部``, else the sum of the regions' targets (blank when none has one).
    """
    out: dict[str, list[int | None]] = {r: [None] * len(months) for r in [*regions, ALL]}
    if targets is None or "sales_target" not in targets.columns:
        return out
    position = {str(m): i for i, m in enumerate(months)}
    n = len(months)
    own: dict[str, list[int | None]] = {}
    managers: dict[str, list[int | None]] = {}
    overall: list[int | None] = [None] * n

    def add(table: dict[str, list[int | None]] | list[int | None], key: str | None, i: int,
            value: int) -> None:
        series = table if isinstance(table, list) else table.setdefault(str(key), [None] * n)
        series[i] = (series[i] or 0) + value

    region_col = targets["region"] if "region" in targets.columns else None
    manager_col = (targets["account_manager"] if "account_manager" in targets.columns
                   else None)
    for k in range(len(targets)):
        month_text = targets["month"].iloc[k]
        value = targets["sales_target"].iloc[k]
        i = position.get(month_text.strip() if isinstance(month_text, str) else str(month_text))
        if i is None or fmt.is_blank(value):
            continue
        region = region_col.iloc[k] if region_col is not None else None
        manager = manager_col.iloc[k] if manager_col is not None else None
        region = region.strip() if isinstance(region, str) and region.strip() else None
        manager = manager.strip() if isinstance(manager, str) and manager.strip() else None
        is_all = region is not None and region.casefold() in ALL_NAMES
        if manager is None:
            if is_all:
                add(overall, None, i, int(value))
            elif region is not None:
                add(own, region, i, int(value))
            continue
        place = home.get(manager) if region is None or is_all else region
        if place is not None:
            add(managers, place, i, int(value))
    for region in regions:
        mine, theirs = own.get(region, [None] * n), managers.get(region, [None] * n)
        out[region] = [a if a is not None else b for a, b in zip(mine, theirs, strict=True)]
    for i in range(n):
        if overall[i] is None:
            known = [out[r][i] for r in regions if out[r][i] is not None]
            overall[i] = sum(known) if known else None  # type: ignore[arg-type]
    out[ALL] = overall
    return out


def region_series(ctx: Ctx) -> tuple[list[pd.Period], list[int | None], list[int | None],
                                list[int | None]]:
    """Months M−11..M with the region's net sales, targets and the sales a year earlier."""
    analysis, month = ctx.analysis, ctx.month
    months = [month - (TREND_MONTHS - 1 - i) for i in range(TREND_MONTHS)]
    table = memo(("monthly_sales", str(month)), ctx.dataset, ctx.config,
                  lambda: monthly_sales(ctx.dataset, ctx.dataset.table("clients"), month))
    key = ALL if ctx.region is None else ctx.region
    first = analysis.kpis.first_data_month

    def sales(when: pd.Period) -> int | None:
        if first is None or when < first:
            return None
        if key in table.index and when in table.columns:
            return int(table[when].to_dict()[key])
        return 0

    actual = [sales(m) for m in months]
    prior = [sales(m - 12) for m in months]
    targets = memo(("targets", str(month)), ctx.dataset, ctx.config,
                    lambda: _all_targets(ctx, months))
    return months, actual, targets.get(key, [None] * len(months)), prior


def _all_targets(ctx: Ctx, months: list[pd.Period]) -> dict[str, list[int | None]]:
    """Monthly targets of every region of the KPI table, and ALL."""
    kpis = ctx.analysis.kpis
    pairs = list(zip(kpis.by_manager["region"], kpis.by_manager["account_manager"], strict=True))
    home = _home_regions(ctx.dataset.table("clients"), pairs)
    return monthly_targets(optional(ctx.dataset, "targets"), months,
                           pack_regions(ctx.analysis), home)


def year_to_date_plan(ctx: Ctx) -> int | None:
    """The year-to-date plan: the sum of January..M's targets (blank when one is missing)."""
    months, _actual, target, _prior = region_series(ctx)
    ytd = [t for m, t in zip(months, target, strict=True) if m.year == ctx.month.year]
    return None if any(t is None for t in ytd) else sum(t for t in ytd if t is not None)
