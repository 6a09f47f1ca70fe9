"""The opportunity screen (SPEC, "Opportunity screen"): gates, verdicts, derived answers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from reportgen.analysis.screen import (
    VERDICTS,
    capital_risk_score,
    gate_results,
    margin_score,
    pipeline,
    screen_opportunities,
    supporter_score,
    verdict_counts,
    weighted_value,
)
from reportgen.inputs.config import ScreenConfig
from reportgen.inputs.schema import GATES, QUESTIONS

CFG = ScreenConfig()
ALL_FIVE = {q: 5 for q in QUESTIONS}


def opps(*rows: dict[str, object]) -> pd.DataFrame:
    """An Opportunities table as the loader returns it (scores Int64, money Int64 cents)."""
    base = {
        "opp_id": None, "client_id": "C1", "title": "Boiler retrofit", "value": 100_000,
        "stage": None, "probability": np.nan, "margin_pct": np.nan,
    }
    records = [{**base, "opp_id": f"O{i}", **{q: None for q in QUESTIONS}, **row}
               for i, row in enumerate(rows, 1)]
    frame = pd.DataFrame.from_records(records)
    frame["value"] = frame["value"].astype("Int64")
    frame["probability"] = frame["probability"].astype("float64")
    frame["margin_pct"] = frame["margin_pct"].astype("float64")
    for q in QUESTIONS:
        frame[q] = frame[q].astype("Int64")
    return frame


def clients(*rows: dict[str, object]) -> pd.DataFrame:
    """A Clients table with credit columns in Int64 cents."""
    base = {"client_id": "C1", "name": "Acme", "region": "East",
            "credit_limit": None, "receivables": None}
    frame = pd.DataFrame.from_records([{**base, **row} for row in rows] or [base])
    frame["credit_limit"] = frame["credit_limit"].astype("Int64")
    frame["receivables"] = frame["receivables"].astype("Int64")
    return frame


def contacts(*rows: tuple[str, str | None, str | None]) -> pd.DataFrame:
    """A Contacts table from (client_id, attitude, buying_role) triples."""
    return pd.DataFrame(
        [{"client_id": c, "name": f"P{i}", "attitude": a, "buying_role": r}
         for i, (c, a, r) in enumerate(rows)],
        columns=["client_id", "name", "attitude", "buying_role"],
    )


def screen_one(row: dict[str, object], *, client: dict[str, object] | None = None,
               contact_rows: pd.DataFrame | None = None, cfg: ScreenConfig = CFG) -> pd.Series:
    """Screen a single opportunity and return its result row."""
    return screen_opportunities(opps(row), clients(client or {}), contact_rows, cfg).iloc[0]


# --- verdicts -------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("answers", "verdict"),
    [
        pytest.param(ALL_FIVE, "pursue", id="all-pass"),
        pytest.param({**ALL_FIVE, "need_clear": 1}, "drop", id="real-no"),
        pytest.param({**ALL_FIVE, "need_clear": 2, "budget_confirmed": 3, "timing_known": 3},
                     "drop", id="real-mean-2.67"),
        pytest.param({**ALL_FIVE, "offer_fit": 2, "capability": 3}, "partner_or_drop",
                     id="compete-mean-2.5"),
        pytest.param({**ALL_FIVE, "has_supporter": 1}, "strengthen", id="win-no"),
        pytest.param({**ALL_FIVE, "margin": 2, "capital_risk": 2, "strategic_fit": 3,
                      "no_conflict": 4}, "reconsider", id="worth-mean-2.75"),
        pytest.param({**ALL_FIVE, "need_clear": 1, "offer_fit": 1, "margin": 1}, "drop",
                     id="first-failing-gate-decides"),
        pytest.param({**ALL_FIVE, "offer_fit": 1, "relationship": 1}, "partner_or_drop",
                     id="compete-before-win"),
        pytest.param({**ALL_FIVE, "relationship": 1, "margin": 1}, "strengthen",
                     id="win-before-worth"),
        pytest.param({q: 5 for q in GATES["real"] + GATES["compete"] + GATES["win"]},
                     "qualify", id="worth-unanswered"),
        pytest.param({}, "qualify", id="nothing-answered"),
        pytest.param({"offer_fit": 1}, "partner_or_drop", id="fail-beats-unanswered-earlier-gate"),
        pytest.param({"need_clear": 3}, "qualify", id="one-maybe-passes-real"),
    ],
)
def test_verdict_paths(answers: dict[str, int], verdict: str) -> None:
    assert screen_one(answers)["verdict"] == verdict


@pytest.mark.parametrize(
    ("gate", "answers", "mean", "passes"),
    [
        pytest.param("real", (3, 3, 3), 3.0, True, id="mean-exactly-3-passes"),
        pytest.param("real", (2, 4, None), 3.0, True, id="blank-question-not-counted"),
        pytest.param("real", (2, 3, None), 2.5, False, id="mean-2.5-fails"),
        pytest.param("win", (5, 5, 1, 3), 3.5, False, id="mean-3.5-with-a-no-fails"),
        pytest.param("worth", (None, None, None, None), math.nan, None, id="unanswered-skipped"),
        pytest.param("compete", (1, None), 1.0, False, id="single-no-fails"),
        pytest.param("compete", (None, 5), 5.0, True, id="single-yes-passes"),
    ],
)
def test_gate_boundaries(gate: str, answers: tuple[int | None, ...], mean: float,
                         passes: bool | None) -> None:
    row = dict(zip(GATES[gate], answers, strict=True))
    result = gate_results(opps(row)[list(QUESTIONS)], pass_mean=3.0).iloc[0]
    if math.isnan(mean):
        assert math.isnan(result[gate])
        assert result[f"{gate}_pass"] is pd.NA
    else:
        assert result[gate] == pytest.approx(mean)
        assert bool(result[f"{gate}_pass"]) is passes


@pytest.mark.parametrize(
    ("answers", "passes"),
    [((3, 4), True), ((4, 3), True), ((3, 3), False), ((5, 2), True)],
)
def test_configured_pass_mean(answers: tuple[int, int], passes: bool) -> None:
    cfg = ScreenConfig(pass_mean=3.5)
    row = dict(zip(GATES["compete"], answers, strict=True))
    assert bool(screen_one(row, cfg=cfg)["compete_pass"]) is passes


# --- derived answers ------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("margin_pct", "score"),
    [
        (0.50, 5), (0.30, 5), (30 / 100, 5), (0.2999, 4), (0.20, 4), (0.1999, 3), (0.10, 3),
        (0.0999, 2), (0.05, 2), (0.0499, 1), (0.0, 1), (-0.10, 1), (np.nan, None),
    ],
)
def test_margin_bands(margin_pct: float, score: int | None) -> None:
    got = margin_score(pd.Series([margin_pct]))
    assert got.dtype == "Int64"
    assert (got.iloc[0] is pd.NA) if score is None else got.iloc[0] == score


@pytest.mark.parametrize(
    ("receivables", "limit", "score"),
    [
        (50_00, 100_00, 5),    # exactly 50 %
        (50_01, 100_00, 4),
        (80_00, 100_00, 4),    # exactly 80 %
        (80_01, 100_00, 3),
        (100_00, 100_00, 3),   # exactly 100 %
        (100_01, 100_00, 2),
        (120_00, 100_00, 2),   # exactly 120 %
        (120_01, 100_00, 1),
        (1, 3, 5),             # 33.3 %, a ratio floats cannot hold exactly
        (2, 3, 4),             # 66.7 %
        (0, 1, 5),
        (-500, 100_00, 5),     # a credit balance
        (10_00, 0, None),      # no limit: no answer
        (None, 100_00, None),  # receivables unknown: no answer
        (10_00, None, None),
    ],
)
def test_capital_risk_bands(receivables: int | None, limit: int | None,
                            score: int | None) -> None:
    got = capital_risk_score(pd.Series([receivables], dtype="Int64"),
                             pd.Series([limit], dtype="Int64")).iloc[0]
    assert (got is pd.NA) if score is None else got == score


@pytest.mark.parametrize(
    ("rows", "score"),
    [
        pytest.param([("C1", "supporter", "decision_maker")], 5, id="decision-maker"),
        pytest.param([("C1", "supporter", "business")], 5, id="business"),
        pytest.param([("C1", "supporter", "technical")], 3, id="other-role"),
        pytest.param([("C1", "supporter", None)], 3, id="no-role"),
        pytest.param([("C1", "neutral", "decision_maker"), ("C1", "opponent", "business")], 1,
                     id="no-supporter"),
        pytest.param([("C1", "supporter", "user"), ("C1", "supporter", "decision_maker")], 5,
                     id="best-supporter-counts"),
        pytest.param([("C2", "supporter", "decision_maker")], 1, id="other-clients-supporter"),
        pytest.param([], 1, id="client-without-contacts"),
    ],
)
def test_supporter_score(rows: list[tuple[str, str | None, str | None]], score: int) -> None:
    got = supporter_score(pd.Series(["C1"]), contacts(*rows))
    assert got.tolist() == [score]


def test_derived_answers_are_marked_and_counted() -> None:
    row = screen_one(
        {"margin_pct": 0.25},
        client={"credit_limit": 100_00, "receivables": 90_00},
        contact_rows=contacts(("C1", "supporter", "technical")),
    )
    assert (row["margin"], row["capital_risk"], row["has_supporter"]) == (4, 3, 3)
    assert (row["margin_derived"], row["capital_risk_derived"], row["has_supporter_derived"]) \
        == (True, True, True)
    assert row["worth"] == pytest.approx(3.5)
    assert row["win"] == pytest.approx(3.0)
    assert row["gate_notes"] == (
        "has_supporter derived from Contacts: a supporter in another role; "
        "margin derived from margin_pct 25%; "
        "capital_risk derived: receivables are 90% of the credit limit; "
        "real: no answers, gate skipped; compete: no answers, gate skipped; "
        "no probability and no stage: weighted value left blank"
    )


@pytest.mark.parametrize(
    ("question", "written", "extra"),
    [
        ("margin", 1, {"margin_pct": 0.50}),
        ("margin", 5, {"margin_pct": 0.01}),
        ("capital_risk", 5, {}),
        ("has_supporter", 2, {}),
    ],
)
def test_written_answer_beats_derived(question: str, written: int,
                                      extra: dict[str, object]) -> None:
    row = screen_one(
        {question: written, **extra},
        client={"credit_limit": 100_00, "receivables": 500_00},   # derived would be 1
        contact_rows=contacts(("C1", "supporter", "decision_maker")),  # derived would be 5
    )
    assert row[question] == written
    assert not row[f"{question}_derived"]


def test_derived_no_fails_the_gate() -> None:
    row = screen_one({**ALL_FIVE, "margin": None, "margin_pct": 0.02, "stage": "lead"})
    assert (row["margin"], row["margin_derived"], row["verdict"]) == (1, True, "reconsider")
    assert row["gate_notes"] == (
        "margin derived from margin_pct 2%; worth fails: margin answered no"
    )


@pytest.mark.parametrize(
    ("contact_rows", "client", "question"),
    [
        pytest.param(None, {}, "has_supporter", id="no-contacts-sheet"),
        pytest.param(pd.DataFrame({"client_id": ["C1"], "name": ["Li"]}), {}, "has_supporter",
                     id="contacts-without-attitude"),
        pytest.param(None, {"credit_limit": 0, "receivables": 10}, "capital_risk",
                     id="zero-limit"),
        pytest.param(None, {"credit_limit": 100, "receivables": None}, "capital_risk",
                     id="no-receivables"),
        pytest.param(None, {}, "margin", id="no-margin-pct"),
    ],
)
def test_no_data_no_derived_answer(contact_rows: pd.DataFrame | None,
                                   client: dict[str, object], question: str) -> None:
    row = screen_one({}, client=client, contact_rows=contact_rows)
    assert row[question] is pd.NA
    assert not row[f"{question}_derived"]


def test_clients_without_credit_columns() -> None:
    table = pd.DataFrame({"client_id": ["C1"], "name": ["Acme"], "region": ["East"]})
    row = screen_opportunities(opps({}), table, None, CFG).iloc[0]
    assert row["capital_risk"] is pd.NA


def test_capital_risk_uses_each_opportunitys_client() -> None:
    table = clients({"client_id": "C1", "credit_limit": 100, "receivables": 40},
                    {"client_id": "C2", "credit_limit": 100, "receivables": 110})
    out = screen_opportunities(
        opps({"client_id": "C2"}, {"client_id": "C1"}, {"client_id": "C3"}), table, None, CFG
    )
    assert out["capital_risk"].tolist() == [2, 5, pd.NA]


# --- open questions -------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"need_clear": 3, "capability": 3, "no_conflict": 3},
         "need_clear, capability, no_conflict"),
        ({"no_conflict": 3, "need_clear": 3}, "need_clear, no_conflict"),
        ({"need_clear": 4, "capability": 2}, ""),
        ({}, ""),
        ({"margin_pct": 0.15}, ""),  # a derived 3 comes from the data, it is not a "maybe"
    ],
)
def test_open_questions(answers: dict[str, object], expected: str) -> None:
    row = screen_one(answers)
    assert row["open_questions"] == expected


# --- weighted value -------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("value", "stage", "probability", "used", "weighted"),
    [
        pytest.param(100_000, "proposal", 0.25, 0.25, 25_000, id="given-beats-stage"),
        pytest.param(100_001, "proposal", np.nan, 0.5, 50_001, id="stage-default-half-up"),
        pytest.param(-100_001, "proposal", np.nan, 0.5, -50_001, id="half-away-from-zero"),
        pytest.param(15, "lead", np.nan, 0.1, 2, id="lead-1.5-cents-to-2"),
        pytest.param(40_000, "qualified", np.nan, 0.25, 10_000, id="qualified"),
        pytest.param(40_000, "negotiation", np.nan, 0.75, 30_000, id="negotiation"),
        pytest.param(40_000, "won", np.nan, 1.0, 40_000, id="won"),
        pytest.param(40_000, "lost", np.nan, 0.0, 0, id="lost"),
        pytest.param(40_000, "won", 0.5, 0.5, 20_000, id="given-wins-even-when-won"),
        pytest.param(40_000, None, 0.3, 0.3, 12_000, id="given-without-stage"),
        pytest.param(40_000, None, np.nan, math.nan, None, id="neither"),
        pytest.param(None, "won", np.nan, 1.0, None, id="no-value"),
    ],
)
def test_weighted_value(value: int | None, stage: str | None, probability: float,
                        used: float, weighted: int | None) -> None:
    row = screen_one({"value": value, "stage": stage, "probability": probability})
    if math.isnan(used):
        assert math.isnan(row["probability_used"])
    else:
        assert row["probability_used"] == used
    assert (row["weighted_value"] is pd.NA) if weighted is None else \
        row["weighted_value"] == weighted


def test_weighted_value_is_exact_for_huge_amounts() -> None:
    # 2**60 cents × 0.75 overflows float precision; the decimal product is exact.
    got = weighted_value(pd.Series([2**60 + 1], dtype="Int64"), pd.Series([0.75]))
    assert got.iloc[0] == (3 * (2**60 + 1) + 2) // 4


def test_blank_probability_note() -> None:
    row = screen_one({**ALL_FIVE})
    assert row["gate_notes"] == "no probability and no stage: weighted value left blank"


def test_configured_stage_probability() -> None:
    cfg = ScreenConfig(stage_probability={"lead": 0.2})
    row = screen_one({"value": 1000, "stage": "lead"}, cfg=cfg)
    assert (row["probability_used"], row["weighted_value"]) == (0.2, 200)


# --- frame contract, pipeline, counts -------------------------------------------------------

def test_columns_order_and_dtypes() -> None:
    out = screen_opportunities(opps({}, {}), clients(), None, CFG)
    expected = ["opp_id", "client_id", "title", "value", "stage", "probability_used",
                "weighted_value"]
    for q in QUESTIONS:
        expected += [q, f"{q}_derived"]
    for g in GATES:
        expected += [g, f"{g}_pass"]
    expected += ["verdict", "open_questions", "is_open", "gate_notes"]
    assert list(out.columns) == expected
    assert out["value"].dtype == "Int64"
    assert out["weighted_value"].dtype == "Int64"
    assert out["need_clear"].dtype == "Int64"
    assert out["real"].dtype == "float64"
    assert out["real_pass"].dtype == "boolean"


def test_same_rows_same_order_same_index() -> None:
    table = opps({"opp_id": "Z"}, {"opp_id": "A"}, {"opp_id": "M"})
    table.index = [10, 5, 7]
    out = screen_opportunities(table, clients(), None, CFG)
    assert out.index.tolist() == [10, 5, 7]
    assert out["opp_id"].tolist() == ["Z", "A", "M"]


def test_empty_opportunities() -> None:
    out = screen_opportunities(opps({}).iloc[:0], clients(), None, CFG)
    assert len(out) == 0
    assert "verdict" in out.columns


def test_pipeline_and_counts() -> None:
    table = opps(
        {"stage": "lead", **ALL_FIVE},
        {"stage": "won", **ALL_FIVE},
        {"stage": "lost", "need_clear": 1},
        {"stage": None, "offer_fit": 1},
        {"stage": "proposal"},
    )
    out = screen_opportunities(table, clients(), None, CFG)
    assert out["is_open"].tolist() == [True, False, False, True, True]
    assert pipeline(out)["opp_id"].tolist() == ["O1", "O4", "O5"]
    counts = verdict_counts(out)
    assert list(counts.index) == list(VERDICTS)
    assert counts.to_dict() == {"pursue": 2, "qualify": 1, "drop": 1, "partner_or_drop": 1,
                                "strengthen": 0, "reconsider": 0}
    assert verdict_counts(pipeline(out)).to_dict() == {
        "pursue": 1, "qualify": 1, "drop": 0, "partner_or_drop": 1,
        "strengthen": 0, "reconsider": 0,
    }


def test_missing_question_columns_are_blank() -> None:
    table = pd.DataFrame({"opp_id": ["O1"], "client_id": ["C1"], "title": ["t"],
                          "value": pd.array([500], dtype="Int64")})
    row = screen_opportunities(table, clients(), None, CFG).iloc[0]
    assert row["verdict"] == "qualify"
    assert row["weighted_value"] is pd.NA


def test_contacts_with_repeated_index_and_blank_client() -> None:
    table = contacts(("C1", "neutral", "decision_maker"), (None, "supporter", "decision_maker"),
                     ("C1", "supporter", "finance"))
    table.index = [0, 0, 0]
    assert supporter_score(pd.Series(["C1", "C2"]), table).tolist() == [3, 1]
