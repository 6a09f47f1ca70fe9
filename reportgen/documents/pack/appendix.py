"""The appendix: how the figures were computed (month, thresholds, inputs, one line a figure)."""

from __future__ import annotations

from typing import Any

from reportgen.documents import fmt
from reportgen.documents.pack.context import Ctx
from reportgen.documents.pack.values import Row
from reportgen.documents.pack.words import N_, OPP_STAGE_LABELS, _

_SHEET_LABELS = {
    "clients": N_("Clients"),
    "sales": N_("Sales"),
    "opportunities": N_("Opportunities"),
    "contacts": N_("Contacts"),
    "feedback": N_("Feedback"),
    "targets": N_("Targets"),
    "actions": N_("Actions"),
    "regions": N_("Regions"),
    "activities": N_("Activities"),
}


def appendix(ctx: Ctx) -> dict[str, Any]:
    """How the figures were computed: month, thresholds, inputs and a sentence per figure."""
    lang, cfg, month = ctx.lang, ctx.config, ctx.month
    first = ctx.analysis.kpis.first_data_month
    threshold = ctx.analysis.high_potential_threshold

    def item(label: str, value: Any, kind: str) -> Row:
        return {"label": _(label, lang), "value": value, "kind": kind}

    thresholds = [
        item(N_("Class A: cumulative share of value before the client under"),
             cfg.tiers.class_a, "pct"),
        item(N_("Class B: cumulative share of value before the client under"),
             cfg.tiers.class_b, "pct"),
        item(N_("High potential: untapped potential at least (the smallest class-A value)"),
             threshold, "money"),
        item(N_("Capacity per manager: Major accounts"), cfg.tiers.capacity_major, "number"),
        item(N_("Capacity per manager: Named accounts"), cfg.tiers.capacity_named, "number"),
        item(N_("Capacity per manager: Non-named accounts"), cfg.tiers.capacity_non_named,
             "number"),
        item(N_("Account plans: share-of-wallet uplift"), cfg.tiers.share_of_wallet_uplift,
             "pct"),
        item(N_("Account plans: sales growth target"), cfg.tiers.sales_growth_target, "pct"),
        item(N_("New client: first purchase within this many months (M included)"),
             cfg.lifecycle.new_months, "number"),
        item(N_("At risk: sales of the last 3 months at or below this share of a year before"),
             cfg.lifecycle.at_risk_ratio, "pct"),
        item(N_("At risk: days without purchase above this multiple of the usual gap"),
             cfg.lifecycle.gap_multiple, "decimal"),
        item(N_("Opportunity screen: a gate passes at a mean score of at least"),
             cfg.screen.pass_mean, "decimal"),
        *[{"label": _("Default probability: %(stage)s", lang,
                       stage=_(OPP_STAGE_LABELS[s], lang)), "value": p, "kind": "pct"}
          for s, p in cfg.screen.stage_probability.items() if s in OPP_STAGE_LABELS],
        item(N_("Green: actual at least this share of the comparator"), cfg.rag.green, "pct"),
        item(N_("Amber: actual at least this share of the comparator"), cfg.rag.amber, "pct"),
        item(N_("Bridge chart: contributions named each way (up and down)"),
             cfg.drivers.named_bars, "number"),
        item(N_("Pipeline coverage green at or above"), cfg.coverage.green, "decimal2"),
        item(N_("Pipeline coverage amber at or above"), cfg.coverage.amber, "decimal2"),
    ]
    inputs = [
        {"name": f.name,
         "sheets": [{"name": s, "kind": _sheet_kind(s, k, lang)} for s, k in f.sheets]}
        for f in ctx.dataset.inputs
    ]
    return {
        "month": str(month),
        "window_start": str(month - 11),
        "first_data_month": None if first is None else str(first),
        "thresholds": thresholds,
        "inputs": inputs,
        "config_source": ctx.config.source,
        "clients_derived": ctx.dataset.clients_derived,
        "methods": _methods(ctx),
    }


def _sheet_kind(sheet: str, kind: str, lang: str) -> str | None:
    """What a sheet was read as, unless its name already says so ("销售" → "Sales")."""
    label = _(_SHEET_LABELS.get(kind, kind), lang)
    return None if sheet.strip().casefold() == label.casefold() else label


def _methods(ctx: Ctx) -> list[Row]:
    """One sentence per figure: how it was computed."""
    lang = ctx.lang
    month = fmt.month_label(ctx.month, lang)
    entries = [
        (N_("Net sales"), N_("The sum of the month's sales lines, returns netted, grouped by the "
                            "line's own region, else the client's.")),
        (N_("Plan"), N_("The month's rows of the Targets sheet for the region, else the sum of "
                       "its managers' rows (for all regions: an ALL row, else the regions' "
                       "sum); the year-to-date plan adds January to %(month)s.")),
        (N_("Prior year"), N_("The same figure for the same month a year earlier, computed "
                             "with the same rules; blank before the first month with data.")),
        (N_("Variance"), N_("Actual minus the comparator; the relative variance divides it by "
                           "the comparator (blank when that is 0). Shares change in points.")),
        (N_("Red, amber, green"), N_("Green at or above the comparator, amber at or above its "
                                    "amber share, red below; the other way round for lost "
                                    "clients and complaints.")),
        (N_("Gross profit"), N_("Profit where given, else amount minus cost; blank when a line "
                               "of the month has neither.")),
        (N_("Active clients and orders"), N_("Clients with a purchase in the month; distinct "
                                            "order numbers per client, else lines.")),
        (N_("Value tiers"), N_("Company-wide: each client's net sales over the 12 months to "
                              "%(month)s, ranked across all regions into A, B and C, and set "
                              "against its untapped potential. A region's pack shows its "
                              "clients' company-wide tiers.")),
        (N_("New, at-risk and lost clients"), N_("New: first purchase within the months set "
                                                "above. Lost in the month: last purchase "
                                                "exactly 12 months before. At risk: the "
                                                "reasons listed with each client.")),
        (N_("Top 20% share"), N_("The net sales over 12 months of the fifth of the clients "
                                "with the highest value, over those of all clients with "
                                "positive value.")),
        (N_("Pipeline"), N_("Open opportunities (not won or lost) of the pack's clients; "
                           "weighted value is value times probability.")),
        (N_("Complaints"), N_("Feedback rows of type complaint dated in the month; open "
                             "complaints are those not marked resolved, whenever dated.")),
        (N_("Bridges"), N_("Against last year and last month, each client's net sales in the "
                           "month minus its net sales in the comparison month, its lines "
                           "placed in regions as for net sales (so a client can move two "
                           "regions); against plan, each account manager's sales minus the "
                           "manager's target, and the rest as \"no manager target\". The "
                           "comparator plus every contribution equals the month's sales "
                           "exactly.")),
        (N_("Year-end landing"), N_("Last year's shape at this year's pace: sales to "
                                    "%(month)s plus, for each month left, last year's sales "
                                    "in that month times this year's sales to date over last "
                                    "year's to the same month. Blank when last year's months "
                                    "are missing or its sales to date are not positive. The "
                                    "year target adds the twelve months' targets.")),
        (N_("Pipeline coverage"), N_("The weighted value of the open opportunities expected to "
                                     "close after %(month)s and within the year, over the "
                                     "year target still to make (year target minus sales to "
                                     "date). Its mark uses the coverage thresholds above.")),
        (N_("Data checks"), N_("Rows the checks left out, with the money they carried; the "
                              "full list is in data-quality.xlsx.")),
    ]
    return [{"label": _(label, lang), "text": _(text, lang, month=month)
             if "%(month)s" in text else _(text, lang)} for label, text in entries]
