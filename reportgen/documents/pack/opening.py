"""The opening sentences: three to five lines the pack writes from its own figures.

Each sentence reads the view's other sections (never the analysis), so every number it states
is one a table of the pack shows, formatted the same way; a sentence whose figure is blank is
not written. In order: the month against plan, the month against last year with the clients
that moved it most, the year's landing against its target, the pipeline's coverage of the
rest, and the deals won and lost.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reportgen.documents import fmt
from reportgen.documents.pack.context import Ctx
from reportgen.documents.pack.words import _

#: Clients named in the sentence on last year.
NAMED_MOVERS = 3


def _plan(ctx: Ctx, month: str, money: Any) -> str | None:
    """The month against plan."""
    lang, row = ctx.lang, ctx.row
    target, rel = row.get("sales_target"), row.get("sales_rel_variance_target")
    variance = row.get("sales_variance_target")
    if target is None or rel is None or variance is None:
        return None
    values = {"region": ctx.region_label, "month": month,
              "pct": fmt.pct(abs(rel), 1, lang), "amount": money(abs(variance))}
    if variance < 0:
        return _("%(region)s: sales are %(pct)s (%(amount)s) below plan in %(month)s.", lang,
                 **values)
    if variance > 0:
        return _("%(region)s: sales are %(pct)s (%(amount)s) above plan in %(month)s.", lang,
                 **values)
    return _("%(region)s: sales are on plan in %(month)s.", lang, **values)


def _last_year(ctx: Ctx, view: Mapping[str, Any], money: Any) -> str | None:
    """The month against last year, with the clients that moved it most."""
    lang, row = ctx.lang, ctx.row
    bridge = next((b for b in view["drivers"]["bridges"] if b["comparison"] == "last_year"),
                  None)
    rel, variance = row.get("sales_rel_variance_last_year"), row.get("sales_variance_last_year")
    if bridge is None or rel is None or variance is None:
        return None
    named = sorted([*bridge["up"], *bridge["down"]], key=lambda r: -abs(r["contribution"]))
    currency = ctx.config.format.currency
    sep = "、" if lang == "zh" else ", "
    movers = sep.join(
        _("%(name)s (%(amount)s)", lang, name=r["name"],
          amount=fmt.delta(r["contribution"], currency, lang))
        for r in named[:NAMED_MOVERS])
    values = {"change": fmt.pct(rel, 1, lang, signed=True),
              "amount": fmt.delta(variance, currency, lang), "clients": movers}
    if not movers:
        return _("Against the same month last year, sales changed by %(change)s "
                 "(%(amount)s).", lang, **values)
    return _("Against the same month last year, sales changed by %(change)s (%(amount)s); "
             "the largest moves: %(clients)s.", lang, **values)


def _landing(ctx: Ctx, landing: Mapping[str, Any], money: Any) -> str | None:
    """Where the year lands against its target."""
    lang = ctx.lang
    if landing["landing"] is None:
        return None
    values = {"region": ctx.region_label, "landing": money(landing["landing"])}
    gap, target = landing["gap"], landing["target"]
    if gap is None or target is None:
        return _("At this pace %(region)s lands at %(landing)s for the year.", lang, **values)
    values.update(gap=money(abs(gap)), target=money(target))
    if gap < 0:
        return _("At this pace %(region)s lands at %(landing)s for the year, %(gap)s short of "
                 "its year target of %(target)s.", lang, **values)
    return _("At this pace %(region)s lands at %(landing)s for the year, %(gap)s above its "
             "year target of %(target)s.", lang, **values)


def _coverage(ctx: Ctx, landing: Mapping[str, Any], money: Any) -> str | None:
    """How much of the rest of the year's target the pipeline covers."""
    if landing["coverage"] is None or landing["remaining"] is None:
        return None
    return _("The open pipeline expected to close this year covers %(coverage)s of the "
             "%(remaining)s still to make.", ctx.lang,
             coverage=fmt.number(landing["coverage"], 2, ctx.lang),
             remaining=money(landing["remaining"]))


def _deals(ctx: Ctx, landing: Mapping[str, Any], money: Any) -> str | None:
    """The deals won and lost in the month."""
    if not landing["won"] and not landing["lost"]:
        return None
    lang = ctx.lang
    return _("Deals closed this month: %(won_count)s won (%(won)s), %(lost_count)s lost "
             "(%(lost)s).", lang, won_count=fmt.number(len(landing["won"]), 0, lang),
             won=money(landing["won_value"]),
             lost_count=fmt.number(len(landing["lost"]), 0, lang),
             lost=money(landing["lost_value"]))


def opening(ctx: Ctx, view: Mapping[str, Any]) -> list[str]:
    """The pack's opening sentences, in order, leaving out those whose figure is blank."""
    lang, currency = ctx.lang, ctx.config.format.currency
    month = fmt.month_label(ctx.month, lang)

    def money(value: Any) -> str:
        return fmt.money(value, currency, lang)

    landing = view["landing"]
    sentences = [
        _plan(ctx, month, money),
        _last_year(ctx, view, money),
        _landing(ctx, landing, money),
        _coverage(ctx, landing, money),
        _deals(ctx, landing, money),
    ]
    return [s for s in sentences if s]
