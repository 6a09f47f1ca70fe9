"""The client's opportunities, screened through the four gates, and the competitors it names."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from reportgen.documents.cut import CELL_CHARS, cut
from reportgen.documents.plan.context import (
    Context,
    blank,
    cached,
    float_or_none,
    int_or,
    iso,
    text_or_none,
)
from reportgen.documents.plan.words import join, word, words
from reportgen.i18n import gettext
from reportgen.inputs.schema import GATES, QUESTIONS

#: Separators between competitor names in the Clients sheet's competitors cell.
_COMPETITOR_SPLIT = re.compile(r"[;；,，、\n]+")


def opportunities_view(ctx: Context) -> dict[str, Any]:
    """Every opportunity of the client: gate scores and passes, verdict, open questions."""
    lang = ctx.lang
    screened = ctx.analysis.opportunities
    if screened is None:
        return {"rows": [], "note": gettext(
            "There is no Opportunities sheet in the input.", lang), "open_value": None,
            "open_weighted": None}
    mine = screened[screened["client_id"] == ctx.client_id]
    rows = []
    for record in mine.to_dict("records"):
        questions = [q for q in str(record["open_questions"] or "").split(", ") if q]
        noes = [q for q in QUESTIONS if not blank(record[q]) and int(record[q]) == 1]
        stage = text_or_none(record["stage"])
        rows.append({
            "opp_id": str(record["opp_id"]),
            "title": text_or_none(record["title"], CELL_CHARS) or "",
            "stage": stage,
            "stage_text": word(ctx, "opp_stage", stage),
            "is_open": bool(record["is_open"]),
            "value": int_or(record["value"], None),
            "probability": float_or_none(record["probability_used"]),
            "weighted": int_or(record["weighted_value"], None),
            "expected_close": iso(_opportunity_field(ctx, record, "expected_close")),
            "competitor": text_or_none(_opportunity_field(ctx, record, "competitor"),
                                       CELL_CHARS),
            "gates": [
                {"gate": gate, "score": float_or_none(record[gate]),
                 "passed": None if blank(record[f"{gate}_pass"]) else bool(
                     record[f"{gate}_pass"])}
                for gate in GATES
            ],
            "verdict": str(record["verdict"]),
            "open_questions": [words(lang)["question"][q] for q in questions],
            "answered_no": [words(lang)["question"][q] for q in noes],
        })
        rows[-1]["open_questions_text"] = join(rows[-1]["open_questions"], lang)
        rows[-1]["answered_no_text"] = join(rows[-1]["answered_no"], lang)
    rows.sort(key=lambda r: (not r["is_open"], -(r["weighted"] or 0), r["opp_id"]))
    open_rows = [r for r in rows if r["is_open"]]
    return {
        "rows": rows,
        "note": None if rows else gettext("No opportunities are recorded for this client.",
                                          lang),
        "open_value": sum(r["value"] or 0 for r in open_rows) if open_rows else None,
        "open_weighted": sum(r["weighted"] or 0 for r in open_rows) if open_rows else None,
    }


def _opportunity_field(ctx: Context, record: Mapping[Any, Any], column: str) -> Any:
    """A column of the Opportunities sheet the screen does not carry (by opp_id)."""
    table = ctx.dataset.table("opportunities")
    if column not in table.columns:
        return None
    by_opp = cached(f"opp:{column}", table,
                    lambda: dict(zip(table["opp_id"], table[column], strict=True)))
    return by_opp.get(record["opp_id"])


def competitors_view(ctx: Context, opportunities: list[dict[str, Any]]) -> dict[str, Any]:
    """Competitors named in the Clients sheet and in the client's opportunities."""
    lang = ctx.lang
    found: dict[str, dict[str, Any]] = {}
    cell = text_or_none(ctx.client.get("competitors"))
    for name in _COMPETITOR_SPLIT.split(cell or ""):
        name = cut(name.strip(), CELL_CHARS)
        if name:
            found.setdefault(name, {"name": name, "in_clients": True, "opportunities": []})
    for opp in opportunities:
        name = opp["competitor"]
        if name:
            entry = found.setdefault(name, {"name": name, "in_clients": False,
                                            "opportunities": []})
            entry["opportunities"].append(opp["opp_id"])
    rows = list(found.values())
    for row in rows:
        where = [gettext("Clients sheet", lang)] if row["in_clients"] else []
        where += row["opportunities"]
        row["where"] = join(where, lang)
    return {"rows": rows, "note": None if rows else gettext(
        "No competitors are recorded for this client.", lang)}
