"""The SVG every chart is drawn with: the chart itself, its colours, ticks and drawing pieces.

:func:`_chart` wraps a chart's elements in one ``<svg>`` with its size and text style and makes
the :class:`Chart`; each piece (:func:`_tag`, :func:`_text`, :func:`_line`, :func:`_rect`, the
markers, :func:`_path`, :func:`_y_axis`, :func:`_legend`) writes one element, its coordinates
rounded to one decimal, so the same data gives the same bytes.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from reportgen.documents.charts.text import (
    FONT_FAMILY,
    FONT_SIZE,
    TITLE_SIZE,
    _esc,
    _fit,
    _text_width,
)

__all__ = [
    "GRID",
    "INK",
    "LIGHT",
    "MID",
    "MUTED",
    "PALE",
    "SVG_NS",
    "TARGET",
    "TEXT",
    "WIDTH",
    "Chart",
]

SVG_NS = "http://www.w3.org/2000/svg"
WIDTH = 640

# Lightness steps (CIE L* about 25 / 52 / 76 / 91) keep the series apart in greyscale.
INK = "#1f3b63"
MID = "#4f79ad"
LIGHT = "#a8c0de"
PALE = "#e1e9f3"
TEXT = "#333333"
MUTED = "#666666"
GRID = "#e3e3e3"
TARGET = "#5a5a5a"


@dataclass(frozen=True)
class Chart:
    """A rendered chart: what a template needs to show it inline or as an image."""

    svg: str
    data_uri: str
    alt: str


# ----------------------------------------------------------------------------- ticks


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
