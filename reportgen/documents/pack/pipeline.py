"""The open opportunity pipeline by verdict and by tier, and its top opportunities."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from reportgen import i18n
from reportgen.analysis.tiers import TIERS
from reportgen.documents import fmt
from reportgen.documents.charts.bars import pipeline_by_verdict
from reportgen.documents.pack.context import Ctx
from reportgen.documents.pack.values import (
    Row,
    as_cell,
    as_chart,
    as_float,
    as_int,
    as_py,
    as_text,
)
from reportgen.documents.pack.words import OPP_STAGE_LABELS, _
from reportgen.inputs.schema import MONEY_SCALE

#: Opportunities listed one by one (SPEC: the top 10 by weighted value).
TOP_OPPORTUNITIES = 10


def pipeline_section(ctx: Ctx) -> dict[str, Any]:
    """The open pipeline by verdict and by tier, and the top opportunities by weighted value."""
    lang, screened = ctx.lang, ctx.analysis.opportunities
    if screened is None:
        return {"present": False, "reason": _(
            "No pipeline: the inputs have no Opportunities sheet.", lang)}
    ids = set(ctx.clients.index)
    opps = screened[screened["client_id"].isin(ids) & screened["is_open"].astype(bool)]
    by_verdict: list[Row] = []
    for verdict in i18n.VERDICT_LABELS:
        part = opps[opps["verdict"] == verdict]
        by_verdict.append({
            "verdict": verdict, "label": i18n.label("verdict", verdict, lang),
            "count": len(part), "value": int(part["value"].fillna(0).sum()),
            "weighted": int(part["weighted_value"].fillna(0).sum()),
        })
    chart = pipeline_by_verdict(
        [(r["label"], r["value"] / MONEY_SCALE, r["weighted"] / MONEY_SCALE) for r in by_verdict
         if r["count"]],
        lang=lang)
    tier_of = ctx.clients["tier"]
    by_tier = []
    for tier in TIERS:
        part = opps[opps["client_id"].map(tier_of) == tier]
        by_tier.append({"tier": tier, "label": i18n.label("tier", tier, lang),
                        "count": len(part), "value": int(part["value"].fillna(0).sum()),
                        "weighted": int(part["weighted_value"].fillna(0).sum())})
    return {
        "present": True,
        "count": len(opps),
        "value": as_int(ctx.row.get("pipeline_value")),
        "weighted": as_int(ctx.row.get("weighted_pipeline")),
        "by_verdict": by_verdict,
        "by_tier": by_tier,
        "chart": as_chart(chart),
        "reason": None if chart else _("No chart: there are no open opportunities.", lang),
        "top": _top_opportunities(ctx, opps),
    }


def _top_opportunities(ctx: Ctx, opps: pd.DataFrame) -> list[Row]:
    """The open opportunities with the highest weighted value (ties: value, then opp_id)."""
    raw = ctx.dataset.table("opportunities")
    close = dict(zip(raw["opp_id"], raw["expected_close"], strict=True)) if (
        "expected_close" in raw.columns) else {}
    weighted = opps["weighted_value"].astype("Float64").fillna(-math.inf).to_numpy(dtype=float)
    value = opps["value"].astype("Float64").fillna(-math.inf).to_numpy(dtype=float)
    opp_ids = opps["opp_id"].to_numpy(dtype=object)
    order = sorted(range(len(opps)), key=lambda i: (-weighted[i], -value[i], str(opp_ids[i])))
    rows = []
    for i in order[:TOP_OPPORTUNITIES]:
        o = opps.iloc[i]
        client_id = str(o["client_id"])
        stage = as_py(o["stage"])
        rows.append({
            "opp_id": as_text(o["opp_id"]), "title": as_cell(o["title"]),
            "client_id": client_id, "client": as_cell(ctx.clients.at[client_id, "name"]),
            "tier_label": i18n.label("tier", as_py(ctx.clients.at[client_id, "tier"]), ctx.lang),
            "stage": _(OPP_STAGE_LABELS[stage], ctx.lang) if stage in OPP_STAGE_LABELS
            else fmt.BLANK,
            "value": as_int(o["value"]), "probability": as_float(o["probability_used"]),
            "weighted": as_int(o["weighted_value"]),
            "verdict": i18n.label("verdict", as_py(o["verdict"]), ctx.lang),
            "expected_close": as_py(close.get(o["opp_id"])),
        })
    return rows
