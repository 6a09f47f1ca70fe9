"""What a chart writes: its words in each language, amounts and percents, and safe, fitted text.

Labels come from spreadsheets, so each one is escaped (:func:`_esc`) and shortened to its room
(:func:`_fit`) by an estimated width in which a CJK glyph is a full em. A blank figure (None,
NaN, pandas NA) is a gap, never a zero (:func:`_value`).
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

__all__ = ["FONT_FAMILY", "FONT_SIZE", "TITLE_SIZE", "compact_amount"]

#: Font chain for chart text: the CJK faces first, so Chinese never falls back to boxes.
FONT_FAMILY = "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'DejaVu Sans', sans-serif"
FONT_SIZE = 11
TITLE_SIZE = 13

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
    # No glyph is narrower than 0.6 em: what lies beyond that many characters never fits, and
    # dropping it first keeps a megabyte label from being measured once per character.
    text = text[:max(0, int(max_width / (0.6 * size))) + 1]
    if _text_width(text, size) <= max_width:
        return text
    while text and _text_width(text + "…", size) > max_width:
        text = text[:-1]
    return text + "…"


def _lang(lang: str) -> str:
    if lang not in _WORDS:
        raise ValueError(f"unknown language {lang!r}: use one of en, zh")
    return lang
