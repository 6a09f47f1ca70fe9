"""Data quality: the data checks' findings for the region, and the notes about the month."""

from __future__ import annotations

from typing import Any

from reportgen.documents import fmt
from reportgen.documents.pack.context import Ctx
from reportgen.documents.pack.values import Row
from reportgen.documents.pack.words import N_, _
from reportgen.inputs.issues import Issue, Severity

#: Data-check kinds (Issue.code) as a supervisor reads them; anything else is "Other problems".
_ISSUE_LABELS = {
    "unknown_client": N_("Rows for clients not in the client list"),
    "duplicate_id": N_("Duplicate ids"),
    "duplicate_sales_line": N_("Repeated sales lines (kept)"),
    "blank_required": N_("Required cells left blank"),
    "error_cell": N_("Error cells or formulas without a value"),
    "subtotal_row": N_("Subtotal rows"),
    "return_sign": N_("Returns written with a positive amount"),
    "amount_vs_price": N_("Amounts that differ from quantity × unit price"),
    "no_region": N_("Clients without a region"),
    "partial_month": N_("Incomplete report month"),
    "clients_derived": N_("Client list derived from the sales lines"),
    "missing_sheet": N_("Missing sheets"),
    "missing_column": N_("Missing columns"),
    "mapped_column_missing": N_("Mapped columns not found"),
    "empty_sheet": N_("Empty sheets"),
    "unused_sheet": N_("Sheets not used"),
    "hidden_sheet_read": N_("Hidden sheets"),
    "hidden_sheet_ignored": N_("Hidden sheets"),
    "misnamed": N_("Sheet or column names read by approximation"),
    "csv_encoding": N_("Text file encodings"),
    "column_note": N_("Notes on columns"),
    "no_header": N_("Sheets without a header row"),
}
_SEVERITY_LABELS = {
    "error": N_("Error"),
    "warning": N_("Warning"),
    "info": N_("Information"),
}


#: A cell's problem has the code ``bad_<type>`` (the value could not be read, so the row or the
#: cell was left out) or ``suspect_<type>`` (read, with a warning): ``inputs/load.py``.
_CELL_LABELS = {"bad_": N_("Values that could not be read"),
                "suspect_": N_("Doubtful values (kept)")}


def _issue_label(code: str) -> str:
    if code in _ISSUE_LABELS:
        return _ISSUE_LABELS[code]
    for prefix, label in _CELL_LABELS.items():
        if code.startswith(prefix):
            return label
    return N_("Other problems")


def quality_section(ctx: Ctx) -> dict[str, Any]:
    """Data checks for the region: count, skipped rows and excluded money per kind."""
    lang = ctx.lang
    issues = list(ctx.dataset.issues)
    if ctx.region is None:
        mine = [*issues, *ctx.analysis.notes]
    else:
        mine = [i for i in issues if i.region == ctx.region]
    groups: dict[str, list[Issue]] = {}
    for issue in mine:
        groups.setdefault(_issue_label(issue.code), []).append(issue)
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    rows: list[Row] = []
    for label, items in groups.items():
        worst = min((i.severity for i in items), key=order.__getitem__)
        rows.append({
            "label": _(label, lang),
            "severity": _(_SEVERITY_LABELS[str(worst)], lang), "severity_code": str(worst),
            "count": len(items), "skipped": sum(1 for i in items if i.skipped),
            "money": sum(i.money or 0 for i in items if i.skipped),
            "unread": sum(1 for i in items if i.skipped and i.money_unread),
        })
    rows.sort(key=lambda r: (order[Severity(r["severity_code"])], -r["skipped"], -r["count"],
                             r["label"]))
    skipped = [i for i in mine if i.skipped]
    unattributed = [i for i in issues if i.skipped and not i.region]
    return {
        "rows": rows,
        "issues": len(mine),
        "skipped_rows": len(skipped),
        "skipped_money": sum(i.money or 0 for i in skipped),
        "skipped_unread": sum(1 for i in skipped if i.money_unread),
        "errors": sum(1 for i in mine if i.severity is Severity.ERROR),
        "warnings": sum(1 for i in mine if i.severity is Severity.WARNING),
        "unattributed_rows": len(unattributed) if ctx.region is not None else 0,
        "unattributed_money": (sum(i.money or 0 for i in unattributed)
                               if ctx.region is not None else 0),
        "notes": [_note(ctx, n) for n in ctx.analysis.notes],
    }


def _note(ctx: Ctx, note: Issue) -> str:
    """A note about the month, in the document's language where we know its kind."""
    if note.code == "partial_month":
        return _("%(month)s looks incomplete: its sales are under half the median month of "
                  "the year before. If the month is not closed yet, report the last full one.",
                  ctx.lang, month=fmt.month_label(ctx.month, ctx.lang))
    return note.message
