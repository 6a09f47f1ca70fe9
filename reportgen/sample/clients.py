"""The sample's clients and their sales: the fixed vocabulary, the client base, the ledger.

The clients of the demo dataset (reportgen.sample.dataset) are drawn region by region, and each
region gets the extra cases that make every rule of SPEC "The logic" fire: new, late-starting,
lost and long-lost clients, a buying gap, a big client cutting back, a tier upgrade and
downgrade, an open complaint, receivables over the credit limit. Their sales lines follow each
client's pace, the season and a price rise in 2026; then the current values, ABC classes,
potential values, credit terms, design tiers and account managers are set from those lines.

The names, industries and products here are also the vocabulary of ``benchmarks/generate.py``.
"""

from __future__ import annotations

import calendar
import math
import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

# The sample's calendar: 24 months ending with the report month.
_FIRST = 2024 * 12 + 10  # 2024-11 as a month number (year * 12 + month - 1)
_N_MONTHS = 24
_M = _N_MONTHS - 1  # index of the report month
_END = date(2026, 10, 31)

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
