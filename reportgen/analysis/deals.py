"""The deals won and lost in the report month.

An opportunity of a known client is *won* or *lost in M* when its stage is ``won`` or ``lost``
and its close date is in M: the ``closed`` column when the row has one, else
``expected_close`` (a row with neither is not placed in any month). The region is the
client's, as for the KPIs' pipeline. ``verdict`` is the screen's verdict on the answers the
row carries, i.e. the verdict before closing where the answers were kept.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from reportgen.analysis.arrays import column_of

#: The deals table's columns.
DEALS_COLUMNS: tuple[str, ...] = (
    "region", "opp_id", "client_id", "name", "title", "stage", "closed", "value",
    "competitor", "verdict",
)
#: The stages that close a deal, in the order the table lists them.
CLOSING_STAGES: tuple[str, ...] = ("won", "lost")


def month_deals(opportunities: pd.DataFrame | None, screened: pd.DataFrame | None,
                clients: pd.DataFrame, month: pd.Period) -> pd.DataFrame | None:
    """The deals won or lost in M (DEALS_COLUMNS), won first, largest first; None if no sheet."""
    if opportunities is None or screened is None:
        return None
    closed = pd.to_datetime(column_of(opportunities, "closed"), errors="coerce")
    expected = pd.to_datetime(column_of(opportunities, "expected_close"), errors="coerce")
    when = closed.where(closed.notna(), expected)
    stage = column_of(opportunities, "stage")
    in_m = when.dt.to_period("M") == month
    keep = (stage.isin(CLOSING_STAGES) & in_m.fillna(False)
            & opportunities["client_id"].isin(clients["client_id"]))
    rows = opportunities.loc[keep]
    out = pd.DataFrame({
        **opportunity_columns(rows, clients),
        "closed": when.loc[rows.index].to_numpy(dtype="datetime64[ns]"),
        "value": pd.array(rows["value"].astype("Int64").to_numpy(), dtype="Int64"),
        "competitor": column_of(rows, "competitor").to_numpy(dtype=object),
        "verdict": screened["verdict"].reindex(rows.index).to_numpy(dtype=object),
    })
    out["value"] = out["value"].astype("Int64")
    out["_won"] = out["stage"] != "won"
    out = out.sort_values(["_won", "value", "opp_id"], ascending=[True, False, True],
                          kind="stable", na_position="last")
    return out.drop(columns="_won").reset_index(drop=True)


def opportunity_columns(rows: pd.DataFrame, clients: pd.DataFrame) -> dict[str, np.ndarray]:
    """The six columns every list of opportunities starts with.

    region, opp_id, client_id, name, title and stage; the region and the name are the
    client's, looked up in the client list.
    """
    by_id = clients.set_index("client_id")
    ids = rows["client_id"]
    return {
        "region": column_of(by_id, "region").reindex(ids).to_numpy(dtype=object),
        "opp_id": rows["opp_id"].to_numpy(dtype=object),
        "client_id": ids.to_numpy(dtype=object),
        "name": column_of(by_id, "name").reindex(ids).to_numpy(dtype=object),
        "title": rows["title"].to_numpy(dtype=object),
        "stage": rows["stage"].to_numpy(dtype=object),
    }
