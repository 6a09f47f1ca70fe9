"""drivers.xlsx and metrics.xlsx's year columns, read back from the written files.

On the bundled sample (``inputs/``) and on the Superstore workbook of ``../shared/realdata``
(mapped as the loader's tests map it), every bridge satisfies comparator + Σ contributions =
actual exactly on the stored amounts, with the comparator and the actual the KPI table's, and
drivers.xlsx and metrics.xlsx show each of those figures rounded once to the cent.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from reportgen.analysis.drivers import DRIVERS_COLUMNS
from reportgen.analysis.pipeline import Analysis, analyse, resolve_month
from reportgen.inputs.config import Config, load_config
from reportgen.inputs.load import load_inputs
from reportgen.inputs.schema import MONEY_SCALE
from reportgen.outputs.workbooks import YEAR_COLUMNS, write_workbooks
from tests.workbooks import REALDATA

SAMPLE = Path(__file__).resolve().parents[2] / "inputs"
SUPERSTORE = REALDATA / "sales" / "Abhishake22__Sample - Superstore.xlsx"
GENERATED = dt.datetime(2026, 11, 5, 9, 0)
#: metrics.xlsx's comparator column of each comparison.
COMPARATOR = {"last_year": "sales_last_year", "last_month": "sales_prev_month",
              "plan": "sales_target"}


def units(value: object) -> int:
    """A money cell read back (currency units, two decimals) as integer units of MONEY_SCALE."""
    assert isinstance(value, int | float), value
    return round(value * MONEY_SCALE)


def to_cent(stored: object) -> int:
    """An exact stored amount rounded once, half away from zero, to the cent (in MONEY_SCALE)."""
    exact = int(stored)  # type: ignore[call-overload]
    per_cent = MONEY_SCALE // 100
    cents = (abs(exact) + per_cent // 2) // per_cent
    return (cents if exact >= 0 else -cents) * per_cent


def sheet(path: Path) -> list[dict[str, object]]:
    """The first sheet of a workbook as dicts."""
    rows = list(load_workbook(path, read_only=True).worksheets[0].iter_rows(values_only=True))
    # Read-only rows stop at their last value: blank trailing cells are padded back.
    width = len(rows[0])
    return [dict(zip(rows[0], [*r, *[None] * (width - len(r))], strict=True))
            for r in rows[1:]]


def written(inputs: Path, config: Config, tmp_path: Path) -> tuple[Analysis, Path]:
    """Load, analyse the latest month and write the workbooks; return the folder."""
    dataset = load_inputs(inputs, config)
    month, notes = resolve_month(dataset, None)
    analysis = analyse(dataset, config, month, notes)
    write_workbooks(analysis, dataset, tmp_path, GENERATED)
    return analysis, tmp_path


def check_identity(analysis: Analysis, folder: Path) -> int:
    """Assert the bridge identity for every bridge; return how many.

    The identity holds exactly on the stored amounts (analysis.drivers against the KPI
    table); the workbooks show each of those figures rounded once to the cent.
    """
    drivers = sheet(folder / "drivers.xlsx")
    assert drivers and tuple(drivers[0])[: len(DRIVERS_COLUMNS)] == DRIVERS_COLUMNS
    exact = analysis.drivers.reset_index(drop=True)
    assert len(drivers) == len(exact)
    metrics = {r["region"]: r for r in sheet(folder / "metrics.xlsx")}
    kpis = analysis.kpis.by_region.set_index("region")
    sums: dict[tuple[object, object], int] = defaultdict(int)
    actuals: dict[tuple[object, object], int] = defaultdict(int)
    ranks: dict[tuple[object, object], list[int]] = defaultdict(list)
    for r, (_, e) in zip(drivers, exact.iterrows(), strict=True):
        where = (r["region"], r["comparison"])
        assert where == (e["region"], e["comparison"])
        assert int(e["actual"]) - int(e["comparator"]) == int(e["contribution"])
        for column in ("actual", "comparator", "contribution"):
            assert units(r[column]) == to_cent(e[column]), (where, column)
        sums[where] += int(e["contribution"])
        actuals[where] += int(e["actual"])
        ranks[where].append(int(r["rank"]))  # type: ignore[call-overload]
    for region, row in metrics.items():
        for comparison, column in COMPARATOR.items():
            where = (region, comparison)
            if row[column] is None:
                assert where not in sums, where
                continue
            comparator, sales = kpis.loc[region, column], kpis.loc[region, "sales"]
            assert units(row[column]) == to_cent(comparator), where
            assert units(row["sales"]) == to_cent(sales), where
            if comparison == "plan" or where in sums:
                assert int(comparator) + sums[where] == int(sales), where
                assert actuals[where] == int(sales), where
                assert sorted(ranks[where]) == list(range(1, len(ranks[where]) + 1))
    for region, comparison in sums:
        assert region in metrics and comparison in COMPARATOR
    return len(sums)


def test_bundled_sample(tmp_path: Path) -> None:
    analysis, folder = written(SAMPLE, Config(), tmp_path)
    count = check_identity(analysis, folder)
    regions = len(analysis.kpis.by_region)
    # The sample covers last year and last month for every region, and has targets.
    assert count == regions * 3
    metrics = sheet(folder / "metrics.xlsx")
    header = list(metrics[0])
    assert header[-len(YEAR_COLUMNS):] == list(YEAR_COLUMNS)
    landing = analysis.landing.set_index("region")
    for row in metrics:
        expected = landing.loc[row["region"]]
        for column in ("year_landing", "year_target", "year_gap"):
            value, got = expected[column], row[column]
            assert (got is None) if pd.isna(value) else units(got) == to_cent(value)
        coverage = expected["pipeline_coverage"]
        if not pd.isna(coverage):
            assert row["pipeline_coverage"] == pytest.approx(coverage)


@pytest.mark.realdata
def test_superstore(tmp_path: Path) -> None:
    if not SUPERSTORE.exists():
        pytest.skip("../shared/realdata is not available")
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    shutil.copyfile(SUPERSTORE, inputs / SUPERSTORE.name)  # a link out of the folder is not read
    cfg = tmp_path / "reportgen.toml"
    cfg.write_text(
        '[sheets]\nsales = "Orders"\nregions = "People"\n'
        '[columns.sales]\ndate = "Order Date"\nclient_id = "Customer ID"\n'
        'client_name = "Customer Name"\nregion = "Region"\namount = "Sales"\n'
        'order_id = "Order ID"\nprofit = "Profit"\n'
        '[columns.regions]\nsupervisor = "Person"\n', encoding="utf-8")
    out = tmp_path / "out"
    analysis, folder = written(inputs, load_config(cfg), out)
    # No Targets sheet: the by-client bridges only, for the four regions and ALL.
    assert check_identity(analysis, folder) == 5 * 2
    assert analysis.landing["year_target"].isna().all()
