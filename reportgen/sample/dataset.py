"""The bundled sample's seeded demo dataset: the other sheets, and the workbooks put together.

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

The clients and their sales lines are drawn in reportgen.sample.clients; this module derives
every other sheet from them and writes the workbooks with reportgen.sample.writer.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from reportgen.inputs.schema import GATES, SHEETS
from reportgen.sample.clients import (
    _COMPETITORS,
    _END,
    _INDUSTRIES,
    _M,
    _N_MONTHS,
    _PRODUCTS,
    _REGIONS,
    _Client,
    _days,
    _design_accounts,
    _index,
    _Line,
    _make_clients,
    _make_sales,
    _month_str,
    _person,
    _round_up,
    _ym,
)
from reportgen.sample.spelling import (
    _SPELL,
    _cell_value,
    _check_lang,
    _header,
    _sheet_name,
    _spell,
    _styles,
    _t,
    _yuan,
)
from reportgen.sample.writer import Table, write_new, xlsx

SAMPLE_REPORT_MONTH = "2026-10"
#: The files ``write_sample`` writes, in this order.
SAMPLE_FILES = (
    "accounts.xlsx", "plan.xlsx", "sales-east.xlsx", "sales-south.xlsx", "sales-north.xlsx",
    "sales-west.xlsx", "sales-central.xlsx",
)


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
        # The sample's deals carry no closed date: their expected_close places them.
        _Sheet("opportunities", tuple(c for c in _all("opportunities") if c != "closed"),
               _make_opportunities(rng, clients, lang), lang),
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
            tables.append(Table(_sheet_name(sheet.kind, sheet.lang),
                                [_header(c, sheet.lang) for c in columns], rows, _styles(columns)))
        if write_new(path, xlsx(tables)):
            written.append(path)
    return written
