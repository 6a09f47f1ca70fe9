"""One plan's inputs: the client's rows of every table, the month, the formatters.

:class:`Context` is what every section of the plan is built from: the client's tiers.xlsx row
(``analysis.clients``), its lifecycle row and Clients sheet row, the report month as an
ordinal, and its rows of any other table. The indexes behind it (each table's row positions per
client, the Sales table as arrays) are built once per table and reused for every client of the
run. The small converters at the end turn spreadsheet cells into the plain JSON data the
view-model holds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import numpy as np
import pandas as pd

from reportgen.analysis.periods import day_ordinal, month_end, ordinal
from reportgen.analysis.pipeline import Analysis
from reportgen.documents import fmt
from reportgen.documents.cut import TEXT_CHARS, cut
from reportgen.errors import DataError
from reportgen.i18n import N_
from reportgen.inputs.config import Config
from reportgen.inputs.model import Dataset

T = TypeVar("T")


@dataclass(frozen=True)
class Sales:
    """The Sales table as arrays, with each client's line positions (built once per table)."""

    by_client: dict[str, np.ndarray]
    month: np.ndarray
    amount: np.ndarray
    gross_profit: np.ndarray
    gp_known: np.ndarray
    product: np.ndarray
    has_product: bool


@dataclass(frozen=True)
class Context:
    """One plan's inputs: the client's rows of every table, the month and the formatters."""

    analysis: Analysis
    dataset: Dataset
    config: Config
    lang: str
    currency: str
    client_id: str
    row: Mapping[Any, Any]  # the tiers.xlsx row (analysis.clients)
    life: pd.Series  # the lifecycle row
    client: Mapping[Any, Any]  # the Clients sheet row
    last: int  # M as a month ordinal
    end_day: int  # the last day of M as a day ordinal

    @classmethod
    def make(cls, analysis: Analysis, dataset: Dataset, client_id: str, config: Config,
             lang: str) -> Context:
        """The context of the plan for ``client_id``; DataError when there is no such client."""
        rows = _by_id(analysis.clients)
        if client_id not in rows:
            raise DataError(N_(
                "there is no client %(id)s in the Clients sheet: check the --client option "
                "against the client_id column", id=repr(client_id)))
        clients = dataset.table("clients")
        client = clients.iloc[int(_table_rows(clients, "clients")[client_id][0])].to_dict()
        return cls(
            analysis=analysis, dataset=dataset, config=config, lang=lang,
            currency=config.format.currency, client_id=client_id,
            row=analysis.clients.iloc[rows[client_id]].to_dict(),
            life=cast(pd.Series, analysis.life.loc[client_id]), client=client,
            last=ordinal(analysis.month), end_day=day_ordinal(month_end(analysis.month)),
        )

    def money(self, stored: Any) -> str:
        """An amount as the documents write it."""
        return fmt.money(stored, self.currency, self.lang)

    def pct(self, fraction: Any, digits: int = 1) -> str:
        """A share as a percentage."""
        return fmt.pct(fraction, digits, self.lang)

    def date(self, value: Any) -> str:
        """A day in words."""
        return fmt.date_label(value, self.lang)

    def rows(self, kind: str) -> pd.DataFrame | None:
        """The client's rows of a table; None when the input had no such sheet."""
        if not self.dataset.has(kind):
            return None
        table = self.dataset.table(kind)
        positions = _table_rows(table, kind).get(self.client_id)
        if positions is None:
            return table.iloc[0:0]
        return table.iloc[positions]

    def sales(self) -> Sales:
        """The Sales table as arrays (cached per table)."""
        return _sales_arrays(self.dataset.table("sales"), self.dataset.has_column("sales",
                                                                                   "product"))


# One entry per key, valid while the frame it was built from is the same object (and the tag,
# the report month say, is equal): a plan run builds each index once and reuses it for every
# client - a per-client scan of a million sales lines would not scale - and a long-running
# process (watch) holds at most one generation of indexes.
_CACHE: dict[str, tuple[object, object, Any]] = {}


def cached(key: str, owner: object, build: Callable[[], T], tag: object = None) -> T:
    """``build()``, reused while ``owner`` is the same object and ``tag`` is equal."""
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is owner and hit[1] == tag:
        return cast(T, hit[2])
    value = build()
    _CACHE[key] = (owner, tag, value)
    return value


def _table_rows(table: pd.DataFrame, kind: str) -> dict[str, np.ndarray]:
    """Row positions of the ``kind`` table per client_id."""
    return cached(f"rows:{kind}", table,
                  lambda: {str(client_id): np.asarray(rows) for client_id, rows
                           in table.groupby("client_id", sort=False).indices.items()})


def _by_id(clients: pd.DataFrame) -> dict[str, int]:
    """Position of each client_id in ``analysis.clients``."""
    return cached("by_id", clients,
                  lambda: {c: i for i, c in enumerate(clients["client_id"].tolist())})


def _sales_arrays(sales: pd.DataFrame, has_product: bool) -> Sales:
    def build() -> Sales:
        dates = sales["date"].to_numpy(dtype="datetime64[ns]")
        months = dates.astype("datetime64[M]").astype(np.int64)
        amount = sales["amount"].to_numpy(dtype=np.int64, na_value=0)
        profit = column(sales, "profit", "Int64").astype("Int64")
        cost = column(sales, "cost", "Int64").astype("Int64")
        p_known = profit.notna().to_numpy(dtype=bool)
        c_known = cost.notna().to_numpy(dtype=bool)
        gp = np.where(p_known, profit.to_numpy(dtype=np.int64, na_value=0),
                      amount - cost.to_numpy(dtype=np.int64, na_value=0))
        return Sales(
            by_client=_table_rows(sales, "sales"), month=months, amount=amount, gross_profit=gp,
            gp_known=p_known | c_known,
            product=column(sales, "product").to_numpy(dtype=object), has_product=has_product,
        )

    return cached("sales", sales, build, tag=has_product)


def column(frame: pd.DataFrame, name: str, dtype: str = "object") -> pd.Series:
    """A column of ``frame``; all blank (of ``dtype``) when the sheet has no such column."""
    if name in frame.columns:
        return frame[name]
    return pd.Series([None] * len(frame), index=frame.index, dtype=dtype)


def blank(value: Any) -> bool:
    """Whether a cell is blank: None, NA, NaT, NaN or infinite (:func:`fmt.is_blank`)."""
    return fmt.is_blank(value)


def int_or(value: Any, default: Any) -> Any:
    """A cell as int, ``default`` when blank."""
    return default if blank(value) else int(value)


def float_or_none(value: Any) -> float | None:
    """A cell as float, None when blank."""
    return None if blank(value) else float(value)


def text_or_none(value: Any, limit: int = TEXT_CHARS) -> str | None:
    """Spreadsheet text as str, cut to ``limit`` characters with "…"; None when blank."""
    if blank(value):
        return None
    text = str(value).strip()
    return cut(text, limit) if text else None


def source(rows: pd.DataFrame | None) -> dict[str, str] | None:
    """The file and sheet the rows came from, when they all came from one sheet."""
    if rows is None or rows.empty or not {"_file", "_sheet"} <= set(rows.columns):
        return None
    places = set(zip(rows["_file"].astype(str), rows["_sheet"].astype(str), strict=True))
    if len(places) != 1:
        return None
    file, sheet = places.pop()
    return {"file": file, "sheet": sheet}


def iso(value: Any) -> str | None:
    """A date as "YYYY-MM-DD", None when blank."""
    return None if blank(value) else pd.Timestamp(value).strftime("%Y-%m-%d")
