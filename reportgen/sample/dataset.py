"""The bundled sample: a seeded demo dataset, and the example workbook and config of ``init``.

``write_sample`` writes a realistic, deterministic dataset for ``reportgen demo``: about 300
clients of an industrial-automation distributor in five regions, 24 months of sales lines
(2024-11 .. 2026-10, report month 2026-10) and every other sheet reportgen reads. It is built
so that every rule of SPEC "The logic" has something to say: each lifecycle stage and at-risk
reason, tier upgrades and downgrades, Major accounts, every screen verdict, red/amber/green
targets, and three small data-quality problems (one duplicate sales line, one line for an
unknown client, one unreadable date).

Layout (file names are ASCII; everything else follows ``lang``):

* ``accounts.xlsx`` — Clients, Contacts, Opportunities, Feedback, Actions, Activities;
* ``plan.xlsx`` — Targets, Regions;
* ``sales-east.xlsx`` … ``sales-central.xlsx`` — one sales ledger per region, concatenated by
  the loader.

Sheet names, headers, enum spellings and free text are English with ``lang="en"`` and Chinese
(the schema's first Chinese synonym) with ``lang="zh"``. Like real regional offices, two of the
five ledgers (South and West) keep their headers in the *other* language, so the demo exercises
both spellings. Region names are Chinese in both languages (华东 …): supervisors work in
Chinese; client names are mixed, about 60% Chinese and 40% English.

Workbooks are written by a small XLSX writer of our own rather than openpyxl: without lxml
(not a dependency) openpyxl needs about 0.2 ms per row, 5 s for the sample, and its zip entries
carry the clock. Ours takes a fraction of a second and writes the same bytes for the same seed.
The ``init`` workbook needs cell notes (comments), so it is written with openpyxl and its
timestamps are then fixed.
"""

from __future__ import annotations

import calendar
import io
import json
import math
import random
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple
from xml.sax.saxutils import escape

from reportgen.inputs.config import Config
from reportgen.inputs.schema import GATES, SHEETS, VALUE_SPELLINGS, Column

SAMPLE_REPORT_MONTH = "2026-10"
#: The files ``write_sample`` writes, in this order.
SAMPLE_FILES = (
    "accounts.xlsx", "plan.xlsx", "sales-east.xlsx", "sales-south.xlsx", "sales-north.xlsx",
    "sales-west.xlsx", "sales-central.xlsx",
)

# The sample's calendar: 24 months ending with the report month.
_FIRST = 2024 * 12 + 10  # 2024-11 as a month number (year * 12 + month - 1)
_N_MONTHS = 24
_M = _N_MONTHS - 1  # index of the report month
_END = date(2026, 10, 31)
# Every file's created/modified stamp: fixed, so a rerun writes the same bytes.
_STAMP = datetime(2026, 11, 1, 8, 0, 0)
_LANGS = ("en", "zh")

# Chinese New Year dips February; half-year and year ends peak; National Day dips October.
_SEASON = (0.96, 0.62, 1.05, 1.0, 1.02, 1.14, 0.96, 0.94, 1.06, 0.92, 1.04, 1.2)


def _ym(i: int) -> tuple[int, int]:
    """Year and month of month index ``i`` (0 = 2024-11)."""
    n = _FIRST + i
    return n // 12, n % 12 + 1


def _days(i: int) -> int:
    return calendar.monthrange(*_ym(i))[1]


def _month_str(i: int) -> str:
    year, month = _ym(i)
    return f"{year:04d}-{month:02d}"


def _index(d: date) -> int:
    return d.year * 12 + d.month - 1 - _FIRST


def _yuan(cents: int) -> float:
    return cents / 100


def _round_up(cents: float, step_yuan: int) -> int:
    step = step_yuan * 100
    return int(math.ceil(cents / step)) * step


# ---------------------------------------------------------------------------------------------
# Fixed vocabulary
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Region:
    code: str  # file-name slug
    name: str
    size: int  # number of clients
    cities: tuple[str, ...]
    managers: tuple[str, ...]
    supervisor: str
    emails: tuple[str, ...]
    #: Ratio of actual sales to target in the report month (sets its red/amber/green).
    attainment: float
    #: Extra lifecycle/tier cases placed in this region, by rank band (0 = biggest client).
    roles: tuple[tuple[str, float, float], ...]
    #: The region keeps its ledger headers in the other language.
    foreign_ledger: bool = False
    #: Spreads visits evenly over all clients instead of concentrating on key accounts.
    flat_effort: bool = False


_COMMON_ROLES: tuple[tuple[str, float, float], ...] = (
    ("potential", 0.0, 1.0), ("potential", 0.0, 1.0),
    ("new", 0.3, 0.9), ("new", 0.3, 0.9),
    ("long_lost", 0.4, 1.0),
    ("late_start", 0.2, 1.0), ("late_start", 0.2, 1.0), ("late_start", 0.2, 1.0),
    ("late_start", 0.2, 1.0),
    ("complaint", 0.1, 0.6),
)

_REGIONS: tuple[_Region, ...] = (
    _Region(
        "east", "华东", 80, ("上海", "杭州", "苏州", "南京", "宁波"),
        ("王磊", "李娜", "David Chen"),
        "赵明", ("east.director@example.com", "vp.sales@example.com"), 1.06,
        (("drop", 0.02, 0.06), ("gap", 0.1, 0.4), ("credit", 0.05, 0.5), ("upgrade", 0.35, 0.7),
         ("downgrade", 0.4, 0.8), ("potential", 0.0, 1.0), ("long_lost", 0.4, 1.0)),
    ),
    _Region(
        "south", "华南", 65, ("广州", "深圳", "东莞", "佛山", "厦门"),
        ("陈志强", "黄丽", "Emily Wong"),
        "林晓峰", ("south.director@example.com", "vp.sales@example.com"), 0.95,
        (("complaint", 0.0, 0.04), ("lost_in_m", 0.3, 0.8), ("credit", 0.05, 0.5),
         ("upgrade", 0.35, 0.7), ("potential", 0.0, 1.0)),
        foreign_ledger=True,
    ),
    _Region(
        "north", "华北", 60, ("北京", "天津", "石家庄", "济南", "青岛"),
        ("张伟", "刘洋", "Michael Zhao"),
        "孙建国", ("north.director@example.com", "vp.sales@example.com"), 0.82,
        (("drop", 0.02, 0.08), ("lost_in_m", 0.3, 0.8), ("gap", 0.1, 0.4),
         ("downgrade", 0.4, 0.8)),
    ),
    _Region(
        "west", "西部", 45, ("成都", "重庆", "西安", "昆明", "兰州"), ("杨帆", "Kevin Li"),
        "何静", ("west.director@example.com", "vp.sales@example.com"), 1.12,
        (("lost_in_m", 0.3, 0.8), ("credit", 0.05, 0.5), ("drop", 0.2, 0.6),
         ("upgrade", 0.35, 0.7)),
        foreign_ledger=True, flat_effort=True,
    ),
    _Region(
        "central", "华中", 50, ("武汉", "长沙", "郑州", "南昌", "合肥"), ("周敏", "Sarah Lin"),
        "Grace Hu", ("central.director@example.com", "vp.sales@example.com"), 0.93,
        (("gap", 0.1, 0.4), ("drop", 0.2, 0.6), ("long_lost", 0.4, 1.0)),
    ),
)

_BRANDS = (
    "恒通", "华信", "鑫源", "宏达", "博远", "瑞丰", "天成", "金桥", "永盛", "安泰", "德润", "联创",
    "新锐", "嘉禾", "宏图", "众诚", "华茂", "远航", "锦程", "合力", "科达", "同创", "东升", "鼎盛",
    "启明", "信达", "亿丰", "利通", "正邦", "汇宇",
)
_FIELDS = (
    "机电", "电子", "精密机械", "汽车零部件", "食品", "医疗器械", "包装", "新能源", "物流", "化工",
    "纺织", "建材", "智能装备", "电气",
)
_EN_PREFIXES = (
    "Northwind", "Blue River", "Summit", "Pacific Rim", "Redwood", "Evergreen", "Silverline",
    "Harborview", "Apex", "Meridian", "Orion", "Lakeside", "Crescent", "Ironbridge", "Keystone",
    "Oakridge", "Brightpath", "Jade Harbor", "Golden Bay", "Westlake", "Sunrise", "Lotus",
    "Riverside", "Greenfield", "Highland", "Starline", "Unity", "Bluestone",
)
_EN_KINDS = (
    "Trading", "Electronics", "Industrial", "Foods", "Logistics", "Medical", "Auto Parts",
    "Packaging", "Materials", "Energy", "Machinery", "Precision",
)
_EN_SUFFIXES = ("Ltd", "Co., Ltd.", "Inc.", "Group Ltd", "Holdings Ltd")
_INDUSTRIES = (
    ("Automotive parts", "汽车零部件"), ("Electronics", "电子制造"),
    ("Food & beverage", "食品饮料"),
    ("Pharmaceuticals", "医药"), ("Packaging", "包装"), ("New energy", "新能源"),
    ("Machinery", "机械制造"), ("Logistics", "物流仓储"), ("Chemicals", "化工"),
    ("Textiles", "纺织"),
)
_SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何林高罗郑梁谢宋唐韩冯邓曹彭"
_GIVEN = (
    "伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "军", "杰", "涛", "明", "超", "霞",
    "刚", "桂英", "建华", "晓东", "志强", "海燕", "丽华", "国庆", "文博", "思远", "雨欣",
    "子涵", "浩然", "建平",
)
_EN_FIRST = (
    "James", "Linda", "Peter", "Grace", "Tony", "Helen", "Jason", "Amy", "Kevin", "Cindy", "Eric",
    "Vivian", "Frank", "Judy", "Leo", "Nancy", "Oscar", "Rachel",
)
_EN_LAST = (
    "Wong", "Chan", "Lee", "Ng", "Tan", "Lim", "Smith", "Brown", "Miller", "Davis", "Clark",
    "Lewis", "Hall", "Young",
)
_COMPETITORS = ("锐控科技", "华拓自动化", "Vertex Automation", "Kinmotion", "Polaris Drives")


class _Product(NamedTuple):
    en: str
    zh: str
    price: int  # list price in cents
    cost_ratio: float


_PRODUCTS = (
    _Product("Servo motor SM-200", "伺服电机 SM-200", 280000, 0.68),
    _Product("Frequency inverter VF-55", "变频器 VF-55", 450000, 0.70),
    _Product("PLC controller P-8", "PLC 控制器 P-8", 620000, 0.66),
    _Product("HMI touch panel 10in", "触摸屏 10寸", 310000, 0.69),
    _Product("Proximity sensor", "接近传感器", 18000, 0.55),
    _Product("Industrial camera IC-5", "工业相机 IC-5", 560000, 0.62),
    _Product("Gear reducer GR-90", "减速机 GR-90", 190000, 0.72),
    _Product("Linear guide 1 m", "直线导轨 1米", 65000, 0.74),
    _Product("Pneumatic cylinder", "气缸", 42000, 0.70),
    _Product("Solenoid valve", "电磁阀", 26000, 0.64),
    _Product("Relay module", "继电器模块", 9500, 0.60),
    _Product("Switching power supply", "开关电源", 32000, 0.71),
    _Product("Control cable 100 m", "控制电缆 100米", 88000, 0.80),
    _Product("Installation service", "安装调试服务", 150000, 0.45),
    _Product("Spare parts kit", "备件包", 75000, 0.58),
)
_BIG_TICKET = (2, 5)  # PLC controller, industrial camera: what a project order buys

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


# ---------------------------------------------------------------------------------------------
# Clients and their sales
# ---------------------------------------------------------------------------------------------


@dataclass(eq=False)  # identity, not field-by-field, comparison
class _Client:
    id: str
    name: str
    chinese: bool
    region: _Region
    industry: int
    annual: int  # baseline yearly sales, cents
    per_month: int  # orders a month; 0 = one a quarter
    role: str = "stable"
    first: int = 0  # month index of the first order
    last: int = _M  # month index of the last order
    stop: date | None = None  # no orders after this day
    growth: float = 0.0
    discount: float = 0.0
    products: tuple[int, ...] = ()
    manager: str = ""
    current: int = 0  # net sales over the twelve months ending with the report month
    abc: str = ""
    tier: str = "mass"  # the tier the design aims at (before any override)
    potential: int | None = None
    credit_limit: int | None = None
    receivables: int | None = None
    supporter: str = "none"  # best supporter in Contacts: "key" role, "other" role or none


class _Line(NamedTuple):
    day: date
    client: _Client
    order: tuple[date, str, int]  # sort key, replaced by an order id when written
    product: int
    qty: int
    unit: int  # cents
    unit_cost: int  # cents


def _company_name(rng: random.Random, region: _Region, chinese: bool, taken: set[str]) -> str:
    while True:
        if chinese:
            suffix = rng.choices(("有限公司", "股份有限公司", "科技有限公司"), (6, 2, 2))[0]
            name = rng.choice(region.cities) + rng.choice(_BRANDS) + rng.choice(_FIELDS) + suffix
        else:
            name = f"{rng.choice(_EN_PREFIXES)} {rng.choice(_EN_KINDS)} {rng.choice(_EN_SUFFIXES)}"
        if name not in taken:
            taken.add(name)
            return name


def _person(rng: random.Random, chinese: bool) -> str:
    if chinese:
        return rng.choice(_SURNAMES) + rng.choice(_GIVEN)
    return f"{rng.choice(_EN_FIRST)} {rng.choice(_EN_LAST)}"


def _cadence(annual: int) -> int:
    if annual >= 150_000_000:
        return 4
    if annual >= 30_000_000:
        return 2
    if annual >= 4_000_000:
        return 1
    return 0


def _make_clients(rng: random.Random) -> list[_Client]:
    clients: list[_Client] = []
    taken: set[str] = set()
    new_months = iter((23, 22, 21, 23, 22, 21, 23, 22, 21, 23, 22, 23))
    for region in _REGIONS:
        group: list[_Client] = []
        for _ in range(region.size):
            yuan = min(max(rng.lognormvariate(math.log(100_000), 1.8), 12_000), 14_000_000)
            annual = int(yuan) * 100
            chinese = rng.random() < 0.6
            client = _Client(
                id="", name=_company_name(rng, region, chinese, taken), chinese=chinese,
                region=region, industry=rng.randrange(len(_INDUSTRIES)), annual=annual,
                per_month=_cadence(annual), growth=rng.uniform(-0.04, 0.14),
                discount=rng.uniform(0.0, 0.12 if annual > 60_000_000 else 0.05),
            )
            cheap = [i for i, p in enumerate(_PRODUCTS) if p.price <= 100_000]
            pool = list(range(len(_PRODUCTS))) if annual > 20_000_000 else cheap
            client.products = tuple(sorted(rng.sample(pool, rng.randint(3, min(8, len(pool))))))
            group.append(client)
        group.sort(key=lambda c: -c.annual)
        free = list(range(len(group)))
        for role, lo, hi in _COMMON_ROLES + region.roles:
            low, high = lo * len(group), max(hi * len(group), lo * len(group) + 1)
            band = [r for r in free if low <= r < high]
            rank = rng.choice(band or free)
            free.remove(rank)
            _give_role(rng, group[rank], role, new_months)
        clients.extend(group)
    # Ids follow no order a reader could exploit: shuffled, then numbered.
    rng.shuffle(clients)
    for number, client in enumerate(clients, 1):
        client.id = f"C{number:04d}"
    return clients


def _give_role(rng: random.Random, client: _Client, role: str, new_months: Iterator[int]) -> None:
    client.role = role
    if role == "new":
        client.first = next(new_months)
        client.per_month = max(client.per_month, 1)
    elif role == "late_start":
        client.first = rng.randint(1, 20)
    elif role == "lost_in_m":
        client.last = 11  # 2025-10, twelve months before the report month
        client.per_month = max(client.per_month, 1)
    elif role == "long_lost":
        client.last = rng.randint(1, 9)
        client.per_month = max(client.per_month, 1)
    elif role == "gap":
        # A weekly buyer that stopped in early October: more than twice its usual gap.
        client.per_month = 4
        client.stop = date(2026, 10, rng.randint(6, 10))
        client.growth = 0.12
    elif role in ("drop", "complaint", "credit"):
        client.per_month = max(client.per_month, 1)
        client.growth = max(client.growth, 0.02)
    elif role in ("upgrade", "downgrade"):
        client.per_month = max(client.per_month, 1)


def _order_days(rng: random.Random, client: _Client) -> list[date]:
    days: list[date] = []
    for i in range(client.first, client.last + 1):
        year, month = _ym(i)
        n_days = _days(i)
        if client.per_month == 0:
            if (i - client.first) % 3 == 0:
                days.append(date(year, month, rng.randint(1, n_days)))
            continue
        if month == 2 and i != client.first and rng.random() < 0.25:
            continue  # closed for the New Year holiday
        if client.per_month == 1:
            days.append(date(year, month, rng.randint(1, n_days)))
            continue
        spread = 2 if client.per_month == 4 else 4
        for j in range(client.per_month):
            centre = (j + 0.5) * n_days / client.per_month
            day = min(n_days, max(1, round(centre + rng.uniform(-spread, spread))))
            days.append(date(year, month, day))
    return [d for d in days if client.stop is None or d <= client.stop]


def _order_value(rng: random.Random, client: _Client, day: date, first: bool) -> float:
    i = _index(day)
    per_year = 4 if client.per_month == 0 else 12 * client.per_month
    years = (i - 19) / 12  # growth measured from 2026-06
    value = client.annual / per_year * _SEASON[day.month - 1] * (1 + client.growth) ** years
    value *= rng.lognormvariate(0, 0.16)
    if client.role == "drop" and i >= 20:
        value *= 0.45  # the client is moving its business elsewhere
    if first:
        value *= 0.6  # a trial order
    return value


def _lines_for_order(
    rng: random.Random, client: _Client, day: date, value: float, seq: int,
    products: Sequence[int] | None = None,
) -> list[_Line]:
    if products is None:
        n = rng.randint(1, 4) if client.per_month >= 2 else rng.randint(1, 3)
        products = rng.sample(client.products, min(n, len(client.products)))
    weights = [rng.uniform(0.5, 1.5) for _ in products]
    # Prices rose 3% at the start of 2026.
    rise = 1.03 if day >= date(2026, 1, 1) else 1.0
    lines = []
    for product, weight in zip(products, weights, strict=True):
        p = _PRODUCTS[product]
        unit = round(p.price * rise * (1 - client.discount))
        unit_cost = round(p.price * rise * p.cost_ratio)
        qty = max(1, round(value * weight / sum(weights) / unit))
        lines.append(_Line(day, client, (day, client.id, seq), product, qty, unit, unit_cost))
    return lines


def _make_sales(rng: random.Random, clients: Sequence[_Client]) -> list[_Line]:
    lines: list[_Line] = []
    for client in clients:
        if client.role == "potential":
            continue
        for seq, day in enumerate(_order_days(rng, client)):
            value = _order_value(rng, client, day, first=seq == 0)
            lines.extend(_lines_for_order(rng, client, day, value, seq))
    # Project orders sized against the smallest class-A client, so they move tiers.
    floor = _smallest_a(_current_values(lines, _M))
    for client in clients:
        if client.role == "upgrade":  # a big project lands in the report month
            day = date(2026, 10, rng.randint(12, 24))
            lines += _lines_for_order(rng, client, day, 3.0 * floor, 99, _BIG_TICKET)
        elif client.role == "downgrade":  # a one-off project twelve months ago
            day = date(2025, 10, rng.randint(10, 20))
            lines += _lines_for_order(rng, client, day, 4.5 * floor, 99, _BIG_TICKET)
    lines += _returns(rng, lines, clients)
    lines.sort(key=lambda ln: (ln.day, ln.client.id, ln.order[2], ln.qty < 0, ln.product))
    return lines


def _returns(rng: random.Random, lines: Sequence[_Line], clients: Sequence[_Client]) -> list[_Line]:
    """About 2% of lines come back in part, days later; returns never outlive the report month."""
    out = []
    for line in lines:
        if rng.random() >= 0.02:
            continue
        day = line.day + timedelta(days=rng.randint(3, 25))
        if day <= _END:
            qty = -max(1, round(line.qty * rng.uniform(0.1, 0.5)))
            out.append(line._replace(day=day, qty=qty))
    # A client lost in the report month returns goods a month after its last purchase:
    # a return never makes a client active again.
    lost = next(c for c in clients if c.role == "lost_in_m")
    last = max((ln for ln in lines if ln.client is lost and ln.qty > 0), key=lambda ln: ln.day)
    out.append(last._replace(day=date(2025, 11, 6), qty=-max(1, last.qty // 3)))
    return out


def _current_values(lines: Iterable[_Line], month: int) -> dict[str, int]:
    """Net sales per client id over the twelve months ending with month index ``month``."""
    totals: dict[str, int] = {}
    for line in lines:
        if month - 11 <= _index(line.day) <= month:
            totals[line.client.id] = totals.get(line.client.id, 0) + line.qty * line.unit
    return totals


def _abc(values: dict[str, int]) -> dict[str, str]:
    ranked = sorted(((v, k) for k, v in values.items() if v > 0), key=lambda x: (-x[0], x[1]))
    total = sum(v for v, _ in ranked)
    out, before = {}, 0
    for value, key in ranked:
        share = before / total
        out[key] = "A" if share < 0.8 else "B" if share < 0.95 else "C"
        before += value
    return out


def _smallest_a(values: dict[str, int]) -> int:
    classes = _abc(values)
    return min(v for k, v in values.items() if classes.get(k) == "A")


# ---------------------------------------------------------------------------------------------
# Values, credit, tiers and managers
# ---------------------------------------------------------------------------------------------


def _design_accounts(
    rng: random.Random, clients: Sequence[_Client], lines: Sequence[_Line],
) -> None:
    current = _current_values(lines, _M)
    classes = _abc(current)
    floor = _smallest_a(current)
    for client in clients:
        client.current = current.get(client.id, 0)
        client.abc = classes.get(client.id, "")
    no_potential = {c.id for c in rng.sample(
        [c for c in clients if c.role in ("stable", "late_start") and c.abc != ""], 30)}
    candidates_lh = [c for c in clients if c.abc in ("B", "C") and c.role == "stable"]
    lh = {c.id for c in rng.sample(candidates_lh, 8)}
    prospects = [c for c in clients if c.role == "potential"]
    big_prospects = {c.id for c in prospects[:3]}
    for client in clients:
        client.potential, client.tier = _potential(rng, client, floor, lh, big_prospects)
        if client.id in no_potential and client.tier != "major":
            client.potential = None
            client.tier = "named" if client.abc == "A" else _low_tier(client.abc)
        _credit(rng, client)
    for region in _REGIONS:
        _assign_managers([c for c in clients if c.region is region], region.managers)


def _low_tier(abc: str) -> str:
    return "non_named" if abc == "B" else "mass"


def _potential(
    rng: random.Random, client: _Client, floor: int, lh: set[str], big_prospects: set[str],
) -> tuple[int | None, str]:
    """The client's potential value, and the tier that puts it in."""
    cur = client.current
    if client.role == "potential":
        if client.id in big_prospects:
            return _round_up(floor * rng.uniform(1.5, 3.0), 10_000), "named"
        return _round_up(floor * rng.uniform(0.05, 0.5), 10_000), "mass"
    if client.role in ("lost_in_m", "long_lost"):
        return _round_up(min(client.annual * rng.uniform(1.0, 2.0), floor * 0.7), 10_000), "mass"
    if client.role == "upgrade":
        return _round_up(cur * 1.8 + floor, 10_000), "major"
    if client.role == "downgrade":
        return _round_up(cur + floor * 0.5, 10_000), _low_tier(client.abc)
    if client.abc == "A":
        if client.role == "drop" or rng.random() < 0.2:
            value = cur * rng.uniform(1.5, 2.5) + floor * rng.uniform(0.5, 1.5)
            return _round_up(value, 10_000), "major"
        return _round_up(cur + floor * rng.uniform(0.05, 0.6), 10_000), "named"
    if client.id in lh:
        return _round_up(cur + floor * rng.uniform(1.3, 3.0), 10_000), "named"
    extra = min(max(cur, 0) * rng.uniform(0.3, 2.0), floor * rng.uniform(0.1, 0.8))
    return _round_up(max(cur, 0) + extra, 10_000), _low_tier(client.abc)


def _credit(rng: random.Random, client: _Client) -> None:
    # North's big client that is cutting back has also stopped paying: two reasons at once.
    over = client.role == "credit" or (client.role == "drop" and client.region.code == "north")
    if client.role == "potential" or (not over and rng.random() < 0.12):
        return  # prospects, and a few clients who pay cash, have no credit terms
    client.credit_limit = _round_up(client.annual / 4, 50_000)
    ratio = rng.uniform(1.15, 1.45) if over else rng.uniform(0.1, 0.9)
    if client.role in ("lost_in_m", "long_lost"):
        ratio = 0.0
    client.receivables = int(round(client.credit_limit * ratio, -2))


_TIER_ORDER = {"major": 0, "named": 1, "non_named": 2, "mass": 3}


def _assign_managers(group: Sequence[_Client], managers: Sequence[str]) -> None:
    """Deal key accounts out in turn, biggest first, so the load is even but not perfectly so."""
    ordered = sorted(group, key=lambda c: (_TIER_ORDER[c.tier], -c.current, c.id))
    for n, client in enumerate(ordered):
        client.manager = managers[n % len(managers)]


# ---------------------------------------------------------------------------------------------
# The other sheets
# ---------------------------------------------------------------------------------------------

_ROLE_TITLES = {
    "decision_maker": (("General Manager", "总经理"), ("Deputy General Manager", "副总经理"),
                       ("Plant Director", "厂长")),
    "technical": (("Engineering Manager", "工程部经理"), ("Technical Director", "技术总监")),
    "business": (("Purchasing Manager", "采购经理"), ("Procurement Lead", "采购主管")),
    "finance": (("Finance Manager", "财务经理"), ("Chief Financial Officer", "财务总监")),
    "user": (("Workshop Supervisor", "车间主任"), ("Maintenance Lead", "设备主管")),
}
_LEVELS = {
    "decision_maker": ("Senior", "高层"), "technical": ("Middle", "中层"),
    "business": ("Middle", "中层"), "finance": ("Middle", "中层"), "user": ("Junior", "基层"),
}
# Contact patterns for key accounts: (buying role, attitude) per person.
_KEY_PATTERNS = {
    "good": (("decision_maker", "supporter"), ("business", "neutral"), ("technical", "supporter"),
             ("user", "neutral")),
    "no_supporter": (("decision_maker", "neutral"), ("business", "neutral"),
                     ("technical", "opponent")),
    "opponent": (("decision_maker", "opponent"), ("technical", "supporter"),
                 ("finance", "neutral")),
    "no_dm": (("business", "supporter"), ("technical", "neutral"), ("user", "supporter")),
}


def _make_contacts(
    rng: random.Random, clients: Sequence[_Client], lang: str,
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    patterns = ("good", "good", "good", "no_supporter", "opponent", "no_dm")
    for client in clients:
        if client.tier in ("major", "named"):
            pattern = _KEY_PATTERNS[rng.choice(patterns)]
            people = list(pattern[: rng.randint(max(2, len(pattern) - 1), len(pattern))])
            recent = 120
        else:
            count = rng.choices((0, 1, 2), (5, 4, 1) if client.tier == "mass" else (2, 5, 3))[0]
            people = [(rng.choice(tuple(_ROLE_TITLES)),
                       rng.choice(("supporter", "neutral", "neutral"))) for _ in range(count)]
            recent = 420
        for role, attitude in people:
            if attitude == "supporter":
                strength = "key" if role in ("decision_maker", "business") else "other"
                if client.supporter != "key":
                    client.supporter = strength
            en, zh = rng.choice(_ROLE_TITLES[role])
            rows.append({
                "client_id": client.id,
                "name": _person(rng, client.chinese or rng.random() < 0.3),
                "title": _t(lang, en, zh),
                "level": _t(lang, *_LEVELS[role]),
                "buying_role": _spell("buying_role", role, lang),
                "attitude": _spell("attitude", attitude, lang),
                "last_contact": _END - timedelta(days=rng.randint(2, recent)),
            })
    return rows


_OPP_TITLES = (
    ("Line 2 automation retrofit", "二号产线自动化改造"),
    ("Annual spare-parts framework agreement", "年度备件框架协议"),
    ("Vision inspection pilot", "视觉检测试点项目"),
    ("Warehouse conveyor upgrade", "仓储输送线升级"),
    ("Servo drive replacement", "伺服驱动更换"),
    ("New plant electrical package", "新厂电气配套"),
    ("Energy-saving inverter retrofit", "变频节能改造"),
    ("Packaging line expansion", "包装线扩产"),
    ("HMI standardisation", "人机界面标准化"),
    ("Maintenance service contract", "维保服务合同"),
    ("Pneumatics standard parts tender", "气动标准件招标"),
    ("Robot cell integration", "机器人工作站集成"),
)
_STAGES = ("lead",) * 5 + ("qualified",) * 5 + ("proposal",) * 5 + ("negotiation",) * 3 + (
    "won",) * 3 + ("lost",) * 3
_STAGE_P = {"lead": 0.1, "qualified": 0.25, "proposal": 0.5, "negotiation": 0.75, "won": 1.0,
            "lost": 0.0}
# The verdict each opportunity is built to reach (see SPEC "Opportunity screen").
_PROFILES = ("pursue",) * 35 + ("qualify",) * 25 + ("drop",) * 12 + ("partner_or_drop",) * 12 + (
    "strengthen",) * 20 + ("reconsider",) * 16


def _make_opportunities(
    rng: random.Random, clients: Sequence[_Client], lang: str,
) -> list[dict[str, Any]]:
    weights = {"major": 5.0, "named": 1.6, "non_named": 0.35, "mass": 0.08}
    pool = [c for c in clients if c.role not in ("lost_in_m", "long_lost")]
    owners = rng.choices(pool, [weights[c.tier] + (0.8 if c.role == "potential" else 0)
                                for c in pool], k=len(_PROFILES))
    profiles = list(_PROFILES)
    rng.shuffle(profiles)
    rows = []
    for n, (client, profile) in enumerate(zip(owners, profiles, strict=True), 1):
        stage = rng.choice(_STAGES) if client.role != "potential" else rng.choice(
            ("lead", "qualified"))
        big = client.tier in ("major", "named")
        value = _round_up(rng.uniform(200_000, 3_000_000) * 100 if big
                          else rng.uniform(30_000, 600_000) * 100, 1000)
        if stage in ("won", "lost"):
            close = date(2025, 12, 1) + timedelta(days=rng.randint(0, 330))
        else:
            close = date(2026, 9, 15) + timedelta(days=rng.randint(0, 270))
        probability = None
        if rng.random() < 0.5:
            probability = min(1.0, max(0.0, round(_STAGE_P[stage] + rng.choice((-0.1, 0, 0.1)), 2)))
        margin_pct = round(rng.uniform(0.06, 0.38), 2) if rng.random() < 0.6 else None
        row: dict[str, Any] = {
            "opp_id": f"OP-{n:04d}",
            "client_id": client.id,
            "title": _t(lang, *rng.choice(_OPP_TITLES)),
            "value": value,
            "stage": _spell("stage", stage, lang),
            "expected_close": close,
            "probability": probability,
            "margin_pct": margin_pct,
            "competitor": rng.choice(_COMPETITORS) if rng.random() < 0.6 else None,
        }
        row.update(_answers(rng, profile, client, row, lang))
        rows.append(row)
    return rows


def _answer(rng: random.Random, score: int, lang: str) -> int | str:
    """A score written as a number, or as yes/maybe/no where the score allows."""
    if str(score) in _SPELL["answer"] and rng.random() < 0.35:
        return _spell("answer", str(score), lang)
    return score


def _derived(question: str, client: _Client, row: dict[str, Any]) -> int | None:
    """What the screen answers for itself when the question is left blank (SPEC)."""
    if question == "has_supporter":
        return {"key": 5, "other": 3}.get(client.supporter, 1)
    if question == "margin" and row["margin_pct"] is not None:
        pct = row["margin_pct"]
        return (5 if pct >= 0.3 else 4 if pct >= 0.2 else 3 if pct >= 0.1
                else 2 if pct >= 0.05 else 1)
    if question == "capital_risk" and client.credit_limit and client.receivables is not None:
        ratio = client.receivables / client.credit_limit
        return (5 if ratio <= 0.5 else 4 if ratio <= 0.8 else 3 if ratio <= 1
                else 2 if ratio <= 1.2 else 1)
    return None


def _answers(
    rng: random.Random, profile: str, client: _Client, row: dict[str, Any], lang: str,
) -> dict[str, Any]:
    """Answers to the screen's questions that make ``profile`` the verdict."""
    failing = {"drop": "real", "partner_or_drop": "compete", "strengthen": "win",
               "reconsider": "worth"}.get(profile)
    blank = None
    if profile == "qualify":
        blank = rng.choice(("compete", "compete", "real"))
    if profile == "reconsider" and rng.random() < 0.5:
        row["margin_pct"] = 0.03  # too thin: the screen derives "no" for the margin question
    out: dict[str, Any] = {}
    reached = False
    for gate, questions in GATES.items():
        if gate == blank:
            out.update(dict.fromkeys(questions))
            continue
        mode = "fail" if gate == failing else "pass"
        if reached:  # after the failing gate anything goes
            mode = rng.choice(("pass", "pass", "fail", "blank"))
        out.update(_gate(rng, questions, mode, client, row, lang))
        reached = reached or gate == failing
    return out


def _gate(
    rng: random.Random, questions: Sequence[str], mode: str, client: _Client,
    row: dict[str, Any], lang: str,
) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    if mode == "blank":
        return dict.fromkeys(questions)
    if mode == "pass":
        for q in questions:
            derived = _derived(q, client, row)
            if derived is not None and derived >= 3 and rng.random() < 0.5:
                answers[q] = None  # left to the screen, which derives a passing answer
            elif derived is None and rng.random() < 0.15:
                answers[q] = None
            else:
                answers[q] = _answer(rng, rng.choice((3, 4, 4, 5, 5)), lang)
        if all(v is None and _derived(q, client, row) is None for q, v in answers.items()):
            answers[questions[0]] = _answer(rng, 4, lang)
        return answers
    # Failing: one outright "no", or only weak answers; a blank question derived as "no" counts.
    weak = rng.random() < 0.4
    for q in questions:
        derived = _derived(q, client, row)
        if derived == 1 and rng.random() < 0.7:
            answers[q] = None
        elif weak:
            answers[q] = _answer(rng, rng.choice((2, 2, 3)), lang)
        else:
            answers[q] = _answer(rng, rng.choice((3, 4, 5)), lang)
    if not any(v is None and _derived(q, client, row) == 1 for q, v in answers.items()):
        target = rng.choice(questions)
        # Weak: every answer 2 or 3 with at least one 2, so the mean is below 3.
        answers[target] = _answer(rng, 2 if weak else 1, lang)
    return answers


_NOTES = {
    "supply": (("Short shipment on the last order", "上次订单少发货"),
               ("Servo motors out of stock for three weeks", "伺服电机缺货三周")),
    "ordering": (("Order confirmation came two days late", "订单确认晚了两天"),
                 ("Wrong item code on the order", "订单物料编码错误")),
    "delivery": (("Goods arrived damaged", "到货包装破损"),
                 ("Truck arrived after the agreed window", "送货超出约定时间")),
    "market": (("A competitor offered their sister plant a lower price",
                "竞争对手对其兄弟工厂报价更低"),
               ("Price list changed without notice", "价格调整未提前通知")),
    "visit_service": (("Account manager did not return calls", "客户经理电话未回复"),
                      ("Engineer visit postponed twice", "工程师上门两次延期")),
    "other": (("Invoice title incorrect", "发票抬头有误"),
              ("Cannot log in to the order portal", "订货网站无法登录")),
    "praise": (("Quick response on an urgent order", "紧急订单响应迅速"),
               ("Engineer solved the commissioning problem on site", "工程师现场解决调试问题"),
               ("Clear, well-prepared quarterly review", "季度回顾准备充分")),
    "survey": (("Quarterly satisfaction survey", "季度满意度调查"),),
}


def _make_feedback(
    rng: random.Random, clients: Sequence[_Client], lines: Sequence[_Line], lang: str,
) -> list[dict[str, Any]]:
    seen: dict[int, dict[str, _Client]] = {}
    for line in lines:
        seen.setdefault(_index(line.day), {})[line.client.id] = line.client
    buyers = {i: list(group.values()) for i, group in seen.items()}
    # Only the designated clients may have complaints still open in the recent past.
    calm = [c for c in clients if c.role != "complaint"]
    calm_ids = {c.id for c in calm}
    rows: list[dict[str, Any]] = []
    categories = tuple(_SPELL["category"])

    def add(day: date, client: _Client, kind: str, category: str | None, score: int | None,
            resolved: bool | None, note: tuple[str, str]) -> None:
        local_note = rng.random() < 0.3
        rows.append({
            "date": day, "client_id": client.id, "type": _spell("feedback_type", kind, lang),
            "category": _spell("category", category, lang) if category else None,
            "score": score,
            "resolved": None if resolved is None else _spell("bool", str(resolved).lower(), lang),
            # Local staff write some notes in Chinese whatever the head office's language.
            "note": note[1] if local_note else _t(lang, *note),
        })

    def when(i: int) -> date:
        year, month = _ym(i)
        return date(year, month, rng.randint(1, _days(i)))

    for n in range(48):
        i = rng.randrange(_N_MONTHS)
        client = rng.choice([c for c in buyers.get(i, calm) if c.id in calm_ids] or calm)
        category = categories[n % len(categories)]
        add(when(i), client, "complaint", category, None, True, rng.choice(_NOTES[category]))
    for client in clients:
        if client.role == "complaint":
            category = rng.choice(("delivery", "supply", "visit_service"))
            add(when(rng.choice((22, 23))), client, "complaint", category, None, False,
                rng.choice(_NOTES[category]))
        elif client.role == "long_lost" and client.last > 2:
            # Why it left: a complaint nobody closed, just before the last order.
            add(when(client.last - 1), client, "complaint", "delivery", None, False,
                _NOTES["delivery"][0])
    for _ in range(26):
        i = rng.randrange(_N_MONTHS)
        category = rng.choice(("delivery", "visit_service", "other"))
        add(when(i), rng.choice(buyers.get(i, calm)), "praise", category, None, None,
            rng.choice(_NOTES["praise"]))
    for i in range(2, _N_MONTHS, 3):  # quarterly survey of a handful of clients
        for client in rng.sample(buyers.get(i, calm), min(14, len(buyers.get(i, calm)))):
            score = rng.choices((5, 4, 3, 2, 1), (35, 40, 15, 7, 3))[0]
            add(when(i), client, "survey", None, score, None, _NOTES["survey"][0])
    rows.sort(key=lambda r: (r["date"], r["client_id"]))
    return rows


def _make_targets(rng: random.Random, lines: Sequence[_Line]) -> list[dict[str, Any]]:
    actual: dict[tuple[str, int], int] = {}
    for line in lines:
        key = (line.client.region.name, _index(line.day))
        actual[key] = actual.get(key, 0) + line.qty * line.unit
    rows = []
    for i in range(_N_MONTHS):
        for region in _REGIONS:
            sales = actual.get((region.name, i), 0)
            ratio = region.attainment if i == _M else rng.uniform(0.9, 1.08)
            rows.append({
                "month": _month_str(i),
                "region": region.name,
                "sales_target": _round_up(sales / ratio, 10_000),
                "new_clients_target": 0 if _ym(i)[1] == 2 else (2 if region.code == "east" else 1),
            })
    return rows


_ACTIONS = {
    "key": (("Meet the general manager to review next year's plan", "拜访总经理，沟通明年采购计划"),
            ("Confirm the phase-2 budget with purchasing", "与采购确认二期预算"),
            ("Present the vision inspection solution", "推介视觉检测方案"),
            ("Quarterly business review", "季度业务回顾"),
            ("Find a supporter in the engineering team", "在工程部发展支持者")),
    "drop": (("Win back the volume lost to a competitor", "夺回被竞争对手抢走的份额"),),
    "gap": (("Call to find out why orders stopped", "电话了解停止下单的原因"),),
    "complaint": (("Close the open complaint with the customer", "与客户关闭未解决的投诉"),),
    "credit": (("Agree a payment plan for overdue receivables", "就逾期应收款商定还款计划"),),
    "potential": (("Arrange a first visit and product demo", "安排首次拜访和产品演示"),),
}
_STATUS = {
    "open": ("Open", "未开始"), "doing": ("In progress", "进行中"), "done": ("Done", "已完成"),
}


def _make_actions(
    rng: random.Random, clients: Sequence[_Client], lang: str,
) -> list[dict[str, Any]]:
    rows = []
    for client in clients:
        texts: list[tuple[str, str]] = []
        if client.role in ("drop", "gap", "complaint", "credit"):
            texts.append(rng.choice(_ACTIONS[client.role]))
        if client.tier == "major":
            texts += rng.sample(_ACTIONS["key"], rng.randint(1, 2))
        elif client.tier == "named" and client.role == "potential":
            texts.append(_ACTIONS["potential"][0])
        elif client.tier == "named" and rng.random() < 0.15:
            texts.append(rng.choice(_ACTIONS["key"]))
        for text in texts:
            due = date(2026, 8, 1) + timedelta(days=rng.randint(0, 150))
            status = "done" if due < date(2026, 9, 15) and rng.random() < 0.6 else rng.choice(
                ("open", "doing"))
            rows.append({
                "client_id": client.id, "action": _t(lang, *text), "owner": client.manager,
                "due": due, "status": _t(lang, *_STATUS[status]),
            })
    return rows


def _make_activities(
    rng: random.Random, clients: Sequence[_Client], lang: str,
) -> list[dict[str, Any]]:
    per_month = {"major": 4.0, "named": 1.4, "non_named": 0.25, "mass": 0.06}
    rows = []
    for client in clients:
        if client.role in ("lost_in_m", "long_lost"):
            continue
        rate = 0.5 if client.region.flat_effort else per_month[client.tier]
        for i in range(_M - 5, _M + 1):
            year, month = _ym(i)
            count = int(rate) + (rng.random() < rate - int(rate))
            for _ in range(count):
                kind = rng.choices(("visit", "call", "meeting"), (5, 4, 2))[0]
                hours = rng.choice({"visit": (1.5, 2, 3, 4), "call": (0.25, 0.5),
                                    "meeting": (1, 1.5, 2)}[kind])
                rows.append({
                    "date": date(year, month, rng.randint(1, _days(i))), "client_id": client.id,
                    "type": _spell("activity_type", kind, lang), "account_manager": client.manager,
                    "hours": hours,
                })
    rows.sort(key=lambda r: (r["date"], r["client_id"]))
    return rows


def _client_rows(rng: random.Random, clients: Sequence[_Client], lang: str) -> list[dict[str, Any]]:
    rows = []
    overrides = _overrides(clients)
    for client in sorted(clients, key=lambda c: c.id):
        size = ("large" if client.annual >= 300_000_000
                else "medium" if client.annual >= 60_000_000 else "small")
        if rng.random() < 0.1:
            size = rng.choice(("small", "medium", "large"))
        key = client.tier in ("major", "named") and client.role != "potential"
        relationship = "partnership" if rng.random() < (0.75 if key else 0.2) else "transactional"
        first_order = date(*_ym(client.first), 1)
        created = first_order - timedelta(days=rng.randint(10, 1500))
        if client.role == "potential":
            created = date(2026, 1, 1) + timedelta(days=rng.randint(0, 290))
        rows.append({
            "client_id": client.id, "name": client.name, "region": client.region.name,
            "account_manager": client.manager,
            "industry": _t(lang, *_INDUSTRIES[client.industry]),
            "size": _spell("size", size, lang),
            "relationship": _spell("relationship", relationship, lang),
            "potential_value": client.potential, "credit_limit": client.credit_limit,
            "credit_rating": rng.choice(("AAA", "AA", "AA", "A", "A", "BBB", "BB"))
            if client.credit_limit else None,
            "receivables": client.receivables,
            "tier_override": _spell("tier", overrides[client.id], lang)
            if client.id in overrides else None,
            "competitors": "; ".join(sorted(rng.sample(_COMPETITORS, rng.randint(1, 2))))
            if rng.random() < 0.6 else None,
            "created": created,
        })
    return rows


def _overrides(clients: Sequence[_Client]) -> dict[str, str]:
    """Three tiers set by hand: a strategic prospect, a reference site, a price-only trader."""
    prospect = next(c for c in clients if c.role == "potential" and c.tier == "mass")
    reference = next(c for c in clients if c.role == "stable" and c.abc == "C")
    trader = next(c for c in clients if c.role == "stable" and c.abc == "A" and c.tier == "named")
    return {prospect.id: "named", reference.id: "named", trader.id: "non_named"}


def _sales_rows(lines: Sequence[_Line], lang: str) -> list[dict[str, Any]]:
    ids: dict[tuple[date, str, int], str] = {}
    per_month: dict[str, int] = {}
    rows = []
    for line in lines:
        if line.order not in ids:
            month = line.order[0].strftime("%y%m")
            per_month[month] = per_month.get(month, 0) + 1
            ids[line.order] = f"SO{month}{per_month[month]:04d}"
        product = _PRODUCTS[line.product]
        rows.append({
            "date": line.day, "order_id": ids[line.order], "client_id": line.client.id,
            "client_name": line.client.name, "product": _t(lang, product.en, product.zh),
            "quantity": line.qty, "unit_price": _yuan(line.unit), "amount": line.qty * line.unit,
            "cost": line.qty * line.unit_cost, "account_manager": line.client.manager,
        })
    return rows


def _flaws(rows_by_region: dict[str, list[dict[str, Any]]]) -> None:
    """Three everyday mistakes for the loader to report (each a warning, none fatal).

    A line keyed in twice, a line for a client nobody set up, a date that does not exist.
    """
    east = rows_by_region["east"]
    at = next(n for n, r in enumerate(east) if r["date"] >= date(2026, 3, 10))
    east.insert(at + 1, dict(east[at]))
    south = rows_by_region["south"]
    at = next(n for n, r in enumerate(south) if r["date"] >= date(2026, 9, 18))
    south.insert(at, {**south[at], "client_id": "C0312", "client_name": "深圳云帆食品有限公司",
                      "order_id": south[at]["order_id"] + "-1"})
    north = rows_by_region["north"]
    at = next(n for n, r in enumerate(north) if r["date"] >= date(2026, 9, 28))
    north[at] = {**north[at], "date": "2026-09-31"}


# ---------------------------------------------------------------------------------------------
# Assembling the workbooks
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Sheet:
    kind: str
    columns: tuple[str, ...]
    rows: Sequence[dict[str, Any]]
    lang: str


def _build(seed: int, lang: str) -> dict[str, list[_Sheet]]:
    """The whole sample, file name → sheets; pure and deterministic."""
    rng = random.Random(seed)
    clients = _make_clients(rng)
    lines = _make_sales(rng, clients)
    _design_accounts(rng, clients, lines)
    contacts = _make_contacts(rng, clients, lang)  # also records each client's supporters
    accounts = [
        _Sheet("clients", _all("clients"), _client_rows(rng, clients, lang), lang),
        _Sheet("contacts", _all("contacts"), contacts, lang),
        _Sheet("opportunities", _all("opportunities"), _make_opportunities(rng, clients, lang),
               lang),
        _Sheet("feedback", _all("feedback"), _make_feedback(rng, clients, lines, lang), lang),
        _Sheet("actions", _all("actions"), _make_actions(rng, clients, lang), lang),
        _Sheet("activities", _all("activities"), _make_activities(rng, clients, lang), lang),
    ]
    regions = [{"region": r.name, "supervisor": r.supervisor,
                "leadership_emails": "; ".join(r.emails)} for r in _REGIONS]
    plan = [
        _Sheet("targets", ("month", "region", "sales_target", "new_clients_target"),
               _make_targets(rng, lines), lang),
        _Sheet("regions", _all("regions"), regions, lang),
    ]
    by_region = {r.code: _sales_rows([ln for ln in lines if ln.client.region is r], lang)
                 for r in _REGIONS}
    _flaws(by_region)
    sales_columns = ("date", "order_id", "client_id", "client_name", "product", "quantity",
                     "unit_price", "amount", "cost", "account_manager")
    books = {"accounts.xlsx": accounts, "plan.xlsx": plan}
    for region in _REGIONS:
        ledger_lang = _other(lang) if region.foreign_ledger else lang
        books[f"sales-{region.code}.xlsx"] = [
            _Sheet("sales", sales_columns, by_region[region.code], ledger_lang)]
    return books


def _all(kind: str) -> tuple[str, ...]:
    return tuple(c.name for c in SHEETS[kind].columns)


def _other(lang: str) -> str:
    return "en" if lang == "zh" else "zh"


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


def _cell_value(column: Column, value: Any) -> Any:
    """Money is held in integer cents and written in yuan with two decimals."""
    if column.type == "money" and isinstance(value, int):
        return _yuan(value)
    return value


def _styles(columns: Sequence[Column]) -> list[str]:
    """Number formats per column (dates are formatted by their type wherever they are)."""
    styles = {"money": "money", "percent": "percent"}
    return ["money" if c.name == "unit_price" else styles.get(c.type, "") for c in columns]


def write_sample(inputs_dir: Path, *, seed: int = 2026, lang: str = "en") -> list[Path]:
    """Write the demo dataset into ``inputs_dir``; return the files written.

    An existing file is never overwritten: it is skipped and left out of the result. The same
    seed and language always give the same bytes.
    """
    _check_lang(lang)
    inputs_dir.mkdir(parents=True, exist_ok=True)
    if all((inputs_dir / name).exists() for name in SAMPLE_FILES):
        return []  # nothing to add: skip building the dataset
    written = []
    for file_name, sheets in _build(seed, lang).items():
        path = inputs_dir / file_name
        if path.exists():
            continue
        tables = []
        for sheet in sheets:
            kind = SHEETS[sheet.kind]
            columns = [kind.column(c) for c in sheet.columns]
            rows = [[_cell_value(col, row.get(col.name)) for col in columns] for row in sheet.rows]
            tables.append(_Table(_sheet_name(sheet.kind, sheet.lang),
                                 [_header(c, sheet.lang) for c in columns], rows, _styles(columns)))
        if _write_new(path, _xlsx(tables)):
            written.append(path)
    return written


def _check_lang(lang: str) -> None:
    if lang not in _LANGS:
        raise ValueError(f"language must be one of {', '.join(_LANGS)}, not {lang!r}")


def _write_new(path: Path, data: bytes) -> bool:
    """Create ``path`` with ``data``; False (and nothing written) when it already exists."""
    try:
        with path.open("xb") as handle:
            handle.write(data)
    except FileExistsError:
        return False
    return True


# ---------------------------------------------------------------------------------------------
# A minimal, deterministic XLSX writer
# ---------------------------------------------------------------------------------------------


class _Table(NamedTuple):
    name: str
    headers: list[str]
    rows: list[list[Any]]
    styles: list[str]  # per column: "", "date", "money" or "percent"


_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# cellXfs indices in _STYLES_XML.
_STYLE_ID = {"bold": 1, "date": 2, "money": 3, "percent": 4}
_STYLES_XML = (
    f'{_XML}<styleSheet xmlns="{_NS}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="#,##0.00"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="9" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
    "</cellStyles></styleSheet>"
)
_EPOCH = date(1899, 12, 30)  # Excel's 1900 date system, with its phantom 1900-02-29
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _column_letter(n: int) -> str:
    letters = ""
    n += 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _cell_xml(ref: str, value: Any, style: str, texts: dict[str, str]) -> str:
    """One ``<c>`` element; ``style`` is the style attribute for numbers (or all, in headers)."""
    kind = type(value)
    if kind is str:
        tail = texts.get(value)
        if tail is None:  # names and products repeat: escape each once
            text = escape(_ILLEGAL_XML.sub("", value))
            space = ' xml:space="preserve"' if text != text.strip() else ""
            tail = texts[value] = f' t="inlineStr"><is><t{space}>{text}</t></is></c>'
        return f'<c r="{ref}"{style if style == _BOLD else ""}{tail}'
    if kind is int or kind is float:
        return f'<c r="{ref}"{style}><v>{value!r}</v></c>'
    if kind is date:
        return f'<c r="{ref}"{_DATE}><v>{(value - _EPOCH).days}</v></c>'
    if value is None:
        return ""
    raise TypeError(f"cannot write {kind.__name__} to a sheet")


_BOLD, _DATE = f' s="{_STYLE_ID["bold"]}"', f' s="{_STYLE_ID["date"]}"'


def _sheet_xml(table: _Table) -> str:
    letters = [_column_letter(n) for n in range(len(table.headers))]
    styles = [f' s="{_STYLE_ID[s]}"' if s in ("money", "percent") else "" for s in table.styles]
    widths = [max(10, min(40, 2 + max([_display_width(h)] + [
        _display_width(r[n]) for r in table.rows[:200]]))) for n, h in enumerate(table.headers)]
    texts: dict[str, str] = {}
    parts = [
        f'{_XML}<worksheet xmlns="{_NS}" xmlns:r="{_REL}">',
        f'<dimension ref="A1:{letters[-1]}{len(table.rows) + 1}"/>',
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
        'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" '
        'sqref="A2"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/><cols>',
        *(f'<col min="{n + 1}" max="{n + 1}" width="{w}" customWidth="1"/>'
          for n, w in enumerate(widths)),
        '</cols><sheetData><row r="1">',
        *(_cell_xml(f"{letters[n]}1", h, _BOLD, texts) for n, h in enumerate(table.headers)),
        "</row>",
    ]
    for r, row in enumerate(table.rows, 2):
        parts.append(f'<row r="{r}">')
        parts.extend(_cell_xml(f"{letter}{r}", value, style, texts)
                     for letter, value, style in zip(letters, row, styles, strict=True))
        parts.append("</row>")
    parts.append("</sheetData></worksheet>")
    return "".join(parts)


def _display_width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, date):
        return 10
    text = str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _xlsx(tables: Sequence[_Table]) -> bytes:
    """An .xlsx package holding ``tables``, byte-identical for identical input."""
    n = len(tables)
    sheets = "".join(
        f'<sheet name="{escape(t.name, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
        for i, t in enumerate(tables, 1))
    sheet_rels = "".join(
        f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, n + 1))
    stamp = _STAMP.strftime("%Y-%m-%dT%H:%M:%SZ")
    parts = {
        "[Content_Types].xml": (
            f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                      'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                      for i in range(1, n + 1))
            + '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.styles+xml"/><Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.extended-properties+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'{_XML}<Relationships xmlns="{_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
            f'<Relationship Id="rId2" Type="{_PKG_REL}/metadata/core-properties" '
            'Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>'
            "</Relationships>"
        ),
        "docProps/core.xml": (
            f'{_XML}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
            'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>reportgen sample'
            f'</dc:creator><dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
            "</cp:coreProperties>"
        ),
        "docProps/app.xml": (
            f'{_XML}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
            'extended-properties"><Application>reportgen</Application></Properties>'
        ),
        "xl/workbook.xml": (
            f'{_XML}<workbook xmlns="{_NS}" xmlns:r="{_REL}"><bookViews><workbookView/>'
            f"</bookViews><sheets>{sheets}</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'{_XML}<Relationships xmlns="{_PKG_REL}">{sheet_rels}'
            f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
            "</Relationships>"
        ),
        "xl/styles.xml": _STYLES_XML,
        **{f"xl/worksheets/sheet{i}.xml": _sheet_xml(t) for i, t in enumerate(tables, 1)},
    }
    return _zip((name, text.encode("utf-8")) for name, text in parts.items())


def _zip(entries: Iterable[tuple[str, bytes]]) -> bytes:
    """A zip archive whose entries all carry the fixed stamp, so equal input gives equal bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=_STAMP.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compresslevel=6)
    return buffer.getvalue()



# ---------------------------------------------------------------------------------------------
# reportgen init: an example workbook whose headers explain themselves, and a commented config
# ---------------------------------------------------------------------------------------------

# What each column means, by "kind.column" or, when shared by several sheets, "column".
_COLUMN_HELP: dict[str, tuple[str, str]] = {
    "client_id": ("The client's code, the same in every sheet.", "客户编号，各表中保持一致。"),
    "clients.name": ("The client's name.", "客户名称。"),
    "region": ("The sales region.", "销售区域。"),
    "account_manager": ("The account manager responsible.", "负责的客户经理。"),
    "industry": ("The client's industry.", "客户所属行业。"),
    "size": ("The client's size.", "客户规模。"),
    "clients.relationship": ("Transactional (buys on price) or partnership (works with us).",
                             "交易型（按价格采购）或伙伴型（与我们长期合作）。"),
    "potential_value": (
        "The client's estimated yearly purchases of our kind of product, from all suppliers. "
        "Without it a client cannot become a Major account.",
        "客户每年采购此类产品的估计总额（含所有供应商）。不填则无法成为重要客户。"),
    "credit_limit": ("Credit limit granted to the client.", "给予客户的信用额度。"),
    "credit_rating": ("Credit rating, as you grade it.", "信用等级，按贵司的评级填写。"),
    "receivables": ("What the client owes now.", "客户当前的应收账款。"),
    "tier_override": ("Fill in only to set the tier by hand; it wins over the rules.",
                      "仅在需要人工指定分级时填写，优先于规则。"),
    "competitors": ("Competitors active at this client.", "在该客户处活跃的竞争对手。"),
    "created": ("The day the client was set up.", "建档日期。"),
    "sales.date": ("Date of the sale.", "销售日期。"),
    "amount": ("Line amount; negative for a return.", "行金额；退货填负数。"),
    "order_id": ("Order number; several lines may share one.", "订单号；一张订单可有多行。"),
    "product": ("Product sold.", "产品名称。"),
    "quantity": ("Quantity; negative for a return.", "数量；退货填负数。"),
    "unit_price": ("Price per unit.", "单价。"),
    "cost": ("Cost of the goods on this line, for gross profit.", "该行货物成本，用于计算毛利。"),
    "profit": ("Gross profit of this line (instead of cost).", "该行毛利（可代替成本）。"),
    "client_name": ("The client's name as the ledger shows it.", "台账上的客户名称。"),
    "sales.region": ("The line's region, when it differs from the client's.",
                     "该行所属区域（与客户所属区域不同时填写）。"),
    "sales.account_manager": ("The line's account manager, when it differs from the client's.",
                              "该行的客户经理（与客户的客户经理不同时填写）。"),
    "opp_id": ("Opportunity number; no two alike.", "商机编号，不可重复。"),
    "opportunities.title": ("What the opportunity is.", "商机名称。"),
    "value": ("Expected value of the deal.", "预计成交金额。"),
    "stage": ("Sales stage.", "销售阶段。"),
    "expected_close": ("Expected closing date.", "预计成交日期。"),
    "probability": ("Chance of winning; blank uses the stage's default.",
                    "赢单概率；不填则按阶段的默认值。"),
    "margin_pct": ("Expected gross margin.", "预计毛利率。"),
    "competitor": ("Main competitor for this deal.", "该商机的主要竞争对手。"),
    "need_clear": ("Is the client's need clear?", "客户需求是否明确？"),
    "budget_confirmed": ("Is the budget confirmed?", "预算是否已确认？"),
    "timing_known": ("Is the purchase date known?", "采购时间是否明确？"),
    "offer_fit": ("Does our offer fit the need?", "我们的产品或方案是否匹配需求？"),
    "capability": ("Can we deliver it?", "我们是否有能力交付？"),
    "opportunities.relationship": ("Is our relationship with the client good?",
                                   "与客户的关系是否良好？"),
    "differentiation": ("Do we stand out from the competitors?",
                        "与竞争对手相比是否有差异化优势？"),
    "price_position": ("Is our price competitive?", "价格是否有竞争力？"),
    "has_supporter": ("Do we have a supporter in the buying team? Left blank, it is worked out "
                      "from the Contacts sheet.",
                      "采购团队中是否有支持者？不填则根据联系人表判断。"),
    "margin": ("Is the margin good enough? Left blank, it is worked out from margin_pct.",
               "利润是否足够？不填则根据毛利率判断。"),
    "capital_risk": ("Is the payment risk low? Left blank, it is worked out from the client's "
                     "credit limit and receivables.",
                     "回款风险是否低？不填则根据信用额度和应收账款判断。"),
    "strategic_fit": ("Does it fit our strategy?", "是否符合我们的战略？"),
    "no_conflict": ("Is it free of conflict with other business?", "是否与其他业务无冲突？"),
    "contacts.name": ("The contact's name.", "联系人姓名。"),
    "contacts.title": ("Job title.", "职务。"),
    "level": ("Level in the client's organisation (senior, middle, junior).",
              "在客户组织中的级别（高层、中层、基层）。"),
    "buying_role": ("Role in the purchase.", "在采购中的角色。"),
    "attitude": ("Attitude towards us.", "对我们的态度。"),
    "last_contact": ("Date of the last contact.", "最近一次联系日期。"),
    "feedback.date": ("Date of the feedback.", "反馈日期。"),
    "feedback.type": ("Kind of feedback.", "反馈类型。"),
    "category": ("What a complaint is about; each category goes to a department.",
                 "投诉类别，每类对应一个负责部门。"),
    "score": ("Satisfaction score, 1 to 5 (surveys).", "满意度评分，1 到 5 分（调查）。"),
    "resolved": ("Whether a complaint is resolved.", "投诉是否已解决。"),
    "note": ("Free text.", "备注。"),
    "month": ("The month the target is for.", "目标所属月份。"),
    "targets.region": ("Region the target is for (or fill in account_manager).",
                       "目标所属区域（或填写客户经理）。"),
    "targets.account_manager": ("Account manager the target is for (or fill in region).",
                                "目标所属客户经理（或填写区域）。"),
    "sales_target": ("Sales target for the month.", "当月销售目标。"),
    "new_clients_target": ("New clients targeted for the month.", "当月新客户数量目标。"),
    "action": ("What is to be done.", "行动内容。"),
    "owner": ("Who does it.", "负责人。"),
    "due": ("Due date.", "截止日期。"),
    "status": ("Where it stands (open, in progress, done).", "进展（未开始、进行中、已完成）。"),
    "regions.region": ("Region name, as written in the other sheets.", "区域名称，与其他表一致。"),
    "supervisor": ("The region's sales supervisor.", "区域销售主管。"),
    "leadership_emails": ("Who receives the region's review pack.",
                          "接收该区域经营分析报告的领导邮箱。"),
    "activities.date": ("Date of the visit or call.", "拜访或电话日期。"),
    "activities.type": ("Kind of activity.", "活动类型。"),
    "activities.account_manager": ("Who made the visit or call.", "执行人。"),
    "hours": ("Time spent, in hours.", "所用时间（小时）。"),
}
_TYPE_HELP: dict[str, tuple[str, str]] = {
    "id": ("Text code, read as written (00123 stays 00123).",
           "文本编号，按原样读取（00123 不会变成 123）。"),
    "text": ("Text.", "文本。"),
    "enum": ("One of: {values}.", "可选值：{values}。"),
    "date": ("A date: an Excel date, or text such as 2026-10-03.",
             "日期：Excel 日期，或 2026-10-03 这样的文本。"),
    "money": ("An amount; ¥ signs and thousands separators are fine.",
              "金额；可带 ¥ 符号和千位分隔符。"),
    "number": ("A number.", "数字。"),
    "int": ("A whole number.", "整数。"),
    "percent": ("A percentage: 0.25, 25% or 25.", "百分比：0.25、25% 或 25。"),
    "score": ("A score from 1 to 5, or yes / maybe / no.", "1 到 5 分，或 是 / 待定 / 否。"),
    "bool": ("yes or no.", "是 或 否。"),
    "month": ("A month, written YYYY-MM (2026-10).", "月份，格式为 YYYY-MM（如 2026-10）。"),
    "emails": ("E-mail addresses separated by , or ;", "邮箱地址，用 , 或 ; 分隔。"),
}


def _example_rows(lang: str) -> dict[str, list[dict[str, Any]]]:
    """Two or three example rows per sheet, consistent across sheets."""

    def t(en: str, zh: str) -> str:
        return _t(lang, en, zh)

    def sp(value_set: str, code: str) -> str:
        return _spell(value_set, code, lang)

    east, south, west = t("East", "华东"), t("South", "华南"), t("West", "西部")
    wang, wong, yang = "王磊", "Emily Wong", "杨帆"
    c1, c2 = t("Shanghai Hengtong Electromechanical Co., Ltd.", "上海恒通机电有限公司"), \
        "Northwind Trading Ltd"
    servo, relay = t("Servo motor SM-200", "伺服电机 SM-200"), t("Relay module", "继电器模块")
    yes, maybe, no = sp("answer", "5"), sp("answer", "3"), sp("answer", "1")
    return {
        "clients": [
            {"client_id": "C001", "name": c1, "region": east, "account_manager": wang,
             "industry": t("Automotive parts", "汽车零部件"), "size": sp("size", "large"),
             "relationship": sp("relationship", "partnership"), "potential_value": 1_200_000_000,
             "credit_limit": 200_000_000, "credit_rating": "AA", "receivables": 85_000_000,
             "competitors": "Vertex Automation", "created": date(2019, 3, 15)},
            {"client_id": "C002", "name": c2, "region": south, "account_manager": wong,
             "industry": t("Electronics", "电子制造"), "size": sp("size", "medium"),
             "relationship": sp("relationship", "transactional"), "potential_value": 300_000_000,
             "credit_limit": 50_000_000, "credit_rating": "A", "receivables": 62_000_000,
             "tier_override": sp("tier", "named"), "competitors": "锐控科技",
             "created": date(2021, 7, 1)},
            {"client_id": "C003", "name": "成都瑞丰食品有限公司", "region": west,
             "account_manager": yang, "industry": t("Food & beverage", "食品饮料"),
             "size": sp("size", "small"), "relationship": sp("relationship", "transactional"),
             "created": date(2026, 9, 20)},
        ],
        "sales": [
            {"date": date(2026, 10, 3), "client_id": "C001", "amount": 2_800_000,
             "order_id": "SO26100001", "product": servo, "quantity": 10, "unit_price": 2800.0,
             "cost": 1_904_000, "client_name": c1, "region": east, "account_manager": wang},
            {"date": date(2026, 10, 3), "client_id": "C001", "amount": 1_900_000,
             "order_id": "SO26100001", "product": relay, "quantity": 200, "unit_price": 95.0,
             "cost": 1_140_000, "client_name": c1, "region": east, "account_manager": wang},
            {"date": date(2026, 10, 12), "client_id": "C002", "amount": -560_000,
             "order_id": "SO26090417", "product": servo, "quantity": -2, "unit_price": 2800.0,
             "cost": -380_800, "client_name": c2, "region": south, "account_manager": wong},
        ],
        "opportunities": [
            {"opp_id": "OP-001", "client_id": "C001",
             "title": t("Line 2 automation retrofit", "二号产线自动化改造"),
             "value": 150_000_000, "stage": sp("stage", "proposal"),
             "expected_close": date(2026, 12, 15), "probability": 0.5, "margin_pct": 0.28,
             "competitor": "Vertex Automation", "need_clear": yes, "budget_confirmed": 4,
             "timing_known": maybe, "offer_fit": 5, "capability": 4, "relationship": 4,
             "differentiation": 3, "price_position": 3, "strategic_fit": yes,
             "no_conflict": yes},
            {"opp_id": "OP-002", "client_id": "C002",
             "title": t("Annual spare-parts framework agreement", "年度备件框架协议"),
             "value": 30_000_000, "stage": sp("stage", "lead"),
             "expected_close": date(2027, 3, 31), "need_clear": maybe, "budget_confirmed": no},
        ],
        "contacts": [
            {"client_id": "C001", "name": "张建华", "title": t("General Manager", "总经理"),
             "level": t("Senior", "高层"), "buying_role": sp("buying_role", "decision_maker"),
             "attitude": sp("attitude", "supporter"), "last_contact": date(2026, 10, 8)},
            {"client_id": "C001", "name": "李海燕", "title": t("Purchasing Manager", "采购经理"),
             "level": t("Middle", "中层"), "buying_role": sp("buying_role", "business"),
             "attitude": sp("attitude", "neutral"), "last_contact": date(2026, 9, 22)},
            {"client_id": "C002", "name": "Peter Wong",
             "title": t("Engineering Manager", "工程部经理"), "level": t("Middle", "中层"),
             "buying_role": sp("buying_role", "technical"),
             "attitude": sp("attitude", "opponent"), "last_contact": date(2026, 8, 30)},
        ],
        "feedback": [
            {"date": date(2026, 10, 9), "client_id": "C002",
             "type": sp("feedback_type", "complaint"),
             "category": sp("category", "delivery"), "resolved": sp("bool", "false"),
             "note": t("Truck arrived after the agreed window", "送货超出约定时间")},
            {"date": date(2026, 10, 15), "client_id": "C001", "type": sp("feedback_type", "praise"),
             "category": sp("category", "visit_service"),
             "note": t("Engineer solved the commissioning problem on site",
                       "工程师现场解决调试问题")},
            {"date": date(2026, 9, 30), "client_id": "C001", "type": sp("feedback_type", "survey"),
             "score": 4, "note": t("Quarterly satisfaction survey", "季度满意度调查")},
        ],
        "targets": [
            {"month": "2026-10", "region": east, "sales_target": 500_000_000,
             "new_clients_target": 2},
            {"month": "2026-10", "account_manager": wang, "sales_target": 180_000_000,
             "new_clients_target": 1},
        ],
        "actions": [
            {"client_id": "C001", "action": t("Confirm the phase-2 budget with purchasing",
                                              "与采购确认二期预算"),
             "owner": wang, "due": date(2026, 11, 15), "status": t("Open", "未开始")},
            {"client_id": "C002", "action": t("Close the open delivery complaint",
                                              "关闭未解决的配送投诉"),
             "owner": wong, "due": date(2026, 10, 31), "status": t("In progress", "进行中")},
        ],
        "regions": [
            {"region": east, "supervisor": "赵明",
             "leadership_emails": "east.director@example.com; vp.sales@example.com"},
            {"region": south, "supervisor": "林晓峰",
             "leadership_emails": "south.director@example.com"},
        ],
        "activities": [
            {"date": date(2026, 10, 8), "client_id": "C001", "type": sp("activity_type", "visit"),
             "account_manager": wang, "hours": 3},
            {"date": date(2026, 10, 10), "client_id": "C002", "type": sp("activity_type", "call"),
             "account_manager": wong, "hours": 0.5},
            {"date": date(2026, 10, 20), "client_id": "C001",
             "type": sp("activity_type", "meeting"), "account_manager": wang, "hours": 1.5},
        ],
    }


def _column_help(kind: str, column: str) -> tuple[str, str]:
    return _COLUMN_HELP.get(f"{kind}.{column}") or _COLUMN_HELP[column]


def _accepted(column: Column, lang: str) -> str:
    """The values an enum column accepts, as a person would write them."""
    codes = tuple(VALUE_SPELLINGS[column.values])
    spelled = [_spell(column.values, code, lang) for code in codes]
    if lang == "zh":
        return "、".join(spelled) + "（或 " + "、".join(codes) + "）"
    return ", ".join(spelled)


def _example_text(column: Column, value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if column.type == "money":
        return f"{_yuan(value):,.2f}"
    if column.type == "percent":
        return f"{value:.0%}"
    return str(value)


def _column_note(kind: str, column: Column, example: Any, lang: str) -> str:
    """The note on a header cell of the init workbook: meaning, required, type, example."""
    meaning = _t(lang, *_column_help(kind, column.name))
    need = _t(lang, "Required.", "必填。") if column.required else _t(lang, "Optional.", "选填。")
    kind_text = _t(lang, *_TYPE_HELP[column.type])
    if column.type == "enum":
        kind_text = kind_text.format(values=_accepted(column, lang))
    lines = [meaning, need, kind_text]
    if example is not None:
        lines.append(_t(lang, "Example: ", "示例：") + _example_text(column, example))
    return "\n".join(lines)


def write_init_workbook(path: Path, *, lang: str = "en") -> None:
    """Write an example workbook whose header cells carry a note explaining each column.

    One sheet per kind reportgen reads, named and headed in English or (``lang="zh"``)
    Chinese, with two or three example rows. Raises ``FileExistsError`` if ``path`` exists.
    """
    _check_lang(lang)
    if not _write_new(path, _init_workbook_bytes(lang)):
        raise FileExistsError(f"{path} already exists; reportgen init never overwrites a file")


def _init_workbook_bytes(lang: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    examples = _example_rows(lang)
    bold = Font(bold=True)
    for kind, sheet_kind in SHEETS.items():
        sheet = book.create_sheet(_sheet_name(kind, lang))
        rows = examples[kind]
        for n, column in enumerate(sheet_kind.columns, 1):
            cell = sheet.cell(row=1, column=n, value=_header(column, lang, canonical=True))
            cell.font = bold
            note = _column_note(kind, column, rows[0].get(column.name), lang)
            cell.comment = Comment(note, "reportgen", height=40 + 20 * note.count("\n") + 20 * (
                len(note) // 45), width=300)
            for r, row in enumerate(rows, 2):
                value = _cell_value(column, row.get(column.name))
                target = sheet.cell(row=r, column=n, value=value)
                if column.type == "money":
                    target.number_format = "#,##0.00"
                elif column.type == "percent":
                    target.number_format = "0%"
                elif isinstance(value, date):
                    target.number_format = "yyyy-mm-dd"
            width = max(_display_width(sheet.cell(row=1, column=n).value), 10) + 4
            sheet.column_dimensions[get_column_letter(n)].width = min(width, 40)
        sheet.freeze_panes = "A2"
    return _openpyxl_bytes(book)


def _openpyxl_bytes(book: Any) -> bytes:
    """Save an openpyxl workbook with the fixed stamp in its properties and zip entries."""
    from openpyxl.writer.excel import ExcelWriter

    book.properties.creator = "reportgen"
    book.properties.created = book.properties.modified = _STAMP
    buffer = io.BytesIO()
    # ExcelWriter, not Workbook.save: save() stamps "modified" with the clock.
    ExcelWriter(book, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    with zipfile.ZipFile(buffer) as saved:
        return _zip((info.filename, saved.read(info)) for info in saved.infolist())


# One line of explanation per setting of reportgen/config.py, by "section.key".
_SETTING_HELP: dict[str, tuple[str, str]] = {
    "format.date_order": (
        "How to read text dates such as 3/4/2026 when a column cannot tell: month-first or "
        "day-first.",
        "文本日期（如 3/4/2026）无法判断时的读法：month-first（月在前）或 day-first（日在前）。"),
    "format.decimal_comma": ("Read amounts written 1.234,50 (comma as the decimal sign).",
                             "按 1.234,50 的写法读取金额（逗号为小数点）。"),
    "format.currency": ("Currency of the amounts, as shown in the documents.",
                        "金额的币种，用于报告显示。"),
    "tiers.class_a": ("Class A: the biggest clients, until their cumulative share of current value "
                      "reaches this.",
                      "A 类：按当前价值从大到小累计，累计占比达到该值之前的客户。"),
    "tiers.class_b": ("Class B: the next clients, until the cumulative share reaches this.",
                      "B 类：累计占比达到该值之前的其余客户。"),
    "tiers.capacity_major": ("How many Major accounts one account manager can cover.",
                             "每位客户经理可负责的重要客户数。"),
    "tiers.capacity_named": ("How many Named accounts one account manager can cover.",
                             "每位客户经理可负责的次重要客户数。"),
    "tiers.capacity_non_named": ("How many Non-named accounts one account manager can cover.",
                                 "每位客户经理可负责的一般重要客户数。"),
    "tiers.share_of_wallet_uplift": (
        "Major and Named plans aim at the current share of wallet plus this (0.05 = 5 points).",
        "重要客户和次重要客户计划的目标：在当前钱包份额上提高该值（0.05 即 5 个百分点）。"),
    "tiers.sales_growth_target": ("Other clients' plans aim at this sales growth.",
                                  "其他客户计划的销售增长目标。"),
    "lifecycle.new_months": ("A client is new for this many months, counting the month of its "
                             "first purchase.", "自首次购买当月起，在该月数内算新客户。"),
    "lifecycle.at_risk_ratio": (
        "At risk when the last three months' sales fall to this share of the same months a year "
        "earlier.", "近三个月销售额降至去年同期的该比例及以下时为危机客户。"),
    "lifecycle.gap_multiple": (
        "At risk when the days since the last purchase exceed this many times the usual gap.",
        "距上次购买的天数超过通常间隔的该倍数时为危机客户。"),
    "screen.pass_mean": ("A gate passes when its answers average at least this and none is a 1.",
                         "一道关卡的平均分不低于该值且没有 1 分时通过。"),
    "screen.stage_probability": ("Win probability assumed for each stage when none is given.",
                                 "未填写赢率时各阶段的默认赢率。"),
    "rag.green": ("Green at this share of the comparison figure or better.",
                  "达到对比值的该比例及以上为绿色。"),
    "rag.amber": ("Amber from this share; red below it.", "达到该比例为黄色，低于则为红色。"),
    "limits.max_file_mb": ("Largest input file read, in MB.", "可读取的最大输入文件（MB）。"),
    "limits.max_uncompressed_mb": ("Largest workbook once unpacked, in MB.",
                                   "工作簿解压后的最大大小（MB）。"),
    "limits.max_compression_ratio": (
        "Refuse a workbook that unpacks to more than this many times its size.",
        "解压后超过原文件该倍数的工作簿将被拒绝。"),
    "limits.max_rows": ("Most rows read from one sheet.", "单个工作表最多读取的行数。"),
    "limits.max_columns": ("Most columns read from one sheet.", "单个工作表最多读取的列数。"),
    "limits.max_sheets": ("Most sheets read from one workbook.", "单个工作簿最多读取的工作表数。"),
    "limits.max_cells": (
        "Most cells one sheet may span, blank cells between far-apart cells included.",
        "单个工作表最多可跨越的单元格数（包括相距很远的单元格之间的空白单元格）。"),
    "limits.max_workbook_cells": ("The same for all the sheets of one workbook together.",
                                  "单个工作簿所有工作表合计的上述单元格数。"),
    "limits.render_seconds": ("Longest time one document may take to render, in seconds.",
                              "单个文档渲染的最长时间（秒）。"),
    "email.host": ("SMTP server, for example smtp.example.com.",
                   "SMTP 服务器，例如 smtp.example.com。"),
    "email.port": ("SMTP port.", "SMTP 端口。"),
    "email.security": ("starttls, ssl, or none (a local relay).",
                       "starttls、ssl，或 none（本地中继）。"),
    "email.user": ("SMTP user name, if the server asks for one.",
                   "SMTP 用户名（服务器需要时填写）。"),
    "email.password_env": (
        "The environment variable that holds the SMTP password; never write the password here.",
        "保存 SMTP 密码的环境变量名；切勿把密码写在这里。"),
    "email.sender": ("The From address.", "发件人地址。"),
    "email.leadership": ("Who receives the all-regions pack.", "接收全区域汇总报告的领导邮箱。"),
    "email.regions": ("Per region, who receives its pack (instead of the Regions sheet's list).",
                      "按区域指定报告收件人（代替区域表中的领导邮箱）。"),
    "email.verify_tls": ("Check the mail server's certificate; leave this on.",
                         "校验邮件服务器证书；请保持开启。"),
    "email.attach_html": ("Attach the HTML pack as well as the PDF.",
                          "除 PDF 外同时附上 HTML 报告。"),
}
_SECTION_HELP: dict[str, tuple[str, str]] = {
    "format": ("How values in the spreadsheets are written and how money is shown.",
               "表格中数值的写法，以及金额的显示方式。"),
    "tiers": ("Value tiers: ABC classes, coverage per account manager, plan goals.",
              "价值分级：ABC 分类、每位客户经理的覆盖能力、计划目标。"),
    "lifecycle": ("Lifecycle stages: new and at-risk clients.", "客户生命周期：新客户与危机客户。"),
    "screen": ("The opportunity screen.", "商机筛选。"),
    "rag": ("Red/amber/green marks, as a share of the comparison figure.",
            "红/黄/绿标记，按占对比值的比例。"),
    "limits": ("Limits that protect a run from broken or hostile files.",
               "防止损坏或恶意文件的限制。"),
    "email": ("E-mail for reportgen send.", "reportgen send 的邮件设置。"),
}


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"no TOML form for {type(value).__name__}")


def init_config_text(lang: str = "en") -> str:
    """The text of the commented reportgen.toml that ``reportgen init`` writes."""
    _check_lang(lang)
    region = _t(lang, "East", "华东")
    lines = [
        _t(lang, "# reportgen settings. Every setting is shown with its default value, commented "
                 "out:", "# reportgen 设置。每项设置都以默认值列出并已注释："),
        _t(lang, "# to change one, remove the \"# \" in front of it and edit the value. For the "
                 "examples", "# 如需修改，删除该行前的 \"# \" 再修改数值。示例部分（[columns.…]、"),
        _t(lang, "# under [columns.…] and [values.…], also remove it in front of the [section] "
                 "line.", "# [values.…]）还需删除 [节名] 那一行前的 \"# \"。"),
        "",
        _t(lang, "# Which sheet holds which kind of table, when its name is not one reportgen "
                 "knows.", "# 工作表名称不是 reportgen 认识的名称时，指定哪个工作表是哪类表格。"),
        "[sheets]",
        _t(lang, '# sales = "Orders"                 # the sheet that holds sales lines',
           '# sales = "Orders"                 # 存放销售明细的工作表'),
        '# regions = "People"',
        "",
        _t(lang, "# Which column holds which field, when its header is not one reportgen knows.",
           "# 列名不是 reportgen 认识的名称时，指定哪一列对应哪个字段。"),
        "# [columns.sales]",
        '# date = "Order Date"',
        '# client_id = "Customer ID"',
        _t(lang, '# client_name = "Customer Name"    # a sales ledger may carry the client\'s name '
                 'and region', '# client_name = "Customer Name"    # 销售台账可带客户名称和区域'),
        '# region = "Region"',
        '# amount = "Sales"',
        '# order_id = "Order ID"',
        '# profit = "Profit"',
        "",
        "# [columns.regions]",
        '# supervisor = "Person"',
        "",
        _t(lang, "# Extra spellings for a column's values.", "# 为某列的取值增加其他写法。"),
        "# [values.attitude]",
        '# supporter = ["coach", "champion"]',
    ]
    defaults = Config()
    for name in Config.model_fields:
        if name not in _SECTION_HELP:
            continue
        section = getattr(defaults, name)
        lines += ["", f"# {_t(lang, *_SECTION_HELP[name])}", f"[{name}]"]
        nested = []
        for key in type(section).model_fields:
            value = getattr(section, key)
            if isinstance(value, dict) and not value:
                nested.append(key)  # an empty table reads better as a [section.key] example
                continue
            lines += [f"# {_t(lang, *_SETTING_HELP[f'{name}.{key}'])}",
                      f"# {key} = {_toml_value(value)}"]
        for key in nested:
            example = f'# "{region}" = ["east-director@example.com"]'
            lines += ["", f"# {_t(lang, *_SETTING_HELP[f'{name}.{key}'])}", f"[{name}.{key}]",
                      example]
    return "\n".join(lines) + "\n"


def write_init_config(path: Path, *, lang: str = "en") -> None:
    """Write a reportgen.toml listing every setting with its default, commented out.

    Raises ``FileExistsError`` if ``path`` exists: a user's settings are never replaced.
    """
    if not _write_new(path, init_config_text(lang).encode("utf-8")):
        raise FileExistsError(f"{path} already exists; reportgen init never overwrites a file")
