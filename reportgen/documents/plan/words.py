"""The plan's glossary: words for codes that are not in the shared glossary, in each language."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from reportgen.documents.plan.context import Context, text_or_none
from reportgen.i18n import pgettext


@lru_cache(maxsize=4)
def words(lang: str) -> dict[str, dict[str, str]]:
    """Words for codes that are not in the shared glossary, in ``lang``."""
    return {
        "quadrant": {
            "HH": pgettext("quadrant", "high current value, high potential", lang),
            "HL": pgettext("quadrant", "high current value, low potential", lang),
            "LH": pgettext("quadrant", "low current value, high potential", lang),
            "LL": pgettext("quadrant", "low current value, low potential", lang),
        },
        "named_reason": {
            "maintain": pgettext("named_reason", "maintain", lang),
            "develop": pgettext("named_reason", "develop", lang),
        },
        "size": {
            "small": pgettext("size", "Small", lang),
            "medium": pgettext("size", "Medium", lang),
            "large": pgettext("size", "Large", lang),
        },
        "buying_role": {
            "decision_maker": pgettext("buying_role", "Decision-maker", lang),
            "technical": pgettext("buying_role", "Technical", lang),
            "business": pgettext("buying_role", "Business", lang),
            "finance": pgettext("buying_role", "Finance", lang),
            "user": pgettext("buying_role", "User", lang),
        },
        "attitude": {
            "supporter": pgettext("attitude", "Supporter", lang),
            "neutral": pgettext("attitude", "Neutral", lang),
            "opponent": pgettext("attitude", "Opponent", lang),
        },
        "category": {
            "supply": pgettext("category", "Supply", lang),
            "ordering": pgettext("category", "Ordering", lang),
            "delivery": pgettext("category", "Delivery", lang),
            "market": pgettext("category", "Market", lang),
            "visit_service": pgettext("category", "Visits and service", lang),
            "other": pgettext("category", "Other", lang),
        },
        "department": {
            "supply": pgettext("department", "Sales department", lang),
            "ordering": pgettext("department", "Order desk", lang),
            "delivery": pgettext("department", "Logistics", lang),
            "market": pgettext("department", "Market management", lang),
            "visit_service": pgettext("department", "Account manager", lang),
            "other": pgettext("department", "Other", lang),
        },
        "opp_stage": {
            "lead": pgettext("opp_stage", "Lead", lang),
            "qualified": pgettext("opp_stage", "Qualified", lang),
            "proposal": pgettext("opp_stage", "Proposal", lang),
            "negotiation": pgettext("opp_stage", "Negotiation", lang),
            "won": pgettext("opp_stage", "Won", lang),
            "lost": pgettext("opp_stage", "Lost", lang),
        },
        "question": {
            "need_clear": pgettext("question", "need is clear", lang),
            "budget_confirmed": pgettext("question", "budget confirmed", lang),
            "timing_known": pgettext("question", "timing known", lang),
            "offer_fit": pgettext("question", "our offer fits", lang),
            "capability": pgettext("question", "we can deliver", lang),
            "relationship": pgettext("question", "relationship", lang),
            "differentiation": pgettext("question", "differentiation", lang),
            "price_position": pgettext("question", "price position", lang),
            "has_supporter": pgettext("question", "has a supporter", lang),
            "margin": pgettext("question", "margin", lang),
            "capital_risk": pgettext("question", "capital risk", lang),
            "strategic_fit": pgettext("question", "strategic fit", lang),
            "no_conflict": pgettext("question", "no conflict", lang),
        },
        "migration": {
            "up": pgettext("migration", "up", lang),
            "down": pgettext("migration", "down", lang),
            "same": pgettext("migration", "unchanged", lang),
            "new": pgettext("migration", "new this month", lang),
            "lost": pgettext("migration", "lost this month", lang),
        },
    }


def word(ctx: Context, kind: str, code: Any) -> str | None:
    """The word for a code; the code itself when unknown, None when blank."""
    text = text_or_none(code)
    if text is None:
        return None
    return words(ctx.lang)[kind].get(text, text)


def join(items: Iterable[str], lang: str) -> str:
    """Items as a list in running text: "a, b" / "a、b"."""
    return ("、" if lang == "zh" else ", ").join(items)
