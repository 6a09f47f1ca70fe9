"""Month KPIs (SPEC, "Month KPIs"): per region, per account manager and overall (``ALL``).

Every figure of a group is computed from the rows of that group; the ``ALL`` row is computed
directly from all rows (a client active in two regions counts once in each and once in ALL).

*Line-based* figures (sales, gross profit, orders, active clients and the comparison sales)
group sales lines by the line's own region / account manager, else the client's. *Client-based*
figures (new, lost, tiers, migration, top-20% share, feedback, pipeline) use the client's.

Decisions the SPEC leaves open, taken here:

* **Rows.** ``by_region``: every region of the Clients table and every region a sales line up
  to M falls in, in code-point order, then ``ALL``. ``by_manager``: one row per
  (region, account_manager) pair a client or a sales line up to M falls in, so a manager
  working in two regions gets a row in each; clients and lines without a manager are left out
  of that table (they are still in their region and in ALL).
* **Coverage.** Windows are calendar months. A period is *covered* when its first month is not
  before the month of the earliest dated sales line up to M (whatever its client). Sales of a
  period that is not covered are blank for every group; in a covered period a group with no
  lines has 0. YTD (January..M) is blank too when January is not covered: a partial YTD is
  a wrong figure. Lost clients need history back to M−12 (M−13 for the previous month's
  count); complaints of M−1 are blank when M−1 is before the earliest feedback row.
* **Orders** = distinct (client_id, order_id) pairs among M's purchase lines (order numbers
  of workbooks concatenated per region may repeat), plus every purchase line without an
  order_id.
* **Gross profit**: profit where given, else amount − cost. Blank for the whole table when no
  sales line up to M carries cost or profit; else blank for a group when any of its lines in M
  lacks both; 0 for a group with no lines in M.
* **Lines or rows whose client is not in the Clients table** are left out (the loader skips
  them with a warning). Blank feedback categories count as ``other``.
* **Verdict counts** count the open opportunities (the pipeline); the pipeline figures are
  blank when there is no Opportunities sheet (``screened`` is None), and the feedback figures
  when there is no Feedback sheet.
* **Targets** (rows whose month is M): a region's is the sum of its own rows (region set,
  manager blank), else the sum of its managers' rows; a (region, manager) row's is the sum of
  the rows naming that manager and region. A manager row with a blank region belongs to the
  manager's home region: the region of most of the manager's clients (ties: code-point
  first), else the first region of the manager's rows. ALL's target is the sum of rows whose
  region is ``ALL``/``全部`` (manager blank), else the sum of the region targets (blank when
  none has one). Each measure (sales_target, new_clients_target) is resolved on its own.
* **Money** is ``Int64`` cents; counts are ``Int64``; ratios are ``float64`` (NaN = blank);
  average order value is rounded half up to whole cents; RAG marks are "green" / "amber" /
  "red" or None.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, cast

import numpy as np
import pandas as pd

from reportgen.inputs.config import Config, RagConfig
from reportgen.inputs.schema import VALUE_SPELLINGS

#: The label of the overall row.
ALL = "ALL"
#: Targets-row region spellings that mean "the whole company" (compared after casefold).
ALL_NAMES: tuple[str, ...] = ("all", "全部")
#: Tier codes, highest first.
TIERS: tuple[str, ...] = tuple(VALUE_SPELLINGS["tier"])
#: Feedback categories.
CATEGORIES: tuple[str, ...] = tuple(VALUE_SPELLINGS["category"])
#: The department responsible for each complaint category (codes; the documents translate).
DEPARTMENTS: dict[str, str] = {
    "supply": "sales_dept",
    "ordering": "order_desk",
    "delivery": "logistics",
    "market": "market_management",
    "visit_service": "account_manager",
    "other": "other",
}
#: Screen verdicts, in the SPEC's order.
VERDICTS: tuple[str, ...] = (
    "pursue", "qualify", "drop", "partner_or_drop", "strengthen", "reconsider",
)
#: What sales are compared with: the comparator column of each comparison.
COMPARISONS: dict[str, tuple[str, str]] = {
    "target": ("sales", "sales_target"),
    "prev_month": ("sales", "sales_prev_month"),
    "last_year": ("sales", "sales_last_year"),
    "ytd": ("sales_ytd", "sales_ytd_last_year"),
}
#: The first columns of metrics.xlsx, in order (SPEC, "Outputs").
METRICS_COLUMNS: tuple[str, ...] = (
    "region", "sales", "sales_target", "attainment", "sales_prev_month", "sales_last_year",
    "sales_ytd", "sales_ytd_last_year", "gross_profit", "active_clients", "orders",
    "new_clients", "new_client_sales", "lost_clients", "upgrades", "downgrades", "complaints",
    "praise", "avg_satisfaction", "pipeline_value", "weighted_pipeline",
)
#: The columns after them.
EXTRA_COLUMNS: tuple[str, ...] = (
    "gross_margin", "average_order_value", "purchase_frequency", "new_clients_target",
    "new_clients_3m", "new_clients_3m_sales", "lost_value", "lost_clients_prev_month",
    *(f"clients_{t}" for t in TIERS), "top20_share", "complaints_prev_month", "open_complaints",
    *(f"complaints_{c}" for c in CATEGORIES), "satisfaction_responses", "pipeline_opportunities",
    *(f"verdict_{v}" for v in VERDICTS),
    *(f"sales_variance_{c}" for c in COMPARISONS),
    *(f"sales_rel_variance_{c}" for c in COMPARISONS),
    *(f"rag_{c}" for c in COMPARISONS), "rag_new_clients", "rag_lost_clients", "rag_complaints",
)

_NO_MONTH = np.iinfo(np.int64).min


@dataclass(frozen=True)
class KpiTables:
    """The month's KPI tables (see the module docstring for the rules)."""

    #: One row per region, then ``ALL``: METRICS_COLUMNS then EXTRA_COLUMNS.
    by_region: pd.DataFrame
    #: One row per (region, account_manager): region, account_manager, then the same columns.
    by_manager: pd.DataFrame
    #: Complaints per region (and ALL) and category, with the responsible department.
    complaints_by_department: pd.DataFrame
    #: Month of the earliest sales line up to M (None without any): periods before it are blank.
    first_data_month: pd.Period | None


# --------------------------------------------------------------------------- red/amber/green


def _exact(value: float) -> Fraction:
    """A config fraction as the decimal the user wrote (0.9 → 9/10, not the nearest float)."""
    return Fraction(repr(float(value)))


def _blank(value: object) -> bool:
    """Whether a scalar is blank (None, NA, NaN)."""
    return value is None or bool(pd.isna(value))  # type: ignore[call-overload]


def rag(
    actual: object, comparator: object, lower_is_better: bool = False,
    *, cfg: RagConfig | None = None,
) -> str | None:
    """The red/amber/green mark of ``actual`` against ``comparator``; None when either is blank.

    Higher is better: green when actual ≥ green × comparator (100%), amber when
    actual ≥ amber × comparator (90%), red below; a comparator ≤ 0 has no percentage band, so
    green when actual ≥ comparator, else red. Lower is better (lost clients, complaints): the
    same test with actual and comparator swapped — green when actual ≤ comparator, amber when
    actual ≤ comparator / 0.9, red above; an actual of 0 is green, and against a comparator
    of 0 any actual above 0 is red. Compared exactly (no float rounding at the boundaries).
    """
    if _blank(actual) or _blank(comparator):
        return None
    cfg = cfg or RagConfig.model_validate({})
    a, c = Fraction(cast(float, actual)), Fraction(cast(float, comparator))
    if lower_is_better:
        a, c = c, a
    if c <= 0:
        return "green" if a >= c else "red"
    if a >= _exact(cfg.green) * c:
        return "green"
    if a >= _exact(cfg.amber) * c:
        return "amber"
    return "red"


# --------------------------------------------------------------------------- small helpers


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    """A column of ``frame``, or an all-blank object column when the input did not carry it."""
    if name in frame.columns:
        return frame[name]
    return pd.Series([None] * len(frame), index=frame.index, dtype=object)


def _ints(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """A money or count column as (int64 values with 0 for blanks, known mask)."""
    values = pd.to_numeric(series, errors="coerce")
    if values.dtype.kind == "f":
        values = values.round()
    known = values.notna().to_numpy(dtype=bool)
    return values.astype("Int64").to_numpy(dtype=np.int64, na_value=0), known


def _bools(series: pd.Series) -> np.ndarray:
    """A boolean column with blanks as False."""
    return series.astype("boolean").fillna(False).to_numpy(dtype=bool)


def _months(dates: pd.Series) -> np.ndarray:
    """Month index of each date (months since January 1970, as ``Period.ordinal``); NaT → min."""
    values = np.asarray(dates.to_numpy(dtype="datetime64[ns]"), dtype="datetime64[ns]")
    return values.astype("datetime64[M]").astype(np.int64)


def _days(dates: pd.Series) -> np.ndarray:
    """Days since 1970-01-01 of each date; NaT → the smallest int64."""
    values = np.asarray(dates.to_numpy(dtype="datetime64[ns]"), dtype="datetime64[ns]")
    return values.astype("datetime64[D]").astype(np.int64)


def _text_codes(*columns: np.ndarray, sort: bool = True) -> tuple[list[np.ndarray], np.ndarray]:
    """Codes of text values into one shared vocabulary; −1 for blank text.

    The codes of each input column come back separately, so two columns (a client's region
    and a line's region) share one vocabulary. With ``sort`` the vocabulary is in code-point
    order, so sorting codes sorts the labels.
    """
    joined = np.concatenate([np.asarray(c, dtype=object) for c in columns])
    codes, uniques = pd.factorize(joined, use_na_sentinel=True)
    labels = [u if isinstance(u, str) else str(u) for u in np.asarray(uniques, dtype=object)]
    keep = [i for i, label in enumerate(labels) if label.strip()]
    if sort:
        keep.sort(key=labels.__getitem__)
    # One spare slot at the end, so code −1 maps to −1.
    remap = np.full(len(labels) + 1, -1, dtype=np.int64)
    remap[np.asarray(keep, dtype=np.int64)] = np.arange(len(keep), dtype=np.int64)
    codes = remap[codes]
    bounds = np.cumsum([len(c) for c in columns])[:-1]
    return list(np.split(codes, bounds)), np.array([labels[i] for i in keep], dtype=object)


def _group_sum(
    key: np.ndarray, values: np.ndarray, n: int, mask: np.ndarray | None = None
) -> np.ndarray:
    """Exact int64 sum of ``values`` per group ``key`` (rows with key −1 or mask False skipped)."""
    keep = key >= 0 if mask is None else mask & (key >= 0)
    out = np.zeros(n, dtype=np.int64)
    np.add.at(out, key[keep], np.asarray(values, dtype=np.int64)[keep])
    return out


def _group_count(key: np.ndarray, n: int, mask: np.ndarray | None = None) -> np.ndarray:
    """Rows per group ``key`` (rows with key −1 or mask False skipped)."""
    keep = key >= 0 if mask is None else mask & (key >= 0)
    return np.bincount(key[keep], minlength=n).astype(np.int64)


def _distinct_count(key: np.ndarray, item: np.ndarray, n: int) -> np.ndarray:
    """How many distinct ``item`` codes (≥ 0) each group ``key`` has."""
    keep = key >= 0
    key, item = key[keep], item[keep]
    if len(key) == 0:
        return np.zeros(n, dtype=np.int64)
    base = int(item.max()) + 1
    pairs = np.unique(key * base + item)
    return np.bincount(pairs // base, minlength=n).astype(np.int64)


def _nullable(values: np.ndarray, known: np.ndarray | bool = True) -> pd.arrays.IntegerArray:
    """An ``Int64`` array, blank where ``known`` is False."""
    values = np.asarray(values, dtype=np.int64)
    mask = ~np.broadcast_to(np.asarray(known, dtype=bool), values.shape)
    return pd.arrays.IntegerArray(values, mask.copy())


def _ratio(num: np.ndarray, den: np.ndarray, known: np.ndarray | bool = True) -> np.ndarray:
    """The ratio num / den as float, NaN where den is 0 or not known."""
    num = np.asarray(num, dtype=np.float64)
    den = np.asarray(den, dtype=np.float64)
    ok = np.broadcast_to(np.asarray(known, dtype=bool), num.shape) & (den != 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(ok, num / np.where(den != 0, den, 1.0), np.nan)


def _round_div(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """The quotient num / den rounded half up to an integer, exactly (den > 0)."""
    den = np.where(den > 0, den, 1)
    return (2 * num + den) // (2 * den)


# --------------------------------------------------------------------------- the inputs, coded


@dataclass(frozen=True)
class _Lines:
    """Sales lines up to M of known clients, coded as arrays (one entry per line)."""

    client: np.ndarray
    month: np.ndarray
    day: np.ndarray
    amount: np.ndarray
    region: np.ndarray  # effective region code: the line's, else the client's
    manager: np.ndarray  # effective manager code
    #: Positions (into the arrays above) of the lines in M.
    in_m: np.ndarray
    #: Per line in M: gross profit cents and whether it is known.
    gp: np.ndarray
    gp_known: np.ndarray
    #: Per line in M: compact (client, order_id) code, −1 without an order_id.
    order: np.ndarray
    #: Whether any line up to M carries cost or profit.
    gp_in_input: bool
    #: Month of the earliest dated sales line up to M (any client), or None.
    earliest: int | None


@dataclass(frozen=True)
class _Clients:
    """Per-client facts (aligned with the Clients table)."""

    region: np.ndarray
    manager: np.ndarray
    sales_m: np.ndarray
    is_new: np.ndarray
    new_3m: np.ndarray
    sales_since: np.ndarray
    lost: np.ndarray
    lost_value: np.ndarray
    lost_prev: np.ndarray
    tier: np.ndarray  # index into TIERS, −1 when unknown
    up: np.ndarray
    down: np.ndarray
    current: np.ndarray


@dataclass(frozen=True)
class _View:
    """A grouping: the group of each line and each client (−1 = not in any group)."""

    n: int
    line_key: np.ndarray
    client_key: np.ndarray


def _code_lines(
    sales: pd.DataFrame, ids: pd.Index, client_region: np.ndarray, client_manager: np.ndarray,
    m: int,
) -> tuple[_Lines, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Code the sales lines; also returns the region and manager vocabularies and client codes."""
    client_all = np.asarray(ids.get_indexer(pd.Index(sales["client_id"])), dtype=np.int64)
    month_all = _months(sales["date"])
    amount_all, amount_known = _ints(sales["amount"])
    dated = (month_all != _NO_MONTH) & amount_known & (month_all <= m)
    earliest = int(month_all[dated].min()) if dated.any() else None
    keep = np.flatnonzero(dated & (client_all >= 0))

    client = client_all[keep]
    month = month_all[keep]
    line_region = _column(sales, "region").to_numpy(dtype=object)[keep]
    line_manager = _column(sales, "account_manager").to_numpy(dtype=object)[keep]
    (c_region, l_region), regions = _text_codes(client_region, line_region)
    (c_manager, l_manager), managers = _text_codes(client_manager, line_manager)
    region = np.where(l_region >= 0, l_region, c_region[client])
    manager = np.where(l_manager >= 0, l_manager, c_manager[client])

    profit, profit_known = _ints(_column(sales, "profit"))
    cost, cost_known = _ints(_column(sales, "cost"))
    profit, profit_known, cost, cost_known = (
        profit[keep], profit_known[keep], cost[keep], cost_known[keep]
    )
    amount = amount_all[keep]
    in_m = np.flatnonzero(month == m)
    gp = np.where(profit_known[in_m], profit[in_m], amount[in_m] - cost[in_m])
    gp_known = profit_known[in_m] | cost_known[in_m]

    order_codes, _ = _text_codes(
        _column(sales, "order_id").to_numpy(dtype=object)[keep[in_m]], sort=False
    )
    order = order_codes[0]
    has_order = order >= 0
    pair = np.full(len(in_m), -1, dtype=np.int64)
    if has_order.any():
        combined = client[in_m][has_order] * (int(order.max()) + 1) + order[has_order]
        pair[has_order] = pd.factorize(combined)[0]

    lines = _Lines(
        client=client, month=month, day=_days(sales["date"])[keep], amount=amount,
        region=region, manager=manager, in_m=in_m, gp=gp, gp_known=gp_known, order=pair,
        gp_in_input=bool((profit_known | cost_known).any()), earliest=earliest,
    )
    return lines, regions, managers, c_region, c_manager


def _client_facts(
    lines: _Lines, ids: pd.Index, c_region: np.ndarray, c_manager: np.ndarray,
    tiers: pd.DataFrame, lifecycle: pd.DataFrame, m: int, new_months: int,
) -> _Clients:
    """Per-client figures the client-based KPIs sum."""
    n = len(ids)
    tiers = tiers.reindex(ids)
    life = lifecycle.reindex(ids)
    sales_m = _group_sum(lines.client[lines.in_m], lines.amount[lines.in_m], n)

    first = life["first_purchase"]
    first_month = _months(first)
    first_day = _days(first)
    has_first = first.notna().to_numpy(dtype=bool)
    new_3m = has_first & (first_month >= m - (new_months - 1)) & (first_month <= m)
    # Sales since the first purchase: the client's lines dated on or after that day.
    since = new_3m[lines.client] & (lines.day >= first_day[lines.client])
    sales_since = _group_sum(lines.client, lines.amount, n, since)

    lost_value, _ = _ints(life["lost_value"])
    # Lost in M−1: last purchase (as of the end of M−1) in M−13.
    buy = (lines.amount > 0) & (lines.month >= m - 13) & (lines.month <= m - 1)
    bought = np.zeros((n, 13), dtype=bool)
    bought[lines.client[buy], lines.month[buy] - (m - 13)] = True
    lost_prev = bought[:, 0] & ~bought[:, 1:].any(axis=1)

    tier_code = pd.Series(tiers["tier"].to_numpy(dtype=object)).map(
        {t: i for i, t in enumerate(TIERS)}
    )
    migration = tiers["migration"].to_numpy(dtype=object)
    current, _ = _ints(tiers["current_value"])
    return _Clients(
        region=c_region, manager=c_manager, sales_m=sales_m,
        is_new=_bools(life["is_new_in_month"]), new_3m=new_3m, sales_since=sales_since,
        lost=_bools(life["lost_in_month"]), lost_value=lost_value, lost_prev=lost_prev,
        tier=tier_code.fillna(-1).to_numpy(dtype=np.int64),
        up=migration == "up", down=migration == "down", current=current,
    )


# --------------------------------------------------------------------------- the views


def _region_view(lines: _Lines, facts: _Clients) -> tuple[_View, np.ndarray]:
    """Groups = regions used by a client or a line; returns the view and the region codes."""
    used = np.unique(np.concatenate([facts.region, lines.region]))
    used = used[used >= 0]
    lookup = np.full(int(used.max()) + 2 if len(used) else 1, -1, dtype=np.int64)
    lookup[used] = np.arange(len(used), dtype=np.int64)
    # Code −1 reads the spare last slot, which stays −1.
    return _View(len(used), lookup[lines.region], lookup[facts.region]), used


def _manager_view(lines: _Lines, facts: _Clients, n_managers: int) -> tuple[_View, np.ndarray]:
    """Groups = (region, manager) pairs used by a client or a line; returns the pair codes."""
    def pairs(region: np.ndarray, manager: np.ndarray) -> np.ndarray:
        ok = (region >= 0) & (manager >= 0)
        return np.where(ok, region * n_managers + manager, -1)

    line_pairs = pairs(lines.region, lines.manager)
    client_pairs = pairs(facts.region, facts.manager)
    used = np.unique(np.concatenate([pd.unique(line_pairs), client_pairs]))
    used = used[used >= 0]

    lookup = pd.Index(used)

    def key(codes: np.ndarray) -> np.ndarray:
        return np.asarray(lookup.get_indexer(codes), dtype=np.int64)

    return _View(len(used), key(line_pairs), key(client_pairs)), used


def _all_view(lines: _Lines, facts: _Clients) -> _View:
    """One group holding every line and every client."""
    return _View(
        1, np.zeros(len(lines.client), dtype=np.int64), np.zeros(len(facts.region), dtype=np.int64)
    )


# --------------------------------------------------------------------------- the figures


def _line_figures(lines: _Lines, view: _View, m: int, month: pd.Period) -> dict[str, Any]:
    """Sales, comparisons, gross profit, active clients and orders per group."""
    n, key = view.n, view.line_key
    jan = m - (month.month - 1)
    first = jan - 12  # January of last year: every window below lies in first..M
    width = m - first + 1
    sel = (key >= 0) & (lines.month >= first)
    grid = np.zeros(n * width, dtype=np.int64)
    np.add.at(grid, key[sel] * width + (lines.month[sel] - first), lines.amount[sel])
    by_month = grid.reshape(n, width)

    def period(lo: int, hi: int) -> pd.arrays.IntegerArray:
        covered = lines.earliest is not None and lo >= lines.earliest
        return _nullable(by_month[:, lo - first: hi - first + 1].sum(axis=1), covered)

    out: dict[str, Any] = {
        "sales": period(m, m),
        "sales_prev_month": period(m - 1, m - 1),
        "sales_last_year": period(m - 12, m - 12),
        "sales_ytd": period(jan, m),
        "sales_ytd_last_year": period(first, m - 12),
    }

    key_m = key[lines.in_m]
    buy = lines.amount[lines.in_m] > 0
    gp = _group_sum(key_m, lines.gp, n, lines.gp_known)
    missing = _group_count(key_m, n, ~lines.gp_known)
    out["gross_profit"] = _nullable(gp, lines.gp_in_input & (missing == 0))

    client_m = lines.client[lines.in_m]
    active = _distinct_count(np.where(buy, key_m, -1), client_m, n)
    with_order = buy & (lines.order >= 0)
    orders = _distinct_count(np.where(with_order, key_m, -1), lines.order, n)
    orders += _group_count(key_m, n, buy & (lines.order < 0))
    out["active_clients"] = _nullable(active)
    out["orders"] = _nullable(orders)
    sales = out["sales"].to_numpy(dtype=np.int64, na_value=0)
    sales_known = ~np.asarray(out["sales"].isna(), dtype=bool)
    out["gross_margin"] = _ratio(gp, sales, lines.gp_in_input & (missing == 0) & (sales > 0))
    out["average_order_value"] = _nullable(_round_div(sales, orders), sales_known & (orders > 0))
    out["purchase_frequency"] = _ratio(orders, active)
    return out


def _top_share(key: np.ndarray, current: np.ndarray, n: int) -> np.ndarray:
    """Share of the group's positive current value held by its top ceil(20%) clients."""
    sel = (key >= 0) & (current > 0)
    k, v = key[sel], current[sel]
    order = np.lexsort((-v, k))
    k, v = k[order], v[order]
    count = np.bincount(k, minlength=n)
    start = np.cumsum(count) - count
    rank = np.arange(len(k)) - start[k]
    take = (count + 4) // 5  # ceil(0.2·n) in integers: float 0.2·15 would round up to 4
    top = _group_sum(k, v, n, rank < take[k])
    total = _group_sum(k, v, n)
    return _ratio(top, total, count > 0)


def _client_figures(facts: _Clients, view: _View, earliest: int | None, m: int) -> dict[str, Any]:
    """New, lost, tier and migration figures per group (by the client's region / manager)."""
    n, key = view.n, view.client_key
    lost_known = earliest is not None and earliest <= m - 12
    lost_prev_known = earliest is not None and earliest <= m - 13
    out: dict[str, Any] = {
        "new_clients": _nullable(_group_count(key, n, facts.is_new)),
        "new_client_sales": _nullable(_group_sum(key, facts.sales_m, n, facts.is_new)),
        "new_clients_3m": _nullable(_group_count(key, n, facts.new_3m)),
        "new_clients_3m_sales": _nullable(_group_sum(key, facts.sales_since, n, facts.new_3m)),
        "lost_clients": _nullable(_group_count(key, n, facts.lost), lost_known),
        "lost_value": _nullable(_group_sum(key, facts.lost_value, n, facts.lost), lost_known),
        "lost_clients_prev_month": _nullable(
            _group_count(key, n, facts.lost_prev), lost_prev_known
        ),
        "upgrades": _nullable(_group_count(key, n, facts.up)),
        "downgrades": _nullable(_group_count(key, n, facts.down)),
        "top20_share": _top_share(key, facts.current, n),
    }
    for i, tier in enumerate(TIERS):
        out[f"clients_{tier}"] = _nullable(_group_count(key, n, facts.tier == i))
    return out


@dataclass(frozen=True)
class _Feedback:
    """Feedback rows of known clients, coded."""

    client: np.ndarray
    month: np.ndarray
    complaint: np.ndarray
    praise: np.ndarray
    category: np.ndarray  # index into CATEGORIES (blank → other)
    score: np.ndarray
    scored: np.ndarray
    open: np.ndarray  # complaint dated up to M, resolved not True
    earliest: int | None


def _code_feedback(feedback: pd.DataFrame, ids: pd.Index, m: int) -> _Feedback:
    """Code the feedback rows of known clients dated up to M."""
    client = np.asarray(ids.get_indexer(pd.Index(feedback["client_id"])), dtype=np.int64)
    month = _months(feedback["date"])
    dated = (month != _NO_MONTH) & (month <= m)
    earliest = int(month[dated].min()) if dated.any() else None
    keep = dated & (client >= 0)
    kind = feedback["type"].to_numpy(dtype=object)[keep]
    other = CATEGORIES.index("other")
    category = (
        pd.Series(_column(feedback, "category").to_numpy(dtype=object)[keep])
        .map({c: i for i, c in enumerate(CATEGORIES)})
        .fillna(other)
        .to_numpy(dtype=np.int64)
    )
    score = pd.to_numeric(_column(feedback, "score"), errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan
    )[keep]
    resolved = _bools(_column(feedback, "resolved"))[keep]
    complaint = kind == "complaint"
    return _Feedback(
        client=client[keep], month=month[keep], complaint=complaint, praise=kind == "praise",
        category=category, score=np.nan_to_num(score), scored=~np.isnan(score),
        open=complaint & ~resolved,
        earliest=earliest,
    )


def _feedback_figures(fb: _Feedback | None, view: _View, m: int) -> dict[str, Any]:
    """Complaints (by category), praise, satisfaction and open complaints per group."""
    n = view.n
    if fb is None:
        names = [
            "complaints", "praise", "complaints_prev_month", "open_complaints",
            "satisfaction_responses", *(f"complaints_{c}" for c in CATEGORIES),
            *(f"open_complaints_{c}" for c in CATEGORIES),
        ]
        blank: dict[str, Any] = {name: _nullable(np.zeros(n), False) for name in names}
        blank["avg_satisfaction"] = np.full(n, np.nan)
        return blank
    key = view.client_key[fb.client]
    in_m = fb.month == m
    prev_known = fb.earliest is not None and fb.earliest <= m - 1
    responses = _group_count(key, n, in_m & fb.scored)
    # Scores are at most 5 and counts small: a float sum is exact enough for a mean.
    score_sum = np.bincount(
        key[in_m & fb.scored & (key >= 0)], weights=fb.score[in_m & fb.scored & (key >= 0)],
        minlength=n,
    )
    out: dict[str, Any] = {
        "complaints": _nullable(_group_count(key, n, in_m & fb.complaint)),
        "praise": _nullable(_group_count(key, n, in_m & fb.praise)),
        "complaints_prev_month": _nullable(
            _group_count(key, n, (fb.month == m - 1) & fb.complaint), prev_known
        ),
        "open_complaints": _nullable(_group_count(key, n, fb.open)),
        "avg_satisfaction": _ratio(score_sum, responses),
        "satisfaction_responses": _nullable(responses),
    }
    for i, category in enumerate(CATEGORIES):
        is_cat = fb.category == i
        out[f"complaints_{category}"] = _nullable(
            _group_count(key, n, in_m & fb.complaint & is_cat)
        )
        out[f"open_complaints_{category}"] = _nullable(_group_count(key, n, fb.open & is_cat))
    return out


@dataclass(frozen=True)
class _Pipeline:
    """Open opportunities of known clients."""

    client: np.ndarray
    value: np.ndarray
    weighted: np.ndarray
    verdict: np.ndarray  # index into VERDICTS, −1 when none


def _code_pipeline(screened: pd.DataFrame, ids: pd.Index) -> _Pipeline:
    """Code the open opportunities of known clients."""
    client = np.asarray(ids.get_indexer(pd.Index(screened["client_id"])), dtype=np.int64)
    keep = (client >= 0) & _bools(screened["is_open"])
    value, _ = _ints(screened["value"])
    weighted, _ = _ints(screened["weighted_value"])
    verdict = (
        pd.Series(screened["verdict"].to_numpy(dtype=object))
        .map({v: i for i, v in enumerate(VERDICTS)})
        .fillna(-1)
        .to_numpy(dtype=np.int64)
    )
    return _Pipeline(client[keep], value[keep], weighted[keep], verdict[keep])


def _pipeline_figures(pipe: _Pipeline | None, view: _View) -> dict[str, Any]:
    """Pipeline value, weighted value and verdict counts per group."""
    n = view.n
    names = ["pipeline_value", "weighted_pipeline", "pipeline_opportunities",
             *(f"verdict_{v}" for v in VERDICTS)]
    if pipe is None:
        return {name: _nullable(np.zeros(n), False) for name in names}
    key = view.client_key[pipe.client]
    out: dict[str, Any] = {
        "pipeline_value": _nullable(_group_sum(key, pipe.value, n)),
        "weighted_pipeline": _nullable(_group_sum(key, pipe.weighted, n)),
        "pipeline_opportunities": _nullable(_group_count(key, n)),
    }
    for i, verdict in enumerate(VERDICTS):
        out[f"verdict_{verdict}"] = _nullable(_group_count(key, n, pipe.verdict == i))
    return out


# --------------------------------------------------------------------------- targets


def _clean_text(value: object) -> str | None:
    """Trimmed text, None when blank."""
    if not isinstance(value, str):
        return None if _blank(value) else str(value)
    value = value.strip()
    return value or None


def _home_regions(
    facts: _Clients, regions: np.ndarray, managers: np.ndarray, pairs: Sequence[tuple[str, str]]
) -> dict[str, str]:
    """Each manager's home region: most clients (ties code-point first), else the first pair."""
    home: dict[str, str] = {}
    ok = (facts.region >= 0) & (facts.manager >= 0)
    if ok.any():
        counts = np.zeros((len(managers), len(regions)), dtype=np.int64)
        np.add.at(counts, (facts.manager[ok], facts.region[ok]), 1)
        # argmax takes the first maximum, and region codes are in code-point order.
        best = counts.argmax(axis=1)
        for code in np.flatnonzero(counts.max(axis=1) > 0):
            home[str(managers[code])] = str(regions[best[code]])
    for region, manager in sorted(pairs):
        home.setdefault(manager, region)
    return home


def _targets(
    targets: pd.DataFrame | None, month: pd.Period, regions: Sequence[str],
    pairs: Sequence[tuple[str, str]], home: dict[str, str], measure: str,
) -> tuple[list[int | None], list[int | None], int | None]:
    """One target measure for M: per region, per (region, manager) pair, and for ALL."""
    none_r: list[int | None] = [None] * len(regions)
    none_p: list[int | None] = [None] * len(pairs)
    if targets is None or measure not in targets.columns:
        return none_r, none_p, None
    own: dict[str, int] = {}
    by_pair: dict[tuple[str, str], int] = {}
    everything: int | None = None
    for month_text, region, manager, value in zip(
        targets["month"], _column(targets, "region"), _column(targets, "account_manager"),
        targets[measure], strict=True,
    ):
        if _clean_text(month_text) != str(month) or _blank(value):
            continue
        region, manager, value = _clean_text(region), _clean_text(manager), int(value)
        is_all = region is not None and region.casefold() in ALL_NAMES
        if manager is None:
            if is_all:
                everything = (everything or 0) + value
            elif region is not None:
                own[region] = own.get(region, 0) + value
            continue
        region = None if is_all else region
        place = region if region is not None else home.get(manager)
        if place is not None:
            by_pair[(place, manager)] = by_pair.get((place, manager), 0) + value

    from_managers: dict[str, int] = {}
    for (region, _manager), value in by_pair.items():
        from_managers[region] = from_managers.get(region, 0) + value
    per_region = [own.get(r, from_managers.get(r)) for r in regions]
    per_pair = [by_pair.get(p) for p in pairs]
    if everything is None:
        known = [v for v in per_region if v is not None]
        everything = sum(known) if known else None
    return per_region, per_pair, everything


# --------------------------------------------------------------------------- assembling


def _derived(frame: pd.DataFrame, cfg: RagConfig) -> pd.DataFrame:
    """Attainment, variances and red/amber/green marks from a frame's figures."""
    target = frame["sales_target"]
    target_ok = target.where(target > 0)
    frame["attainment"] = _ratio(
        frame["sales"].to_numpy(dtype=np.float64, na_value=np.nan),
        target_ok.to_numpy(dtype=np.float64, na_value=np.nan),
        (frame["sales"].notna() & target_ok.notna()).to_numpy(dtype=bool),
    )
    for name, (actual_col, comp_col) in COMPARISONS.items():
        actual, comp = frame[actual_col], frame[comp_col]
        variance = (actual - comp).astype("Int64")
        frame[f"sales_variance_{name}"] = variance
        frame[f"sales_rel_variance_{name}"] = _ratio(
            variance.to_numpy(dtype=np.float64, na_value=np.nan),
            comp.abs().to_numpy(dtype=np.float64, na_value=0.0),
            variance.notna().to_numpy(dtype=bool),
        )
        # The target mark follows attainment: no mark against a missing or zero target.
        comparator = target_ok if name == "target" else comp
        frame[f"rag_{name}"] = _marks(actual, comparator, False, cfg)
    new_target = frame["new_clients_target"]
    frame["rag_new_clients"] = _marks(
        frame["new_clients"], new_target.where(new_target > 0), False, cfg
    )
    frame["rag_lost_clients"] = _marks(
        frame["lost_clients"], frame["lost_clients_prev_month"], True, cfg
    )
    frame["rag_complaints"] = _marks(frame["complaints"], frame["complaints_prev_month"], True, cfg)
    return frame


def _exact_values(series: pd.Series) -> np.ndarray:
    """Python ints (or exact Fractions for non-integer columns) in an object array; 0 for blanks.

    Python numbers never overflow, so cents times a config denominator stay exact.
    """
    values = series.to_numpy(dtype=object, na_value=0)
    if series.dtype.kind in "iub":
        return np.array([int(v) for v in values] + [None], dtype=object)[:-1]
    return np.array([Fraction(v) for v in values] + [None], dtype=object)[:-1]


def _marks(actual: pd.Series, comparator: pd.Series, lower: bool, cfg: RagConfig) -> pd.Series:
    """:func:`rag` for every row (object column, None for blank), in exact integer arithmetic."""
    known = (actual.notna() & comparator.notna()).to_numpy(dtype=bool)
    a, c = _exact_values(actual), _exact_values(comparator)
    if lower:
        a, c = c, a
    green, amber = _exact(cfg.green), _exact(cfg.amber)
    is_green = np.asarray(a * green.denominator >= c * green.numerator, dtype=bool)
    is_amber = np.asarray(a * amber.denominator >= c * amber.numerator, dtype=bool)
    no_band = np.asarray(c <= 0, dtype=bool)
    at_least = np.asarray(a >= c, dtype=bool)
    marks = np.where(
        no_band, np.where(at_least, "green", "red"),
        np.where(is_green, "green", np.where(is_amber, "amber", "red")),
    ).astype(object)
    marks[~known] = None
    return pd.Series(marks, index=actual.index, dtype=object)


def _frame(labels: dict[str, Iterable[Any]], parts: Iterable[dict[str, Any]]) -> pd.DataFrame:
    """A KPI frame: the label columns, then every figure column."""
    data: dict[str, Any] = {
        name: pd.Series(list(values), dtype=object) for name, values in labels.items()
    }
    for part in parts:
        data.update(part)
    return pd.DataFrame(data)


def _order(frame: pd.DataFrame, labels: Sequence[str]) -> pd.DataFrame:
    """The frame's columns in the published order."""
    columns = [*labels, *METRICS_COLUMNS[1:], *EXTRA_COLUMNS]
    return frame[columns].reset_index(drop=True)


def _department_table(region_frame: pd.DataFrame) -> pd.DataFrame:
    """Complaints in M and open complaints per region (and ALL) and category, with department."""
    rows = []
    for _, row in region_frame.iterrows():
        for category in CATEGORIES:
            rows.append({
                "region": row["region"],
                "category": category,
                "department": DEPARTMENTS[category],
                "complaints": row[f"complaints_{category}"],
                "open_complaints": row[f"open_complaints_{category}"],
            })
    out = pd.DataFrame(rows, columns=["region", "category", "department", "complaints",
                                      "open_complaints"])
    for column in ("region", "category", "department"):
        out[column] = out[column].astype(object)
    for column in ("complaints", "open_complaints"):
        out[column] = out[column].astype("Int64")
    return out


def month_kpis(
    sales: pd.DataFrame,
    clients: pd.DataFrame,
    tiers: pd.DataFrame,
    lifecycle: pd.DataFrame,
    screened: pd.DataFrame | None,
    feedback: pd.DataFrame | None,
    targets: pd.DataFrame | None,
    month: pd.Period,
    config: Config,
) -> KpiTables:
    """The month's KPIs per region (plus ALL), per (region, account manager) and by department."""
    month = month if isinstance(month, pd.Period) else pd.Period(month, freq="M")
    m = int(month.ordinal)
    ids = pd.Index(clients["client_id"].to_numpy(dtype=object), name="client_id", dtype=object)
    lines, regions, managers, c_region, c_manager = _code_lines(
        sales, ids, _column(clients, "region").to_numpy(dtype=object),
        _column(clients, "account_manager").to_numpy(dtype=object), m,
    )
    facts = _client_facts(
        lines, ids, c_region, c_manager, tiers, lifecycle, m, config.lifecycle.new_months
    )
    fb = _code_feedback(feedback, ids, m) if feedback is not None else None
    pipe = _code_pipeline(screened, ids) if screened is not None else None

    def figures(view: _View) -> list[dict[str, Any]]:
        return [
            _line_figures(lines, view, m, month),
            _client_figures(facts, view, lines.earliest, m),
            _feedback_figures(fb, view, m),
            _pipeline_figures(pipe, view),
        ]

    region_view, region_codes = _region_view(lines, facts)
    manager_view, pair_codes = _manager_view(lines, facts, len(managers))
    region_names = [str(r) for r in regions[region_codes]]
    pairs = [
        (str(regions[c // len(managers)]), str(managers[c % len(managers)])) for c in pair_codes
    ]
    home = _home_regions(facts, regions, managers, pairs)
    sales_t = _targets(targets, month, region_names, pairs, home, "sales_target")
    new_t = _targets(targets, month, region_names, pairs, home, "new_clients_target")

    by_region = pd.concat(
        [
            _frame({"region": region_names}, figures(region_view)).assign(
                sales_target=pd.array(sales_t[0], dtype="Int64"),
                new_clients_target=pd.array(new_t[0], dtype="Int64"),
            ),
            _frame({"region": [ALL]}, figures(_all_view(lines, facts))).assign(
                sales_target=pd.array([sales_t[2]], dtype="Int64"),
                new_clients_target=pd.array([new_t[2]], dtype="Int64"),
            ),
        ],
        ignore_index=True,
    )
    by_region = _derived(by_region, config.rag)
    by_manager = _frame(
        {"region": [p[0] for p in pairs], "account_manager": [p[1] for p in pairs]},
        figures(manager_view),
    ).assign(
        sales_target=pd.array(sales_t[1], dtype="Int64"),
        new_clients_target=pd.array(new_t[1], dtype="Int64"),
    )
    by_manager = _derived(by_manager, config.rag)
    earliest = lines.earliest
    first_month = pd.Period(ordinal=earliest, freq="M") if earliest is not None else None
    return KpiTables(
        by_region=_order(by_region, ["region"]),
        by_manager=_order(by_manager, ["region", "account_manager"]),
        complaints_by_department=_department_table(by_region),
        first_data_month=first_month,
    )
