"""Service quality: complaints by responsible department, praise and satisfaction."""

from __future__ import annotations

from typing import Any

from reportgen.analysis.kpis import ALL, DEPARTMENTS
from reportgen.documents.pack.context import Ctx
from reportgen.documents.pack.values import as_int
from reportgen.documents.pack.words import N_, _

_DEPARTMENT_LABELS = {
    "sales_dept": N_("Sales department"),
    "order_desk": N_("Order desk"),
    "logistics": N_("Logistics"),
    "market_management": N_("Market management"),
    "account_manager": N_("Account manager"),
    "other": N_("Other"),
}
_CATEGORY_LABELS = {
    "supply": N_("Supply"),
    "ordering": N_("Ordering"),
    "delivery": N_("Delivery"),
    "market": N_("Market"),
    "visit_service": N_("Visits and service"),
    "other": N_("Other"),
}


def service_section(ctx: Ctx) -> dict[str, Any]:
    """Complaints by responsible department, praise and satisfaction."""
    lang, row = ctx.lang, ctx.row
    present = ctx.dataset.has("feedback")
    table = ctx.analysis.kpis.complaints_by_department
    key = ALL if ctx.region is None else ctx.region
    # The overall rows are the last block of the table (a region may be called "ALL" too).
    block = table.iloc[-len(DEPARTMENTS):] if ctx.region is None else table.iloc[
        :-len(DEPARTMENTS)]
    block = block[block["region"].to_numpy(dtype=object) == key]
    rows = [
        {"category": _(_CATEGORY_LABELS[str(r["category"])], lang),
         "department": _(_DEPARTMENT_LABELS[str(r["department"])], lang),
         "complaints": as_int(r["complaints"]), "open": as_int(r["open_complaints"])}
        for _row, r in block.iterrows()
    ]
    return {
        "present": present,
        "reason": None if present else _(
            "No service figures: the inputs have no Feedback sheet.", lang),
        "rows": rows,
        "complaints": row.get("complaints"), "open": row.get("open_complaints"),
        "prev": row.get("complaints_prev_month"), "mark": row.get("rag_complaints"),
        "praise": row.get("praise"), "satisfaction": row.get("avg_satisfaction"),
        "responses": row.get("satisfaction_responses"),
    }
