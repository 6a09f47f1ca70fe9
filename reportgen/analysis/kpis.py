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
* **Targets**: resolved per region, (region, manager) pair and ALL by
  :func:`~reportgen.analysis.targets.month_targets` (its module says how).
* **Money** is ``Int64`` stored money (``inputs.schema.MONEY_SCALE``); counts are ``Int64``;
  ratios are ``float64`` (NaN = blank); average order value is rounded half up to a whole
  stored unit; RAG marks are "green" / "amber" / "red" or None.

The pieces live beside this module, so other figures of the month can use them:
:mod:`~reportgen.analysis.grouping` codes the sales lines and clients as arrays and groups them
(regions, managers, ALL), :mod:`~reportgen.analysis.targets` resolves the targets,
:mod:`~reportgen.analysis.rag` holds the red/amber/green rule and
:mod:`~reportgen.analysis.arrays` the small array helpers. This module computes the figures of
each group and assembles the tables.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from reportgen.analysis.arrays import (
    NO_MONTH,
    bools,
    column_of,
    distinct_count,
    group_count,
    group_sum,
    ints,
    money_quotient,
    months,
    nullable,
    ratio,
)
from reportgen.analysis.grouping import (
    TIERS,
    Clients,
    Lines,
    View,
    client_facts,
    code_lines,
    view_by_manager,
    view_by_region,
    view_of_all,
)
from reportgen.analysis.rag import rag_marks
from reportgen.analysis.targets import home_regions, month_targets
from reportgen.inputs.config import Config, RagConfig
from reportgen.inputs.schema import VALUE_SPELLINGS

#: The label of the overall row.
ALL = "ALL"
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
    #: Each manager's home region (:func:`~reportgen.analysis.targets.home_regions`), so other
    #: months' targets resolve as M's do.
    home: dict[str, str] = field(default_factory=dict)


# --------------------------------------------------------------------------- the figures


def _line_figures(lines: Lines, view: View, m: int, month: pd.Period) -> dict[str, Any]:
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
        return nullable(by_month[:, lo - first: hi - first + 1].sum(axis=1), covered)

    out: dict[str, Any] = {
        "sales": period(m, m),
        "sales_prev_month": period(m - 1, m - 1),
        "sales_last_year": period(m - 12, m - 12),
        "sales_ytd": period(jan, m),
        "sales_ytd_last_year": period(first, m - 12),
    }

    key_m = key[lines.in_m]
    buy = lines.amount[lines.in_m] > 0
    gp = group_sum(key_m, lines.gp, n, lines.gp_known)
    missing = group_count(key_m, n, ~lines.gp_known)
    out["gross_profit"] = nullable(gp, lines.gp_in_input & (missing == 0))

    client_m = lines.client[lines.in_m]
    active = distinct_count(np.where(buy, key_m, -1), client_m, n)
    with_order = buy & (lines.order >= 0)
    orders = distinct_count(np.where(with_order, key_m, -1), lines.order, n)
    orders += group_count(key_m, n, buy & (lines.order < 0))
    out["active_clients"] = nullable(active)
    out["orders"] = nullable(orders)
    sales = out["sales"].to_numpy(dtype=np.int64, na_value=0)
    sales_known = ~np.asarray(out["sales"].isna(), dtype=bool)
    out["gross_margin"] = ratio(gp, sales, lines.gp_in_input & (missing == 0) & (sales > 0))
    out["average_order_value"] = nullable(money_quotient(sales, orders),
                                          sales_known & (orders > 0))
    out["purchase_frequency"] = ratio(orders, active)
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
    top = group_sum(k, v, n, rank < take[k])
    total = group_sum(k, v, n)
    return ratio(top, total, count > 0)


def _client_figures(facts: Clients, view: View, earliest: int | None, m: int) -> dict[str, Any]:
    """New, lost, tier and migration figures per group (by the client's region / manager)."""
    n, key = view.n, view.client_key
    lost_known = earliest is not None and earliest <= m - 12
    lost_prev_known = earliest is not None and earliest <= m - 13
    out: dict[str, Any] = {
        "new_clients": nullable(group_count(key, n, facts.is_new)),
        "new_client_sales": nullable(group_sum(key, facts.sales_m, n, facts.is_new)),
        "new_clients_3m": nullable(group_count(key, n, facts.new_3m)),
        "new_clients_3m_sales": nullable(group_sum(key, facts.sales_since, n, facts.new_3m)),
        "lost_clients": nullable(group_count(key, n, facts.lost), lost_known),
        "lost_value": nullable(group_sum(key, facts.lost_value, n, facts.lost), lost_known),
        "lost_clients_prev_month": nullable(
            group_count(key, n, facts.lost_prev), lost_prev_known
        ),
        "upgrades": nullable(group_count(key, n, facts.up)),
        "downgrades": nullable(group_count(key, n, facts.down)),
        "top20_share": _top_share(key, facts.current, n),
    }
    for i, tier in enumerate(TIERS):
        out[f"clients_{tier}"] = nullable(group_count(key, n, facts.tier == i))
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
    month = months(feedback["date"])
    dated = (month != NO_MONTH) & (month <= m)
    earliest = int(month[dated].min()) if dated.any() else None
    keep = dated & (client >= 0)
    kind = feedback["type"].to_numpy(dtype=object)[keep]
    other = CATEGORIES.index("other")
    category = (
        pd.Series(column_of(feedback, "category").to_numpy(dtype=object)[keep])
        .map({c: i for i, c in enumerate(CATEGORIES)})
        .fillna(other)
        .to_numpy(dtype=np.int64)
    )
    score = pd.to_numeric(column_of(feedback, "score"), errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan
    )[keep]
    resolved = bools(column_of(feedback, "resolved"))[keep]
    complaint = kind == "complaint"
    return _Feedback(
        client=client[keep], month=month[keep], complaint=complaint, praise=kind == "praise",
        category=category, score=np.nan_to_num(score), scored=~np.isnan(score),
        open=complaint & ~resolved,
        earliest=earliest,
    )


def _feedback_figures(fb: _Feedback | None, view: View, m: int) -> dict[str, Any]:
    """Complaints (by category), praise, satisfaction and open complaints per group."""
    n = view.n
    if fb is None:
        names = [
            "complaints", "praise", "complaints_prev_month", "open_complaints",
            "satisfaction_responses", *(f"complaints_{c}" for c in CATEGORIES),
            *(f"open_complaints_{c}" for c in CATEGORIES),
        ]
        blank: dict[str, Any] = {name: nullable(np.zeros(n), False) for name in names}
        blank["avg_satisfaction"] = np.full(n, np.nan)
        return blank
    key = view.client_key[fb.client]
    in_m = fb.month == m
    prev_known = fb.earliest is not None and fb.earliest <= m - 1
    responses = group_count(key, n, in_m & fb.scored)
    # Scores are at most 5 and counts small: a float sum is exact enough for a mean.
    score_sum = np.bincount(
        key[in_m & fb.scored & (key >= 0)], weights=fb.score[in_m & fb.scored & (key >= 0)],
        minlength=n,
    )
    out: dict[str, Any] = {
        "complaints": nullable(group_count(key, n, in_m & fb.complaint)),
        "praise": nullable(group_count(key, n, in_m & fb.praise)),
        "complaints_prev_month": nullable(
            group_count(key, n, (fb.month == m - 1) & fb.complaint), prev_known
        ),
        "open_complaints": nullable(group_count(key, n, fb.open)),
        "avg_satisfaction": ratio(score_sum, responses),
        "satisfaction_responses": nullable(responses),
    }
    for i, category in enumerate(CATEGORIES):
        is_cat = fb.category == i
        out[f"complaints_{category}"] = nullable(
            group_count(key, n, in_m & fb.complaint & is_cat)
        )
        out[f"open_complaints_{category}"] = nullable(group_count(key, n, fb.open & is_cat))
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
    keep = (client >= 0) & bools(screened["is_open"])
    value, _ = ints(screened["value"])
    weighted, _ = ints(screened["weighted_value"])
    verdict = (
        pd.Series(screened["verdict"].to_numpy(dtype=object))
        .map({v: i for i, v in enumerate(VERDICTS)})
        .fillna(-1)
        .to_numpy(dtype=np.int64)
    )
    return _Pipeline(client[keep], value[keep], weighted[keep], verdict[keep])


def _pipeline_figures(pipe: _Pipeline | None, view: View) -> dict[str, Any]:
    """Pipeline value, weighted value and verdict counts per group."""
    n = view.n
    names = ["pipeline_value", "weighted_pipeline", "pipeline_opportunities",
             *(f"verdict_{v}" for v in VERDICTS)]
    if pipe is None:
        return {name: nullable(np.zeros(n), False) for name in names}
    key = view.client_key[pipe.client]
    out: dict[str, Any] = {
        "pipeline_value": nullable(group_sum(key, pipe.value, n)),
        "weighted_pipeline": nullable(group_sum(key, pipe.weighted, n)),
        "pipeline_opportunities": nullable(group_count(key, n)),
    }
    for i, verdict in enumerate(VERDICTS):
        out[f"verdict_{verdict}"] = nullable(group_count(key, n, pipe.verdict == i))
    return out


# --------------------------------------------------------------------------- assembling


def _derived(frame: pd.DataFrame, cfg: RagConfig) -> pd.DataFrame:
    """Attainment, variances and red/amber/green marks from a frame's figures."""
    target = frame["sales_target"]
    target_ok = target.where(target > 0)
    frame["attainment"] = ratio(
        frame["sales"].to_numpy(dtype=np.float64, na_value=np.nan),
        target_ok.to_numpy(dtype=np.float64, na_value=np.nan),
        (frame["sales"].notna() & target_ok.notna()).to_numpy(dtype=bool),
    )
    for name, (actual_col, comp_col) in COMPARISONS.items():
        actual, comp = frame[actual_col], frame[comp_col]
        variance = (actual - comp).astype("Int64")
        frame[f"sales_variance_{name}"] = variance
        frame[f"sales_rel_variance_{name}"] = ratio(
            variance.to_numpy(dtype=np.float64, na_value=np.nan),
            comp.abs().to_numpy(dtype=np.float64, na_value=0.0),
            variance.notna().to_numpy(dtype=bool),
        )
        # The target mark follows attainment: no mark against a missing or zero target.
        comparator = target_ok if name == "target" else comp
        frame[f"rag_{name}"] = rag_marks(actual, comparator, False, cfg)
    new_target = frame["new_clients_target"]
    frame["rag_new_clients"] = rag_marks(
        frame["new_clients"], new_target.where(new_target > 0), False, cfg
    )
    frame["rag_lost_clients"] = rag_marks(
        frame["lost_clients"], frame["lost_clients_prev_month"], True, cfg
    )
    frame["rag_complaints"] = rag_marks(
        frame["complaints"], frame["complaints_prev_month"], True, cfg
    )
    return frame


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
    lines, regions, managers, c_region, c_manager = code_lines(
        sales, ids, column_of(clients, "region").to_numpy(dtype=object),
        column_of(clients, "account_manager").to_numpy(dtype=object), m,
    )
    facts = client_facts(
        lines, ids, c_region, c_manager, tiers, lifecycle, m, config.lifecycle.new_months
    )
    fb = _code_feedback(feedback, ids, m) if feedback is not None else None
    pipe = _code_pipeline(screened, ids) if screened is not None else None

    def figures(view: View) -> list[dict[str, Any]]:
        return [
            _line_figures(lines, view, m, month),
            _client_figures(facts, view, lines.earliest, m),
            _feedback_figures(fb, view, m),
            _pipeline_figures(pipe, view),
        ]

    region_view, region_codes = view_by_region(lines, facts)
    manager_view, pair_codes = view_by_manager(lines, facts, len(managers))
    region_names = [str(r) for r in regions[region_codes]]
    pairs = [
        (str(regions[c // len(managers)]), str(managers[c % len(managers)])) for c in pair_codes
    ]
    home = home_regions(facts, regions, managers, pairs)
    sales_t = month_targets(targets, month, region_names, pairs, home, "sales_target")
    new_t = month_targets(targets, month, region_names, pairs, home, "new_clients_target")

    by_region = pd.concat(
        [
            _frame({"region": region_names}, figures(region_view)).assign(
                sales_target=pd.array(sales_t[0], dtype="Int64"),
                new_clients_target=pd.array(new_t[0], dtype="Int64"),
            ),
            _frame({"region": [ALL]}, figures(view_of_all(lines, facts))).assign(
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
        home=home,
    )
