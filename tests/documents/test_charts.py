import base64
import math
import re
from io import BytesIO

import pytest
from defusedxml import ElementTree

from reportgen.documents.charts.bars import bar_chart, pipeline_by_verdict
from reportgen.documents.charts.pareto import pareto_curve
from reportgen.documents.charts.pyramid import tier_pyramid
from reportgen.documents.charts.quadrant import value_potential_quadrant
from reportgen.documents.charts.svg import INK, SVG_NS, TARGET, Chart, _ticks
from reportgen.documents.charts.text import FONT_FAMILY, compact_amount
from reportgen.documents.charts.trend import sales_trend

NS = {"s": SVG_NS}
EVIL = "<script>&'\"</script>"

# --------------------------------------------------------------------------- helpers


def parse(chart: Chart):
    """The SVG as an element tree: parsing at all proves it is well-formed XML."""
    return ElementTree.fromstring(chart.svg)


def texts(chart: Chart) -> list[str]:
    return ["".join(t.itertext()) for t in parse(chart).iter(f"{{{SVG_NS}}}text")]


def all_charts(lang: str, label: str = "Acme") -> dict[str, Chart | None]:
    """One chart of each kind, with ``label`` wherever a spreadsheet label can appear."""
    return {
        "sales_trend": sales_trend(
            [label, "Feb 2026", "Mar 2026"],
            [100.0, None, 300.0],
            [120.0, 200.0, 250.0],
            lang=lang,
            title=label,
            prior_year=[90.0, 150.0, None],
        ),
        "tier_pyramid": tier_pyramid([(label, 2, 0.6), ("Mass", 8, 0.4)], lang=lang),
        "quadrant": value_potential_quadrant(
            [(label, 500.0, 800.0, "major"), ("Small", 10.0, 0.0, "mass")], 100.0, 100.0, lang=lang
        ),
        "pareto": pareto_curve([50.0, 30.0, 10.0, 5.0, 5.0], lang=lang),
        "pipeline": pipeline_by_verdict([(label, 1000.0, 500.0), ("Drop", 0.0, 0.0)], lang=lang),
        "bar_chart": bar_chart([label, "Paper"], [3000.0, -120.0], lang=lang, title="Mix"),
    }


def present(charts: dict[str, Chart | None]) -> dict[str, Chart]:
    out = {k: v for k, v in charts.items() if v is not None}
    assert len(out) == len(charts)
    return out


# --------------------------------------------------------------------------- compact_amount


@pytest.mark.parametrize(
    ("x", "lang", "expected"),
    [
        (0, "en", "0"),
        (950, "en", "950"),
        (950.4, "en", "950"),
        (12_300, "en", "12.3K"),
        (12_350, "en", "12.4K"),  # half-up, as a supervisor rounds by hand
        (123_456, "en", "123K"),
        (999_999, "en", "1M"),  # not "1000K"
        (999.5, "en", "1K"),
        (1_250_000, "en", "1.25M"),
        (1_500_000_000, "en", "1.5B"),
        (-12_300, "en", "-12.3K"),
        (0.5, "en", "0.5"),
        (950, "zh", "950"),
        (9_999, "zh", "9999"),  # Chinese counts in 万: no unit below 10,000
        (12_300, "zh", "1.23万"),
        (123_456, "zh", "12.3万"),
        (1_250_000, "zh", "125万"),
        (12_345_678, "zh", "1235万"),
        (99_999_999, "zh", "1亿"),  # not "10000万"
        (250_000_000, "zh", "2.5亿"),
        (-12_300, "zh", "-1.23万"),
        (2_000_000_000_000, "zh", "2万亿"),
    ],
)
def test_compact_amount(x, lang, expected):
    assert compact_amount(x, lang) == expected


@pytest.mark.parametrize(
    ("x", "lang", "message"),
    [
        (None, "en", "compact_amount needs a number, got None"),
        (math.nan, "en", "compact_amount needs a number, got nan"),
        (1.0, "fr", "unknown language 'fr': use one of en, zh"),
    ],
)
def test_compact_amount_rejects(x, lang, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        compact_amount(x, lang)


@pytest.mark.parametrize(
    ("lo", "hi", "expected"),
    [
        (0, 95, [0, 20, 40, 60, 80, 100]),
        (-30, 120, [-50, 0, 50, 100, 150]),
        (1_150_000, 2_120_000, [0, 500_000, 1_000_000, 1_500_000, 2_000_000, 2_500_000]),
        (0, 0, [0, 0.2, 0.4, 0.6, 0.8, 1.0]),  # all zero: still a readable axis
    ],
)
def test_ticks_are_round_and_include_zero(lo, hi, expected):
    assert _ticks(lo, hi) == pytest.approx(expected)


# --------------------------------------------------------------------------- every chart


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_chart_is_standalone_safe_svg(lang):
    for name, chart in present(all_charts(lang)).items():
        root = parse(chart)
        assert root.tag == f"{{{SVG_NS}}}svg", name
        width, height = float(root.get("width")), float(root.get("height"))
        assert root.get("viewBox") == f"0 0 {width:g} {height:g}", name
        assert root.get("font-family") == FONT_FAMILY, name
        # The namespace is the only URL; nothing is fetched, nothing runs, nothing has an id.
        rest = chart.svg.replace(f'xmlns="{SVG_NS}"', "")
        for banned in ("http", "file:", "<script", "href", "url(", "@import", " id="):
            assert banned not in rest, (name, banned)
        assert base64.b64decode(
            chart.data_uri.removeprefix("data:image/svg+xml;base64,")
        ) == chart.svg.encode("utf-8"), name
        assert chart.data_uri.startswith("data:image/svg+xml;base64,")
        assert chart.alt and "\n" not in chart.alt, name
        assert root.get("aria-label") == chart.alt, name


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_labels_from_spreadsheets_are_text_never_markup(lang):
    for name, chart in present(all_charts(lang, EVIL)).items():
        if name == "pareto":  # draws no label from the data
            continue
        assert EVIL in texts(chart), name
        assert "<script" not in chart.svg, name
        assert "&lt;script&gt;" in chart.svg, name
        assert not list(parse(chart).iter(f"{{{SVG_NS}}}script")), name


def test_long_labels_are_shortened_with_an_ellipsis():
    name = "上海市浦东新区张江高科技园区某某电子科技股份有限公司华东分公司"
    shown = texts(bar_chart([name, "B"], [1.0, 2.0], lang="zh", title=""))
    short = [t for t in shown if t.endswith("…")]
    assert len(short) == 1 and name.startswith(short[0][:-1]) and len(short[0]) < len(name)


def test_characters_xml_cannot_carry_are_dropped():
    chart = bar_chart(["A\x00B\x07C\ufffe", "tab\there"], [1.0, 2.0], lang="en", title="T\x1b")
    assert "ABC" in texts(chart)
    assert "tab here" in texts(chart)
    assert "T" in texts(chart)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_same_data_gives_the_same_bytes(lang):
    first = all_charts(lang)
    second = all_charts(lang)
    for name in first:
        assert first[name] == second[name], name


# --------------------------------------------------------------------------- no data / bad input


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("trend no months", lambda: sales_trend([], [], None, lang="en", title="T")),
        (
            "trend all blank",
            lambda: sales_trend(["a", "b"], [None, math.nan], [1.0, 2.0], lang="en", title="T"),
        ),
        ("pyramid empty", lambda: tier_pyramid([], lang="en")),
        ("pyramid no clients", lambda: tier_pyramid([("Major", 0, 0.0)], lang="zh")),
        ("quadrant empty", lambda: value_potential_quadrant([], 1.0, 1.0, lang="en")),
        (
            "quadrant no potential",
            lambda: value_potential_quadrant(
                [("A", 5.0, None, "major"), ("B", 3.0, math.nan, "mass")], 1.0, 1.0, lang="en"
            ),
        ),
        ("pareto empty", lambda: pareto_curve([], lang="en")),
        ("pareto nothing positive", lambda: pareto_curve([0.0, -5.0, None], lang="en")),
        ("pipeline empty", lambda: pipeline_by_verdict([], lang="en")),
        ("pipeline zeros", lambda: pipeline_by_verdict([("Pursue", 0.0, 0.0)], lang="en")),
        ("bars empty", lambda: bar_chart([], [], lang="en", title="T")),
        ("bars all blank", lambda: bar_chart(["a"], [None], lang="zh", title="T")),
    ],
)
def test_nothing_to_draw_is_none(name, make):
    assert make() is None


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: sales_trend(["a", "b"], [1.0], None, lang="en", title="T"),
            "sales_trend: actual has 1 values for 2 months",
        ),
        (
            lambda: sales_trend(["a"], [1.0], [1.0, 2.0], lang="en", title="T"),
            "sales_trend: target has 2 values for 1 months",
        ),
        (
            lambda: bar_chart(["a", "b"], [1.0], lang="en", title="T"),
            "bar_chart: 1 values for 2 labels",
        ),
        (
            lambda: value_potential_quadrant([("A", 1.0, 1.0, "vip")], 1.0, 1.0, lang="en"),
            "value_potential_quadrant: unknown tier code 'vip' for 'A'; "
            "use one of major, named, non_named, mass",
        ),
        (
            lambda: value_potential_quadrant([("A", 1.0, 1.0, "mass")], None, 1.0, lang="en"),
            "value_potential_quadrant: both thresholds must be numbers",
        ),
        (
            lambda: pareto_curve([1.0], lang="zh-Hant"),
            "unknown language 'zh-Hant': use one of en, zh",
        ),
    ],
)
def test_malformed_input_raises(make, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        make()


# --------------------------------------------------------------------------- sales trend


def _paths(chart: Chart) -> dict[str, str]:
    """Each line's path data by its stroke colour."""
    return {
        p.get("stroke"): p.get("d")
        for p in parse(chart).iter(f"{{{SVG_NS}}}path")
        if p.get("fill") == "none"
    }


@pytest.mark.parametrize(
    ("actual", "moves", "draws"),
    [
        ([1.0, 2.0, 3.0, 4.0], 1, 3),
        ([1.0, 0.0, 3.0, 4.0], 1, 3),  # a zero is a figure, drawn
        ([1.0, None, 3.0, 4.0], 2, 1),  # a blank is a gap
        ([1.0, math.nan, 3.0, 4.0], 2, 1),
        ([None, 2.0, 3.0, None], 1, 1),
    ],
)
def test_blank_months_are_gaps_not_zeros(actual, moves, draws):
    chart = sales_trend(["a", "b", "c", "d"], actual, None, lang="en", title="")
    d = _paths(chart)[INK]
    assert (d.count("M"), d.count("L")) == (moves, draws)


def test_a_lone_month_gets_a_dot_so_it_shows():
    chart = sales_trend(["a", "b", "c"], [1.0, 2.0, 3.0], [None, 2.0, None], lang="en", title="")
    dots = {
        p.get("fill"): p.get("d").count("M")
        for p in parse(chart)  # not the legend's
        if p.tag == f"{{{SVG_NS}}}path" and p.get("fill") != "none"
    }
    assert dots == {TARGET: 1, INK: 3}


def test_series_differ_by_dash_as_well_as_colour():
    chart = sales_trend(
        ["a", "b"], [1.0, 2.0], [1.5, 1.5], lang="en", title="", prior_year=[0.5, 1.0]
    )
    dashes = {
        p.get("stroke"): p.get("stroke-dasharray") for p in parse(chart).iter(f"{{{SVG_NS}}}path")
    }
    assert dashes[INK] is None  # actual: solid
    assert dashes[TARGET] == "6 4"  # target: dashed
    assert len(set(dashes.values())) == 3  # prior year: a third style (dotted)
    assert {"Actual", "Target", "Prior year"} <= set(texts(chart))


def test_trend_ticks_are_compact_amounts():
    chart = sales_trend(["a", "b"], [1_150_000.0, 2_120_000.0], None, lang="zh", title="")
    assert {"0", "50万", "100万", "150万", "200万", "250万"} <= set(texts(chart))


def test_trend_labels_the_latest_month_and_thins_the_rest():
    months = [f"2025年{m}月" for m in range(1, 13)] + [f"2026年{m}月" for m in range(1, 13)]
    chart = sales_trend(months, [float(i) for i in range(24)], None, lang="zh", title="销售")
    shown = [t for t in texts(chart) if t in months]
    assert shown[-1] == "2026年12月"
    assert 4 <= len(shown) < 24


@pytest.mark.parametrize(
    ("lang", "title", "expected"),
    [
        (
            "en",
            "Sales",
            "Sales, Jan 2026 to Mar 2026: Feb 2026 250K against a target of 200K, "
            "150K a year earlier; highest 250K in Feb 2026.",
        ),
        (
            "en",
            "",
            "Monthly sales, Jan 2026 to Mar 2026: Feb 2026 250K against a target of "
            "200K, 150K a year earlier; highest 250K in Feb 2026.",
        ),
        (
            "zh",
            "销售额",
            "销售额（Jan 2026至Mar 2026）：Feb 2026为25万，目标20万，去年同期15万；"
            "最高为Feb 2026的25万。",
        ),
    ],
)
def test_trend_alt_states_latest_month_and_peak(lang, title, expected):
    chart = sales_trend(
        ["Jan 2026", "Feb 2026", "Mar 2026"],
        [100_000.0, 250_000.0, None],
        [120_000.0, 200_000.0, 300_000.0],
        lang=lang,
        title=title,
        prior_year=[None, 150_000.0, 1.0],
    )
    assert chart.alt == expected


# --------------------------------------------------------------------------- pyramid


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "en",
            "Major: 1 client (1%), 50% of value; Named: 3 clients (3%), 30% of value; "
            "Non-named: 6 clients (6%), — of value; Mass: 90 clients (90%), 5% of value.",
        ),
        (
            "zh",
            "重要客户1家（占客户1%），价值占比50%；次重要客户3家（占客户3%），价值占比30%；"
            "一般重要客户6家（占客户6%），价值占比—；大众客户90家（占客户90%），价值占比5%。",
        ),
    ],
)
def test_pyramid_shares(lang, expected):
    names = (
        ["Major", "Named", "Non-named", "Mass"]
        if lang == "en"
        else ["重要客户", "次重要客户", "一般重要客户", "大众客户"]
    )
    chart = tier_pyramid(
        list(zip(names, [1, 3, 6, 90], [0.5, 0.3, None, 0.05], strict=True)), lang=lang
    )
    assert chart.alt == expected
    shown = texts(chart)
    assert shown.index(names[0]) < shown.index(names[3])  # major at the top
    assert ("90家（90%）" if lang == "zh" else "90 (90%)") in shown


# --------------------------------------------------------------------------- quadrant


def _marker_count(chart: Chart) -> int:
    """Point markers drawn in the plot: one subpath each (the legend's sit inside <g>)."""
    return sum(
        e.get("d").count("M")
        for e in parse(chart)
        if e.tag == f"{{{SVG_NS}}}path" and e.get("fill") not in {"none", "#e1e9f3"}
    )


def test_quadrant_counts_each_quadrant_with_thresholds_as_high():
    points = [
        ("HH", 100.0, 100.0, "major"),  # on both thresholds: high/high
        ("HL", 200.0, 99.0, "named"),
        ("LH", 99.0, 500.0, "named"),
        ("LL1", 10.0, 0.0, "mass"),
        ("LL2", 0.0, 0.0, "non_named"),
    ]
    en = value_potential_quadrant(points, 100.0, 100.0, lang="en")
    assert en.alt == (
        "5 clients placed by current value and untapped potential: 1 high on "
        "both, 1 high value and low potential, 1 low value and high potential, "
        "2 low on both."
    )
    zh = value_potential_quadrant(points, 100.0, 100.0, lang="zh")
    assert zh.alt == (
        "按当前价值和未开发潜力分布的5家客户：价值高且潜力高1家，价值高潜力低1家，"
        "价值低潜力高1家，两者皆低2家。"
    )
    assert {"Major", "Named: maintain", "Named: develop", "Non-named / mass"} <= set(texts(en))


def test_quadrant_names_key_accounts_first_then_the_largest():
    # Spread along a diagonal (on the square-root axes) so every name finds room; current +
    # potential is 100 * (145, 125, 109, 97, 89, 85, 85, 89, 97, 109, 125, 145).
    points = [
        (f"mass{i:02d}", 100.0 * (i + 1) ** 2, 100.0 * (12 - i) ** 2, "mass") for i in range(12)
    ]
    points.append(("KeyCo", 5.0, 5.0, "major"))
    shown = set(texts(value_potential_quadrant(points, 500.0, 500.0, lang="en")))
    assert "KeyCo" in shown  # a Major account is named even though it is the smallest
    named = {f"mass{i:02d}" for i in (0, 1, 2, 3, 4, 8, 9, 10, 11)}  # ties: mass04 < mass07
    assert named <= shown
    assert not {"mass05", "mass06", "mass07"} & shown


def test_quadrant_leaves_out_a_name_that_would_overlap():
    points = [(f"Client {i:02d}", 1000.0, 1000.0, "major") for i in range(12)]  # one spot
    points.append(("Far", 4000.0, 4000.0, "mass"))  # puts the crowd mid-plot
    chart = value_potential_quadrant(points, 10.0, 10.0, lang="en", labelled=12)
    placed = [
        t for t in parse(chart).iter(f"{{{SVG_NS}}}text") if (t.text or "").startswith("Client ")
    ]
    assert 2 <= len(placed) < 12
    for i, a in enumerate(placed):
        for b in placed[i + 1 :]:
            same_side = a.get("text-anchor") == b.get("text-anchor")
            # 10-px text: rows on the same side stand at least a line (12.5 px) apart.
            assert not same_side or abs(float(a.get("y")) - float(b.get("y"))) >= 12, (
                a.text,
                b.text,
            )


def test_quadrant_draws_one_marker_per_pixel_and_skips_blanks():
    points = [(f"c{i}", 50.0, 20.0, "mass") for i in range(1000)]
    points += [("big", 1000.0, 1000.0, "major"), ("blank", None, 5.0, "named")]
    chart = value_potential_quadrant(points, 100.0, 100.0, lang="en", labelled=0)
    assert _marker_count(chart) == 2
    assert chart.alt.startswith("1001 clients placed")


# --------------------------------------------------------------------------- Pareto


@pytest.mark.parametrize(
    ("values", "lang", "expected"),
    [
        ([50.0, 30.0, 10.0, 5.0, 5.0], "en", "Top 40% of clients (2 of 5) bring 80% of value."),
        (
            [5.0, None, 10.0, 0.0, -7.0, 50.0, 5.0, 30.0],
            "en",
            "Top 40% of clients (2 of 5) bring 80% of value.",
        ),  # unsorted; blanks, ≤0 left out
        ([90.0, 5.0, 5.0], "en", "Top 33% of clients (1 of 3) bring 90% of value."),
        ([50.0, 30.0, 10.0, 5.0, 5.0], "zh", "前40%的客户（5家中的2家）贡献80%的价值。"),
        ([0.1, 0.2, 0.7], "en", "Top 67% of clients (2 of 3) bring 90% of value."),
    ],
)
def test_pareto_marks_the_clients_that_make_80_percent(values, lang, expected):
    assert pareto_curve(values, lang=lang).alt == expected


def test_pareto_of_many_clients_stays_small_and_exact():
    chart = pareto_curve([1.0] * 20_000, lang="en")
    assert chart.alt == "Top 80% of clients (16000 of 20000) bring 80% of value."
    assert len(chart.svg) < 20_000
    curve = _paths(chart)[INK]
    assert curve.count("L") <= 402


# --------------------------------------------------------------------------- bars


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "en",
            "Open pipeline 2.5M, weighted 1.2M: Pursue 2.4M (weighted 1.2M); "
            "Drop 100K (weighted 0).",
        ),
        ("zh", "在途商机250万，加权120万：Pursue 240万（加权120万）；Drop 10万（加权0）。"),
    ],
)
def test_pipeline_alt_and_labels(lang, expected):
    chart = pipeline_by_verdict(
        [("Pursue", 2_400_000.0, 1_200_000.0), ("Drop", 100_000.0, 0.0)], lang=lang
    )
    assert chart.alt == expected
    end = "2.4M · weighted 1.2M" if lang == "en" else "240万 · 加权 120万"
    assert end in texts(chart)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "Mix: 4 items, largest B 3M, D 2M, A 1M."),
        ("zh", "Mix：共4项，最大的是B 300万，D 200万，A 100万。"),
    ],
)
def test_bar_chart_alt_and_blank_bars(lang, expected):
    chart = bar_chart(["A", "B", "C", "D"], [1e6, 3e6, None, 2e6], lang=lang, title="Mix")
    assert chart.alt == expected
    shown = texts(chart)
    assert "—" in shown  # the blank bar says so instead of showing 0
    bars = [r for r in parse(chart).iter(f"{{{SVG_NS}}}rect") if r.get("fill") == INK]
    assert len(bars) == 3


def test_bar_widths_are_proportional():
    chart = bar_chart(["A", "B"], [1000.0, 250.0], lang="en", title="")
    widths = [
        float(r.get("width"))
        for r in parse(chart).iter(f"{{{SVG_NS}}}rect")
        if r.get("fill") == INK
    ]
    assert widths[0] == pytest.approx(4 * widths[1], abs=0.2)


# --------------------------------------------------------------------------- in a PDF


def test_weasyprint_renders_chinese_labels_inline_and_as_images():
    weasyprint = pytest.importorskip("weasyprint")
    pypdf = pytest.importorskip("pypdf")
    months = [f"2026年{m}月" for m in range(1, 13)]
    charts = [
        sales_trend(
            months,
            [float(m * 1000) for m in range(12)],
            [6000.0] * 12,
            lang="zh",
            title="月度销售额",
        ),
        tier_pyramid([("重要客户", 3, 0.5), ("大众客户", 40, 0.5)], lang="zh"),
        value_potential_quadrant(
            [("华东电子有限公司", 900.0, 900.0, "major")], 100.0, 100.0, lang="zh"
        ),
        pareto_curve([5.0, 3.0, 2.0], lang="zh"),
        pipeline_by_verdict([("推进", 1000.0, 500.0)], lang="zh"),
        bar_chart(["办公用品", "家具"], [3.0, 2.0], lang="zh", title="产品结构"),
    ]
    inline = "".join(f"<figure>{c.svg}</figure>" for c in charts[:3])
    images = "".join(f'<figure><img src="{c.data_uri}" alt="{c.alt}"></figure>' for c in charts[3:])
    html = f'<html lang="zh-Hans"><meta charset="utf-8"><body>{inline}{images}</body></html>'
    pdf = pypdf.PdfReader(BytesIO(weasyprint.HTML(string=html).write_pdf()))
    text = "".join(page.extract_text() for page in pdf.pages)
    for label in (
        "月度销售额",
        "2026年12月",
        "重要客户",
        "华东电子有限公司",
        "价值集中度",
        "推进",
        "加权金额",
        "办公用品",
        "产品结构",
        "万",
    ):
        assert label in text, label
    fonts = {
        str(f["/BaseFont"]) for page in pdf.pages for f in page["/Resources"]["/Font"].values()
    }
    assert any("Noto-Sans-CJK-SC" in f for f in fonts), fonts
