"""Typed cell parsers (SPEC, "Values"): every accepted form, exact messages, fuzzed invariants."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import unicodedata
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reportgen.inputs import schema
from reportgen.inputs.config import Config
from reportgen.inputs.issues import Severity
from reportgen.inputs.values.amounts import parse_int, parse_money, parse_number, parse_percent
from reportgen.inputs.values.cells import CellProblem, CellValueError, show
from reportgen.inputs.values.choices import parse_bool, parse_enum, parse_score
from reportgen.inputs.values.columns import convert_column
from reportgen.inputs.values.dates import DateReading, parse_date, parse_month, read_date_text
from reportgen.inputs.values.ids import parse_emails, parse_id, parse_text

#: Stored money per cent: most money cases below are written in cents.
CENT = schema.MONEY_SCALE // 100

REALDATA = Path(__file__).resolve().parents[3] / "shared" / "realdata"
CONFIG = Config()
DAY_FIRST = Config.model_validate({"format": {"date_order": "day-first"}})
DECIMAL_COMMA = Config.model_validate({"format": {"decimal_comma": True}})

SALES = schema.SHEETS["sales"]
DATE, AMOUNT, CLIENT_ID = SALES.column("date"), SALES.column("amount"), SALES.column("client_id")
QUANTITY, CLIENT_NAME = SALES.column("quantity"), SALES.column("client_name")
OPPS = schema.SHEETS["opportunities"]
PROBABILITY, MARGIN, STAGE = (OPPS.column("probability"), OPPS.column("margin_pct"),
                              OPPS.column("stage"))
MONTH = schema.SHEETS["targets"].column("month")
NEW_CLIENTS = schema.SHEETS["targets"].column("new_clients_target")
EMAILS = schema.SHEETS["regions"].column("leadership_emails")
RESOLVED = schema.SHEETS["feedback"].column("resolved")
ATTITUDE = schema.SHEETS["contacts"].column("attitude")
HAS_SUPPORTER = OPPS.column("has_supporter")

AMOUNT_HINT = ("write a number such as 1234.50; a currency sign, thousands separators and "
               "brackets for negatives are fine")
DATE_HINT = "write the date as 2026-10-03"
NAN_HINT = "fix the formula in the workbook, or type the value"
D = dt.date


def error_of(parse, *args, **kwargs) -> tuple[str, str]:
    """The message and hint a parser raises."""
    with pytest.raises(ValueError) as info:
        parse(*args, **kwargs)
    assert isinstance(info.value, CellValueError)
    return info.value.message, info.value.hint


# ----------------------------------------------------------------------------- money


@pytest.mark.parametrize(("cell", "cents"), [
    ("¥1,234.50", 123450),
    ("$1,234", 123400),
    ("CNY 1,234", 123400),
    ("cny1,234", 123400),
    ("1,234.5元", 123450),
    ("RMB 88", 8800),
    ("￥1,234.50", 123450),            # full-width yen sign
    ("€ 12.30", 1230),
    ("(1,234.00)", -123400),
    ("¥(1,234.00)", -123400),
    ("(¥1,234.00)", -123400),
    ("-1,234", -123400),
    ("\u22121,234", -123400),          # typographic minus
    ("-¥1,234", -123400),
    ("¥-1,234", -123400),
    ("1,234.00-", -123400),            # SAP's trailing minus
    ("+5", 500),
    ("1 234", 123400),
    ("1\u00a0234", 123400),            # no-break space
    ("1\u2009234.5", 123450),          # thin space
    ("1\u202f234", 123400),            # narrow no-break space
    ("1'234.50", 123450),
    ("1,234,567.89", 123456789),
    ("1,23,456", 12345600),            # Indian grouping
    ("１２３", 12300),                  # full-width digits
    ("１，２３４．５０", 123450),
    ("  42  ", 4200),
    (".5", 50),
    ("5.", 500),
    ("1e3", 100000),
    ("1.5E+05", 15000000),
    ("1.5万", 1500000),
    ("2亿元", 20000000000),
    ("$ -", 0),                        # Excel's accounting format shows zero as a dash
    ("-", 0),
    (1234.5, 123450),
    (42, 4200),
    (np.int64(7), 700),
    (np.float64(2.5), 250),
    (None, None),
    ("", None),
    (" \u3000\u00a0", None),           # all-whitespace text is blank
])
def test_parse_money_reads(cell, cents):
    assert parse_money(cell) == (None if cents is None else cents * CENT)


@pytest.mark.parametrize(("cell", "stored"), [
    ("957.5775", 957_577_500),         # Superstore's four decimals, kept
    (957.5775, 957_577_500),
    ("1,234.567891", 1_234_567_891),
    ("0.125", 125_000),
    ("-0.125", -125_000),
    (0.125, 125_000),
    (2.675, 2_675_000),                # the float is 2.67499999…; the typed value is 2.675
    (1.005, 1_005_000),
    (0.1 + 0.2, 300_000),              # 0.30000000000000004: a seventh decimal rounds away
    (-0.005, -5_000),
    ("0.0000005", 1),                  # half a millionth rounds away from zero
    ("-0.0000005", -1),
    ("0.00000049", 0),
    (Decimal("19.999"), 19_999_000),
    (999_999_999_999, 999_999_999_999_000_000),  # the largest whole amount a line may hold
])
def test_parse_money_keeps_six_decimals(cell, stored):
    assert parse_money(cell) == stored


@pytest.mark.parametrize(("cell", "cents"), [
    ("1.234,50", 123450),
    ("1 234,50", 123450),
    ("1,5", 150),
    ("1.234", 123400),                 # the dot separates thousands
    ("(1.234,00 €)", -123400),
    (1234.5, 123450),                  # real numbers never depend on the setting
])
def test_parse_money_with_decimal_comma(cell, cents):
    """1,234 under a decimal comma is 1.234, kept to the thousandth (see the case below)."""
    assert parse_money(cell, decimal_comma=True) == cents * CENT


def test_a_decimal_comma_keeps_the_decimals():
    assert parse_money("1,234", decimal_comma=True) == 1_234_000


COMMA_HINT = ("; if your files use decimal commas (1.234,50), set decimal_comma = true under "
              "[format] in reportgen.toml")


@pytest.mark.parametrize(("cell", "decimal_comma", "message", "hint"), [
    ("12,34", False, 'cannot read "12,34" as an amount: the comma may be a decimal comma',
     "write 12.34" + COMMA_HINT),
    ("1.234,50", False, 'cannot read "1.234,50" as an amount: the comma may be a decimal comma',
     "write 1234.50" + COMMA_HINT),
    ("1.234.567", False, 'cannot read "1.234.567" as an amount: the dots may separate thousands',
     "write 1234567" + COMMA_HINT),
    ("1.5", True, 'cannot read "1.5" as an amount: it has a decimal point, but the settings '
     "say decimal comma", "write 1,5; or set decimal_comma = false under [format] in "
     "reportgen.toml"),
    ("n/a", False, 'cannot read "n/a" as an amount', AMOUNT_HINT),
    ("NA", False, 'cannot read "NA" as an amount', AMOUNT_HINT),
    ("1,2,3", False, 'cannot read "1,2,3" as an amount', AMOUNT_HINT),
    ("--5", False, 'cannot read "--5" as an amount', AMOUNT_HINT),
    ("(-5)", False, 'cannot read "(-5)" as an amount', AMOUNT_HINT),
    ("(5", False, 'cannot read "(5" as an amount', AMOUNT_HINT),
    ("¥", False, 'cannot read "¥" as an amount', AMOUNT_HINT),
    (True, False, 'cannot read "TRUE" as an amount', AMOUNT_HINT),
    (dt.date(2026, 10, 3), False, 'cannot read "2026-10-03" as an amount', AMOUNT_HINT),
    (float("inf"), False, 'cannot read "inf" as an amount', AMOUNT_HINT),
    (float("nan"), False, "the cell holds no value (NaN) instead of an amount; it may be a "
     "broken formula", NAN_HINT),
    ("#DIV/0!", False, 'the cell shows the Excel error "#DIV/0!"', NAN_HINT),
    ("1e20", False, 'the amount "1e20" is too large: an amount must be below '
     "1,000,000,000,000", "check the amount for extra digits"),
    (1e16, False, 'the amount "1e+16" is too large: an amount must be below '
     "1,000,000,000,000", "check the amount for extra digits"),
    # The limit itself is refused; a millionth below it is read (test_parse_money_limit).
    ("1,000,000,000,000", False, 'the amount "1,000,000,000,000" is too large: an amount '
     "must be below 1,000,000,000,000", "check the amount for extra digits"),
])
def test_parse_money_refuses(cell, decimal_comma, message, hint):
    assert error_of(parse_money, cell, decimal_comma=decimal_comma) == (message, hint)


def test_parse_money_limit():
    assert parse_money("999,999,999,999.999999") == 999_999_999_999_999_999


@pytest.mark.parametrize(("cell", "expected"), [
    ("12.5", 12.5), ("1,234.5", 1234.5), ("(3)", -3.0), ("¥12.50", 12.5), (7, 7.0),
    (1618.5, 1618.5), ("1.5e3", 1500.0), ("", None),
])
def test_parse_number(cell, expected):
    assert parse_number(cell) == expected


@pytest.mark.parametrize(("cell", "expected"), [("3", 3), (3.0, 3), ("1,200", 1200), (None, None)])
def test_parse_int(cell, expected):
    assert parse_int(cell) == expected


def test_parse_int_refuses_a_fraction():
    assert error_of(parse_int, 2.5) == ('"2.5" is not a whole number',
                                        "write a whole number such as 12")


# ----------------------------------------------------------------------------- percent


@pytest.mark.parametrize(("cell", "fraction"), [
    (0.25, 0.25), ("25%", 0.25), (25, 0.25), ("25 %", 0.25), ("0.25", 0.25), ("25", 0.25),
    ("12.5%", 0.125), ("0.5%", 0.005), ("２５％", 0.25), (1, 1.0), ("100%", 1.0), (0, 0.0),
    (None, None), ("", None),
])
def test_parse_percent(cell, fraction):
    assert parse_percent(cell) == fraction


PERCENT_HINT = "write a percentage such as 25% (or 0.25)"


@pytest.mark.parametrize(("cell", "low", "message"), [
    ("150%", 0.0, '"150%" is not a percentage between 0% and 100%'),
    (150, 0.0, '"150" is not a percentage between 0% and 100%'),
    ("-5%", 0.0, '"-5%" is not a percentage between 0% and 100%'),
    (-0.1, 0.0, '"-0.1" is not a percentage between 0% and 100%'),
    ("-150%", -1.0, '"-150%" is not a percentage between -100% and 100%'),
    ("abc", 0.0, 'cannot read "abc" as a percentage'),
    ("abc%", 0.0, 'cannot read "abc%" as a percentage'),
])
def test_parse_percent_refuses(cell, low, message):
    assert error_of(parse_percent, cell, low=low) == (message, PERCENT_HINT)


def test_margin_may_be_a_loss_but_probability_may_not():
    margin = convert_column(MARGIN, ["-25%", -30, "40%", 0.1], config=CONFIG)
    assert margin.values.tolist() == [-0.25, -0.3, 0.4, 0.1]
    assert margin.problems == ()
    probability = convert_column(PROBABILITY, ["-25%", "40%", 75, None], config=CONFIG)
    assert probability.values.dtype == np.float64
    assert probability.values.tolist()[1:3] == [0.4, 0.75]
    assert pd.isna(probability.values[0]) and pd.isna(probability.values[3])
    assert probability.problems == (CellProblem(
        0, "-25%", '"-25%" is not a percentage between 0% and 100%', PERCENT_HINT,
        Severity.ERROR),)


# ----------------------------------------------------------------------------- ids and text


@pytest.mark.parametrize(("cell", "expected"), [
    ("00123", ("00123", False)),
    ("  00123\u00a0", ("00123", False)),
    ("\u3000C-7\u3000", ("C-7", False)),
    (123.0, ("123", False)),
    (123, ("123", False)),
    (np.int64(9), ("9", False)),
    (12.5, ("12.5", False)),
    ("A\u200b12", ("A12", True)),
    ("\ufeffC001", ("C001", True)),
    ("NA", ("NA", False)),
    ("None", ("None", False)),
    ("N/A", ("N/A", False)),
    ("null", ("null", False)),
    ("Cafe\u0301", ("Café", False)),   # NFC: e + combining accent becomes é
    (dt.date(2026, 1, 2), ("2026-01-02", False)),
    ("", (None, False)),
    ("\u200b", (None, False)),
    (None, (None, False)),
])
def test_parse_id(cell, expected):
    assert parse_id(cell) == expected


@pytest.mark.parametrize(("cell", "message", "hint"), [
    ("1.23457E+11", '"1.23457E+11" looks like a long number that Excel shortened, so the real '
     "id is lost", "format the id column as text in the workbook and retype the ids"),
    (True, 'cannot read "TRUE" as an id', "type the id"),
    (float("nan"), "the cell holds no value (NaN) instead of an id; it may be a broken formula",
     NAN_HINT),
    ("#REF!", 'the cell shows the Excel error "#REF!"', NAN_HINT),
])
def test_parse_id_refuses(cell, message, hint):
    assert error_of(parse_id, cell) == (message, hint)


def test_id_column_warns_about_damaged_ids():
    cells = ["C1\u200b", 1234567890123456.0, dt.datetime(2026, 1, 2), "00123", 77.0, None, "NA",
             12345678901234567, 42]
    result = convert_column(CLIENT_ID, cells, config=CONFIG)
    assert result.values.tolist() == ["C1", "1234567890123456", "2026-01-02", "00123", "77",
                                      None, "NA", "12345678901234567", "42"]
    assert result.values.dtype == object
    retype = "format the id column as text in the workbook and retype the ids"
    assert result.problems == (
        CellProblem(0, "C1\u200b", '"C1" contains an invisible character (removed)',
                    "retype the id in the workbook so it matches the same id elsewhere",
                    Severity.WARNING),
        CellProblem(1, "1234567890123456", "the id 1234567890123456 is a number longer than 15 "
                    "digits; Excel may have changed its last digits", retype, Severity.WARNING),
        CellProblem(2, "2026-01-02", "the id is a date (2026-01-02); Excel may have turned it "
                    "into one", retype, Severity.WARNING),
        CellProblem(7, "12345678901234567", "the id 12345678901234567 is a number longer than "
                    "15 digits; Excel may have changed its last digits", retype, Severity.WARNING),
    )


@pytest.mark.parametrize(("cell", "text"), [
    ("  Acme Ltd\u00a0", "Acme Ltd"),
    ("\u200bEast\u200b", "East"),
    ("a\u200db", "a\u200db"),           # inner joiners are part of the text
    ("NA", "NA"), ("None", "None"), ("N/A", "N/A"),
    (123.0, "123"), (1.5, "1.5"), (7, "7"), (True, "TRUE"),
    (dt.datetime(2026, 10, 3), "2026-10-03"),
    (dt.datetime(2026, 10, 3, 14, 5), "2026-10-03 14:05"),
    (dt.date(2026, 10, 3), "2026-10-03"),
    (dt.time(9, 5), "09:05"),
    ("  ", None), (None, None),
])
def test_parse_text(cell, text):
    assert parse_text(cell) == text


def test_show_is_short_and_safe():
    assert show("x" * 100) == "x" * 59 + "…"
    assert show("a\x1b[31mb\nc") == "a [31mb c"
    assert show(3.0) == "3"


# ----------------------------------------------------------------------------- e-mails

EMAIL_HINT = 'separate addresses with "," or ";", e.g. east@example.com; vp@example.com'


@pytest.mark.parametrize(("cell", "joined"), [
    ("a@x.com, b@y.com", "a@x.com,b@y.com"),
    ("a@x.com;b@y.cn", "a@x.com,b@y.cn"),
    ("a@x.com；b@y.cn，c@z.org、d@w.net", "a@x.com,b@y.cn,c@z.org,d@w.net"),
    ("a@x.com\nb@y.com", "a@x.com,b@y.com"),
    ("A@x.com a@X.com", "A@x.com"),
    ("张三@公司.中国", "张三@公司.中国"),
    (" ; ", None),
    (None, None),
])
def test_parse_emails(cell, joined):
    assert parse_emails(cell) == joined


@pytest.mark.parametrize(("cell", "message"), [
    ("a@x.com bob@", '"bob@" is not an e-mail address'),
    ("x y", '"x", "y" are not e-mail addresses'),
    ("a@localhost", '"a@localhost" is not an e-mail address'),
    (5, '"5" is not an e-mail address'),
])
def test_parse_emails_refuses(cell, message):
    assert error_of(parse_emails, cell) == (message, EMAIL_HINT)


# ----------------------------------------------------------------------------- spellings


@pytest.mark.parametrize(("cell", "code"), [
    ("决策者", "decision_maker"), ("Decision Maker", "decision_maker"),
    ("decision-maker", "decision_maker"), (" FINANCIAL ", "finance"), ("", None),
])
def test_parse_enum(cell, code):
    assert parse_enum(cell, schema.VALUE_SPELLINGS["buying_role"]) == code


def test_parse_enum_names_the_accepted_values():
    assert error_of(parse_enum, "boss", schema.VALUE_SPELLINGS["buying_role"],
                    column="buying_role") == (
        '"boss" is not one of: decision_maker (决策者), technical (技术), business (商务), '
        "finance (财务), user (使用者)",
        "write one of these values, or add this spelling under [values.buying_role] in "
        "reportgen.toml")


def test_enum_column_uses_the_config_spellings():
    config = Config.model_validate({"values": {"attitude": {"supporter": ["coach", "教练"]}}})
    result = convert_column(ATTITUDE, ["Coach", "教练", "中立", "support"], config=config)
    assert result.values.tolist() == ["supporter", "supporter", "neutral", "supporter"]
    assert convert_column(ATTITUDE, ["coach"], config=CONFIG).values.tolist() == [None]


@pytest.mark.parametrize(("cell", "score"), [
    ("yes", 5), ("是", 5), ("Y", 5), ("maybe", 3), ("待定", 3), ("no", 1), ("否", 1),
    (3, 3), (3.0, 3), ("4", 4), ("4.0", 4), ("3分", 3), (True, 5), (False, 1), (None, None),
])
def test_parse_score(cell, score):
    assert parse_score(cell) == score


SCORE_HINT = "write a score from 1 to 5, or yes / maybe / no (是 / 待定 / 否)"


@pytest.mark.parametrize(("cell", "message"), [
    (2.5, 'the score "2.5" is not a whole number from 1 to 5'),
    (6, 'the score "6" is not a whole number from 1 to 5'),
    ("0", 'the score "0" is not a whole number from 1 to 5'),
    ("perhaps", 'cannot read "perhaps" as a score'),
])
def test_parse_score_refuses(cell, message):
    assert error_of(parse_score, cell) == (message, SCORE_HINT)


@pytest.mark.parametrize(("cell", "value"), [
    ("yes", True), ("是", True), ("已解决", True), ("Resolved", True), ("x", True), (1, True),
    (1.0, True), (True, True), (np.bool_(False), False), ("no", False), ("未解决", False),
    ("open", False), (0, False), ("", None),
])
def test_parse_bool(cell, value):
    assert parse_bool(cell) == value


def test_parse_bool_refuses():
    assert error_of(parse_bool, "maybe") == ('cannot read "maybe" as yes or no',
                                             "write yes or no (是 / 否)")
    assert error_of(parse_bool, 2) == ('cannot read "2" as yes or no', "write yes or no (是 / 否)")


def test_score_and_bool_columns_have_their_dtypes():
    scores = convert_column(HAS_SUPPORTER, ["是", "maybe", None, 2], config=CONFIG)
    assert str(scores.values.dtype) == "Int64"
    assert scores.values.tolist() == [5, 3, pd.NA, 2]
    resolved = convert_column(RESOLVED, ["已解决", "no", None], config=CONFIG)
    assert str(resolved.values.dtype) == "boolean"
    assert resolved.values.tolist() == [True, False, pd.NA]


# ----------------------------------------------------------------------------- dates


@pytest.mark.parametrize(("cell", "date"), [
    ("2026-10-03", D(2026, 10, 3)),
    ("2026-10-03 14:00", D(2026, 10, 3)),
    ("2026-10-03T14:00:00Z", D(2026, 10, 3)),
    ("2026-10-03 23:59:59.999", D(2026, 10, 3)),
    ("2026/10/03", D(2026, 10, 3)),
    ("2026.10.03", D(2026, 10, 3)),
    ("2026-1-3", D(2026, 1, 3)),
    ("20261003", D(2026, 10, 3)),
    ("2026年10月3日", D(2026, 10, 3)),
    ("２０２６年１０月３日", D(2026, 10, 3)),
    ("2026年10月3日 14:30", D(2026, 10, 3)),
    ("3/10/2026", D(2026, 3, 10)),          # month-first unless told otherwise
    ("10/3/2026 0:00", D(2026, 10, 3)),
    ("2/24/2003 0:00", D(2003, 2, 24)),
    ("24/2/2003", D(2003, 2, 24)),          # only one reading exists
    ("10/3/2026 2:30 PM", D(2026, 10, 3)),
    ("3/3/26", D(2026, 3, 3)),
    ("1/2/69", D(2069, 1, 2)),              # two-digit years below 70 are 20yy
    ("1/2/70", D(1970, 1, 2)),
    ("03-Oct-2026", D(2026, 10, 3)),
    ("3-Oct-26", D(2026, 10, 3)),
    ("Oct 3, 2026", D(2026, 10, 3)),
    ("October 3rd 2026", D(2026, 10, 3)),
    ("Saturday, October 3, 2026", D(2026, 10, 3)),
    ("3 October 2026", D(2026, 10, 3)),
    ("3 Sept. 2026", D(2026, 9, 3)),
    ("2026-Oct-03", D(2026, 10, 3)),
    ("45678", D(2025, 1, 21)),              # a serial number stored as text
    (45678, D(2025, 1, 21)),
    (45678.75, D(2025, 1, 21)),             # time of day dropped
    (1, D(1900, 1, 1)),
    (59, D(1900, 2, 28)),
    (61, D(1900, 3, 1)),                    # Excel's phantom 29 Feb 1900 shifts earlier serials
    (20261003, D(2026, 10, 3)),             # YYYYMMDD typed as a number
    (dt.datetime(2026, 10, 3, 17, 45), D(2026, 10, 3)),
    (dt.datetime(2026, 10, 3, 23, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
     D(2026, 10, 3)),
    (pd.Timestamp("2026-10-03 08:00"), D(2026, 10, 3)),
    (np.datetime64("2026-10-03T08:00"), D(2026, 10, 3)),
    (D(2026, 10, 3), D(2026, 10, 3)),
    (None, None), ("", None), (pd.NaT, None), (np.datetime64("NaT"), None),
])
def test_parse_date(cell, date):
    assert parse_date(cell) == date


def test_parse_date_1904_and_order():
    assert parse_date(0, date1904=True) == D(1904, 1, 1)
    assert parse_date(60, date1904=True) == D(1904, 3, 1)
    assert parse_date(45678, date1904=True) == D(2029, 1, 22)
    assert parse_date("3/4/2026", date_order="day-first") == D(2026, 4, 3)
    assert parse_date("3/4/2026", date_order="month-first") == D(2026, 3, 4)


@pytest.mark.parametrize(("cell", "message", "hint"), [
    ("31/02/2026", 'cannot read "31/02/2026" as a date: February 2026 has no day 31', DATE_HINT),
    ("2026-02-29", 'cannot read "2026-02-29" as a date: February 2026 has no day 29', DATE_HINT),
    ("2026-13-01", 'cannot read "2026-13-01" as a date: there is no month 13', DATE_HINT),
    ("13/13/2026", 'cannot read "13/13/2026" as a date: neither 13 nor 13 is a month',
     DATE_HINT),
    ("2026", 'cannot read "2026" as a date: it has no month or day', DATE_HINT),
    ("10/03", 'cannot read "10/03" as a date', DATE_HINT),
    ("2026-10-03 25:00", 'cannot read "2026-10-03 25:00" as a date', DATE_HINT),
    ("2026/10-03", 'cannot read "2026/10-03" as a date', DATE_HINT),
    ("soon", 'cannot read "soon" as a date', DATE_HINT),
    ("2300-01-01", 'the date "2300-01-01" is outside the years 1900 to 2200', "check the year"),
    (D(1850, 1, 1), 'the date "1850-01-01" is outside the years 1900 to 2200', "check the year"),
    (60, "the number \"60\" is Excel's non-existent date 29 Feb 1900",
     "type the real date, e.g. 1900-02-28 or 1900-03-01"),
    (0, 'the number "0" is not a date between 1900 and 2200',
     "check the cell; dates should look like 2026-10-03"),
    (2958466, 'the number "2958466" is not a date between 1900 and 2200',
     "check the cell; dates should look like 2026-10-03"),
    (dt.timedelta(days=10, seconds=54610), '"255:10:10" is a duration, not a date', DATE_HINT),
    (dt.time(14, 30), '"14:30" is a time of day, not a date', DATE_HINT),
    (dt.datetime(1899, 12, 30, 14, 30), '"14:30" is a time of day, not a date', DATE_HINT),
    (True, 'cannot read "TRUE" as a date', DATE_HINT),
    (float("nan"), "the cell holds no value (NaN) instead of a date; it may be a broken formula",
     NAN_HINT),
])
def test_parse_date_refuses(cell, message, hint):
    assert error_of(parse_date, cell) == (message, hint)


@pytest.mark.parametrize(("text", "reading", "ambiguous", "evidence"), [
    ("3/4/2026", DateReading(D(2026, 4, 3), D(2026, 3, 4)), True, None),
    ("24/2/2026", DateReading(D(2026, 2, 24), None), False, "day-first"),
    ("2/24/2026", DateReading(None, D(2026, 2, 24)), False, "month-first"),
    ("4/4/2026", DateReading(D(2026, 4, 4), D(2026, 4, 4)), False, None),
    ("2026-04-03", DateReading(D(2026, 4, 3), D(2026, 4, 3)), False, None),
])
def test_read_date_text_keeps_both_orders(text, reading, ambiguous, evidence):
    assert read_date_text(text) == reading
    assert reading.ambiguous is ambiguous
    assert reading.evidence == evidence


def ts(*ymd: int) -> pd.Timestamp:
    return pd.Timestamp(*ymd)


def test_date_column_with_a_day_first_value_reads_every_date_day_first():
    result = convert_column(DATE, ["3/4/2026", "24/2/2026", "5/6/2026", "2026-01-01"],
                            config=CONFIG)
    assert result.values.tolist() == [ts(2026, 4, 3), ts(2026, 2, 24), ts(2026, 6, 5),
                                      ts(2026, 1, 1)]
    assert result.problems == ()
    assert result.column_notes == (
        (Severity.INFO, "dates read as day-first because of values like 24/2/2026", ""),)


def test_date_column_with_a_month_first_value_beats_a_day_first_setting():
    result = convert_column(DATE, ["3/4/2026", "2/24/2026 0:00"], config=DAY_FIRST)
    assert result.values.tolist() == [ts(2026, 3, 4), ts(2026, 2, 24)]
    assert result.column_notes == (
        (Severity.INFO, "dates read as month-first because of values like 2/24/2026 0:00", ""),)


@pytest.mark.parametrize(("config", "order", "other", "first"), [
    (CONFIG, "month-first", "day-first", ts(2026, 3, 4)),
    (DAY_FIRST, "day-first", "month-first", ts(2026, 4, 3)),
])
def test_date_column_without_evidence_follows_the_setting_with_a_warning(config, order, other,
                                                                        first):
    result = convert_column(DATE, ["3/4/2026", "3/4/2026", "2026-01-01", "5/5/2026"],
                            config=config)
    assert result.values.tolist() == [first, first, ts(2026, 1, 1), ts(2026, 5, 5)]
    assert result.problems == ()
    assert result.column_notes == ((
        Severity.WARNING,
        f"dates like 3/4/2026 could be 3 April or 4 March; read as {order} ([format] date_order)",
        f'if they are {other}, set date_order = "{other}" under [format] in reportgen.toml; '
        "dates written as year-month-day (2026-04-03) are never ambiguous"),)


def test_date_column_mixing_both_orders_is_an_error_on_every_ambiguous_cell():
    cells = ["3/4/2026", "24/2/2026", "2/24/2026", None, "3/4/2026", "2026-05-06"]
    result = convert_column(DATE, cells, config=CONFIG)
    assert result.values.tolist() == [pd.NaT, ts(2026, 2, 24), ts(2026, 2, 24), pd.NaT, pd.NaT,
                                      ts(2026, 5, 6)]
    assert result.column_notes == ((
        Severity.ERROR, "column mixes day-first (24/2/2026) and month-first (2/24/2026) dates",
        "write every date the same way, best as year-month-day (2026-02-24)"),)
    ambiguous = CellProblem(0, "3/4/2026", 'cannot tell whether "3/4/2026" is 3 April or 4 March',
                            "write the date as year-month-day (2026-04-03 or 2026-03-04)",
                            Severity.ERROR)
    assert result.problems == (ambiguous, dataclasses.replace(ambiguous, index=4))


def test_date_column_mixes_cell_types_and_reports_by_position():
    cells = [dt.datetime(2026, 10, 3, 9), 45678.0, "2026年10月3日", dt.timedelta(hours=3), "x",
             None, D(2026, 1, 1), "20261003", 60]
    result = convert_column(DATE, cells, config=CONFIG)
    assert str(result.values.dtype) == "datetime64[ns]"
    assert isinstance(result.values.index, pd.RangeIndex)
    assert result.values.tolist() == [ts(2026, 10, 3), ts(2025, 1, 21), ts(2026, 10, 3), pd.NaT,
                                      pd.NaT, pd.NaT, ts(2026, 1, 1), ts(2026, 10, 3), pd.NaT]
    assert [(p.index, p.message) for p in result.problems] == [
        (3, '"3:00:00" is a duration, not a date'),
        (4, 'cannot read "x" as a date'),
        (8, "the number \"60\" is Excel's non-existent date 29 Feb 1900"),
    ]
    assert result.column_notes == ()


def test_date_column_1904_serials():
    result = convert_column(DATE, [0.0, 45678.0], config=CONFIG, date1904=True)
    assert result.values.tolist() == [ts(1904, 1, 1), ts(2029, 1, 22)]


# ----------------------------------------------------------------------------- months


@pytest.mark.parametrize(("cell", "month"), [
    ("2026-10", "2026-10"), ("2026/10", "2026-10"), ("2026.10", "2026-10"), ("2026-1", "2026-01"),
    ("202610", "2026-10"), ("2026年10月", "2026-10"), ("2026年10月份", "2026-10"),
    ("Oct 2026", "2026-10"), ("October 2026", "2026-10"), ("Oct-26", "2026-10"),
    ("10/2026", "2026-10"), ("2026-10-03", "2026-10"), ("2026年10月3日", "2026-10"),
    (dt.datetime(2026, 10, 3), "2026-10"), (45678.0, "2025-01"), (202610, "2026-10"),
    ("", None), (None, None),
])
def test_parse_month(cell, month):
    assert parse_month(cell) == month


@pytest.mark.parametrize(("cell", "message", "hint"), [
    ("2026-13", 'cannot read "2026-13" as a month: there is no month 13',
     "write the month as 2026-10"),
    ("next month", 'cannot read "next month" as a month', "write the month as 2026-10"),
    (2026.1, 'cannot read the number "2026.1" as a month',
     "write the month as 2026-10 (format the cell as text so Excel keeps it)"),
    ("1850-01", 'the month "1850-01" is outside the years 1900 to 2200', "check the year"),
])
def test_parse_month_refuses(cell, message, hint):
    assert error_of(parse_month, cell) == (message, hint)


def test_month_column_decides_day_month_order_like_a_date_column():
    result = convert_column(MONTH, ["2026-10", "1/11/2026", "25/12/2026", None], config=CONFIG)
    assert result.values.tolist() == ["2026-10", "2026-11", "2026-12", None]
    assert result.column_notes == (
        (Severity.INFO, "dates read as day-first because of values like 25/12/2026", ""),)


# ----------------------------------------------------------------------------- columns


def test_money_column_is_int64_millionths_with_addressed_problems():
    cells = [1234.5, "¥2,000", None, "n/a", 3, float("nan"), 0.005, "12.5", "(7.25)",
             "1.23456789"]
    result = convert_column(AMOUNT, cells, config=CONFIG)
    assert str(result.values.dtype) == "Int64"
    assert result.values.tolist() == [1_234_500_000, 2_000_000_000, pd.NA, pd.NA, 3_000_000,
                                      pd.NA, 5_000, 12_500_000, -7_250_000, 1_234_568]
    assert result.problems == (
        CellProblem(3, "n/a", 'cannot read "n/a" as an amount', AMOUNT_HINT, Severity.ERROR),
        CellProblem(5, "nan", "the cell holds no value (NaN) instead of an amount; it may be a "
                    "broken formula", NAN_HINT, Severity.ERROR),
        CellProblem(9, "1.23456789", 'the amount "1.23456789" has more than six decimals; '
                    "read as 1.234568", "round the amount to six decimals in the workbook",
                    Severity.WARNING),
    )


def test_money_column_with_decimal_comma_warns_about_seven_decimals():
    result = convert_column(AMOUNT, ["1.234,50", "1,2345678", 99.5], config=DECIMAL_COMMA)
    assert result.values.tolist() == [1_234_500_000, 1_234_568, 99_500_000]
    assert result.problems == (CellProblem(
        1, "1,2345678", 'the amount "1,2345678" has more than six decimals; read as 1,234568',
        "check the decimal separator: decimal_comma = true under [format] in reportgen.toml "
        "reads 1,234 as 1.234", Severity.WARNING),)


def test_number_and_int_columns():
    numbers = convert_column(QUANTITY, [1618.5, "2", None, "x", float("inf")], config=CONFIG)
    assert numbers.values.dtype == np.float64
    assert numbers.values.tolist()[:2] == [1618.5, 2.0]
    assert numbers.values[2:].isna().all()
    assert [(p.index, p.message) for p in numbers.problems] == [
        (3, 'cannot read "x" as a number'), (4, 'cannot read "inf" as a number')]
    ints = convert_column(NEW_CLIENTS, [3.0, "4", None, 2.5], config=CONFIG)
    assert str(ints.values.dtype) == "Int64"
    assert ints.values.tolist() == [3, 4, pd.NA, pd.NA]
    assert [p.message for p in ints.problems] == ['"2.5" is not a whole number']


def test_text_and_email_columns():
    names = convert_column(CLIENT_NAME, [" 华东 贸易 ", 123.0, "NA", None, "\u200bAcme"],
                           config=CONFIG)
    assert names.values.tolist() == ["华东 贸易", "123", "NA", None, "Acme"]
    assert names.problems == ()
    emails = convert_column(EMAILS, ["a@x.com; b@y.com", "oops"], config=CONFIG)
    assert emails.values.tolist() == ["a@x.com,b@y.com", None]
    assert emails.problems == (CellProblem(1, "oops", '"oops" is not an e-mail address',
                                           EMAIL_HINT, Severity.ERROR),)


def test_enum_column_problem_names_the_values_and_the_config_section():
    result = convert_column(STAGE, ["Won", "赢单", "closed"], config=CONFIG)
    assert result.values.tolist() == ["won", "won", None]
    assert result.problems == (CellProblem(
        2, "closed", '"closed" is not one of: lead (线索), qualified (已确认), proposal (方案), '
        "negotiation (谈判), won (赢单), lost (丢单)",
        "write one of these values, or add this spelling under [values.stage] in reportgen.toml",
        Severity.ERROR),)


def test_convert_column_accepts_a_series_and_blank_markers():
    cells = pd.Series(["C1", None, pd.NA, "C2"], index=[10, 11, 12, 13], dtype=object)
    result = convert_column(CLIENT_ID, cells, config=CONFIG)
    assert result.values.tolist() == ["C1", None, None, "C2"]
    assert list(result.values.index) == [0, 1, 2, 3]


def test_convert_column_refuses_an_unknown_type():
    with pytest.raises(ValueError, match="unknown column type 'colour'"):
        convert_column(schema.Column("shade", "colour"), ["red"], config=CONFIG)


def test_empty_column():
    for column in (DATE, AMOUNT, CLIENT_ID, MONTH, QUANTITY):
        result = convert_column(column, [], config=CONFIG)
        assert len(result.values) == 0 and result.problems == ()


# ----------------------------------------------------------------------------- properties

MONEY = st.decimals(min_value=Decimal("-1e11"), max_value=Decimal("1e11"), places=2,
                    allow_nan=False, allow_infinity=False)


@given(MONEY, st.sampled_from([",", " ", "\u00a0", "\u2009", "'", ""]),
       st.sampled_from(["", "¥", "$", "CNY ", "￥", "US$ "]), st.sampled_from(["", "元", " RMB"]),
       st.sampled_from(["minus", "brackets", "trailing"]), st.booleans())
def test_money_text_round_trips(value, group, prefix, suffix, negative_style, decimal_comma):
    body = f"{abs(value):,.2f}".replace(",", "\x00")
    if decimal_comma:
        body = body.replace(".", ",").replace("\x00", "." if group == "," else group)
    else:
        body = body.replace("\x00", group)
    text = f"{prefix}{body}{suffix}"
    if value < 0:
        text = {"minus": f"-{text}", "brackets": f"({text})", "trailing": f"{text}-"}[
            negative_style]
    assert parse_money(text, decimal_comma=decimal_comma) == int(value * schema.MONEY_SCALE)


@given(MONEY)
def test_money_float_never_loses_a_cent(value):
    assert parse_money(float(value)) == int(value * schema.MONEY_SCALE)


@given(st.decimals(min_value=Decimal("-1e7"), max_value=Decimal("1e7"), places=6,
                   allow_nan=False, allow_infinity=False))
def test_money_keeps_six_decimals_of_a_float_and_of_its_text(value):
    # The float fast path, the bulk text path and the scalar parser give the same integer.
    expected = int(value * schema.MONEY_SCALE)
    cells = [float(value), str(value), f"{value:,}"]
    assert [parse_money(c) for c in cells] == [expected] * 3
    assert convert_column(AMOUNT, cells * 2, config=CONFIG).values.tolist() == [expected] * 6


def test_ten_lines_of_a_tenth_add_up_to_exactly_one():
    for cells in ([0.1] * 10, ["0.1"] * 10):
        assert int(convert_column(AMOUNT, cells, config=CONFIG).values.sum()) == (
            schema.MONEY_SCALE)


@given(st.lists(st.floats(min_value=-1e11, max_value=1e11, allow_nan=False), max_size=40))
def test_money_bulk_path_agrees_with_the_scalar_parser(floats):
    result = convert_column(AMOUNT, floats, config=CONFIG)
    assert result.values.tolist() == [parse_money(x) for x in floats]


@given(st.lists(st.one_of(st.floats(allow_nan=False, min_value=-1e9, max_value=1e9),
                          st.from_regex(r"\A-?[0-9]{1,6}(\.[0-9]{0,3})?\Z")), max_size=30))
def test_number_bulk_path_agrees_with_the_scalar_parser(cells):
    result = convert_column(QUANTITY, cells, config=CONFIG)
    assert result.values.fillna(-0.5).tolist() == [
        -0.5 if parse_number(c) is None else parse_number(c) for c in cells]


@given(st.from_regex(r"\A0{0,5}[0-9]{1,12}\Z"), st.sampled_from(["", " ", "\u00a0", "\u3000"]))
def test_parse_id_never_loses_leading_zeros(digits, pad):
    assert parse_id(f"{pad}{digits}{pad}") == (digits, False)


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
TEXT_FORMS = {
    "iso": lambda d: d.isoformat(),
    "iso with time": lambda d: f"{d.isoformat()} 13:45:00",
    "slashes": lambda d: f"{d.year}/{d.month:02d}/{d.day:02d}",
    "dots": lambda d: f"{d.year}.{d.month}.{d.day}",
    "compact": lambda d: f"{d.year}{d.month:02d}{d.day:02d}",
    "chinese": lambda d: f"{d.year}年{d.month}月{d.day}日",
    "day month name": lambda d: f"{d.day} {MONTHS[d.month - 1]} {d.year}",
    "short month": lambda d: f"{d.day:02d}-{MONTHS[d.month - 1][:3]}-{d.year}",
    "us long": lambda d: f"{MONTHS[d.month - 1][:3]} {d.day}, {d.year}",
}
DATES = st.dates(min_value=D(1900, 1, 1), max_value=D(2200, 12, 31))


@given(DATES, st.sampled_from(sorted(TEXT_FORMS)))
def test_date_text_round_trips(date, form):
    assert parse_date(TEXT_FORMS[form](date)) == date


@given(st.lists(DATES, min_size=1, max_size=20), st.booleans())
def test_date_column_round_trips_either_order(dates, day_first):
    if day_first:
        cells, config = [f"{d.day}/{d.month}/{d.year}" for d in dates], DAY_FIRST
    else:
        cells, config = [f"{d.month}/{d.day}/{d.year} 0:00" for d in dates], CONFIG
    result = convert_column(DATE, cells, config=config)
    assert result.values.tolist() == [pd.Timestamp(d) for d in dates]
    assert result.problems == ()


@given(st.lists(DATES, max_size=20))
def test_date_bulk_paths_agree_with_the_scalar_parser(dates):
    cells: list[object] = []
    for i, d in enumerate(dates):
        cells.append([d.isoformat(), dt.datetime(d.year, d.month, d.day, 5),
                      float(d.toordinal() - D(1899, 12, 30).toordinal())][i % 3])
    result = convert_column(DATE, cells, config=CONFIG)
    assert result.values.tolist() == [pd.Timestamp(parse_date(c)) for c in cells]


PARSERS = [parse_money, parse_number, parse_int, parse_percent, parse_id, parse_text,
           parse_emails, parse_date, parse_month, parse_score, parse_bool, read_date_text,
           lambda c: parse_money(c, decimal_comma=True),
           lambda c: parse_enum(c, schema.VALUE_SPELLINGS["stage"])]


@given(st.text())
def test_parsers_raise_nothing_but_value_error(text):
    for parse in PARSERS:
        try:
            parse(text)
        except CellValueError as exc:  # any other exception fails the test
            # Messages reach terminals and workbooks: never a control character in them.
            assert exc.message
            assert not any(unicodedata.category(ch) == "Cc" for ch in exc.message + exc.hint)


@settings(max_examples=50)
@given(st.lists(st.one_of(st.text(), st.none(), st.floats(), st.integers(), st.booleans()),
                max_size=12))
def test_convert_column_never_raises(cells):
    columns = [c for kind in schema.SHEETS.values() for c in kind.columns]
    seen = set()
    for column in columns:
        if (column.type, column.values) in seen:
            continue
        seen.add((column.type, column.values))
        result = convert_column(column, cells, config=CONFIG)
        assert len(result.values) == len(cells)
        assert all(0 <= p.index < len(cells) and len(p.value) <= 60 for p in result.problems)


# ----------------------------------------------------------------------------- real data


@pytest.mark.realdata
def test_kaggle_sales_sample_reads_month_first_dates_and_na_territory():
    path = REALDATA / "sales" / "Ankita-Kulkarni__sales_data_sample.csv"
    if not path.exists():
        pytest.skip("real data not available")
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    dates = convert_column(DATE, [r["ORDERDATE"] for r in rows], config=DAY_FIRST)
    assert dates.problems == ()
    assert dates.values[:2].tolist() == [ts(2003, 2, 24), ts(2003, 5, 7)]
    assert (dates.values.min(), dates.values.max()) == (ts(2003, 1, 6), ts(2005, 5, 31))
    assert dates.column_notes == (
        (Severity.INFO, "dates read as month-first because of values like 2/24/2003 0:00", ""),)
    sales = convert_column(AMOUNT, [r["SALES"] for r in rows], config=CONFIG)
    assert sales.problems == ()
    assert sales.values[:2].tolist() == [2_871_000_000, 2_765_900_000]
    assert int(sales.values.sum()) == int(sum(Decimal(r["SALES"]) for r in rows)
                                          * schema.MONEY_SCALE)
    territory = convert_column(schema.SHEETS["clients"].column("region"),
                               [r["TERRITORY"] for r in rows], config=CONFIG)
    assert (territory.values == "NA").sum() == 1074


@pytest.mark.realdata
def test_calamine_1904_workbook_flags_the_duration_in_a_date_column():
    path = REALDATA / "odd" / "calamine__date_1904.xlsx"
    if not path.exists():
        pytest.skip("real data not available")
    python_calamine = pytest.importorskip("python_calamine")
    rows = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(
        "Sheet1").to_python()
    result = convert_column(DATE, [r[0] for r in rows], config=CONFIG, date1904=True)
    assert result.values.tolist() == [ts(2021, 1, 1), ts(2021, 1, 2), pd.NaT]
    assert result.problems == (CellProblem(2, "255:10:10", '"255:10:10" is a duration, not a date',
                                           DATE_HINT, Severity.ERROR),)


@pytest.mark.realdata
def test_readxl_leap_year_strings_refuse_29_february_1900():
    path = REALDATA / "odd" / "readxl__dates-leap-year-1900-xlsx.xlsx"
    if not path.exists():
        pytest.skip("real data not available")
    python_calamine = pytest.importorskip("python_calamine")
    rows = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(
        "for_human_eyes").to_python()[1:]
    result = convert_column(DATE, [r[1] for r in rows], config=CONFIG)
    refused = [r[1] for r in rows if r[2] is False]
    assert [p.value for p in result.problems] == refused
    assert result.problems[-1].message == (
        'cannot read "1900-02-29 08:00:00" as a date: February 1900 has no day 29')
