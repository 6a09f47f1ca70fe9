"""Client lists: the columns every list shows, their order and their length.

* **Long lists** (at-risk, lost, new clients, migrations) show the first :data:`LIST_LIMIT`
  rows and say how many more the workbooks hold; the summary page shows
  :data:`~reportgen.documents.pack.summary.SUMMARY_LIMIT` rows of each list so it stays one
  page.
"""

from __future__ import annotations

import math

import pandas as pd

from reportgen import i18n
from reportgen.documents.pack.context import Ctx
from reportgen.documents.pack.values import Row, as_cell, as_int, as_py

#: Rows of a client list before "and N more".
LIST_LIMIT = 25


def client_base(ctx: Ctx, client_id: str) -> Row:
    """The columns every client list shows."""
    c = ctx.clients.loc[client_id]
    tier = as_py(c["tier"])
    return {
        "client_id": client_id,
        "name": as_cell(c["name"]) or client_id,
        "region": as_cell(c["region"]),
        "manager": as_cell(c["account_manager"]),
        "tier": tier,
        "tier_label": i18n.label("tier", tier, ctx.lang),
        "manual": c["tier_source"] == "manual",
        "current_value": as_int(c["current_value"]),
    }


def ranked_ids(frame: pd.DataFrame, value: str = "current_value") -> list[str]:
    """Client ids by ``value`` descending (blank last), ties by client_id in code-point order."""
    values = frame[value].astype("Float64").fillna(-math.inf).to_numpy(dtype=float)
    ids = frame.index.to_numpy(dtype=object)
    order = sorted(range(len(ids)), key=lambda i: (-values[i], str(ids[i])))
    return [str(ids[i]) for i in order]
