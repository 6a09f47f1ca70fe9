"""Money divided by a count: cut to the stored unit, so the one rounding where it is shown is exact.

An average order value, a landing or a monthly run rate is a quotient of exact amounts. It is
kept in stored units (1/MONEY_SCALE) and rounded to the cent, or to the unit, only where it is
shown or exported. A quotient rounded to the stored unit first would be rounded twice; cut
toward zero, the later rounding is that of the exact quotient.
"""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import numpy as np

from reportgen.analysis.arrays import money_quotient, money_quotient_int
from reportgen.analysis.landing import landing_and_gap
from reportgen.documents.pack.kpis import aov_change
from reportgen.inputs.schema import MONEY_SCALE, rounded_units


def exact_rounding(num: int, den: int, places: int) -> Decimal:
    """The quotient of num / den stored units, in currency units, rounded half away from zero."""
    value = Fraction(num, den * MONEY_SCALE)
    step = Fraction(1, 10 ** places)
    cut = abs(value) // step
    if abs(value) - cut * step >= step / 2:
        cut += 1
    return (Decimal(int(cut)) / Decimal(10 ** places)).copy_sign(Decimal(value.numerator or 1))


def test_the_double_rounding_case():
    # 61.724998 over 5 orders is 12.3449996: rounded to the millionth first (12.345000) and
    # then to the cent, it would show 12.35; the exact figure shows 12.34.
    num, den = 61_724_998, 5
    assert (2 * num + den) // (2 * den) == 12_345_000  # what a rounded quotient would keep
    assert money_quotient_int(num, den) == 12_344_999
    assert rounded_units(money_quotient_int(num, den)) == Decimal("12.34")
    assert rounded_units(money_quotient_int(-num, den)) == Decimal("-12.34")
    assert list(money_quotient(np.array([num, -num, 0]), np.array([den, den, 3]))) == [
        12_344_999, -12_344_999, 0]


def test_an_exact_half_is_rounded_away_from_zero():
    # 25.00 over 2 orders is 12.50 exactly: no cut, and 12.5 units show as 13.
    assert money_quotient_int(25 * MONEY_SCALE, 2) == 12_500_000
    unit = Decimal(money_quotient_int(25 * MONEY_SCALE, 2)).scaleb(-6)
    assert unit.quantize(Decimal(1), rounding=ROUND_HALF_UP) == 13
    assert exact_rounding(-25 * MONEY_SCALE, 2, 0) == Decimal(-13)


def test_shown_to_the_cent_or_the_unit_it_is_the_exact_quotient_rounded_once():
    rng = random.Random(20261203)
    dens = [rng.randrange(1, 2_000) for _ in range(6_000)]
    nums = [rng.randrange(-10**15, 10**15) for _ in range(5_000)]
    # Quotients just either side of a half cent or a half unit, where a quotient rounded to the
    # stored unit first would show the wrong cent.
    halves = [k * 10_000 + 5_000 for k in range(-250, 250)] + [
        k * MONEY_SCALE + MONEY_SCALE // 2 for k in range(-250, 250)]
    nums += [h * den + rng.randrange(-den // 2 - 1, den // 2 + 2)
             for h, den in zip(halves, dens[5_000:], strict=True)]
    cut = money_quotient(np.array(nums), np.array(dens))
    for num, den, fast in zip(nums, dens, cut, strict=True):
        quotient = money_quotient_int(num, den)
        assert fast == quotient
        assert rounded_units(quotient) == exact_rounding(num, den, 2), (num, den)
        shown = Decimal(quotient).scaleb(-6).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        assert shown == exact_rounding(num, den, 0), (num, den)


def test_the_landing_and_its_gap_are_each_one_quotient():
    # A region short of its target: landing − target is about −9.2149 currency units. The cut
    # landing less the target would be cut away from zero and show −9.22; the gap taken as
    # its own quotient shows the exact gap's cent.
    ytd, last_ytd, rest, target = 190_421_670, 986, 235_928_451, 45_563_982_232_951
    landing, gap = landing_and_gap(ytd, last_ytd, rest, target)
    exact_landing = Fraction(ytd * last_ytd + rest * ytd, last_ytd)
    assert landing == int(exact_landing)  # positive: cut down
    assert rounded_units(gap) == exact_rounding(
        ytd * last_ytd + rest * ytd - target * last_ytd, last_ytd, 2) == Decimal("-9.21")
    assert rounded_units(landing - target) == Decimal("-9.22")  # what the gap used to be
    assert landing_and_gap(ytd, last_ytd, rest, None) == (landing, None)


def test_the_change_in_average_order_value_is_one_quotient():
    # 150,001 over 10 orders is 15,000.1 stored units; 100,009 over 10 is 10,000.9. The exact
    # change, 4,999.2 units (0.0049992), shows 0.00; the change of the two cut values (15,000
    # less 10,000, half a cent) would show 0.01.
    now, before = {"sales": 150_001, "orders": 10}, {"sales": 100_009, "orders": 10}
    assert aov_change(now, before) == 4_999
    assert rounded_units(aov_change(now, before)) == Decimal("0.00")
    assert rounded_units(money_quotient_int(150_001, 10) - money_quotient_int(100_009, 10)) == (
        Decimal("0.01"))
    assert aov_change(before, now) == -4_999
    assert aov_change(now, {"sales": 5, "orders": 0}) is None
    assert aov_change(now, None) is None
