"""The value/potential quadrant: clients placed by current value and untapped potential.

Both axes are on a signed square-root scale, so a few large clients do not squeeze the rest into a
corner; points are drawn one path per tier and the key accounts named where their name fits.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable

from reportgen.documents.charts.svg import (
    GRID,
    INK,
    LIGHT,
    MID,
    MUTED,
    PALE,
    TARGET,
    WIDTH,
    Chart,
    _chart,
    _legend,
    _line,
    _marker,
    _markers,
    _n,
    _rect,
    _text,
    _title,
)
from reportgen.documents.charts.text import (
    _WORDS,
    FONT_SIZE,
    _esc,
    _fit,
    _is_blank,
    _lang,
    _text_width,
    _value,
    compact_amount,
)

__all__ = ["value_potential_quadrant"]


TIER_CODES = ("major", "named", "non_named", "mass")


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
