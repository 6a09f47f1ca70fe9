"""Where a pack links to: each client's account plan, and the month's index.

Links are relative to the pack's own file (``packs/<region>.html``), so a folder of documents
copied or e-mailed keeps working. A client has a plan when a run makes one by default (Major
and Named clients, :func:`~reportgen.documents.plan.view.default_plan_clients`), under the
same file name the build gives it. The HTML links to the plan's HTML; the PDF renderer points
such links at the plan's PDF (:func:`reportgen.documents.pdf.render_pdf`).
"""

from __future__ import annotations

from reportgen.documents.pack.context import Ctx, memo
from reportgen.documents.plan.view import default_plan_clients
from reportgen.outputs.slug import plan_stems

#: The month's index, from a pack.
INDEX_HREF = "../index.html"


def _all_plan_links(analysis: object, ids: list[str], names: list[str]) -> dict[str, str]:
    """The href of every default plan, by client_id."""
    stems = plan_stems(list(zip(ids, names, strict=True)))
    return {cid: f"../{stems[cid]}.html" for cid in default_plan_clients(analysis)}  # type: ignore[arg-type]


def plan_links(ctx: Ctx) -> dict[str, str]:
    """The plans the pack's clients have: client_id → relative href of the plan's HTML."""
    clients = ctx.analysis.clients
    ids = [str(c) for c in clients["client_id"]]
    # Spelled as the build spells them, so the file names match.
    names = [str(n or "") for n in clients["name"]]
    every = memo(("plan_links", str(ctx.month)), ctx.dataset, ctx.config,
                 lambda: _all_plan_links(ctx.analysis, ids, names))
    mine = set(ctx.clients.index)
    return {cid: href for cid, href in every.items() if cid in mine}
