"""Where the year will land, against its target, and whether the pipeline covers the rest.

Per region (lines attributed as the month KPIs do) and for ``ALL``, with the report month M in
year Y:

* **Landing**, "last year's shape at this year's pace": YTD actual + Σ over the months after M
  to December of (last year's sales in that month × YTD actual / last year's YTD actual), the
  product summed first and divided once, in Python integers. The quotient is cut toward zero
  to the stored unit (:func:`~reportgen.analysis.arrays.money_quotient`), so the one rounding
  at display or export is that of the exact landing. Blank, with ``landing_blank`` saying
  why, when last year's months are not all covered by the data (``last_year_missing``) or
  last year's YTD is not positive (``last_year_not_positive``). In December it is the YTD
  actual.
* **Year target**: the sum of the year's twelve monthly sales targets, each resolved as M's
  is (:func:`~reportgen.analysis.targets.month_targets`); blank (``target_blank`` =
  ``no_target``) when any month has none. ``year_gap`` = landing − year target;
  ``months_left`` = the months after M; ``run_rate_needed`` = (year target − YTD) /
  months left (cut the same way), blank when nothing is left to make or no month is left.
* **Pipeline coverage** = the weighted value of the open opportunities whose expected_close
  falls after M and in Y (the client's region, as the KPIs' pipeline) ÷ the remaining target
  (year target − YTD). Blank (``coverage_blank``) without an Opportunities sheet
  (``no_pipeline``), without a year target (``no_target``), when the target is already made
  (``target_reached``) or no month is left (``no_months_left``). Opportunities without an
  expected_close are not counted (they cannot be placed in the year). Its mark is the
  red/amber/green rule of :mod:`~reportgen.analysis.rag` with the ``[coverage]`` thresholds.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from reportgen.analysis.arrays import bools, column_of, money_quotient_int
from reportgen.analysis.deals import opportunity_columns
from reportgen.analysis.grouping import code_lines
from reportgen.analysis.kpis import ALL, KpiTables
from reportgen.analysis.rag import rag
from reportgen.analysis.targets import month_targets
from reportgen.inputs.config import CoverageConfig, RagConfig

#: The landing table's columns, one row per region then ALL.
LANDING_COLUMNS: tuple[str, ...] = (
    "region", "sales_ytd", "sales_ytd_last_year", "rest_last_year", "year_landing",
    "landing_blank", "year_target", "target_blank", "year_gap", "months_left",
    "run_rate_needed", "remaining_target", "pipeline_rest", "pipeline_coverage",
    "coverage_rag", "coverage_blank",
)
#: The columns of the opportunities that make up the coverage.
PIPELINE_REST_COLUMNS: tuple[str, ...] = (
    "region", "opp_id", "client_id", "name", "title", "stage", "expected_close", "value",
    "weighted_value", "verdict",
)


def _rest_last_year(sales: pd.DataFrame, clients: pd.DataFrame, kpis: KpiTables,
                    month: pd.Period) -> dict[str, int]:
    """Last year's sales in the months after M's month, per region and ALL."""
    m = int(month.ordinal)
    dec_last = m - month.month  # December of last year
    ids = pd.Index(clients["client_id"].to_numpy(dtype=object), name="client_id", dtype=object)
    lines, regions, *_ = code_lines(
        sales, ids, column_of(clients, "region").to_numpy(dtype=object),
        column_of(clients, "account_manager").to_numpy(dtype=object), m,
    )
    sel = (lines.month > m - 12) & (lines.month <= dec_last)
    out = {ALL: int(lines.amount[sel].sum())}
    for code in range(len(regions)):
        out[str(regions[code])] = int(lines.amount[sel & (lines.region == code)].sum())
    return out


def _year_targets(targets: pd.DataFrame | None, kpis: KpiTables,
                  month: pd.Period) -> dict[str, int | None]:
    """The sum of the year's twelve monthly sales targets per region and ALL (None if any gap)."""
    regions = [str(r) for r in kpis.by_region["region"] if r != ALL]
    pairs = list(zip(kpis.by_manager["region"].astype(str),
                     kpis.by_manager["account_manager"].astype(str), strict=True))
    totals: dict[str, int | None] = {r: 0 for r in [*regions, ALL]}
    for number in range(1, 13):
        each = pd.Period(year=month.year, month=number, freq="M")
        per_region, _, overall = month_targets(targets, each, regions, pairs, kpis.home,
                                               "sales_target")
        for region, value in [*zip(regions, per_region, strict=True), (ALL, overall)]:
            so_far = totals[region]
            totals[region] = None if so_far is None or value is None else so_far + value
    return totals


def _pipeline_rest(screened: pd.DataFrame | None, opportunities: pd.DataFrame | None,
                   clients: pd.DataFrame, month: pd.Period) -> pd.DataFrame | None:
    """The open opportunities of known clients expected to close after M and within M's year."""
    if screened is None or opportunities is None:
        return None
    close = column_of(opportunities, "expected_close").reindex(screened.index)
    close = pd.to_datetime(close, errors="coerce")
    after = (close > month.end_time) & (close.dt.year == month.year)
    known = screened["client_id"].isin(clients["client_id"])
    keep = (bools(screened["is_open"]) & after.fillna(False).to_numpy(dtype=bool)
            & known.to_numpy(dtype=bool))
    rows = screened.loc[keep]
    out = pd.DataFrame({
        **opportunity_columns(rows, clients),
        "expected_close": close.loc[rows.index].to_numpy(dtype="datetime64[ns]"),
        "value": rows["value"].astype("Int64").to_numpy(),
        "weighted_value": rows["weighted_value"].astype("Int64").to_numpy(),
        "verdict": rows["verdict"].to_numpy(dtype=object),
    })
    for column in ("value", "weighted_value"):
        out[column] = out[column].astype("Int64")
    return out.sort_values(["region", "weighted_value", "opp_id"],
                           ascending=[True, False, True], kind="stable").reset_index(drop=True)


def landing_and_gap(ytd: int, ytd_last_year: int, rest_last_year: int,
                    target: int | None) -> tuple[int, int | None]:
    """The landing, YTD + rest of last year × YTD / last year's YTD, and its gap to ``target``.

    Each is one quotient of exact integers, cut to the stored unit (``arrays.money_quotient``),
    so the one rounding at display is the exact figure's. The gap is not the cut landing less
    the target: when it is negative, that would be cut the wrong way.
    """
    landed = ytd * ytd_last_year + rest_last_year * ytd  # the landing × last year's YTD
    landing = money_quotient_int(landed, ytd_last_year)
    if target is None:
        return landing, None
    return landing, money_quotient_int(landed - target * ytd_last_year, ytd_last_year)


def year_landing(
    sales: pd.DataFrame, clients: pd.DataFrame, targets: pd.DataFrame | None,
    screened: pd.DataFrame | None, opportunities: pd.DataFrame | None, kpis: KpiTables,
    month: pd.Period, cfg: CoverageConfig,
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The landing table (LANDING_COLUMNS) and the opportunities that make up the coverage."""
    month = month if isinstance(month, pd.Period) else pd.Period(month, freq="M")
    rest = _rest_last_year(sales, clients, kpis, month)
    year_target = _year_targets(targets, kpis, month)
    pipeline = _pipeline_rest(screened, opportunities, clients, month)
    months_left = 12 - month.month
    marks = RagConfig(green=cfg.green, amber=cfg.amber)
    rows: list[dict[str, Any]] = []
    for _, kpi in kpis.by_region.iterrows():
        region = str(kpi["region"])
        ytd_raw, ly_raw = kpi["sales_ytd"], kpi["sales_ytd_last_year"]
        ytd = None if pd.isna(ytd_raw) else int(ytd_raw)
        ly = None if pd.isna(ly_raw) else int(ly_raw)
        row: dict[str, Any] = {"region": region, "sales_ytd": ytd, "sales_ytd_last_year": ly,
                               "months_left": months_left}
        target = year_target.get(region)
        landing = None
        if ly is None or ytd is None:
            row["landing_blank"] = "last_year_missing"
        elif ly <= 0:
            row["landing_blank"] = "last_year_not_positive"
        else:
            row["rest_last_year"] = rest.get(region, 0)
            landing, row["year_gap"] = landing_and_gap(ytd, ly, row["rest_last_year"], target)
        row["year_landing"] = landing
        row["year_target"] = target
        if target is None:
            row["target_blank"] = "no_target"
        remaining = None if target is None or ytd is None else target - ytd
        if remaining is not None and remaining > 0:
            row["remaining_target"] = remaining
            if months_left:
                row["run_rate_needed"] = money_quotient_int(remaining, months_left)
        if pipeline is None:
            row["coverage_blank"] = "no_pipeline"
        elif remaining is None:
            row["coverage_blank"] = "no_target"
        elif remaining <= 0:
            row["coverage_blank"] = "target_reached"
        elif not months_left:
            row["coverage_blank"] = "no_months_left"
        else:
            mine = pipeline if region == ALL else pipeline[pipeline["region"] == region]
            weighted = int(mine["weighted_value"].fillna(0).sum())
            row["pipeline_rest"] = weighted
            row["pipeline_coverage"] = weighted / remaining
            row["coverage_rag"] = rag(weighted, remaining, cfg=marks)
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(LANDING_COLUMNS))
    money = ("sales_ytd", "sales_ytd_last_year", "rest_last_year", "year_landing",
             "year_target", "year_gap", "run_rate_needed", "remaining_target", "pipeline_rest")
    for column in money:
        frame[column] = pd.array(
            [None if pd.isna(v) else int(v) for v in frame[column]], dtype="Int64")
    frame["months_left"] = frame["months_left"].astype("Int64")
    frame["pipeline_coverage"] = frame["pipeline_coverage"].astype("float64")
    for column in ("region", "landing_blank", "target_blank", "coverage_rag", "coverage_blank"):
        frame[column] = pd.Series(
            [v if isinstance(v, str) else None for v in frame[column]], dtype=object)
    return frame, pipeline

