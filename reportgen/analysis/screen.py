"""The opportunity screen: four gates, a verdict and a weighted value for every opportunity.

SPEC, "Opportunity screen" (是不是机会 / 能不能竞争 / 能不能赢 / 值不值得赢). Each of the 13
questions in :data:`reportgen.inputs.schema.GATES` is answered 1–5 (the loader has already read
yes / maybe / no as 5 / 3 / 1). Where a question is blank and the data exists, the screen
answers ``has_supporter``, ``margin`` and ``capital_risk`` itself and marks them derived. A
written answer always wins over a derived one.

Rules chosen where SPEC leaves room:

* **Open questions** are the *written* answers equal to 3. The loaded frame no longer tells a
  written "maybe" from a written 3, and the middle of the scale means the same thing ("not
  sure yet"). A *derived* 3 is not open: it comes from the data (a margin of 10–20 %, a
  supporter outside the buying centre), and asking the client again would not change it.
* **Probability**: the given probability wins, even for a won or lost opportunity; else the
  stage's default from the config. With neither, ``probability_used`` is NaN, the weighted
  value is blank and ``gate_notes`` says why.
* **has_supporter** is derived only when a Contacts table with an ``attitude`` column is given;
  the caller passes ``contacts=None`` when the sheet (or that column) was not in the input.
  A client with no contact at all then scores 1 ("no supporter").
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from reportgen.inputs.config import ScreenConfig
from reportgen.inputs.schema import GATES, QUESTIONS

#: Verdicts in the order SPEC lists them (also the order of :func:`verdict_counts`).
VERDICTS: tuple[str, ...] = (
    "pursue", "qualify", "drop", "partner_or_drop", "strengthen", "reconsider",
)
#: The verdict given when a gate fails; the first failing gate, in this order, decides.
FAIL_VERDICT: dict[str, str] = {
    "real": "drop",
    "compete": "partner_or_drop",
    "win": "strengthen",
    "worth": "reconsider",
}
CLOSED_STAGES: frozenset[str] = frozenset({"won", "lost"})
#: Buying roles whose supporter makes ``has_supporter`` a 5 (others make it a 3).
KEY_ROLES: frozenset[str] = frozenset({"decision_maker", "business"})
#: Margin bands, highest first: (lowest margin for the score, score).
MARGIN_BANDS: tuple[tuple[float, int], ...] = ((0.30, 5), (0.20, 4), (0.10, 3), (0.05, 2))
#: Receivables / credit limit bands as exact fractions (numerator, denominator, score):
#: ratio <= numerator / denominator scores the score.
CAPITAL_BANDS: tuple[tuple[int, int, int], ...] = ((1, 2, 5), (4, 5, 4), (1, 1, 3), (6, 5, 2))

_SUPPORTER_NOTES = {
    5: "has_supporter derived from Contacts: a supporter who decides or buys",
    3: "has_supporter derived from Contacts: a supporter in another role",
    1: "has_supporter derived from Contacts: no supporter listed",
}


def screen_opportunities(
    opportunities: pd.DataFrame,
    clients: pd.DataFrame,
    contacts: pd.DataFrame | None,
    cfg: ScreenConfig,
) -> pd.DataFrame:
    """Screen every opportunity: answers used, gate means and passes, verdict, weighted value.

    One row per opportunity, in the input's order and with the input's index. Money columns are
    Int64 stored money. Columns: opp_id, client_id, title, value, stage, probability_used,
    weighted_value, then ``<question>`` and ``<question>_derived`` for each question, then
    ``<gate>`` (mean) and ``<gate>_pass`` for each gate, verdict, open_questions, is_open,
    gate_notes.
    """
    index = opportunities.index
    stage = _column(opportunities, "stage")
    value = _column(opportunities, "value").astype("Int64")
    client_id = _column(opportunities, "client_id")

    written = pd.DataFrame(
        {q: _column(opportunities, q).astype("Int64") for q in QUESTIONS}, index=index
    )
    derived = _derived_answers(opportunities, clients, contacts)
    used_columns = dict(written.items())
    derived_flags = {q: pd.Series(False, index=index) for q in QUESTIONS}
    for q, answers in derived.items():
        fill = written[q].isna() & answers.notna()
        used_columns[q] = written[q].where(~fill, answers)
        derived_flags[q] = fill
    used = pd.DataFrame(used_columns, index=index)
    is_derived = pd.DataFrame(derived_flags, index=index)

    probability = probability_used(stage, _column(opportunities, "probability"), cfg)
    gates = gate_results(used, cfg.pass_mean)

    columns: dict[str, object] = {
        "opp_id": _column(opportunities, "opp_id"),
        "client_id": client_id,
        "title": _column(opportunities, "title"),
        "value": value,
        "stage": stage,
        "probability_used": probability,
        "weighted_value": weighted_value(value, probability),
    }
    for q in QUESTIONS:
        columns[q] = used[q]
        columns[f"{q}_derived"] = is_derived[q]
    for gate in GATES:
        columns[gate] = gates[gate]
        columns[f"{gate}_pass"] = gates[f"{gate}_pass"]
    columns["verdict"] = verdicts(gates)
    columns["open_questions"] = open_questions(written)
    columns["is_open"] = pd.Series(~stage.isin(CLOSED_STAGES).to_numpy(dtype=bool), index=index)
    columns["gate_notes"] = _gate_notes(
        used, is_derived, derived, gates, probability, opportunities, clients, cfg
    )
    return pd.DataFrame(columns, index=index)


def margin_score(margin_pct: pd.Series) -> pd.Series:
    """The derived ``margin`` answer: ≥30 % → 5, ≥20 % → 4, ≥10 % → 3, ≥5 % → 2, else 1."""
    # Rounded so that float noise from reading "30%" can never drop a margin into a lower band.
    m = pd.to_numeric(margin_pct, errors="coerce").astype("float64").round(9).to_numpy()
    scores = np.select([m >= low for low, _ in MARGIN_BANDS], [s for _, s in MARGIN_BANDS], 1)
    return pd.Series(scores, index=margin_pct.index, dtype="Int64").mask(np.isnan(m))


def capital_risk_score(receivables: pd.Series, credit_limit: pd.Series) -> pd.Series:
    """The derived ``capital_risk`` answer from receivables / credit limit (stored money, exact).

    ≤ 50 % → 5, ≤ 80 % → 4, ≤ 100 % → 3, ≤ 120 % → 2, else 1; blank unless the limit is > 0
    and receivables are known. Compared exactly: ``r / l <= n / d`` as ``r * d <= l * n``.
    """
    rec = receivables.astype("Int64")
    lim = credit_limit.astype("Int64")
    known = (rec.notna() & lim.notna() & (lim.fillna(0) > 0)).to_numpy()
    r = rec.fillna(0).to_numpy(dtype="int64")
    lm = lim.fillna(0).to_numpy(dtype="int64")
    scores = np.select([r * d <= lm * n for n, d, _ in CAPITAL_BANDS],
                       [s for _, _, s in CAPITAL_BANDS], 1)
    return pd.Series(scores, index=receivables.index, dtype="Int64").where(known)


def supporter_score(client_ids: pd.Series, contacts: pd.DataFrame) -> pd.Series:
    """The derived ``has_supporter`` answer per opportunity, from its client's contacts.

    5 when a supporter is a decision maker or business buyer, 3 when a supporter has another
    (or no) role, 1 when the client has no supporter.
    """
    attitude = _column(contacts, "attitude")
    role = _column(contacts, "buying_role")
    is_supporter = attitude.eq("supporter").fillna(False).to_numpy(dtype=bool)
    key_role = role.isin(KEY_ROLES).to_numpy(dtype=bool)
    supporters = pd.DataFrame({
        "client_id": _column(contacts, "client_id").to_numpy(dtype=object)[is_supporter],
        "score": np.where(key_role, 5, 3)[is_supporter],
    })
    best = supporters.dropna(subset=["client_id"]).groupby("client_id")["score"].max()
    return client_ids.map(best).fillna(1).astype("Int64")


def probability_used(stage: pd.Series, probability: pd.Series, cfg: ScreenConfig) -> pd.Series:
    """The probability each weighted value uses: the given one, else the stage's default."""
    given = pd.to_numeric(probability, errors="coerce").astype("float64")
    default = stage.map(cfg.stage_probability).astype("float64")
    return given.fillna(default)


def weighted_value(value: pd.Series, probability: pd.Series) -> pd.Series:
    """Value × probability in Int64 stored money, rounded half away from zero; blank when either is.

    Computed in decimal from the probability's shortest text form, so 0.1 × 15 stored units is 1.5
    and rounds to 2 (binary floats would make it 1.4999… for some values).
    """
    out = pd.Series(pd.NA, index=value.index, dtype="Int64")
    known = value.notna().to_numpy() & probability.notna().to_numpy()
    if known.any():
        stored = value.to_numpy(dtype=object)[known]
        probs = probability.to_numpy(dtype="float64")[known]
        out.iloc[np.flatnonzero(known)] = [
            int((Decimal(int(c)) * Decimal(repr(float(p)))).quantize(Decimal(1), ROUND_HALF_UP))
            for c, p in zip(stored, probs, strict=True)
        ]
    return out


def gate_results(answers: pd.DataFrame, pass_mean: float) -> pd.DataFrame:
    """Per gate: the mean of its answered questions (NaN when none) and whether it passes.

    A gate passes when its mean is ≥ ``pass_mean`` and no answer is a 1; an unanswered gate's
    pass is ``<NA>`` (skipped).
    """
    out = pd.DataFrame(index=answers.index)
    for gate, questions in GATES.items():
        block = answers[list(questions)].astype("Float64").to_numpy(dtype="float64",
                                                                    na_value=np.nan)
        count = (~np.isnan(block)).sum(axis=1)
        total = np.nansum(block, axis=1)
        lowest = np.where(np.isnan(block), np.inf, block).min(axis=1)
        answered = count > 0
        # Sum against pass_mean × count: exact for whole-number answers, no division noise.
        passes = (total >= pass_mean * count) & (lowest > 1)
        out[gate] = np.where(answered, total / np.maximum(count, 1), np.nan)
        out[f"{gate}_pass"] = pd.array(passes, dtype="boolean")
        out.loc[~answered, f"{gate}_pass"] = pd.NA
    return out


def verdicts(gates: pd.DataFrame) -> pd.Series:
    """The verdict per opportunity: the first failing gate decides, else qualify or pursue."""
    fails = [gates[f"{g}_pass"].eq(False).fillna(False).to_numpy(dtype=bool) for g in GATES]
    unanswered = np.column_stack(
        [gates[f"{g}_pass"].isna().to_numpy() for g in GATES]
    ).any(axis=1) if len(gates) else np.zeros(0, dtype=bool)
    choice = np.select(
        [*fails, unanswered], [*(FAIL_VERDICT[g] for g in GATES), "qualify"], "pursue"
    )
    return pd.Series(choice, index=gates.index, dtype=object)


def open_questions(written: pd.DataFrame) -> pd.Series:
    """The written answers of 3 ("maybe"), joined by ", " in question order; "" when none."""
    return pd.Series(_answered(written, QUESTIONS, 3), index=written.index, dtype=object)


def verdict_counts(screened: pd.DataFrame) -> pd.Series:
    """How many rows of ``screened`` got each verdict, in :data:`VERDICTS` order (zeros kept).

    Counts whatever rows it is given: pass :func:`pipeline` of the screen for the pipeline only.
    """
    counts = screened["verdict"].value_counts()
    return counts.reindex(list(VERDICTS), fill_value=0).astype("int64").rename("count")


def pipeline(screened: pd.DataFrame) -> pd.DataFrame:
    """The open opportunities (stage neither won nor lost, blank stage included)."""
    return screened.loc[screened["is_open"].to_numpy(dtype=bool)]


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    """``frame[name]``, or an all-blank column when the input did not carry it."""
    if name in frame.columns:
        return frame[name]
    return pd.Series([None] * len(frame), index=frame.index, dtype=object)


def _answered(answers: pd.DataFrame, questions: tuple[str, ...], score: int) -> np.ndarray:
    """Per row, the questions answered ``score``, joined by ", " in question order."""
    return _join_where(
        [(q, answers[q].eq(score).fillna(False).to_numpy(dtype=bool)) for q in questions],
        len(answers),
    )


def _join_where(parts: list[tuple[object, np.ndarray]], n: int, sep: str = ", ") -> np.ndarray:
    """Column-wise join: each row gets the texts whose flag is set, in order, joined by sep.

    A text may be a str (the same for every row) or an object array (one per row).
    """
    out = np.full(n, "", dtype=object)
    for text, flag in parts:
        glue = np.where(out != "", sep, "")
        out = np.where(flag, out + glue + text, out)
    return out


def _derived_answers(
    opportunities: pd.DataFrame, clients: pd.DataFrame, contacts: pd.DataFrame | None
) -> dict[str, pd.Series]:
    """The answers the data gives, per derivable question (only where the data exists)."""
    derived: dict[str, pd.Series] = {}
    client_id = _column(opportunities, "client_id")
    if contacts is not None and "attitude" in contacts.columns:
        derived["has_supporter"] = supporter_score(client_id, contacts)
    derived["margin"] = margin_score(_column(opportunities, "margin_pct"))
    if {"credit_limit", "receivables"} <= set(clients.columns):
        by_id = clients.drop_duplicates("client_id").set_index("client_id")
        derived["capital_risk"] = capital_risk_score(
            client_id.map(by_id["receivables"]).astype("Int64"),
            client_id.map(by_id["credit_limit"]).astype("Int64"),
        )
    return derived


def _gate_notes(
    used: pd.DataFrame,
    is_derived: pd.DataFrame,
    derived: dict[str, pd.Series],
    gates: pd.DataFrame,
    probability: pd.Series,
    opportunities: pd.DataFrame,
    clients: pd.DataFrame,
    cfg: ScreenConfig,
) -> pd.Series:
    """Plain-words notes per opportunity: derived answers, failing and unanswered gates."""
    n = len(used)
    parts: list[tuple[object, np.ndarray]] = []
    if "has_supporter" in derived:
        flag = is_derived["has_supporter"].to_numpy(dtype=bool)
        for score, note in _SUPPORTER_NOTES.items():
            parts.append((note, flag & used["has_supporter"].eq(score).fillna(False).to_numpy()))
    flag = is_derived["margin"].to_numpy(dtype=bool)
    if flag.any():
        margin = _column(opportunities, "margin_pct").astype("float64").tolist()
        parts.append((_texts(flag, margin, "margin derived from margin_pct {}", _pct), flag))
    flag = is_derived["capital_risk"].to_numpy(dtype=bool)
    if "capital_risk" in derived and flag.any():
        by_id = clients.drop_duplicates("client_id").set_index("client_id")
        ids = _column(opportunities, "client_id")
        rec = ids.map(by_id["receivables"]).astype("Float64").to_numpy("float64", na_value=0)
        lim = ids.map(by_id["credit_limit"]).astype("Float64").to_numpy("float64", na_value=1)
        ratio = (rec / np.where(lim > 0, lim, 1)).tolist()
        parts.append((_texts(flag, ratio, "capital_risk derived: receivables are {} of the "
                                          "credit limit", _pct), flag))
    for gate, questions in GATES.items():
        passed = gates[f"{gate}_pass"]
        skipped = passed.isna().to_numpy()
        failed = passed.eq(False).fillna(False).to_numpy(dtype=bool)
        parts.append((f"{gate}: no answers, gate skipped", skipped))
        if failed.any():
            noes = _answered(used, questions, 1)
            means = gates[gate].tolist()
            reasons = [
                f"{gate} fails: {_fail_reasons(no, mean, cfg.pass_mean)}" if f else ""
                for no, mean, f in zip(noes, means, failed, strict=True)
            ]
            parts.append((np.array(reasons, dtype=object), failed))
    blank = np.isnan(probability.to_numpy(dtype="float64"))
    parts.append(("no probability and no stage: weighted value left blank", blank))
    return pd.Series(_join_where(parts, n, "; "), index=used.index, dtype=object)


def _texts(
    flag: np.ndarray, values: list[float], template: str, fmt: Callable[[float], str]
) -> np.ndarray:
    """``template`` filled with ``fmt(value)`` where ``flag`` is set, "" elsewhere."""
    return np.array(
        [template.format(fmt(v)) if f else "" for v, f in zip(values, flag, strict=True)],
        dtype=object,
    )


def _fail_reasons(noes: str, mean: float, pass_mean: float) -> str:
    """Why a gate failed, e.g. "mean 2.5 is below 3 and capability answered no"."""
    reasons = []
    if mean < pass_mean:
        reasons.append(f"mean {_num(mean)} is below {_num(pass_mean)}")
    if noes:
        reasons.append(f"{noes} answered no")
    return " and ".join(reasons)


def _num(x: float) -> str:
    """A mean as a person writes it: 3, 2.5, 2.67."""
    return f"{round(x, 2):g}"


def _pct(fraction: float) -> str:
    """A fraction as a percent with at most two decimals: 0.25 → "25%", 0.2999 → "29.99%"."""
    return f"{round(fraction * 100, 2):g}%"
