"""The account plan: one client's position, value, goal, people, opportunities and next steps.

:func:`plan_view` turns the month's :class:`~reportgen.analysis.pipeline.Analysis` and the loaded
:class:`~reportgen.inputs.model.Dataset` into the view-model ``templates/plan.html`` renders. It is
pure and returns plain JSON data (money as integers of 1/MONEY_SCALE, shares as fractions,
dates as ``"YYYY-MM-DD"``, months as ``"YYYY-MM"``), so the orchestrator can fingerprint it.
Figures the analysis already has (current value, potential, share of wallet, class, tier,
stage) are taken from ``analysis.clients`` - the tiers.xlsx row - never recomputed, so a plan
always agrees with the workbooks. Sentences are built here, in the document's language, because
each one carries figures the reader must be able to trace.

Each section is built by a module of its own (``header``, ``value``, ``relationship``,
``opportunities``, ``actions``); this one assembles them, with the first page's summary.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reportgen.analysis.pipeline import Analysis
from reportgen.analysis.tiers import KEY_TIERS
from reportgen.documents.cut import first, listed
from reportgen.documents.plan.actions import actions_view, risks_view
from reportgen.documents.plan.context import Context, int_or, source
from reportgen.documents.plan.header import header_view
from reportgen.documents.plan.opportunities import competitors_view, opportunities_view
from reportgen.documents.plan.relationship import credit_view, relationship_view, service_view
from reportgen.documents.plan.value import goal_view, value_view
from reportgen.i18n import gettext
from reportgen.inputs.config import Config
from reportgen.inputs.model import Dataset

#: The template an account plan is rendered with.
PLAN_TEMPLATE = "plan.html"
#: Risks the first page lists.
TOP_RISKS = 3


def default_plan_clients(analysis: Analysis) -> list[str]:
    """Major then Named clients, each by current value (highest first), then client_id."""
    rows = analysis.clients
    key = rows[rows["tier"].isin(KEY_TIERS)]
    order = sorted(
        zip(key["tier"], key["current_value"], key["client_id"], strict=True),
        key=lambda r: (KEY_TIERS.index(r[0]), -int_or(r[1], 0), r[2]),
    )
    return [client_id for _, _, client_id in order]


def plan_document_title(view: Mapping[str, Any]) -> str:
    """The plan's title for the PDF metadata: "Account plan: <client> (<id>)"."""
    return str(view["pdf_title"])


def plan_view(
    analysis: Analysis, dataset: Dataset, client_id: str, config: Config, lang: str
) -> dict[str, Any]:
    """Everything ``plan.html`` shows for one client, as plain JSON data in ``lang``."""
    ctx = Context.make(analysis, dataset, client_id, config, lang)
    header = header_view(ctx)
    value = value_view(ctx)
    goal = goal_view(ctx)
    relationship = relationship_view(ctx)
    opportunities = opportunities_view(ctx)
    competitors = competitors_view(ctx, opportunities["rows"])
    service = service_view(ctx)
    credit = credit_view(ctx)
    risks = risks_view(ctx, header, value, relationship)
    actions = actions_view(ctx, header, relationship, opportunities)
    name = header["client"]["name"]
    # Every list is built whole (the risks and suggestions count all the contacts and
    # opportunities), then cut to its first rows for the page, which says how many more.
    risks_shown, risks_more = first(risks)
    suggestions, suggestions_more = first(actions["suggestions"])
    return {
        "document_title": name,
        "pdf_title": gettext("Account plan: %(client)s (%(id)s)", lang)
        % {"client": name, "id": client_id},
        "month": str(analysis.month),
        "client_id": client_id,
        "currency": ctx.currency,
        "header": header,
        "glance": _glance(header, value, goal, risks),
        "value": value,
        "goal": goal,
        "relationship": {**listed(listed(relationship), "gaps"),
                         "rows_source": source(ctx.rows("contacts"))},
        "opportunities": listed(opportunities),
        "competitors": listed(competitors),
        "service": {**listed(service, "open"), "open_source": source(ctx.rows("feedback"))},
        "credit": credit,
        "risks": risks_shown,
        "risks_more": risks_more,
        "actions": {"suggestions": suggestions, "suggestions_more": suggestions_more,
                    "sheet": {**listed(actions["sheet"]),
                              "rows_source": source(ctx.rows("actions"))}},
    }


def _glance(header: Mapping[str, Any], value: Mapping[str, Any], goal: Mapping[str, Any],
            risks: list[dict[str, str]]) -> dict[str, Any]:
    """The essentials for the first page: tier, stage, value, goal and the top risks."""
    return {
        "tier": header["tier"]["name"],
        "tier_manual": header["tier"]["manual"],
        "quadrant": header["tier"]["quadrant"],
        "stage": header["stage"]["code"],
        "current": value["current"],
        "growth": value["growth"],
        "share_of_wallet": value["share_of_wallet"],
        "potential": value["potential"],
        "goal": goal["short"],
        "goal_sales": goal["target_sales"],
        "top_risks": [r["text"] for r in risks[:TOP_RISKS]],
        "more_risks": max(0, len(risks) - TOP_RISKS),
    }
