"""Builders for tiny canonical frames, as the loader would hand them to the analysis.

Each builder takes rows as tuples of the sheet's *leading* columns (see ``LEADING``) or as
dicts of any canonical columns, and returns a frame carrying every canonical column of that
sheet kind with its canonical dtype (see :mod:`reportgen.inputs.schema`), plus the ``_file``,
``_sheet`` and ``_row`` address columns. Money is given in integer **cents**; dates as
``"YYYY-MM-DD"`` text.

    sales([("2024-06-03", "A1", 10_000), {"date": "2024-06-04", "client_id": "A2",
           "amount": -500, "order_id": "O-7"}])
    clients(["A1", ("A2", "Beta Ltd", "East"), {"client_id": "A3", "potential_value": 0}])
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from reportgen.inputs.schema import ADDRESS_COLUMNS, SHEETS

#: Columns a positional tuple fills, in order, per sheet kind.
LEADING: dict[str, tuple[str, ...]] = {
    "sales": ("date", "client_id", "amount"),
    "clients": ("client_id", "name", "region", "account_manager", "potential_value"),
    "feedback": ("date", "client_id", "type", "resolved", "category"),
    "activities": ("date", "client_id", "type", "hours", "account_manager"),
    "opportunities": ("opp_id", "client_id", "title", "value", "stage"),
    "contacts": ("client_id", "name", "buying_role", "attitude"),
    "targets": ("month", "region", "sales_target"),
    "actions": ("client_id", "action", "owner", "due", "status"),
    "regions": ("region", "supervisor", "leadership_emails"),
}

#: Values a Clients row gets when the test does not say (a client must have a name and region).
_CLIENT_DEFAULTS = {"region": "East"}

_DTYPES = {
    "date": "datetime64[ns]",
    "money": "Int64",
    "int": "Int64",
    "score": "Int64",
    "number": "float64",
    "percent": "float64",
    "bool": "boolean",
}

Row = Sequence[Any] | Mapping[str, Any] | str


def month(text: str) -> pd.Period:
    """A report month: ``month("2024-06")``."""
    return pd.Period(text, freq="M")


def _as_dict(kind: str, row: Row) -> dict[str, Any]:
    """One row as a column → value dict."""
    if isinstance(row, Mapping):
        unknown = set(row) - {c.name for c in SHEETS[kind].columns}
        if unknown:
            raise KeyError(f"{kind} has no column(s) {sorted(unknown)}")
        return dict(row)
    if isinstance(row, str):
        row = (row,)
    leading = LEADING[kind]
    if len(row) > len(leading):
        raise ValueError(f"{kind} tuples fill {leading}; got {len(row)} values")
    return dict(zip(leading, row, strict=False))


def frame(kind: str, rows: Iterable[Row]) -> pd.DataFrame:
    """A canonical frame of sheet ``kind`` from ``rows`` (tuples of leading columns, or dicts)."""
    records = [_as_dict(kind, row) for row in rows]
    data: dict[str, Any] = {}
    for column in SHEETS[kind].columns:
        values = [record.get(column.name) for record in records]
        dtype = _DTYPES.get(column.type)
        if dtype is None:  # id, text, enum, month, emails: str objects or None
            data[column.name] = pd.Series(values, dtype=object)
        elif column.type == "date":
            data[column.name] = pd.Series(pd.to_datetime(values), dtype=dtype)
        else:
            data[column.name] = pd.Series(pd.array(values, dtype=dtype))
    out = pd.DataFrame(data)
    out[ADDRESS_COLUMNS[0]] = pd.Series([f"{kind}.xlsx"] * len(records), dtype=object)
    out[ADDRESS_COLUMNS[1]] = pd.Series([SHEETS[kind].label] * len(records), dtype=object)
    out[ADDRESS_COLUMNS[2]] = pd.Series(range(2, len(records) + 2), dtype="int64")
    return out


def sales(rows: Iterable[Row]) -> pd.DataFrame:
    """Sales lines: ``(date, client_id, money)`` tuples or dicts."""
    return frame("sales", rows)


def clients(rows: Iterable[Row]) -> pd.DataFrame:
    """Clients: a bare id, ``(client_id, name, region, account_manager, potential_cents)`` or dicts.

    A missing name defaults to ``"Client <id>"`` and a missing region to ``"East"``.
    """
    filled = []
    for row in rows:
        record = _as_dict("clients", row)
        record.setdefault("name", f"Client {record['client_id']}")
        for key, value in _CLIENT_DEFAULTS.items():
            if record.get(key) is None:
                record[key] = value
        filled.append(record)
    return frame("clients", filled)


def feedback(rows: Iterable[Row]) -> pd.DataFrame:
    """Feedback: ``(date, client_id, type, resolved, category)`` tuples or dicts."""
    return frame("feedback", rows)


def activities(rows: Iterable[Row]) -> pd.DataFrame:
    """Activities: ``(date, client_id, type, hours, account_manager)`` tuples or dicts."""
    return frame("activities", rows)


def opportunities(rows: Iterable[Row]) -> pd.DataFrame:
    """Opportunities: ``(opp_id, client_id, title, value_cents, stage)`` tuples or dicts."""
    return frame("opportunities", rows)


def contacts(rows: Iterable[Row]) -> pd.DataFrame:
    """Contacts: ``(client_id, name, buying_role, attitude)`` tuples or dicts."""
    return frame("contacts", rows)


def targets(rows: Iterable[Row]) -> pd.DataFrame:
    """Targets: ``(month "YYYY-MM", region, sales_target_cents)`` tuples or dicts."""
    return frame("targets", rows)


def monthly_sales(
    client_id: str, amounts: Mapping[str, int], day: int = 15
) -> list[dict[str, Any]]:
    """Sales rows for one client: ``{"2024-01": 100, ...}`` → one line on ``day`` of each month."""
    return [
        {"date": f"{ym}-{day:02d}", "client_id": client_id, "amount": cents}
        for ym, cents in amounts.items()
    ]
