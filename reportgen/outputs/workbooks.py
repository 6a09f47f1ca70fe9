"""The analysis workbooks: tiers, metrics, opportunities and data-quality, written as .xlsx.

Their first sheets keep the column names SPEC fixes ("Outputs"), whatever the language, because
other programs read them; :mod:`reportgen.outputs.xlsx` writes the cells.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from reportgen.analysis.drivers import DRIVERS_COLUMNS
from reportgen.analysis.kpis import METRICS_COLUMNS
from reportgen.analysis.pipeline import Analysis
from reportgen.inputs.issues import Issue
from reportgen.inputs.model import Dataset
from reportgen.inputs.schema import FILE, GATES, ROW, SHEET
from reportgen.outputs.write import environment_failure
from reportgen.outputs.xlsx import write_table_workbook

#: opportunities.xlsx's fixed leading columns (SPEC, "Outputs").
OPPORTUNITY_COLUMNS = (
    "opp_id", "client_id", "title", "value", "real", "compete", "win", "worth", "verdict",
    "weighted_value", "open_questions",
)
#: The analysis workbooks, by file name.
WORKBOOKS = ("tiers.xlsx", "metrics.xlsx", "opportunities.xlsx", "data-quality.xlsx",
             "drivers.xlsx")
#: The year figures metrics.xlsx's region sheet carries after the month's (issue 14).
YEAR_COLUMNS = ("year_landing", "year_target", "year_gap", "pipeline_coverage")
#: data-quality.xlsx's columns (SPEC, "Outputs").
QUALITY_COLUMNS = ("severity", "file", "sheet", "row", "column", "value", "message", "hint")



def _money_formats(frame: pd.DataFrame) -> dict[str, str]:
    """'stored_money' for every Int64 column that holds money (by name), 'percent' for shares."""
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
            formats[name] = "stored_money"
    formats.pop("share_of_wallet", None)
    formats["share_of_wallet"] = "percent"
    return {k: v for k, v in formats.items() if k in frame.columns}


def region_sheet(analysis: Analysis) -> pd.DataFrame:
    """metrics.xlsx's region sheet: SPEC's columns, the other month figures, then the year's."""
    by_region = analysis.kpis.by_region
    columns = [*METRICS_COLUMNS, *[c for c in by_region.columns if c not in METRICS_COLUMNS]]
    year = analysis.landing.set_index("region")[list(YEAR_COLUMNS)]
    joined = by_region[columns].join(year, on="region")
    return joined.reset_index(drop=True)


def drivers_sheet(analysis: Analysis) -> pd.DataFrame:
    """drivers.xlsx's first sheet: one row per contribution (DRIVERS_COLUMNS, then status)."""
    return analysis.drivers[list(DRIVERS_COLUMNS)].reset_index(drop=True)


def opportunities_sheet(screened: pd.DataFrame) -> pd.DataFrame:
    """opportunities.xlsx's first sheet: SPEC's columns first, then the answers and notes."""
    out = screened.copy()
    out["open_questions"] = [
        ", ".join(q) if isinstance(q, list | tuple) else (q or "") for q in out["open_questions"]
    ]
    detail = [c for c in out.columns if c not in OPPORTUNITY_COLUMNS]
    return out[[*OPPORTUNITY_COLUMNS, *detail]]


def quality_sheet(issues: tuple[Issue, ...], lang: str = "en") -> pd.DataFrame:
    """data-quality.xlsx's first sheet: one row per problem found in the input.

    SPEC's columns, ending with ``code`` (stable, English, the same in both languages: for
    programs and filters), then whether the row was skipped and the money it carried. The
    message and the hint are in the run's language; severity stays the English code, like
    ``code``, so that a filter on it works whatever the language.
    """
    rows = []
    for i in issues:
        message, hint = i.text(lang)
        rows.append({
            "severity": str(i.severity), "file": i.file, "sheet": i.sheet,
            "row": i.row, "column": i.column, "value": i.value, "message": message,
            "hint": hint, "code": i.code, "skipped": i.skipped,
            "amount": None if i.money is None else i.money,
        })
    frame = pd.DataFrame(rows, columns=[*QUALITY_COLUMNS, "code", "skipped", "amount"])
    frame["row"] = frame["row"].astype("Int64")
    frame["amount"] = frame["amount"].astype("Int64")
    return frame


def write_workbooks(analysis: Analysis, dataset: Dataset, folder: Path,
                    generated: dt.datetime, *, lang: str = "en") -> list[Path]:
    """Write tiers, metrics, opportunities, data-quality and drivers workbooks; return paths.

    ``lang`` is the language of data-quality.xlsx's messages and hints.
    """
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
    write("metrics.xlsx", [
        ("regions", region_sheet(analysis)),
        ("managers", kpis.by_manager[by_manager_cols]),
        ("complaints", kpis.complaints_by_department),
    ], {"year_landing": "stored_money", "year_gap": "stored_money", "pipeline_coverage": "0.00"})
    if analysis.opportunities is not None:
        opp = opportunities_sheet(analysis.opportunities)
    else:
        opp = pd.DataFrame({c: pd.Series(dtype="object") for c in OPPORTUNITY_COLUMNS})
    write("opportunities.xlsx", [("opportunities", opp)],
          {g: "0.00" for g in GATES})
    write("data-quality.xlsx", [("problems", quality_sheet(dataset.issues + analysis.notes,
                                                           lang))],
          {"amount": "stored_money"})
    write("drivers.xlsx", [("drivers", drivers_sheet(analysis))],
          {"actual": "stored_money", "comparator": "stored_money",
           "contribution": "stored_money"})
    return written
