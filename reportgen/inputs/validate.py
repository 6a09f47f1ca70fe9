"""Checks across the loaded tables, after every sheet has been read and typed.

The steps, each a function over DataFrames: duplicate ids are skipped (the first row of an id
is kept); sales lines are checked for exact repeats, returns written with a positive amount
and amounts that differ from quantity × unit price; rows whose client is not in the client
list are skipped; and, when there is no Clients sheet, the client list is derived from the
sales lines. Last, skipped rows without a region of their own take their client's region.

A skipped row is a warning naming the row's client and region (SPEC, "Bad input"); nothing
here touches the disk or raises for bad data.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TypedDict, cast

import numpy as np
import pandas as pd

from reportgen.i18n import N_, Term
from reportgen.inputs.issues import Issue, IssueLog, Severity, where
from reportgen.inputs.schema import (
    FILE,
    MONEY_SCALE,
    ROW,
    SHEET,
    SHEETS,
    SheetKind,
    blank_column,
    column_term,
)
from reportgen.inputs.values.cells import show


class RowOwner(TypedDict, total=False):
    """Who a row belongs to: the keyword arguments of :class:`Issue` it fills in."""

    client_id: str
    region: str


def row_owner(df: pd.DataFrame, i: int) -> RowOwner:
    """The client and region a row names, for attributing a skipped row to a region."""
    def named(name: str) -> str:
        value = df[name].iloc[i] if name in df.columns else None
        return value if isinstance(value, str) else ""

    owner: RowOwner = {}
    if client_id := named("client_id"):
        owner["client_id"] = client_id
    if region := named("region"):
        owner["region"] = region
    return owner


def attribute_regions(issues: list[Issue], clients: pd.DataFrame | None) -> list[Issue]:
    """Skipped rows without a region of their own take their client's region."""
    if clients is None:
        return issues
    regions = dict(zip(clients["client_id"], clients["region"], strict=True))
    out = []
    for issue in issues:
        if not issue.region and issue.client_id and isinstance(
                regions.get(issue.client_id), str):
            issue = dataclasses.replace(issue, region=regions[issue.client_id])
        out.append(issue)
    return out


def skip_rows(df: pd.DataFrame, mask: np.ndarray, log: IssueLog, message_for, *,
              column: str, hint: str, code: str, money: str | None = None) -> pd.DataFrame:
    """Drop the rows in ``mask``, each with a warning built by ``message_for(row)``."""
    if not mask.any():
        return df
    sub = df.loc[mask].reset_index(drop=True)
    for position, (_, row) in enumerate(sub.iterrows()):
        amount = None
        if money is not None and not pd.isna(row[money]):
            amount = int(row[money])
        log.add(Issue(
            Severity.WARNING, N_("%(problem)s; the row was skipped", problem=message_for(row)),
            file=row[FILE], sheet=row[SHEET], row=int(row[ROW]), column=column,
            value=str(row.get(column, ""))[:60] if column in row else "",
            hint=hint, code=code, money=amount, skipped=True,
            **row_owner(sub, position),
        ))
    return df.loc[~mask].reset_index(drop=True)


class _Place(Term):
    """Where a row is, in the language the line is shown in."""

    def __init__(self, file: str, sheet: str, row: int) -> None:
        super().__init__(where("en", file=file, sheet=sheet, row=row))
        self.words = {"zh": where("zh", file=file, sheet=sheet, row=row)}


#: What a duplicate id denotes, in the message.
_ID_LABELS = {"client": N_("client"), "opportunity": N_("opportunity")}


def drop_duplicate_ids(df: pd.DataFrame, id_col: str, label: str, log: IssueLog) -> pd.DataFrame:
    """Keep the first row of each id; later rows with the same id are skipped with a warning."""
    dup = df.duplicated(id_col, keep="first").to_numpy()
    if not dup.any():
        return df
    first = df.drop_duplicates(id_col, keep="first").set_index(id_col)

    noun = _ID_LABELS.get(label, label)

    def message(row: pd.Series) -> str:
        f = first.loc[row[id_col]]
        return N_('duplicate %(column)s "%(id)s": the same %(noun)s is already at %(place)s',
                  column=column_term(id_col), id=show(row[id_col]), noun=noun,
                  place=_Place(f[FILE], f[SHEET], int(f[ROW])))

    return skip_rows(df, dup, log, message, column=id_col,
                     hint=N_("give each %(noun)s one row with a unique %(column)s", noun=noun,
                             column=column_term(id_col)),
                     code="duplicate_id", money="value" if "value" in df.columns else None)


def check_sales(sales: pd.DataFrame, log: IssueLog) -> pd.DataFrame:
    """Sales-line checks that do not drop rows: duplicates, returns, amount vs price."""
    canonical = [c.name for c in SHEETS["sales"].columns]
    dup = sales.duplicated(canonical, keep=False).to_numpy()
    if dup.any():
        firsts = sales.loc[dup].drop_duplicates(canonical, keep="first")
        repeats = sales.loc[dup & sales.duplicated(canonical, keep="first").to_numpy()]
        for _, row in repeats.iterrows():
            log.warning(
                N_("this sales line repeats an earlier line exactly; both were kept"),
                file=row[FILE], sheet=row[SHEET], row=int(row[ROW]),
                hint=N_("delete one of them if it was entered twice"),
                code="duplicate_sales_line")
        del firsts
    qty = sales["quantity"]
    neg_qty = (qty < 0).fillna(False).to_numpy() & (sales["amount"] > 0).fillna(False).to_numpy()
    if neg_qty.any():
        sales = sales.copy()
        sales.loc[neg_qty, "amount"] = -sales.loc[neg_qty, "amount"]
        for _, row in sales.loc[neg_qty].iterrows():
            log.warning(
                N_("negative quantity with a positive amount: read as a return (amount made "
                   "negative)"),
                file=row[FILE], sheet=row[SHEET], row=int(row[ROW]), column="amount",
                hint=N_("write returns with a negative amount"), code="return_sign")
    price = sales["unit_price"]
    has_both = qty.notna() & price.notna()
    if has_both.any():
        expected = (qty[has_both] * price[has_both] * MONEY_SCALE).round()
        actual = sales.loc[has_both, "amount"].astype("float64").abs()
        off = (expected.abs() - actual).abs() > np.maximum(MONEY_SCALE, actual * 0.01)
        off_idx = off[off].index
        if len(off_idx):
            first = sales.loc[off_idx[0]]
            log.warning(
                N_("on %(count)s sales line(s) the amount differs from quantity × unit price by "
                   "more than 1%%; the amount was taken as given", count=f"{len(off_idx):,}"),
                file=first[FILE], sheet=first[SHEET], row=int(first[ROW]), column="amount",
                hint=N_("this is normal with discounts; otherwise check the amounts"),
                code="amount_vs_price")
    return sales


def derive_clients(sales: pd.DataFrame, log: IssueLog, month: pd.Period | None) -> pd.DataFrame:
    """The client list from the sales lines, for a ledger without a Clients sheet.

    Name: the latest one. Region and manager: the one with the largest net amount over the
    12 months ending with the report month, else over all history; ties go to the latest
    purchase.
    """
    s = sales[["client_id", "client_name", "region", "account_manager", "date", "amount",
               FILE, SHEET, ROW]].copy()
    if month is None:
        month = s["date"].max().to_period("M")
    ordered = s.sort_values(["date", FILE, ROW], kind="stable")
    # "last" takes each client's last non-blank name (a groupby in C, not a lambda per client).
    latest = ordered.groupby("client_id", sort=True).agg(
        name=("client_name", "last"),
        first_file=(FILE, "first"), first_sheet=(SHEET, "first"), first_row=(ROW, "first"),
    )
    latest["name"] = latest["name"].astype(object).where(latest["name"].notna(), None)
    start = (month - 11).start_time
    end = month.end_time
    in_window = (s["date"] >= start) & (s["date"] <= end)

    def pick(attr: str) -> pd.Series:
        sub = s[s[attr].notna()]
        result = pd.Series(index=latest.index, dtype="object")
        for scope in (sub[in_window[sub.index]], sub):
            g = scope.groupby(["client_id", attr], sort=False).agg(
                net=("amount", "sum"), last=("date", "max"))
            g = g.reset_index().sort_values(["client_id", "net", "last"],
                                            ascending=[True, False, False], kind="stable")
            best = g.drop_duplicates("client_id").set_index("client_id")[attr]
            result = result.fillna(best.reindex(result.index))
        return result

    clients = pd.DataFrame({
        "client_id": latest.index,
        "name": latest["name"].to_numpy(),
        "region": pick("region").to_numpy(),
        "account_manager": pick("account_manager").to_numpy(),
    })
    for col in SHEETS["clients"].columns:
        if col.name not in clients.columns:
            clients[col.name] = blank_column(col, len(clients))
    clients[FILE] = latest["first_file"].to_numpy()
    clients[SHEET] = latest["first_sheet"].to_numpy()
    clients[ROW] = latest["first_row"].to_numpy()
    no_region = clients["region"].isna().to_numpy()
    if no_region.any():
        for _, row in clients.loc[no_region].iterrows():
            log.warning(
                N_('client "%(id)s" has no region on any sales line; it is reported under '
                   'region "(none)"', id=show(row["client_id"])),
                file=row[FILE], sheet=row[SHEET], row=int(row[ROW]), column="region",
                hint=N_("fill in the region on the sales lines or add a Clients sheet"),
                code="no_region")
        clients.loc[no_region, "region"] = "(none)"
    clients["name"] = clients["name"].where(clients["name"].notna(), clients["client_id"])
    log.warning(
        N_("there is no Clients sheet: the list of %(count)s clients was derived from the "
           "sales lines, and their potential values are unknown, so no client can be high "
           "potential and there will be no Major accounts", count=f"{len(clients):,}"),
        hint=N_("add a Clients sheet with %(column)s to get Major accounts",
                column=column_term("potential_value")),
        code="clients_derived",
    )
    return clients


def drop_unknown_clients(df: pd.DataFrame, kind: SheetKind, known: pd.Index, log: IssueLog,
                         money: str | None) -> pd.DataFrame:
    """Rows whose client_id is not in the client list are skipped with a warning."""
    unknown = (~df["client_id"].isin(known)).to_numpy()
    return skip_rows(
        df, unknown, log,
        lambda row: N_('%(column)s "%(id)s" is not in the client list',
                       column=column_term("client_id"), id=show(row["client_id"])),
        column="client_id",
        hint=N_("add the client to the Clients sheet, or correct the id"),
        code="unknown_client", money=money,
    )


#: The largest total of absolute amounts a table may hold (2.3 trillion currency units): any sum
#: the analysis forms from its lines (a region's month, a client's year, sales minus costs), and
#: twice it (a division rounded half up), stays within int64.
MONEY_TOTAL_LIMIT = 2**61


def check_money_totals(tables: dict[str, pd.DataFrame], log: IssueLog,
                       headers: Mapping[tuple[str, str], Mapping[str, str]]) -> None:
    """An error, naming the sheet and column, when a table's amounts could overflow int64.

    The column is named as the sheet's header writes it (``headers``: per file and sheet, the
    header text of each canonical column), as every other message about a cell does.

    Each line is below ``values.amounts.MONEY_LIMIT``; only an absurd ledger (millions of
    lines near a trillion) gets here, and then no figure is computed rather than a wrong one.
    """
    for kind_name, df in tables.items():
        kind = SHEETS.get(kind_name)
        if kind is None:
            continue
        columns = [c.name for c in kind.columns if c.type == "money" and c.name in df.columns]
        sizes = {c: np.abs(df[c].astype("Float64").fillna(0).to_numpy(dtype=np.float64))
                 for c in columns}
        # All money columns together (sales minus costs is a sum too). A float bound is
        # enough: the limit is a quarter of int64's range.
        if sum(float(size.sum()) for size in sizes.values()) < MONEY_TOTAL_LIMIT:
            continue
        # The address: the largest column, in the sheet holding the largest part of it.
        column = max(columns, key=lambda c: float(sizes[c].sum()))
        parts = pd.Series(sizes[column]).groupby(
            [df[FILE].to_numpy(), df[SHEET].to_numpy()]).sum()
        file, sheet = cast(tuple[str, str], parts.idxmax())
        log.error(
            N_("the amounts of this sheet add up to more than %(limit)s, more than reportgen "
               "can add exactly; nothing was computed",
               limit=f"{MONEY_TOTAL_LIMIT // MONEY_SCALE:,}"),
            file=str(file), sheet=str(sheet),
            column=headers.get((str(file), str(sheet)), {}).get(column, column),
            hint=N_("check the amounts for extra digits, or split the ledger by year"),
            code="amounts_too_large")
