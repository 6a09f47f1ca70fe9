"""What drove the month: the bridges of the region (or of all regions), with one waterfall.

Each bridge (:mod:`~reportgen.analysis.drivers`) lists its largest positive and its largest
negative contributions (``[drivers] named_bars`` each way), then the rest as one row. The
waterfall charts the first bridge there is, in the order last year, last month, plan: the one
a review opens with. A client that is new in M or lost in M carries a mark, in the table and
on its bar's label.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from reportgen.analysis.drivers import BRIDGE_COMPARISONS, bridge_total
from reportgen.analysis.kpis import ALL
from reportgen.documents import fmt
from reportgen.documents.charts.waterfall import waterfall
from reportgen.documents.pack.context import Ctx
from reportgen.documents.pack.values import Row, as_chart, as_text
from reportgen.documents.pack.words import N_, _
from reportgen.inputs.schema import MONEY_SCALE

#: Each comparison's title and the name of its comparator bar.
_TITLES = {
    "last_year": (N_("Against the same month last year, by client"), N_("Last year")),
    "last_month": (N_("Against last month, by client"), N_("Last month")),
    "plan": (N_("Against plan, by account manager"), N_("Plan")),
}
#: The marks of a client new or lost in M.
STATUS_LABELS = {"new": N_("new"), "lost": N_("lost")}
#: The plan bridge's row for sales and targets not tied to a manager's target.
REST_LABEL = N_("no manager target")


def _row(r: pd.Series, lang: str, by_client: bool) -> Row:
    """One named contribution as the table shows it."""
    status = r["status"] if isinstance(r["status"], str) else None
    key = r["key"] if isinstance(r["key"], str) else None
    name = as_text(r["name"]) or (key or "")
    if key is None:
        name = _(REST_LABEL, lang)
    return {
        "key": key, "client_id": key if by_client else None, "name": name,
        "actual": int(r["actual"]), "comparator": int(r["comparator"]),
        "contribution": int(r["contribution"]),
        "status": status, "status_label": _(STATUS_LABELS[status], lang) if status else None,
    }


def _bridge(ctx: Ctx, part: pd.DataFrame, comparison: str, total: tuple[int, int]) -> Row:
    """One bridge: the named rows up and down, the rest, and the totals."""
    lang, named = ctx.lang, ctx.config.drivers.named_bars
    by_client = comparison != "plan"
    part = part.sort_values("rank")
    ups = part[part["contribution"] > 0].head(named)
    downs = part[part["contribution"] < 0].head(named)
    shown = set(ups.index) | set(downs.index)
    rest = part.drop(index=list(shown))
    comparator, actual = total
    title, comparator_label = _TITLES[comparison]
    return {
        "comparison": comparison,
        "title": _(title, lang),
        "comparator_label": _(comparator_label, lang),
        "comparator": comparator,
        "actual": actual,
        "variance": actual - comparator,
        "up": [_row(r, lang, by_client) for _, r in ups.iterrows()],
        "down": [_row(r, lang, by_client) for _, r in downs.iterrows()],
        "rest_count": len(rest),
        "rest": int(rest["contribution"].sum()) if len(rest) else 0,
        "by_client": by_client,
    }


def _chart(ctx: Ctx, bridge: Row) -> dict[str, str] | None:
    """The waterfall of one bridge, amounts in currency units."""
    lang = ctx.lang

    def units(value: int) -> float:
        return value / MONEY_SCALE

    def label(row: Row) -> str:
        return f"{row['name']} ({row['status_label']})" if row["status_label"] else row["name"]

    steps = [(bridge["comparator_label"], units(bridge["comparator"]), "total")]
    steps += [(label(r), units(r["contribution"]), "step") for r in bridge["up"]]
    steps += [(label(r), units(r["contribution"]), "step") for r in bridge["down"]]
    if bridge["rest_count"]:
        others = _("All other clients", lang) if bridge["by_client"] else _("Others", lang)
        steps.append((others, units(bridge["rest"]), "rest"))
    steps.append((_("This month", lang), units(bridge["actual"]), "total"))
    currency = ctx.config.format.currency
    alt = _("%(title)s: from %(comparator)s to %(actual)s (%(variance)s).", lang,
            title=bridge["title"], comparator=fmt.money(bridge["comparator"], currency, lang),
            actual=fmt.money(bridge["actual"], currency, lang),
            variance=fmt.delta(bridge["variance"], currency, lang))
    return as_chart(waterfall(steps, lang=lang, title=bridge["title"], alt=alt))


def drivers_section(ctx: Ctx) -> dict[str, Any]:
    """The region's bridges against last year, last month and plan, and the waterfall."""
    region = ALL if ctx.region is None else ctx.region
    frame = ctx.analysis.drivers
    mine = frame[frame["region"] == region]
    bridges = []
    for comparison in BRIDGE_COMPARISONS:
        total = bridge_total(ctx.analysis.kpis, region, comparison)
        part = mine[mine["comparison"] == comparison]
        if total is None or part.empty:
            continue
        bridges.append(_bridge(ctx, part, comparison, total))
    chart = _chart(ctx, bridges[0]) if bridges else None
    return {
        "present": bool(bridges),
        "bridges": bridges,
        "chart": chart,
        "named_bars": ctx.config.drivers.named_bars,
        "reason": None if bridges else _(
            "No bridge: there is no comparison month or plan to explain the month against.",
            ctx.lang),
    }
