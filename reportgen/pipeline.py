"""The analysis of one month, and the four analysis workbooks written from it.

``analyse`` is pure: the loaded :class:`~reportgen.model.Dataset`, the configuration and the
report month in, an :class:`Analysis` out. ``write_workbooks`` is the only part that touches
the disk.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from reportgen.analysis.kpis import METRICS_COLUMNS, KpiTables, month_kpis
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
from reportgen.config import Config
from reportgen.errors import DataError
from reportgen.export import write_table_workbook
from reportgen.issues import Issue, Severity
from reportgen.model import Dataset
from reportgen.schema import FILE, GATES, ROW, SHEET
from reportgen.write import environment_failure

#: opportunities.xlsx's fixed leading columns (SPEC, "Outputs").
OPPORTUNITY_COLUMNS = (
    "opp_id", "client_id", "title", "value", "real", "compete", "win", "worth", "verdict",
    "weighted_value", "open_questions",
)
#: The analysis workbooks, by file name.
WORKBOOKS = ("tiers.xlsx", "metrics.xlsx", "opportunities.xlsx", "data-quality.xlsx")
#: data-quality.xlsx's columns (SPEC, "Outputs").
QUALITY_COLUMNS = ("severity", "file", "sheet", "row", "column", "value", "message", "hint")


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
    #: Notes about the month itself (a partial month, say).
    notes: tuple[Issue, ...] = ()

    @property
    def high_potential_threshold(self) -> int | None:
        """The smallest class-A current value, in cents (None without class A)."""
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
        raise DataError("there are no usable sales lines, so there is no month to report")
    if requested is not None:
        month = pd.Period(requested, "M")
        first = sales["date"].min().to_period("M")
        if month < first:
            raise DataError(
                f"--month {requested} is before the first sales line ({first}); "
                f"choose a month from {first} to {latest}")
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
                f"{latest} looks incomplete: its sales ({current / 100:,.2f}) are under half the "
                f"median month of the year before ({median / 100:,.2f})",
                hint=f"if the month is not closed yet, report the last full one: "
                f"--month {latest - 1}",
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
        notes=notes,
    )


def _money_formats(frame: pd.DataFrame) -> dict[str, str]:
    """'cents' for every Int64 column that holds money (by name), 'percent' for shares."""
    formats: dict[str, str] = {}
    for name in frame.columns:
        lowered = str(name)
        if lowered.endswith(("_share", "attainment", "share_of_wallet", "gross_margin")) or (
            "rel_variance" in lowered
        ):
            formats[name] = "percent"
        elif any(key in lowered for key in (
            "value", "sales", "profit", "receivables", "credit_limit", "target", "potential",
            "variance", "pipeline",
        )) and str(frame[name].dtype) == "Int64" and not lowered.startswith(
            ("new_clients_target", "pipeline_opportunities")
        ):
            formats[name] = "cents"
    formats.pop("share_of_wallet", None)
    formats["share_of_wallet"] = "percent"
    return {k: v for k, v in formats.items() if k in frame.columns}


def opportunities_sheet(screened: pd.DataFrame) -> pd.DataFrame:
    """opportunities.xlsx's first sheet: SPEC's columns first, then the answers and notes."""
    out = screened.copy()
    out["open_questions"] = [
        ", ".join(q) if isinstance(q, list | tuple) else (q or "") for q in out["open_questions"]
    ]
    detail = [c for c in out.columns if c not in OPPORTUNITY_COLUMNS]
    return out[[*OPPORTUNITY_COLUMNS, *detail]]


def quality_sheet(issues: tuple[Issue, ...]) -> pd.DataFrame:
    """data-quality.xlsx's first sheet: one row per problem found in the input."""
    rows = [
        {
            "severity": str(i.severity), "file": i.file, "sheet": i.sheet,
            "row": i.row, "column": i.column, "value": i.value, "message": i.message,
            "hint": i.hint, "skipped": i.skipped,
            "amount": None if i.amount_cents is None else i.amount_cents,
            "code": i.code,
        }
        for i in issues
    ]
    frame = pd.DataFrame(rows, columns=[*QUALITY_COLUMNS, "skipped", "amount", "code"])
    frame["row"] = frame["row"].astype("Int64")
    frame["amount"] = frame["amount"].astype("Int64")
    return frame


def write_workbooks(analysis: Analysis, dataset: Dataset, folder: Path,
                    generated: dt.datetime) -> list[Path]:
    """Write tiers, metrics, opportunities and data-quality workbooks; return their paths."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise environment_failure(folder / WORKBOOKS[0], exc) from None
    written = []

    def write(name: str, sheets: list[tuple[str, pd.DataFrame]],
              extra_formats: dict[str, str] | None = None) -> None:
        formats: dict[str, str] = {}
        for _, frame in sheets:
            formats.update(_money_formats(frame))
        formats.update(extra_formats or {})
        path = folder / name
        write_table_workbook(path, sheets, column_formats=formats, timestamp=generated)
        written.append(path)

    tiers = analysis.clients.drop(columns=[c for c in (FILE, SHEET, ROW)
                                           if c in analysis.clients.columns])
    write("tiers.xlsx", [("tiers", tiers)])
    kpis = analysis.kpis
    lead = ["region", "account_manager"]
    by_manager_cols = [*lead, *[c for c in kpis.by_manager.columns if c not in lead]]
    by_region_cols = [*METRICS_COLUMNS,
                      *[c for c in kpis.by_region.columns if c not in METRICS_COLUMNS]]
    write("metrics.xlsx", [
        ("regions", kpis.by_region[by_region_cols]),
        ("managers", kpis.by_manager[by_manager_cols]),
        ("complaints", kpis.complaints_by_department),
    ])
    if analysis.opportunities is not None:
        opp = opportunities_sheet(analysis.opportunities)
    else:
        opp = pd.DataFrame({c: pd.Series(dtype="object") for c in OPPORTUNITY_COLUMNS})
    write("opportunities.xlsx", [("opportunities", opp)],
          {g: "0.00" for g in GATES})
    write("data-quality.xlsx", [("problems", quality_sheet(dataset.issues + analysis.notes))],
          {"amount": "cents"})
    return written
