"""Clients by lifecycle stage: the new clients, the at-risk clients and the clients lost in M."""

from __future__ import annotations

from typing import Any

from reportgen import i18n
from reportgen.analysis.tiers import KEY_TIERS
from reportgen.documents import fmt
from reportgen.documents.pack.clients import LIST_LIMIT, client_base, ranked_ids
from reportgen.documents.pack.context import Ctx
from reportgen.documents.pack.values import Row, as_int, as_py
from reportgen.documents.pack.words import _


def new_client_section(ctx: Ctx) -> dict[str, Any]:
    """New clients of M−2..M with their sales since the first purchase."""
    life = ctx.analysis.life
    frame = ctx.clients[ctx.clients["stage"] == "new"]
    since = _sales_since(ctx, frame.index.tolist())
    first = life["first_purchase"]
    order = sorted(frame.index, key=lambda i: (-(since.get(i) or 0), str(i)))
    shown = [
        {**client_base(ctx, str(i)), "first_purchase": as_py(first.get(i)),
         "in_month": bool(life.at[i, "is_new_in_month"]), "sales_since": since.get(i, 0)}
        for i in order[:LIST_LIMIT]
    ]
    more = max(len(order) - LIST_LIMIT, 0)
    row = ctx.row
    return {
        "rows": shown, "more": more,
        "new_in_month": row.get("new_clients"),
        "new_in_month_sales": row.get("new_client_sales"),
        "target": row.get("new_clients_target"),
        "mark": row.get("rag_new_clients"),
        "new_3m": row.get("new_clients_3m"),
        "new_3m_sales": row.get("new_clients_3m_sales"),
        "months": ctx.config.lifecycle.new_months,
        "since_month": str(ctx.month - (ctx.config.lifecycle.new_months - 1)),
    }


def _sales_since(ctx: Ctx, ids: list[Any]) -> dict[Any, int]:
    """Net sales of each client from its first purchase to the end of M (the KPI's rule)."""
    if not ids:
        return {}
    sales = ctx.dataset.table("sales")
    lines = sales[sales["client_id"].isin(ids) & sales["date"].notna() & sales["amount"].notna()]
    first = ctx.analysis.life["first_purchase"]
    end = ctx.month.end_time.normalize()
    start = lines["client_id"].map(first)
    keep = (lines["date"] >= start) & (lines["date"] <= end)
    sums = lines.loc[keep].groupby("client_id")["amount"].sum()
    return {i: int(sums.get(i, 0)) for i in ids}


def _reasons(ctx: Ctx, client_id: str) -> list[str]:
    """A client's at-risk reasons in words, with the figures behind them."""
    life = ctx.analysis.life.loc[client_id]
    lang = ctx.lang
    out = []
    for code in life["risk_reasons"] or []:
        if code == "sales_drop":
            ratio = life["sales_ratio"]
            # A small share needs its decimal: "0%" would read as no sales at all.
            digits = 1 if not fmt.is_blank(ratio) and abs(ratio) < 0.1 else 0
            out.append(_("Sales of the last 3 months at %(ratio)s of a year before", lang,
                          ratio=fmt.pct(ratio, digits, lang)))
        elif code == "purchase_gap":
            out.append(_("No purchase for %(days)s days (usual gap %(gap)s days)", lang,
                          days=fmt.number(life["days_since_last_purchase"], 0, lang),
                          gap=fmt.number(life["median_gap_days"], 0, lang)))
        elif code == "open_complaint":
            out.append(_("Unresolved complaints: %(count)s", lang,
                          count=fmt.number(life["open_complaints"], 0, lang)))
        elif code == "over_credit":
            currency = ctx.config.format.currency
            out.append(_("Receivables %(receivables)s over the credit limit %(limit)s", lang,
                          receivables=fmt.money(life["receivables"], currency, lang),
                          limit=fmt.money(life["credit_limit"], currency, lang)))
        else:
            out.append(str(code))
    return out


def _at_risk_row(ctx: Ctx, client_id: str) -> Row:
    life = ctx.analysis.life.loc[client_id]
    return {
        **client_base(ctx, client_id),
        "key_account": ctx.clients.at[client_id, "tier"] in KEY_TIERS,
        "last_purchase": as_py(life["last_purchase"]),
        "recent_sales": as_int(life["recent_sales"]),
        "reasons": _reasons(ctx, client_id),
    }


def risk_section(ctx: Ctx) -> dict[str, Any]:
    """At-risk clients (key accounts first, by current value, with reasons); clients lost in M."""
    clients, life = ctx.clients, ctx.analysis.life
    at_risk = clients[clients["stage"] == "at_risk"]
    is_key = at_risk["tier"].isin(KEY_TIERS).to_numpy(dtype=bool)
    key_ids, rest_ids = ranked_ids(at_risk[is_key]), ranked_ids(at_risk[~is_key])
    # Rows only for what is shown: an all-regions pack may have thousands of at-risk clients.
    ordered = [*key_ids, *rest_ids]
    shown = [_at_risk_row(ctx, i) for i in ordered[:LIST_LIMIT]]
    lost_ids = clients.index[life.reindex(clients.index)["lost_in_month"].astype(bool)
                             .to_numpy(dtype=bool)]
    lost_frame = clients.loc[lost_ids].assign(lost_value=life.loc[lost_ids, "lost_value"])
    lost_order = ranked_ids(lost_frame, "lost_value")
    lost_rows = []
    for client_id in lost_order[:LIST_LIMIT]:
        previous = as_py(clients.at[client_id, "previous_tier"])
        lost_rows.append({
            **client_base(ctx, client_id),
            "previous_tier_label": i18n.label("tier", previous, ctx.lang),
            "last_purchase": as_py(life.at[client_id, "last_purchase"]),
            "lost_value": as_int(life.at[client_id, "lost_value"]),
        })
    values = at_risk["current_value"].astype("Int64").fillna(0)
    return {
        "at_risk": shown,
        "at_risk_more": max(len(ordered) - LIST_LIMIT, 0),
        "at_risk_count": len(ordered),
        "at_risk_value": int(values.sum()),
        "key_count": len(key_ids),
        "key_value": int(values[is_key].sum()),
        "lost": lost_rows,
        "lost_more": max(len(lost_order) - LIST_LIMIT, 0),
        "lost_count": len(lost_order),
        "lost_value": int(lost_frame["lost_value"].astype("Int64").fillna(0).sum()),
        "lost_known": ctx.row.get("lost_clients") is not None,
    }
