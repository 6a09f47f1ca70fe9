"""Where the relationship stands: the people we know, how they judge our service, what they owe.

The relationship map lists the client's contacts with their level, buying role and attitude,
and names the gaps (no decision-maker, no supporter, an opponent). Service counts complaints
and praise; credit compares receivables with the credit limit.

Decisions where SPEC leaves room:

* **Service** counts feedback dated in T12M; *open* complaints are every unresolved complaint
  dated up to M, whatever its age (the lifecycle's at-risk rule counts the same ones).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from reportgen.documents.cut import CELL_CHARS
from reportgen.documents.plan.context import Context, column, int_or, iso, text_or_none
from reportgen.documents.plan.words import word, words
from reportgen.i18n import gettext

#: Buying roles in the order the relationship map lists them (the buying centre first).
ROLE_ORDER: tuple[str, ...] = ("decision_maker", "business", "technical", "finance", "user")
#: Roles whose supporter carries weight (the screen's has_supporter gives them 5).
KEY_ROLES: frozenset[str] = frozenset({"decision_maker", "business"})
#: Complaint categories and the department answering for each (SPEC, "Month KPIs").
CATEGORIES: tuple[str, ...] = (
    "supply", "ordering", "delivery", "market", "visit_service", "other",
)


def relationship_view(ctx: Context) -> dict[str, Any]:
    """The contacts (level, buying role, attitude) and the gaps in the relationship."""
    lang = ctx.lang
    contacts = ctx.rows("contacts")
    if contacts is None:
        return {"rows": [], "gaps": [], "has_sheet": False, "no_supporter": False,
                "no_decision_maker": False, "opponents": [],
                "note": gettext(
                    "There is no Contacts sheet in the input, so the relationship map is empty.",
                    lang)}
    knows_attitude = ctx.dataset.has_column("contacts", "attitude")
    rows = []
    for record in contacts.to_dict("records"):
        role = text_or_none(record.get("buying_role"))
        rows.append({
            "name": text_or_none(record.get("name"), CELL_CHARS) or "",
            "title": text_or_none(record.get("title"), CELL_CHARS),
            "level": text_or_none(record.get("level"), CELL_CHARS),
            "buying_role": role,
            "buying_role_text": word(ctx, "buying_role", role),
            "attitude": text_or_none(record.get("attitude")),
            "attitude_text": word(ctx, "attitude", record.get("attitude")),
            "last_contact": iso(record.get("last_contact")),
        })
    rows.sort(key=lambda r: (
        ROLE_ORDER.index(r["buying_role"]) if r["buying_role"] in ROLE_ORDER else len(ROLE_ORDER),
        r["name"]))
    gaps: list[dict[str, str]] = []
    opponents = [r for r in rows if r["attitude"] == "opponent"]
    supporters = [r for r in rows if r["attitude"] == "supporter"]
    no_dm = bool(rows) and not any(r["buying_role"] == "decision_maker" for r in rows)
    no_supporter = bool(rows) and knows_attitude and not supporters
    note = None
    if not rows:
        gaps.append({"code": "no_contacts", "text": gettext(
            "No contacts are recorded for this client.", lang)})
    if no_dm:
        gaps.append({"code": "no_decision_maker", "text": gettext(
            "No decision-maker among the contacts.", lang)})
    if not knows_attitude:
        note = gettext(
            "The Contacts sheet has no attitude column, so supporters and opponents are unknown.",
            lang)
    elif no_supporter:
        gaps.append({"code": "no_supporter", "text": gettext(
            "No supporter among the contacts.", lang)})
    elif supporters and not any(r["buying_role"] in KEY_ROLES for r in supporters):
        gaps.append({"code": "no_key_supporter", "text": gettext(
            "No supporter among the decision-makers and business buyers.", lang)})
    for r in opponents:
        gaps.append({"code": "opponent", "text": gettext(
            "%(name)s (%(role)s) is an opponent.", lang) % {
                "name": r["name"], "role": r["buying_role_text"] or gettext("role unknown", lang)}})
    return {"rows": rows, "gaps": gaps, "has_sheet": True, "no_supporter": no_supporter,
            "no_decision_maker": no_dm or not rows,
            "opponents": [r["name"] for r in opponents], "note": note}


# ----------------------------------------------------------------------------- service, credit


def service_view(ctx: Context) -> dict[str, Any]:
    """Complaints by category (and open ones), praise and satisfaction over T12M."""
    lang = ctx.lang
    feedback = ctx.rows("feedback")
    if feedback is None:
        return {"has_sheet": False, "categories": [], "open": [], "complaints": None,
                "open_count": None, "praise": None, "satisfaction": None, "responses": None,
                "note": gettext("There is no Feedback sheet in the input.", lang)}
    dates = feedback["date"].to_numpy(dtype="datetime64[ns]")
    months = dates.astype("datetime64[M]").astype(np.int64)
    days = dates.astype("datetime64[D]").astype(np.int64)
    valid = ~np.isnat(dates)
    in_t12m = valid & (months >= ctx.last - 11) & (months <= ctx.last)
    up_to_m = valid & (days <= ctx.end_day)
    kind = column(feedback, "type").to_numpy(dtype=object)
    complaint = kind == "complaint"
    resolved = column(feedback, "resolved", "boolean").astype("boolean").fillna(False).to_numpy(
        dtype=bool)
    category = np.array([c if c in CATEGORIES else "other"
                         for c in column(feedback, "category").tolist()], dtype=object)
    open_mask = complaint & ~resolved & up_to_m
    categories = []
    for code in CATEGORIES:
        count = int((complaint & in_t12m & (category == code)).sum())
        still_open = int((open_mask & (category == code)).sum())
        if count or still_open:
            categories.append({"category": code, "text": words(lang)["category"][code],
                               "department": words(lang)["department"][code],
                               "complaints": count, "open": still_open})
    open_rows = [
        {"date": iso(r["date"]), "category": words(lang)["category"][c],
         "department": words(lang)["department"][c], "note": text_or_none(r.get("note"))}
        for r, c in zip(feedback[open_mask].to_dict("records"), category[open_mask],
                        strict=True)
    ]
    open_rows.sort(key=lambda r: (r["date"] or "", r["note"] or ""))
    scores = pd.to_numeric(column(feedback, "score", "float64"), errors="coerce").to_numpy(
        dtype="float64")
    scored = in_t12m & ~np.isnan(scores)
    responses = int(scored.sum())
    note = None
    if not in_t12m.any() and not open_rows:
        note = gettext("No feedback in the last 12 months.", lang)
    return {
        "has_sheet": True,
        "categories": categories,
        "open": open_rows,
        "complaints": int((complaint & in_t12m).sum()),
        "open_count": len(open_rows),
        "praise": int(((kind == "praise") & in_t12m).sum()),
        "satisfaction": float(scores[scored].mean()) if responses else None,
        "responses": responses,
        "note": note,
    }


def credit_view(ctx: Context) -> dict[str, Any]:
    """Credit limit, receivables and how much of the limit they use."""
    limit = int_or(ctx.client.get("credit_limit"), None)
    receivables = int_or(ctx.client.get("receivables"), None)
    use = receivables / limit if limit and receivables is not None and limit > 0 else None
    note = None
    if limit is None and receivables is None:
        note = gettext("No credit limit or receivables are given in the Clients sheet.",
                       ctx.lang)
    return {
        "limit": limit,
        "receivables": receivables,
        "use": use,
        "rating": text_or_none(ctx.client.get("credit_rating")),
        "over_limit": receivables is not None and limit is not None and receivables > limit,
        "note": note,
    }
