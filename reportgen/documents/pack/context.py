"""What every section of the pack starts from: the region's slice of the analysis.

:func:`context` builds the :class:`Ctx` the sections read; :func:`pack_regions` says which
regions get a pack and :func:`region_supervisor` who leads one.

* **The region's figures** are its row of ``analysis.kpis.by_region`` (``ALL`` for the
  leadership pack) and its managers' rows of ``by_manager``; client lists (at-risk, lost, new,
  upgrades, quadrant, Pareto, tier pyramid) take the clients whose region is the region.
  Value tiers are company-wide: a region's pack shows its clients' company-wide tiers.
* **Prior month and prior year** of the figures the KPI tables carry only for M (gross profit,
  orders, new clients ...) come from the same :func:`~reportgen.analysis.kpis.month_kpis`
  run for M−1 and M−12 with that month's tiers and lifecycle, so every comparison follows the
  KPI rules (blank before the first data month). The opportunity pipeline is a snapshot: it
  has no prior figures. Those two runs are shared by every pack of a run (a small memo keyed
  on the dataset object), because they cost as much as the analysis itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from reportgen.analysis.kpis import KpiTables, month_kpis
from reportgen.analysis.lifecycle import lifecycle
from reportgen.analysis.tiers import tier_migration, value_tiers
from reportgen.documents.cut import TITLE_CHARS, cut
from reportgen.documents.pack.values import as_py
from reportgen.documents.pack.words import _
from reportgen.inputs.config import Config
from reportgen.inputs.model import Dataset

_T = TypeVar("_T")


@dataclass(frozen=True)
class Ctx:
    """What every section needs: the inputs, the region's slice and the language."""

    analysis: Any
    dataset: Dataset
    config: Config
    lang: str
    region: str | None
    region_label: str
    month: pd.Period
    #: The region's row of by_region (ALL for the leadership pack).
    row: Mapping[str, Any]
    #: analysis.clients restricted to the region, indexed by client_id.
    clients: pd.DataFrame
    #: The same row for M−1 and M−12 (None when that month is before the data).
    prev: Mapping[str, Any] | None
    last_year: Mapping[str, Any] | None


def pack_regions(analysis: Any) -> list[str]:
    """The regions that get a pack: every region of the KPI table except the overall row."""
    regions = analysis.kpis.by_region["region"].tolist()
    # The overall row is always last, so a region that happens to be called "ALL" keeps its pack.
    return [str(r) for r in regions[:-1]]


def _region_row(kpis: KpiTables, region: str | None) -> Mapping[str, Any]:
    """The region's KPI row (the last, overall row for None) as plain values."""
    frame = kpis.by_region
    if region is None:
        series = frame.iloc[-1]
    else:
        positions = np.flatnonzero(frame["region"].iloc[:-1].to_numpy(dtype=object) == region)
        if len(positions) == 0:
            known = ", ".join(str(r) for r in frame["region"].iloc[:-1])
            raise ValueError(f"there is no region {region!r} in the month's figures ({known})")
        series = frame.iloc[int(positions[0])]
    return {str(k): as_py(v) for k, v in series.items()}


def context(
    analysis: Any, dataset: Dataset, region: str | None, config: Config, lang: str
) -> Ctx:
    """Slice the analysis to the region and fetch the comparison months' KPI rows."""
    month = analysis.month
    row = _region_row(analysis.kpis, region)
    clients = analysis.clients.set_index("client_id", drop=False)
    if region is not None:
        clients = clients[clients["region"].to_numpy(dtype=object) == region]
    first = analysis.kpis.first_data_month

    def at(offset: int) -> Mapping[str, Any] | None:
        when = month - offset
        if first is None or when < first:
            return None
        tables = memo(("kpis", str(when)), dataset, config,
                       lambda: _kpis_at(dataset, config, when))
        try:
            return _region_row(tables, region)
        except ValueError:  # the region had no client and no line yet
            return None

    return Ctx(
        analysis=analysis, dataset=dataset, config=config, lang=lang, region=region,
        region_label=_("All regions", lang) if region is None else cut(region, TITLE_CHARS),
        month=month, row=row, clients=clients, prev=at(1), last_year=at(12),
    )


#: Computations every pack of a run shares, keyed on the dataset and config objects.
_MEMO: dict[tuple[Any, ...], tuple[Dataset, Config, Any]] = {}
_MEMO_SIZE = 12


def memo(key: tuple[Any, ...], dataset: Dataset, config: Config, compute: Callable[[], _T]) -> _T:
    """``compute()``, remembered for this dataset and config (which the entry keeps alive)."""
    full = (id(dataset), id(config), *key)
    hit = _MEMO.get(full)
    # Holding the objects means their ids cannot be reused while the entry exists.
    if hit is not None and hit[0] is dataset and hit[1] is config:
        return hit[2]
    value = compute()
    while len(_MEMO) >= _MEMO_SIZE:
        _MEMO.pop(next(iter(_MEMO)))
    _MEMO[full] = (dataset, config, value)
    return value


def optional(dataset: Dataset, kind: str) -> pd.DataFrame | None:
    """The dataset's table of ``kind``, None when the inputs have no such sheet."""
    return dataset.table(kind) if dataset.has(kind) else None


def _kpis_at(dataset: Dataset, config: Config, month: pd.Period) -> KpiTables:
    """The month KPIs of another month, computed as the pipeline computes M's (no pipeline)."""
    sales, clients = dataset.table("sales"), dataset.table("clients")
    feedback = optional(dataset, "feedback")
    life = lifecycle(sales, clients, feedback, month, config.lifecycle)
    tiers = value_tiers(sales, clients, month, config.tiers)
    migration = tier_migration(sales, clients, month, config.tiers, life, current=tiers)
    kpi_tiers = tiers.join(migration[["previous_tier", "migration"]])
    return month_kpis(sales, clients, kpi_tiers, life, None, feedback,
                      optional(dataset, "targets"), month, config)


def region_supervisor(dataset: Dataset, region: str | None) -> str | None:
    """The region's supervisor from the Regions sheet, if it names one."""
    if region is None or not dataset.has("regions"):
        return None
    table = dataset.table("regions")
    if "supervisor" not in table.columns:
        return None
    for name, supervisor in zip(table["region"], table["supervisor"], strict=True):
        if name == region and isinstance(supervisor, str) and supervisor.strip():
            return supervisor.strip()
    return None
