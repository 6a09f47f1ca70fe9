"""The bridge chart: running totals, escaped and fitted labels, deterministic bytes."""

from __future__ import annotations

import re

import pytest

from reportgen.documents.charts.waterfall import waterfall

LONG = "苏州德润智能装备有限公司" * 3
STEPS = [("Last year", 100.0, "total"), ("<b>Alpha</b>", 50.0, "step"), (LONG, -30.0, "step"),
         ("All other clients", 5.0, "rest"), ("This month", 125.0, "total")]


def test_bars_float_from_the_running_total() -> None:
    chart = waterfall(STEPS, lang="en", title="Bridge", alt="a bridge")
    assert chart is not None
    rects = re.findall(r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', chart.svg)
    spans = [(float(x), float(x) + float(w)) for x, w in rects]
    # Alpha starts where last year ends; the down bar ends where Alpha's ends.
    assert spans[1][0] == pytest.approx(spans[0][1], abs=0.2)
    assert spans[2][1] == pytest.approx(spans[1][1], abs=0.2)
    # The actual's bar is as long as comparator + contributions.
    unit = (spans[0][1] - spans[0][0]) / 100
    assert spans[4][1] - spans[4][0] == pytest.approx(125 * unit, abs=0.3)
    assert "+50" in chart.svg and "−30" in chart.svg and ">125<" in chart.svg


def test_labels_are_escaped_and_fitted() -> None:
    chart = waterfall(STEPS, lang="zh", title="桥图", alt="桥图")
    assert chart is not None
    assert "&lt;b&gt;Alpha&lt;/b&gt;" in chart.svg and "<b>" not in chart.svg
    assert "…" in chart.svg  # the long Chinese name is shortened to its room
    assert chart == waterfall(STEPS, lang="zh", title="桥图", alt="桥图")


def test_nothing_to_draw() -> None:
    assert waterfall([("Last year", 1.0, "total")], lang="en", title="", alt="") is None
    assert waterfall([("a", 1.0, "step"), ("b", 1.0, "total")], lang="en", title="",
                     alt="") is None
    with pytest.raises(ValueError):
        waterfall([("a", 1.0, "total"), ("b", 1.0, "odd"), ("c", 2.0, "total")], lang="en",
                  title="", alt="")
