"""The analysis of one month: the report month, then every figure the documents show.

``analyse`` is pure: the loaded :class:`~reportgen.inputs.model.Dataset`, the configuration
and the report month in, an :class:`Analysis` out. The workbooks written from it are in
:mod:`reportgen.outputs.workbooks`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from reportgen.analysis.deals import month_deals
from reportgen.analysis.drivers import bridges
from reportgen.analysis.kpis import KpiTables, month_kpis
from reportgen.analysis.landing import year_landing
from reportgen.analysis.lifecycle import lifecycle
from reportgen.analysis.screen import screen_opportunities
from reportgen.analysis.tiers import (
    THRESHOLD_ATTR,
    effort_vs_value,
    manager_capacity,
    migration_matrix,
    tier_migration,
    tiers_sheet,
    transactional_key_accounts,
    value_tiers,
)
from reportgen.errors import DataError
from reportgen.i18n import N_
from reportgen.inputs.config import Config
from reportgen.inputs.issues import Issue, Severity
from reportgen.inputs.model import Dataset
from reportgen.inputs.schema import rounded_units


@dataclass(frozen=True)
class Analysis:
    """Everything the month's workbooks and documents show, computed once."""

    month: pd.Period
    #: One row per client: tiers.xlsx's columns, then the detail columns.
    clients: pd.DataFrame
    #: value_tiers' frame, indexed by client_id (carries the high-potential threshold).
    tiers: pd.DataFrame
    #: lifecycle's frame, indexed by client_id.
    life: pd.DataFrame
    migration: pd.DataFrame
    matrix: pd.DataFrame
    capacity: pd.DataFrame
    effort: pd.DataFrame | None
    transactional: pd.DataFrame
    #: The screened opportunities, or None without an Opportunities sheet.
    opportunities: pd.DataFrame | None
    kpis: KpiTables
    #: The month's bridges (:mod:`~reportgen.analysis.drivers`): one row per contribution.
    drivers: pd.DataFrame
    #: Year-end landing, year target and pipeline coverage per region and ALL
    #: (:mod:`~reportgen.analysis.landing`).
    landing: pd.DataFrame
    #: The open opportunities the coverage counts, or None without an Opportunities sheet.
    pipeline_rest: pd.DataFrame | None
    #: The deals won or lost in M (:mod:`~reportgen.analysis.deals`), or None without the sheet.
    deals: pd.DataFrame | None
    #: Notes about the month itself (a partial month, say).
    notes: tuple[Issue, ...] = ()

    @property
    def high_potential_threshold(self) -> int | None:
        """The smallest class-A current value, stored money (None without class A)."""
        value = self.tiers.attrs.get(THRESHOLD_ATTR)
        return None if value is None else int(value)


def latest_sales_month(sales: pd.DataFrame) -> pd.Period | None:
    """The latest month with a sales line."""
    dates = sales["date"].dropna()
    return None if dates.empty else dates.max().to_period("M")


def resolve_month(dataset: Dataset, requested: str | None) -> tuple[pd.Period, tuple[Issue, ...]]:
    """The report month: the one asked for, else the latest with sales (warned when partial)."""
    sales = dataset.table("sales")
    latest = latest_sales_month(sales)
    if latest is None:
        raise DataError(N_("there are no usable sales lines, so there is no month to report"))
    if requested is not None:
        month = pd.Period(requested, "M")
        first = sales["date"].min().to_period("M")
        if month < first:
            raise DataError(N_(
                "--month %(month)s is before the first sales line (%(first)s); choose a month "
                "from %(first)s to %(latest)s", month=requested, first=first, latest=latest))
        return month, ()
    monthly = sales.groupby(sales["date"].dt.to_period("M"))["amount"].sum()
    year_before = monthly[(monthly.index >= latest - 12) & (monthly.index <= latest - 1)]
    notes: list[Issue] = []
    if len(year_before):
        median = float(np.median(year_before.to_numpy(dtype="float64")))
        current = float(monthly.get(latest, 0))
        if median > 0 and current < median / 2:
            notes.append(Issue(
                Severity.WARNING,
                N_("%(month)s looks incomplete: its sales (%(sales)s) are under half the "
                   "median month of the year before (%(median)s)", month=latest,
                   sales=f"{rounded_units(current):,.2f}",
                   median=f"{rounded_units(median):,.2f}"),
                hint=N_("if the month is not closed yet, report the last full one: --month "
                        "%(previous)s", previous=latest - 1),
                code="partial_month",
            ))
    return latest, tuple(notes)


def _optional(dataset: Dataset, kind: str) -> pd.DataFrame | None:
    return dataset.table(kind) if dataset.has(kind) else None


def analyse(dataset: Dataset, config: Config, month: pd.Period,
            notes: tuple[Issue, ...] = ()) -> Analysis:
    """Tiers, migration, lifecycle, the opportunity screen and the KPIs for ``month``."""
    sales = dataset.table("sales")
    clients = dataset.table("clients")
    feedback = _optional(dataset, "feedback")
    life = lifecycle(sales, clients, feedback, month, config.lifecycle)
    tiers = value_tiers(sales, clients, month, config.tiers)
    migration = tier_migration(sales, clients, month, config.tiers, life, current=tiers)
    sheet = tiers_sheet(clients, tiers, migration, life)
    opportunities = None
    if dataset.has("opportunities"):
        contacts = _optional(dataset, "contacts")
        if contacts is not None and not dataset.has_column("contacts", "attitude"):
            contacts = None
        opportunities = screen_opportunities(
            dataset.table("opportunities"), clients, contacts, config.screen)
    kpi_tiers = tiers.join(migration[["previous_tier", "migration"]])
    kpis = month_kpis(sales, clients, kpi_tiers, life, opportunities, feedback,
                      _optional(dataset, "targets"), month, config)
    raw_opportunities = _optional(dataset, "opportunities")
    landing, pipeline_rest = year_landing(
        sales, clients, _optional(dataset, "targets"), opportunities, raw_opportunities, kpis,
        month, config.coverage)
    return Analysis(
        month=month,
        clients=sheet,
        tiers=tiers,
        life=life,
        migration=migration,
        matrix=migration_matrix(migration),
        capacity=manager_capacity(tiers, clients, config.tiers),
        effort=effort_vs_value(tiers, _optional(dataset, "activities"), month),
        transactional=transactional_key_accounts(tiers, clients),
        opportunities=opportunities,
        kpis=kpis,
        drivers=bridges(sales, clients, life, kpis, month),
        landing=landing,
        pipeline_rest=pipeline_rest,
        deals=month_deals(raw_opportunities, opportunities, clients, month),
        notes=notes,
    )
