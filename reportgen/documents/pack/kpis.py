"""The month's figures: the KPI table (actual, plan, prior month, prior year) and the sales trend.

* **Red/amber/green marks** are the KPI tables' own (sales against target, last month, last
  year and year to date; new clients against target; lost clients and complaints against last
  month) plus year-to-date sales against the year-to-date plan, with the same rule and
  thresholds (:func:`~reportgen.analysis.rag.rag`). Other rows show variances without a mark.
* **The sales trend** charts :func:`~reportgen.documents.pack.series.region_series` and lists
  it month by month.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from babel.dates import format_date

from reportgen.analysis.arrays import money_quotient_int
from reportgen.analysis.rag import rag
from reportgen.documents import fmt
from reportgen.documents.charts.trend import sales_trend
from reportgen.documents.pack.context import Ctx
from reportgen.documents.pack.series import region_series, year_to_date_plan
from reportgen.documents.pack.values import Row, as_chart, as_units, variances
from reportgen.documents.pack.words import N_, _


@dataclass(frozen=True)
class _Kpi:
    """One row of the KPI table: where its figures come from and how they compare."""

    key: str
    label: str
    kind: str  # money | count | ratio | score
    lower_is_better: bool = False
    plan: str | None = None  # column of the row holding the plan
    prev: str | None = None  # column of the row holding last month's figure (else M−1's run)
    last_year: str | None = None  # ... last year's figure (else M−12's run)
    marks: tuple[tuple[str, str], ...] = ()  # (comparison, rag column)
    history: bool = True  # False: no prior-month or prior-year figure exists


_KPIS: tuple[_Kpi, ...] = (
    _Kpi("sales", N_("Net sales"), "money", plan="sales_target", prev="sales_prev_month",
         last_year="sales_last_year",
         marks=(("plan", "rag_target"), ("prev", "rag_prev_month"),
                ("last_year", "rag_last_year"))),
    _Kpi("sales_ytd", N_("Net sales, year to date"), "money",
         last_year="sales_ytd_last_year", marks=(("last_year", "rag_ytd"),)),
    _Kpi("gross_profit", N_("Gross profit"), "money"),
    _Kpi("gross_margin", N_("Gross margin"), "ratio"),
    _Kpi("orders", N_("Orders"), "count"),
    _Kpi("average_order_value", N_("Average order value"), "money"),
    _Kpi("active_clients", N_("Active clients"), "count"),
    _Kpi("new_clients", N_("New clients"), "count", plan="new_clients_target",
         marks=(("plan", "rag_new_clients"),)),
    _Kpi("new_client_sales", N_("Sales to new clients"), "money"),
    _Kpi("lost_clients", N_("Clients lost"), "count", lower_is_better=True,
         prev="lost_clients_prev_month", marks=(("prev", "rag_lost_clients"),)),
    _Kpi("lost_value", N_("Value of clients lost"), "money", lower_is_better=True),
    _Kpi("upgrades", N_("Tier upgrades"), "count"),
    _Kpi("downgrades", N_("Tier downgrades"), "count", lower_is_better=True),
    _Kpi("top20_share", N_("Share of value held by the top 20% of clients"), "ratio"),
    _Kpi("complaints", N_("Complaints"), "count", lower_is_better=True,
         prev="complaints_prev_month", marks=(("prev", "rag_complaints"),)),
    _Kpi("open_complaints", N_("Open complaints"), "count", lower_is_better=True),
    _Kpi("praise", N_("Praise"), "count"),
    _Kpi("avg_satisfaction", N_("Average satisfaction (1–5)"), "score"),
    _Kpi("pipeline_value", N_("Open pipeline"), "money", history=False),
    _Kpi("weighted_pipeline", N_("Weighted pipeline"), "money", history=False),
)


def kpi_section(ctx: Ctx) -> dict[str, Any]:
    """The KPI table in actual / plan / prior month / prior year notation."""
    row, lang = ctx.row, ctx.lang
    ytd_plan = year_to_date_plan(ctx)
    rows = []
    for spec in _KPIS:
        actual = row.get(spec.key)
        plan = row.get(spec.plan) if spec.plan else (ytd_plan if spec.key == "sales_ytd" else None)
        prev = _history(spec, ctx.prev, row, "prev")
        last_year = _history(spec, ctx.last_year, row, "last_year")
        entry: Row = {
            "key": spec.key, "label": _(spec.label, lang), "kind": spec.kind,
            "lower_is_better": spec.lower_is_better, "actual": actual,
        }
        for name, comparator in (("plan", plan), ("prev", prev), ("last_year", last_year)):
            variance, relative = variances(spec.kind, actual, comparator)
            entry[name] = comparator
            entry[f"{name}_var"] = variance
            entry[f"{name}_rel"] = relative
            entry[f"{name}_mark"] = None
        for comparison, column in spec.marks:
            entry[f"{comparison}_mark"] = row.get(column)
        if spec.key == "sales":
            # The KPI table's own variances, so the pack and metrics.xlsx agree to the cent.
            for name, suffix in (("plan", "target"), ("prev", "prev_month"),
                                 ("last_year", "last_year")):
                entry[f"{name}_var"] = row.get(f"sales_variance_{suffix}")
                entry[f"{name}_rel"] = row.get(f"sales_rel_variance_{suffix}")
        if spec.key == "average_order_value":
            for name, other in (("prev", ctx.prev), ("last_year", ctx.last_year)):
                if entry[f"{name}_var"] is not None:
                    entry[f"{name}_var"] = aov_change(row, other)
        if spec.key == "sales_ytd":
            entry["last_year_var"] = row.get("sales_variance_ytd")
            entry["last_year_rel"] = row.get("sales_rel_variance_ytd")
            entry["plan_mark"] = rag(actual, plan, cfg=ctx.config.rag)
        rows.append(entry)
    return {
        "rows": rows,
        "attainment": row.get("attainment"),
        "green": ctx.config.rag.green,
        "amber": ctx.config.rag.amber,
    }


def aov_change(row: Mapping[str, Any], other: Mapping[str, Any] | None) -> int | None:
    """The average order value's change from ``other``'s, exactly, to the stored unit.

    One quotient of the sales and orders, cut like the figures themselves
    (``analysis/arrays.money_quotient``), in Python integers: the change of the two cut values
    could be a millionth off and show the wrong cent.
    """
    if other is None:
        return None
    sales, orders = row.get("sales"), row.get("orders")
    before, before_orders = other.get("sales"), other.get("orders")
    if None in (sales, orders, before, before_orders) or not orders or not before_orders:
        return None
    sales, orders, before, before_orders = map(int, (sales, orders, before, before_orders))
    return money_quotient_int(sales * before_orders - before * orders, orders * before_orders)


def _history(spec: _Kpi, other: Mapping[str, Any] | None, row: Mapping[str, Any],
             which: str) -> Any:
    """A KPI's prior-month or prior-year figure: the row's own column, else the other run's."""
    column = spec.prev if which == "prev" else spec.last_year
    if column is not None:
        return row.get(column)
    if not spec.history or other is None or spec.key == "sales_ytd":
        return None
    return other.get(spec.key)


def _month_axis(month: pd.Period, lang: str) -> str:
    """A short month for chart axes: "Oct 2026" / "2026年10月"."""
    day = dt.date(month.year, month.month, 1)
    pattern = "MMM y" if lang == "en" else "y年M月"
    return format_date(day, pattern, locale=fmt.LOCALES[lang])


def trend_section(ctx: Ctx) -> dict[str, Any]:
    """The sales trend chart and its table: actual, target and prior year per month."""
    months, actual, target, prior = region_series(ctx)
    lang = ctx.lang
    chart = sales_trend(
        [_month_axis(m, lang) for m in months],
        [as_units(v) for v in actual],
        None if all(t is None for t in target) else [as_units(v) for v in target],
        prior_year=None if all(p is None for p in prior) else [as_units(v) for v in prior],
        lang=lang, title=_("Monthly net sales, target and prior year", lang),
    )
    rows = [
        {"month": str(m), "actual": a, "target": t, "prior_year": p,
         "attainment": None if a is None or not t else a / t,
         "prior_year_rel": variances("money", a, p)[1]}
        for m, a, t, p in zip(months, actual, target, prior, strict=True)
    ]
    return {
        "chart": as_chart(chart),
        "reason": None if chart else _(
            "No chart: there are no sales lines in the 12 months to %(month)s.", lang,
            month=fmt.month_label(ctx.month, lang)),
        "rows": rows,
    }
