"""Write seeded, realistic input workbooks for the benchmarks: a whole distributor's month end.

    .venv/bin/python benchmarks/generate.py --size small|large [--out DIR] [--csv] [--seed N]
                                            [--lang en|zh]

``small`` is 2,000 clients and 100,000 sales lines, ``large`` 20,000 clients and 1,000,000
lines (SPEC "Qualities": what a 2-core laptop must handle). Both have 10 regions with Chinese
names and about 10 account managers each, 24 months of sales ending with the report month
2026-10, about 2% of the lines returns, Pareto-distributed client values (the top fifth of the
clients buys about three quarters), clients that start late or stop buying, a potential value
for about 90% of the clients, and every other sheet reportgen reads. Client names are about 60%
Chinese and 40% English. The same seed always gives the same bytes.

Files written into ``--out`` (default ``benchmarks/data/<size>/``, which is not for git):

* ``clients.xlsx`` — Clients, Opportunities, Contacts, Feedback, Actions, Activities;
* ``plan.xlsx`` — Targets, Regions;
* ``sales.xlsx`` — one Sales sheet of 10 columns (date, client_id, amount, order_id, product,
  quantity, unit_price, cost, region, account_manager), or ``sales.csv`` with ``--csv``.

The small workbooks go through the bundled sample's XLSX writer (``reportgen.sample.writer``).
The sales sheet is too big for it (it builds the whole sheet as one string) and far too big for
openpyxl (~0.2 ms a row), so it is streamed here, into a package whose other parts, shared
strings and zip entries come from that writer: each row is one ``%``-format of its cells,
strings go to a shared-strings table as Excel itself writes them, dates are serial numbers with
a date style, and the part is deflated at level 1 (level 6 takes about 6× as long for a file
only a fifth smaller).
"""

from __future__ import annotations

import argparse
import csv
import time
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from reportgen.inputs.load import column_letter
from reportgen.inputs.schema import QUESTIONS, SHEETS
from reportgen.sample.clients import (
    _BRANDS,
    _COMPETITORS,
    _EN_FIRST,
    _EN_KINDS,
    _EN_LAST,
    _EN_PREFIXES,
    _EN_SUFFIXES,
    _FIELDS,
    _GIVEN,
    _INDUSTRIES,
    _PRODUCTS,
    _SEASON,
    _SURNAMES,
)
from reportgen.sample.dataset import (
    _ACTIONS,
    _LEVELS,
    _NOTES,
    _OPP_TITLES,
    _ROLE_TITLES,
    _STAGE_P,
    _STAGES,
    _STATUS,
)
from reportgen.sample.spelling import _SPELL, _header, _sheet_name, _styles
from reportgen.sample.writer import (
    NS,
    REL,
    STYLE_ID,
    XML,
    Table,
    package_parts,
    shared_strings_xml,
    xlsx,
    zip_entry,
)


@dataclass(frozen=True)
class Size:
    """How big a generated data set is."""

    clients: int
    lines: int


SIZES = {"small": Size(2_000, 100_000), "large": Size(20_000, 1_000_000)}
DEFAULT_SEED = 20261031
DATA_DIR = Path(__file__).resolve().parent / "data"
#: The report month: the data's last month.
REPORT_MONTH = "2026-10"
SALES_COLUMNS = ("date", "client_id", "amount", "order_id", "product", "quantity", "unit_price",
                 "cost", "region", "account_manager")

# Region name, e-mail code, share of the clients, cities (Chinese, English).
_REGIONS: tuple[tuple[str, str, float, tuple[tuple[str, str], ...]], ...] = (
    ("华东", "east", 0.17, (("上海", "Shanghai"), ("杭州", "Hangzhou"), ("宁波", "Ningbo"))),
    ("华南", "south", 0.14, (("广州", "Guangzhou"), ("深圳", "Shenzhen"), ("佛山", "Foshan"))),
    ("华北", "north", 0.13, (("北京", "Beijing"), ("天津", "Tianjin"), ("石家庄", "Shijiazhuang"))),
    ("华中", "central", 0.10, (("武汉", "Wuhan"), ("长沙", "Changsha"), ("郑州", "Zhengzhou"))),
    ("西南", "southwest", 0.09, (("成都", "Chengdu"), ("重庆", "Chongqing"), ("昆明", "Kunming"))),
    ("西北", "northwest", 0.06, (("西安", "Xi'an"), ("兰州", "Lanzhou"), ("银川", "Yinchuan"))),
    ("东北", "northeast", 0.07, (("沈阳", "Shenyang"), ("大连", "Dalian"), ("哈尔滨", "Harbin"))),
    ("华东二区", "east2", 0.10, (("苏州", "Suzhou"), ("南京", "Nanjing"), ("无锡", "Wuxi"))),
    ("华南二区", "south2", 0.07, (("东莞", "Dongguan"), ("厦门", "Xiamen"), ("福州", "Fuzhou"))),
    ("华北二区", "north2", 0.07, (("济南", "Jinan"), ("青岛", "Qingdao"), ("太原", "Taiyuan"))),
)
_MONTHS = np.arange("2024-11", "2026-11", dtype="datetime64[M]")  # 24 months, last = report
_N_MONTHS = len(_MONTHS)
_MONTH_START = _MONTHS.astype("datetime64[D]")
_MONTH_DAYS = ((_MONTHS + 1).astype("datetime64[D]") - _MONTH_START).astype(np.int64)
_END = np.datetime64("2026-10-31")
_EXCEL_EPOCH = np.datetime64("1899-12-30")  # 1900 date system, phantom 29 February included
_YUAN = 100  # cents
# How much a month's orders buy against the year's average (January first).
_SEASONAL_MONTH = np.array(_SEASON) / np.mean(_SEASON)
_PRICE = np.array([p.price for p in _PRODUCTS], dtype=np.int64)
_COST_RATIO = np.array([p.cost_ratio for p in _PRODUCTS])
_POPULARITY = np.array([3, 2, 1, 2, 6, 1, 2, 3, 4, 5, 6, 5, 2, 1, 2], dtype=float)
_POPULARITY /= _POPULARITY.sum()
_LINE_VALUE = 3_000 * _YUAN  # a typical line of the median client, in cents


def t(lang: str, pair: tuple[str, str]) -> str:
    """The English or Chinese half of an (English, Chinese) pair."""
    return pair[1] if lang == "zh" else pair[0]


def spell(value_set: str, code: str, lang: str) -> str:
    """An enum value as a person would type it in ``lang`` (the sample's spellings)."""
    return t(lang, _SPELL[value_set][code])


def pick(rng: np.random.Generator, options: Sequence[Any], n: int,
         p: Sequence[float] | None = None) -> list[Any]:
    """``n`` random choices from ``options`` (any objects), as a list."""
    weights = None if p is None else np.asarray(p, dtype=float) / np.sum(p)
    return [options[i] for i in rng.choice(len(options), size=n, p=weights)]


def cents_to_yuan(cents: np.ndarray, blank: np.ndarray | None = None) -> list[float | None]:
    """Cell values in yuan (two decimals), ``None`` where ``blank``."""
    values: list[float | None] = (cents / _YUAN).tolist()
    if blank is not None:
        for i in np.flatnonzero(blank):
            values[i] = None
    return values


def blank_where(values: list[Any], blank: np.ndarray) -> list[Any]:
    """``values`` with ``None`` where ``blank`` is true."""
    return [None if b else v for v, b in zip(values, blank.tolist(), strict=True)]


def round_up(cents: np.ndarray, step_yuan: int) -> np.ndarray:
    """Cents rounded up to a whole number of ``step_yuan`` yuan, as a planner writes them."""
    step = step_yuan * _YUAN
    return (np.ceil(np.maximum(cents, 1) / step) * step).astype(np.int64)


# ---------------------------------------------------------------------------------------------
# The organisation and its clients
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Org:
    """Regions, their managers and supervisors."""

    regions: tuple[str, ...]
    codes: tuple[str, ...]
    shares: np.ndarray
    #: All account managers; ``manager_region[i]`` is the region index of manager ``i``.
    managers: tuple[str, ...]
    manager_region: np.ndarray
    supervisors: tuple[str, ...]


def person(rng: np.random.Generator, chinese: bool) -> str:
    """A Chinese (surname + given name) or English (first + last) person's name."""
    if chinese:
        return _SURNAMES[rng.integers(len(_SURNAMES))] + _GIVEN[rng.integers(len(_GIVEN))]
    return f"{_EN_FIRST[rng.integers(len(_EN_FIRST))]} {_EN_LAST[rng.integers(len(_EN_LAST))]}"


def unique_people(rng: np.random.Generator, n: int, taken: set[str]) -> list[str]:
    """``n`` distinct people's names (80% Chinese), none in ``taken``; adds them to it."""
    names: list[str] = []
    while len(names) < n:
        name = person(rng, rng.random() < 0.8)
        if name not in taken:
            taken.add(name)
            names.append(name)
    return names


def make_org(rng: np.random.Generator) -> Org:
    """Ten regions with 9–11 account managers each and a supervisor."""
    taken: set[str] = set()
    managers: list[str] = []
    manager_region: list[int] = []
    for r in range(len(_REGIONS)):
        count = int(rng.integers(9, 12))
        managers += unique_people(rng, count, taken)
        manager_region += [r] * count
    shares = np.array([r[2] for r in _REGIONS])
    return Org(
        regions=tuple(r[0] for r in _REGIONS), codes=tuple(r[1] for r in _REGIONS),
        shares=shares / shares.sum(), managers=tuple(managers),
        manager_region=np.array(manager_region), supervisors=tuple(
            unique_people(rng, len(_REGIONS), taken)),
    )


def company_names(rng: np.random.Generator, region: np.ndarray, chinese: np.ndarray) -> list[str]:
    """Distinct company names, Chinese or English, with a city of the client's region."""
    names: list[str] = []
    taken: set[str] = set()
    suffixes = ("有限公司", "有限公司", "有限公司", "股份有限公司", "科技有限公司")
    for r, zh in zip(region.tolist(), chinese.tolist(), strict=True):
        cities = _REGIONS[r][3]
        city = cities[rng.integers(len(cities))]
        if zh:
            name = (city[0] + _BRANDS[rng.integers(len(_BRANDS))]
                    + _FIELDS[rng.integers(len(_FIELDS))] + suffixes[rng.integers(len(suffixes))])
        else:
            name = (f"{_EN_PREFIXES[rng.integers(len(_EN_PREFIXES))]} "
                    f"{_EN_KINDS[rng.integers(len(_EN_KINDS))]} "
                    f"{_EN_SUFFIXES[rng.integers(len(_EN_SUFFIXES))]}")
        # The same name again is a branch: "…苏州分公司", "… (Suzhou)", then numbered.
        candidate, k = name, 0
        while candidate in taken:
            branch = cities[k % len(cities)]
            candidate = f"{name}{branch[0]}分公司" if zh else f"{name} ({branch[1]})"
            if k >= len(cities):
                candidate += f" {k // len(cities) + 1}"
            k += 1
        taken.add(candidate)
        names.append(candidate)
    return names


def make_clients(rng: np.random.Generator, n: int, org: Org) -> pd.DataFrame:
    """The client base: region, manager, Pareto weight, first and last month of buying."""
    region = rng.choice(len(org.regions), size=n, p=org.shares)
    manager = np.empty(n, dtype=np.int64)
    for r in range(len(org.regions)):
        own = np.flatnonzero(org.manager_region == r)
        members = np.flatnonzero(region == r)
        load = rng.dirichlet(np.full(len(own), 4.0))  # some managers carry more clients
        manager[members] = rng.choice(own, size=len(members), p=load)
    # Pareto with alpha 1.16 is the 80/20 rule; the far tail is cut so no client is a monopoly.
    weight = rng.pareto(1.16, size=n) + 1.0
    weight = np.minimum(weight, np.quantile(weight, 0.999))
    status = rng.choice(4, size=n, p=(0.74, 0.04, 0.12, 0.10))  # full, potential, late, churned
    first = np.where(status == 2, rng.integers(1, _N_MONTHS, size=n), 0)
    last = np.where(status == 3, rng.integers(0, _N_MONTHS - 1, size=n), _N_MONTHS - 1)
    last = np.maximum(first, last)
    # 5% of the clients changed hands: their older lines carry the previous manager.
    switched = rng.random(n) < 0.05
    previous = manager.copy()
    for i in np.flatnonzero(switched):
        own = np.flatnonzero(org.manager_region == region[i])
        previous[i] = own[(np.flatnonzero(own == manager[i])[0] + 1) % len(own)]
    chinese = rng.random(n) < 0.6
    rank = pd.Series(weight).rank(pct=True).to_numpy()
    return pd.DataFrame({
        "client_id": [f"C{i:06d}" for i in range(1, n + 1)],
        "name": company_names(rng, region, chinese),
        "chinese": chinese,
        "region": region,
        "manager": manager,
        "previous_manager": previous,
        "switch_day": np.where(switched, _MONTH_START[rng.integers(3, _N_MONTHS, size=n)],
                               np.datetime64("NaT")).astype("datetime64[D]"),
        "weight": weight,
        "rank": rank,
        "potential": status == 1,
        "first": first,
        "last": last,
        "discount": np.clip(0.02 + 0.12 * rank + rng.normal(0, 0.02, n), 0, 0.2),
        "growth": np.clip(rng.normal(0.05, 0.15, n), -0.5, 0.6),  # a year
        "industry": rng.integers(len(_INDUSTRIES), size=n),
    })


# ---------------------------------------------------------------------------------------------
# Sales lines
# ---------------------------------------------------------------------------------------------


def order_days(rng: np.random.Generator, clients: pd.DataFrame, n_orders: int
               ) -> tuple[np.ndarray, np.ndarray]:
    """Client and day of about ``n_orders`` orders: each buyer orders at its own steady pace.

    Bigger clients order more often (and more per order: see make_sales): from about daily
    down to twice a year, a little early or late each time, between their first and last
    month of buying.
    """
    buyers = np.flatnonzero(~clients["potential"].to_numpy())
    first, last = clients["first"].to_numpy()[buyers], clients["last"].to_numpy()[buyers]
    start = _MONTH_START[first]
    span = (_MONTH_START[last] + _MONTH_DAYS[last] - start).astype(np.int64)  # days
    pace = clients["weight"].to_numpy()[buyers] ** 0.9
    per_day = np.clip(pace * n_orders / (pace * span).sum(), 1 / 183, 1.0)
    count = np.maximum(1, np.round(span * per_day)).astype(np.int64)
    interval = span / count
    client = np.repeat(np.arange(len(buyers)), count)
    nth = np.arange(len(client)) - np.repeat(np.cumsum(count) - count, count)
    offset = (rng.random(len(buyers))[client] + nth + rng.normal(0, 0.15, len(client))) * \
        interval[client]
    offset = np.clip(np.round(offset), 0, span[client] - 1).astype("timedelta64[D]")
    return buyers[client], start[client] + offset


def order_sizes(rng: np.random.Generator, n_orders: int, total: int) -> np.ndarray:
    """Lines per order (1 + Poisson) adding up to exactly ``total``, at most one per product."""
    cap = len(_PRODUCTS)
    sizes = np.minimum(1 + rng.poisson(max(total / n_orders - 1, 0), size=n_orders), cap)
    while (diff := total - int(sizes.sum())) != 0:
        room = np.flatnonzero(sizes < cap) if diff > 0 else np.flatnonzero(sizes > 1)
        if not len(room):
            raise ValueError("cannot spread the sales lines over the orders")
        chosen = rng.choice(room, size=min(abs(diff), len(room)), replace=False)
        sizes[chosen] += 1 if diff > 0 else -1
    return sizes


def order_ids(prefix: str, days: np.ndarray) -> list[str]:
    """ERP-style order numbers, ``SO2610000123``: numbered per month in date order."""
    order = np.argsort(days, kind="stable")
    months = days[order].astype("datetime64[M]")
    starts = np.r_[0, np.flatnonzero(months[1:] != months[:-1]) + 1]
    seq = np.arange(len(days)) - np.repeat(starts, np.diff(np.r_[starts, len(days)])) + 1
    yymm = [str(m)[2:4] + str(m)[5:7] for m in months.tolist()]
    ids = np.empty(len(days), dtype=object)
    ids[order] = [f"{prefix}{ym}{s:06d}" for ym, s in zip(yymm, seq.tolist(), strict=True)]
    return ids.tolist()


def distinct_products(order: np.ndarray, product: np.ndarray) -> np.ndarray:
    """``product`` with repeats inside an order moved to the next product, so no line repeats."""
    product = product.copy()
    while True:
        repeat = pd.Series(order * len(_PRODUCTS) + product).duplicated().to_numpy()
        if not repeat.any():
            return product
        product[repeat] = (product[repeat] + 1) % len(_PRODUCTS)


def make_sales(rng: np.random.Generator, clients: pd.DataFrame, n_lines: int) -> pd.DataFrame:
    """The sales ledger: orders of 1+ lines, about 2% of the lines returns, sorted by date."""
    n_returns = round(n_lines * 0.02)
    client, day = order_days(rng, clients, round((n_lines - n_returns) / 2.2))
    if len(client) >= n_lines - n_returns:
        raise ValueError("too few sales lines for this many clients")
    sizes = order_sizes(rng, len(client), n_lines - n_returns)
    ids = np.array(order_ids("SO", day), dtype=object)
    # One row per line.
    line_order = np.repeat(np.arange(len(sizes)), sizes)
    line_client = client[line_order]
    product = distinct_products(line_order, rng.choice(len(_PRODUCTS), size=len(line_order),
                                                       p=_POPULARITY))
    weight = clients["weight"].to_numpy()
    relative = weight / np.median(weight)
    line_day = day[line_order]
    season = _SEASONAL_MONTH[line_day.astype("datetime64[M]").astype(np.int64) % 12]
    years = (line_day - _MONTH_START[0]).astype(np.int64) / 365.25
    # What a line is worth: bigger clients buy more per line, each client grows (or shrinks)
    # at its own pace, and the season moves everyone.
    growth = (1 + clients["growth"].to_numpy()[line_client]) ** years
    value = _LINE_VALUE * relative[line_client] ** 0.25 * season * growth
    discount = clients["discount"].to_numpy()[line_client]
    unit = np.round(_PRICE[product] * (1 - discount) / _YUAN).astype(np.int64) * _YUAN
    qty = np.clip(np.round(value / unit * rng.lognormal(0, 0.45, len(unit))), 1, 5000).astype(
        np.int64)
    amount = qty * unit
    cost = np.round(amount * _COST_RATIO[product] * rng.uniform(0.96, 1.04, len(amount)))
    lines = pd.DataFrame({
        "day": day[line_order], "client": line_client, "order_id": ids[line_order],
        "product": product, "quantity": qty, "unit_price": unit, "amount": amount,
        "cost": cost.astype(np.int64),
    })
    lines = pd.concat([lines, make_returns(rng, lines, n_returns)], ignore_index=True)
    lines = lines.sort_values(["day", "order_id"], kind="stable", ignore_index=True)
    switch = clients["switch_day"].to_numpy()[lines["client"].to_numpy()]
    before = ~np.isnat(switch) & (lines["day"].to_numpy() < switch)
    lines["manager"] = np.where(
        before, clients["previous_manager"].to_numpy()[lines["client"].to_numpy()],
        clients["manager"].to_numpy()[lines["client"].to_numpy()])
    lines["region"] = clients["region"].to_numpy()[lines["client"].to_numpy()]
    return lines


def make_returns(rng: np.random.Generator, lines: pd.DataFrame, n: int) -> pd.DataFrame:
    """``n`` returns of part of an earlier line, 3–45 days later, never after the report month."""
    candidates = np.flatnonzero(lines["day"].to_numpy() <= _END - 3)
    source = lines.iloc[np.sort(rng.choice(candidates, size=n, replace=False))]
    day = np.minimum(source["day"].to_numpy() + rng.integers(3, 46, n).astype("timedelta64[D]"),
                     _END)
    sold = source["quantity"].to_numpy()
    qty = -np.maximum(1, np.round(sold * rng.uniform(0.1, 0.6, n))).astype(np.int64)
    unit = source["unit_price"].to_numpy()
    return pd.DataFrame({
        "day": day, "client": source["client"].to_numpy(), "order_id": order_ids("RT", day),
        "product": source["product"].to_numpy(), "quantity": qty, "unit_price": unit,
        "amount": qty * unit,
        "cost": np.round(source["cost"].to_numpy() * qty / sold).astype(np.int64),
    })


# ---------------------------------------------------------------------------------------------
# The other sheets
# ---------------------------------------------------------------------------------------------


def client_values(clients: pd.DataFrame, lines: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Net sales per client over the last 12 months and over all 24 (cents)."""
    n = len(clients)
    client = lines["client"].to_numpy()
    amount = lines["amount"].to_numpy().astype(np.float64)  # exact below 2**53 cents
    recent = lines["day"].to_numpy() >= _MONTH_START[_N_MONTHS - 12]
    t12m = np.bincount(client[recent], weights=amount[recent], minlength=n)
    total = np.bincount(client, weights=amount, minlength=n)
    return t12m.astype(np.int64), total.astype(np.int64)


def class_a_floor(t12m: np.ndarray) -> int:
    """The smallest current value of a class-A client (SPEC's ABC rule), in cents."""
    values = np.sort(t12m[t12m > 0])[::-1]
    if not len(values):
        return 0
    before = (np.cumsum(values) - values) / values.sum()
    return int(values[np.flatnonzero(before < 0.8)[-1]])


def potential_values(rng: np.random.Generator, t12m: np.ndarray, yearly: np.ndarray,
                     weight: np.ndarray, prospect: np.ndarray) -> np.ndarray:
    """Each client's whole yearly purchases of our category (cents): current value + untapped.

    Sized against the class-A floor, as a sales team would see it: about one class-A client in
    five still has a big share of its wallet to win (a Major account), the others buy mostly
    from us already; about one smaller client in twelve (and one prospect in three) is a big
    buyer we barely supply.
    """
    n = len(t12m)
    floor = max(class_a_floor(t12m), 100_000)
    current = np.maximum(t12m, 0)
    u = rng.random(n)
    class_a = t12m >= floor
    typical = np.median(yearly[yearly > 0]) if (yearly > 0).any() else floor
    small = np.where(yearly > 0, yearly, typical * weight / np.median(weight))
    untapped = np.where(
        class_a,
        np.where(u < 0.2, floor * rng.uniform(1.2, 6, n) + current * rng.uniform(0.2, 1, n),
                 floor * rng.uniform(0, 0.7, n)),
        np.where(u < np.where(prospect, 0.35, 0.08), floor * rng.uniform(1.2, 4, n),
                 np.minimum(small * rng.uniform(0.2, 3, n), floor * 0.7)))
    step = 1000 * _YUAN  # planners think in thousands of yuan
    return ((current + untapped) // step * step).astype(np.int64)


def clients_sheet(rng: np.random.Generator, clients: pd.DataFrame, org: Org, t12m: np.ndarray,
                  total: np.ndarray, lang: str) -> dict[str, list[Any]]:
    """The Clients sheet: potential value for ~90%, credit for ~75%, a few manual tiers."""
    n = len(clients)
    rank = clients["rank"].to_numpy()
    yearly = np.maximum(t12m, total // 2)
    buyers = yearly > 0
    potential = potential_values(rng, t12m, yearly, clients["weight"].to_numpy(),
                                 clients["potential"].to_numpy())
    credit = round_up(yearly / 6 * rng.uniform(0.8, 2.0, n), 10_000)
    has_credit = buyers & (rng.random(n) < 0.75)
    ratio = np.where(rng.random(n) < 0.04, rng.uniform(1.05, 1.6, n), rng.beta(2, 3, n))
    receivables = np.round(credit * ratio / _YUAN).astype(np.int64) * _YUAN
    first_day = _MONTH_START[clients["first"].to_numpy()]
    created = np.where(
        clients["potential"].to_numpy(),
        np.datetime64("2025-06-01") + rng.integers(0, 500, n).astype("timedelta64[D]"),
        first_day - rng.integers(10, 3000, n).astype("timedelta64[D]"))
    size = np.where(rank > 0.9, "large", np.where(rank > 0.6, "medium", "small"))
    partner = rng.random(n) < 0.15 + 0.6 * rank**4
    override = rng.random(n) < 0.003
    tiers = pick(rng, ("major", "named", "non_named", "mass"), n)
    competitors = [
        "、".join(_COMPETITORS[i] for i in rng.choice(len(_COMPETITORS), k, replace=False))
        if k else None for k in rng.choice(3, size=n, p=(0.7, 0.2, 0.1)).tolist()]
    return {
        "client_id": clients["client_id"].tolist(),
        "name": clients["name"].tolist(),
        "region": [org.regions[r] for r in clients["region"].tolist()],
        "account_manager": [org.managers[m] for m in clients["manager"].tolist()],
        "industry": [t(lang, _INDUSTRIES[i]) for i in clients["industry"].tolist()],
        "size": [spell("size", s, lang) for s in size.tolist()],
        "relationship": [spell("relationship", "partnership" if p else "transactional", lang)
                         for p in partner.tolist()],
        "potential_value": cents_to_yuan(potential, rng.random(n) < 0.1),
        "credit_limit": cents_to_yuan(credit, ~has_credit),
        "credit_rating": blank_where(pick(rng, ("AAA", "AA", "A", "BBB", "BB"), n,
                                          (1, 3, 4, 2, 1)), ~has_credit),
        "receivables": cents_to_yuan(receivables, ~has_credit | (rng.random(n) < 0.1)),
        "tier_override": blank_where([spell("tier", x, lang) for x in tiers], ~override),
        "competitors": competitors,
        "created": created.astype("datetime64[D]").tolist(),
    }


def opportunities_sheet(rng: np.random.Generator, clients: pd.DataFrame, lang: str
                        ) -> dict[str, list[Any]]:
    """Two opportunities each for ~5% of the clients, bigger clients likelier."""
    owners = np.flatnonzero(clients["last"].to_numpy() >= _N_MONTHS - 12)
    p = clients["weight"].to_numpy()[owners] ** 0.5
    chosen = rng.choice(owners, size=min(len(owners), round(len(clients) * 0.05)),
                        replace=False, p=p / p.sum())
    client = np.sort(np.repeat(chosen, 2))
    n = len(client)
    big = clients["rank"].to_numpy()[client] > 0.8
    value = round_up(np.where(big, rng.uniform(200_000, 3_000_000, n),
                              rng.uniform(30_000, 600_000, n)) * _YUAN, 1000)
    stage = pick(rng, _STAGES, n)
    closed = np.isin(stage, ["won", "lost"])
    close = np.where(closed, np.datetime64("2025-12-01") + rng.integers(0, 330, n),
                     np.datetime64("2026-09-15") + rng.integers(0, 270, n))
    probability = np.clip([_STAGE_P[s] for s in stage] + rng.choice([-0.1, 0, 0.1], n), 0, 1)
    margin = np.round(rng.uniform(0.03, 0.38, n), 2)
    sheet: dict[str, list[Any]] = {
        "opp_id": [f"OP-{i:06d}" for i in range(1, n + 1)],
        "client_id": clients["client_id"].to_numpy()[client].tolist(),
        "title": [t(lang, x) for x in pick(rng, _OPP_TITLES, n)],
        "value": cents_to_yuan(value),
        "stage": [spell("stage", s, lang) for s in stage],
        "expected_close": close.astype("datetime64[D]").tolist(),
        "probability": blank_where(np.round(probability, 2).tolist(), rng.random(n) < 0.5),
        "margin_pct": blank_where(margin.tolist(), rng.random(n) < 0.4),
        "competitor": blank_where(pick(rng, _COMPETITORS, n), rng.random(n) < 0.4),
    }
    for question in QUESTIONS:
        score = rng.choice([1, 2, 3, 4, 5], size=n, p=(0.07, 0.1, 0.23, 0.3, 0.3))
        answers: list[Any] = []
        for s, worded, answered in zip(score.tolist(), (rng.random(n) < 0.35).tolist(),
                                       (rng.random(n) < 0.7).tolist(), strict=True):
            if not answered:
                answers.append(None)
            elif worded and str(s) in _SPELL["answer"]:
                answers.append(spell("answer", str(s), lang))
            else:
                answers.append(s)
        sheet[question] = answers
    return sheet


def contacts_sheet(rng: np.random.Generator, clients: pd.DataFrame, key: np.ndarray, lang: str
                   ) -> dict[str, list[Any]]:
    """One to three people (two on average) at each key client."""
    client = np.repeat(key, rng.integers(1, 4, size=len(key)))
    n = len(client)
    roles = pick(rng, tuple(_ROLE_TITLES), n, (3, 2, 3, 1, 1))
    chinese = clients["chinese"].to_numpy()[client] | (rng.random(n) < 0.3)
    return {
        "client_id": clients["client_id"].to_numpy()[client].tolist(),
        "name": [person(rng, bool(zh)) for zh in chinese],
        "title": [t(lang, _ROLE_TITLES[r][rng.integers(len(_ROLE_TITLES[r]))]) for r in roles],
        "level": [t(lang, _LEVELS[r]) for r in roles],
        "buying_role": [spell("buying_role", r, lang) for r in roles],
        "attitude": [spell("attitude", a, lang) for a in pick(
            rng, ("supporter", "neutral", "opponent"), n, (35, 45, 20))],
        "last_contact": (_END - rng.integers(2, 365, n).astype("timedelta64[D]")).tolist(),
    }


def feedback_sheet(rng: np.random.Generator, clients: pd.DataFrame, lang: str
                   ) -> dict[str, list[Any]]:
    """Complaints, praise and survey scores for buying clients (~0.6 a client), by date."""
    buyers = np.flatnonzero(~clients["potential"].to_numpy())
    p = clients["weight"].to_numpy()[buyers] ** 0.5
    n = round(len(clients) * 0.6)
    client = buyers[rng.choice(len(buyers), size=n, p=p / p.sum())]
    first, last = clients["first"].to_numpy()[client], clients["last"].to_numpy()[client]
    month = first + (rng.random(n) * (last - first + 1)).astype(np.int64)
    day = _MONTH_START[month] + (rng.random(n) * _MONTH_DAYS[month]).astype("timedelta64[D]")
    order = np.lexsort((client, day))
    client, day, month = client[order], day[order], month[order]
    kind = pick(rng, ("complaint", "praise", "survey"), n, (4, 2, 4))
    category = pick(rng, tuple(_SPELL["category"]), n, (3, 2, 3, 1, 2, 1))
    recent = month >= _N_MONTHS - 2
    resolved = rng.random(n) < np.where(recent, 0.5, 0.9)
    score = rng.choice([5, 4, 3, 2, 1], size=n, p=(0.35, 0.4, 0.15, 0.07, 0.03))
    rows: dict[str, list[Any]] = {c: [] for c in ("date", "client_id", "type", "category",
                                                  "score", "resolved", "note")}
    ids = clients["client_id"].to_numpy()[client].tolist()
    for i, k in enumerate(kind):
        note_key = category[i] if k == "complaint" else k
        notes = _NOTES[note_key]
        note = notes[rng.integers(len(notes))]
        rows["date"].append(day[i].item())
        rows["client_id"].append(ids[i])
        rows["type"].append(spell("feedback_type", k, lang))
        rows["category"].append(spell("category", category[i], lang) if k == "complaint"
                                else None)
        rows["score"].append(int(score[i]) if k == "survey" else None)
        rows["resolved"].append(spell("bool", "true" if resolved[i] else "false", lang)
                                if k == "complaint" else None)
        # Local staff write some notes in Chinese whatever the head office's language.
        rows["note"].append(note[1] if rng.random() < 0.3 else t(lang, note))
    return rows


def actions_sheet(rng: np.random.Generator, clients: pd.DataFrame, key: np.ndarray, org: Org,
                  lang: str) -> dict[str, list[Any]]:
    """About one open or recent action per key client, owned by its manager."""
    client = np.repeat(key, rng.poisson(1.0, size=len(key)))
    n = len(client)
    due = np.datetime64("2026-08-01") + rng.integers(0, 150, n).astype("timedelta64[D]")
    done = (due < np.datetime64("2026-09-15")) & (rng.random(n) < 0.6)
    status = np.where(done, "done", np.where(rng.random(n) < 0.5, "open", "doing"))
    return {
        "client_id": clients["client_id"].to_numpy()[client].tolist(),
        "action": [t(lang, a) for a in pick(rng, _ACTIONS["key"], n)],
        "owner": [org.managers[m] for m in clients["manager"].to_numpy()[client].tolist()],
        "due": due.tolist(),
        "status": [t(lang, _STATUS[s]) for s in status.tolist()],
    }


def activities_sheet(rng: np.random.Generator, clients: pd.DataFrame, org: Org, lang: str
                     ) -> dict[str, list[Any]]:
    """Visits, calls and meetings over the last six months, most of them at the biggest clients."""
    rank = clients["rank"].to_numpy()
    active = clients["last"].to_numpy() >= _N_MONTHS - 6
    per_month = np.select([rank > 0.99, rank > 0.9, rank > 0.6], [4.0, 1.4, 0.25], 0.06)
    client = np.repeat(np.arange(len(clients)), rng.poisson(per_month * 6 * active))
    n = len(client)
    start = _MONTH_START[_N_MONTHS - 6]
    day = start + rng.integers(0, int((_END - start).astype(int)) + 1, n).astype(
        "timedelta64[D]")
    order = np.lexsort((client, day))
    client, day = client[order], day[order]
    kind = pick(rng, ("visit", "call", "meeting"), n, (5, 4, 2))
    hours_by_kind = {"visit": (1.5, 2, 3, 4), "call": (0.25, 0.5), "meeting": (1, 1.5, 2)}
    return {
        "date": day.tolist(),
        "client_id": clients["client_id"].to_numpy()[client].tolist(),
        "type": [spell("activity_type", k, lang) for k in kind],
        "account_manager": [org.managers[m]
                            for m in clients["manager"].to_numpy()[client].tolist()],
        "hours": [float(hours_by_kind[k][rng.integers(len(hours_by_kind[k]))]) for k in kind],
    }


def targets_sheet(rng: np.random.Generator, lines: pd.DataFrame, clients: pd.DataFrame,
                  org: Org) -> dict[str, list[Any]]:
    """A target per region and month: the actual sales over an attainment of 85–112%."""
    month = (lines["day"].to_numpy().astype("datetime64[M]") - _MONTHS[0]).astype(np.int64)
    n_regions = len(org.regions)
    key = lines["region"].to_numpy() * _N_MONTHS + month
    actual = np.bincount(key, weights=lines["amount"].to_numpy().astype(np.float64),
                         minlength=n_regions * _N_MONTHS)
    target = round_up(actual / rng.uniform(0.85, 1.12, len(actual)), 10_000)
    firsts = np.bincount(clients["region"].to_numpy() * _N_MONTHS + clients["first"].to_numpy(),
                         minlength=n_regions * _N_MONTHS)
    new_target = np.round(firsts * rng.uniform(0.8, 1.3, len(firsts))).astype(np.int64)
    order = [r * _N_MONTHS + m for m in range(_N_MONTHS) for r in range(n_regions)]
    return {
        "month": [str(_MONTHS[i % _N_MONTHS]) for i in order],
        "region": [org.regions[i // _N_MONTHS] for i in order],
        "sales_target": cents_to_yuan(target[order]),
        "new_clients_target": new_target[order].tolist(),
    }


def regions_sheet(org: Org) -> dict[str, list[Any]]:
    """Each region's supervisor and leadership list."""
    return {
        "region": list(org.regions),
        "supervisor": list(org.supervisors),
        "leadership_emails": [f"{code}.director@example.com; vp.sales@example.com"
                              for code in org.codes],
    }


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


def table(kind: str, values: dict[str, list[Any]], lang: str) -> Table:
    """A sheet for the sample's XLSX writer: localised name and headers, rows of cells."""
    columns = [SHEETS[kind].column(name) for name in values]
    rows = [list(row) for row in zip(*values.values(), strict=True)]
    return Table(_sheet_name(kind, lang), [_header(c, lang) for c in columns], rows,
                 _styles(columns))


_SALES_ROW = (
    '<row r="%d"><c r="A%d" s="{date}"><v>%d</v></c><c r="B%d" t="s"><v>%d</v></c>'
    '<c r="C%d" s="{money}"><v>%.2f</v></c><c r="D%d" t="s"><v>%d</v></c>'
    '<c r="E%d" t="s"><v>%d</v></c><c r="F%d"><v>%d</v></c>'
    '<c r="G%d" s="{money}"><v>%.2f</v></c><c r="H%d" s="{money}"><v>%.2f</v></c>'
    '<c r="I%d" t="s"><v>%d</v></c><c r="J%d" t="s"><v>%d</v></c></row>'
).format(**STYLE_ID)
_CHUNK_ROWS = 50_000


def sales_columns(lines: pd.DataFrame, clients: pd.DataFrame, org: Org, lang: str
                  ) -> tuple[list[str], dict[str, np.ndarray]]:
    """The shared strings of the sales sheet and each cell column as numbers or string indices.

    Strings are numbered headers first, then client ids, order ids, products, regions and
    managers, so every string column is an offset plus a code.
    """
    order_code, orders = pd.factorize(lines["order_id"])  # numbered as they first appear
    products = [t(lang, (p.en, p.zh)) for p in _PRODUCTS]
    strings: list[str] = []
    offsets = {}
    for name, values in (("client", clients["client_id"].tolist()), ("order", list(orders)),
                         ("product", products), ("region", list(org.regions)),
                         ("manager", list(org.managers))):
        offsets[name] = len(strings)
        strings += values
    cells = {
        "date": (lines["day"].to_numpy().astype("datetime64[D]") - _EXCEL_EPOCH).astype(
            np.int64),
        "client_id": lines["client"].to_numpy() + offsets["client"],
        "amount": lines["amount"].to_numpy() / _YUAN,
        "order_id": order_code + offsets["order"],
        "product": lines["product"].to_numpy() + offsets["product"],
        "quantity": lines["quantity"].to_numpy(),
        "unit_price": lines["unit_price"].to_numpy() / _YUAN,
        "cost": lines["cost"].to_numpy() / _YUAN,
        "region": lines["region"].to_numpy() + offsets["region"],
        "account_manager": lines["manager"].to_numpy() + offsets["manager"],
    }
    return strings, cells


def _sheet_rows(cells: dict[str, np.ndarray], headers: int) -> Iterator[bytes]:
    """The sales sheet's rows as XML, a chunk of rows at a time."""
    n = len(cells["date"])
    for start in range(0, n, _CHUNK_ROWS):
        part = [cells[c][start:start + _CHUNK_ROWS].tolist() for c in SALES_COLUMNS]
        rows = range(start + 2, start + 2 + len(part[0]))
        # Shared-string indices are shifted past the header strings.
        yield "".join([
            _SALES_ROW % (r, r, d, r, c + headers, r, a, r, o + headers, r, p + headers, r, q,
                          r, u, r, k, r, g + headers, r, m + headers)
            for r, d, c, a, o, p, q, u, k, g, m in zip(rows, *part, strict=True)
        ]).encode("utf-8")


def _sheet_head(n_rows: int) -> str:
    return (
        f'{XML}<worksheet xmlns="{NS}" xmlns:r="{REL}"><dimension ref="A1:J{n_rows + 1}"/>'
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
        'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/><cols>'
        + "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                  for i, w in enumerate((12, 10, 12, 16, 22, 9, 11, 12, 10, 12), 1))
        + '</cols><sheetData><row r="1">'
        + "".join(f'<c r="{column_letter(i)}1" s="{STYLE_ID["bold"]}" t="s"><v>{i}</v></c>'
                  for i in range(len(SALES_COLUMNS)))
        + "</row>"
    )


def write_sales_xlsx(path: Path, strings: list[str], cells: dict[str, np.ndarray],
                     lang: str) -> None:
    """Stream the sales sheet into ``path`` (headers and shared strings given in ``strings``)."""
    headers = [_header(SHEETS["sales"].column(c), lang) for c in SALES_COLUMNS]
    n_rows = len(cells["date"])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        parts = package_parts([_sheet_name("sales", lang)], "reportgen benchmarks",
                              shared_strings=True)
        for name, text in parts.items():
            archive.writestr(zip_entry(name), text.encode("utf-8"))
        with archive.open(zip_entry("xl/worksheets/sheet1.xml"), "w", force_zip64=True) as sheet:
            sheet.write(_sheet_head(n_rows).encode("utf-8"))
            for chunk in _sheet_rows(cells, len(headers)):
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
        uses = len(headers) + 5 * n_rows
        archive.writestr(zip_entry("xl/sharedStrings.xml"),
                         shared_strings_xml([*headers, *strings], uses))


def write_sales_csv(path: Path, strings: list[str], cells: dict[str, np.ndarray],
                    lang: str) -> None:
    """The sales lines as one UTF-8 CSV file: ISO dates, amounts with two decimals."""
    text_columns = ("client_id", "order_id", "product", "region", "account_manager")
    days = (_EXCEL_EPOCH + cells["date"].astype("timedelta64[D]")).astype(str)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([_header(SHEETS["sales"].column(c), lang) for c in SALES_COLUMNS])
        lookup = np.array(strings, dtype=object)
        n = len(days)
        for start in range(0, n, _CHUNK_ROWS):
            stop = start + _CHUNK_ROWS
            part: list[list[Any]] = []
            for c in SALES_COLUMNS:
                values = cells[c][start:stop]
                if c == "date":
                    part.append(days[start:stop].tolist())
                elif c in text_columns:
                    part.append(lookup[values].tolist())
                elif c == "quantity":
                    part.append(values.tolist())
                else:
                    part.append([f"{v:.2f}" for v in values.tolist()])
            writer.writerows(zip(*part, strict=True))


@dataclass(frozen=True)
class Generated:
    """What was written, for the summary."""

    files: tuple[Path, ...]
    counts: dict[str, int]
    top20_share: float


def generate(size: Size, out: Path, *, seed: int = DEFAULT_SEED, lang: str = "en",
             as_csv: bool = False) -> Generated:
    """Build the data set for ``size`` from ``seed`` and write it into ``out``."""
    rng = np.random.default_rng(seed)
    org = make_org(rng)
    clients = make_clients(rng, size.clients, org)
    lines = make_sales(rng, clients, size.lines)
    t12m, total = client_values(clients, lines)
    order = np.argsort(-t12m, kind="stable")
    key = np.sort(order[: max(1, round(len(clients) * 0.15))])  # Major and Named, roughly
    sheets = {
        "clients": clients_sheet(rng, clients, org, t12m, total, lang),
        "opportunities": opportunities_sheet(rng, clients, lang),
        "contacts": contacts_sheet(rng, clients, key, lang),
        "feedback": feedback_sheet(rng, clients, lang),
        "actions": actions_sheet(rng, clients, key, org, lang),
        "activities": activities_sheet(rng, clients, org, lang),
        "targets": targets_sheet(rng, lines, clients, org),
        "regions": regions_sheet(org),
    }
    out.mkdir(parents=True, exist_ok=True)
    clients_path, plan_path = out / "clients.xlsx", out / "plan.xlsx"
    clients_path.write_bytes(xlsx([table(k, sheets[k], lang) for k in (
        "clients", "opportunities", "contacts", "feedback", "actions", "activities")]))
    plan_path.write_bytes(xlsx([table(k, sheets[k], lang) for k in ("targets", "regions")]))
    strings, cells = sales_columns(lines, clients, org, lang)
    # Only one sales file may sit in the folder, or the loader would read the lines twice.
    sales_path = out / ("sales.csv" if as_csv else "sales.xlsx")
    (out / ("sales.xlsx" if as_csv else "sales.csv")).unlink(missing_ok=True)
    (write_sales_csv if as_csv else write_sales_xlsx)(sales_path, strings, cells, lang)
    positive = np.sort(t12m[t12m > 0])[::-1]
    top = positive[: int(np.ceil(0.2 * len(positive)))].sum() / max(positive.sum(), 1)
    counts = {kind: len(next(iter(rows.values()))) for kind, rows in sheets.items()}
    counts["sales"] = len(lines)
    return Generated((clients_path, plan_path, sales_path), counts, float(top))


def main() -> None:
    """Parse the options, generate, print what was written."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--out", type=Path, help="folder to write (default benchmarks/data/SIZE)")
    parser.add_argument("--csv", action="store_true", help="write the sales lines as sales.csv")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--lang", choices=("en", "zh"), default="en",
                        help="language of sheet names, headers and enum values")
    args = parser.parse_args()
    out = args.out or DATA_DIR / args.size
    began = time.perf_counter()
    result = generate(SIZES[args.size], out, seed=args.seed, lang=args.lang, as_csv=args.csv)
    seconds = time.perf_counter() - began
    print(f"{args.size}: written to {out} in {seconds:.1f} s (seed {args.seed})")
    for path in result.files:
        print(f"  {path.name:<12} {path.stat().st_size / 1e6:8.1f} MB")
    print("  rows: " + ", ".join(f"{k} {v:,}" for k, v in result.counts.items()))
    print(f"  top 20% of buying clients hold {result.top20_share:.0%} of the last 12 months' sales")


if __name__ == "__main__":
    main()
