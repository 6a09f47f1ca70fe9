"""The one-page summary: red marks, key accounts at risk, lost clients, headline figures.

It reads the other sections of the view (not the analysis), so it says what they say.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reportgen.documents import fmt
from reportgen.documents.pack.context import Ctx
from reportgen.documents.pack.words import N_, _

#: Rows of each list on the one-page summary.
SUMMARY_LIMIT = 5

#: Words for the three comparisons, as the summary lists red marks.
_COMPARISON_WORDS = {
    "plan": N_("against plan"),
    "prev": N_("against last month"),
    "last_year": N_("against last year"),
}


def summary(ctx: Ctx, view: Mapping[str, Any]) -> dict[str, Any]:
    """The one-page summary: what needs attention first, then the headline figures."""
    lang = ctx.lang
    red = []
    for row in view["kpis"]["rows"]:
        for comparison in ("plan", "prev", "last_year"):
            if row[f"{comparison}_mark"] == "red":
                red.append({
                    "label": row["label"], "kind": row["kind"],
                    "lower_is_better": row["lower_is_better"],
                    "comparison": _(_COMPARISON_WORDS[comparison], lang),
                    "actual": row["actual"], "comparator": row[comparison],
                    "variance": row[f"{comparison}_var"],
                    "relative": row[f"{comparison}_rel"],
                })
    risk, quality = view["risk"], view["quality"]
    # Key accounts come first in the at-risk list, and the list holds more than the summary.
    key_at_risk = [r for r in risk["at_risk"] if r["key_account"]][:SUMMARY_LIMIT]
    lost = risk["lost"][:SUMMARY_LIMIT]
    row = ctx.row
    headline = [
        {"label": _("Net sales", lang), "kind": "money", "value": row.get("sales"),
         "note": _("%(share)s of plan", lang, share=fmt.pct(row.get("attainment"), 1, lang))
         if row.get("attainment") is not None else _("no plan", lang),
         "mark": row.get("rag_target")},
        {"label": _("Against last year", lang), "kind": "pct",
         "value": row.get("sales_rel_variance_last_year"),
         "note": fmt.delta(row.get("sales_variance_last_year"), ctx.config.format.currency,
                           lang),
         "mark": row.get("rag_last_year")},
        {"label": _("Year to date", lang), "kind": "money", "value": row.get("sales_ytd"),
         "note": _("%(change)s on last year", lang,
                    change=fmt.pct(row.get("sales_rel_variance_ytd"), 1, lang, signed=True)),
         "mark": row.get("rag_ytd")},
        {"label": _("New clients", lang), "kind": "count", "value": row.get("new_clients"),
         "note": _("no plan", lang) if row.get("new_clients_target") is None else _(
             "plan %(target)s", lang, target=fmt.number(row.get("new_clients_target"), 0, lang)),
         "mark": row.get("rag_new_clients")},
        {"label": _("Clients lost", lang), "kind": "count", "value": row.get("lost_clients"),
         "note": _("%(value)s of annual sales", lang, value=fmt.money(
             row.get("lost_value"), ctx.config.format.currency, lang)),
         "mark": row.get("rag_lost_clients")},
        {"label": _("Weighted pipeline", lang), "kind": "money",
         "value": row.get("weighted_pipeline"),
         "note": _("no Opportunities sheet", lang)
         if row.get("pipeline_opportunities") is None else _(
             "%(count)s open opportunities", lang,
             count=fmt.number(row.get("pipeline_opportunities"), 0, lang)),
         "mark": None},
    ]
    return {
        "headline": headline,
        "red": red,
        "key_at_risk": key_at_risk,
        "key_at_risk_more": risk["key_count"] - len(key_at_risk),
        "key_at_risk_count": risk["key_count"],
        "key_at_risk_value": risk["key_value"],
        "lost": lost, "lost_more": risk["lost_count"] - len(lost),
        "lost_count": risk["lost_count"],
        "lost_value": risk["lost_value"], "lost_known": risk["lost_known"],
        "overloaded": view["scorecards"]["overloaded"][:SUMMARY_LIMIT],
        "overloaded_more": max(len(view["scorecards"]["overloaded"]) - SUMMARY_LIMIT, 0),
        "excluded_rows": quality["skipped_rows"], "excluded_money": quality["skipped_money"],
        "excluded_unread": quality["skipped_unread"],
        "unattributed_rows": quality["unattributed_rows"],
        "unattributed_money": quality["unattributed_money"],
        "notes": quality["notes"],
    }
