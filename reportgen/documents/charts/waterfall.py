"""The bridge (waterfall) from a comparator to the actual, one horizontal row per step.

Rows run top to bottom: the comparator as a full bar from zero, each contribution as a bar
floating from the running total (up: dark, down: light with an outline, so the two differ in
greyscale as well as in colour), "all other clients" as a hatched-grey step, and the actual
as a full bar. Labels sit left of the plot, fitted to their room (client names may be long or
Chinese); each row's amount sits right of the plot, never over a bar.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportgen.documents.charts.svg import (
    GRID,
    INK,
    LIGHT,
    MID,
    MUTED,
    PALE,
    WIDTH,
    Chart,
    _chart,
    _line,
    _rect,
    _text,
    _ticks,
    _title,
)
from reportgen.documents.charts.text import _fit, _lang, _text_width, _value, compact_amount

__all__ = ["waterfall"]

#: Kinds of step: the two totals, a named contribution, and the rest taken together.
KINDS = ("total", "step", "rest")


def _signed(value: float, lang: str) -> str:
    """A contribution with its sign, compact."""
    text = compact_amount(abs(value), lang)
    return f"+{text}" if value > 0 else f"−{text}" if value < 0 else text


def waterfall(
    steps: Sequence[tuple[str, float, str]], *, lang: str, title: str, alt: str
) -> Chart | None:
    """A bridge: ``(label, amount, kind)`` rows, kind in KINDS; None with fewer than 2 totals.

    The first and the last rows are the totals (comparator, actual); the rows between are
    contributions, in the order given.
    """
    _lang(lang)
    if len(steps) < 2 or steps[0][2] != "total" or steps[-1][2] != "total":
        return None
    for _label, _amount, kind in steps:
        if kind not in KINDS:
            raise ValueError(f"waterfall: unknown kind {kind!r}")
    values = [_value(v) or 0.0 for _, v, _ in steps]
    spans: list[tuple[float, float]] = []
    running = 0.0
    for i, (_, _, kind) in enumerate(steps):
        if kind == "total":
            running = values[i]
            spans.append((0.0, running))
        else:
            spans.append((running, running + values[i]))
            running += values[i]
    lo = min(min(a, b) for a, b in spans)
    hi = max(max(a, b) for a, b in spans)
    if lo == hi:
        hi = lo + 1.0
    ticks = _ticks(min(lo, 0.0), max(hi, 0.0), 4)
    body: list[str] = []
    top = _title(body, title)
    row = 22.0
    labels = [label for label, _, _ in steps]
    label_w = min(max(_text_width(label) for label in labels), WIDTH * 0.32)
    left = label_w + 12
    ends = [compact_amount(v, lang) if kind == "total" else _signed(v, lang)
            for v, (_, _, kind) in zip(values, steps, strict=True)]
    end_w = max(_text_width(t) for t in ends) + 10
    right = WIDTH - end_w
    bottom = top + row * len(steps)
    height = bottom + 20

    def x_of(v: float) -> float:
        return left + (right - left) * (v - ticks[0]) / (ticks[-1] - ticks[0])

    for t in ticks:
        x = x_of(t)
        body.append(_line(x, top, x, bottom, MUTED if t == 0 else GRID, stroke_width=0.8))
        body.append(_text(x, bottom + 14, compact_amount(t, lang), anchor="middle", fill=MUTED))
    for i, (label, _, kind) in enumerate(steps):
        mid = top + row * (i + 0.5)
        body.append(_text(left - 8, mid + 4, _fit(label, label_w), anchor="end",
                          bold=kind == "total"))
        x0, x1 = sorted((x_of(spans[i][0]), x_of(spans[i][1])))
        width = max(x1 - x0, 1.0)
        if kind == "total":
            body.append(_rect(x0, mid - 7, width, 14, INK))
        elif kind == "rest":
            body.append(_rect(x0, mid - 7, width, 14, PALE, stroke=MUTED, stroke_width=0.8))
        elif values[i] >= 0:
            body.append(_rect(x0, mid - 7, width, 14, MID))
        else:
            body.append(_rect(x0, mid - 7, width, 14, LIGHT, stroke=MID, stroke_width=0.8))
        if i + 1 < len(steps):
            # The connector: where the next bar starts.
            level = x_of(spans[i][1])
            body.append(_line(level, mid + 7, level, mid + row - 7, MUTED, stroke_width=0.6))
        body.append(_text(right + 6, mid + 4, ends[i], bold=kind == "total"))
    return _chart(WIDTH, height, body, alt)
