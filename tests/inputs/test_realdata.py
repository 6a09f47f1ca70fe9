"""The real-world workbooks of ../shared/realdata.

Every one is read or refused cleanly by `check`; on Superstore, every money figure of
metrics.xlsx for November 2017 is the ledger's own sum of the same lines, rounded once.
"""

from __future__ import annotations

import hashlib
import shutil
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from reportgen.cli.app import cli
from tests.workbooks import REALDATA

FILES = sorted(p for p in REALDATA.glob("*/*") if p.is_file() and p.name != "SOURCES.md") if (
    REALDATA.is_dir()) else []

pytestmark = pytest.mark.realdata


@pytest.mark.skipif(not FILES, reason="../shared/realdata is not available")
@pytest.mark.parametrize("source", FILES, ids=lambda p: p.name)
def test_check_reads_or_refuses_cleanly(source: Path, tmp_path):
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    shutil.copyfile(source, inputs / source.name)  # a link out of the folder is not read
    result = CliRunner().invoke(cli, ["check", "--inputs", str(inputs)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    assert "unexpected problem" not in result.output
    assert result.exit_code in (0, 1)
    if result.exit_code == 1:
        # Each error line names the file (or says no Sales sheet was found in it).
        errors = [line for line in result.output.splitlines() if line.startswith("error:")]
        assert errors, result.output
        assert all(source.name in line or "no Sales sheet" in line or "no Clients sheet"
                   in line for line in errors), result.output
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before


# ----------------------------------------------------------------------------- Superstore totals

SUPERSTORE = REALDATA / "sales" / "Abhishake22__Sample - Superstore.xlsx"
#: The mapping the loader's tests use for Superstore's Orders and People sheets.
SUPERSTORE_CONFIG = (
    '[sheets]\nsales = "Orders"\nregions = "People"\n'
    '[columns.sales]\ndate = "Order Date"\nclient_id = "Customer ID"\n'
    'client_name = "Customer Name"\nregion = "Region"\namount = "Sales"\n'
    'order_id = "Order ID"\nprofit = "Profit"\n'
    '[columns.regions]\nsupervisor = "Person"\n'
)
MONEY_FORMAT = "#,##0.00"
CENT = Decimal("0.01")


def as_typed(value: float) -> Decimal:
    """A cell's number as Excel holds and shows it: 15 significant digits of the stored double.

    The file stores 731.94 as the double 731.93999999999994; ``Decimal(str(v))`` keeps that
    binary noise, Excel (and the loader) read 731.94.
    """
    raw = Decimal(str(value))
    if not raw:
        return raw
    return raw.quantize(Decimal(1).scaleb(raw.adjusted() - 14), rounding=ROUND_HALF_EVEN)


def to_cent(total: Decimal) -> Decimal:
    """An exact amount rounded once, half up (away from zero), to the cent."""
    return total.quantize(CENT, rounding=ROUND_HALF_UP)


def regions_sheet(path: Path) -> tuple[dict[str, dict[str, object]], set[str]]:
    """metrics.xlsx's region sheet by region, and the columns written as money."""
    sheet = load_workbook(path).worksheets[0]
    header = [c.value for c in sheet[1]]
    rows = {str(r[0].value): {h: c.value for h, c in zip(header, r, strict=False)}
            for r in sheet.iter_rows(min_row=2)}
    money = {str(h) for h, c in zip(header, sheet[2], strict=False)
             if c.number_format == MONEY_FORMAT}
    return rows, money


@pytest.fixture(scope="module")
def superstore(tmp_path_factory):
    """The 2017-11 run's region sheet, each client's region, and the raw Orders lines."""
    if not SUPERSTORE.exists():
        pytest.skip("../shared/realdata is not available")
    tmp = tmp_path_factory.mktemp("superstore")
    inputs = tmp / "inputs"
    inputs.mkdir()
    shutil.copyfile(SUPERSTORE, inputs / SUPERSTORE.name)  # a link out of inputs is skipped
    (tmp / "reportgen.toml").write_text(SUPERSTORE_CONFIG, encoding="utf-8")
    result = CliRunner().invoke(cli, [
        "analyze", "--inputs", str(inputs), "--out", str(tmp / "out"), "--month", "2017-11",
        "--config", str(tmp / "reportgen.toml"), "--quiet"])
    assert result.exit_code == 0, result.output
    rows, money = regions_sheet(tmp / "out" / "2017-11" / "metrics.xlsx")
    tiers = load_workbook(tmp / "out" / "2017-11" / "tiers.xlsx", read_only=True).worksheets[0]
    header, *clients = list(tiers.iter_rows(values_only=True))
    at = {name: i for i, name in enumerate(header)}
    region_of = {c[at["client_id"]]: c[at["region"]] for c in clients}
    raw = pd.read_excel(SUPERSTORE, sheet_name="Orders", engine="openpyxl")
    raw["month"] = raw["Order Date"].dt.to_period("M")
    return rows, money, region_of, raw


def expected_figures(raw: pd.DataFrame, region_of: dict[str, str], region: str
                     ) -> dict[str, Decimal]:
    """Every money figure of a region (or ALL) for 2017-11, exact, from the raw lines."""
    m = pd.Period("2017-11", "M")

    def total(lines: pd.DataFrame, column: str = "Sales") -> Decimal:
        exact = sum((as_typed(v) for v in lines[column]), Decimal(0))
        # The sum of the raw doubles differs only by their binary noise.
        raw = sum((Decimal(str(v)) for v in lines[column]), Decimal(0))
        assert abs(exact - raw) < Decimal("1e-8"), (exact, raw)
        return exact

    upto = raw[raw["month"] <= m]
    # Line-based figures follow the line's own region (every Superstore line has one).
    mine = upto if region == "ALL" else upto[upto["Region"] == region]

    def months(first: pd.Period, last: pd.Period) -> pd.DataFrame:
        return mine[(mine["month"] >= first) & (mine["month"] <= last)]

    sales = total(months(m, m))
    figures = {
        "sales": sales,
        "sales_prev_month": total(months(m - 1, m - 1)),
        "sales_last_year": total(months(m - 12, m - 12)),
        "sales_ytd": total(months(pd.Period("2017-01", "M"), m)),
        "sales_ytd_last_year": total(months(pd.Period("2016-01", "M"), m - 12)),
        "gross_profit": total(months(m, m), "Profit"),
    }
    for name, comparator in (("prev_month", "sales_prev_month"),
                             ("last_year", "sales_last_year"), ("ytd", "sales_ytd_last_year")):
        base = "sales_ytd" if name == "ytd" else "sales"
        figures[f"sales_variance_{name}"] = figures[base] - figures[comparator]
    in_m = months(m, m)
    orders = len(in_m[["Customer ID", "Order ID"]].drop_duplicates())
    figures["average_order_value"] = sales / orders
    # Landing: YTD + last year's rest of the year at this year's pace, exact (28 digits),
    # rounded once to the cent with the others.
    rest = total(mine[(mine["month"] > m - 12) & (mine["month"] <= pd.Period("2016-12", "M"))])
    ytd, ytd_last = figures["sales_ytd"], figures["sales_ytd_last_year"]
    figures["year_landing"] = ytd + rest * ytd / ytd_last
    # Client-based figures follow the client's region (tiers.xlsx), over all its lines.
    buys = upto[upto["Sales"] > 0]
    first = buys.groupby("Customer ID")["Order Date"].min()
    last = buys.groupby("Customer ID")["Order Date"].max().dt.to_period("M")
    ours = {c for c, r in region_of.items() if region in ("ALL", r)}
    new = [c for c in ours if c in first.index and first[c].to_period("M") == m]
    new_3m = [c for c in ours if c in first.index and m - 2 <= first[c].to_period("M") <= m]
    lost = [c for c in ours if c in last.index and last[c] == m - 12]
    by_client = upto.groupby("Customer ID")
    figures["new_client_sales"] = sum(
        (total(g[g["month"] == m]) for c, g in by_client if c in new), Decimal(0))
    figures["new_clients_3m_sales"] = sum(
        (total(g[g["Order Date"] >= first[c]]) for c, g in by_client if c in new_3m),
        Decimal(0))
    figures["lost_value"] = sum(
        (total(g[(g["month"] >= m - 23) & (g["month"] <= m - 12)]) for c, g in by_client
         if c in lost), Decimal(0))
    return figures


@pytest.mark.parametrize("region", ["Central", "East", "South", "West", "ALL"])
def test_superstore_metrics_equal_the_ledgers_sums_rounded_once(superstore, region):
    rows, money, region_of, raw = superstore
    expected = expected_figures(raw, region_of, region)
    # Every column written as money is checked (the others are counts, ratios and marks).
    row = rows[region]
    assert {c for c in money if row[c] is not None} == set(expected)
    for column, exact in expected.items():
        assert Decimal(str(row[column])) == to_cent(exact), (region, column, exact)
    active = raw[(raw["month"] == pd.Period("2017-11", "M"))
                 & ((raw["Region"] == region) | (region == "ALL"))]
    assert row["active_clients"] == active["Customer ID"].nunique()
    assert row["orders"] == len(active[["Customer ID", "Order ID"]].drop_duplicates())
    assert row["gross_margin"] == pytest.approx(
        float(expected["gross_profit"] / expected["sales"]), rel=1e-12)


def test_superstore_totals_are_excels_sums(superstore):
    """The figures Excel's SUM gives, where reading rounded each line to cents first."""
    rows, *_ = superstore
    assert rows["East"]["gross_profit"] == 9390.26  # not 9,390.21
    assert rows["Central"]["gross_profit"] == -1518.60  # not -1,518.61
    assert rows["East"]["sales_last_year"] == 22982.09  # November 2016; not 22,982.15
