"""Vector charts for the documents: plain data in, a standalone SVG string out.

Why hand-written SVG and not a charting library (measured 2026-11 on this machine, CPU time,
medians; a 24-month line with target and an 8-bar chart, Chinese labels): matplotlib takes
~80-100 ms to draw and serialise a chart, pygal ~4-7 ms, this module under 1 ms. WeasyPrint
renders a page of three such charts in ~170 ms as ``<img>`` / ~195 ms inline, against ~235 /
~370-415 ms for the libraries' 3-6x larger SVG (the empty page alone: ~50 ms). pygal also puts
random ids, a date and a ``<script>`` in its SVG, and its CSS-styled grid renders as heavy
dashed lines in WeasyPrint. ``benchmarks/bench_charts.py`` times this module.

For the PDF, embed ``Chart.data_uri`` in ``<img>`` rather than ``Chart.svg`` inline: WeasyPrint
reads an image's SVG with ``xml.etree`` (C) but inline SVG goes through its pure-Python HTML
parser (tinyhtml5), so a page of charts renders 10-35% faster, and the chart text is still real
(searchable) text in the PDF.

Every chart:

* is one ``<svg>`` element with ``xmlns``, ``width``, ``height`` and ``viewBox``, no ids, no
  ``<script>``, no external reference, no font by URL; text uses :data:`FONT_FAMILY`, so Chinese
  renders with the Noto/Source Han CJK fonts in WeasyPrint and in browsers;
* escapes every label (labels come from spreadsheets) and drops characters XML cannot carry;
* reads in greyscale: series differ by lightness *and* by dash, marker or shape;
* is deterministic: the same data gives the same bytes;
* treats a blank value (None, NaN, pandas NA) as a gap, never as 0.

A chart with nothing to draw (no months with sales, no clients, no positive value ...) is
``None``: the documents leave such a chart out "with a sentence saying why", and only the caller
knows why. Malformed input (lists of different lengths, an unknown tier code or language) is a
programming error and raises ``ValueError``.
"""

from __future__ import annotations

import base64
import heapq
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

__all__ = [
    "FONT_FAMILY",
    "Chart",
    "bar_chart",
    "compact_amount",
    "pareto_curve",
    "pipeline_by_verdict",
    "sales_trend",
    "tier_pyramid",
    "value_potential_quadrant",
]

#: Font chain for chart text: the CJK faces first, so Chinese never falls back to boxes.
FONT_FAMILY = "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'DejaVu Sans', sans-serif"
SVG_NS = "http://www.w3.org/2000/svg"

WIDTH = 640
FONT_SIZE = 11
TITLE_SIZE = 13

# Lightness steps (CIE L* about 25 / 52 / 76 / 91) keep the series apart in greyscale.
INK = "#1f3b63"
MID = "#4f79ad"
LIGHT = "#a8c0de"
PALE = "#e1e9f3"
TEXT = "#333333"
MUTED = "#666666"
GRID = "#e3e3e3"
TARGET = "#5a5a5a"

TIER_CODES = ("major", "named", "non_named", "mass")

_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "actual": "Actual",
        "target": "Target",
        "prior_year": "Prior year",
        "sales": "Monthly sales",
        "clients": "Share of clients",
        "value": "Share of value",
        "pyramid": "Clients and value by tier",
        "quadrant": "Current value and untapped potential",
        "current": "Current value (last 12 months)",
        "potential": "Untapped potential",
        "pareto": "Concentration of value (Pareto)",
        "pareto_x": "Share of clients, ranked by value",
        "pareto_y": "Cumulative share of value",
        "pipeline": "Open pipeline by verdict",
        "pipe_value": "Value",
        "pipe_weighted": "Weighted value",
        "weighted": "weighted",
        "major": "Major account",
        "named": "Named account",
        "non_named": "Non-named account",
        "mass": "Mass-market",
        "HH": "Major",
        "HL": "Named: maintain",
        "LH": "Named: develop",
        "LL": "Non-named / mass",
    },
    "zh": {
        "actual": "实际",
        "target": "目标",
        "prior_year": "去年同期",
        "sales": "月度销售额",
        "clients": "客户数占比",
        "value": "价值占比",
        "pyramid": "各层级客户数与价值占比",
        "quadrant": "当前价值与未开发潜力",
        "current": "当前价值（近12个月）",
        "potential": "未开发潜力",
        "pareto": "价值集中度（帕累托）",
        "pareto_x": "客户占比（按价值排序）",
        "pareto_y": "累计价值占比",
        "pipeline": "按结论划分的在途商机",
        "pipe_value": "金额",
        "pipe_weighted": "加权金额",
        "weighted": "加权",
        "major": "重要客户",
        "named": "次重要客户",
        "non_named": "一般重要客户",
        "mass": "大众客户",
        "HH": "重要客户",
        "HL": "次重要客户（维持）",
        "LH": "次重要客户（发展）",
        "LL": "一般/大众客户",
    },
}


@dataclass(frozen=True)
class Chart:
    """A rendered chart: what a template needs to show it inline or as an image."""

    svg: str
    data_uri: str
    alt: str


# ----------------------------------------------------------------------------- numbers


_UNITS: dict[str, tuple[tuple[int, str], ...]] = {
    "en": ((10**12, "T"), (10**9, "B"), (10**6, "M"), (10**3, "K")),
    "zh": ((10**12, "万亿"), (10**8, "亿"), (10**4, "万")),
}


def _three_digits(value: Decimal) -> Decimal:
    """Round half-up to three significant digits, never dropping integer digits."""
    whole = len(str(int(abs(value)))) if abs(value) >= 1 else 1
    places = max(0, 3 - whole)
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _plain(value: Decimal) -> str:
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def compact_amount(x: float, lang: str) -> str:
    """An amount for axis ticks: "12.3K", "1.25M" in English; "1.23万", "2.5亿" in Chinese."""
    units = _UNITS[_lang(lang)]
    if _is_blank(x):
        raise ValueError(f"compact_amount needs a number, got {x!r}")
    value = Decimal(repr(float(x)))
    for i, (size, suffix) in enumerate(units):
        if abs(value) >= size:
            scaled = _three_digits(value / size)
            # 999,999 rounds to "1000K": that reads better as the next unit, "1M".
            if i > 0 and abs(scaled) >= units[i - 1][0] // size:
                return _plain(_three_digits(value / units[i - 1][0])) + units[i - 1][1]
            return _plain(scaled) + suffix
    scaled = _three_digits(value)
    if abs(scaled) >= units[-1][0]:
        return _plain(_three_digits(value / units[-1][0])) + units[-1][1]
    return _plain(scaled)


def _pct(share: float) -> str:
    """A share as a percent: one decimal under 10% (so 0.4% is not "0%"), none above."""
    digits = 1 if abs(share) < 0.1 else 0
    text = _plain(
        Decimal(repr(share * 100)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    )
    return text + "%"


def _nice_step(span: float, count: int) -> float:
    raw = span / count
    magnitude = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * magnitude >= raw * (1 - 1e-9):
            return m * magnitude
    return 10 * magnitude  # pragma: no cover - the loop always returns


def _ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering [lo, hi] (which always include 0), about ``count`` steps."""
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    if hi - lo <= 0:
        hi = 1.0
    step = _nice_step(hi - lo, count)
    first, last = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
    return [i * step for i in range(first, last + 1)]


def _is_blank(v: object) -> bool:
    """None, NaN, infinities and pandas NA: a figure that is not there."""
    if v is None or type(v).__name__ == "NAType":  # pandas.NA, without importing pandas
        return True
    try:
        return not math.isfinite(v)  # type: ignore[arg-type]
    except TypeError:
        return False


def _value(v: float | None) -> float | None:
    """The number, or None for a blank: a gap, never a zero."""
    return None if _is_blank(v) else float(v)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- text


_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _esc(text: str) -> str:
    """Text safe inside an XML element or a double-quoted attribute, on one line."""
    text = _NOT_XML.sub("", str(text)).replace("\r", " ").replace("\n", " ").replace("\t", " ")
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


def _text_width(text: str, size: float = FONT_SIZE) -> float:
    """Estimated width in px: CJK glyphs are a full em, Latin ones about 0.6 em."""
    return size * sum(1.0 if unicodedata.east_asian_width(c) in ("W", "F") else 0.6 for c in text)


def _fit(text: str, max_width: float, size: float = FONT_SIZE) -> str:
    """The text, shortened with an ellipsis to fit ``max_width``."""
    text = " ".join(str(text).split())
    if _text_width(text, size) <= max_width:
        return text
    while text and _text_width(text + "…", size) > max_width:
        text = text[:-1]
    return text + "…"


def _lang(lang: str) -> str:
    if lang not in _WORDS:
        raise ValueError(f"unknown language {lang!r}: use one of en, zh")
    return lang


# ----------------------------------------------------------------------------- SVG pieces


def _n(v: float) -> str:
    """A coordinate with one decimal, without "-0" or a trailing ".0" (stable and small)."""
    text = f"{round(v, 1) + 0.0:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _tag(name: str, attrs: dict[str, object], text: str | None = None) -> str:
    parts = []
    for key, val in attrs.items():
        if val is None:
            continue
        shown = _n(val) if isinstance(val, float) else _esc(str(val))
        parts.append(f' {key}="{shown}"')
    if text is None:
        return f"<{name}{''.join(parts)}/>"
    return f"<{name}{''.join(parts)}>{_esc(text)}</{name}>"


def _text(
    x: float,
    y: float,
    text: str,
    *,
    anchor: str = "start",
    size: float | None = None,
    fill: str | None = None,
    bold: bool = False,
) -> str:
    return _tag(
        "text",
        {
            "x": float(x),
            "y": float(y),
            "text-anchor": None if anchor == "start" else anchor,
            "font-size": size,
            "font-weight": "bold" if bold else None,
            "fill": fill,
        },
        text,
    )


def _line(x1: float, y1: float, x2: float, y2: float, stroke: str, **style: object) -> str:
    attrs: dict[str, object] = {
        "x1": float(x1),
        "y1": float(y1),
        "x2": float(x2),
        "y2": float(y2),
        "stroke": stroke,
    }
    attrs.update({k.replace("_", "-"): v for k, v in style.items()})
    return _tag("line", attrs)


def _rect(x: float, y: float, w: float, h: float, fill: str, **style: object) -> str:
    attrs: dict[str, object] = {
        "x": float(x),
        "y": float(y),
        "width": float(max(w, 0.0)),
        "height": float(max(h, 0.0)),
        "fill": fill,
    }
    attrs.update({k.replace("_", "-"): v for k, v in style.items()})
    return _tag("rect", attrs)


def _marker_data(shape: str, x: float, y: float, r: float) -> str:
    """Path data of one point marker; shapes differ so tiers stay apart in greyscale."""
    if shape == "square":
        return f"M{_n(x - r)} {_n(y - r)}h{_n(2 * r)}v{_n(2 * r)}h{_n(-2 * r)}Z"
    if shape == "triangle":
        return (
            f"M{_n(x)} {_n(y - r * 1.2)}L{_n(x + r * 1.1)} {_n(y + r * 0.8)}"
            f"L{_n(x - r * 1.1)} {_n(y + r * 0.8)}Z"
        )
    return (
        f"M{_n(x - r)} {_n(y)}a{_n(r)} {_n(r)} 0 1 0 {_n(2 * r)} 0a{_n(r)} {_n(r)} 0 1 0 "
        f"{_n(-2 * r)} 0Z"
    )


def _markers(
    shape: str, points: Iterable[tuple[float, float]], r: float, fill: str, stroke: str
) -> str:
    """Markers of one style as a single path: one SVG element however many points."""
    d = "".join(_marker_data(shape, x, y, r) for x, y in points)
    return _tag("path", {"d": d, "fill": fill, "stroke": stroke}) if d else ""


def _marker(shape: str, x: float, y: float, r: float, fill: str, stroke: str) -> str:
    """A single point marker."""
    return _markers(shape, [(x, y)], r, fill, stroke)


def _chart(width: float, height: float, body: Iterable[str], alt: str) -> Chart:
    alt = " ".join(alt.split())
    svg = (
        f'<svg xmlns="{SVG_NS}" width="{_n(width)}" height="{_n(height)}" '
        f'viewBox="0 0 {_n(width)} {_n(height)}" font-family="{FONT_FAMILY}" '
        f'font-size="{FONT_SIZE}" fill="{TEXT}" role="img" aria-label="{_esc(alt)}">'
        + "".join(body)
        + "</svg>"
    )
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return Chart(svg=svg, data_uri=uri, alt=alt)


def _title(body: list[str], title: str) -> float:
    """Draw the title (if any); the y where the plot may start."""
    if not title:
        return 10.0
    body.append(_text(0, 16, _fit(title, WIDTH, TITLE_SIZE), size=TITLE_SIZE, bold=True))
    return 34.0


def _legend(body: list[str], x: float, y: float, items: Sequence[tuple[str, str]]) -> None:
    """Legend entries ``(swatch markup, label)`` in a row; swatches are drawn at (0, 0)."""
    for swatch, label in items:
        body.append(f'<g transform="translate({_n(x)} {_n(y)})">{swatch}</g>')
        body.append(_text(x + 28, y + 4, label))
        x += 28 + _text_width(label) + 18


def _line_swatch(stroke: str, width: float, dash: str | None, marker: bool) -> str:
    cap = "round" if dash and dash.startswith("0") else None
    out = _line(0, 0, 22, 0, stroke, stroke_width=width, stroke_dasharray=dash, stroke_linecap=cap)
    if marker:
        out += _marker("circle", 11, 0, 2.6, stroke, stroke)
    return out


def _y_axis(
    body: list[str],
    ticks: Sequence[float],
    y_of: Callable[[float], float],
    left: float,
    right: float,
    label_of: Callable[[float], str],
) -> None:
    """Horizontal grid lines with their labels at the left; the zero line drawn darker."""
    for t in ticks:
        y = y_of(t)
        body.append(_line(left, y, right, y, MUTED if t == 0 else GRID, stroke_width=0.8))
        body.append(_text(left - 6, y + 4, label_of(t), anchor="end", fill=MUTED))


# ----------------------------------------------------------------------------- sales trend


def _path(points: Sequence[tuple[float, float] | None]) -> str:
    """Path data joining consecutive points; a None breaks the line (a gap, not a zero)."""
    d, pen = [], "M"
    for p in points:
        if p is None:
            pen = "M"
            continue
        d.append(f"{pen}{_n(p[0])} {_n(p[1])}")
        pen = "L"
    return "".join(d)


def sales_trend(
    months: list[str],
    actual: list[float | None],
    target: list[float | None] | None,
    *,
    lang: str,
    title: str,
    prior_year: list[float | None] | None = None,
) -> Chart | None:
    """Monthly sales as a line (solid), with target (dashed) and prior year (dotted) if given.

    None when no month has an actual figure.
    """
    words = _WORDS[_lang(lang)]
    series: list[tuple[str, list[float | None]]] = [("actual", actual)]
    if target is not None:
        series.append(("target", target))
    if prior_year is not None:
        series.append(("prior_year", prior_year))
    for name, values in series:
        if len(values) != len(months):
            raise ValueError(
                f"sales_trend: {name} has {len(values)} values for {len(months)} months"
            )
    clean = {name: [_value(v) for v in values] for name, values in series}
    if all(v is None for v in clean["actual"]):
        return None

    n = len(months)
    numbers = [v for vals in clean.values() for v in vals if v is not None]
    ticks = _ticks(min(numbers), max(numbers))
    tick_labels = [compact_amount(t, lang) for t in ticks]

    body: list[str] = []
    top = _title(body, title)
    height = 280.0 if title else 256.0
    left = max(_text_width(t) for t in tick_labels) + 10
    bottom = height - 46
    # The latest month is always labelled, centred on its point: keep half a label of room.
    widest = max(_text_width(m) for m in months) + 8
    right = WIDTH - max(8.0, widest / 2 - (WIDTH - 8 - left) / n / 2)
    band = (right - left) / n

    def x_of(i: int) -> float:
        return left + band * (i + 0.5)

    def y_of(v: float) -> float:
        return bottom - (bottom - top) * (v - ticks[0]) / (ticks[-1] - ticks[0])

    _y_axis(body, ticks, y_of, left, right, lambda t: compact_amount(t, lang))

    # Label every k-th month so labels never overlap, counting back from the latest month.
    step = max(1, math.ceil(widest / band))
    for i in range(n):
        if (n - 1 - i) % step == 0:
            body.append(
                _text(
                    x_of(i),
                    bottom + 16,
                    _fit(months[i], band * step - 4),
                    anchor="middle",
                    fill=MUTED,
                )
            )

    styles = {
        "actual": (INK, 2.2, None),
        "target": (TARGET, 1.6, "6 4"),
        "prior_year": (MID, 2.0, "0.1 4"),
    }
    legend: list[tuple[str, str]] = []
    # Actual last, so it is drawn on top of the reference lines.
    for name, values in reversed(list(clean.items())):
        stroke, width, dash = styles[name]
        pts = [None if v is None else (x_of(i), y_of(v)) for i, v in enumerate(values)]
        cap = "round" if dash and dash.startswith("0") else None
        body.append(
            _tag(
                "path",
                {
                    "d": _path(pts),
                    "fill": "none",
                    "stroke": stroke,
                    "stroke-width": width,
                    "stroke-dasharray": dash,
                    "stroke-linecap": cap,
                    "stroke-linejoin": "round",
                },
            )
        )
        # Actual months get a dot each; any series' lone month (blank both sides) too, or it
        # would not show at all.
        padded = [None, *pts, None]
        dots = [
            p
            for i, p in enumerate(pts)
            if p is not None and (name == "actual" or (padded[i] is None and padded[i + 2] is None))
        ]
        body.append(_markers("circle", dots, 2.6, stroke, stroke))
    for name, _values in series:
        stroke, width, dash = styles[name]
        legend.append((_line_swatch(stroke, width, dash, name == "actual"), words[name]))
    if len(legend) > 1:  # a lone "Actual" says nothing the title does not
        _legend(body, left, height - 10, legend)
    return _chart(WIDTH, height, body, _trend_alt(months, clean, lang, title or words["sales"]))


def _trend_alt(
    months: list[str], clean: dict[str, list[float | None]], lang: str, title: str
) -> str:
    actual = clean["actual"]
    last = max(i for i, v in enumerate(actual) if v is not None)
    peak = max((v, -i) for i, v in enumerate(actual) if v is not None)
    peak_i, peak_v = -peak[1], peak[0]
    span = (
        months[0]
        if len(months) == 1
        else (f"{months[0]} to {months[-1]}" if lang == "en" else f"{months[0]}至{months[-1]}")
    )
    amount = {k: v[last] for k, v in clean.items()}

    def c(v: float | None) -> str:
        return compact_amount(v, lang) if v is not None else ""

    if lang == "zh":
        text = f"{title}（{span}）：{months[last]}为{c(amount['actual'])}"
        if amount.get("target") is not None:
            text += f"，目标{c(amount['target'])}"
        if amount.get("prior_year") is not None:
            text += f"，去年同期{c(amount['prior_year'])}"
        return text + f"；最高为{months[peak_i]}的{c(peak_v)}。"
    text = f"{title}, {span}: {months[last]} {c(amount['actual'])}"
    if amount.get("target") is not None:
        text += f" against a target of {c(amount['target'])}"
    if amount.get("prior_year") is not None:
        text += f", {c(amount['prior_year'])} a year earlier"
    return text + f"; highest {c(peak_v)} in {months[peak_i]}."


# ----------------------------------------------------------------------------- bars


def _hbars(
    labels: Sequence[str],
    outer: Sequence[float | None],
    inner: Sequence[float | None] | None,
    end_labels: Sequence[str],
    *,
    lang: str,
    title: str,
    legend: Sequence[tuple[str, str]],
    alt: str,
) -> Chart:
    """Horizontal bars, one row per label; ``inner`` draws a thinner dark bar over each."""
    body: list[str] = []
    top = _title(body, title)
    row = 26.0
    numbers = [v for v in [*outer, *(inner or [])] if v is not None]
    ticks = _ticks(min(numbers), max(numbers), 4)
    label_w = min(max(_text_width(label) for label in labels), WIDTH * 0.3)
    left = label_w + 12
    end_w = max(_text_width(t) for t in end_labels) + 8
    right = WIDTH - end_w
    bottom = top + row * len(labels)
    height = bottom + 22 + (26 if legend else 0)

    def x_of(v: float) -> float:
        return left + (right - left) * (v - ticks[0]) / (ticks[-1] - ticks[0])

    for t in ticks:
        x = x_of(t)
        body.append(_line(x, top, x, bottom, MUTED if t == 0 else GRID, stroke_width=0.8))
        body.append(_text(x, bottom + 15, compact_amount(t, lang), anchor="middle", fill=MUTED))
    zero = x_of(0.0)
    for i, label in enumerate(labels):
        mid = top + row * (i + 0.5)
        body.append(_text(left - 8, mid + 4, _fit(label, label_w), anchor="end"))
        value = outer[i]
        if value is not None:
            fill, stroke = (LIGHT, MID) if inner is not None else (INK, None)
            x0, x1 = sorted((zero, x_of(value)))
            body.append(
                _rect(
                    x0,
                    mid - 8,
                    x1 - x0,
                    16,
                    fill,
                    stroke=stroke,
                    stroke_width=(0.8 if stroke else None),
                )
            )
        small = inner[i] if inner is not None else None
        if small is not None:
            x0, x1 = sorted((zero, x_of(small)))
            body.append(_rect(x0, mid - 4, x1 - x0, 8, INK))
        # Right of the bar, or of the zero line for a negative bar (not over the dark fill).
        ends = [x_of(v) for v in (value, small) if v is not None]
        body.append(_text(max([zero, *ends]) + 6, mid + 4, end_labels[i]))
    if legend:
        _legend(body, left, height - 12, legend)
    return _chart(WIDTH, height, body, alt)


def bar_chart(
    labels: list[str], values: list[float | None], *, lang: str, title: str
) -> Chart | None:
    """Horizontal bars, one per label (product mix and the like); None when all are blank."""
    _lang(lang)
    if len(labels) != len(values):
        raise ValueError(f"bar_chart: {len(values)} values for {len(labels)} labels")
    clean = [_value(v) for v in values]
    if all(v is None for v in clean):
        return None
    ends = ["—" if v is None else compact_amount(v, lang) for v in clean]
    known = sorted(
        ((v, label) for label, v in zip(labels, clean, strict=True) if v is not None),
        key=lambda p: -p[0],
    )
    top3 = ("，" if lang == "zh" else ", ").join(
        f"{label} {compact_amount(v, lang)}" for v, label in known[:3]
    )
    if lang == "zh":
        alt = f"{title or '各项金额'}：共{len(labels)}项，最大的是{top3}。"
    else:
        alt = f"{title or 'Amounts'}: {len(labels)} items, largest {top3}."
    return _hbars(labels, clean, None, ends, lang=lang, title=title, legend=(), alt=alt)


def pipeline_by_verdict(
    rows: list[tuple[str, float, float]], *, lang: str, title: str | None = None
) -> Chart | None:
    """Open pipeline per verdict: value (light bar) with weighted value (dark bar) inside.

    None when there are no rows or every value is blank or zero.
    """
    words = _WORDS[_lang(lang)]
    values = [_value(v) for _, v, _ in rows]
    weighted = [_value(w) for _, _, w in rows]
    if not any(v for v in [*values, *weighted]):
        return None
    labels = [label for label, _, _ in rows]

    def c(v: float | None) -> str:
        return "—" if v is None else compact_amount(v, lang)

    ends = [f"{c(v)} · {words['weighted']} {c(w)}" for v, w in zip(values, weighted, strict=True)]
    total = math.fsum(v for v in values if v is not None)
    total_w = math.fsum(w for w in weighted if w is not None)
    sep = "；" if lang == "zh" else "; "
    parts = sep.join(
        f"{label} {c(v)}（{words['weighted']}{c(w)}）"
        if lang == "zh"
        else f"{label} {c(v)} ({words['weighted']} {c(w)})"
        for label, v, w in zip(labels, values, weighted, strict=True)
    )
    if lang == "zh":
        alt = f"在途商机{c(total)}，加权{c(total_w)}：{parts}。"
    else:
        alt = f"Open pipeline {c(total)}, weighted {c(total_w)}: {parts}."
    legend = [
        (_rect(0, -6, 22, 12, LIGHT, stroke=MID, stroke_width=0.8), words["pipe_value"]),
        (_rect(0, -4, 22, 8, INK), words["pipe_weighted"]),
    ]
    return _hbars(
        labels,
        values,
        weighted,
        ends,
        lang=lang,
        title=words["pipeline"] if title is None else title,
        legend=legend,
        alt=alt,
    )


# ----------------------------------------------------------------------------- tier pyramid


def tier_pyramid(
    tiers: list[tuple[str, int, float]], *, lang: str, title: str | None = None
) -> Chart | None:
    """Share of clients (left) against share of value (right) per tier, major at the top.

    ``tiers`` are ``(label, client count, value share as a fraction)``; a blank share is shown
    as a dash. None when there are no clients.
    """
    words = _WORDS[_lang(lang)]
    counts = [int(count) for _, count, _ in tiers]
    clients = sum(counts)
    if clients <= 0:
        return None
    shares = [_value(s) for _, _, s in tiers]
    client_shares = [count / clients for count in counts]
    share_texts = ["—" if s is None else _pct(s) for s in shares]
    body: list[str] = []
    top = _title(body, words["pyramid"] if title is None else title) + 16
    row = 34.0
    labels = [label for label, _, _ in tiers]
    centre_w = min(max(_text_width(label) for label in labels), WIDTH * 0.3) + 24
    count_texts = [
        f"{count}家（{_pct(share)}）" if lang == "zh" else f"{count} ({_pct(share)})"
        for count, share in zip(counts, client_shares, strict=True)
    ]
    mid = WIDTH / 2
    # Each side keeps room for its widest number beside the longest bar.
    room = max(_text_width(t) for t in [*count_texts, *share_texts]) + 10
    half = (WIDTH - centre_w) / 2 - room
    biggest = max([*client_shares, *(s for s in shares if s is not None)]) or 1.0
    body.append(_text(mid - centre_w / 2, top - 6, words["clients"], anchor="end", bold=True))
    body.append(_text(mid + centre_w / 2, top - 6, words["value"], bold=True))
    for i, label in enumerate(labels):
        y = top + row * i
        cy = y + row / 2
        body.append(_text(mid, cy + 4, _fit(label, centre_w - 12), anchor="middle"))
        w = half * client_shares[i] / biggest
        edge = mid - centre_w / 2
        body.append(_rect(edge - w, y + 5, w, row - 10, LIGHT, stroke=MID, stroke_width=0.8))
        body.append(_text(edge - w - 6, cy + 4, count_texts[i], anchor="end"))
        edge = mid + centre_w / 2
        share = shares[i]
        w = 0.0 if share is None else half * max(share, 0.0) / biggest
        body.append(_rect(edge, y + 5, w, row - 10, INK))
        body.append(_text(edge + w + 6, cy + 4, share_texts[i]))
    height = top + row * len(tiers) + 8
    if lang == "zh":
        alt = (
            "；".join(
                f"{label}{counts[i]}家（占客户{_pct(client_shares[i])}），价值占比{share_texts[i]}"
                for i, label in enumerate(labels)
            )
            + "。"
        )
    else:
        alt = (
            "; ".join(
                f"{label}: {counts[i]} client{'' if counts[i] == 1 else 's'} "
                f"({_pct(client_shares[i])}), {share_texts[i]} of value"
                for i, label in enumerate(labels)
            )
            + "."
        )
    return _chart(WIDTH, height, body, alt)


# ----------------------------------------------------------------------------- quadrant


def _sqrt_scale(v: float) -> float:
    """Square root keeping the sign: spreads skewed values yet keeps 0 at the axis."""
    return math.copysign(math.sqrt(abs(v)), v)


def _sqrt_axis(lo: float, hi: float, start: float, end: float) -> Callable[[float], float]:
    """Map [lo, hi] onto the pixels [start, end] on a signed square-root scale."""
    root_lo = _sqrt_scale(lo)
    factor = (end - start) / (_sqrt_scale(hi) - root_lo)
    return lambda v: start + factor * (_sqrt_scale(v) - root_lo)


def _sqrt_ticks(hi: float, length: float, gap: float = 38.0) -> list[float]:
    """Round values (1, 2, 5 × 10^k) at least ``gap`` px apart on a sqrt axis of ``length``."""
    if hi <= 0:
        return [0.0]
    candidates = [
        m * 10.0**k
        for k in range(int(math.log10(hi)) + 1, -3, -1)
        for m in (5, 2, 1)
        if m * 10.0**k <= hi
    ]
    chosen = [0.0]
    kept: list[float] = []
    for v in candidates:  # largest first, so the round big values win
        px = length * _sqrt_scale(v) / _sqrt_scale(hi)
        if px >= gap and all(abs(px - k) >= gap for k in kept):
            kept.append(px)
            chosen.append(v)
    return sorted(chosen)


_TIER_STYLE = {  # shape, radius, fill, stroke — drawn mass first so key accounts are on top
    "mass": ("circle", 2.4, "#ffffff", MUTED),
    "non_named": ("triangle", 3.2, LIGHT, MID),
    "named": ("square", 3.2, MID, INK),
    "major": ("circle", 4.2, INK, INK),
}


def value_potential_quadrant(
    points: list[tuple[str, float | None, float | None, str]],
    x_threshold: float,
    y_threshold: float,
    *,
    lang: str,
    title: str | None = None,
    labelled: int = 10,
) -> Chart | None:
    """Clients placed by current value (x) and untapped potential (y), split by the thresholds.

    ``points`` are ``(label, current value, untapped potential, tier code)``. Axes use a
    square-root scale, because a few large clients would squeeze everyone else into a corner.
    Up to ``labelled`` clients are named: Major accounts first, then Named ..., each tier by
    current value + potential; a name that would overlap another is left out. A point
    with a blank coordinate is not drawn; None when no point is left.
    """
    words = _WORDS[_lang(lang)]
    if _is_blank(x_threshold) or _is_blank(y_threshold):
        raise ValueError("value_potential_quadrant: both thresholds must be numbers")
    for point in points:
        if point[3] not in _TIER_STYLE:
            raise ValueError(
                f"value_potential_quadrant: unknown tier code {point[3]!r} for {point[0]!r}; "
                f"use one of {', '.join(TIER_CODES)}"
            )
    drawn = [
        (label, float(x), float(y), tier)
        for label, x, y, tier in ((p[0], _value(p[1]), _value(p[2]), p[3]) for p in points)
        if x is not None and y is not None
    ]
    if not drawn:
        return None
    body: list[str] = []
    top = _title(body, words["quadrant"] if title is None else title)
    height = 430.0
    left, right, bottom = 64.0, WIDTH - 12, height - 62
    x_lo = min(0.0, *(p[1] for p in drawn))
    y_lo = min(0.0, *(p[2] for p in drawn))
    x_hi = max(0.0, x_threshold, *(p[1] for p in drawn)) * 1.05 or 1.0
    y_hi = max(0.0, y_threshold, *(p[2] for p in drawn)) * 1.05 or 1.0

    x_of = _sqrt_axis(x_lo, x_hi, left, right)
    y_of = _sqrt_axis(y_lo, y_hi, bottom, top)

    # The high/high quadrant (Major accounts) is tinted so it reads first.
    tx, ty = x_of(x_threshold), y_of(y_threshold)
    body.append(_rect(tx, top, right - tx, ty - top, PALE))
    for t in _sqrt_ticks(x_hi, right - x_of(0.0)):
        body.append(_line(x_of(t), top, x_of(t), bottom, GRID, stroke_width=0.8))
        body.append(
            _text(x_of(t), bottom + 15, compact_amount(t, lang), anchor="middle", fill=MUTED)
        )
    for t in _sqrt_ticks(y_hi, bottom - top, 24.0):
        body.append(_line(left, y_of(t), right, y_of(t), GRID, stroke_width=0.8))
        body.append(_text(left - 6, y_of(t) + 4, compact_amount(t, lang), anchor="end", fill=MUTED))
    body.append(_line(left, bottom, right, bottom, MUTED, stroke_width=0.8))
    body.append(_line(left, top, left, bottom, MUTED, stroke_width=0.8))
    body.append(_line(tx, top, tx, bottom, TARGET, stroke_width=1.2, stroke_dasharray="5 4"))
    body.append(_line(left, ty, right, ty, TARGET, stroke_width=1.2, stroke_dasharray="5 4"))
    small = FONT_SIZE - 1
    # Names at the top of each quadrant: clients crowd the bottom (no potential) instead.
    corner = {
        "HH": (right - 4, top + 13, "end"),
        "HL": (right - 4, ty + 13, "end"),
        "LH": (left + 4, top + 13, "start"),
        "LL": (left + 4, ty + 13, "start"),
    }
    # Client labels keep clear of the quadrant names (boxes: left, top, width, height).
    boxes: list[tuple[float, float, float, float]] = []
    for quadrant, (x, y, anchor) in corner.items():
        body.append(_text(x, y, words[quadrant], anchor=anchor, size=small, fill=MUTED))
        w = _text_width(words[quadrant], small)
        boxes.append((x - w if anchor == "end" else x, y - small, w, small + 2))

    # Thousands of clients crowd the low corner: one marker per tier and 2-px cell looks the
    # same as all of them, and one path per tier keeps the SVG (and WeasyPrint's time) small.
    cells: dict[tuple[str, int, int], tuple[float, float]] = {}
    for _, x, y, code in drawn:
        px, py = x_of(x), y_of(y)
        cells.setdefault((code, int(px // 2), int(py // 2)), (px, py))
    for tier, (shape, r, fill, stroke) in _TIER_STYLE.items():
        body.append(
            _markers(
                shape, (xy for (code, _, _), xy in cells.items() if code == tier), r, fill, stroke
            )
        )

    # Key accounts first, then the largest current value + potential: who a reader looks for.
    ranked = heapq.nsmallest(
        labelled, drawn, key=lambda p: (TIER_CODES.index(p[3]), -(p[1] + max(p[2], 0.0)), p[0])
    )
    boxes += [(x_of(x) - 5, y_of(y) - 5, 10, 10) for _, x, y, _ in ranked]
    for label, x, y, _ in ranked:
        text = _fit(label, 150, small)
        body.append(_place_label(text, x_of(x), y_of(y), boxes, (left, top, right, bottom), small))

    legend = []
    for tier in TIER_CODES:
        shape, r, fill, stroke = _TIER_STYLE[tier]
        legend.append((_marker(shape, 11, 0, r, fill, stroke), words[tier]))
    _legend(body, left, height - 10, legend)
    body.append(_text((left + right) / 2, bottom + 32, words["current"], anchor="middle"))
    body.append(
        f'<text transform="translate(12 {_n((top + bottom) / 2)}) rotate(-90)" '
        f'text-anchor="middle">{_esc(words["potential"])}</text>'
    )
    return _chart(WIDTH, height, body, _quadrant_alt(drawn, x_threshold, y_threshold, lang))


def _place_label(
    text: str,
    x: float,
    y: float,
    boxes: list[tuple[float, float, float, float]],
    area: tuple[float, float, float, float],
    size: float,
) -> str:
    """The label at the first free spot near its point; none ("") where every spot is taken.

    Overlapping names are unreadable, so a crowded client goes unnamed rather than blur two.
    """
    w, h = _text_width(text, size), size * 1.25  # CJK glyphs stand taller than the em
    spots = []  # text x, text y, anchor, box left, box top: beside, above, below, then further
    for off in (0.0, None, -h, h, -2 * h, 2 * h):  # whole lines apart, so rows can stack
        if off is None:
            spots += [
                (x, y - 8, "middle", x - w / 2, y - 8 - h),
                (x, y + 16, "middle", x - w / 2, y + 16 - h),
            ]
            continue
        spots += [
            (x + 7, y + 4 + off, "start", x + 7, y - h + 4 + off),
            (x - 7, y + 4 + off, "end", x - 7 - w, y - h + 4 + off),
        ]
    inside = []
    for tx, ty, anchor, bx, by in spots:
        # Shift a spot that sticks out of the plot back inside it.
        dx = min(max(bx, area[0]), area[2] - w) - bx
        dy = min(max(by, area[1]), area[3] - h) - by
        inside.append((tx + dx, ty + dy, anchor, bx + dx, by + dy))
    free = [
        s
        for s in inside
        if not any(
            s[3] < bx + bw and bx < s[3] + w and s[4] < by + bh and by < s[4] + h
            for bx, by, bw, bh in boxes
        )
    ]
    if not free:
        return ""
    tx, ty, anchor, bx, by = free[0]
    boxes.append((bx, by, w, h))
    return _text(tx, ty, text, anchor=anchor, size=size)


def _quadrant_alt(
    drawn: list[tuple[str, float, float, str]], x_threshold: float, y_threshold: float, lang: str
) -> str:
    counts = {"HH": 0, "HL": 0, "LH": 0, "LL": 0}
    for _, x, y, _ in drawn:
        counts[("H" if x >= x_threshold else "L") + ("H" if y >= y_threshold else "L")] += 1
    if lang == "zh":
        return (
            f"按当前价值和未开发潜力分布的{len(drawn)}家客户：价值高且潜力高{counts['HH']}家，"
            f"价值高潜力低{counts['HL']}家，价值低潜力高{counts['LH']}家，"
            f"两者皆低{counts['LL']}家。"
        )
    return (
        f"{len(drawn)} clients placed by current value and untapped potential: "
        f"{counts['HH']} high on both, {counts['HL']} high value and low potential, "
        f"{counts['LH']} low value and high potential, {counts['LL']} low on both."
    )


# ----------------------------------------------------------------------------- Pareto


def pareto_curve(
    values: list[float | None], *, lang: str, title: str | None = None
) -> Chart | None:
    """Cumulative share of value against share of clients, largest first, with the 80% mark.

    Only positive values count (the ranking of SPEC "Value tiers"); None when there is none.
    """
    words = _WORDS[_lang(lang)]
    # Integer cents, as the tiers rank them, so the 80% count matches SPEC's class A exactly.
    cents = sorted(
        (c for c in (round(v * 100) for v in map(_value, values) if v is not None) if c > 0),
        reverse=True,
    )
    if not cents:
        return None
    n, total = len(cents), sum(cents)
    cumulative = [0]
    for c in cents:
        cumulative.append(cumulative[-1] + c)
    # Clients whose share *before* them is under 80% (exact integers): SPEC's class A.
    k = sum(1 for before in cumulative[:-1] if before * 5 < total * 4)

    body: list[str] = []
    top = _title(body, words["pareto"] if title is None else title)
    height = 300.0
    left, right, bottom = 48.0, WIDTH - 20, height - 44  # room for the "100%" tick

    def x_of(i: float) -> float:
        return left + (right - left) * i / n

    def y_of(share: float) -> float:
        return bottom - (bottom - top) * share

    for t in range(0, 101, 20):
        body.append(
            _line(
                left,
                y_of(t / 100),
                right,
                y_of(t / 100),
                MUTED if t == 0 else GRID,
                stroke_width=0.8,
            )
        )
        body.append(_text(left - 6, y_of(t / 100) + 4, f"{t}%", anchor="end", fill=MUTED))
        body.append(
            _text(
                left + (right - left) * t / 100, bottom + 15, f"{t}%", anchor="middle", fill=MUTED
            )
        )
    # 20,000 clients need no 20,000 vertices: about one per pixel is exact to the eye.
    idx = sorted({0, n, k, *(round(j * n / 400) for j in range(401))})
    pts = [(x_of(i), y_of(cumulative[i] / total)) for i in idx]
    line = _path(pts)
    body.append(
        _tag(
            "path",
            {"d": f"{line}L{_n(x_of(n))} {_n(bottom)}L{_n(left)} {_n(bottom)}Z", "fill": PALE},
        )
    )
    body.append(
        _tag(
            "path",
            {
                "d": line,
                "fill": "none",
                "stroke": INK,
                "stroke-width": 2.2,
                "stroke-linejoin": "round",
            },
        )
    )
    kx, ky = x_of(k), y_of(cumulative[k] / total)
    y80 = y_of(0.8)
    body.append(_line(left, y80, kx, y80, TARGET, stroke_width=1.2, stroke_dasharray="5 4"))
    body.append(_line(kx, ky, kx, bottom, TARGET, stroke_width=1.2, stroke_dasharray="5 4"))
    body.append(_marker("circle", kx, ky, 3.5, INK, INK))
    share = _pct(k / n)
    note = (
        f"前{share}的客户（{n}家中的{k}家）贡献{_pct(cumulative[k] / total)}的价值"
        if lang == "zh"
        else f"Top {share} of clients ({k} of {n}) bring {_pct(cumulative[k] / total)} of value"
    )
    # Bottom right lies under the curve whatever its shape (it ends at 100%).
    body.append(_text(right - 8, bottom - 10, _fit(note, (right - left) * 0.6), anchor="end"))
    body.append(_text((left + right) / 2, bottom + 32, words["pareto_x"], anchor="middle"))
    body.append(
        f'<text transform="translate(12 {_n((top + bottom) / 2)}) rotate(-90)" '
        f'text-anchor="middle">{_esc(words["pareto_y"])}</text>'
    )
    return _chart(WIDTH, height, body, note + ("。" if lang == "zh" else "."))
