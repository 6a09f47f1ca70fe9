"""Year-end landing, year target, pipeline coverage and the month's deals, computed by hand.

Money is in the workbook's integer units. M is 2024-06: YTD = 2024-01..06, last year's YTD =
2023-01..06, the rest of the year = 2024-07..12, shaped by 2023-07..12; six months are left.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from reportgen.analysis.landing import LANDING_COLUMNS
from reportgen.analysis.pipeline import Analysis, analyse
from reportgen.errors import ConfigError
from reportgen.inputs.config import Config, load_config
from reportgen.inputs.model import Dataset
from tests import analysis_data as ad

M = ad.month("2024-06")
CLIENTS = [("E1", "Eagle", "East", "Ann"), ("W1", "Wolf", "West", "Bob")]


def _months(year: int, first: int, last: int, amount: int) -> dict[str, int]:
    return {f"{year}-{n:02d}": amount for n in range(first, last + 1)}


# East: last year 100 a month to June (600), then 200 (1200); this year 150 a month (900).
# West: last year 50 a month to June (300), then only December (75); this year 5 × 40 + 42.
SALES = [
    *ad.monthly_sales("E1", {**_months(2023, 1, 6, 100), **_months(2023, 7, 12, 200),
                             **_months(2024, 1, 6, 150)}),
    *ad.monthly_sales("W1", {**_months(2023, 1, 6, 50), "2023-12": 75,
                             **_months(2024, 1, 5, 40), "2024-06": 42}),
]
# East has a target in every month of 2024 (400); West misses December.
TARGETS = [
    *({"month": f"2024-{n:02d}", "region": "East", "sales_target": 400} for n in range(1, 13)),
    *({"month": f"2024-{n:02d}", "region": "West", "sales_target": 300} for n in range(1, 12)),
]


def _opp(opp_id: str, client: str, value: int, stage: str, **extra: Any) -> dict[str, Any]:
    return {"opp_id": opp_id, "client_id": client, "title": f"Deal {opp_id}", "value": value,
            "stage": stage, **extra}


OPPORTUNITIES = [
    _opp("O1", "E1", 2_000, "proposal", expected_close="2024-09-30"),  # 0.5 → 1000, counted
    _opp("O2", "E1", 1_000, "negotiation", expected_close="2024-06-20"),  # closes in M: not rest
    _opp("O3", "E1", 5_000, "lead", expected_close="2025-01-15"),  # next year
    _opp("O4", "W1", 400, "qualified", expected_close="2024-12-31"),  # 0.25 → 100, counted
    _opp("O5", "E1", 3_000, "won", closed="2024-06-10", expected_close="2024-04-01",
         competitor="Rival"),  # closed in M (the closed column wins over expected_close)
    _opp("O6", "W1", 800, "lost", expected_close="2024-06-25", competitor="Other"),
    _opp("O7", "E1", 900, "won", expected_close="2024-05-02"),  # won in M−1
    _opp("O8", "E1", 700, "proposal"),  # no expected_close: cannot be placed in the year
    _opp("O9", "E1", 600, "lost", closed="2024-07-01", expected_close="2024-06-15"),  # July
]


def dataset(sales: list[dict[str, Any]] = SALES, targets: list[Any] | None = TARGETS,
            opportunities: list[Any] | None = OPPORTUNITIES) -> Dataset:
    """The ledger as a loaded dataset."""
    tables = {"clients": ad.clients(CLIENTS), "sales": ad.sales(sales)}
    if targets is not None:
        tables["targets"] = ad.targets(targets)
    if opportunities is not None:
        tables["opportunities"] = ad.opportunities(opportunities)
    return Dataset(tables=tables)


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    return analyse(dataset(), Config(), M)


def row(analysis: Analysis, region: str) -> dict[str, Any]:
    """One landing row, blanks as None."""
    frame = analysis.landing
    got = frame[frame["region"] == region].iloc[0].to_dict()
    return {k: None if not isinstance(v, str) and pd.isna(v) else v for k, v in got.items()}


def test_landing_normal_case(analysis: Analysis) -> None:
    assert tuple(analysis.landing.columns) == LANDING_COLUMNS
    assert list(analysis.landing["region"]) == ["East", "West", "ALL"]
    east = row(analysis, "East")
    # 900 + 1200 × 900 / 600 = 2700; target 12 × 400; remaining 4800 − 900 over 6 months.
    assert east["year_landing"] == 2_700
    assert east["rest_last_year"] == 1_200
    assert (east["year_target"], east["year_gap"]) == (4_800, -2_100)
    assert (east["months_left"], east["remaining_target"], east["run_rate_needed"]) == (
        6, 3_900, 650)
    assert east["landing_blank"] is None and east["target_blank"] is None
    # West: 242 + 75 × 242 / 300 = 302.5 stored units, cut toward zero to 302: the figure is
    # rounded once, from the exact quotient, where it is shown (test_money_quotient).
    assert row(analysis, "West")["year_landing"] == 302
    # ALL: 1142 + 1275 × 1142 / 900 = 1142 + 1617.83… = 2759.83… → 2759.
    assert row(analysis, "ALL")["year_landing"] == 2_759


def test_year_target_blank_when_a_month_has_none(analysis: Analysis) -> None:
    west = row(analysis, "West")
    assert west["year_target"] is None and west["target_blank"] == "no_target"
    assert west["year_gap"] is None and west["run_rate_needed"] is None
    assert west["pipeline_coverage"] is None and west["coverage_blank"] == "no_target"
    # ALL's monthly target is the sum of the regions that have one: 11 × 700 + 400.
    assert row(analysis, "ALL")["year_target"] == 8_100


def test_coverage(analysis: Analysis) -> None:
    east = row(analysis, "East")
    # Only O1 is open, after M and in 2024: 1000 of the 3900 still to make.
    assert east["pipeline_rest"] == 1_000
    assert east["pipeline_coverage"] == pytest.approx(1_000 / 3_900)
    assert east["coverage_rag"] == "red"
    everything = row(analysis, "ALL")
    assert everything["pipeline_rest"] == 1_100  # O1 + O4
    assert everything["pipeline_coverage"] == pytest.approx(1_100 / (8_100 - 1_142))
    assert list(analysis.pipeline_rest["opp_id"]) == ["O1", "O4"]
    assert list(analysis.pipeline_rest["name"]) == ["Eagle", "Wolf"]


def test_coverage_thresholds_from_config() -> None:
    config = Config.model_validate({"coverage": {"green": 0.25, "amber": 0.1}})
    analysis = analyse(dataset(), config, M)
    assert row(analysis, "East")["coverage_rag"] == "green"  # 0.256
    assert row(analysis, "ALL")["coverage_rag"] == "amber"  # 0.158


def test_coverage_without_targets_or_pipeline() -> None:
    no_targets = analyse(dataset(targets=None), Config(), M)
    assert row(no_targets, "East")["coverage_blank"] == "no_target"
    assert row(no_targets, "East")["year_landing"] == 2_700  # the landing needs no target
    no_pipeline = analyse(dataset(opportunities=None), Config(), M)
    assert row(no_pipeline, "East")["coverage_blank"] == "no_pipeline"
    assert no_pipeline.pipeline_rest is None and no_pipeline.deals is None


def test_target_reached() -> None:
    small = [{"month": f"2024-{n:02d}", "region": "East", "sales_target": 50}
             for n in range(1, 13)]
    east = row(analyse(dataset(targets=small), Config(), M), "East")
    assert east["year_target"] == 600 and east["coverage_blank"] == "target_reached"
    assert east["run_rate_needed"] is None and east["year_gap"] == 2_100


def test_landing_blank_when_last_year_is_missing() -> None:
    # The data start in 2023-03: last year's YTD is not covered.
    late = [s for s in SALES if s["date"] >= "2023-03"]
    east = row(analyse(dataset(late), Config(), M), "East")
    assert east["year_landing"] is None and east["landing_blank"] == "last_year_missing"
    assert east["year_gap"] is None


def test_landing_blank_when_last_year_is_not_positive() -> None:
    # West's first half of 2023 nets to zero (a return of everything in June).
    sales = [*SALES, {"date": "2023-06-20", "client_id": "W1", "amount": -300}]
    analysis = analyse(dataset(sales), Config(), M)
    west = row(analysis, "West")
    assert west["year_landing"] is None and west["landing_blank"] == "last_year_not_positive"
    assert row(analysis, "East")["year_landing"] == 2_700


def test_december_lands_on_ytd() -> None:
    december = ad.month("2024-12")
    sales = [*SALES, *ad.monthly_sales("E1", _months(2024, 7, 12, 150))]
    east = row(analyse(dataset(sales), Config(), december), "East")
    assert (east["year_landing"], east["months_left"]) == (1_800, 0)
    # 3000 are still to make but no month is left: no run rate, no coverage.
    assert (east["remaining_target"], east["run_rate_needed"]) == (3_000, None)
    assert east["coverage_blank"] == "no_months_left" and east["pipeline_coverage"] is None


def test_deals_of_the_month(analysis: Analysis) -> None:
    deals = analysis.deals
    assert list(deals["opp_id"]) == ["O5", "O6"]  # won first
    assert list(deals["stage"]) == ["won", "lost"]
    assert list(deals["value"]) == [3_000, 800]
    assert list(deals["competitor"]) == ["Rival", "Other"]
    assert list(deals["region"]) == ["East", "West"]
    assert [d.strftime("%Y-%m-%d") for d in deals["closed"]] == ["2024-06-10", "2024-06-25"]
    screened = analysis.opportunities.set_index("opp_id")["verdict"]
    assert list(deals["verdict"]) == [screened["O5"], screened["O6"]]


def test_coverage_config_is_validated(tmp_path: Path) -> None:
    for text in ("[coverage]\ngreen = 0.5\namber = 0.7\n", "[drivers]\nnamed_bars = 0\n",
                 "[landing]\nmethod = \"straight_line\"\n"):
        path = tmp_path / "reportgen.toml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ConfigError):
            load_config(path, explicit=True)
    path.write_text("[coverage]\ngreen = 1.2\namber = 0.8\n[drivers]\nnamed_bars = 3\n",
                    encoding="utf-8")
    config = load_config(path, explicit=True)
    assert (config.coverage.green, config.coverage.amber, config.drivers.named_bars) == (
        1.2, 0.8, 3)
