"""The pack's opening sentences, its bridges and its landing section on a fixed dataset.

The ledger of ``tests/analysis/test_landing.py`` with every amount in hundreds of currency
units (``U`` = 100 units), so the pack shows whole amounts. M is 2024-06. East: sales in M
150U against a plan of 400U (62.5% = 250U below); 100U in 2023-06 (+50.0%, all from Eagle);
landing 2700U against a year target of 4800U (2100U short); 3900U still to make, covered by
1000U of weighted pipeline (0.26); one deal won in M (3000U), none lost.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from pypdf import PdfReader

from reportgen.analysis.pipeline import analyse
from reportgen.documents.pack.view import PACK_TEMPLATE, pack_document_title, pack_view
from reportgen.documents.pdf import render_pdf
from reportgen.documents.render import make_environment
from reportgen.inputs.config import Config
from reportgen.inputs.model import Dataset
from reportgen.inputs.schema import MONEY_SCALE
from tests import analysis_data as ad
from tests.analysis import test_landing as ledger

U = 100 * MONEY_SCALE
M = ad.month("2024-06")
GENERATED = dt.datetime(2026, 11, 3, 9, 30)


def scaled(rows: list[dict[str, Any]], column: str) -> list[dict[str, Any]]:
    """The rows with ``column`` in hundreds of units."""
    return [{**r, column: r[column] * U} for r in rows]


def dataset(*, targets: bool = True, opportunities: bool = True,
            sales: list[dict[str, Any]] | None = None) -> Dataset:
    """The fixed dataset, scaled."""
    tables = {"clients": ad.clients(ledger.CLIENTS),
              "sales": ad.sales(scaled(sales or ledger.SALES, "amount"))}
    if targets:
        tables["targets"] = ad.targets(scaled(list(ledger.TARGETS), "sales_target"))
    if opportunities:
        tables["opportunities"] = ad.opportunities(scaled(ledger.OPPORTUNITIES, "value"))
    return Dataset(tables=tables)


def view(lang: str, region: str | None = "East", **kwargs: Any) -> dict[str, Any]:
    """The pack view of ``region``."""
    data = dataset(**kwargs)
    return pack_view(analyse(data, Config(), M), data, region, Config(), lang)


EN = [
    "East: sales are 62.5% (¥25,000) below plan in June 2024.",
    "Against the same month last year, sales changed by +50.0% (+¥5,000); the largest moves: "
    "Eagle (+¥5,000).",
    "At this pace East lands at ¥270,000 for the year, ¥210,000 short of its year target of "
    "¥480,000.",
    "The open pipeline expected to close this year covers 0.26 of the ¥390,000 still to make.",
    "Deals closed this month: 1 won (¥300,000), 0 lost (¥0).",
]
ZH = [
    "East：2024年6月销售额低于计划 62.5%（¥25,000）。",
    "与去年同期相比，销售额变化 +50.0%（+¥5,000）；变动最大的客户：Eagle（+¥5,000）。",
    "按目前节奏，East全年预计完成¥270,000，距全年目标¥480,000还差¥210,000。",
    "预计年内成交的在途商机可覆盖尚需完成的¥390,000的 0.26 倍。",
    "本月结单：赢单 1 个（¥300,000），丢单 0 个（¥0）。",
]


def test_opening_sentences_in_english() -> None:
    assert view("en")["opening"] == EN


def test_opening_sentences_in_chinese() -> None:
    assert view("zh")["opening"] == ZH


def test_sentences_whose_figure_is_blank_are_not_written() -> None:
    # No Targets sheet: no plan sentence, a landing without a target, no coverage.
    assert view("en", targets=False)["opening"] == [
        EN[1], "At this pace East lands at ¥270,000 for the year.", EN[4]]
    # No Opportunities sheet either, and data from 2023-03: no landing (last year's January
    # is missing), but 2023-06 is covered, so last year's sentence stays.
    late = [s for s in ledger.SALES if s["date"] >= "2023-03"]
    assert view("en", targets=False, opportunities=False, sales=late)["opening"] == [EN[1]]
    # Data from 2024-01 only: nothing is left to say.
    recent = [s for s in ledger.SALES if s["date"] >= "2024-01"]
    assert view("en", targets=False, opportunities=False, sales=recent)["opening"] == []


def test_all_regions_opening() -> None:
    sentences = view("en", None)["opening"]
    # ALL: plan 700U in June against 150U + 42U; won 3000U (O5) and lost 800U (O6).
    assert sentences[0] == "All regions: sales are 72.6% (¥50,800) below plan in June 2024."
    assert sentences[-1] == "Deals closed this month: 1 won (¥300,000), 1 lost (¥80,000)."


def test_bridge_section() -> None:
    drivers = view("en")["drivers"]
    comparisons = [b["comparison"] for b in drivers["bridges"]]
    assert comparisons == ["last_year", "last_month", "plan"]
    last_year = drivers["bridges"][0]
    assert (last_year["comparator"], last_year["actual"]) == (100 * U, 150 * U)
    assert [(r["name"], r["contribution"]) for r in last_year["up"]] == [("Eagle", 50 * U)]
    assert last_year["down"] == [] and last_year["rest_count"] == 0
    # No manager target: the whole plan bridge is the rest row.
    plan = drivers["bridges"][2]
    assert [(r["name"], r["contribution"]) for r in plan["down"]] == [
        ("no manager target", -250 * U)]
    assert drivers["chart"]["alt"] == (
        "Against the same month last year, by client: from ¥10,000 to ¥15,000 (+¥5,000).")


def test_landing_section_in_chinese() -> None:
    landing = view("zh", "West")["landing"]
    # 242U + 75U × 242U / 300U = 302.5U, exact at this scale.
    assert landing["landing"] == 302 * U + U // 2 and landing["target"] is None
    assert landing["target_reason"] == "无全年目标：目标表缺少本年至少一个月的目标。"
    assert landing["coverage_reason"] == "无覆盖率：没有可供覆盖的全年目标。"
    assert [d["opp_id"] for d in landing["lost"]] == ["O6"]
    assert landing["lost"][0]["competitor"] == "Other"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pdf_sentences_state_figures_of_its_tables(lang: str) -> None:
    v = view(lang)
    env = make_environment(lang)
    html = env.get_template(PACK_TEMPLATE).render(**v, generated=GENERATED)
    pdf = render_pdf(html, generated=GENERATED, title=pack_document_title(v), lang=lang)
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
    text = "\n".join(pages)
    flat = re.sub(r"\s+", "", text)
    for sentence in v["opening"]:
        assert re.sub(r"\s+", "", sentence) in flat, sentence
    # Each figure a sentence states is in a table too: past the opening, on a later page.
    rest = re.sub(r"\s+", "", "\n".join(pages[1:]))
    for sentence in v["opening"]:
        for figure in re.findall(r"¥[\d,]+|\d+\.\d+%?", sentence):
            assert figure in rest, (figure, sentence)
