"""The customer base by value tier (table, pyramid, quadrant, Pareto, effort) and tier migration."""

from __future__ import annotations

from typing import Any

import numpy as np

from reportgen import i18n
from reportgen.analysis.tiers import COVERAGE, TIERS, effort_vs_value, migration_matrix
from reportgen.documents.charts.pareto import pareto_curve
from reportgen.documents.charts.pyramid import tier_pyramid
from reportgen.documents.charts.quadrant import value_potential_quadrant
from reportgen.documents.pack.clients import LIST_LIMIT, client_base, ranked_ids
from reportgen.documents.pack.context import Ctx, optional
from reportgen.documents.pack.values import (
    Row,
    as_chart,
    as_float,
    as_int,
    as_py,
    as_text,
    as_units,
)
from reportgen.documents.pack.words import _
from reportgen.inputs.schema import MONEY_SCALE

#: How the tiers' coverage codes read (the glossary's coverage kind).
_COVERAGE_CODES = {
    "1:1": "one_to_one", "1:few": "one_to_few", "1:many": "one_to_many",
    "call_centre": "telesales",
}


def customer_section(ctx: Ctx) -> dict[str, Any]:
    """Tier table and pyramid, the value/potential quadrant, the Pareto curve, effort, flags."""
    lang, clients = ctx.lang, ctx.clients
    current = clients["current_value"].astype("Int64")
    positive = current.where(current > 0, 0).fillna(0).astype("int64")
    total_positive = int(positive.sum())
    tiers: list[Row] = []
    for tier in TIERS:
        mask = (clients["tier"] == tier).to_numpy(dtype=bool)
        value = int(current[mask].fillna(0).sum())
        pos = int(positive[mask].sum())
        tiers.append({
            "tier": tier, "label": i18n.label("tier", tier, lang),
            "clients": int(mask.sum()),
            "manual": int((clients["tier_source"][mask] == "manual").sum()),
            "value": value,
            "value_share": pos / total_positive if total_positive else None,
            "coverage": i18n.label("coverage", _COVERAGE_CODES[COVERAGE[tier]], lang),
        })
    pyramid = tier_pyramid(
        [(t["label"], t["clients"], t["value_share"]) for t in tiers], lang=lang)
    threshold = ctx.analysis.high_potential_threshold
    known = clients[clients["potential_known"].astype(bool)]
    quadrant = None
    if threshold is not None and len(known):
        points = zip(known.index, known["name"], known["current_value"],
                     known["untapped_potential"], known["tier"], strict=True)
        quadrant = value_potential_quadrant(
            [(as_text(name) or str(i), as_units(as_int(x)), as_units(as_int(y)), str(tier))
             for i, name, x, y, tier in points],
            # The pack's heading names the chart; a second title inside it would repeat it.
            threshold / MONEY_SCALE, threshold / MONEY_SCALE, lang=lang, title="")
    if threshold is None:
        quadrant_reason = _("No chart: no client bought anything (net) over the last 12 "
                             "months, so there is no high-potential threshold.", lang)
    elif not len(known):
        quadrant_reason = _("No chart: no client has a potential value "
                             "(potential_value in the Clients sheet), so current value "
                             "cannot be set against potential.", lang)
    else:
        quadrant_reason = None
    pareto = pareto_curve([as_units(as_int(v)) for v in current], lang=lang, title="")
    transactional, transactional_more = _transactional(ctx)
    top = ctx.row.get("top20_share")
    return {
        "tiers": tiers,
        "total_clients": len(clients),
        "total_value": int(current.fillna(0).sum()),
        "pyramid": as_chart(pyramid),
        "pyramid_reason": None if pyramid else _("No chart: there are no clients.", lang),
        "quadrant": as_chart(quadrant),
        "quadrant_reason": quadrant_reason if quadrant is None else None,
        "potential_unknown": int((~clients["potential_known"].astype(bool)).sum()),
        "high_potential": int(clients["high_potential"].astype(bool).sum()),
        "threshold": threshold,
        "pareto": as_chart(pareto),
        "pareto_reason": None if pareto else _(
            "No chart: no client bought anything (net) over the last 12 months.",
            lang),
        "top20_share": top,
        "effort": _effort(ctx),
        "transactional": transactional,
        "transactional_more": transactional_more,
    }


def _effort(ctx: Ctx) -> list[Row] | None:
    """Each tier's share of effort (visits, hours) against its share of value; None without."""
    activities = optional(ctx.dataset, "activities")
    if activities is None:
        return None
    ids = set(ctx.clients.index)
    mine = activities[activities["client_id"].isin(ids)]
    tiers = ctx.analysis.tiers.loc[ctx.analysis.tiers.index.isin(ids)]
    frame = effort_vs_value(tiers, mine, ctx.month)
    if frame is None:
        return None
    return [
        {"tier": tier, "label": i18n.label("tier", tier, ctx.lang),
         "visits": as_int(frame.at[tier, "visits"]), "hours": as_float(frame.at[tier, "hours"]),
         "visits_share": as_float(frame.at[tier, "visits_share"]),
         "hours_share": as_float(frame.at[tier, "hours_share"]),
         "value_share": as_float(frame.at[tier, "value_share"])}
        for tier in TIERS
    ]


def _transactional(ctx: Ctx) -> tuple[list[Row], int]:
    """Major and Named clients of the region still transactional (by value), and how many more."""
    flagged = ctx.analysis.transactional
    ids = flagged.index[flagged.index.isin(ctx.clients.index)]
    return ([client_base(ctx, str(i)) for i in ids[:LIST_LIMIT]],
            max(len(ids) - LIST_LIMIT, 0))


def migration_section(ctx: Ctx) -> dict[str, Any]:
    """The from × to matrix of the region's clients and the named upgrades and downgrades."""
    lang, clients = ctx.lang, ctx.clients
    matrix = migration_matrix(clients[["tier", "previous_tier", "migration"]])
    labels = {t: i18n.label("tier", t, lang) for t in TIERS}
    labels["new"] = i18n.label("stage", "new", lang)
    labels["lost"] = i18n.label("stage", "lost", lang)
    columns = list(matrix.columns)
    rows = [
        {"code": code, "label": labels[code],
         "cells": [int(v) for v in matrix.loc[code].to_numpy(dtype=np.int64)],
         "total": int(matrix.loc[code].sum()),
         # The cell of clients who stayed in their tier, shaded in the table.
         "diag": columns.index(code) if code in columns else None}
        for code in matrix.index
    ]
    previous = ctx.analysis.migration["previous_current_value"]

    def moves(kind: str) -> tuple[list[Row], int]:
        ranked = ranked_ids(clients[clients["migration"] == kind])
        out = []
        for client_id in ranked[:LIST_LIMIT]:
            base = client_base(ctx, client_id)
            prev_tier = as_py(clients.at[client_id, "previous_tier"])
            out.append({
                **base,
                "previous_tier_label": i18n.label("tier", prev_tier, lang),
                "previous_value": as_int(previous.get(client_id)),
            })
        return out, max(len(ranked) - LIST_LIMIT, 0)

    (up_shown, up_more), (down_shown, down_more) = moves("up"), moves("down")
    return {
        "columns": [labels[c] for c in matrix.columns],
        "rows": rows,
        "column_totals": [int(matrix[c].sum()) for c in matrix.columns],
        "upgrades": up_shown, "upgrades_more": up_more,
        "downgrades": down_shown, "downgrades_more": down_more,
    }
