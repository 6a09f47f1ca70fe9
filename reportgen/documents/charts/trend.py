"""The sales trend: monthly sales as a line, with the target and the prior year if given."""

from __future__ import annotations

import math

from reportgen.documents.charts.svg import (
    INK,
    MID,
    MUTED,
    TARGET,
    WIDTH,
    Chart,
    _chart,
    _legend,
    _line_swatch,
    _markers,
    _path,
    _tag,
    _text,
    _ticks,
    _title,
    _y_axis,
)
from reportgen.documents.charts.text import (
    _WORDS,
    _fit,
    _lang,
    _text_width,
    _value,
    compact_amount,
)

__all__ = ["sales_trend"]


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
