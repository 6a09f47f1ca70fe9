"""Where the year lands: landing against the year's target, pipeline coverage, deals of M.

The figures are the analysis's (:mod:`~reportgen.analysis.landing`,
:mod:`~reportgen.analysis.deals`); a blank figure is shown with the sentence saying why, never
as 0. The opportunities behind the coverage are listed largest weighted value first.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from reportgen import i18n
from reportgen.analysis.kpis import ALL
from reportgen.documents.pack.context import Ctx
from reportgen.documents.pack.values import Row, as_float, as_int, as_py, as_text
from reportgen.documents.pack.words import N_, OPP_STAGE_LABELS, _

#: Opportunities listed under the coverage.
COVERAGE_LIST = 10
#: Why a figure is blank, by the analysis's reason code.
BLANK_REASONS = {
    "last_year_missing": N_("No landing: the data do not cover last year's months."),
    "last_year_not_positive": N_("No landing: last year's sales to this month are not "
                                 "positive, so they cannot set the pace."),
    "no_target": N_("No year target: the Targets sheet lacks at least one month of the year."),
}
#: Why the coverage is blank, by the analysis's reason code.
COVERAGE_REASONS = {
    "no_target": N_("No coverage: there is no year target to cover."),
    "no_pipeline": N_("No coverage: the inputs have no Opportunities sheet."),
    "target_reached": N_("No coverage needed: the year target is already reached."),
    "no_months_left": N_("No coverage: no month of the year is left."),
}


def _reason(code: object, lang: str, reasons: dict[str, str] = BLANK_REASONS) -> str | None:
    """The sentence for a blank figure."""
    return _(reasons[code], lang) if isinstance(code, str) else None


def _deal_row(r: pd.Series, lang: str) -> Row:
    """One won or lost deal."""
    stage = as_py(r["stage"])
    return {
        "opp_id": as_text(r["opp_id"]), "title": as_text(r["title"]),
        "client_id": as_text(r["client_id"]), "client": as_text(r["name"]),
        "stage": stage, "stage_label": _(OPP_STAGE_LABELS[stage], lang),
        "closed": as_py(r["closed"]), "value": as_int(r["value"]),
        "competitor": as_text(r["competitor"]),
        "verdict": i18n.label("verdict", as_py(r["verdict"]), lang)
        if isinstance(r["verdict"], str) else "",
    }


def landing_section(ctx: Ctx) -> dict[str, Any]:
    """Landing, year target, gap, run rate and coverage of the region, with the deals of M."""
    lang = ctx.lang
    region = ALL if ctx.region is None else ctx.region
    frame = ctx.analysis.landing
    row = {str(k): as_py(v) for k, v in frame[frame["region"] == region].iloc[0].items()}
    pipeline = ctx.analysis.pipeline_rest
    opportunities: list[Row] = []
    more = 0
    if pipeline is not None and row["pipeline_coverage"] is not None:
        mine = pipeline if region == ALL else pipeline[pipeline["region"] == region]
        for _i, o in mine.head(COVERAGE_LIST).iterrows():
            stage = as_py(o["stage"])
            opportunities.append({
                "opp_id": as_text(o["opp_id"]), "title": as_text(o["title"]),
                "client_id": as_text(o["client_id"]), "client": as_text(o["name"]),
                "stage": _(OPP_STAGE_LABELS[stage], lang) if stage in OPP_STAGE_LABELS else "",
                "expected_close": as_py(o["expected_close"]),
                "value": as_int(o["value"]), "weighted": as_int(o["weighted_value"]),
            })
        more = max(len(mine) - COVERAGE_LIST, 0)
    deals = ctx.analysis.deals
    won: list[Row] = []
    lost: list[Row] = []
    if deals is not None:
        mine_deals = deals if region == ALL else deals[deals["region"] == region]
        for _i, d in mine_deals.iterrows():
            (won if d["stage"] == "won" else lost).append(_deal_row(d, lang))
    return {
        "ytd": row["sales_ytd"],
        "landing": row["year_landing"],
        "landing_reason": _reason(row["landing_blank"], lang),
        "target": row["year_target"],
        "target_reason": _reason(row["target_blank"], lang),
        "gap": row["year_gap"],
        "months_left": row["months_left"],
        "run_rate": row["run_rate_needed"],
        "remaining": row["remaining_target"],
        "pipeline_rest": row["pipeline_rest"],
        "coverage": as_float(row["pipeline_coverage"]),
        "coverage_mark": row["coverage_rag"],
        "coverage_reason": _reason(row["coverage_blank"], lang, COVERAGE_REASONS),
        "opportunities": opportunities,
        "opportunities_more": more,
        "deals_present": deals is not None,
        "won": won,
        "lost": lost,
        "won_value": sum(d["value"] or 0 for d in won),
        "lost_value": sum(d["value"] or 0 for d in lost),
        "green": ctx.config.coverage.green,
        "amber": ctx.config.coverage.amber,
    }
