"""The seeded demo dataset and the ``init`` example workbook and config.

The dataset tests read the written workbooks back and check the rules of SPEC "The logic"
with small, independent re-computations: each lifecycle stage and at-risk reason, tier
migrations, and every screen verdict must occur in the sample.
"""

from __future__ import annotations

import functools
import re
import statistics
import tomllib
import zipfile
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from reportgen.inputs.config import Config, load_config
from reportgen.inputs.schema import (
    GATES,
    QUESTIONS,
    SHEETS,
    VALUE_SPELLINGS,
    normalise_name,
    sheet_kind_for,
)
from reportgen.sample import dataset as sample_module
from reportgen.sample.dataset import SAMPLE_REPORT_MONTH, write_sample
from reportgen.sample.init_example import write_init_config, write_init_workbook

SAMPLE_FILES = [
    "accounts.xlsx", "plan.xlsx", "sales-east.xlsx", "sales-south.xlsx", "sales-north.xlsx",
    "sales-west.xlsx", "sales-central.xlsx",
]
END = date(2026, 10, 31)  # last day of the report month


# --- reading the sample back -------------------------------------------------------------------


def _column_keys(kind: str) -> dict[str, str]:
    keys = {}
    for col in SHEETS[kind].columns:
        for name in (col.name, *col.synonyms):
            keys[normalise_name(name)] = col.name
    return keys


def read_tables(folder: Path) -> dict[str, list[dict[str, Any]]]:
    """Every sheet of every workbook, as rows keyed by canonical column; blank cells are None."""
    tables: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for path in sorted(folder.glob("*.xlsx")):
        book = CalamineWorkbook.from_path(str(path))
        for sheet_name in book.sheet_names:
            kind = sheet_kind_for(sheet_name)
            assert kind is not None, f"{path.name}: sheet {sheet_name!r} is not a known kind"
            header, *rows = book.get_sheet_by_name(sheet_name).to_python()
            keys = _column_keys(kind.name)
            columns = [keys[normalise_name(h)] for h in header]
            for n, row in enumerate(rows, 2):
                record = {c: (None if v == "" else v) for c, v in zip(columns, row, strict=True)}
                record["_file"], record["_row"] = path.name, n
                tables[kind.name].append(record)
    return dict(tables)


@functools.cache
def _codes(value_set: str) -> dict[str, str]:
    return {normalise_name(s): code for code, spellings in VALUE_SPELLINGS[value_set].items()
            for s in (code, *spellings)}


def canon(value_set: str, value: Any) -> str | None:
    """The canonical code a written enum value stands for (``KeyError`` when none)."""
    return None if value is None else _codes(value_set)[normalise_name(value)]


def score(value: Any) -> int | None:
    """A screen answer as a score 1–5."""
    if value is None:
        return None
    if isinstance(value, str):
        return int(canon("answer", value))  # type: ignore[arg-type]
    return int(value)


def month_index(d: date) -> int:
    """Months since 2024-11 (the sample's first month); the report month is 23."""
    return d.year * 12 + d.month - 1 - (2024 * 12 + 10)


def cents(value: float) -> int:
    return round(value * 100)


# --- independent re-computations of the SPEC rules ---------------------------------------------


class Sample:
    """The sample's tables plus the few figures the rules need."""

    def __init__(self, tables: dict[str, list[dict[str, Any]]]) -> None:
        self.tables = tables
        self.clients = {r["client_id"]: r for r in tables["clients"]}
        # Lines the loader keeps: a real date and a known client (the duplicate is kept).
        self.lines = [r for r in tables["sales"]
                      if isinstance(r["date"], date) and r["client_id"] in self.clients]
        self.net: dict[str, Counter[int]] = defaultdict(Counter)
        self.purchases: dict[str, list[date]] = defaultdict(list)
        for line in self.lines:
            self.net[line["client_id"]][month_index(line["date"])] += cents(line["amount"])
            if line["amount"] > 0:
                self.purchases[line["client_id"]].append(line["date"])

    def window(self, client_id: str, first: int, last: int) -> int:
        net = self.net[client_id]
        return sum(net[i] for i in range(first, last + 1))

    def reasons(self, client_id: str) -> list[str]:
        """At-risk reasons at the end of the report month (SPEC "Lifecycle stage")."""
        out = []
        recent, base = self.window(client_id, 21, 23), self.window(client_id, 9, 11)
        if base > 0 and recent <= 0.7 * base:
            out.append("drop")
        days = sorted(set(self.purchases[client_id]))
        if len(days) >= 2:
            gaps = [(b - a).days for a, b in zip(days, days[1:], strict=False)]
            if (END - days[-1]).days > 2 * statistics.median(gaps):
                out.append("gap")
        if any(f["client_id"] == client_id and canon("feedback_type", f["type"]) == "complaint"
               and canon("bool", f["resolved"]) == "false" for f in self.tables["feedback"]):
            out.append("complaint")
        client = self.clients[client_id]
        if client["credit_limit"] is not None and client["receivables"] is not None \
                and client["receivables"] > client["credit_limit"]:
            out.append("credit")
        return out

    def stage(self, client_id: str) -> str:
        days = self.purchases[client_id]
        if not days:
            return "potential"
        if month_index(min(days)) >= 21:
            return "new"
        if month_index(max(days)) < 12:
            return "lost"
        return "at_risk" if self.reasons(client_id) else "stable"

    def tiers(self, month: int) -> dict[str, str]:
        """Each client's tier at the end of month index ``month``, overrides applied."""
        current = {cid: self.window(cid, month - 11, month) for cid in self.clients}
        ranked = sorted((cid for cid in current if current[cid] > 0),
                        key=lambda cid: (-current[cid], cid))
        total = sum(current[cid] for cid in ranked)
        abc, before = {}, 0
        for cid in ranked:
            abc[cid] = "A" if before < 0.8 * total else "B" if before < 0.95 * total else "C"
            before += current[cid]
        floor = min(current[cid] for cid in ranked if abc[cid] == "A")
        out = {}
        for cid, client in self.clients.items():
            potential = client["potential_value"]
            untapped = max(cents(potential) - current[cid], 0) if potential is not None else 0
            high_current, high_potential = abc.get(cid) == "A", untapped >= floor
            tier = ("major" if high_current and high_potential
                    else "named" if high_current or high_potential
                    else "non_named" if abc.get(cid) == "B" else "mass")
            out[cid] = canon("tier", client["tier_override"]) or tier
        return out

    def supporter_score(self, client_id: str) -> int:
        supporters = [c for c in self.tables["contacts"] if c["client_id"] == client_id
                      and canon("attitude", c["attitude"]) == "supporter"]
        if any(canon("buying_role", c["buying_role"]) in ("decision_maker", "business")
               for c in supporters):
            return 5
        return 3 if supporters else 1

    def answers(self, opp: dict[str, Any]) -> dict[str, int | None]:
        """Written answers, with the blanks the screen fills in for itself."""
        out = {q: score(opp[q]) for q in QUESTIONS}
        client = self.clients.get(opp["client_id"], {})
        if out["has_supporter"] is None:
            out["has_supporter"] = self.supporter_score(opp["client_id"])
        if out["margin"] is None and opp["margin_pct"] is not None:
            pct = opp["margin_pct"]
            out["margin"] = (5 if pct >= 0.3 else 4 if pct >= 0.2 else 3 if pct >= 0.1
                             else 2 if pct >= 0.05 else 1)
        limit, owed = client.get("credit_limit"), client.get("receivables")
        if out["capital_risk"] is None and limit and owed is not None:
            ratio = owed / limit
            out["capital_risk"] = (5 if ratio <= 0.5 else 4 if ratio <= 0.8 else 3 if ratio <= 1
                                   else 2 if ratio <= 1.2 else 1)
        return out

    def verdict(self, opp: dict[str, Any]) -> str:
        answers = self.answers(opp)
        unanswered = False
        for gate, verdict in zip(GATES, ("drop", "partner_or_drop", "strengthen", "reconsider"),
                                 strict=True):
            given = [answers[q] for q in GATES[gate] if answers[q] is not None]
            if not given:
                unanswered = True
            elif statistics.mean(given) < 3 or 1 in given:
                return verdict
        return "qualify" if unanswered else "pursue"


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_sample(tmp_path_factory.mktemp("sample") / "inputs")


@pytest.fixture(scope="module")
def sample_dir(written: list[Path]) -> Path:
    return written[0].parent


@pytest.fixture(scope="module")
def zh_written(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_sample(tmp_path_factory.mktemp("sample-zh"), lang="zh")


@pytest.fixture(scope="module")
def sample(sample_dir: Path) -> Sample:
    return Sample(read_tables(sample_dir))


# --- writing --------------------------------------------------------------------------------


def test_writes_the_seven_workbooks_and_returns_their_paths(written: list[Path]) -> None:
    assert [p.name for p in written] == SAMPLE_FILES
    assert list(SAMPLE_FILES) == list(sample_module.SAMPLE_FILES)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_same_seed_gives_the_same_bytes(
    tmp_path: Path, written: list[Path], zh_written: list[Path], lang: str,
) -> None:
    first = written if lang == "en" else zh_written
    again = write_sample(tmp_path, lang=lang)
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in first]


def test_another_seed_gives_another_dataset(tmp_path: Path, sample_dir: Path) -> None:
    for name in SAMPLE_FILES[1:]:  # only accounts.xlsx is missing, so only it is written
        (tmp_path / name).touch()
    assert write_sample(tmp_path, seed=1) == [tmp_path / "accounts.xlsx"]
    assert (tmp_path / "accounts.xlsx").read_bytes() != (sample_dir / "accounts.xlsx").read_bytes()


def test_never_overwrites_a_file(tmp_path: Path) -> None:
    (tmp_path / "accounts.xlsx").write_bytes(b"my own junk")
    written = write_sample(tmp_path)
    assert (tmp_path / "accounts.xlsx").read_bytes() == b"my own junk"
    assert [p.name for p in written] == SAMPLE_FILES[1:]
    assert write_sample(tmp_path) == []


def test_unknown_language_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="language must be one of en, zh, not 'fr'"):
        write_sample(tmp_path, lang="fr")
    assert list(tmp_path.iterdir()) == []


def test_files_carry_the_fixed_timestamp(sample_dir: Path) -> None:
    with zipfile.ZipFile(sample_dir / "plan.xlsx") as archive:
        assert {i.date_time for i in archive.infolist()} == {(2026, 11, 1, 8, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert core.count("2026-11-01T08:00:00Z") == 2
    book = load_workbook(sample_dir / "plan.xlsx")
    assert book.properties.created.isoformat() == "2026-11-01T08:00:00"


def test_sample_is_small(sample_dir: Path, sample: Sample) -> None:
    total = sum(p.stat().st_size for p in sample_dir.iterdir())
    assert total < 1_500_000
    assert 15_000 <= len(sample.tables["sales"]) <= 25_000


# --- the sheets -------------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "accounts", "east", "south"), [
    ("en", ["Clients", "Contacts", "Opportunities", "Feedback", "Actions", "Activities"],
     "Sales", "销售"),
    ("zh", ["客户", "联系人", "商机", "客户反馈", "行动计划", "拜访记录"], "销售", "Sales"),
])
def test_sheet_names_follow_the_language_and_two_ledgers_the_other_one(
    written: list[Path], zh_written: list[Path], lang: str, accounts: list[str], east: str,
    south: str,
) -> None:
    files = written if lang == "en" else zh_written
    names = {p.name: CalamineWorkbook.from_path(str(p)).sheet_names for p in files}
    assert names["accounts.xlsx"] == accounts
    assert names["plan.xlsx"] == (["Targets", "Regions"] if lang == "en" else ["目标", "区域"])
    assert names["sales-east.xlsx"] == [east]
    assert names["sales-south.xlsx"] == [south]
    assert names["sales-west.xlsx"] == [south]


def test_chinese_sample_is_the_same_dataset_in_other_words(
    sample: Sample, zh_written: list[Path],
) -> None:
    zh = Sample(read_tables(zh_written[0].parent))
    assert zh.clients.keys() == sample.clients.keys()
    assert [(r["date"], r["client_id"], r["amount"]) for r in zh.lines] == [
        (r["date"], r["client_id"], r["amount"]) for r in sample.lines]
    assert {canon("stage", o["stage"]) for o in zh.tables["opportunities"]} == set(
        VALUE_SPELLINGS["stage"])
    assert any(o["need_clear"] == "是" for o in zh.tables["opportunities"])
    assert [zh.verdict(o) for o in zh.tables["opportunities"]] == [
        sample.verdict(o) for o in sample.tables["opportunities"]]


@pytest.mark.parametrize(("file", "headers"), [
    ("sales-east.xlsx", ["Date", "Order ID", "Client ID", "Client Name", "Product", "Quantity",
                         "Unit Price", "Amount", "Cost", "Account Manager"]),
    ("sales-south.xlsx", ["日期", "订单号", "客户编号", "客户名称", "产品", "数量", "单价", "金额",
                          "成本", "客户经理"]),
    ("plan.xlsx", ["Month", "Region", "Sales Target", "New Clients Target"]),
])
def test_headers(sample_dir: Path, file: str, headers: list[str]) -> None:
    book = CalamineWorkbook.from_path(str(sample_dir / file))
    assert book.get_sheet_by_name(book.sheet_names[0]).to_python()[0] == headers


def test_every_enum_value_is_a_known_spelling(sample: Sample) -> None:
    for kind, rows in sample.tables.items():
        for col in SHEETS[kind].columns:
            value_set = {"enum": col.values, "bool": "bool"}.get(col.type)
            if col.type == "score":
                value_set = "answer"
            if value_set is None:
                continue
            for row in rows:
                if isinstance(row.get(col.name), str):
                    canon(value_set, row[col.name])  # raises KeyError for an unknown spelling


def test_cells_are_real_dates_and_numbers(sample_dir: Path) -> None:
    book = load_workbook(sample_dir / "sales-east.xlsx", read_only=True)
    header, first = list(book["Sales"].iter_rows(min_row=1, max_row=2))
    line = {h.value: cell for h, cell in zip(header, first, strict=True)}
    assert all(h.font.b for h in header)
    assert line["Date"].value.date() == date(2024, 11, 1)
    assert line["Date"].number_format == "yyyy-mm-dd"
    assert isinstance(line["Amount"].value, float) and isinstance(line["Quantity"].value, int)
    assert line["Amount"].number_format == line["Unit Price"].number_format == "#,##0.00"
    assert round(line["Quantity"].value * line["Unit Price"].value, 2) == line["Amount"].value
    opportunities = load_workbook(sample_dir / "accounts.xlsx", read_only=True)["Opportunities"]
    probability = next(row[6] for row in opportunities.iter_rows(min_row=2)
                       if row[6].value is not None)
    assert probability.number_format == "0%" and 0 <= probability.value <= 1


def test_orders_have_several_lines_and_there_are_about_fifteen_products(sample: Sample) -> None:
    lines_per_order = Counter(line["order_id"] for line in sample.lines if line["amount"] > 0)
    assert sum(n > 1 for n in lines_per_order.values()) > 0.4 * len(lines_per_order)
    assert len({line["product"] for line in sample.lines}) == 15


def test_actions_are_distinct_per_client(sample: Sample) -> None:
    actions = [(a["client_id"], a["action"]) for a in sample.tables["actions"]]
    assert 30 <= len(actions) <= 60
    assert len(set(actions)) == len(actions)
    assert all(a["client_id"] in sample.clients for a in sample.tables["actions"])


def test_lines_carry_cost_and_amount_is_quantity_times_price(sample: Sample) -> None:
    assert all(line["cost"] is not None for line in sample.lines)
    assert all(cents(line["quantity"] * line["unit_price"]) == cents(line["amount"])
               for line in sample.lines)


def test_three_deliberate_flaws(sample: Sample) -> None:
    sales = sample.tables["sales"]
    bad_dates = [(r["_file"], r["date"]) for r in sales if not isinstance(r["date"], date)]
    unknown = [(r["_file"], r["client_id"]) for r in sales if r["client_id"] not in sample.clients]
    keys = Counter(tuple(v for k, v in r.items() if k != "_row") for r in sales)
    assert bad_dates == [("sales-north.xlsx", "2026-09-31")]
    assert unknown == [("sales-south.xlsx", "C0312")]
    assert [n for n in keys.values() if n > 1] == [2]


def test_report_month_is_the_last_month_with_sales(sample: Sample) -> None:
    last = max(line["date"] for line in sample.lines)
    assert f"{last:%Y-%m}" == SAMPLE_REPORT_MONTH
    months = {f"{line['date']:%Y-%m}" for line in sample.lines}
    assert len(months) == 24 and min(months) == "2024-11"


def test_returns_are_about_two_percent_of_lines(sample: Sample) -> None:
    returns = [line for line in sample.lines if line["amount"] < 0]
    assert 0.01 < len(returns) / len(sample.lines) < 0.03
    assert all(line["quantity"] < 0 and line["cost"] < 0 for line in returns)


def test_a_few_clients_carry_most_sales(sample: Sample) -> None:
    totals = sorted((sample.window(cid, 12, 23) for cid in sample.clients), reverse=True)
    top_fifth = sum(totals[: len(totals) // 5])
    assert top_fifth > 0.6 * sum(t for t in totals if t > 0)


def test_regions_clients_and_managers(sample: Sample) -> None:
    clients = sample.tables["clients"]
    assert len(clients) == 300
    assert {c["region"] for c in clients} == {"华东", "华南", "华北", "西部", "华中"}
    managers = {(c["region"], c["account_manager"]) for c in clients}
    assert 10 <= len(managers) <= 15
    chinese = sum(not c["name"].isascii() for c in clients)
    assert 0.5 < chinese / len(clients) < 0.7
    assert 0.05 < sum(c["potential_value"] is None for c in clients) / len(clients) < 0.15
    assert len([c for c in clients if c["tier_override"]]) == 3
    regions = sample.tables["regions"]
    assert [r["region"] for r in regions] == ["华东", "华南", "华北", "西部", "华中"]
    assert all(re.fullmatch(r"[a-z.]+@example\.com; [a-z.]+@example\.com", r["leadership_emails"])
               for r in regions)


# --- the rules have something to say -------------------------------------------------------------


def test_hand_checked_lifecycle_cases(sample: Sample) -> None:
    months = {cid: sorted({month_index(d) for d in days}) for cid, days in sample.purchases.items()}
    never = [cid for cid in sample.clients if cid not in months]
    assert never, "a client with no purchase (potential)"
    assert any(m[0] == 22 for m in months.values()), "first purchase in 2026-09"
    assert any(m[0] == 23 for m in months.values()), "first purchase in the report month"
    assert any(m[-1] == 11 for m in months.values()), "last purchase in 2025-10: lost in M"
    assert any(m[-1] < 11 for m in months.values()), "lost long ago"


@pytest.mark.parametrize("stage", ["potential", "new", "lost", "at_risk", "stable"])
def test_every_lifecycle_stage_occurs(sample: Sample, stage: str) -> None:
    assert any(sample.stage(cid) == stage for cid in sample.clients)


def test_stable_clients_are_the_majority(sample: Sample) -> None:
    stages = Counter(sample.stage(cid) for cid in sample.clients)
    assert stages["stable"] > 0.6 * len(sample.clients)
    assert 8 <= stages["at_risk"] <= 40


@pytest.mark.parametrize("reason", ["drop", "gap", "complaint", "credit"])
def test_every_at_risk_reason_occurs_alone(sample: Sample, reason: str) -> None:
    at_risk = [cid for cid in sample.clients if sample.stage(cid) == "at_risk"]
    assert any(sample.reasons(cid) == [reason] for cid in at_risk)


def test_some_clients_are_at_risk_for_several_reasons(sample: Sample) -> None:
    at_risk = [cid for cid in sample.clients if sample.stage(cid) == "at_risk"]
    assert any(len(sample.reasons(cid)) >= 2 for cid in at_risk)


def test_a_return_after_the_last_purchase_of_a_lost_client(sample: Sample) -> None:
    lost_in_m = [cid for cid in sample.clients if sample.purchases[cid]
                 and month_index(max(sample.purchases[cid])) == 11]
    assert any(sample.net[cid][12] < 0 for cid in lost_in_m)


def test_tiers_include_major_accounts_and_migrate_both_ways(sample: Sample) -> None:
    now, before = sample.tiers(23), sample.tiers(22)
    counts = Counter(now.values())
    assert 8 <= counts["major"] <= 25 and counts["named"] >= 20
    assert counts["non_named"] >= 20 and counts["mass"] >= 50
    order = ["major", "named", "non_named", "mass"]
    moves = Counter(
        "up" if order.index(now[c]) < order.index(before[c]) else "down"
        for c in now if now[c] != before[c] and sample.stage(c) not in ("new", "potential"))
    assert moves["up"] >= 2 and moves["down"] >= 2


def test_key_accounts_at_risk_and_transactional(sample: Sample) -> None:
    tiers = sample.tiers(23)
    key = [cid for cid, t in tiers.items() if t in ("major", "named")]
    assert any(tiers[c] == "major" and sample.stage(c) == "at_risk" for c in key)
    assert any(canon("relationship", sample.clients[c]["relationship"]) == "transactional"
               for c in key)


def test_contacts_cover_the_awkward_cases(sample: Sample) -> None:
    tiers = sample.tiers(23)
    by_client: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for contact in sample.tables["contacts"]:
        by_client[contact["client_id"]].append(contact)
    key = [c for c, t in tiers.items() if t in ("major", "named") and by_client[c]]
    # Key accounts by the rules of the report month; a few became key only lately.
    assert sum(2 <= len(by_client[c]) <= 4 for c in key) >= 0.8 * len(key)

    def has(cid: str, field: str, value_set: str, code: str) -> bool:
        return any(canon(value_set, p[field]) == code for p in by_client[cid])

    assert any(not has(c, "attitude", "attitude", "supporter") for c in key)
    assert any(has(c, "attitude", "attitude", "opponent") for c in key)
    assert any(not has(c, "buying_role", "buying_role", "decision_maker") for c in key)


def test_hand_checked_screen_cases(sample: Sample) -> None:
    opps = sample.tables["opportunities"]
    assert 100 <= len(opps) <= 140
    assert any(score(o["budget_confirmed"]) == 1 for o in opps), "a real-gate 'no'"
    assert any(o["need_clear"] in ("yes", 5) for o in opps)
    assert any(o["timing_known"] == "maybe" for o in opps)
    assert any(o["has_supporter"] is None for o in opps), "left for the screen to derive"
    assert any(o["margin"] is None and o["margin_pct"] == 0.03 for o in opps)
    assert {canon("stage", o["stage"]) for o in opps} == set(VALUE_SPELLINGS["stage"])
    assert any(o["probability"] is None for o in opps)
    assert any(o["probability"] is not None for o in opps)


@pytest.mark.parametrize(
    "verdict", ["pursue", "qualify", "drop", "partner_or_drop", "strengthen", "reconsider"])
def test_every_verdict_occurs(sample: Sample, verdict: str) -> None:
    assert sum(sample.verdict(o) == verdict for o in sample.tables["opportunities"]) >= 5


def test_feedback_covers_every_category_and_type(sample: Sample) -> None:
    feedback = sample.tables["feedback"]
    complaints = [f for f in feedback if canon("feedback_type", f["type"]) == "complaint"]
    categories = {canon("category", f["category"]) for f in complaints}
    assert categories == set(VALUE_SPELLINGS["category"])
    assert any(canon("bool", f["resolved"]) == "false" for f in complaints)
    types = {canon("feedback_type", f["type"]) for f in feedback}
    assert types == {"complaint", "praise", "survey"}
    assert {f["score"] for f in feedback if f["score"] is not None} == {1, 2, 3, 4, 5}
    assert len({f"{f['date']:%Y-%m}" for f in feedback}) >= 20


def test_targets_make_every_colour_in_the_report_month(sample: Sample) -> None:
    sales: Counter[str] = Counter()
    for line in sample.lines:
        if month_index(line["date"]) == 23:
            sales[sample.clients[line["client_id"]]["region"]] += cents(line["amount"])
    targets = {t["region"]: cents(t["sales_target"]) for t in sample.tables["targets"]
               if t["month"] == SAMPLE_REPORT_MONTH}
    colours = {r: "green" if sales[r] >= targets[r] else "amber" if sales[r] >= 0.9 * targets[r]
               else "red" for r in targets}
    assert set(colours.values()) == {"green", "amber", "red"}
    assert len(sample.tables["targets"]) == 24 * 5


def test_effort_goes_mostly_to_key_accounts(sample: Sample) -> None:
    tiers = sample.tiers(23)
    hours: Counter[str] = Counter()
    for activity in sample.tables["activities"]:
        hours[tiers[activity["client_id"]]] += activity["hours"]
    assert hours["major"] + hours["named"] > 0.5 * sum(hours.values())
    assert min(f"{a['date']:%Y-%m}" for a in sample.tables["activities"]) == "2026-05"


# --- reportgen init: the example workbook -----------------------------------------------------


@pytest.fixture(scope="module", params=["en", "zh"])
def init_book(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = tmp_path_factory.mktemp("init") / "example.xlsx"
    write_init_workbook(path, lang=request.param)
    return request.param, load_workbook(path)


def test_init_workbook_has_one_sheet_per_kind(init_book: Any) -> None:
    lang, book = init_book
    assert [sheet_kind_for(name).name for name in book.sheetnames] == list(SHEETS)
    if lang == "zh":
        assert book.sheetnames[:3] == ["客户", "销售", "商机"]
    else:
        assert book.sheetnames[:3] == ["Clients", "Sales", "Opportunities"]


def test_init_workbook_headers_are_canonical_bold_frozen_and_noted(init_book: Any) -> None:
    lang, book = init_book
    for sheet in book.worksheets:
        kind = sheet_kind_for(sheet.title)
        header = list(sheet[1])
        expected = [c.name if lang == "en" else next(s for s in c.synonyms if not s.isascii())
                    for c in kind.columns]
        assert [c.value for c in header] == expected
        assert all(c.font.b for c in header)
        assert sheet.freeze_panes == "A2"
        for cell, col in zip(header, kind.columns, strict=True):
            assert cell.comment is not None, f"{sheet.title}!{cell.coordinate} has no note"
            required = "Required." if lang == "en" else "必填。"
            assert (required in cell.comment.text.splitlines()) == col.required
        assert 2 <= sheet.max_row - 1 <= 3


@pytest.mark.parametrize(("lang", "sheet", "cell", "note"), [
    ("en", "Clients", "A1", "The client's code, the same in every sheet.\nRequired.\n"
     "Text code, read as written (00123 stays 00123).\nExample: C001"),
    ("en", "Contacts", "E1", "Role in the purchase.\nOptional.\nOne of: Decision maker, Technical, "
     "Business, Finance, User.\nExample: Decision maker"),
    ("en", "Opportunities", "G1", "Chance of winning; blank uses the stage's default.\nOptional.\n"
     "A percentage: 0.25, 25% or 25.\nExample: 50%"),
    ("zh", "客户反馈", "D1", "投诉类别，每类对应一个负责部门。\n选填。\n可选值：供货、订货、"
     "配送、市场、拜访服务、其他（或 supply、ordering、delivery、market、visit_service、"
     "other）。\n示例：配送"),
    ("zh", "目标", "D1", "当月销售目标。\n必填。\n金额；可带 ¥ 符号和千位分隔符。\n"
     "示例：5,000,000.00"),
])
def test_init_workbook_notes(tmp_path: Path, lang: str, sheet: str, cell: str, note: str) -> None:
    write_init_workbook(tmp_path / "example.xlsx", lang=lang)
    assert load_workbook(tmp_path / "example.xlsx")[sheet][cell].comment.text == note


def test_init_workbook_examples_use_known_spellings(init_book: Any) -> None:
    _, book = init_book
    for sheet in book.worksheets:
        kind = sheet_kind_for(sheet.title)
        for row in sheet.iter_rows(min_row=2, values_only=True):
            for col, value in zip(kind.columns, row, strict=True):
                if col.type == "enum" and value is not None:
                    canon(col.values, value)
                elif col.type == "score" and isinstance(value, str):
                    canon("answer", value)


def test_init_workbook_is_reproducible_and_never_overwrites(tmp_path: Path) -> None:
    write_init_workbook(tmp_path / "a.xlsx")
    write_init_workbook(tmp_path / "b.xlsx")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    (tmp_path / "mine.xlsx").write_bytes(b"keep me")
    with pytest.raises(FileExistsError, match="mine.xlsx already exists; reportgen init never "
                                              "overwrites a file"):
        write_init_workbook(tmp_path / "mine.xlsx")
    assert (tmp_path / "mine.xlsx").read_bytes() == b"keep me"


# --- reportgen init: the config -----------------------------------------------------------------

SETTING_LINE = re.compile(r'^# ((?:[a-z_]+|"[^"]*") = .*|\[[a-z_.]+\])$')


def _uncommented(text: str) -> str:
    return "\n".join(SETTING_LINE.sub(r"\1", line) for line in text.splitlines())


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_init_config_loads_as_the_defaults(tmp_path: Path, lang: str) -> None:
    path = tmp_path / "reportgen.toml"
    write_init_config(path, lang=lang)
    tomllib.loads(path.read_text(encoding="utf-8"))
    config = load_config(path)
    assert config.model_dump(exclude={"source", "report"}) == Config().model_dump(
        exclude={"source", "report"})
    # A folder set up in Chinese speaks Chinese; an English one follows the system's language.
    assert config.report.lang == ("zh" if lang == "zh" else None)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_init_config_lists_every_setting_with_its_default(tmp_path: Path, lang: str) -> None:
    path = tmp_path / "reportgen.toml"
    write_init_config(path, lang=lang)
    path.write_text(_uncommented(path.read_text(encoding="utf-8")), encoding="utf-8")
    config, defaults = load_config(path), Config()
    for name, field_info in Config.model_fields.items():
        if name in ("sheets", "columns", "values", "source"):
            continue
        section = getattr(config, name)
        if name == "report":
            assert section.lang == lang
            continue
        assert section.model_dump(exclude={"regions"}) == getattr(defaults, name).model_dump(
            exclude={"regions"})
        for key in type(section).model_fields:
            assert re.search(rf"^(\[{name}\.)?{key}( = |\])", path.read_text(encoding="utf-8"),
                             re.M), f"{name}.{key} is missing"
        assert field_info.annotation is not None


@pytest.mark.parametrize(("lang", "region"), [("en", "East"), ("zh", "华东")])
def test_init_config_examples_from_spec(tmp_path: Path, lang: str, region: str) -> None:
    path = tmp_path / "reportgen.toml"
    write_init_config(path, lang=lang)
    path.write_text(_uncommented(path.read_text(encoding="utf-8")), encoding="utf-8")
    config = load_config(path)
    assert config.sheets == {"sales": "Orders", "regions": "People"}
    assert config.columns["sales"]["amount"] == "Sales"
    assert config.columns["regions"] == {"supervisor": "Person"}
    assert config.values == {"attitude": {"supporter": ["coach", "champion"]}}
    assert config.email.regions == {region: ["east-director@example.com"]}


def test_init_config_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "reportgen.toml").write_text("[tiers]\nclass_a = 0.7\n", encoding="utf-8")
    with pytest.raises(FileExistsError, match="reportgen.toml already exists"):
        write_init_config(tmp_path / "reportgen.toml")
    assert load_config(tmp_path / "reportgen.toml").tiers.class_a == 0.7


def test_committed_inputs_are_the_seeded_sample(tmp_path):
    """inputs/ in the repository is exactly what `reportgen demo` would write."""
    import python_calamine

    committed = Path(__file__).resolve().parents[2] / "inputs"
    fresh = tmp_path / "inputs"
    written = write_sample(fresh)
    assert sorted(p.name for p in committed.iterdir()) == sorted(p.name for p in written)
    for path in written:
        ours = python_calamine.CalamineWorkbook.from_path(str(committed / path.name))
        theirs = python_calamine.CalamineWorkbook.from_path(str(path))
        assert ours.sheet_names == theirs.sheet_names, path.name
        for name in ours.sheet_names:
            assert (ours.get_sheet_by_name(name).to_python()
                    == theirs.get_sheet_by_name(name).to_python()), (path.name, name)
