"""Proration to the day is exact to the cent and never creates or loses a cent (ORD-04)."""

from __future__ import annotations

import math
from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hostledger.core.money import Money
from hostledger.subscriptions.actions.order_input import period_end
from hostledger.subscriptions.proration import (
    days_between,
    divide_half_up,
    months_of_period,
    remaining_share,
    remaining_share_minor,
    share_minor,
)


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "first", "amount", "expected"),
    [
        # 31-day March, upgrade 9.90 -> 24.00 from the 10th: 14.10 * 22 / 31 = 10.00645... -> 10.01
        (date(2027, 3, 1), date(2027, 3, 31), date(2027, 3, 10), 1410, 1001),
        # 30-day April, the same difference from the 16th: 14.10 * 15 / 30 = 7.05 exactly
        (date(2027, 4, 1), date(2027, 4, 30), date(2027, 4, 16), 1410, 705),
        # 28-day February 2027: 14.10 * 20 / 28 = 10.0714... -> 10.07
        (date(2027, 2, 1), date(2027, 2, 28), date(2027, 2, 9), 1410, 1007),
        # 29-day February of the leap year 2028: 14.10 * 20 / 29 = 9.7241... -> 9.72
        (date(2028, 2, 1), date(2028, 2, 29), date(2028, 2, 10), 1410, 972),
        # a half cent rounds up: 1.01 * 15 / 30 = 0.505 -> 0.51
        (date(2027, 4, 1), date(2027, 4, 30), date(2027, 4, 16), 101, 51),
        # a month from mid-month: 15 March to 14 April has 31 days; 9.90 * 1 / 31 = 0.3193 -> 0.32
        (date(2027, 3, 15), date(2027, 4, 14), date(2027, 4, 14), 990, 32),
        # three months, 1 March to 31 May = 92 days; 29.70 * 61 / 92 = 19.6923... -> 19.69
        (date(2027, 3, 1), date(2027, 5, 31), date(2027, 4, 1), 2970, 1969),
    ],
)
def test_remaining_share_is_exact_to_the_cent_for_each_month_length__ORD_04(
    starts_on, ends_on, first, amount, expected
):
    assert (
        remaining_share_minor(amount, starts_on=starts_on, ends_on=ends_on, first=first) == expected
    )


def test_a_downgrade_difference_rounds_half_away_from_zero__ORD_04():
    # 24.00 -> 9.90 from 16 April: -14.10 * 15 / 30 = -7.05; -1.01 * 15 / 30 = -0.505 -> -0.51
    april = {"starts_on": date(2027, 4, 1), "ends_on": date(2027, 4, 30)}
    assert remaining_share_minor(-1410, first=date(2027, 4, 16), **april) == -705
    assert remaining_share_minor(-101, first=date(2027, 4, 16), **april) == -51
    assert remaining_share(Money(-2400), first=date(2027, 4, 21), **april) == Money(-800)


def test_whole_and_nothing_at_the_edges_of_the_period__ORD_04():
    march = {"starts_on": date(2027, 3, 1), "ends_on": date(2027, 3, 31)}
    assert remaining_share_minor(2400, first=date(2027, 2, 20), **march) == 2400
    assert remaining_share_minor(2400, first=date(2027, 3, 1), **march) == 2400
    assert remaining_share_minor(2400, first=date(2027, 3, 31), **march) == 77  # 24.00 / 31
    assert remaining_share_minor(2400, first=date(2027, 4, 1), **march) == 0


def test_used_and_unused_parts_add_up_even_when_both_are_halves__ORD_04():
    # 1.01 over a 30-day April split on the 16th: each exact half is 0.505; the unused part
    # rounds to 0.51 and the used part is what is left, 0.50, not a second 0.51.
    april = {"starts_on": date(2027, 4, 1), "ends_on": date(2027, 4, 30)}
    used = share_minor(101, first=date(2027, 4, 1), last=date(2027, 4, 15), **april)
    unused = share_minor(101, first=date(2027, 4, 16), last=date(2027, 4, 30), **april)
    assert (used, unused) == (50, 51)


def test_divide_half_up_and_period_helpers():
    assert [divide_half_up(n, 10) for n in (14, 15, 25, -15, -14, 0)] == [1, 2, 3, -2, -1, 0]
    assert divide_half_up(1, 3) == 0 and divide_half_up(2, 3) == 1
    assert days_between(date(2028, 2, 1), date(2028, 2, 29)) == 29
    assert days_between(date(2027, 3, 2), date(2027, 3, 1)) == 0
    assert months_of_period(date(2027, 1, 31), period_end(date(2027, 1, 31), 1)) == 1
    assert months_of_period(date(2027, 3, 1), date(2028, 2, 29)) == 12
    with pytest.raises(ValueError):
        divide_half_up(1, 0)
    with pytest.raises(TypeError):
        divide_half_up(1.5, 2)


@st.composite
def _period_and_cuts(draw):
    starts_on = draw(st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)))
    months = draw(st.sampled_from([1, 3, 6, 12]))
    ends_on = period_end(starts_on, months)
    length = days_between(starts_on, ends_on)
    cuts = draw(st.lists(st.integers(min_value=1, max_value=length - 1), max_size=8, unique=True))
    amount = draw(st.integers(min_value=-10_000_000, max_value=10_000_000))
    return starts_on, ends_on, sorted(cuts), amount


@given(_period_and_cuts())
def test_prorated_parts_of_a_period_sum_to_the_whole__ORD_04(case):
    starts_on, ends_on, cuts, amount = case
    boundaries = [starts_on, *(starts_on + timedelta(days=cut) for cut in cuts)]
    ranges = [
        (
            first,
            (boundaries[index + 1] - timedelta(days=1)) if index + 1 < len(boundaries) else ends_on,
        )
        for index, first in enumerate(boundaries)
    ]
    parts = [
        share_minor(amount, starts_on=starts_on, ends_on=ends_on, first=first, last=last)
        for first, last in ranges
    ]
    assert sum(parts) == amount
    length = days_between(starts_on, ends_on)
    for (first, last), part in zip(ranges, parts, strict=True):
        exact = Fraction(amount * days_between(first, last), length)
        assert abs(part - exact) <= 1  # each part within a cent of its exact share


@given(
    st.integers(min_value=-10_000_000, max_value=10_000_000),
    st.integers(min_value=0, max_value=400),
)
def test_remaining_share_is_the_single_half_up_rounding_of_the_exact_share__ORD_04(amount, offset):
    starts_on, ends_on = date(2028, 1, 15), date(2029, 1, 14)  # 366 days, a leap February
    first = starts_on + timedelta(days=offset)
    remaining = min(max(366 - offset, 0), 366)
    exact = Fraction(abs(amount) * remaining, 366)
    expected = math.floor(exact + Fraction(1, 2))  # half up, away from zero
    assert remaining_share_minor(amount, starts_on=starts_on, ends_on=ends_on, first=first) == (
        expected if amount >= 0 else -expected
    )
