"""How the sample writes things in English or Chinese: enum values, sheet names, headers, money.

Shared by the demo dataset (reportgen.sample.dataset), ``init``'s example workbook
(reportgen.sample.init_example) and ``benchmarks/generate.py``. Sheet names and headers come
from the schema: the label or the canonical name in English, the first Chinese synonym in
Chinese.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from reportgen.inputs.schema import SHEETS, Column

_LANGS = ("en", "zh")


def _check_lang(lang: str) -> None:
    if lang not in _LANGS:
        raise ValueError(f"language must be one of {', '.join(_LANGS)}, not {lang!r}")


# Enum values as a person would type them, per language (each must resolve through
# schema.VALUE_SPELLINGS; a test checks).
_SPELL: dict[str, dict[str, tuple[str, str]]] = {
    "size": {"small": ("Small", "小型"), "medium": ("Medium", "中型"), "large": ("Large", "大型")},
    "relationship": {
        "transactional": ("Transactional", "交易型"), "partnership": ("Partnership", "伙伴型"),
    },
    "tier": {
        "major": ("Major", "重要客户"), "named": ("Named", "次重要客户"),
        "non_named": ("Non-named", "一般重要客户"), "mass": ("Mass-market", "大众客户"),
    },
    "stage": {
        "lead": ("Lead", "线索"), "qualified": ("Qualified", "已确认"),
        "proposal": ("Proposal", "方案"),
        "negotiation": ("Negotiation", "谈判"), "won": ("Won", "赢单"), "lost": ("Lost", "丢单"),
    },
    "buying_role": {
        "decision_maker": ("Decision maker", "决策者"), "technical": ("Technical", "技术"),
        "business": ("Business", "商务"), "finance": ("Finance", "财务"),
        "user": ("User", "使用者"),
    },
    "attitude": {
        "supporter": ("Supporter", "支持"), "neutral": ("Neutral", "中立"),
        "opponent": ("Opponent", "反对"),
    },
    "feedback_type": {
        "complaint": ("Complaint", "投诉"), "praise": ("Praise", "表扬"),
        "survey": ("Survey", "调查"),
    },
    "category": {
        "supply": ("Supply", "供货"), "ordering": ("Ordering", "订货"),
        "delivery": ("Delivery", "配送"),
        "market": ("Market", "市场"), "visit_service": ("Visit service", "拜访服务"),
        "other": ("Other", "其他"),
    },
    "activity_type": {
        "visit": ("Visit", "拜访"), "call": ("Call", "电话"), "meeting": ("Meeting", "会议"),
    },
    "answer": {"5": ("yes", "是"), "3": ("maybe", "待定"), "1": ("no", "否")},
    "bool": {"true": ("yes", "是"), "false": ("no", "否")},
}


def _spell(value_set: str, code: str, lang: str) -> str:
    en, zh = _SPELL[value_set][code]
    return zh if lang == "zh" else en


def _t(lang: str, en: str, zh: str) -> str:
    return zh if lang == "zh" else en


def _chinese_synonym(names: Iterable[str]) -> str | None:
    return next((n for n in names if not n.isascii()), None)


def _sheet_name(kind: str, lang: str) -> str:
    sheet = SHEETS[kind]
    return (_chinese_synonym(sheet.synonyms) if lang == "zh" else None) or sheet.label


def _header(column: Column, lang: str, *, canonical: bool = False) -> str:
    """A column's header: the first Chinese synonym, the canonical name, or its English title."""
    if lang == "zh":
        return _chinese_synonym(column.synonyms) or column.name
    if canonical:
        return column.name
    return " ".join("ID" if w == "id" else w.capitalize() for w in column.name.split("_"))


def _yuan(cents: int) -> float:
    return cents / 100


def _cell_value(column: Column, value: Any) -> Any:
    """Money is held in integer cents and written in yuan with two decimals."""
    if column.type == "money" and isinstance(value, int):
        return _yuan(value)
    return value


def _styles(columns: Sequence[Column]) -> list[str]:
    """Number formats per column (dates are formatted by their type wherever they are)."""
    styles = {"money": "money", "percent": "percent"}
    return ["money" if c.name == "unit_price" else styles.get(c.type, "") for c in columns]
