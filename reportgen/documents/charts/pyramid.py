"""The tier pyramid: each tier's share of clients against its share of value."""

from __future__ import annotations

from reportgen.documents.charts.svg import (
    INK,
    LIGHT,
    MID,
    WIDTH,
    Chart,
    _chart,
    _rect,
    _text,
    _title,
)
from reportgen.documents.charts.text import (
    _WORDS,
    _fit,
    _lang,
    _pct,
    _text_width,
    _value,
)

__all__ = ["tier_pyramid"]


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
