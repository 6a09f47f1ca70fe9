"""The Pareto curve: cumulative share of value against share of clients, with the 80% mark."""

from __future__ import annotations

from reportgen.documents.charts.svg import (
    GRID,
    INK,
    MUTED,
    PALE,
    TARGET,
    WIDTH,
    Chart,
    _chart,
    _line,
    _marker,
    _n,
    _path,
    _tag,
    _text,
    _title,
)
from reportgen.documents.charts.text import (
    _WORDS,
    _esc,
    _fit,
    _lang,
    _pct,
    _value,
)
from reportgen.inputs.schema import MONEY_SCALE

__all__ = ["pareto_curve"]


def pareto_curve(
    values: list[float | None], *, lang: str, title: str | None = None
) -> Chart | None:
    """Cumulative share of value against share of clients, largest first, with the 80% mark.

    Only positive values count (the ranking of SPEC "Value tiers"); None when there is none.
    """
    words = _WORDS[_lang(lang)]
    # Stored money (integers), as the tiers rank them, so the 80% count matches SPEC's class A
    # exactly.
    stored = sorted(
        (c for c in (round(v * MONEY_SCALE) for v in map(_value, values) if v is not None)
         if c > 0),
        reverse=True,
    )
    if not stored:
        return None
    n, total = len(stored), sum(stored)
    cumulative = [0]
    for c in stored:
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
