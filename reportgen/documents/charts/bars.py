"""Horizontal bar charts: amounts per label, and the open pipeline by verdict.

:func:`pipeline_by_verdict` draws each verdict's weighted value as a dark bar inside its value.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from reportgen.documents.charts.svg import (
    GRID,
    INK,
    LIGHT,
    MID,
    MUTED,
    WIDTH,
    Chart,
    _chart,
    _legend,
    _line,
    _rect,
    _text,
    _ticks,
    _title,
)
from reportgen.documents.charts.text import (
    _WORDS,
    _fit,
    _lang,
    _text_width,
    _value,
    compact_amount,
)

__all__ = ["bar_chart", "pipeline_by_verdict"]


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
