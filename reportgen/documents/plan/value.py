"""What the client is worth and what the plan aims for: value, sales chart, product mix, goal.

Figures the analysis already has (current value, potential, share of wallet, class) are taken
from ``analysis.clients`` - the tiers.xlsx row - never recomputed, so a plan always agrees with
the workbooks.

Decisions where SPEC leaves room:

* **Growth on last year** is T12M against months M−23..M−12. It is blank when the data starts
  after M−23 (the comparison year is not fully covered) or when the year before had no net
  sales (nothing to compare with).
* **Profit** is the sum over the client's T12M lines of profit, else amount − cost (as the KPIs
  do). It is blank when a T12M line has neither, or when no sales line carries either.
* **The 24-month chart** draws M−23..M; the prior-year line is the same months a year earlier.
  Months before the first month of data - the data set's, or the client's first sales line,
  whichever is later - are gaps, not zeros: before then the client was not buying from us yet
  or we do not know. The prior-year line is left out when every month of it is a gap.
* **Product mix**: T12M net sales per product, the 8 largest, then "Other products" for the
  rest, then "Product not given" for lines whose product is blank.
* **The goal**: Major and Named aim at share of wallet + ``share_of_wallet_uplift`` (capped at
  the whole potential). Where the potential is unknown, or the client already buys as much as
  the potential says (share ≥ 100%, so the estimate is out of date), the goal falls back to
  sales growth of ``sales_growth_target``, as for the other tiers, and the plan says why. A
  client with no T12M sales has no base to grow from: its goal is a first order.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
import pandas as pd
from babel.dates import format_date

from reportgen.analysis.tiers import KEY_TIERS
from reportgen.documents import fmt
from reportgen.documents.charts.trend import sales_trend
from reportgen.documents.plan.context import (
    Context,
    Sales,
    cached,
    float_or_none,
    int_or,
    text_or_none,
)
from reportgen.i18n import gettext, ngettext
from reportgen.inputs.schema import MONEY_SCALE

#: Months on the sales chart (M−23..M).
TREND_MONTHS = 24
#: Products the mix names before "Other products".
MIX_TOP = 8
_MONTH_PATTERNS = {"en": "MMM y", "zh": "y年M月"}


def value_view(ctx: Context) -> dict[str, Any]:
    """T12M sales and profit, potential, share of wallet, growth, class, ranks, chart, mix."""
    row, lang = ctx.row, ctx.lang
    sales = ctx.sales()
    positions = sales.by_client.get(ctx.client_id, np.zeros(0, dtype=np.int64))
    months = sales.month[positions]
    amount = sales.amount[positions]
    last = ctx.last
    in_t12m = (months >= last - 11) & (months <= last)
    current = int(row["current_value"])
    notes: list[str] = []

    # Growth: T12M against the twelve months before, when the data covers all of them.
    data_start, gp_in_input = _data_facts(ctx, sales)
    prior: int | None = None
    if data_start <= last - 23:
        prior = int(amount[(months >= last - 23) & (months <= last - 12)].sum())
    else:
        notes.append(gettext(
            "Growth on last year is blank: the sales data starts in %(month)s, so the 12 months "
            "before the last 12 are not fully covered.", lang) % {
                "month": fmt.month_label(_month_text(data_start), lang)})
    growth = None if prior is None else _ratio(current - prior, prior)
    if prior == 0:
        notes.append(gettext(
            "Growth on last year is blank: no net sales in the 12 months before.", lang))

    profit, profit_note = _profit(ctx, sales, positions[in_t12m], gp_in_input)
    if profit_note:
        notes.append(profit_note)
    if not bool(row["potential_known"]):
        notes.append(gettext(
            "The potential value is not given (potential_value in the Clients sheet), so share "
            "of wallet and untapped potential are unknown.", lang))

    region_rank, region_count = _region_rank(ctx)
    return {
        "current": current,
        "prior": prior,
        "variance": None if prior is None else current - prior,
        "growth": growth,
        "profit": profit,
        "margin": None if profit is None or current <= 0 else profit / current,
        "potential": int_or(row["potential_value"], None),
        "potential_known": bool(row["potential_known"]),
        "untapped": int_or(row["untapped_potential"], None),
        "share_of_wallet": float_or_none(row["share_of_wallet"]),
        "abc_class": text_or_none(row["abc_class"]),
        "rank": int_or(row["rank"], None),
        "ranked": int(ctx.analysis.clients["rank"].notna().sum()),
        "region": text_or_none(row["region"]),
        "region_rank": region_rank,
        "region_ranked": region_count,
        "notes": notes,
        "trend": _trend(ctx, months, amount, data_start),
        "mix": _mix(ctx, sales, positions[in_t12m], current),
    }


def _data_facts(ctx: Context, sales: Sales) -> tuple[int, bool]:
    """The first month of sales data up to M, and whether any line up to M has cost or profit."""

    def build() -> tuple[int, bool]:
        up_to_m = sales.month <= ctx.last
        # NaT dates are the smallest int64 month: not data.
        dated = up_to_m & (sales.month != np.iinfo(np.int64).min)
        start = int(sales.month[dated].min()) if dated.any() else ctx.last
        return start, bool(sales.gp_known[dated].any())

    return cached("facts", sales, build, tag=ctx.last)


def _profit(ctx: Context, sales: Sales, lines: np.ndarray,
            gp_in_input: bool) -> tuple[int | None, str | None]:
    """T12M gross profit, blank (with the reason) unless every T12M line has cost or profit."""
    lang = ctx.lang
    known = sales.gp_known[lines]
    if not gp_in_input:
        return None, gettext(
            "Profit is blank: the Sales sheet has no cost or profit column filled in.", lang)
    missing = int((~known).sum())
    if missing:
        return None, ngettext(
            "Profit is blank: %(missing)s of the %(lines)s sales line in the last 12 months has "
            "no cost or profit.",
            "Profit is blank: %(missing)s of the %(lines)s sales lines in the last 12 months "
            "have no cost or profit.", len(lines), lang) % {
                "missing": missing, "lines": len(lines)}
    return int(sales.gross_profit[lines].sum()), None


def _region_rank(ctx: Context) -> tuple[int | None, int | None]:
    """Rank in region and the region's count, among its clients with current value > 0."""
    clients = ctx.analysis.clients

    def build() -> tuple[dict[str, int], dict[str, int]]:
        positive = (clients["current_value"] > 0).fillna(False).to_numpy(dtype=bool)
        ranked = clients[positive & clients["region"].notna().to_numpy(dtype=bool)]
        groups: dict[str, list[tuple[int, str]]] = {}
        for region, value, cid in zip(ranked["region"], ranked["current_value"],
                                      ranked["client_id"], strict=True):
            groups.setdefault(str(region), []).append((-int(value), str(cid)))
        ranks: dict[str, int] = {}
        for members in groups.values():
            members.sort()
            ranks.update((cid, i) for i, (_, cid) in enumerate(members, start=1))
        return ranks, {region: len(members) for region, members in groups.items()}

    ranks, counts = cached("region_rank", clients, build)
    region = text_or_none(ctx.row["region"])
    if region is None:
        return None, None
    return ranks.get(ctx.client_id), counts.get(region, 0)


def _trend(ctx: Context, months: np.ndarray, amount: np.ndarray,
           data_start: int) -> dict[str, Any]:
    """Monthly net sales M−23..M and the same months a year earlier, with the chart."""
    lang, last = ctx.lang, ctx.last
    first = last - (TREND_MONTHS + 12) + 1  # M−35: the prior-year line's first month
    keep = (months >= first) & (months <= last)
    totals = np.zeros(TREND_MONTHS + 12, dtype=np.int64)
    np.add.at(totals, months[keep] - first, amount[keep])
    client_start = int(months.min()) if len(months) else last + 1
    start = max(data_start, client_start)
    series = [None if first + i < start else int(v) for i, v in enumerate(totals.tolist())]
    # Month i of the chart is M−23+i; a year earlier is M−35+i, series[i].
    actual, prior = series[12:], series[:TREND_MONTHS]
    ords = list(range(last - TREND_MONTHS + 1, last + 1))
    has_prior = any(v is not None for v in prior)
    chart = None
    reason = None
    if any(v is not None and v != 0 for v in actual):
        drawn = sales_trend(
            [_month_short(m, lang) for m in ords],
            [None if v is None else v / MONEY_SCALE for v in actual],
            None,
            lang=lang,
            title="",
            prior_year=([None if v is None else v / MONEY_SCALE for v in prior]
                        if has_prior else None),
        )
        if drawn is not None:
            chart = {"data_uri": drawn.data_uri, "alt": drawn.alt}
    if chart is None:
        reason = gettext("No sales in the last 24 months, so there is no sales chart.", lang)
    return {
        "months": [_month_text(m) for m in ords],
        "actual": actual,
        "prior_year": prior if has_prior else None,
        "chart": chart,
        "reason": reason,
    }


def _mix(ctx: Context, sales: Sales, lines: np.ndarray, current: int) -> dict[str, Any]:
    """T12M net sales per product: the largest 8, then the rest as "Other products"."""
    lang = ctx.lang
    empty = {"rows": [], "products": 0}
    if not sales.has_product:
        return {**empty, "reason": gettext(
            "The Sales sheet has no product column, so there is no product mix.", lang)}
    if len(lines) == 0:
        return {**empty, "reason": gettext(
            "No sales in the last 12 months, so there is no product mix.", lang)}
    totals: dict[str, int] = {}
    unnamed = 0
    for product, amount in zip(sales.product[lines].tolist(), sales.amount[lines].tolist(),
                              strict=True):
        name = text_or_none(product)
        if name is None:
            unnamed += int(amount)
        else:
            totals[name] = totals.get(name, 0) + int(amount)
    ranked = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    top, rest = ranked[:MIX_TOP], ranked[MIX_TOP:]
    rows: list[dict[str, Any]] = [
        {"product": name, "sales": total, "other": False} for name, total in top]
    if rest:
        rows.append({"product": gettext("Other products", lang),
                     "sales": sum(c for _, c in rest), "other": True, "count": len(rest)})
    if unnamed:
        rows.append({"product": gettext("Product not given", lang), "sales": unnamed,
                     "other": True, "count": 0})
    # Bars are drawn in the table (CSS widths), cheaper to render than a chart image.
    widest = max((r["sales"] for r in rows), default=0)
    for row in rows:
        row["share"] = row["sales"] / current if current > 0 else None
        row["bar"] = max(row["sales"], 0) / widest if widest > 0 else 0.0
        row.setdefault("count", 1)
    return {"rows": rows, "products": len(totals), "reason": None}


# ----------------------------------------------------------------------------- goal


def goal_view(ctx: Context) -> dict[str, Any]:
    """The goal for the client's tier: a share-of-wallet target, else absolute sales growth."""
    row, lang, cfg = ctx.row, ctx.lang, ctx.config.tiers
    tier = str(row["tier"])
    current = int(row["current_value"])
    potential = int_or(row["potential_value"], None)
    share = float_or_none(row["share_of_wallet"])
    fallback = None
    if tier in KEY_TIERS:
        if share is not None and share < 1 and potential is not None:
            uplift = _decimal(cfg.share_of_wallet_uplift)
            # current + potential × uplift: the same as (share + uplift) × potential, exactly.
            target_sales = min(current + _round_stored(Decimal(potential) * uplift), potential)
            target_share = target_sales / potential
            capped = target_sales == potential
            facts = {"current": ctx.pct(share), "target": ctx.pct(target_share),
                     "sales": ctx.money(target_sales), "more": ctx.money(target_sales - current),
                     "uplift": fmt.pp(cfg.share_of_wallet_uplift * 100, 1, lang)}
            text = (gettext(
                "Raise share of wallet from %(current)s to %(target)s, the whole potential: "
                "sales of %(sales)s over 12 months, %(more)s more than now.", lang)
                if capped else gettext(
                "Raise share of wallet from %(current)s to %(target)s (%(uplift)s): sales of "
                "%(sales)s over 12 months, %(more)s more than now.", lang)) % facts
            return {"type": "share_of_wallet", "current_share": share,
                    "target_share": target_share, "uplift": cfg.share_of_wallet_uplift,
                    "current_sales": current, "target_sales": target_sales,
                    "increase": target_sales - current, "text": text, "fallback": None,
                    "short": gettext("Share of wallet %(target)s", lang) % facts}
        if potential is None or potential <= 0:
            fallback = gettext(
                "The potential value is unknown, so no share-of-wallet goal can be set; until "
                "it is entered, the goal is sales growth.", lang)
        else:
            fallback = gettext(
                "Sales already reach %(share)s of the potential value, so the estimate looks "
                "out of date; until it is updated, the goal is sales growth.", lang) % {
                    "share": ctx.pct(share)}
    growth = _decimal(cfg.sales_growth_target)
    if current <= 0:
        return {"type": "first_order", "current_share": share, "target_share": None,
                "uplift": None, "current_sales": current, "target_sales": None,
                "increase": None, "fallback": fallback,
                "text": gettext(
                    "No sales in the last 12 months to grow from: the goal is a first order "
                    "(a win-back for a former client).", lang),
                "short": gettext("A first order", lang)}
    target_sales = _round_stored(Decimal(current) * (1 + growth))
    facts = {"growth": ctx.pct(cfg.sales_growth_target, 0), "current": ctx.money(current),
             "sales": ctx.money(target_sales), "more": ctx.money(target_sales - current)}
    return {"type": "absolute_sales", "current_share": share, "target_share": None,
            "uplift": None, "current_sales": current, "target_sales": target_sales,
            "growth_target": cfg.sales_growth_target, "increase": target_sales - current,
            "fallback": fallback,
            "text": gettext(
                "Grow sales by %(growth)s: from %(current)s to %(sales)s over 12 months, "
                "%(more)s more.", lang) % facts,
            "short": gettext("Sales growth +%(growth)s", lang) % facts}


# ----------------------------------------------------------------------------- converters


def _month_text(month_ordinal: int) -> str:
    return str(pd.Period(ordinal=month_ordinal, freq="M"))


def _month_short(month_ordinal: int, lang: str) -> str:
    """A chart's month label: "Oct 2026" / "2026年10月"."""
    day = pd.Period(ordinal=month_ordinal, freq="M").start_time.date()
    return format_date(day, _MONTH_PATTERNS[lang], locale=fmt.LOCALES[lang])


def _ratio(numerator: int, denominator: int) -> float | None:
    """The ratio numerator / |denominator|; None when the denominator is 0."""
    return None if denominator == 0 else numerator / abs(denominator)


def _round_stored(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _decimal(value: float) -> Decimal:
    """A config fraction as the decimal the user wrote (0.05, not the nearest binary float)."""
    return Decimal(repr(float(value)))
