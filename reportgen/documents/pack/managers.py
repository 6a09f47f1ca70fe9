"""Account-manager scorecards, the leadership pack's line per region, and overloaded managers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reportgen import i18n
from reportgen.documents.pack.context import Ctx
from reportgen.documents.pack.values import Row, as_cell, as_py

_SCORE_COLUMNS = (
    "sales", "sales_target", "attainment", "rag_target", "sales_last_year",
    "sales_rel_variance_last_year", "rag_last_year", "active_clients", "new_clients",
    "lost_clients", "clients_major", "clients_named", "weighted_pipeline", "complaints",
)


def _score(series: Mapping[str, Any]) -> Row:
    return {c: as_py(series.get(c)) for c in _SCORE_COLUMNS}


def scorecards(ctx: Ctx) -> dict[str, Any]:
    """Account-manager scorecards (and, for leadership, one line per region)."""
    kpis, capacity = ctx.analysis.kpis, ctx.analysis.capacity
    managers = kpis.by_manager
    if ctx.region is not None:
        managers = managers[managers["region"].to_numpy(dtype=object) == ctx.region]
    overloaded = {str(m) for m in capacity.index[capacity["overloaded"].astype(bool)]}
    rows = []
    for _row, series in managers.iterrows():
        name = str(series["account_manager"])
        rows.append({"region": as_cell(series["region"]), "manager": name,
                     "overloaded": name in overloaded, **_score(series)})
    rows.sort(key=lambda r: (-(r["sales"] or 0), r["manager"], r["region"]))
    regions = []
    if ctx.region is None:
        for _row, series in kpis.by_region.iloc[:-1].iterrows():
            regions.append({"region": as_cell(series["region"]), **_score(series)})
    return {
        "managers": rows,
        "regions": regions,
        "total": _score(ctx.row),
        "overloaded": _overloaded(ctx),
    }


def _overloaded(ctx: Ctx) -> list[Row]:
    """Managers of the region over capacity in a tier, with the counts against capacity."""
    capacity = ctx.analysis.capacity
    out = []
    for manager, series in capacity.iterrows():
        if not bool(series["overloaded"]):
            continue
        regions = list(series["regions"])
        if ctx.region is not None and ctx.region not in regions:
            continue
        over = [
            {"tier": t, "label": i18n.label("tier", t, ctx.lang), "clients": int(series[t]),
             "capacity": int(series[f"capacity_{t}"])}
            for t in ("major", "named", "non_named") if bool(series[f"over_{t}"])
        ]
        out.append({"manager": str(manager), "regions": [as_cell(r) for r in regions],
                    "over": over})
    return out
