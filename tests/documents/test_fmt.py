import datetime as dt
import math
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from reportgen.documents.fmt import (
    BLANK,
    date_label,
    delta,
    is_blank,
    money,
    money_exact,
    month_label,
    number,
    pct,
    pp,
)
from reportgen.inputs.schema import MONEY_SCALE

#: Stored money per cent: the cases below are written in cents.
CENT = MONEY_SCALE // 100

BLANKS = [None, pd.NA, pd.NaT, math.nan, np.nan, math.inf, -math.inf, np.float32("nan")]


@pytest.mark.parametrize("value", BLANKS)
@pytest.mark.parametrize(
    "func", [money, money_exact, delta, number, pct, pp, month_label, date_label]
)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_blank_is_an_em_dash_never_zero(func, value, lang):
    assert func(value, lang=lang) == BLANK == "—"


@pytest.mark.parametrize(
    ("value", "blank"),
    [(0, False), (0.0, False), ("", False), (Decimal("NaN"), True), (np.int64(3), False)],
)
def test_is_blank(value, blank):
    assert is_blank(value) is blank


@pytest.mark.parametrize(
    ("cents", "en", "zh"),
    [
        (123456789, "¥1,234,568", "¥1,234,568"),  # 1,234,567.89 rounds up
        (123456749, "¥1,234,567", "¥1,234,567"),
        (0, "¥0", "¥0"),
        (49, "¥0", "¥0"),
        (50, "¥1", "¥1"),  # half-up, not banker's rounding
        (250, "¥3", "¥3"),
        (-50, "-¥1", "-¥1"),
        (-123400, "-¥1,234", "-¥1,234"),
        (np.int64(100000000), "¥1,000,000", "¥1,000,000"),
        (pd.array([12345], dtype="Int64")[0], "¥123", "¥123"),
    ],
)
def test_money_whole_units(cents, en, zh):
    assert money(cents * CENT, lang="en") == en
    assert money(cents * CENT, lang="zh") == zh


@pytest.mark.parametrize(
    ("cents", "expected"),
    [(123456789, "¥1,234,567.89"), (5, "¥0.05"), (0, "¥0.00"), (-123456, "-¥1,234.56")],
)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_money_exact(cents, expected, lang):
    assert money_exact(cents * CENT, lang=lang) == expected


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        (957_577_500, "¥957.58"),  # 957.5775: the exact amount, rounded once
        (1_234_567_885_000, "¥1,234,567.89"),  # half away from zero, not to even
        (4_999, "¥0.00"),
        (5_000, "¥0.01"),
        (-5_000, "-¥0.01"),
        (-1_518_604_900, "-¥1,518.60"),
    ],
)
def test_money_exact_rounds_the_exact_amount_once(stored, expected):
    assert money_exact(stored) == expected


@pytest.mark.parametrize(
    ("currency", "en", "zh"),
    [("CNY", "¥1,234", "¥1,234"), ("USD", "$1,234", "US$1,234"), ("EUR", "€1,234", "€1,234")],
)
def test_money_other_currencies(currency, en, zh):
    assert money(123400 * CENT, currency, "en") == en
    assert money(123400 * CENT, currency, "zh") == zh


@pytest.mark.parametrize(
    ("cents", "expected"),
    [(123400, "+¥1,234"), (-123400, "-¥1,234"), (0, "¥0"), (40, "¥0"), (-40, "¥0"), (50, "+¥1")],
)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_delta_has_explicit_sign(cents, expected, lang):
    assert delta(cents * CENT, lang=lang) == expected


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [
        (1234567, 0, "1,234,567"),
        (0, 0, "0"),
        (-1234, 0, "-1,234"),
        (1234.5, 0, "1,235"),
        (1234.25, 1, "1,234.3"),
        (3.0, 2, "3.00"),
        (-0.04, 1, "0.0"),
    ],
)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_number(value, digits, expected, lang):
    assert number(value, digits, lang=lang) == expected


@pytest.mark.parametrize(
    ("fraction", "digits", "expected"),
    [
        (0.125, 1, "12.5%"),
        (0, 1, "0.0%"),
        (1, 0, "100%"),
        (-0.03, 1, "-3.0%"),
        (0.00049, 1, "0.0%"),
        (-0.0004, 1, "0.0%"),
        (0.0005, 1, "0.1%"),
        (12.5, 1, "1,250.0%"),
        (0.123456, 2, "12.35%"),
    ],
)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pct(fraction, digits, expected, lang):
    assert pct(fraction, digits, lang=lang) == expected


@pytest.mark.parametrize(
    ("fraction", "expected"), [(0.1, "+10.0%"), (-0.1, "-10.0%"), (0, "0.0%"), (0.0004, "0.0%")]
)
def test_signed_pct(fraction, expected):
    assert pct(fraction, signed=True) == expected


@pytest.mark.parametrize(
    ("points", "en", "zh"),
    [
        (5, "+5.0 pp", "+5.0个百分点"),
        (-2.25, "-2.3 pp", "-2.3个百分点"),
        (0, "0.0 pp", "0.0个百分点"),
        (-0.04, "0.0 pp", "0.0个百分点"),
    ],
)
def test_pp(points, en, zh):
    assert pp(points, lang="en") == en
    assert pp(points, lang="zh") == zh


@pytest.mark.parametrize(
    "period",
    [
        "2026-10",
        "2026-10-31",
        dt.date(2026, 10, 3),
        dt.datetime(2026, 10, 3, 23, 59),
        pd.Period("2026-10", "M"),
        pd.Timestamp("2026-10-03"),
        np.datetime64("2026-10-03"),
    ],
)
def test_month_label(period):
    assert month_label(period, "en") == "October 2026"
    assert month_label(period, "zh") == "2026年10月"


@pytest.mark.parametrize(
    ("date", "en", "zh"),
    [
        (dt.date(2026, 10, 3), "3 Oct 2026", "2026年10月3日"),
        (pd.Timestamp("2026-01-31"), "31 Jan 2026", "2026年1月31日"),
        ("2026-12-01", "1 Dec 2026", "2026年12月1日"),
    ],
)
def test_date_label(date, en, zh):
    assert date_label(date, "en") == en
    assert date_label(date, "zh") == zh


def test_bad_month_text_is_refused():
    with pytest.raises(ValueError, match=r"^not a date or month: 'Oct 2026' \(expected YYYY-MM"):
        month_label("Oct 2026")


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="^unknown language 'fr': use one of en, zh$"):
        money(100, lang="fr")
