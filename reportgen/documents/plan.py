"""The account plan: one client's position, value, goal, people, opportunities and next steps.

:func:`plan_view` turns the month's :class:`~reportgen.analysis.pipeline.Analysis` and the loaded
:class:`~reportgen.inputs.model.Dataset` into the view-model ``templates/plan.html`` renders. It is
pure and returns plain JSON data (money in integer cents, shares as fractions, dates as
``"YYYY-MM-DD"``, months as ``"YYYY-MM"``), so the orchestrator can fingerprint it. Figures the
analysis already has (current value, potential, share of wallet, class, tier, stage) are taken
from ``analysis.clients`` - the tiers.xlsx row - never recomputed, so a plan always agrees with
the workbooks. Sentences are built here, in the document's language, because each one carries
figures the reader must be able to trace.

Decisions where SPEC leaves room:

* **Growth on last year** is T12M against months M−23..M−12. It is blank when the data starts
  after M−23 (the comparison year is not fully covered) or when the year before had no net
  sales (nothing to compare with).
* **Profit** is the sum over the client's T12M lines of profit, else amount − cost (as the KPIs
  do). It is blank when a T12M line has neither, or when no sales line carries either.
* **The 24-month chart** draws M−23..M; the prior-year line is the same months a year earlier.
  Months before the first month of data - the data set's, or the client's first sales line,
  whichever is later - are gaps, not zeros: before then the client was not buying from us yet
  or we do not know. The prior-year line is left out when every month of it is a gap.
* **Product mix**: T12M net sales per product, the 8 largest, then "Other products" for the
  rest, then "Product not given" for lines whose product is blank.
* **The goal**: Major and Named aim at share of wallet + ``share_of_wallet_uplift`` (capped at
  the whole potential). Where the potential is unknown, or the client already buys as much as
  the potential says (share ≥ 100%, so the estimate is out of date), the goal falls back to
  sales growth of ``sales_growth_target``, as for the other tiers, and the plan says why. A
  client with no T12M sales has no base to grow from: its goal is a first order.
* **Service** counts feedback dated in T12M; *open* complaints are every unresolved complaint
  dated up to M, whatever its age (the lifecycle's at-risk rule counts the same ones).
* **Low share of wallet** (cross-sell / up-sell suggestion): a Major or Named client whose share
  of wallet is below :data:`LOW_SHARE_OF_WALLET`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any, TypeVar, cast

import numpy as np
import pandas as pd
from babel.dates import format_date

from reportgen.analysis.lifecycle import REASONS, reason_details
from reportgen.analysis.periods import day_ordinal, month_end, ordinal
from reportgen.analysis.pipeline import Analysis
from reportgen.analysis.tiers import KEY_TIERS
from reportgen.documents import fmt
from reportgen.documents.charts.trend import sales_trend
from reportgen.errors import DataError
from reportgen.i18n import gettext, label, ngettext, pgettext
from reportgen.inputs.config import Config
from reportgen.inputs.model import Dataset
from reportgen.inputs.schema import GATES, QUESTIONS

#: The template an account plan is rendered with.
PLAN_TEMPLATE = "plan.html"
#: Months on the sales chart (M−23..M).
TREND_MONTHS = 24
#: Products the mix names before "Other products".
MIX_TOP = 8
#: A Major or Named client below this share of wallet gets a cross-sell / up-sell suggestion.
LOW_SHARE_OF_WALLET = 0.5
#: Risks the first page lists.
TOP_RISKS = 3
#: The tier analysis' coverage codes → the documents' glossary codes.
COVERAGE_CODES: dict[str, str] = {
    "1:1": "one_to_one", "1:few": "one_to_few", "1:many": "one_to_many",
    "call_centre": "telesales",
}
#: Buying roles in the order the relationship map lists them (the buying centre first).
ROLE_ORDER: tuple[str, ...] = ("decision_maker", "business", "technical", "finance", "user")
#: Roles whose supporter carries weight (the screen's has_supporter gives them 5).
KEY_ROLES: frozenset[str] = frozenset({"decision_maker", "business"})
#: Statuses of an Actions row that mean it is finished (compared lower-case).
DONE_STATUSES: frozenset[str] = frozenset(
    {"done", "closed", "complete", "completed", "finished", "完成", "已完成", "关闭", "已关闭"}
)
#: Complaint categories and the department answering for each (SPEC, "Month KPIs").
CATEGORIES: tuple[str, ...] = (
    "supply", "ordering", "delivery", "market", "visit_service", "other",
)
#: Separators between competitor names in the Clients sheet's competitors cell.
_COMPETITOR_SPLIT = re.compile(r"[;；,，、\n]+")
_MONTH_PATTERNS = {"en": "MMM y", "zh": "y年M月"}

T = TypeVar("T")


# ----------------------------------------------------------------------------- public API


def default_plan_clients(analysis: Analysis) -> list[str]:
    """Major then Named clients, each by current value (highest first), then client_id."""
    rows = analysis.clients
    key = rows[rows["tier"].isin(KEY_TIERS)]
    order = sorted(
        zip(key["tier"], key["current_value"], key["client_id"], strict=True),
        key=lambda r: (KEY_TIERS.index(r[0]), -_int_or(r[1], 0), r[2]),
    )
    return [client_id for _, _, client_id in order]


def plan_document_title(view: Mapping[str, Any]) -> str:
    """The plan's title for the PDF metadata: "Account plan: <client> (<id>)"."""
    return str(view["pdf_title"])


def plan_view(
    analysis: Analysis, dataset: Dataset, client_id: str, config: Config, lang: str
) -> dict[str, Any]:
    """Everything ``plan.html`` shows for one client, as plain JSON data in ``lang``."""
    ctx = _Context.make(analysis, dataset, client_id, config, lang)
    header = _header(ctx)
    value = _value(ctx)
    goal = _goal(ctx)
    relationship = _relationship(ctx)
    opportunities = _opportunities(ctx)
    competitors = _competitors(ctx, opportunities["rows"])
    service = _service(ctx)
    credit = _credit(ctx)
    risks = _risks(ctx, header, value, relationship)
    actions = _actions(ctx, header, relationship, opportunities)
    name = header["client"]["name"]
    return {
        "document_title": name,
        "pdf_title": gettext("Account plan: %(client)s (%(id)s)", lang)
        % {"client": name, "id": client_id},
        "month": str(analysis.month),
        "client_id": client_id,
        "currency": ctx.currency,
        "header": header,
        "glance": _glance(header, value, goal, risks),
        "value": value,
        "goal": goal,
        "relationship": relationship,
        "opportunities": opportunities,
        "competitors": competitors,
        "service": service,
        "credit": credit,
        "risks": risks,
        "actions": actions,
    }


# ----------------------------------------------------------------------------- context


@dataclass(frozen=True)
class _Sales:
    """The Sales table as arrays, with each client's line positions (built once per table)."""

    by_client: dict[str, np.ndarray]
    month: np.ndarray
    amount: np.ndarray
    gross_profit: np.ndarray
    gp_known: np.ndarray
    product: np.ndarray
    has_product: bool


@dataclass(frozen=True)
class _Context:
    """One plan's inputs: the client's rows of every table, the month and the formatters."""

    analysis: Analysis
    dataset: Dataset
    config: Config
    lang: str
    currency: str
    client_id: str
    row: Mapping[Any, Any]  # the tiers.xlsx row (analysis.clients)
    life: pd.Series  # the lifecycle row
    client: Mapping[Any, Any]  # the Clients sheet row
    last: int  # M as a month ordinal
    end_day: int  # the last day of M as a day ordinal

    @classmethod
    def make(cls, analysis: Analysis, dataset: Dataset, client_id: str, config: Config,
             lang: str) -> _Context:
        rows = _by_id(analysis.clients)
        if client_id not in rows:
            raise DataError(
                f"there is no client {client_id!r} in the Clients sheet: check the --client "
                "option against the client_id column")
        clients = dataset.table("clients")
        client = clients.iloc[int(_table_rows(clients, "clients")[client_id][0])].to_dict()
        return cls(
            analysis=analysis, dataset=dataset, config=config, lang=lang,
            currency=config.format.currency, client_id=client_id,
            row=analysis.clients.iloc[rows[client_id]].to_dict(),
            life=cast(pd.Series, analysis.life.loc[client_id]), client=client,
            last=ordinal(analysis.month), end_day=day_ordinal(month_end(analysis.month)),
        )

    def money(self, cents: Any) -> str:
        """An amount as the documents write it."""
        return fmt.money(cents, self.currency, self.lang)

    def pct(self, fraction: Any, digits: int = 1) -> str:
        """A share as a percentage."""
        return fmt.pct(fraction, digits, self.lang)

    def date(self, value: Any) -> str:
        """A day in words."""
        return fmt.date_label(value, self.lang)

    def rows(self, kind: str) -> pd.DataFrame | None:
        """The client's rows of a table; None when the input had no such sheet."""
        if not self.dataset.has(kind):
            return None
        table = self.dataset.table(kind)
        positions = _table_rows(table, kind).get(self.client_id)
        if positions is None:
            return table.iloc[0:0]
        return table.iloc[positions]

    def sales(self) -> _Sales:
        """The Sales table as arrays (cached per table)."""
        return _sales_arrays(self.dataset.table("sales"), self.dataset.has_column("sales",
                                                                                   "product"))


# One entry per key, valid while the frame it was built from is the same object (and the tag,
# the report month say, is equal): a plan run builds each index once and reuses it for every
# client - a per-client scan of a million sales lines would not scale - and a long-running
# process (watch) holds at most one generation of indexes.
_CACHE: dict[str, tuple[object, object, Any]] = {}


def _cached(key: str, owner: object, build: Callable[[], T], tag: object = None) -> T:
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is owner and hit[1] == tag:
        return cast(T, hit[2])
    value = build()
    _CACHE[key] = (owner, tag, value)
    return value


def _table_rows(table: pd.DataFrame, kind: str) -> dict[str, np.ndarray]:
    """Row positions of the ``kind`` table per client_id."""
    return _cached(f"rows:{kind}", table,
                   lambda: {str(client_id): np.asarray(rows) for client_id, rows
                            in table.groupby("client_id", sort=False).indices.items()})


def _by_id(clients: pd.DataFrame) -> dict[str, int]:
    """Position of each client_id in ``analysis.clients``."""
    return _cached("by_id", clients,
                   lambda: {c: i for i, c in enumerate(clients["client_id"].tolist())})


def _sales_arrays(sales: pd.DataFrame, has_product: bool) -> _Sales:
    def build() -> _Sales:
        dates = sales["date"].to_numpy(dtype="datetime64[ns]")
        months = dates.astype("datetime64[M]").astype(np.int64)
        amount = sales["amount"].to_numpy(dtype=np.int64, na_value=0)
        profit = _column(sales, "profit", "Int64").astype("Int64")
        cost = _column(sales, "cost", "Int64").astype("Int64")
        p_known = profit.notna().to_numpy(dtype=bool)
        c_known = cost.notna().to_numpy(dtype=bool)
        gp = np.where(p_known, profit.to_numpy(dtype=np.int64, na_value=0),
                      amount - cost.to_numpy(dtype=np.int64, na_value=0))
        return _Sales(
            by_client=_table_rows(sales, "sales"), month=months, amount=amount, gross_profit=gp,
            gp_known=p_known | c_known,
            product=_column(sales, "product").to_numpy(dtype=object), has_product=has_product,
        )

    return _cached("sales", sales, build, tag=has_product)


def _column(frame: pd.DataFrame, name: str, dtype: str = "object") -> pd.Series:
    if name in frame.columns:
        return frame[name]
    return pd.Series([None] * len(frame), index=frame.index, dtype=dtype)


def _blank(value: Any) -> bool:
    return fmt.is_blank(value)


def _int_or(value: Any, default: Any) -> Any:
    return default if _blank(value) else int(value)


def _float_or_none(value: Any) -> float | None:
    return None if _blank(value) else float(value)


def _text(value: Any) -> str | None:
    """Spreadsheet text as str, None when blank."""
    if _blank(value):
        return None
    text = str(value).strip()
    return text or None


def _iso(value: Any) -> str | None:
    """A date as "YYYY-MM-DD", None when blank."""
    return None if _blank(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def _month_text(month_ordinal: int) -> str:
    return str(pd.Period(ordinal=month_ordinal, freq="M"))


def _month_short(month_ordinal: int, lang: str) -> str:
    """A chart's month label: "Oct 2026" / "2026年10月"."""
    day = pd.Period(ordinal=month_ordinal, freq="M").start_time.date()
    return format_date(day, _MONTH_PATTERNS[lang], locale=fmt.LOCALES[lang])


def _ratio(numerator: int, denominator: int) -> float | None:
    """The ratio numerator / |denominator|; None when the denominator is 0."""
    return None if denominator == 0 else numerator / abs(denominator)


def _round_cents(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _decimal(value: float) -> Decimal:
    """A config fraction as the decimal the user wrote (0.05, not the nearest binary float)."""
    return Decimal(repr(float(value)))


# ----------------------------------------------------------------------------- glossary


@lru_cache(maxsize=4)
def _words(lang: str) -> dict[str, dict[str, str]]:
    """Words for codes that are not in the shared glossary, in ``lang``."""
    return {
        "quadrant": {
            "HH": pgettext("quadrant", "high current value, high potential", lang),
            "HL": pgettext("quadrant", "high current value, low potential", lang),
            "LH": pgettext("quadrant", "low current value, high potential", lang),
            "LL": pgettext("quadrant", "low current value, low potential", lang),
        },
        "named_reason": {
            "maintain": pgettext("named_reason", "maintain", lang),
            "develop": pgettext("named_reason", "develop", lang),
        },
        "size": {
            "small": pgettext("size", "Small", lang),
            "medium": pgettext("size", "Medium", lang),
            "large": pgettext("size", "Large", lang),
        },
        "buying_role": {
            "decision_maker": pgettext("buying_role", "Decision-maker", lang),
            "technical": pgettext("buying_role", "Technical", lang),
            "business": pgettext("buying_role", "Business", lang),
            "finance": pgettext("buying_role", "Finance", lang),
            "user": pgettext("buying_role", "User", lang),
        },
        "attitude": {
            "supporter": pgettext("attitude", "Supporter", lang),
            "neutral": pgettext("attitude", "Neutral", lang),
            "opponent": pgettext("attitude", "Opponent", lang),
        },
        "category": {
            "supply": pgettext("category", "Supply", lang),
            "ordering": pgettext("category", "Ordering", lang),
            "delivery": pgettext("category", "Delivery", lang),
            "market": pgettext("category", "Market", lang),
            "visit_service": pgettext("category", "Visits and service", lang),
            "other": pgettext("category", "Other", lang),
        },
        "department": {
            "supply": pgettext("department", "Sales department", lang),
            "ordering": pgettext("department", "Order desk", lang),
            "delivery": pgettext("department", "Logistics", lang),
            "market": pgettext("department", "Market management", lang),
            "visit_service": pgettext("department", "Account manager", lang),
            "other": pgettext("department", "Other", lang),
        },
        "opp_stage": {
            "lead": pgettext("opp_stage", "Lead", lang),
            "qualified": pgettext("opp_stage", "Qualified", lang),
            "proposal": pgettext("opp_stage", "Proposal", lang),
            "negotiation": pgettext("opp_stage", "Negotiation", lang),
            "won": pgettext("opp_stage", "Won", lang),
            "lost": pgettext("opp_stage", "Lost", lang),
        },
        "question": {
            "need_clear": pgettext("question", "need is clear", lang),
            "budget_confirmed": pgettext("question", "budget confirmed", lang),
            "timing_known": pgettext("question", "timing known", lang),
            "offer_fit": pgettext("question", "our offer fits", lang),
            "capability": pgettext("question", "we can deliver", lang),
            "relationship": pgettext("question", "relationship", lang),
            "differentiation": pgettext("question", "differentiation", lang),
            "price_position": pgettext("question", "price position", lang),
            "has_supporter": pgettext("question", "has a supporter", lang),
            "margin": pgettext("question", "margin", lang),
            "capital_risk": pgettext("question", "capital risk", lang),
            "strategic_fit": pgettext("question", "strategic fit", lang),
            "no_conflict": pgettext("question", "no conflict", lang),
        },
        "migration": {
            "up": pgettext("migration", "up", lang),
            "down": pgettext("migration", "down", lang),
            "same": pgettext("migration", "unchanged", lang),
            "new": pgettext("migration", "new this month", lang),
            "lost": pgettext("migration", "lost this month", lang),
        },
    }


def _word(ctx: _Context, kind: str, code: Any) -> str | None:
    """The word for a code; the code itself when unknown, None when blank."""
    text = _text(code)
    if text is None:
        return None
    return _words(ctx.lang)[kind].get(text, text)


def _join(items: Iterable[str], lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(items)


# ----------------------------------------------------------------------------- header


def _header(ctx: _Context) -> dict[str, Any]:
    """Who the client is, its tier (and why), coverage, stage (and why), relationship."""
    row, client, lang = ctx.row, ctx.client, ctx.lang
    tier = str(row["tier"])
    relationship = _text(client.get("relationship"))
    flags = []
    if tier in KEY_TIERS and relationship == "transactional":
        flags.append(gettext(
            "A key account with a transactional relationship: a key account should be a "
            "partner.", lang))
    coverage = COVERAGE_CODES.get(str(row["coverage"]), "telesales")
    return {
        "client": {
            "id": ctx.client_id,
            "name": _text(client.get("name")) or ctx.client_id,
            "region": _text(client.get("region")),
            "industry": _text(client.get("industry")),
            "size": _word(ctx, "size", client.get("size")),
            "account_manager": _text(client.get("account_manager")),
            "credit_rating": _text(client.get("credit_rating")),
            "created": _iso(client.get("created")),
            "relationship": relationship,
        },
        "tier": _tier(ctx),
        "coverage": coverage,
        "coverage_text": _coverage_text(coverage, lang),
        "stage": _stage(ctx),
        "relationship_flags": flags,
    }


def _coverage_text(code: str, lang: str) -> str:
    texts = {
        "one_to_one": gettext("a dedicated account manager; a team for strategic clients", lang),
        "one_to_few": gettext("an account manager looking after a few clients", lang),
        "one_to_many": gettext("an account manager looking after many clients", lang),
        "telesales": gettext("call centre / tele-sales", lang),
    }
    return texts[code]


def _tier(ctx: _Context) -> dict[str, Any]:
    """The tier with the figures that decide it, as sentences a reader can check."""
    row, lang, cfg = ctx.row, ctx.lang, ctx.config.tiers
    threshold = ctx.analysis.high_potential_threshold
    abc = _text(row["abc_class"])
    rank = _int_or(row["rank"], None)
    ranked = int(ctx.analysis.clients["rank"].notna().sum())
    before = _float_or_none(row["cum_share_before"])
    why: list[str] = []
    facts = {"rank": rank, "ranked": ranked, "before": ctx.pct(before),
             "a": ctx.pct(cfg.class_a, 0), "b": ctx.pct(cfg.class_b, 0)}
    if abc == "A":
        why.append(gettext(
            "Class A (top %(a)s of value): ranked %(rank)s of %(ranked)s clients with sales; "
            "the clients ranked above it hold %(before)s of current value, under %(a)s.",
            lang) % facts)
    elif abc == "B":
        why.append(gettext(
            "Class B: ranked %(rank)s of %(ranked)s clients with sales; the clients ranked above "
            "it hold %(before)s of current value, from %(a)s up to %(b)s.", lang) % facts)
    elif abc == "C":
        why.append(gettext(
            "Class C: ranked %(rank)s of %(ranked)s clients with sales; the clients ranked above "
            "it hold %(before)s of current value, %(b)s or more.", lang) % facts)
    else:
        why.append(gettext("No ABC class: no net sales in the last 12 months.", lang))
    untapped = _int_or(row["untapped_potential"], 0)
    if not bool(row["potential_known"]):
        why.append(gettext(
            "Potential value unknown, so untapped potential counts as 0: not high potential.",
            lang))
    elif threshold is None:
        why.append(gettext(
            "No client is class A, so there is no high-potential threshold.", lang))
    elif bool(row["high_potential"]):
        why.append(gettext(
            "Untapped potential %(untapped)s ≥ the high-potential threshold %(threshold)s (the "
            "current value of the smallest class-A client).", lang)
            % {"untapped": ctx.money(untapped), "threshold": ctx.money(threshold)})
    else:
        why.append(gettext(
            "Untapped potential %(untapped)s is below the high-potential threshold "
            "%(threshold)s (the current value of the smallest class-A client).", lang)
            % {"untapped": ctx.money(untapped), "threshold": ctx.money(threshold)})
    rule_tier = str(ctx.analysis.tiers.at[ctx.client_id, "rule_tier"])
    manual = row["tier_source"] == "manual"
    quadrant = str(row["quadrant"])
    if manual:
        conclusion = gettext(
            "Tier set by hand (tier_override in the Clients sheet): %(tier)s. By the rules it "
            "would be %(rule)s.", lang) % {
                "tier": label("tier", str(row["tier"]), lang),
                "rule": label("tier", rule_tier, lang)}
    else:
        conclusion = gettext("So: %(tier)s (%(quadrant)s).", lang) % {
            "tier": _tier_name(ctx, str(row["tier"]), _text(row["named_reason"])),
            "quadrant": _words(lang)["quadrant"][quadrant]}
    previous = _text(row["previous_tier"])
    migration = _text(row["migration"])
    return {
        "code": str(row["tier"]),
        "name": _tier_name(ctx, str(row["tier"]), _text(row["named_reason"])),
        "source": str(row["tier_source"]),
        "manual": manual,
        "rule_tier": rule_tier,
        "quadrant": quadrant,
        "quadrant_text": _words(lang)["quadrant"][quadrant],
        "named_reason": _text(row["named_reason"]),
        "abc_class": abc,
        "why": why,
        "conclusion": conclusion,
        "previous": previous,
        "migration": migration,
        "migration_text": _migration_text(ctx, previous, migration),
    }


def _tier_name(ctx: _Context, tier: str, named_reason: str | None) -> str:
    """"Named account — maintain" for Named, the glossary word otherwise."""
    name = label("tier", tier, ctx.lang)
    if tier == "named" and named_reason:
        return f"{name} — {_words(ctx.lang)['named_reason'][named_reason]}"
    return name


def _migration_text(ctx: _Context, previous: str | None, migration: str | None) -> str | None:
    lang = ctx.lang
    if migration in ("up", "down") and previous:
        return gettext("%(direction)s from %(previous)s last month", lang) % {
            "direction": _words(lang)["migration"][migration],
            "previous": label("tier", previous, lang)}
    if migration in ("new", "lost", "same"):
        return _words(lang)["migration"][migration]
    return None


def _stage(ctx: _Context) -> dict[str, Any]:
    """The lifecycle stage and the facts behind it."""
    life, lang = ctx.life, ctx.lang
    stage = str(life["stage"])
    reasons: list[dict[str, str]] = []
    if stage == "at_risk":
        reasons = _risk_reasons(ctx)
    elif stage == "potential":
        reasons = [{"code": "potential", "text": gettext("No purchase yet.", lang)}]
    elif stage == "new":
        reasons = [{"code": "new", "text": gettext(
            "First purchase on %(date)s, within the last %(months)s months.", lang) % {
                "date": ctx.date(life["first_purchase"]),
                "months": ctx.config.lifecycle.new_months}}]
    elif stage == "lost":
        reasons = [{"code": "lost", "text": gettext(
            "No purchase in the last 12 months; the last was on %(date)s.", lang) % {
                "date": ctx.date(life["last_purchase"])}}]
    else:
        reasons = [{"code": "stable", "text": gettext(
            "Buying regularly, with none of the at-risk signals.", lang)}]
    return {
        "code": stage,
        "reasons": reasons,
        "first_purchase": _iso(life["first_purchase"]),
        "last_purchase": _iso(life["last_purchase"]),
    }


def _risk_reasons(ctx: _Context) -> list[dict[str, str]]:
    """The at-risk signals the client shows (whatever its stage), with their figures."""
    lang = ctx.lang
    details = reason_details(ctx.life, ctx.config.lifecycle)
    out = []
    for reason in REASONS:
        d = details.get(reason)
        if d is None:
            continue
        if reason == "sales_drop":
            text = gettext(
                "Sales of the last 3 months, %(recent)s, are %(ratio)s of the same months a "
                "year earlier (%(base)s): at or below %(limit)s.", lang) % {
                    "recent": ctx.money(d["recent_sales"]), "base": ctx.money(d["base_sales"]),
                    "ratio": ctx.pct(d["ratio"]), "limit": ctx.pct(d["limit_ratio"], 0)}
        elif reason == "purchase_gap":
            text = gettext(
                "%(days)s days since the last purchase: more than %(multiple)s × the usual gap "
                "of %(gap)s days between purchases.", lang) % {
                    "days": d["days_since_last_purchase"],
                    "multiple": fmt.number(ctx.config.lifecycle.gap_multiple, 1, lang),
                    "gap": fmt.number(d["median_gap_days"], 1, lang)}
        elif reason == "open_complaint":
            count = d["open_complaints"]
            text = ngettext("%(count)s unresolved complaint.", "%(count)s unresolved complaints.",
                            count, lang) % {"count": count}
        else:
            text = gettext(
                "Receivables of %(receivables)s are over the credit limit of %(limit)s.",
                lang) % {"receivables": ctx.money(d["receivables"]),
                         "limit": ctx.money(d["credit_limit"])}
        out.append({"code": reason, "text": text})
    return out


# ----------------------------------------------------------------------------- value


def _value(ctx: _Context) -> dict[str, Any]:
    """T12M sales and profit, potential, share of wallet, growth, class, ranks, chart, mix."""
    row, lang = ctx.row, ctx.lang
    sales = ctx.sales()
    positions = sales.by_client.get(ctx.client_id, np.zeros(0, dtype=np.int64))
    months = sales.month[positions]
    amount = sales.amount[positions]
    last = ctx.last
    in_t12m = (months >= last - 11) & (months <= last)
    current = int(row["current_value"])
    notes: list[str] = []

    # Growth: T12M against the twelve months before, when the data covers all of them.
    data_start, gp_in_input = _data_facts(ctx, sales)
    prior: int | None = None
    if data_start <= last - 23:
        prior = int(amount[(months >= last - 23) & (months <= last - 12)].sum())
    else:
        notes.append(gettext(
            "Growth on last year is blank: the sales data starts in %(month)s, so the 12 months "
            "before the last 12 are not fully covered.", lang) % {
                "month": fmt.month_label(_month_text(data_start), lang)})
    growth = None if prior is None else _ratio(current - prior, prior)
    if prior == 0:
        notes.append(gettext(
            "Growth on last year is blank: no net sales in the 12 months before.", lang))

    profit, profit_note = _profit(ctx, sales, positions[in_t12m], gp_in_input)
    if profit_note:
        notes.append(profit_note)
    if not bool(row["potential_known"]):
        notes.append(gettext(
            "The potential value is not given (potential_value in the Clients sheet), so share "
            "of wallet and untapped potential are unknown.", lang))

    region_rank, region_count = _region_rank(ctx)
    return {
        "current": current,
        "prior": prior,
        "variance": None if prior is None else current - prior,
        "growth": growth,
        "profit": profit,
        "margin": None if profit is None or current <= 0 else profit / current,
        "potential": _int_or(row["potential_value"], None),
        "potential_known": bool(row["potential_known"]),
        "untapped": _int_or(row["untapped_potential"], None),
        "share_of_wallet": _float_or_none(row["share_of_wallet"]),
        "abc_class": _text(row["abc_class"]),
        "rank": _int_or(row["rank"], None),
        "ranked": int(ctx.analysis.clients["rank"].notna().sum()),
        "region": _text(row["region"]),
        "region_rank": region_rank,
        "region_ranked": region_count,
        "notes": notes,
        "trend": _trend(ctx, months, amount, data_start),
        "mix": _mix(ctx, sales, positions[in_t12m], current),
    }


def _data_facts(ctx: _Context, sales: _Sales) -> tuple[int, bool]:
    """The first month of sales data up to M, and whether any line up to M has cost or profit."""

    def build() -> tuple[int, bool]:
        up_to_m = sales.month <= ctx.last
        # NaT dates are the smallest int64 month: not data.
        dated = up_to_m & (sales.month != np.iinfo(np.int64).min)
        start = int(sales.month[dated].min()) if dated.any() else ctx.last
        return start, bool(sales.gp_known[dated].any())

    return _cached("facts", sales, build, tag=ctx.last)


def _profit(ctx: _Context, sales: _Sales, lines: np.ndarray,
            gp_in_input: bool) -> tuple[int | None, str | None]:
    """T12M gross profit, blank (with the reason) unless every T12M line has cost or profit."""
    lang = ctx.lang
    known = sales.gp_known[lines]
    if not gp_in_input:
        return None, gettext(
            "Profit is blank: the Sales sheet has no cost or profit column filled in.", lang)
    missing = int((~known).sum())
    if missing:
        return None, ngettext(
            "Profit is blank: %(missing)s of the %(lines)s sales line in the last 12 months has "
            "no cost or profit.",
            "Profit is blank: %(missing)s of the %(lines)s sales lines in the last 12 months "
            "have no cost or profit.", len(lines), lang) % {
                "missing": missing, "lines": len(lines)}
    return int(sales.gross_profit[lines].sum()), None


def _region_rank(ctx: _Context) -> tuple[int | None, int | None]:
    """Rank in region and the region's count, among its clients with current value > 0."""
    clients = ctx.analysis.clients

    def build() -> tuple[dict[str, int], dict[str, int]]:
        positive = (clients["current_value"] > 0).fillna(False).to_numpy(dtype=bool)
        ranked = clients[positive & clients["region"].notna().to_numpy(dtype=bool)]
        groups: dict[str, list[tuple[int, str]]] = {}
        for region, value, cid in zip(ranked["region"], ranked["current_value"],
                                      ranked["client_id"], strict=True):
            groups.setdefault(str(region), []).append((-int(value), str(cid)))
        ranks: dict[str, int] = {}
        for members in groups.values():
            members.sort()
            ranks.update((cid, i) for i, (_, cid) in enumerate(members, start=1))
        return ranks, {region: len(members) for region, members in groups.items()}

    ranks, counts = _cached("region_rank", clients, build)
    region = _text(ctx.row["region"])
    if region is None:
        return None, None
    return ranks.get(ctx.client_id), counts.get(region, 0)


def _trend(ctx: _Context, months: np.ndarray, amount: np.ndarray,
           data_start: int) -> dict[str, Any]:
    """Monthly net sales M−23..M and the same months a year earlier, with the chart."""
    lang, last = ctx.lang, ctx.last
    first = last - (TREND_MONTHS + 12) + 1  # M−35: the prior-year line's first month
    keep = (months >= first) & (months <= last)
    totals = np.zeros(TREND_MONTHS + 12, dtype=np.int64)
    np.add.at(totals, months[keep] - first, amount[keep])
    client_start = int(months.min()) if len(months) else last + 1
    start = max(data_start, client_start)
    series = [None if first + i < start else int(v) for i, v in enumerate(totals.tolist())]
    # Month i of the chart is M−23+i; a year earlier is M−35+i, series[i].
    actual, prior = series[12:], series[:TREND_MONTHS]
    ords = list(range(last - TREND_MONTHS + 1, last + 1))
    has_prior = any(v is not None for v in prior)
    chart = None
    reason = None
    if any(v is not None and v != 0 for v in actual):
        drawn = sales_trend(
            [_month_short(m, lang) for m in ords],
            [None if v is None else v / 100 for v in actual],
            None,
            lang=lang,
            title="",
            prior_year=[None if v is None else v / 100 for v in prior] if has_prior else None,
        )
        if drawn is not None:
            chart = {"data_uri": drawn.data_uri, "alt": drawn.alt}
    if chart is None:
        reason = gettext("No sales in the last 24 months, so there is no sales chart.", lang)
    return {
        "months": [_month_text(m) for m in ords],
        "actual": actual,
        "prior_year": prior if has_prior else None,
        "chart": chart,
        "reason": reason,
    }


def _mix(ctx: _Context, sales: _Sales, lines: np.ndarray, current: int) -> dict[str, Any]:
    """T12M net sales per product: the largest 8, then the rest as "Other products"."""
    lang = ctx.lang
    empty = {"rows": [], "products": 0}
    if not sales.has_product:
        return {**empty, "reason": gettext(
            "The Sales sheet has no product column, so there is no product mix.", lang)}
    if len(lines) == 0:
        return {**empty, "reason": gettext(
            "No sales in the last 12 months, so there is no product mix.", lang)}
    totals: dict[str, int] = {}
    unnamed = 0
    for product, cents in zip(sales.product[lines].tolist(), sales.amount[lines].tolist(),
                              strict=True):
        name = _text(product)
        if name is None:
            unnamed += int(cents)
        else:
            totals[name] = totals.get(name, 0) + int(cents)
    ranked = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    top, rest = ranked[:MIX_TOP], ranked[MIX_TOP:]
    rows: list[dict[str, Any]] = [
        {"product": name, "sales": cents, "other": False} for name, cents in top]
    if rest:
        rows.append({"product": gettext("Other products", lang),
                     "sales": sum(c for _, c in rest), "other": True, "count": len(rest)})
    if unnamed:
        rows.append({"product": gettext("Product not given", lang), "sales": unnamed,
                     "other": True, "count": 0})
    # Bars are drawn in the table (CSS widths), cheaper to render than a chart image.
    widest = max((r["sales"] for r in rows), default=0)
    for row in rows:
        row["share"] = row["sales"] / current if current > 0 else None
        row["bar"] = max(row["sales"], 0) / widest if widest > 0 else 0.0
        row.setdefault("count", 1)
    return {"rows": rows, "products": len(totals), "reason": None}


# ----------------------------------------------------------------------------- goal


def _goal(ctx: _Context) -> dict[str, Any]:
    """The goal for the client's tier: a share-of-wallet target, else absolute sales growth."""
    row, lang, cfg = ctx.row, ctx.lang, ctx.config.tiers
    tier = str(row["tier"])
    current = int(row["current_value"])
    potential = _int_or(row["potential_value"], None)
    share = _float_or_none(row["share_of_wallet"])
    fallback = None
    if tier in KEY_TIERS:
        if share is not None and share < 1 and potential is not None:
            uplift = _decimal(cfg.share_of_wallet_uplift)
            # current + potential × uplift: the same as (share + uplift) × potential, exactly.
            target_sales = min(current + _round_cents(Decimal(potential) * uplift), potential)
            target_share = target_sales / potential
            capped = target_sales == potential
            facts = {"current": ctx.pct(share), "target": ctx.pct(target_share),
                     "sales": ctx.money(target_sales), "more": ctx.money(target_sales - current),
                     "uplift": fmt.pp(cfg.share_of_wallet_uplift * 100, 1, lang)}
            text = (gettext(
                "Raise share of wallet from %(current)s to %(target)s, the whole potential: "
                "sales of %(sales)s over 12 months, %(more)s more than now.", lang)
                if capped else gettext(
                "Raise share of wallet from %(current)s to %(target)s (%(uplift)s): sales of "
                "%(sales)s over 12 months, %(more)s more than now.", lang)) % facts
            return {"type": "share_of_wallet", "current_share": share,
                    "target_share": target_share, "uplift": cfg.share_of_wallet_uplift,
                    "current_sales": current, "target_sales": target_sales,
                    "increase": target_sales - current, "text": text, "fallback": None,
                    "short": gettext("Share of wallet %(target)s", lang) % facts}
        if potential is None or potential <= 0:
            fallback = gettext(
                "The potential value is unknown, so no share-of-wallet goal can be set; until "
                "it is entered, the goal is sales growth.", lang)
        else:
            fallback = gettext(
                "Sales already reach %(share)s of the potential value, so the estimate looks "
                "out of date; until it is updated, the goal is sales growth.", lang) % {
                    "share": ctx.pct(share)}
    growth = _decimal(cfg.sales_growth_target)
    if current <= 0:
        return {"type": "first_order", "current_share": share, "target_share": None,
                "uplift": None, "current_sales": current, "target_sales": None,
                "increase": None, "fallback": fallback,
                "text": gettext(
                    "No sales in the last 12 months to grow from: the goal is a first order "
                    "(a win-back for a former client).", lang),
                "short": gettext("A first order", lang)}
    target_sales = _round_cents(Decimal(current) * (1 + growth))
    facts = {"growth": ctx.pct(cfg.sales_growth_target, 0), "current": ctx.money(current),
             "sales": ctx.money(target_sales), "more": ctx.money(target_sales - current)}
    return {"type": "absolute_sales", "current_share": share, "target_share": None,
            "uplift": None, "current_sales": current, "target_sales": target_sales,
            "growth_target": cfg.sales_growth_target, "increase": target_sales - current,
            "fallback": fallback,
            "text": gettext(
                "Grow sales by %(growth)s: from %(current)s to %(sales)s over 12 months, "
                "%(more)s more.", lang) % facts,
            "short": gettext("Sales growth +%(growth)s", lang) % facts}


# ----------------------------------------------------------------------------- people


def _relationship(ctx: _Context) -> dict[str, Any]:
    """The contacts (level, buying role, attitude) and the gaps in the relationship."""
    lang = ctx.lang
    contacts = ctx.rows("contacts")
    if contacts is None:
        return {"rows": [], "gaps": [], "has_sheet": False, "no_supporter": False,
                "no_decision_maker": False, "opponents": [],
                "note": gettext(
                    "There is no Contacts sheet in the input, so the relationship map is empty.",
                    lang)}
    knows_attitude = ctx.dataset.has_column("contacts", "attitude")
    rows = []
    for record in contacts.to_dict("records"):
        role = _text(record.get("buying_role"))
        rows.append({
            "name": _text(record.get("name")) or "",
            "title": _text(record.get("title")),
            "level": _text(record.get("level")),
            "buying_role": role,
            "buying_role_text": _word(ctx, "buying_role", role),
            "attitude": _text(record.get("attitude")),
            "attitude_text": _word(ctx, "attitude", record.get("attitude")),
            "last_contact": _iso(record.get("last_contact")),
        })
    rows.sort(key=lambda r: (
        ROLE_ORDER.index(r["buying_role"]) if r["buying_role"] in ROLE_ORDER else len(ROLE_ORDER),
        r["name"]))
    gaps: list[dict[str, str]] = []
    opponents = [r for r in rows if r["attitude"] == "opponent"]
    supporters = [r for r in rows if r["attitude"] == "supporter"]
    no_dm = bool(rows) and not any(r["buying_role"] == "decision_maker" for r in rows)
    no_supporter = bool(rows) and knows_attitude and not supporters
    note = None
    if not rows:
        gaps.append({"code": "no_contacts", "text": gettext(
            "No contacts are recorded for this client.", lang)})
    if no_dm:
        gaps.append({"code": "no_decision_maker", "text": gettext(
            "No decision-maker among the contacts.", lang)})
    if not knows_attitude:
        note = gettext(
            "The Contacts sheet has no attitude column, so supporters and opponents are unknown.",
            lang)
    elif no_supporter:
        gaps.append({"code": "no_supporter", "text": gettext(
            "No supporter among the contacts.", lang)})
    elif supporters and not any(r["buying_role"] in KEY_ROLES for r in supporters):
        gaps.append({"code": "no_key_supporter", "text": gettext(
            "No supporter among the decision-makers and business buyers.", lang)})
    for r in opponents:
        gaps.append({"code": "opponent", "text": gettext(
            "%(name)s (%(role)s) is an opponent.", lang) % {
                "name": r["name"], "role": r["buying_role_text"] or gettext("role unknown", lang)}})
    return {"rows": rows, "gaps": gaps, "has_sheet": True, "no_supporter": no_supporter,
            "no_decision_maker": no_dm or not rows,
            "opponents": [r["name"] for r in opponents], "note": note}


# ----------------------------------------------------------------------------- opportunities


def _opportunities(ctx: _Context) -> dict[str, Any]:
    """Every opportunity of the client: gate scores and passes, verdict, open questions."""
    lang = ctx.lang
    screened = ctx.analysis.opportunities
    if screened is None:
        return {"rows": [], "note": gettext(
            "There is no Opportunities sheet in the input.", lang), "open_value": None,
            "open_weighted": None}
    mine = screened[screened["client_id"] == ctx.client_id]
    rows = []
    for record in mine.to_dict("records"):
        questions = [q for q in str(record["open_questions"] or "").split(", ") if q]
        noes = [q for q in QUESTIONS if not _blank(record[q]) and int(record[q]) == 1]
        stage = _text(record["stage"])
        rows.append({
            "opp_id": str(record["opp_id"]),
            "title": _text(record["title"]) or "",
            "stage": stage,
            "stage_text": _word(ctx, "opp_stage", stage),
            "is_open": bool(record["is_open"]),
            "value": _int_or(record["value"], None),
            "probability": _float_or_none(record["probability_used"]),
            "weighted": _int_or(record["weighted_value"], None),
            "expected_close": _iso(_opportunity_field(ctx, record, "expected_close")),
            "competitor": _text(_opportunity_field(ctx, record, "competitor")),
            "gates": [
                {"gate": gate, "score": _float_or_none(record[gate]),
                 "passed": None if _blank(record[f"{gate}_pass"]) else bool(
                     record[f"{gate}_pass"])}
                for gate in GATES
            ],
            "verdict": str(record["verdict"]),
            "open_questions": [_words(lang)["question"][q] for q in questions],
            "answered_no": [_words(lang)["question"][q] for q in noes],
        })
        rows[-1]["open_questions_text"] = _join(rows[-1]["open_questions"], lang)
        rows[-1]["answered_no_text"] = _join(rows[-1]["answered_no"], lang)
    rows.sort(key=lambda r: (not r["is_open"], -(r["weighted"] or 0), r["opp_id"]))
    open_rows = [r for r in rows if r["is_open"]]
    return {
        "rows": rows,
        "note": None if rows else gettext("No opportunities are recorded for this client.",
                                          lang),
        "open_value": sum(r["value"] or 0 for r in open_rows) if open_rows else None,
        "open_weighted": sum(r["weighted"] or 0 for r in open_rows) if open_rows else None,
    }


def _opportunity_field(ctx: _Context, record: Mapping[Any, Any], column: str) -> Any:
    """A column of the Opportunities sheet the screen does not carry (by opp_id)."""
    table = ctx.dataset.table("opportunities")
    if column not in table.columns:
        return None
    by_opp = _cached(f"opp:{column}", table,
                     lambda: dict(zip(table["opp_id"], table[column], strict=True)))
    return by_opp.get(record["opp_id"])


def _competitors(ctx: _Context, opportunities: list[dict[str, Any]]) -> dict[str, Any]:
    """Competitors named in the Clients sheet and in the client's opportunities."""
    lang = ctx.lang
    found: dict[str, dict[str, Any]] = {}
    cell = _text(ctx.client.get("competitors"))
    for name in _COMPETITOR_SPLIT.split(cell or ""):
        name = name.strip()
        if name:
            found.setdefault(name, {"name": name, "in_clients": True, "opportunities": []})
    for opp in opportunities:
        name = opp["competitor"]
        if name:
            entry = found.setdefault(name, {"name": name, "in_clients": False,
                                            "opportunities": []})
            entry["opportunities"].append(opp["opp_id"])
    rows = list(found.values())
    for row in rows:
        where = [gettext("Clients sheet", lang)] if row["in_clients"] else []
        where += row["opportunities"]
        row["where"] = _join(where, lang)
    return {"rows": rows, "note": None if rows else gettext(
        "No competitors are recorded for this client.", lang)}


# ----------------------------------------------------------------------------- service, credit


def _service(ctx: _Context) -> dict[str, Any]:
    """Complaints by category (and open ones), praise and satisfaction over T12M."""
    lang = ctx.lang
    feedback = ctx.rows("feedback")
    if feedback is None:
        return {"has_sheet": False, "categories": [], "open": [], "complaints": None,
                "open_count": None, "praise": None, "satisfaction": None, "responses": None,
                "note": gettext("There is no Feedback sheet in the input.", lang)}
    dates = feedback["date"].to_numpy(dtype="datetime64[ns]")
    months = dates.astype("datetime64[M]").astype(np.int64)
    days = dates.astype("datetime64[D]").astype(np.int64)
    valid = ~np.isnat(dates)
    in_t12m = valid & (months >= ctx.last - 11) & (months <= ctx.last)
    up_to_m = valid & (days <= ctx.end_day)
    kind = _column(feedback, "type").to_numpy(dtype=object)
    complaint = kind == "complaint"
    resolved = _column(feedback, "resolved", "boolean").astype("boolean").fillna(False).to_numpy(
        dtype=bool)
    category = np.array([c if c in CATEGORIES else "other"
                         for c in _column(feedback, "category").tolist()], dtype=object)
    open_mask = complaint & ~resolved & up_to_m
    categories = []
    for code in CATEGORIES:
        count = int((complaint & in_t12m & (category == code)).sum())
        still_open = int((open_mask & (category == code)).sum())
        if count or still_open:
            categories.append({"category": code, "text": _words(lang)["category"][code],
                               "department": _words(lang)["department"][code],
                               "complaints": count, "open": still_open})
    open_rows = [
        {"date": _iso(r["date"]), "category": _words(lang)["category"][c],
         "department": _words(lang)["department"][c], "note": _text(r.get("note"))}
        for r, c in zip(feedback[open_mask].to_dict("records"), category[open_mask],
                        strict=True)
    ]
    open_rows.sort(key=lambda r: (r["date"] or "", r["note"] or ""))
    scores = pd.to_numeric(_column(feedback, "score", "float64"), errors="coerce").to_numpy(
        dtype="float64")
    scored = in_t12m & ~np.isnan(scores)
    responses = int(scored.sum())
    note = None
    if not in_t12m.any() and not open_rows:
        note = gettext("No feedback in the last 12 months.", lang)
    return {
        "has_sheet": True,
        "categories": categories,
        "open": open_rows,
        "complaints": int((complaint & in_t12m).sum()),
        "open_count": len(open_rows),
        "praise": int(((kind == "praise") & in_t12m).sum()),
        "satisfaction": float(scores[scored].mean()) if responses else None,
        "responses": responses,
        "note": note,
    }


def _credit(ctx: _Context) -> dict[str, Any]:
    """Credit limit, receivables and how much of the limit they use."""
    limit = _int_or(ctx.client.get("credit_limit"), None)
    receivables = _int_or(ctx.client.get("receivables"), None)
    use = receivables / limit if limit and receivables is not None and limit > 0 else None
    note = None
    if limit is None and receivables is None:
        note = gettext("No credit limit or receivables are given in the Clients sheet.",
                       ctx.lang)
    return {
        "limit": limit,
        "receivables": receivables,
        "use": use,
        "rating": _text(ctx.client.get("credit_rating")),
        "over_limit": receivables is not None and limit is not None and receivables > limit,
        "note": note,
    }


# ----------------------------------------------------------------------------- risks, actions


def _risks(ctx: _Context, header: Mapping[str, Any], value: Mapping[str, Any],
           relationship: Mapping[str, Any]) -> list[dict[str, str]]:
    """Every risk signal, most urgent first: the first page shows the first few."""
    lang = ctx.lang
    risks: list[dict[str, str]] = []
    stage = header["stage"]["code"]
    if stage == "lost":
        risks.append({"code": "lost", "text": header["stage"]["reasons"][0]["text"]})
    risks.extend(_risk_reasons(ctx))
    tier = header["tier"]
    if tier["migration"] == "down":
        risks.append({"code": "downgrade", "text": gettext(
            "The tier fell this month, from %(previous)s to %(tier)s.", lang) % {
                "previous": label("tier", tier["previous"], lang),
                "tier": label("tier", tier["code"], lang)}})
    growth = value["growth"]
    if growth is not None and growth < 0:
        risks.append({"code": "decline", "text": gettext(
            "Sales over the last 12 months fell %(fall)s on the year before, from %(prior)s to "
            "%(current)s.", lang) % {"fall": fmt.pct(-growth, 1, lang),
                                     "prior": ctx.money(value["prior"]),
                                     "current": ctx.money(value["current"])}})
    for gap in relationship["gaps"]:
        risks.append(dict(gap))
    for flag in header["relationship_flags"]:
        risks.append({"code": "transactional", "text": flag})
    if tier["code"] in KEY_TIERS and not value["potential_known"]:
        risks.append({"code": "potential_unknown", "text": gettext(
            "The potential value is unknown: share of wallet cannot be measured.", lang)})
    return risks


def _actions(ctx: _Context, header: Mapping[str, Any], relationship: Mapping[str, Any],
             opportunities: Mapping[str, Any]) -> dict[str, Any]:
    """Rule-generated suggestions (each with why), then the Actions sheet's rows."""
    lang, row = ctx.lang, ctx.row
    suggestions: list[dict[str, str]] = []

    def suggest(code: str, text: str, why: str) -> None:
        suggestions.append({"code": code, "text": text, "why": why})

    stage = header["stage"]
    for reason in _risk_reasons(ctx):
        code = reason["code"]
        if code == "sales_drop":
            suggest(code, gettext(
                "Visit to find out why purchases fell, and agree how to win the volume back.",
                lang), reason["text"])
        elif code == "purchase_gap":
            suggest(code, gettext(
                "Call about the next order: the usual gap between orders has passed.", lang),
                reason["text"])
        elif code == "open_complaint":
            suggest(code, gettext(
                "Resolve the open complaints with the departments responsible, and confirm the "
                "outcome with the client.", lang), reason["text"])
        elif code == "over_credit":
            suggest(code, gettext(
                "Agree a payment plan with finance before taking large new orders.", lang),
                reason["text"])
    if stage["code"] == "lost":
        suggest("win_back", gettext(
            "Plan a win-back visit: find out why the client stopped buying.", lang),
            stage["reasons"][0]["text"])
    elif stage["code"] == "new":
        suggest("onboard", gettext(
            "Welcome visit: make sure the first orders are delivered well and learn the "
            "client's plans.", lang), stage["reasons"][0]["text"])
    elif stage["code"] == "potential":
        suggest("first_visit", gettext(
            "Arrange a first visit and a product demonstration.", lang),
            stage["reasons"][0]["text"])
    tier = str(row["tier"])
    share = _float_or_none(row["share_of_wallet"])
    current = int(row["current_value"])
    if tier in KEY_TIERS and share is not None and share < LOW_SHARE_OF_WALLET and current > 0:
        suggest("cross_sell", gettext(
            "Cross-sell and up-sell: offer the products it does not buy from us yet, and more "
            "of those it does.", lang), gettext(
            "Share of wallet is %(share)s: %(untapped)s of its purchases go to other "
            "suppliers.", lang) % {"share": ctx.pct(share),
                                   "untapped": ctx.money(row["untapped_potential"])})
    if tier in KEY_TIERS and not bool(row["potential_known"]):
        suggest("estimate_potential", gettext(
            "Estimate the client's total yearly purchases of our category and enter it as "
            "potential_value in the Clients sheet.", lang), gettext(
            "Without it the share-of-wallet goal cannot be set.", lang))
    gaps = {g["code"]: g["text"] for g in relationship["gaps"]}
    if "no_contacts" in gaps:
        suggest("map_contacts", gettext(
            "Map the buying centre: who decides, who buys, who uses our products.", lang),
            gaps["no_contacts"])
    if "no_decision_maker" in gaps:
        suggest("meet_decision_maker", gettext(
            "Find out who decides and arrange a meeting with them.", lang),
            gaps["no_decision_maker"])
    for code in ("no_supporter", "no_key_supporter"):
        if code in gaps:
            suggest("build_relationship", gettext(
                "Build the relationship: win a supporter among the decision-makers and "
                "business buyers.", lang), gaps[code])
    for gap in relationship["gaps"]:
        if gap["code"] == "opponent":
            suggest("opponent", gettext(
                "Meet the opponent to understand the objections and answer them.", lang),
                gap["text"])
    for flag in header["relationship_flags"]:
        suggest("partnership", gettext(
            "Move towards a partnership: joint planning and regular business reviews.", lang),
            flag)
    for opp in opportunities["rows"]:
        if opp["is_open"]:
            _opportunity_suggestion(ctx, opp, suggest)
    return {"suggestions": suggestions, "sheet": _action_sheet(ctx)}


def _opportunity_suggestion(ctx: _Context, opp: Mapping[str, Any],
                            suggest: Callable[[str, str, str], None]) -> None:
    """What to do next about one open opportunity: its verdict, then its open questions."""
    lang = ctx.lang
    facts = {"title": opp["title"], "id": opp["opp_id"]}
    texts = {
        "pursue": gettext('Pursue %(id)s "%(title)s".', lang),
        "qualify": gettext('Qualify %(id)s "%(title)s" further.', lang),
        "drop": gettext('Drop %(id)s "%(title)s", or show it is a real opportunity.', lang),
        "partner_or_drop": gettext(
            'Find a partner for %(id)s "%(title)s", or drop it.', lang),
        "strengthen": gettext(
            'Strengthen our position on %(id)s "%(title)s" before investing more.', lang),
        "reconsider": gettext(
            'Reconsider %(id)s "%(title)s": it does not look worth winning.', lang),
    }
    text = texts[opp["verdict"]] % facts
    if opp["open_questions"]:
        text += " " + gettext("Answer the open questions: %(questions)s.", lang) % {
            "questions": _join(opp["open_questions"], lang)}
    suggest(f"opportunity_{opp['verdict']}", text, _gate_summary(ctx, opp))


def _gate_summary(ctx: _Context, opp: Mapping[str, Any]) -> str:
    """Why the verdict: the gate that failed (with its mean and the "no" answers), or all pass."""
    lang = ctx.lang
    for gate in opp["gates"]:
        if gate["passed"] is False:
            text = gettext("%(gate)s fails: mean %(score)s.", lang) % {
                "gate": label("gate", gate["gate"], lang),
                "score": fmt.number(gate["score"], 1, lang)}
            if opp["answered_no"]:
                text += " " + gettext("Answered no: %(questions)s.", lang) % {
                    "questions": _join(opp["answered_no"], lang)}
            return text
    skipped = [label("gate", g["gate"], lang) for g in opp["gates"] if g["passed"] is None]
    if skipped:
        return gettext("No answers yet for: %(gates)s", lang) % {"gates": _join(skipped, lang)}
    return gettext("All four gates pass.", lang)


def _action_sheet(ctx: _Context) -> dict[str, Any]:
    """The client's rows of the Actions sheet, by due date; overdue ones marked."""
    actions = ctx.rows("actions")
    if actions is None:
        return {"rows": [], "has_sheet": False, "overdue": 0}
    rows = []
    for record in actions.to_dict("records"):
        due = _iso(record.get("due"))
        status = _text(record.get("status"))
        done = (status or "").lower() in DONE_STATUSES
        overdue = (due is not None and not done
                   and day_ordinal(pd.Timestamp(due)) <= ctx.end_day)
        rows.append({"action": _text(record.get("action")) or "",
                     "owner": _text(record.get("owner")), "due": due, "status": status,
                     "done": done, "overdue": overdue})
    rows.sort(key=lambda r: (r["done"], r["due"] or "9999", r["action"]))
    return {"rows": rows, "has_sheet": True, "overdue": sum(r["overdue"] for r in rows)}


# ----------------------------------------------------------------------------- first page


def _glance(header: Mapping[str, Any], value: Mapping[str, Any], goal: Mapping[str, Any],
            risks: list[dict[str, str]]) -> dict[str, Any]:
    """The essentials for the first page: tier, stage, value, goal and the top risks."""
    return {
        "tier": header["tier"]["name"],
        "tier_manual": header["tier"]["manual"],
        "quadrant": header["tier"]["quadrant"],
        "stage": header["stage"]["code"],
        "current": value["current"],
        "growth": value["growth"],
        "share_of_wallet": value["share_of_wallet"],
        "potential": value["potential"],
        "goal": goal["short"],
        "goal_sales": goal["target_sales"],
        "top_risks": [r["text"] for r in risks[:TOP_RISKS]],
        "more_risks": max(0, len(risks) - TOP_RISKS),
    }
