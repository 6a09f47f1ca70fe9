"""What reportgen reads: the kinds of sheet, their columns, types, synonyms and value spellings.

This module is the single source of truth for the canonical input model. Every loaded table
is a DataFrame whose columns carry the canonical names below, plus three address columns
(``_file``, ``_sheet``, ``_row``) that say where each row came from.

Canonical dtypes in the loaded frames:

* ``id`` / ``text`` / ``enum``: Python ``str`` objects (``object`` dtype), ``None`` when blank.
  Enum values are the canonical code (``"decision_maker"``), whatever the spelling in the file.
* ``date``: ``datetime64[ns]``, midnight (time of day dropped), ``NaT`` when blank.
* ``money``: ``Int64`` (nullable) integers of a millionth of the currency unit
  (:data:`MONEY_SCALE`): an amount as the workbook holds it, to six decimals, so every sum is
  exact and a total rounds once, at display or export.
* ``number``: ``float64``; ``percent``: ``float64`` fraction (0.25 for 25%).
* ``score``: ``Int64`` 1–5 (yes → 5, maybe → 3, no → 1), ``<NA>`` when blank.
* ``bool``: ``boolean`` (nullable).
* ``month``: ``str`` ``"YYYY-MM"``.
* ``emails``: ``str`` with the addresses joined by ``","``.

A canonical column absent from the input is there all blank, in its dtype (:func:`blank_column`).
"""

from __future__ import annotations

import numbers
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from reportgen.i18n import Term

#: Address columns added to every loaded frame.
FILE, SHEET, ROW = "_file", "_sheet", "_row"
ADDRESS_COLUMNS = (FILE, SHEET, ROW)

#: Money columns hold integers of 1/MONEY_SCALE of the currency unit. Six decimals keep every
#: amount a ledger writes (Superstore's 957.5775, a unit price to the tenth of a fen) as it is,
#: so a total equals the spreadsheet's own SUM rounded once; int64 still holds ±9.2 trillion
#: currency units. Code that turns stored money into currency units, or currency units into
#: stored money, uses this constant, never a literal.
MONEY_SCALE = 1_000_000
#: The decimals a stored amount keeps (6 for MONEY_SCALE = 1,000,000).
MONEY_PLACES = len(str(MONEY_SCALE)) - 1
#: Stored money per cent: where a figure is rounded to cents, for display or export.
SCALE_PER_CENT = MONEY_SCALE // 100


def rounded_units(stored: int | float) -> Decimal:
    """Stored money in currency units, rounded once (half away from zero) to the cent."""
    # A float (a median) by its shortest text, not its binary expansion.
    exact = Decimal(stored) if isinstance(stored, numbers.Integral) else Decimal(repr(stored))
    return exact.scaleb(-MONEY_PLACES).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_NAME_DROP = re.compile(r"[\s_\-]+")


def normalise_name(name: object) -> str:
    """Key used to match sheet and column names: NFKC, lower-case, no spaces, ``_`` or ``-``.

    >>> normalise_name(" Client ID ") == normalise_name("client_id")
    True
    """
    text = unicodedata.normalize("NFKC", str(name))
    text = ZERO_WIDTH.sub("", text)
    return _NAME_DROP.sub("", text).lower()


@dataclass(frozen=True)
class Column:
    """One canonical column of a sheet kind."""

    name: str
    #: id | text | enum | date | money | number | int | percent | score | bool | month | emails
    type: str
    required: bool = False
    synonyms: tuple[str, ...] = ()
    #: For enums: the value set this column takes (see ``VALUE_SPELLINGS``).
    values: str = ""


@dataclass(frozen=True)
class SheetKind:
    """A kind of sheet reportgen understands (Clients, Sales, …)."""

    name: str
    label: str
    synonyms: tuple[str, ...]
    columns: tuple[Column, ...]
    required: bool = False
    #: Alternatives: the sheet's rows need one of these columns (Targets: region or manager).
    one_of: tuple[tuple[str, ...], ...] = field(default=())

    def column(self, name: str) -> Column:
        """The column called ``name``."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def required_columns(self) -> tuple[str, ...]:
        """Names of the columns that must be present."""
        return tuple(c.name for c in self.columns if c.required)


def C(name: str, type_: str = "text", *synonyms: str, required: bool = False,
      values: str = "") -> Column:
    """Shorthand for a :class:`Column`."""
    return Column(name, type_, required, tuple(synonyms), values)


#: The opportunity screen's question columns, by gate (SPEC, "Opportunity screen").
GATES: dict[str, tuple[str, ...]] = {
    "real": ("need_clear", "budget_confirmed", "timing_known"),
    "compete": ("offer_fit", "capability"),
    "win": ("relationship", "differentiation", "price_position", "has_supporter"),
    "worth": ("margin", "capital_risk", "strategic_fit", "no_conflict"),
}
QUESTIONS: tuple[str, ...] = tuple(q for qs in GATES.values() for q in qs)
_QUESTION_SYNONYMS = {
    "need_clear": ("需求明确",),
    "budget_confirmed": ("预算确认", "预算已确认"),
    "timing_known": ("时间明确", "采购时间明确"),
    "offer_fit": ("产品匹配", "方案匹配"),
    "capability": ("能力", "交付能力"),
    "relationship": ("客户关系",),
    "differentiation": ("差异化",),
    "price_position": ("价格地位", "价格优势"),
    "has_supporter": ("有支持者",),
    "margin": ("利润", "利润水平"),
    "capital_risk": ("资金风险",),
    "strategic_fit": ("战略契合", "战略匹配"),
    "no_conflict": ("无冲突",),
}

SHEETS: dict[str, SheetKind] = {
    kind.name: kind
    for kind in (
        SheetKind(
            "clients", "Clients", ("clients", "customers", "客户", "客户档案", "客户清单"),
            (
                C("client_id", "id", "客户编号", "客户代码", "customer_id", required=True),
                C("name", "text", "客户名称", "client_name", "customer_name", required=True),
                C("region", "text", "区域", "大区", required=True),
                C("account_manager", "text", "客户经理", "业务员"),
                C("industry", "text", "行业"),
                C("size", "enum", "规模", values="size"),
                C("relationship", "enum", "关系类型", values="relationship"),
                C("potential_value", "money", "潜在价值", "年采购总额"),
                C("credit_limit", "money", "信用额度"),
                C("credit_rating", "text", "信用等级"),
                C("receivables", "money", "应收账款"),
                C("tier_override", "enum", "人工分级", values="tier"),
                C("competitors", "text", "竞争对手"),
                C("created", "date", "建档日期"),
            ),
            required=True,
        ),
        SheetKind(
            "sales", "Sales", ("sales", "销售", "销售明细", "销售记录"),
            (
                C("date", "date", "日期", "销售日期", required=True),
                C("client_id", "id", "客户编号", "客户代码", "customer_id", required=True),
                C("amount", "money", "金额", "销售额", required=True),
                C("order_id", "id", "订单号"),
                C("product", "text", "产品"),
                C("quantity", "number", "数量"),
                C("unit_price", "number", "单价"),
                C("cost", "money", "成本"),
                C("profit", "money", "利润", "毛利"),
                C("client_name", "text", "客户名称", "customer_name"),
                C("region", "text", "区域", "大区"),
                C("account_manager", "text", "客户经理", "业务员"),
            ),
            required=True,
        ),
        SheetKind(
            "opportunities", "Opportunities", ("opportunities", "商机", "商机清单"),
            (
                C("opp_id", "id", "商机编号", required=True),
                C("client_id", "id", "客户编号", "客户代码", required=True),
                C("title", "text", "商机名称", required=True),
                C("value", "money", "预计金额", required=True),
                C("stage", "enum", "阶段", values="stage"),
                C("expected_close", "date", "预计成交日期"),
                C("probability", "percent", "赢率"),
                C("margin_pct", "percent", "毛利率"),
                C("competitor", "text", "竞争对手"),
                *(C(q, "score", *_QUESTION_SYNONYMS[q]) for q in QUESTIONS),
                C("closed", "date", "成交日期", "关闭日期", "close_date", "closed_on"),
            ),
        ),
        SheetKind(
            "contacts", "Contacts", ("contacts", "联系人"),
            (
                C("client_id", "id", "客户编号", "客户代码", required=True),
                C("name", "text", "姓名", "联系人", required=True),
                C("title", "text", "职务"),
                C("level", "text", "级别"),
                C("buying_role", "enum", "采购角色", values="buying_role"),
                C("attitude", "enum", "态度", values="attitude"),
                C("last_contact", "date", "最近联系"),
            ),
        ),
        SheetKind(
            "feedback", "Feedback", ("feedback", "客户反馈", "反馈"),
            (
                C("date", "date", "日期", required=True),
                C("client_id", "id", "客户编号", "客户代码", required=True),
                C("type", "enum", "类型", required=True, values="feedback_type"),
                C("category", "enum", "类别", values="category"),
                C("score", "number", "评分"),
                C("resolved", "bool", "已解决"),
                C("note", "text", "备注"),
            ),
        ),
        SheetKind(
            "targets", "Targets", ("targets", "目标", "销售目标"),
            (
                C("month", "month", "月份", required=True),
                C("region", "text", "区域", "大区"),
                C("account_manager", "text", "客户经理", "业务员"),
                C("sales_target", "money", "销售目标", required=True),
                C("new_clients_target", "int", "新客户目标"),
            ),
            one_of=(("region", "account_manager"),),
        ),
        SheetKind(
            "actions", "Actions", ("actions", "行动计划", "行动"),
            (
                C("client_id", "id", "客户编号", "客户代码", required=True),
                C("action", "text", "行动", required=True),
                C("owner", "text", "负责人"),
                C("due", "date", "截止日期"),
                C("status", "text", "状态"),
            ),
        ),
        SheetKind(
            "regions", "Regions", ("regions", "区域"),
            (
                C("region", "text", "区域", "大区", required=True),
                C("supervisor", "text", "主管"),
                C("leadership_emails", "emails", "领导邮箱"),
            ),
        ),
        SheetKind(
            "activities", "Activities", ("activities", "拜访记录", "活动记录"),
            (
                C("date", "date", "日期", required=True),
                C("client_id", "id", "客户编号", "客户代码", required=True),
                C("type", "enum", "类型", values="activity_type"),
                C("account_manager", "text", "客户经理", "业务员"),
                C("hours", "number", "小时", "工时"),
            ),
        ),
    )
}

#: Spellings accepted for each enum's canonical codes (matched after ``normalise_name``).
VALUE_SPELLINGS: dict[str, dict[str, tuple[str, ...]]] = {
    "size": {
        "small": ("small", "s", "小", "小型"),
        "medium": ("medium", "m", "mid", "中", "中型"),
        "large": ("large", "l", "big", "大", "大型"),
    },
    "relationship": {
        "transactional": ("transactional", "transaction", "交易型", "交易"),
        "partnership": ("partnership", "partner", "伙伴型", "伙伴", "合作伙伴"),
    },
    "tier": {
        "major": ("major", "major account", "重要客户", "重要"),
        "named": ("named", "named account", "次重要客户", "次重要"),
        "non_named": ("non_named", "non-named", "non-named account", "一般重要客户", "一般重要"),
        "mass": ("mass", "mass-market", "mass market", "大众客户", "大众"),
    },
    "stage": {
        "lead": ("lead", "线索"),
        "qualified": ("qualified", "已确认", "确认"),
        "proposal": ("proposal", "方案", "报价"),
        "negotiation": ("negotiation", "谈判"),
        "won": ("won", "赢单", "成交"),
        "lost": ("lost", "丢单", "失败"),
    },
    "buying_role": {
        "decision_maker": ("decision_maker", "decision maker", "决策者"),
        "technical": ("technical", "技术"),
        "business": ("business", "商务"),
        "finance": ("finance", "financial", "财务"),
        "user": ("user", "使用者", "用户"),
    },
    "attitude": {
        "supporter": ("supporter", "support", "支持", "支持者"),
        "neutral": ("neutral", "中立"),
        "opponent": ("opponent", "against", "反对", "反对者"),
    },
    "feedback_type": {
        "complaint": ("complaint", "投诉"),
        "praise": ("praise", "表扬"),
        "survey": ("survey", "调查", "满意度调查"),
    },
    "category": {
        "supply": ("supply", "供货", "供应"),
        "ordering": ("ordering", "order", "订货", "下单"),
        "delivery": ("delivery", "配送", "物流", "送货"),
        "market": ("market", "市场", "市场管理"),
        "visit_service": ("visit_service", "visit", "service", "拜访服务", "拜访", "服务"),
        "other": ("other", "其他"),
    },
    "activity_type": {
        "visit": ("visit", "拜访"),
        "call": ("call", "phone", "电话"),
        "meeting": ("meeting", "会议"),
    },
    "answer": {
        "5": ("yes", "y", "是", "有", "true"),
        "3": ("maybe", "待定", "不确定", "unknown"),
        "1": ("no", "n", "否", "无", "false"),
    },
    "bool": {
        "true": ("yes", "y", "true", "1", "是", "已解决", "resolved", "closed", "x", "✓"),
        "false": ("no", "n", "false", "0", "否", "未解决", "open", "unresolved"),
    },
}


def _chinese(words: tuple[str, ...]) -> str:
    return next((w for w in words if not w.isascii()), "")


def column_term(name: str) -> Term:
    """A canonical column name for a message, explained in Chinese the first time it appears.

    ``client_id`` reads ``client_id（客户编号）`` in Chinese: the first Chinese header the
    schema accepts for it, which is also what the example workbook calls the column.
    """
    for kind in SHEETS.values():
        for col in kind.columns:
            if col.name == name and _chinese(col.synonyms):
                return Term(name, explain={"zh": _chinese(col.synonyms)})
    return Term(name)


def kind_term(kind: SheetKind) -> Term:
    """A kind of sheet for a message: "Sales" in English, "销售" in Chinese."""
    return Term(kind.label, words={"zh": _chinese(kind.synonyms) or kind.label})


def sheet_kind_for(name: str) -> SheetKind | None:
    """The sheet kind a sheet name denotes, or ``None`` for a sheet reportgen does not use."""
    key = normalise_name(name)
    for kind in SHEETS.values():
        if any(normalise_name(s) == key for s in kind.synonyms):
            return kind
    return None


#: What a stored dtype becomes when a column is absent from the input.
_BLANK_DTYPES = {
    "date": "datetime64[ns]",
    "money": "Int64",
    "int": "Int64",
    "score": "Int64",
    "number": "float64",
    "percent": "float64",
    "bool": "boolean",
}


def blank_column(col: Column, n: int) -> pd.Series:
    """An all-blank column of ``col``'s canonical dtype, for a column absent from the input."""
    dtype = _BLANK_DTYPES.get(col.type, "object")
    if dtype == "object":
        return pd.Series([None] * n, dtype="object")
    if dtype == "datetime64[ns]":
        return pd.Series(np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]"))
    if dtype == "float64":
        return pd.Series(np.full(n, np.nan))
    return pd.Series([pd.NA] * n, dtype=dtype)
