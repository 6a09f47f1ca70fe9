"""The monthly review pack: view-model figures on tiny data, the demo's KPI rows, the HTML, the PDF.

The tiny dataset (report month 2024-06, regions 华东 and 华南; in cents, stored as ``cents(n)``):

    client  region  manager   lines
    A1      华东    李娜      2023-06-10 10,000; 2024-05-10 20,000; 2024-06-05 30,000;
                              2024-06-20 -5,000 (a return)          potential 100,000
    A2      华东    Wang      2023-06-15 5,000; 2024-06-12 8,000 on a line of region 华南
    A3      华东    Wang      2023-05-20 3,000; 2023-06-20 7,000    (lost in M)
    A4      华东    ../../x   2024-06-25 6,000                       (new in M)

A4's name is ``<script>alert(1)</script>`` and B1's ``<img src="file:///etc/passwd">``.
    B1      华南    Zhao      2023-05-01 1,000; 2024-06-01 40,000

Line-based sales of M: 华东 = 30,000 - 5,000 + 6,000 = 31,000 (A2's line counts to 华南);
华南 = 8,000 + 40,000 = 48,000; ALL = 79,000. M-1 (2024-05): 华东 20,000. M-12 (2023-06):
华东 10,000 + 5,000 + 7,000 = 22,000. Targets: 华东 10,000 for each of January..May and
40,000 for June (own rows); 华南 only through its manager Zhao's June row, 50,000.

Company-wide tiers at M (net sales 2023-07..2024-06): A1 45,000 and B1 40,000 are class A,
A2 8,000 and A4 6,000 class B; the high-potential threshold is 40,000 (B1). A1's untapped
potential 100,000 - 45,000 = 55,000 makes it Major; B1 (no potential) is Named; A2 and A4
Non-named; A3 (nothing in the window) Mass-market. At M-1 (2023-06..2024-05) A1 30,000 and
A3 7,000 were class A, A2 5,000 class B: A1 Major, A3 Named, A2 Non-named, B1 and A4 Mass.
So B1 moved up, A3 is lost, A4 is new. A1 has an unresolved complaint (delivery): at risk.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import os
import re
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from reportgen.analysis.kpis import month_kpis
from reportgen.analysis.pipeline import analyse
from reportgen.documents import fmt
from reportgen.documents.pack.context import pack_regions
from reportgen.documents.pack.quality import _issue_label
from reportgen.documents.pack.series import monthly_sales, monthly_targets
from reportgen.documents.pack.view import PACK_TEMPLATE, pack_document_title, pack_view
from reportgen.documents.pdf import render_pdf
from reportgen.documents.render import make_environment
from reportgen.inputs.config import Config
from reportgen.inputs.issues import Issue, Severity
from reportgen.inputs.load import _value_code
from reportgen.inputs.model import Dataset, InputFile
from reportgen.inputs.schema import SCALE_PER_CENT, SHEETS
from tests import analysis_data as ad

GOLDEN = Path(__file__).resolve().parent / "golden" / "pack.html"
GENERATED = dt.datetime(2026, 11, 3, 9, 30)
MONTH = ad.month("2024-06")
EAST, SOUTH = "华东", "华南"
SCRIPT = "<script>alert(1)</script>"
IMG = '<img src="file:///etc/passwd">'


def cents(amount: int) -> int:
    """An amount of the module docstring (in cents) as stored money."""
    return amount * SCALE_PER_CENT


def tiny_dataset(*, potentials: bool = True, opportunities: bool = True,
                 issues: tuple[Issue, ...] = ()) -> Dataset:
    """The dataset of the module docstring."""
    clients = ad.clients([
        {"client_id": "A1", "name": "甲乙丙科技有限公司", "region": EAST,
         "account_manager": "李娜", "potential_value": cents(100_000) if potentials else None},
        {"client_id": "A2", "name": "Beta Ltd", "region": EAST, "account_manager": "Wang"},
        {"client_id": "A3", "name": "Gamma Lost Ltd", "region": EAST, "account_manager": "Wang"},
        {"client_id": "A4", "name": SCRIPT, "region": EAST, "account_manager": "../../x"},
        {"client_id": "B1", "name": IMG, "region": SOUTH, "account_manager": "Zhao"},
    ])
    sales = ad.sales([
        ("2023-06-10", "A1", cents(10_000)), ("2024-05-10", "A1", cents(20_000)),
        ("2024-06-05", "A1", cents(30_000)), ("2024-06-20", "A1", cents(-5_000)),
        ("2023-06-15", "A2", cents(5_000)),
        {"date": "2024-06-12", "client_id": "A2", "amount": cents(8_000), "region": SOUTH},
        ("2023-05-20", "A3", cents(3_000)), ("2023-06-20", "A3", cents(7_000)),
        ("2024-06-25", "A4", cents(6_000)),
        ("2023-05-01", "B1", cents(1_000)), ("2024-06-01", "B1", cents(40_000)),
    ])
    targets = ad.targets([
        *[(f"2024-0{m}", EAST, cents(10_000)) for m in range(1, 6)],
        ("2024-06", EAST, cents(40_000)),
        {"month": "2024-06", "region": SOUTH, "account_manager": "Zhao",
         "sales_target": cents(50_000)},
    ])
    feedback = ad.feedback([("2024-06-03", "A1", "complaint", False, "delivery")])
    tables = {"clients": clients, "sales": sales, "targets": targets, "feedback": feedback}
    if opportunities:
        tables["opportunities"] = ad.opportunities([
            ("O1", "A1", "Line retrofit", cents(100_000), "proposal"),
            ("O2", "B1", "Pilot", cents(20_000), "lead"),
            ("O3", "A1", "Old order", cents(50_000), "won"),
        ])
    inputs = (
        InputFile("accounts.xlsx", "0" * 64, 1, (("Clients", "clients"), ("客户反馈", "feedback"))),
        InputFile("sales.xlsx", "1" * 64, 1, (("销售", "sales"),)),
    )
    return Dataset(tables=tables, issues=issues, inputs=inputs)


def tiny(**kwargs: object) -> tuple[object, Dataset, Config]:
    dataset = tiny_dataset(**kwargs)  # type: ignore[arg-type]
    config = Config()
    return analyse(dataset, config, MONTH), dataset, config


@pytest.fixture(scope="module")
def small():
    return tiny()


def view_of(small, region=EAST, lang="en"):
    analysis, dataset, config = small
    return pack_view(analysis, dataset, region, config, lang)


def kpi(view, key):
    return next(r for r in view["kpis"]["rows"] if r["key"] == key)


# ----------------------------------------------------------------------------- KPI table


@pytest.mark.parametrize(
    ("region", "key", "expected"),
    [
        # Net sales against plan 40,000 (red: 77.5%), last month 20,000, last year 22,000.
        (EAST, "sales", {"actual": cents(31_000), "plan": cents(40_000), "plan_var": cents(-9_000),
                         "plan_rel": -0.225, "plan_mark": "red", "prev": cents(20_000),
                         "prev_var": cents(11_000), "prev_rel": 0.55, "prev_mark": "green",
                         "last_year": cents(22_000), "last_year_var": cents(9_000),
                         "last_year_mark": "green"}),
        # Year to date 20,000 + 31,000 against the plan 5 x 10,000 + 40,000; last year's
        # January is before the first data month (2023-05), so its YTD is blank.
        (EAST, "sales_ytd", {"actual": cents(51_000), "plan": cents(90_000),
                             "plan_var": cents(-39_000),
                             "plan_mark": "red", "last_year": None, "last_year_mark": None}),
        # Active clients: A1 and A4 in M (A2's line is 华南's); A1 in M-1; A1, A2, A3 in M-12.
        (EAST, "active_clients", {"actual": 2, "prev": 1, "prev_var": 1, "last_year": 3,
                                  "last_year_var": -1}),
        # Orders without order numbers are purchase lines: the return is not one.
        (EAST, "orders", {"actual": 2, "prev": 1, "last_year": 3}),
        # A1's and A2's first lines are in 2023-06: new clients of that month, as the data says.
        (EAST, "new_clients", {"actual": 1, "plan": None, "prev": 0, "last_year": 2}),
        (EAST, "new_client_sales", {"actual": cents(6_000)}),
        (EAST, "lost_clients", {"actual": 1, "prev": 0, "prev_mark": "red"}),
        (EAST, "lost_value", {"actual": cents(10_000)}),
        (EAST, "complaints", {"actual": 1, "prev": None}),
        (EAST, "open_complaints", {"actual": 1}),
        (EAST, "pipeline_value", {"actual": cents(100_000), "prev": None, "last_year": None}),
        (EAST, "weighted_pipeline", {"actual": cents(50_000)}),
        # 华南's plan is its manager's row: 48,000 / 50,000 = 96%, amber.
        (SOUTH, "sales", {"actual": cents(48_000), "plan": cents(50_000), "plan_var": cents(-2_000),
                          "plan_rel": -0.04, "plan_mark": "amber", "prev": 0,
                          "last_year": 0, "last_year_rel": None}),
        (SOUTH, "upgrades", {"actual": 1, "prev": 0}),
        (None, "sales", {"actual": cents(79_000), "plan": cents(90_000), "plan_mark": "red",
                         "last_year": cents(22_000)}),
    ],
)
def test_kpi_table_figures_on_tiny_data(small, region, key, expected):
    row = kpi(view_of(small, region), key)
    assert {k: row[k] for k in expected} == pytest.approx(expected)


def test_kpi_table_actuals_are_the_kpi_tables_row(small):
    analysis = small[0]
    by_region = analysis.kpis.by_region.set_index("region")
    view = view_of(small)
    for row in view["kpis"]["rows"]:
        value = by_region.at[EAST, row["key"]]
        assert row["actual"] == (None if pd.isna(value) else pytest.approx(value)), row["key"]


def test_figures_of_other_months_follow_the_kpi_rules(small):
    # The prior-month column is the KPI function run for M-1: its sales equal this month's
    # own "sales_prev_month" figure.
    analysis, dataset, config = small
    prev = month_kpis(
        dataset.table("sales"), dataset.table("clients"),
        analysis.tiers.join(analysis.migration[["previous_tier", "migration"]]),
        analysis.life, None, dataset.table("feedback"), dataset.table("targets"), MONTH - 1,
        config,
    ).by_region.set_index("region")
    assert prev.at[EAST, "sales"] == kpi(view_of(small), "sales")["prev"] == cents(20_000)


# ----------------------------------------------------------------------------- trend and targets


def test_sales_trend_months_actuals_targets_and_prior_year(small):
    rows = view_of(small)["trend"]["rows"]
    assert [r["month"] for r in rows] == [str(MONTH - 11 + i) for i in range(12)]
    # 2023-07..2024-04 are covered months without a line: 0, not blank.
    assert [r["actual"] for r in rows] == [0] * 10 + [cents(20_000), cents(31_000)]
    # A year earlier: blank before the first data month (2023-05), then A3's 3,000 and 22,000.
    assert [r["prior_year"] for r in rows] == [None] * 10 + [cents(3_000), cents(22_000)]
    assert [r["target"] for r in rows] == [None] * 6 + [cents(10_000)] * 5 + [cents(40_000)]
    assert rows[-1]["attainment"] == pytest.approx(cents(31_000) / cents(40_000))


def test_monthly_sales_group_lines_like_the_kpis(small):
    _, dataset, _ = small
    table = monthly_sales(dataset, dataset.table("clients"), MONTH)
    assert table.at[EAST, MONTH] == cents(31_000)
    assert table.at[SOUTH, MONTH] == cents(48_000)
    assert table.at["ALL", MONTH] == cents(79_000)
    assert table.at[EAST, MONTH - 12] == cents(22_000)


JUNE = [ad.month("2024-06")]


@pytest.mark.parametrize(
    ("rows", "home", "expected"),
    [
        # A region's own rows win over its managers' rows.
        ([("2024-06", "E", 100), {"month": "2024-06", "region": "E", "account_manager": "m",
                                  "sales_target": 7}],
         {}, {"E": [100], "W": [None], "ALL": [100]}),
        # Without own rows: the sum of its managers' rows.
        ([{"month": "2024-06", "region": "W", "account_manager": "m", "sales_target": 7},
          {"month": "2024-06", "region": "W", "account_manager": "n", "sales_target": 5}],
         {}, {"E": [None], "W": [12], "ALL": [12]}),
        # A manager row without a region belongs to the manager's home region.
        ([{"month": "2024-06", "account_manager": "m", "sales_target": 9}],
         {"m": "E"}, {"E": [9], "W": [None], "ALL": [9]}),
        # An ALL row is the company's target, whatever the regions add up to.
        ([("2024-06", "E", 100), ("2024-06", "全部", 500)],
         {}, {"E": [100], "W": [None], "ALL": [500]}),
        # Other months do not count.
        ([("2024-05", "E", 100)], {}, {"E": [None], "W": [None], "ALL": [None]}),
    ],
)
def test_monthly_targets_follow_the_kpi_rule(rows, home, expected):
    assert monthly_targets(ad.targets(rows), JUNE, ["E", "W"], home) == expected


def test_monthly_targets_of_month_m_equal_the_kpi_targets(small):
    analysis = small[0]
    by_region = analysis.kpis.by_region.set_index("region")
    for region in (EAST, SOUTH, None):
        target = view_of(small, region)["trend"]["rows"][-1]["target"]
        assert target == by_region.at[region or "ALL", "sales_target"]


# ----------------------------------------------------------------------------- client lists


def test_summary_leads_with_red_marks_key_accounts_lost_and_exclusions(small):
    summary = view_of(small)["summary"]
    assert [(r["label"], r["comparison"]) for r in summary["red"]] == [
        ("Net sales", "against plan"),
        ("Net sales, year to date", "against plan"),
        ("Clients lost", "against last month"),
    ]
    assert [r["client_id"] for r in summary["key_at_risk"]] == ["A1"]
    assert summary["key_at_risk"][0]["reasons"] == ["Unresolved complaints: 1"]
    assert summary["key_at_risk_value"] == cents(45_000)
    assert [(r["client_id"], r["lost_value"]) for r in summary["lost"]] == [("A3", cents(10_000))]
    assert summary["lost_count"] == 1 and summary["lost_value"] == cents(10_000)


def test_migration_matrix_and_named_moves_are_the_regions(small):
    east, south = view_of(small)["migration"], view_of(small, SOUTH)["migration"]
    cells = {r["code"]: r["cells"] for r in east["rows"]}
    # Columns: major, named, non_named, mass, lost.
    assert cells == {"major": [1, 0, 0, 0, 0], "named": [0, 0, 0, 0, 1],
                     "non_named": [0, 0, 1, 0, 0], "mass": [0, 0, 0, 0, 0],
                     "new": [0, 0, 1, 0, 0]}
    assert east["upgrades"] == [] and east["downgrades"] == []
    assert [(r["client_id"], r["previous_tier_label"], r["tier_label"], r["previous_value"],
             r["current_value"]) for r in south["upgrades"]] == [
        ("B1", "Mass-market", "Named account", 0, cents(40_000))]


def test_new_clients_with_sales_since_their_first_purchase(small):
    new = view_of(small)["new_clients"]
    assert [(r["client_id"], r["first_purchase"], r["in_month"], r["sales_since"])
            for r in new["rows"]] == [("A4", "2024-06-25", True, cents(6_000))]
    assert (new["new_in_month"], new["new_in_month_sales"]) == (1, cents(6_000))


def test_customer_base_counts_the_regions_clients_with_company_tiers(small):
    tiers = {t["tier"]: (t["clients"], t["value"]) for t in view_of(small)["customers"]["tiers"]}
    assert tiers == {"major": (1, cents(45_000)), "named": (0, 0), "non_named": (2, cents(14_000)),
                     "mass": (1, 0)}
    assert view_of(small)["customers"]["threshold"] == cents(40_000)


def test_pipeline_top_opportunities_and_verdicts(small):
    pipe = view_of(small)["pipeline"]
    assert [(o["opp_id"], o["value"], o["weighted"], o["probability"])
            for o in pipe["top"]] == [("O1", cents(100_000), cents(50_000), 0.5)]
    assert {r["verdict"]: r["count"] for r in pipe["by_verdict"] if r["count"]} == {"qualify": 1}


def test_scorecards_list_the_regions_managers(small):
    cards = view_of(small)["scorecards"]
    assert [(m["manager"], m["sales"]) for m in cards["managers"]] == [
        ("李娜", cents(25_000)), ("../../x", cents(6_000)), ("Wang", 0)]
    leadership = view_of(small, None)["scorecards"]
    assert [r["region"] for r in leadership["regions"]] == [EAST, SOUTH]
    assert leadership["total"]["sales"] == cents(79_000)


# ----------------------------------------------------------------------------- charts left out


@pytest.mark.parametrize(
    ("kwargs", "section", "key", "reason"),
    [
        ({"potentials": False}, "customers", "quadrant_reason",
         "No chart: no client has a potential value (potential_value in the "
         "Clients sheet), so current value cannot be set against potential."),
        ({"opportunities": False}, "pipeline", "reason",
         "No pipeline: the inputs have no Opportunities sheet."),
    ],
)
def test_a_chart_without_data_is_left_out_with_a_reason(kwargs, section, key, reason):
    view = view_of(tiny(**kwargs))
    assert view[section][key] == reason
    assert view[section].get("quadrant" if section == "customers" else "chart") is None


def test_a_region_without_opportunities_has_no_pipeline_chart(small):
    # 华南's only open opportunity is B1's lead: a chart; a region with none has a reason.
    analysis, dataset, config = small
    screened = analysis.opportunities
    no_south = analysis.__class__(**{**analysis.__dict__, "opportunities": screened[
        screened["client_id"] != "B1"]})
    pipe = pack_view(no_south, dataset, SOUTH, config, "en")["pipeline"]
    assert pipe["chart"] is None
    assert pipe["reason"] == "No chart: there are no open opportunities."


def test_a_ledger_with_only_clients_and_sales_still_makes_a_pack():
    dataset = tiny_dataset()
    bare = Dataset(tables={k: dataset.table(k) for k in ("clients", "sales")})
    analysis = analyse(bare, Config(), MONTH)
    view = pack_view(analysis, bare, EAST, Config(), "en")
    assert view["service"]["reason"] == "No service figures: the inputs have no Feedback sheet."
    assert view["pipeline"]["reason"] == "No pipeline: the inputs have no Opportunities sheet."
    assert [r["target"] for r in view["trend"]["rows"]] == [None] * 12
    assert kpi(view, "sales")["plan_mark"] is None
    html = render(view)
    assert "No service figures: the inputs have no Feedback sheet." in html
    assert view["appendix"]["inputs"] == []


# ----------------------------------------------------------------------------- data quality


def issue(region: str, code: str, skipped: bool, money: int | None) -> Issue:
    return Issue(Severity.WARNING, "x", file="s.xlsx", sheet="Sales", row=2, code=code,
                 skipped=skipped, money=money, region=region)


def test_data_quality_summary_counts_the_regions_rows_and_money():
    issues = (
        issue(EAST, "bad_amount", True, cents(1_000)),
        issue(EAST, "bad_date", True, cents(2_500)),
        issue(EAST, "duplicate_sales_line", False, None),
        issue(SOUTH, "bad_amount", True, cents(99)),
        issue("", "unknown_client", True, cents(700)),
    )
    analysis, dataset, config = tiny(issues=issues)
    east = pack_view(analysis, dataset, EAST, config, "en")["quality"]
    assert [(r["label"], r["count"], r["skipped"], r["money"]) for r in east["rows"]] == [
        ("Values that could not be read", 2, 2, cents(3_500)),
        ("Repeated sales lines (kept)", 1, 0, 0),
    ]
    assert (east["skipped_rows"], east["skipped_money"]) == (2, cents(3_500))
    assert (east["unattributed_rows"], east["unattributed_money"]) == (1, cents(700))
    everyone = pack_view(analysis, dataset, None, config, "en")["quality"]
    assert (everyone["skipped_rows"], everyone["skipped_money"]) == (4, cents(4_299))
    summary = pack_view(analysis, dataset, EAST, config, "en")["summary"]
    assert (summary["excluded_rows"], summary["excluded_money"]) == (2, cents(3_500))


@pytest.mark.parametrize("column_type", sorted({c.type for kind in SHEETS.values()
                                                 for c in kind.columns}))
def test_every_unreadable_cell_is_labelled_as_such(column_type):
    # The codes the loader gives a cell's problem, not a name of our own: a bad amount or date
    # must not land in "Other problems".
    assert _issue_label(_value_code(column_type, Severity.ERROR)) == (
        "Values that could not be read")
    assert _issue_label(_value_code(column_type, Severity.WARNING)) == "Doubtful values (kept)"
    assert _issue_label("unknown_client") == "Rows for clients not in the client list"
    assert _issue_label("outside_link") == "Other problems"


def test_a_skipped_amount_that_could_not_be_read_is_not_shown_as_nothing_lost():
    # Two East rows skipped: one carries 12.00, the other's amount itself could not be read.
    # "carrying ¥12" alone would read as the whole loss; the pack says one is not counted.
    unread = dataclasses.replace(issue(EAST, "bad_amount", True, None), money_unread=True)
    issues = (issue(EAST, "unknown_client", True, cents(1_200)), unread,
              dataclasses.replace(unread, region=SOUTH))
    analysis, dataset, config = tiny(issues=issues)
    east = pack_view(analysis, dataset, EAST, config, "en")
    assert (east["quality"]["skipped_rows"], east["quality"]["skipped_money"],
            east["quality"]["skipped_unread"]) == (2, cents(1_200), 1)
    assert east["summary"]["excluded_unread"] == 1
    assert pack_view(analysis, dataset, None, config, "en")["quality"]["skipped_unread"] == 2
    text = re.sub(r"<[^>]+>", "", render(east))
    assert "The data checks left out 2 rows carrying ¥12." in text
    assert "Rows left out: 2, carrying ¥12. 1 amount among them could not be read and is " \
           "not counted." in text
    assert text.count("1 amount among them could not be read and is not counted.") == 2
    # In the table, the kind's money and the total say it too.
    assert [(r["label"], r["money"], r["unread"]) for r in east["quality"]["rows"]] == [
        ("Rows for clients not in the client list", cents(1_200), 0),
        ("Values that could not be read", 0, 1)]
    assert "Values that could not be readWarning11¥0and 1 unread" in text
    assert "Total22¥12and 1 unread" in text
    zh = re.sub(r"<[^>]+>", "", render(pack_view(analysis, dataset, None, config, "zh")))
    assert "其中 2 个金额无法读取，未计入。" in zh
    assert "另有 2 个无法读取" in zh
    # Without such a row, the sentence is not there.
    analysis, dataset, config = tiny(issues=issues[:1])
    plain = render(pack_view(analysis, dataset, EAST, config, "en"))
    assert "could not be read and" not in plain


# ----------------------------------------------------------------------------- the contract


def test_view_is_plain_deterministic_json(small):
    first = json.dumps(view_of(small, EAST, "zh"), sort_keys=True, allow_nan=False)
    assert first == json.dumps(view_of(small, EAST, "zh"), sort_keys=True, allow_nan=False)


@pytest.mark.parametrize(
    ("region", "lang", "title"),
    [(EAST, "en", "华东 review pack · June 2024"), (EAST, "zh", "华东 月度经营分析 · 2024年6月"),
     (None, "en", "All regions review pack · June 2024"),
     (None, "zh", "全部区域 月度经营分析 · 2024年6月")],
)
def test_document_title(small, region, lang, title):
    assert pack_document_title(view_of(small, region, lang)) == title


def test_pack_regions_are_every_region_but_all(small):
    assert pack_regions(small[0]) == [EAST, SOUTH]


def test_unknown_region_is_refused(small):
    analysis, dataset, config = small
    with pytest.raises(ValueError, match="^there is no region 'North' in the month's figures "
                                         r"\(华东, 华南\)$"):
        pack_view(analysis, dataset, "North", config, "en")


def test_appendix_states_month_thresholds_and_inputs(small):
    appendix = view_of(small)["appendix"]
    assert (appendix["month"], appendix["first_data_month"]) == ("2024-06", "2023-05")
    values = {t["label"]: t["value"] for t in appendix["thresholds"]}
    assert values["High potential: untapped potential at least (the smallest class-A value)"] \
        == cents(40_000)
    assert values["Class A: cumulative share of value before the client under"] == 0.8
    assert values["Amber: actual at least this share of the comparator"] == 0.9
    assert appendix["inputs"] == [
        {"name": "accounts.xlsx", "sheets": [{"name": "Clients", "kind": None},
                                             {"name": "客户反馈", "kind": "Feedback"}]},
        {"name": "sales.xlsx", "sheets": [{"name": "销售", "kind": "Sales"}]},
    ]


# ----------------------------------------------------------------------------- HTML and PDF


def render(view) -> str:
    env = make_environment(view["lang"])
    return env.get_template(PACK_TEMPLATE).render(**view, generated=GENERATED)


def test_hostile_names_are_escaped_and_nothing_external_is_referenced(small):
    html = render(view_of(small, None, "en"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html
    assert "../../x" in html
    for banned in ("<script", "<link", 'src="file:', "http:", "https:", 'src="//', "url("):
        assert banned not in html
    # Besides data URIs, only relative links to the month's documents: the index and plans
    # (file names made safe by outputs/slug.py, never a spreadsheet's text as written).
    documents = re.findall(r'href="(\.\./(?:index|plans/[^"/]+)\.html)"', html)
    assert "../index.html" in documents
    assert "../../x" not in "".join(documents)
    rest = re.sub(r'href="\.\./(?:index|plans/[^"/]+)\.html"', "", html)
    assert re.findall(r'(?:src|href)="([^"#][^"]{0,20})', rest) == [
        "data:image/svg+xml;base64,"[:21]] * html.count('src="data:')


def test_golden_html(small):
    html = render(view_of(small, EAST, "zh"))
    if os.environ.get("REPORTGEN_UPDATE_GOLDEN") == "1":
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(html, encoding="utf-8")
    assert html == GOLDEN.read_text(encoding="utf-8")


def test_pdf_text_has_the_region_in_chinese_and_the_key_figures(small):
    view = view_of(small, EAST, "zh")
    pdf = render_pdf(render(view), generated=GENERATED, title=pack_document_title(view),
                     lang="zh")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "华东 月度经营分析" in text
    assert "甲乙丙科技有限公司" in text
    for money, figure in ((cents(31_000), "¥310"), (cents(40_000), "¥400"),
                          (cents(22_000), "¥220"), (cents(45_000), "¥450")):
        assert fmt.money(money, "CNY", "zh") == figure
        assert figure in text
    assert "第 1 页" in text


# ----------------------------------------------------------------------------- the demo data




def test_demo_packs_kpi_tables_equal_the_kpi_rows(demo):
    analysis, dataset, config = demo
    by_region = analysis.kpis.by_region
    for position, region in enumerate([*pack_regions(analysis), None]):
        row = by_region.iloc[position]
        view = pack_view(analysis, dataset, region, config, "en")
        for entry in view["kpis"]["rows"]:
            expected = row[entry["key"]]
            assert entry["actual"] == (None if pd.isna(expected) else pytest.approx(expected))
        sales = kpi(view, "sales")
        assert (sales["plan"], sales["prev"], sales["last_year"]) == (
            row["sales_target"], row["sales_prev_month"], row["sales_last_year"])
        assert (sales["plan_var"], sales["plan_mark"], sales["last_year_mark"]) == (
            row["sales_variance_target"], row["rag_target"], row["rag_last_year"])
        # The trend's last month is the month's sales, and its target the KPI target.
        last = view["trend"]["rows"][-1]
        assert (last["actual"], last["target"]) == (row["sales"], row["sales_target"])


@pytest.mark.slow
def test_demo_east_pack_pdf_names_the_region_and_its_figures(demo):
    analysis, dataset, config = demo
    view = pack_view(analysis, dataset, "华东", config, "zh")
    pdf = render_pdf(render(view), generated=GENERATED, title=pack_document_title(view),
                     lang="zh")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    row = analysis.kpis.by_region.set_index("region").loc["华东"]
    assert "华东 月度经营分析" in text
    for column in ("sales", "sales_target", "sales_last_year", "sales_ytd"):
        assert fmt.money(row[column], "CNY", "zh") in text
