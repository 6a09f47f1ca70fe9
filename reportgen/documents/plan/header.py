"""The plan's header: who the client is, its tier and coverage, its lifecycle stage.

The tier and the stage each come with the figures that decide them, as sentences a reader can
check against the workbooks. :func:`risk_reasons` words the at-risk signals the client shows;
the stage explains itself with them, and the risks and the suggestions repeat them.
"""

from __future__ import annotations

from typing import Any

from reportgen.analysis.lifecycle import REASONS, reason_details
from reportgen.analysis.tiers import KEY_TIERS
from reportgen.documents import fmt
from reportgen.documents.cut import TITLE_CHARS
from reportgen.documents.plan.context import (
    Context,
    blank,
    float_or_none,
    int_or,
    iso,
    text_or_none,
)
from reportgen.documents.plan.words import word, words
from reportgen.i18n import gettext, label, ngettext

#: The tier analysis' coverage codes → the documents' glossary codes.
COVERAGE_CODES: dict[str, str] = {
    "1:1": "one_to_one", "1:few": "one_to_few", "1:many": "one_to_many",
    "call_centre": "telesales",
}


def header_view(ctx: Context) -> dict[str, Any]:
    """Who the client is, its tier (and why), coverage, stage (and why), relationship."""
    row, client, lang = ctx.row, ctx.client, ctx.lang
    tier = str(row["tier"])
    relationship = text_or_none(client.get("relationship"))
    flags = []
    if tier in KEY_TIERS and relationship == "transactional":
        flags.append(gettext(
            "A key account with a transactional relationship: a key account should be a "
            "partner.", lang))
    coverage = COVERAGE_CODES.get(str(row["coverage"]), "telesales")
    return {
        "client": {
            "id": ctx.client_id,
            "name": text_or_none(client.get("name"), TITLE_CHARS) or ctx.client_id,
            "region": text_or_none(client.get("region")),
            "industry": text_or_none(client.get("industry")),
            "size": word(ctx, "size", client.get("size")),
            "account_manager": text_or_none(client.get("account_manager")),
            "credit_rating": text_or_none(client.get("credit_rating")),
            "created": iso(client.get("created")),
            "relationship": relationship,
        },
        "tier": _tier(ctx),
        "coverage": coverage,
        "coverage_text": _coverage_text(coverage, lang),
        "stage": _stage(ctx),
        "relationship_flags": flags,
        "name_note": _name_note(ctx),
    }


def _name_note(ctx: Context) -> str | None:
    """Where the whole name is, when it is too long for the title and was cut there."""
    name = "" if blank(ctx.client.get("name")) else str(ctx.client.get("name")).strip()
    if len(name) <= TITLE_CHARS:
        return None
    facts = {"count": fmt.number(len(name), 0, ctx.lang), "file": ctx.client.get("_file"),
             "sheet": ctx.client.get("_sheet"), "row": ctx.client.get("_row")}
    if any(blank(v) for v in facts.values()):
        return gettext("The client's name is cut here: it has %(count)s characters. The whole "
                       "name is in the Clients sheet.", ctx.lang) % facts
    return gettext("The client's name is cut here: it has %(count)s characters. The whole "
                   "name is in %(file)s, sheet %(sheet)s, row %(row)s.", ctx.lang) % facts


def _coverage_text(code: str, lang: str) -> str:
    texts = {
        "one_to_one": gettext("a dedicated account manager; a team for strategic clients", lang),
        "one_to_few": gettext("an account manager looking after a few clients", lang),
        "one_to_many": gettext("an account manager looking after many clients", lang),
        "telesales": gettext("call centre / tele-sales", lang),
    }
    return texts[code]


def _tier(ctx: Context) -> dict[str, Any]:
    """The tier with the figures that decide it, as sentences a reader can check."""
    row, lang, cfg = ctx.row, ctx.lang, ctx.config.tiers
    threshold = ctx.analysis.high_potential_threshold
    abc = text_or_none(row["abc_class"])
    rank = int_or(row["rank"], None)
    ranked = int(ctx.analysis.clients["rank"].notna().sum())
    before = float_or_none(row["cum_share_before"])
    why: list[str] = []
    facts = {"rank": rank, "ranked": ranked, "before": ctx.pct(before),
             "a": ctx.pct(cfg.class_a, 0), "b": ctx.pct(cfg.class_b, 0)}
    if abc == "A":
        why.append(gettext(
            "Class A (top %(a)s of value): ranked %(rank)s of %(ranked)s clients with sales; "
            "the clients ranked above it hold %(before)s of current value, under %(a)s.",
            lang) % facts)
    elif abc == "B":
        why.append(gettext(
            "Class B: ranked %(rank)s of %(ranked)s clients with sales; the clients ranked above "
            "it hold %(before)s of current value, from %(a)s up to %(b)s.", lang) % facts)
    elif abc == "C":
        why.append(gettext(
            "Class C: ranked %(rank)s of %(ranked)s clients with sales; the clients ranked above "
            "it hold %(before)s of current value, %(b)s or more.", lang) % facts)
    else:
        why.append(gettext("No ABC class: no net sales in the last 12 months.", lang))
    untapped = int_or(row["untapped_potential"], 0)
    if not bool(row["potential_known"]):
        why.append(gettext(
            "Potential value unknown, so untapped potential counts as 0: not high potential.",
            lang))
    elif threshold is None:
        why.append(gettext(
            "No client is class A, so there is no high-potential threshold.", lang))
    elif bool(row["high_potential"]):
        why.append(gettext(
            "Untapped potential %(untapped)s ≥ the high-potential threshold %(threshold)s (the "
            "current value of the smallest class-A client).", lang)
            % {"untapped": ctx.money(untapped), "threshold": ctx.money(threshold)})
    else:
        why.append(gettext(
            "Untapped potential %(untapped)s is below the high-potential threshold "
            "%(threshold)s (the current value of the smallest class-A client).", lang)
            % {"untapped": ctx.money(untapped), "threshold": ctx.money(threshold)})
    rule_tier = str(ctx.analysis.tiers.at[ctx.client_id, "rule_tier"])
    manual = row["tier_source"] == "manual"
    quadrant = str(row["quadrant"])
    if manual:
        conclusion = gettext(
            "Tier set by hand (tier_override in the Clients sheet): %(tier)s. By the rules it "
            "would be %(rule)s.", lang) % {
                "tier": label("tier", str(row["tier"]), lang),
                "rule": label("tier", rule_tier, lang)}
    else:
        conclusion = gettext("So: %(tier)s (%(quadrant)s).", lang) % {
            "tier": _tier_name(ctx, str(row["tier"]), text_or_none(row["named_reason"])),
            "quadrant": words(lang)["quadrant"][quadrant]}
    previous = text_or_none(row["previous_tier"])
    migration = text_or_none(row["migration"])
    return {
        "code": str(row["tier"]),
        "name": _tier_name(ctx, str(row["tier"]), text_or_none(row["named_reason"])),
        "source": str(row["tier_source"]),
        "manual": manual,
        "rule_tier": rule_tier,
        "quadrant": quadrant,
        "quadrant_text": words(lang)["quadrant"][quadrant],
        "named_reason": text_or_none(row["named_reason"]),
        "abc_class": abc,
        "why": why,
        "conclusion": conclusion,
        "previous": previous,
        "migration": migration,
        "migration_text": _migration_text(ctx, previous, migration),
    }


def _tier_name(ctx: Context, tier: str, named_reason: str | None) -> str:
    """"Named account — maintain" for Named, the glossary word otherwise."""
    name = label("tier", tier, ctx.lang)
    if tier == "named" and named_reason:
        return f"{name} — {words(ctx.lang)['named_reason'][named_reason]}"
    return name


def _migration_text(ctx: Context, previous: str | None, migration: str | None) -> str | None:
    lang = ctx.lang
    if migration in ("up", "down") and previous:
        return gettext("%(direction)s from %(previous)s last month", lang) % {
            "direction": words(lang)["migration"][migration],
            "previous": label("tier", previous, lang)}
    if migration in ("new", "lost", "same"):
        return words(lang)["migration"][migration]
    return None


def _stage(ctx: Context) -> dict[str, Any]:
    """The lifecycle stage and the facts behind it."""
    life, lang = ctx.life, ctx.lang
    stage = str(life["stage"])
    reasons: list[dict[str, str]] = []
    if stage == "at_risk":
        reasons = risk_reasons(ctx)
    elif stage == "potential":
        reasons = [{"code": "potential", "text": gettext("No purchase yet.", lang)}]
    elif stage == "new":
        reasons = [{"code": "new", "text": gettext(
            "First purchase on %(date)s, within the last %(months)s months.", lang) % {
                "date": ctx.date(life["first_purchase"]),
                "months": ctx.config.lifecycle.new_months}}]
    elif stage == "lost":
        reasons = [{"code": "lost", "text": gettext(
            "No purchase in the last 12 months; the last was on %(date)s.", lang) % {
                "date": ctx.date(life["last_purchase"])}}]
    else:
        reasons = [{"code": "stable", "text": gettext(
            "Buying regularly, with none of the at-risk signals.", lang)}]
    return {
        "code": stage,
        "reasons": reasons,
        "first_purchase": iso(life["first_purchase"]),
        "last_purchase": iso(life["last_purchase"]),
    }


def risk_reasons(ctx: Context) -> list[dict[str, str]]:
    """The at-risk signals the client shows (whatever its stage), with their figures."""
    lang = ctx.lang
    details = reason_details(ctx.life, ctx.config.lifecycle)
    out = []
    for reason in REASONS:
        d = details.get(reason)
        if d is None:
            continue
        if reason == "sales_drop":
            text = gettext(
                "Sales of the last 3 months, %(recent)s, are %(ratio)s of the same months a "
                "year earlier (%(base)s): at or below %(limit)s.", lang) % {
                    "recent": ctx.money(d["recent_sales"]), "base": ctx.money(d["base_sales"]),
                    "ratio": ctx.pct(d["ratio"]), "limit": ctx.pct(d["limit_ratio"], 0)}
        elif reason == "purchase_gap":
            text = gettext(
                "%(days)s days since the last purchase: more than %(multiple)s × the usual gap "
                "of %(gap)s days between purchases.", lang) % {
                    "days": d["days_since_last_purchase"],
                    "multiple": fmt.number(ctx.config.lifecycle.gap_multiple, 1, lang),
                    "gap": fmt.number(d["median_gap_days"], 1, lang)}
        elif reason == "open_complaint":
            count = d["open_complaints"]
            text = ngettext("%(count)s unresolved complaint.", "%(count)s unresolved complaints.",
                            count, lang) % {"count": count}
        else:
            text = gettext(
                "Receivables of %(receivables)s are over the credit limit of %(limit)s.",
                lang) % {"receivables": ctx.money(d["receivables"]),
                         "limit": ctx.money(d["credit_limit"])}
        out.append({"code": reason, "text": text})
    return out
