"""The monthly review pack (SPEC, "Outputs"): one per region, and one across regions.

:func:`pack_view` turns the month's :class:`~reportgen.analysis.pipeline.Analysis` into the
plain data ``templates/pack.html`` renders: JSON types only (money in integer cents, shares as float
fractions, dates as ``YYYY-MM-DD``, months as ``YYYY-MM``, charts as ``{"data_uri", "alt"}``),
deterministic, with labels already in the document's language.

Where the figures come from, and decisions taken where SPEC leaves room:

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
* **Red/amber/green marks** are the KPI tables' own (sales against target, last month, last
  year and year to date; new clients against target; lost clients and complaints against last
  month) plus year-to-date sales against the year-to-date plan, with the same rule and
  thresholds (:func:`~reportgen.analysis.kpis.rag`). Other rows show variances without a mark.
* **The sales trend** is the region's monthly net sales for the 12 months to M, grouping
  lines as the KPIs do (the line's region, else the client's), against the month's target
  (the region's Targets rows, else the sum of its managers' rows; the KPI rule) and the same
  month a year earlier. The year-to-date plan is the sum of January..M's targets, blank when a
  month has none.
* **Long lists** (at-risk, lost, new clients, migrations) show the first :data:`LIST_LIMIT`
  rows and say how many more the workbooks hold; the summary page shows
  :data:`SUMMARY_LIMIT` rows of each list so it stays one page.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from babel.dates import format_date

from reportgen import i18n
from reportgen.analysis.kpis import ALL, DEPARTMENTS, KpiTables, month_kpis
from reportgen.analysis.lifecycle import lifecycle
from reportgen.analysis.rag import rag
from reportgen.analysis.targets import ALL_NAMES
from reportgen.analysis.tiers import (
    COVERAGE,
    KEY_TIERS,
    TIERS,
    effort_vs_value,
    migration_matrix,
    tier_migration,
    value_tiers,
)
from reportgen.documents import fmt
from reportgen.documents.charts.bars import pipeline_by_verdict
from reportgen.documents.charts.pareto import pareto_curve
from reportgen.documents.charts.pyramid import tier_pyramid
from reportgen.documents.charts.quadrant import value_potential_quadrant
from reportgen.documents.charts.svg import Chart
from reportgen.documents.charts.trend import sales_trend
from reportgen.inputs.config import Config
from reportgen.inputs.issues import Issue, Severity
from reportgen.inputs.model import Dataset

__all__ = ["PACK_TEMPLATE", "pack_document_title", "pack_regions", "pack_view"]

#: The template the pack is rendered with.
PACK_TEMPLATE = "pack.html"
#: Rows of a client list before "and N more".
LIST_LIMIT = 25
#: Rows of each list on the one-page summary.
SUMMARY_LIMIT = 5
#: Opportunities listed one by one (SPEC: the top 10 by weighted value).
TOP_OPPORTUNITIES = 10
#: Months in the sales trend.
TREND_MONTHS = 12

_Row = dict[str, Any]
_T = TypeVar("_T")


def N_(message: str) -> str:
    """Mark a message for translation without translating it (gettext's ``N_``)."""
    return message


# ----------------------------------------------------------------------------- words

#: How the tiers' coverage codes read (the glossary's coverage kind).
_COVERAGE_CODES = {
    "1:1": "one_to_one", "1:few": "one_to_few", "1:many": "one_to_many",
    "call_centre": "telesales",
}
_DEPARTMENT_LABELS = {
    "sales_dept": N_("Sales department"),
    "order_desk": N_("Order desk"),
    "logistics": N_("Logistics"),
    "market_management": N_("Market management"),
    "account_manager": N_("Account manager"),
    "other": N_("Other"),
}
_CATEGORY_LABELS = {
    "supply": N_("Supply"),
    "ordering": N_("Ordering"),
    "delivery": N_("Delivery"),
    "market": N_("Market"),
    "visit_service": N_("Visits and service"),
    "other": N_("Other"),
}
_OPP_STAGE_LABELS = {
    "lead": N_("Lead"),
    "qualified": N_("Qualified"),
    "proposal": N_("Proposal"),
    "negotiation": N_("Negotiation"),
    "won": N_("Won"),
    "lost": N_("Lost"),
}
#: Data-check kinds (Issue.code) as a supervisor reads them; anything else is "Other problems".
_ISSUE_LABELS = {
    "bad_value": N_("Values that could not be read"),
    "unknown_client": N_("Rows for clients not in the client list"),
    "duplicate_id": N_("Duplicate ids"),
    "duplicate_sales_line": N_("Repeated sales lines (kept)"),
    "blank_required": N_("Required cells left blank"),
    "error_cell": N_("Error cells or formulas without a value"),
    "subtotal_row": N_("Subtotal rows"),
    "return_sign": N_("Returns written with a positive amount"),
    "amount_vs_price": N_("Amounts that differ from quantity × unit price"),
    "no_region": N_("Clients without a region"),
    "partial_month": N_("Incomplete report month"),
    "clients_derived": N_("Client list derived from the sales lines"),
    "missing_sheet": N_("Missing sheets"),
    "missing_column": N_("Missing columns"),
    "mapped_column_missing": N_("Mapped columns not found"),
    "empty_sheet": N_("Empty sheets"),
    "unused_sheet": N_("Sheets not used"),
    "hidden_sheet_read": N_("Hidden sheets"),
    "hidden_sheet_ignored": N_("Hidden sheets"),
    "misnamed": N_("Sheet or column names read by approximation"),
    "csv_encoding": N_("Text file encodings"),
    "column_note": N_("Notes on columns"),
    "no_header": N_("Sheets without a header row"),
}
_SEVERITY_LABELS = {
    "error": N_("Error"),
    "warning": N_("Warning"),
    "info": N_("Information"),
}
_SHEET_LABELS = {
    "clients": N_("Clients"),
    "sales": N_("Sales"),
    "opportunities": N_("Opportunities"),
    "contacts": N_("Contacts"),
    "feedback": N_("Feedback"),
    "targets": N_("Targets"),
    "actions": N_("Actions"),
    "regions": N_("Regions"),
    "activities": N_("Activities"),
}


def _(message: str, lang: str, **values: Any) -> str:
    """``message`` in ``lang`` with ``%(name)s`` placeholders filled (gettext's ``_``)."""
    text = i18n.gettext(message, lang)
    return text % values if values else text


# ----------------------------------------------------------------------------- JSON values


def _py(value: Any) -> Any:
    """A pandas/numpy scalar as a JSON value: None for blanks, int, float, bool, str, date."""
    if value is None:
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str):
        return value
    if isinstance(value, pd.Period):
        return str(value)
    if fmt.is_blank(value):
        return None
    if isinstance(value, dt.datetime | dt.date | pd.Timestamp | np.datetime64):
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    return str(value)


def _int(value: Any) -> int | None:
    """A count or cents as int, None when blank."""
    value = _py(value)
    return None if value is None else int(value)


def _float(value: Any) -> float | None:
    """A ratio as float, None when blank."""
    value = _py(value)
    return None if value is None else float(value)


def _text(value: Any) -> str:
    """Spreadsheet text for a table cell ("" for a blank)."""
    value = _py(value)
    return "" if value is None else str(value)


def _units(cents: int | None) -> float | None:
    """Cents as currency units, for the charts."""
    return None if cents is None else cents / 100


# ----------------------------------------------------------------------------- public API


def pack_regions(analysis: Any) -> list[str]:
    """The regions that get a pack: every region of the KPI table except the overall row."""
    regions = analysis.kpis.by_region["region"].tolist()
    # The overall row is always last, so a region that happens to be called "ALL" keeps its pack.
    return [str(r) for r in regions[:-1]]


def pack_document_title(view: Mapping[str, Any]) -> str:
    """The pack's title with its month, for the PDF's metadata and e-mail subjects."""
    return f"{view['document_title']} · {fmt.month_label(view['month'], view['lang'])}"


def pack_view(
    analysis: Any, dataset: Dataset, region: str | None, config: Config, lang: str
) -> dict[str, Any]:
    """The review pack's view-model for ``region`` (None: the all-regions leadership pack)."""
    i18n.check_lang(lang)
    ctx = _context(analysis, dataset, region, config, lang)
    kpi = _kpi_section(ctx)
    view: dict[str, Any] = {
        "lang": lang,
        "month": str(ctx.month),
        "region": region,
        "is_all": region is None,
        "region_label": ctx.region_label,
        "document_title": (
            _("All regions review pack", lang)
            if region is None
            else _("%(region)s review pack", lang, region=region)
        ),
        "supervisor": region_supervisor(dataset, region),
        "currency": config.format.currency,
        "kpis": kpi,
        "trend": _trend_section(ctx),
        "scorecards": _scorecards(ctx),
        "customers": _customer_section(ctx),
        "migration": _migration_section(ctx),
        "new_clients": _new_client_section(ctx),
        "risk": _risk_section(ctx),
        "pipeline": _pipeline_section(ctx),
        "service": _service_section(ctx),
        "quality": _quality_section(ctx),
        "appendix": _appendix(ctx),
    }
    view["summary"] = _summary(ctx, view)
    return view


# ----------------------------------------------------------------------------- context


@dataclass(frozen=True)
class _Ctx:
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
    return {str(k): _py(v) for k, v in series.items()}


def _context(
    analysis: Any, dataset: Dataset, region: str | None, config: Config, lang: str
) -> _Ctx:
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
        tables = _memo(("kpis", str(when)), dataset, config,
                       lambda: _kpis_at(dataset, config, when))
        try:
            return _region_row(tables, region)
        except ValueError:  # the region had no client and no line yet
            return None

    return _Ctx(
        analysis=analysis, dataset=dataset, config=config, lang=lang, region=region,
        region_label=_("All regions", lang) if region is None else region,
        month=month, row=row, clients=clients, prev=at(1), last_year=at(12),
    )


#: Computations every pack of a run shares, keyed on the dataset and config objects.
_MEMO: dict[tuple[Any, ...], tuple[Dataset, Config, Any]] = {}
_MEMO_SIZE = 12


def _memo(key: tuple[Any, ...], dataset: Dataset, config: Config, compute: Callable[[], _T]) -> _T:
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


def _optional(dataset: Dataset, kind: str) -> pd.DataFrame | None:
    return dataset.table(kind) if dataset.has(kind) else None


def _kpis_at(dataset: Dataset, config: Config, month: pd.Period) -> KpiTables:
    """The month KPIs of another month, computed as the pipeline computes M's (no pipeline)."""
    sales, clients = dataset.table("sales"), dataset.table("clients")
    feedback = _optional(dataset, "feedback")
    life = lifecycle(sales, clients, feedback, month, config.lifecycle)
    tiers = value_tiers(sales, clients, month, config.tiers)
    migration = tier_migration(sales, clients, month, config.tiers, life, current=tiers)
    kpi_tiers = tiers.join(migration[["previous_tier", "migration"]])
    return month_kpis(sales, clients, kpi_tiers, life, None, feedback,
                      _optional(dataset, "targets"), month, config)


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


# ----------------------------------------------------------------------------- monthly series


def _blank_text(value: object) -> bool:
    return not isinstance(value, str) or not value.strip()


def monthly_sales(dataset: Dataset, clients: pd.DataFrame, month: pd.Period) -> pd.DataFrame:
    """Net sales per region (rows, plus ALL) and month (columns, ``Period``) up to ``month``.

    Lines are grouped as the KPIs group them: the line's own region, else the client's; only
    dated lines with an amount, of clients in the client list, count. Integer month ordinals
    and exact int64 sums: boxing a million Periods would take seconds.
    """
    sales = dataset.table("sales")
    ids = pd.Index(clients["client_id"].to_numpy(dtype=object))
    client = np.asarray(ids.get_indexer(pd.Index(sales["client_id"].to_numpy(dtype=object))))
    dates = np.asarray(sales["date"].to_numpy(dtype="datetime64[ns]"))
    months = dates.astype("datetime64[M]").astype(np.int64)
    amount_known = sales["amount"].notna().to_numpy(dtype=bool)
    keep = (client >= 0) & ~np.isnat(dates) & amount_known & (months <= month.ordinal)
    client, months = client[keep], months[keep]
    amounts = sales["amount"].to_numpy(dtype=np.int64, na_value=0)[keep]
    own = (sales["region"].to_numpy(dtype=object)[keep] if "region" in sales.columns
           else np.full(len(client), None, dtype=object))
    # One vocabulary for the lines' and the clients' regions; blank text is no region.
    own_codes, vocabulary = pd.factorize(
        np.concatenate([own, clients["region"].to_numpy(dtype=object)]), use_na_sentinel=True)
    labels = [str(v) for v in vocabulary]
    blank = np.array([not v.strip() for v in labels] + [True], dtype=bool)
    own_codes = np.where(blank[own_codes], -1, own_codes)
    line_codes, client_codes = own_codes[:len(client)], own_codes[len(client):]
    region = np.where(line_codes >= 0, line_codes, client_codes[client])
    first = int(months.min()) if len(months) else month.ordinal
    width = month.ordinal - first + 1
    grid = np.zeros((len(labels) + 1, width), dtype=np.int64)
    placed = region >= 0
    np.add.at(grid, (region[placed], months[placed] - first), amounts[placed])
    # ALL: every line, with a region or not (the KPI's overall row).
    np.add.at(grid[-1], months - first, amounts)
    used = sorted(np.unique(region[placed]).tolist(), key=labels.__getitem__)
    columns = pd.period_range(pd.Period(ordinal=first, freq="M"), month, freq="M")
    return pd.DataFrame(grid[[*used, len(labels)]], index=[*(labels[c] for c in used), ALL],
                        columns=columns)


def _home_regions(clients: pd.DataFrame, pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Each manager's home region (the KPI rule): most clients, ties code-point first."""
    home: dict[str, str] = {}
    counts: dict[str, dict[str, int]] = {}
    for region, manager in zip(clients["region"], clients["account_manager"], strict=True):
        if _blank_text(region) or _blank_text(manager):
            continue
        per = counts.setdefault(manager, {})
        per[region] = per.get(region, 0) + 1
    for manager, per in counts.items():
        home[manager] = min(per, key=lambda r: (-per[r], r))
    for region, manager in sorted(pairs):
        home.setdefault(manager, region)
    return home


def monthly_targets(
    targets: pd.DataFrame | None, months: list[pd.Period], regions: list[str],
    home: Mapping[str, str],
) -> dict[str, list[int | None]]:
    """Sales targets per region (and ALL) and month, resolved by the KPI rule.

    A region's target is the sum of its own rows, else the sum of its managers' rows (a manager
    row without a region belongs to the manager's home region); ALL's is the sum of rows for
    ``ALL``/``全部``, else the sum of the regions' targets (blank when none has one).
    """
    out: dict[str, list[int | None]] = {r: [None] * len(months) for r in [*regions, ALL]}
    if targets is None or "sales_target" not in targets.columns:
        return out
    position = {str(m): i for i, m in enumerate(months)}
    n = len(months)
    own: dict[str, list[int | None]] = {}
    managers: dict[str, list[int | None]] = {}
    overall: list[int | None] = [None] * n

    def add(table: dict[str, list[int | None]] | list[int | None], key: str | None, i: int,
            value: int) -> None:
        series = table if isinstance(table, list) else table.setdefault(str(key), [None] * n)
        series[i] = (series[i] or 0) + value

    region_col = targets["region"] if "region" in targets.columns else None
    manager_col = (targets["account_manager"] if "account_manager" in targets.columns
                   else None)
    for k in range(len(targets)):
        month_text = targets["month"].iloc[k]
        value = targets["sales_target"].iloc[k]
        i = position.get(month_text.strip() if isinstance(month_text, str) else str(month_text))
        if i is None or fmt.is_blank(value):
            continue
        region = region_col.iloc[k] if region_col is not None else None
        manager = manager_col.iloc[k] if manager_col is not None else None
        region = region.strip() if isinstance(region, str) and region.strip() else None
        manager = manager.strip() if isinstance(manager, str) and manager.strip() else None
        is_all = region is not None and region.casefold() in ALL_NAMES
        if manager is None:
            if is_all:
                add(overall, None, i, int(value))
            elif region is not None:
                add(own, region, i, int(value))
            continue
        place = home.get(manager) if region is None or is_all else region
        if place is not None:
            add(managers, place, i, int(value))
    for region in regions:
        mine, theirs = own.get(region, [None] * n), managers.get(region, [None] * n)
        out[region] = [a if a is not None else b for a, b in zip(mine, theirs, strict=True)]
    for i in range(n):
        if overall[i] is None:
            known = [out[r][i] for r in regions if out[r][i] is not None]
            overall[i] = sum(known) if known else None  # type: ignore[arg-type]
    out[ALL] = overall
    return out


def _series(ctx: _Ctx) -> tuple[list[pd.Period], list[int | None], list[int | None],
                                list[int | None]]:
    """Months M−11..M with the region's net sales, targets and the sales a year earlier."""
    analysis, month = ctx.analysis, ctx.month
    months = [month - (TREND_MONTHS - 1 - i) for i in range(TREND_MONTHS)]
    table = _memo(("monthly_sales", str(month)), ctx.dataset, ctx.config,
                  lambda: monthly_sales(ctx.dataset, ctx.dataset.table("clients"), month))
    key = ALL if ctx.region is None else ctx.region
    first = analysis.kpis.first_data_month

    def sales(when: pd.Period) -> int | None:
        if first is None or when < first:
            return None
        if key in table.index and when in table.columns:
            return int(table[when].to_dict()[key])
        return 0

    actual = [sales(m) for m in months]
    prior = [sales(m - 12) for m in months]
    targets = _memo(("targets", str(month)), ctx.dataset, ctx.config,
                    lambda: _all_targets(ctx, months))
    return months, actual, targets.get(key, [None] * len(months)), prior


def _all_targets(ctx: _Ctx, months: list[pd.Period]) -> dict[str, list[int | None]]:
    """Monthly targets of every region of the KPI table, and ALL."""
    kpis = ctx.analysis.kpis
    pairs = list(zip(kpis.by_manager["region"], kpis.by_manager["account_manager"], strict=True))
    home = _home_regions(ctx.dataset.table("clients"), pairs)
    return monthly_targets(_optional(ctx.dataset, "targets"), months,
                           pack_regions(ctx.analysis), home)


def _month_axis(month: pd.Period, lang: str) -> str:
    """A short month for chart axes: "Oct 2026" / "2026年10月"."""
    day = dt.date(month.year, month.month, 1)
    pattern = "MMM y" if lang == "en" else "y年M月"
    return format_date(day, pattern, locale=fmt.LOCALES[lang])


def _trend_section(ctx: _Ctx) -> dict[str, Any]:
    """The sales trend chart and its table: actual, target and prior year per month."""
    months, actual, target, prior = _series(ctx)
    lang = ctx.lang
    chart = sales_trend(
        [_month_axis(m, lang) for m in months],
        [_units(v) for v in actual],
        None if all(t is None for t in target) else [_units(v) for v in target],
        prior_year=None if all(p is None for p in prior) else [_units(v) for v in prior],
        lang=lang, title=_("Monthly net sales, target and prior year", lang),
    )
    rows = [
        {"month": str(m), "actual": a, "target": t, "prior_year": p,
         "attainment": None if a is None or not t else a / t,
         "prior_year_rel": _variance("money", a, p)[1]}
        for m, a, t, p in zip(months, actual, target, prior, strict=True)
    ]
    return {
        "chart": _chart(chart),
        "reason": None if chart else _(
            "No chart: there are no sales lines in the 12 months to %(month)s.", lang,
            month=fmt.month_label(ctx.month, lang)),
        "rows": rows,
    }


def _chart(chart: Chart | None) -> dict[str, str] | None:
    return None if chart is None else {"data_uri": chart.data_uri, "alt": chart.alt}


# ----------------------------------------------------------------------------- KPI table


@dataclass(frozen=True)
class _Kpi:
    """One row of the KPI table: where its figures come from and how they compare."""

    key: str
    label: str
    kind: str  # money | count | ratio | score
    lower_is_better: bool = False
    plan: str | None = None  # column of the row holding the plan
    prev: str | None = None  # column of the row holding last month's figure (else M−1's run)
    last_year: str | None = None  # ... last year's figure (else M−12's run)
    marks: tuple[tuple[str, str], ...] = ()  # (comparison, rag column)
    history: bool = True  # False: no prior-month or prior-year figure exists


_KPIS: tuple[_Kpi, ...] = (
    _Kpi("sales", N_("Net sales"), "money", plan="sales_target", prev="sales_prev_month",
         last_year="sales_last_year",
         marks=(("plan", "rag_target"), ("prev", "rag_prev_month"),
                ("last_year", "rag_last_year"))),
    _Kpi("sales_ytd", N_("Net sales, year to date"), "money",
         last_year="sales_ytd_last_year", marks=(("last_year", "rag_ytd"),)),
    _Kpi("gross_profit", N_("Gross profit"), "money"),
    _Kpi("gross_margin", N_("Gross margin"), "ratio"),
    _Kpi("orders", N_("Orders"), "count"),
    _Kpi("average_order_value", N_("Average order value"), "money"),
    _Kpi("active_clients", N_("Active clients"), "count"),
    _Kpi("new_clients", N_("New clients"), "count", plan="new_clients_target",
         marks=(("plan", "rag_new_clients"),)),
    _Kpi("new_client_sales", N_("Sales to new clients"), "money"),
    _Kpi("lost_clients", N_("Clients lost"), "count", lower_is_better=True,
         prev="lost_clients_prev_month", marks=(("prev", "rag_lost_clients"),)),
    _Kpi("lost_value", N_("Value of clients lost"), "money", lower_is_better=True),
    _Kpi("upgrades", N_("Tier upgrades"), "count"),
    _Kpi("downgrades", N_("Tier downgrades"), "count", lower_is_better=True),
    _Kpi("top20_share", N_("Share of value held by the top 20% of clients"), "ratio"),
    _Kpi("complaints", N_("Complaints"), "count", lower_is_better=True,
         prev="complaints_prev_month", marks=(("prev", "rag_complaints"),)),
    _Kpi("open_complaints", N_("Open complaints"), "count", lower_is_better=True),
    _Kpi("praise", N_("Praise"), "count"),
    _Kpi("avg_satisfaction", N_("Average satisfaction (1–5)"), "score"),
    _Kpi("pipeline_value", N_("Open pipeline"), "money", history=False),
    _Kpi("weighted_pipeline", N_("Weighted pipeline"), "money", history=False),
)

#: Words for the three comparisons, as the summary lists red marks.
_COMPARISON_WORDS = {
    "plan": N_("against plan"),
    "prev": N_("against last month"),
    "last_year": N_("against last year"),
}


def _variance(kind: str, actual: Any, comparator: Any) -> tuple[Any, float | None]:
    """(variance, relative variance): points for ratios, exact ints for money and counts."""
    if actual is None or comparator is None:
        return None, None
    if kind == "ratio":
        return (actual - comparator) * 100, None
    variance = actual - comparator
    if kind == "score":
        variance = float(variance)
    return variance, (None if comparator == 0 else variance / abs(comparator))


def _kpi_section(ctx: _Ctx) -> dict[str, Any]:
    """The KPI table in actual / plan / prior month / prior year notation."""
    row, lang = ctx.row, ctx.lang
    ytd_plan = _ytd_plan(ctx)
    rows = []
    for spec in _KPIS:
        actual = row.get(spec.key)
        plan = row.get(spec.plan) if spec.plan else (ytd_plan if spec.key == "sales_ytd" else None)
        prev = _history(spec, ctx.prev, row, "prev")
        last_year = _history(spec, ctx.last_year, row, "last_year")
        entry: _Row = {
            "key": spec.key, "label": _(spec.label, lang), "kind": spec.kind,
            "lower_is_better": spec.lower_is_better, "actual": actual,
        }
        for name, comparator in (("plan", plan), ("prev", prev), ("last_year", last_year)):
            variance, relative = _variance(spec.kind, actual, comparator)
            entry[name] = comparator
            entry[f"{name}_var"] = variance
            entry[f"{name}_rel"] = relative
            entry[f"{name}_mark"] = None
        for comparison, column in spec.marks:
            entry[f"{comparison}_mark"] = row.get(column)
        if spec.key == "sales":
            # The KPI table's own variances, so the pack and metrics.xlsx agree to the cent.
            for name, suffix in (("plan", "target"), ("prev", "prev_month"),
                                 ("last_year", "last_year")):
                entry[f"{name}_var"] = row.get(f"sales_variance_{suffix}")
                entry[f"{name}_rel"] = row.get(f"sales_rel_variance_{suffix}")
        if spec.key == "sales_ytd":
            entry["last_year_var"] = row.get("sales_variance_ytd")
            entry["last_year_rel"] = row.get("sales_rel_variance_ytd")
            entry["plan_mark"] = rag(actual, plan, cfg=ctx.config.rag)
        rows.append(entry)
    return {
        "rows": rows,
        "attainment": row.get("attainment"),
        "green": ctx.config.rag.green,
        "amber": ctx.config.rag.amber,
    }


def _ytd_plan(ctx: _Ctx) -> int | None:
    """The year-to-date plan: the sum of January..M's targets (blank when one is missing)."""
    months, _actual, target, _prior = _series(ctx)
    ytd = [t for m, t in zip(months, target, strict=True) if m.year == ctx.month.year]
    return None if any(t is None for t in ytd) else sum(t for t in ytd if t is not None)


def _history(spec: _Kpi, other: Mapping[str, Any] | None, row: Mapping[str, Any],
             which: str) -> Any:
    """A KPI's prior-month or prior-year figure: the row's own column, else the other run's."""
    column = spec.prev if which == "prev" else spec.last_year
    if column is not None:
        return row.get(column)
    if not spec.history or other is None or spec.key == "sales_ytd":
        return None
    return other.get(spec.key)


# ----------------------------------------------------------------------------- clients


def _client_base(ctx: _Ctx, client_id: str) -> _Row:
    """The columns every client list shows."""
    c = ctx.clients.loc[client_id]
    tier = _py(c["tier"])
    return {
        "client_id": client_id,
        "name": _text(c["name"]) or client_id,
        "region": _text(c["region"]),
        "manager": _text(c["account_manager"]),
        "tier": tier,
        "tier_label": i18n.label("tier", tier, ctx.lang),
        "manual": c["tier_source"] == "manual",
        "current_value": _int(c["current_value"]),
    }


def _ranked(frame: pd.DataFrame, value: str = "current_value") -> list[str]:
    """Client ids by ``value`` descending (blank last), ties by client_id in code-point order."""
    values = frame[value].astype("Float64").fillna(-math.inf).to_numpy(dtype=float)
    ids = frame.index.to_numpy(dtype=object)
    order = sorted(range(len(ids)), key=lambda i: (-values[i], str(ids[i])))
    return [str(ids[i]) for i in order]


def _reasons(ctx: _Ctx, client_id: str) -> list[str]:
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


def _at_risk_row(ctx: _Ctx, client_id: str) -> _Row:
    life = ctx.analysis.life.loc[client_id]
    return {
        **_client_base(ctx, client_id),
        "key_account": ctx.clients.at[client_id, "tier"] in KEY_TIERS,
        "last_purchase": _py(life["last_purchase"]),
        "recent_sales": _int(life["recent_sales"]),
        "reasons": _reasons(ctx, client_id),
    }


def _risk_section(ctx: _Ctx) -> dict[str, Any]:
    """At-risk clients (key accounts first, by current value, with reasons); clients lost in M."""
    clients, life = ctx.clients, ctx.analysis.life
    at_risk = clients[clients["stage"] == "at_risk"]
    is_key = at_risk["tier"].isin(KEY_TIERS).to_numpy(dtype=bool)
    key_ids, rest_ids = _ranked(at_risk[is_key]), _ranked(at_risk[~is_key])
    # Rows only for what is shown: an all-regions pack may have thousands of at-risk clients.
    ordered = [*key_ids, *rest_ids]
    shown = [_at_risk_row(ctx, i) for i in ordered[:LIST_LIMIT]]
    lost_ids = clients.index[life.reindex(clients.index)["lost_in_month"].astype(bool)
                             .to_numpy(dtype=bool)]
    lost_frame = clients.loc[lost_ids].assign(lost_value=life.loc[lost_ids, "lost_value"])
    lost_order = _ranked(lost_frame, "lost_value")
    lost_rows = []
    for client_id in lost_order[:LIST_LIMIT]:
        previous = _py(clients.at[client_id, "previous_tier"])
        lost_rows.append({
            **_client_base(ctx, client_id),
            "previous_tier_label": i18n.label("tier", previous, ctx.lang),
            "last_purchase": _py(life.at[client_id, "last_purchase"]),
            "lost_value": _int(life.at[client_id, "lost_value"]),
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


# ----------------------------------------------------------------------------- customer base


def _customer_section(ctx: _Ctx) -> dict[str, Any]:
    """Tier table and pyramid, the value/potential quadrant, the Pareto curve, effort, flags."""
    lang, clients = ctx.lang, ctx.clients
    current = clients["current_value"].astype("Int64")
    positive = current.where(current > 0, 0).fillna(0).astype("int64")
    total_positive = int(positive.sum())
    tiers: list[_Row] = []
    for tier in TIERS:
        mask = (clients["tier"] == tier).to_numpy(dtype=bool)
        value = int(current[mask].fillna(0).sum())
        pos = int(positive[mask].sum())
        tiers.append({
            "tier": tier, "label": i18n.label("tier", tier, lang),
            "clients": int(mask.sum()),
            "manual": int((clients["tier_source"][mask] == "manual").sum()),
            "value": value,
            "value_share": pos / total_positive if total_positive else None,
            "coverage": i18n.label("coverage", _COVERAGE_CODES[COVERAGE[tier]], lang),
        })
    pyramid = tier_pyramid(
        [(t["label"], t["clients"], t["value_share"]) for t in tiers], lang=lang)
    threshold = ctx.analysis.high_potential_threshold
    known = clients[clients["potential_known"].astype(bool)]
    quadrant = None
    if threshold is not None and len(known):
        points = zip(known.index, known["name"], known["current_value"],
                     known["untapped_potential"], known["tier"], strict=True)
        quadrant = value_potential_quadrant(
            [(_text(name) or str(i), _units(_int(x)), _units(_int(y)), str(tier))
             for i, name, x, y, tier in points],
            # The pack's heading names the chart; a second title inside it would repeat it.
            threshold / 100, threshold / 100, lang=lang, title="")
    if threshold is None:
        quadrant_reason = _("No chart: no client bought anything (net) over the last 12 "
                             "months, so there is no high-potential threshold.", lang)
    elif not len(known):
        quadrant_reason = _("No chart: no client has a potential value "
                             "(potential_value in the Clients sheet), so current value "
                             "cannot be set against potential.", lang)
    else:
        quadrant_reason = None
    pareto = pareto_curve([_units(_int(v)) for v in current], lang=lang, title="")
    transactional, transactional_more = _transactional(ctx)
    top = ctx.row.get("top20_share")
    return {
        "tiers": tiers,
        "total_clients": len(clients),
        "total_value": int(current.fillna(0).sum()),
        "pyramid": _chart(pyramid),
        "pyramid_reason": None if pyramid else _("No chart: there are no clients.", lang),
        "quadrant": _chart(quadrant),
        "quadrant_reason": quadrant_reason if quadrant is None else None,
        "potential_unknown": int((~clients["potential_known"].astype(bool)).sum()),
        "high_potential": int(clients["high_potential"].astype(bool).sum()),
        "threshold": threshold,
        "pareto": _chart(pareto),
        "pareto_reason": None if pareto else _(
            "No chart: no client bought anything (net) over the last 12 months.",
            lang),
        "top20_share": top,
        "effort": _effort(ctx),
        "transactional": transactional,
        "transactional_more": transactional_more,
    }


def _effort(ctx: _Ctx) -> list[_Row] | None:
    """Each tier's share of effort (visits, hours) against its share of value; None without."""
    activities = _optional(ctx.dataset, "activities")
    if activities is None:
        return None
    ids = set(ctx.clients.index)
    mine = activities[activities["client_id"].isin(ids)]
    tiers = ctx.analysis.tiers.loc[ctx.analysis.tiers.index.isin(ids)]
    frame = effort_vs_value(tiers, mine, ctx.month)
    if frame is None:
        return None
    return [
        {"tier": tier, "label": i18n.label("tier", tier, ctx.lang),
         "visits": _int(frame.at[tier, "visits"]), "hours": _float(frame.at[tier, "hours"]),
         "visits_share": _float(frame.at[tier, "visits_share"]),
         "hours_share": _float(frame.at[tier, "hours_share"]),
         "value_share": _float(frame.at[tier, "value_share"])}
        for tier in TIERS
    ]


def _transactional(ctx: _Ctx) -> tuple[list[_Row], int]:
    """Major and Named clients of the region still transactional (by value), and how many more."""
    flagged = ctx.analysis.transactional
    ids = flagged.index[flagged.index.isin(ctx.clients.index)]
    return ([_client_base(ctx, str(i)) for i in ids[:LIST_LIMIT]],
            max(len(ids) - LIST_LIMIT, 0))


# ----------------------------------------------------------------------------- migration


def _migration_section(ctx: _Ctx) -> dict[str, Any]:
    """The from × to matrix of the region's clients and the named upgrades and downgrades."""
    lang, clients = ctx.lang, ctx.clients
    matrix = migration_matrix(clients[["tier", "previous_tier", "migration"]])
    labels = {t: i18n.label("tier", t, lang) for t in TIERS}
    labels["new"] = i18n.label("stage", "new", lang)
    labels["lost"] = i18n.label("stage", "lost", lang)
    columns = list(matrix.columns)
    rows = [
        {"code": code, "label": labels[code],
         "cells": [int(v) for v in matrix.loc[code].to_numpy(dtype=np.int64)],
         "total": int(matrix.loc[code].sum()),
         # The cell of clients who stayed in their tier, shaded in the table.
         "diag": columns.index(code) if code in columns else None}
        for code in matrix.index
    ]
    previous = ctx.analysis.migration["previous_current_value"]

    def moves(kind: str) -> tuple[list[_Row], int]:
        ranked = _ranked(clients[clients["migration"] == kind])
        out = []
        for client_id in ranked[:LIST_LIMIT]:
            base = _client_base(ctx, client_id)
            prev_tier = _py(clients.at[client_id, "previous_tier"])
            out.append({
                **base,
                "previous_tier_label": i18n.label("tier", prev_tier, lang),
                "previous_value": _int(previous.get(client_id)),
            })
        return out, max(len(ranked) - LIST_LIMIT, 0)

    (up_shown, up_more), (down_shown, down_more) = moves("up"), moves("down")
    return {
        "columns": [labels[c] for c in matrix.columns],
        "rows": rows,
        "column_totals": [int(matrix[c].sum()) for c in matrix.columns],
        "upgrades": up_shown, "upgrades_more": up_more,
        "downgrades": down_shown, "downgrades_more": down_more,
    }


# ----------------------------------------------------------------------------- new clients


def _new_client_section(ctx: _Ctx) -> dict[str, Any]:
    """New clients of M−2..M with their sales since the first purchase."""
    life = ctx.analysis.life
    frame = ctx.clients[ctx.clients["stage"] == "new"]
    since = _sales_since(ctx, frame.index.tolist())
    first = life["first_purchase"]
    order = sorted(frame.index, key=lambda i: (-(since.get(i) or 0), str(i)))
    shown = [
        {**_client_base(ctx, str(i)), "first_purchase": _py(first.get(i)),
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


def _sales_since(ctx: _Ctx, ids: list[Any]) -> dict[Any, int]:
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


# ----------------------------------------------------------------------------- managers


_SCORE_COLUMNS = (
    "sales", "sales_target", "attainment", "rag_target", "sales_last_year",
    "sales_rel_variance_last_year", "rag_last_year", "active_clients", "new_clients",
    "lost_clients", "clients_major", "clients_named", "weighted_pipeline", "complaints",
)


def _score(series: Mapping[str, Any]) -> _Row:
    return {c: _py(series.get(c)) for c in _SCORE_COLUMNS}


def _scorecards(ctx: _Ctx) -> dict[str, Any]:
    """Account-manager scorecards (and, for leadership, one line per region)."""
    kpis, capacity = ctx.analysis.kpis, ctx.analysis.capacity
    managers = kpis.by_manager
    if ctx.region is not None:
        managers = managers[managers["region"].to_numpy(dtype=object) == ctx.region]
    overloaded = {str(m) for m in capacity.index[capacity["overloaded"].astype(bool)]}
    rows = []
    for _row, series in managers.iterrows():
        name = str(series["account_manager"])
        rows.append({"region": str(series["region"]), "manager": name,
                     "overloaded": name in overloaded, **_score(series)})
    rows.sort(key=lambda r: (-(r["sales"] or 0), r["manager"], r["region"]))
    regions = []
    if ctx.region is None:
        for _row, series in kpis.by_region.iloc[:-1].iterrows():
            regions.append({"region": str(series["region"]), **_score(series)})
    return {
        "managers": rows,
        "regions": regions,
        "total": _score(ctx.row),
        "overloaded": _overloaded(ctx),
    }


def _overloaded(ctx: _Ctx) -> list[_Row]:
    """Managers of the region over capacity in a tier, with the counts against capacity."""
    capacity = ctx.analysis.capacity
    out = []
    for manager, series in capacity.iterrows():
        if not bool(series["overloaded"]):
            continue
        regions = list(series["regions"])
        if ctx.region is not None and ctx.region not in regions:
            continue
        over = [
            {"tier": t, "label": i18n.label("tier", t, ctx.lang), "clients": int(series[t]),
             "capacity": int(series[f"capacity_{t}"])}
            for t in ("major", "named", "non_named") if bool(series[f"over_{t}"])
        ]
        out.append({"manager": str(manager), "regions": [str(r) for r in regions],
                    "over": over})
    return out


# ----------------------------------------------------------------------------- pipeline


def _pipeline_section(ctx: _Ctx) -> dict[str, Any]:
    """The open pipeline by verdict and by tier, and the top opportunities by weighted value."""
    lang, screened = ctx.lang, ctx.analysis.opportunities
    if screened is None:
        return {"present": False, "reason": _(
            "No pipeline: the inputs have no Opportunities sheet.", lang)}
    ids = set(ctx.clients.index)
    opps = screened[screened["client_id"].isin(ids) & screened["is_open"].astype(bool)]
    by_verdict: list[_Row] = []
    for verdict in i18n.VERDICT_LABELS:
        part = opps[opps["verdict"] == verdict]
        by_verdict.append({
            "verdict": verdict, "label": i18n.label("verdict", verdict, lang),
            "count": len(part), "value": int(part["value"].fillna(0).sum()),
            "weighted": int(part["weighted_value"].fillna(0).sum()),
        })
    chart = pipeline_by_verdict(
        [(r["label"], r["value"] / 100, r["weighted"] / 100) for r in by_verdict if r["count"]],
        lang=lang)
    tier_of = ctx.clients["tier"]
    by_tier = []
    for tier in TIERS:
        part = opps[opps["client_id"].map(tier_of) == tier]
        by_tier.append({"tier": tier, "label": i18n.label("tier", tier, lang),
                        "count": len(part), "value": int(part["value"].fillna(0).sum()),
                        "weighted": int(part["weighted_value"].fillna(0).sum())})
    return {
        "present": True,
        "count": len(opps),
        "value": _int(ctx.row.get("pipeline_value")),
        "weighted": _int(ctx.row.get("weighted_pipeline")),
        "by_verdict": by_verdict,
        "by_tier": by_tier,
        "chart": _chart(chart),
        "reason": None if chart else _("No chart: there are no open opportunities.", lang),
        "top": _top_opportunities(ctx, opps),
    }


def _top_opportunities(ctx: _Ctx, opps: pd.DataFrame) -> list[_Row]:
    """The open opportunities with the highest weighted value (ties: value, then opp_id)."""
    raw = ctx.dataset.table("opportunities")
    close = dict(zip(raw["opp_id"], raw["expected_close"], strict=True)) if (
        "expected_close" in raw.columns) else {}
    weighted = opps["weighted_value"].astype("Float64").fillna(-math.inf).to_numpy(dtype=float)
    value = opps["value"].astype("Float64").fillna(-math.inf).to_numpy(dtype=float)
    opp_ids = opps["opp_id"].to_numpy(dtype=object)
    order = sorted(range(len(opps)), key=lambda i: (-weighted[i], -value[i], str(opp_ids[i])))
    rows = []
    for i in order[:TOP_OPPORTUNITIES]:
        o = opps.iloc[i]
        client_id = str(o["client_id"])
        stage = _py(o["stage"])
        rows.append({
            "opp_id": _text(o["opp_id"]), "title": _text(o["title"]),
            "client_id": client_id, "client": _text(ctx.clients.at[client_id, "name"]),
            "tier_label": i18n.label("tier", _py(ctx.clients.at[client_id, "tier"]), ctx.lang),
            "stage": _(_OPP_STAGE_LABELS[stage], ctx.lang) if stage in _OPP_STAGE_LABELS
            else fmt.BLANK,
            "value": _int(o["value"]), "probability": _float(o["probability_used"]),
            "weighted": _int(o["weighted_value"]),
            "verdict": i18n.label("verdict", _py(o["verdict"]), ctx.lang),
            "expected_close": _py(close.get(o["opp_id"])),
        })
    return rows


# ----------------------------------------------------------------------------- service


def _service_section(ctx: _Ctx) -> dict[str, Any]:
    """Complaints by responsible department, praise and satisfaction."""
    lang, row = ctx.lang, ctx.row
    present = ctx.dataset.has("feedback")
    table = ctx.analysis.kpis.complaints_by_department
    key = ALL if ctx.region is None else ctx.region
    # The overall rows are the last block of the table (a region may be called "ALL" too).
    block = table.iloc[-len(DEPARTMENTS):] if ctx.region is None else table.iloc[
        :-len(DEPARTMENTS)]
    block = block[block["region"].to_numpy(dtype=object) == key]
    rows = [
        {"category": _(_CATEGORY_LABELS[str(r["category"])], lang),
         "department": _(_DEPARTMENT_LABELS[str(r["department"])], lang),
         "complaints": _int(r["complaints"]), "open": _int(r["open_complaints"])}
        for _row, r in block.iterrows()
    ]
    return {
        "present": present,
        "reason": None if present else _(
            "No service figures: the inputs have no Feedback sheet.", lang),
        "rows": rows,
        "complaints": row.get("complaints"), "open": row.get("open_complaints"),
        "prev": row.get("complaints_prev_month"), "mark": row.get("rag_complaints"),
        "praise": row.get("praise"), "satisfaction": row.get("avg_satisfaction"),
        "responses": row.get("satisfaction_responses"),
    }


# ----------------------------------------------------------------------------- data quality


def _issue_label(code: str) -> str:
    return _ISSUE_LABELS.get(code, N_("Other problems"))


def _quality_section(ctx: _Ctx) -> dict[str, Any]:
    """Data checks for the region: count, skipped rows and excluded money per kind."""
    lang = ctx.lang
    issues = list(ctx.dataset.issues)
    if ctx.region is None:
        mine = [*issues, *ctx.analysis.notes]
    else:
        mine = [i for i in issues if i.region == ctx.region]
    groups: dict[str, list[Issue]] = {}
    for issue in mine:
        groups.setdefault(_issue_label(issue.code), []).append(issue)
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    rows: list[_Row] = []
    for label, items in groups.items():
        worst = min((i.severity for i in items), key=order.__getitem__)
        rows.append({
            "label": _(label, lang),
            "severity": _(_SEVERITY_LABELS[str(worst)], lang), "severity_code": str(worst),
            "count": len(items), "skipped": sum(1 for i in items if i.skipped),
            "money": sum(i.amount_cents or 0 for i in items if i.skipped),
        })
    rows.sort(key=lambda r: (order[Severity(r["severity_code"])], -r["skipped"], -r["count"],
                             r["label"]))
    skipped = [i for i in mine if i.skipped]
    unattributed = [i for i in issues if i.skipped and not i.region]
    return {
        "rows": rows,
        "issues": len(mine),
        "skipped_rows": len(skipped),
        "skipped_money": sum(i.amount_cents or 0 for i in skipped),
        "errors": sum(1 for i in mine if i.severity is Severity.ERROR),
        "warnings": sum(1 for i in mine if i.severity is Severity.WARNING),
        "unattributed_rows": len(unattributed) if ctx.region is not None else 0,
        "unattributed_money": (sum(i.amount_cents or 0 for i in unattributed)
                               if ctx.region is not None else 0),
        "notes": [_note(ctx, n) for n in ctx.analysis.notes],
    }


def _note(ctx: _Ctx, note: Issue) -> str:
    """A note about the month, in the document's language where we know its kind."""
    if note.code == "partial_month":
        return _("%(month)s looks incomplete: its sales are under half the median month of "
                  "the year before. If the month is not closed yet, report the last full one.",
                  ctx.lang, month=fmt.month_label(ctx.month, ctx.lang))
    return note.message


# ----------------------------------------------------------------------------- appendix


def _appendix(ctx: _Ctx) -> dict[str, Any]:
    """How the figures were computed: month, thresholds, inputs and a sentence per figure."""
    lang, cfg, month = ctx.lang, ctx.config, ctx.month
    first = ctx.analysis.kpis.first_data_month
    threshold = ctx.analysis.high_potential_threshold

    def item(label: str, value: Any, kind: str) -> _Row:
        return {"label": _(label, lang), "value": value, "kind": kind}

    thresholds = [
        item(N_("Class A: cumulative share of value before the client under"),
             cfg.tiers.class_a, "pct"),
        item(N_("Class B: cumulative share of value before the client under"),
             cfg.tiers.class_b, "pct"),
        item(N_("High potential: untapped potential at least (the smallest class-A value)"),
             threshold, "money"),
        item(N_("Capacity per manager: Major accounts"), cfg.tiers.capacity_major, "number"),
        item(N_("Capacity per manager: Named accounts"), cfg.tiers.capacity_named, "number"),
        item(N_("Capacity per manager: Non-named accounts"), cfg.tiers.capacity_non_named,
             "number"),
        item(N_("Account plans: share-of-wallet uplift"), cfg.tiers.share_of_wallet_uplift,
             "pct"),
        item(N_("Account plans: sales growth target"), cfg.tiers.sales_growth_target, "pct"),
        item(N_("New client: first purchase within this many months (M included)"),
             cfg.lifecycle.new_months, "number"),
        item(N_("At risk: sales of the last 3 months at or below this share of a year before"),
             cfg.lifecycle.at_risk_ratio, "pct"),
        item(N_("At risk: days without purchase above this multiple of the usual gap"),
             cfg.lifecycle.gap_multiple, "decimal"),
        item(N_("Opportunity screen: a gate passes at a mean score of at least"),
             cfg.screen.pass_mean, "decimal"),
        *[{"label": _("Default probability: %(stage)s", lang,
                       stage=_(_OPP_STAGE_LABELS[s], lang)), "value": p, "kind": "pct"}
          for s, p in cfg.screen.stage_probability.items() if s in _OPP_STAGE_LABELS],
        item(N_("Green: actual at least this share of the comparator"), cfg.rag.green, "pct"),
        item(N_("Amber: actual at least this share of the comparator"), cfg.rag.amber, "pct"),
    ]
    inputs = [
        {"name": f.name,
         "sheets": [{"name": s, "kind": _sheet_kind(s, k, lang)} for s, k in f.sheets]}
        for f in ctx.dataset.inputs
    ]
    return {
        "month": str(month),
        "window_start": str(month - 11),
        "first_data_month": None if first is None else str(first),
        "thresholds": thresholds,
        "inputs": inputs,
        "config_source": ctx.config.source,
        "clients_derived": ctx.dataset.clients_derived,
        "methods": _methods(ctx),
    }


def _sheet_kind(sheet: str, kind: str, lang: str) -> str | None:
    """What a sheet was read as, unless its name already says so ("销售" → "Sales")."""
    label = _(_SHEET_LABELS.get(kind, kind), lang)
    return None if sheet.strip().casefold() == label.casefold() else label


def _methods(ctx: _Ctx) -> list[_Row]:
    """One sentence per figure: how it was computed."""
    lang = ctx.lang
    month = fmt.month_label(ctx.month, lang)
    entries = [
        (N_("Net sales"), N_("The sum of the month's sales lines, returns netted, grouped by the "
                            "line's own region, else the client's.")),
        (N_("Plan"), N_("The month's rows of the Targets sheet for the region, else the sum of "
                       "its managers' rows (for all regions: an ALL row, else the regions' "
                       "sum); the year-to-date plan adds January to %(month)s.")),
        (N_("Prior year"), N_("The same figure for the same month a year earlier, computed "
                             "with the same rules; blank before the first month with data.")),
        (N_("Variance"), N_("Actual minus the comparator; the relative variance divides it by "
                           "the comparator (blank when that is 0). Shares change in points.")),
        (N_("Red, amber, green"), N_("Green at or above the comparator, amber at or above its "
                                    "amber share, red below; the other way round for lost "
                                    "clients and complaints.")),
        (N_("Gross profit"), N_("Profit where given, else amount minus cost; blank when a line "
                               "of the month has neither.")),
        (N_("Active clients and orders"), N_("Clients with a purchase in the month; distinct "
                                            "order numbers per client, else lines.")),
        (N_("Value tiers"), N_("Company-wide: each client's net sales over the 12 months to "
                              "%(month)s, ranked across all regions into A, B and C, and set "
                              "against its untapped potential. A region's pack shows its "
                              "clients' company-wide tiers.")),
        (N_("New, at-risk and lost clients"), N_("New: first purchase within the months set "
                                                "above. Lost in the month: last purchase "
                                                "exactly 12 months before. At risk: the "
                                                "reasons listed with each client.")),
        (N_("Top 20% share"), N_("The net sales over 12 months of the fifth of the clients "
                                "with the highest value, over those of all clients with "
                                "positive value.")),
        (N_("Pipeline"), N_("Open opportunities (not won or lost) of the pack's clients; "
                           "weighted value is value times probability.")),
        (N_("Complaints"), N_("Feedback rows of type complaint dated in the month; open "
                             "complaints are those not marked resolved, whenever dated.")),
        (N_("Data checks"), N_("Rows the checks left out, with the money they carried; the "
                              "full list is in data-quality.xlsx.")),
    ]
    return [{"label": _(label, lang), "text": _(text, lang, month=month)
             if "%(month)s" in text else _(text, lang)} for label, text in entries]


# ----------------------------------------------------------------------------- summary


def _summary(ctx: _Ctx, view: Mapping[str, Any]) -> dict[str, Any]:
    """The one-page summary: what needs attention first, then the headline figures."""
    lang = ctx.lang
    red = []
    for row in view["kpis"]["rows"]:
        for comparison in ("plan", "prev", "last_year"):
            if row[f"{comparison}_mark"] == "red":
                red.append({
                    "label": row["label"], "kind": row["kind"],
                    "lower_is_better": row["lower_is_better"],
                    "comparison": _(_COMPARISON_WORDS[comparison], lang),
                    "actual": row["actual"], "comparator": row[comparison],
                    "variance": row[f"{comparison}_var"],
                    "relative": row[f"{comparison}_rel"],
                })
    risk, quality = view["risk"], view["quality"]
    # Key accounts come first in the at-risk list, and the list holds more than the summary.
    key_at_risk = [r for r in risk["at_risk"] if r["key_account"]][:SUMMARY_LIMIT]
    lost = risk["lost"][:SUMMARY_LIMIT]
    row = ctx.row
    headline = [
        {"label": _("Net sales", lang), "kind": "money", "value": row.get("sales"),
         "note": _("%(share)s of plan", lang, share=fmt.pct(row.get("attainment"), 1, lang))
         if row.get("attainment") is not None else _("no plan", lang),
         "mark": row.get("rag_target")},
        {"label": _("Against last year", lang), "kind": "pct",
         "value": row.get("sales_rel_variance_last_year"),
         "note": fmt.delta(row.get("sales_variance_last_year"), ctx.config.format.currency,
                           lang),
         "mark": row.get("rag_last_year")},
        {"label": _("Year to date", lang), "kind": "money", "value": row.get("sales_ytd"),
         "note": _("%(change)s on last year", lang,
                    change=fmt.pct(row.get("sales_rel_variance_ytd"), 1, lang, signed=True)),
         "mark": row.get("rag_ytd")},
        {"label": _("New clients", lang), "kind": "count", "value": row.get("new_clients"),
         "note": _("no plan", lang) if row.get("new_clients_target") is None else _(
             "plan %(target)s", lang, target=fmt.number(row.get("new_clients_target"), 0, lang)),
         "mark": row.get("rag_new_clients")},
        {"label": _("Clients lost", lang), "kind": "count", "value": row.get("lost_clients"),
         "note": _("%(value)s of annual sales", lang, value=fmt.money(
             row.get("lost_value"), ctx.config.format.currency, lang)),
         "mark": row.get("rag_lost_clients")},
        {"label": _("Weighted pipeline", lang), "kind": "money",
         "value": row.get("weighted_pipeline"),
         "note": _("no Opportunities sheet", lang)
         if row.get("pipeline_opportunities") is None else _(
             "%(count)s open opportunities", lang,
             count=fmt.number(row.get("pipeline_opportunities"), 0, lang)),
         "mark": None},
    ]
    return {
        "headline": headline,
        "red": red,
        "key_at_risk": key_at_risk,
        "key_at_risk_more": risk["key_count"] - len(key_at_risk),
        "key_at_risk_count": risk["key_count"],
        "key_at_risk_value": risk["key_value"],
        "lost": lost, "lost_more": risk["lost_count"] - len(lost),
        "lost_count": risk["lost_count"],
        "lost_value": risk["lost_value"], "lost_known": risk["lost_known"],
        "overloaded": view["scorecards"]["overloaded"][:SUMMARY_LIMIT],
        "overloaded_more": max(len(view["scorecards"]["overloaded"]) - SUMMARY_LIMIT, 0),
        "excluded_rows": quality["skipped_rows"], "excluded_money": quality["skipped_money"],
        "unattributed_rows": quality["unattributed_rows"],
        "unattributed_money": quality["unattributed_money"],
        "notes": quality["notes"],
    }
