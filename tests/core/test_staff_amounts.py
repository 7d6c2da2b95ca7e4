"""Amounts typed by staff are read strictly, bounded and confirmed above a threshold (BIL-01,
CAT-02): a price typed as ``1e6`` once became EUR 1,000,000 a month."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hostledger.core.errors import DomainError
from hostledger.core.money import (
    Money,
    parse_staff_amount,
    parse_staff_decimal,
    require_confirmation,
)

FORMAT_PROBLEM = "digits and a decimal point only, e.g. 1250.00"


@pytest.mark.parametrize(
    ("text", "minor"),
    [("0", 0), ("9.9", 990), ("9.90", 990), (" 1250 ", 125_000), ("007.05", 705)],
)
def test_digits_with_at_most_two_decimals_are_read_exactly__BIL_01(text, minor):
    assert parse_staff_amount(text, field="amount") == Money(minor)


@pytest.mark.parametrize(
    "text",
    [
        "1e6",
        "1E6",
        "1e-2",
        "1,000",
        "1,000.00",
        "1.000,00",
        "1 000",
        "1\u00a0000",
        "1_000",
        "9,90",
        "-5",
        "+5",
        ".5",
        "5.",
        "NaN",
        "Infinity",
        "0x10",
        "١٢",
    ],
)
def test_exponents_signs_and_thousands_separators_are_refused__BIL_01(text):
    with pytest.raises(DomainError) as refused:
        parse_staff_amount(text, field="amount")
    assert refused.value.code == "invalid_amount"
    assert refused.value.fields == {"amount": FORMAT_PROBLEM}


def test_more_than_two_decimals_is_refused_not_rounded__BIL_01():
    with pytest.raises(DomainError) as refused:
        parse_staff_amount("9.999", field="new_fee")
    assert (refused.value.code, refused.value.fields) == (
        "too_many_decimals",
        {"new_fee": "at most 2 decimals"},
    )


def test_empty_and_absurdly_long_amounts_are_refused__BIL_01():
    for value in ("", "   ", None):
        with pytest.raises(DomainError) as refused:
            parse_staff_amount(value, field="amount")
        assert refused.value.fields == {"amount": "required"}
    with pytest.raises(DomainError) as refused:
        parse_staff_amount("1" * 16, field="amount")
    assert refused.value.code == "amount_too_large"


def test_the_maximum_is_inclusive__BIL_01():
    maximum = Money.of("100000.00")
    assert parse_staff_amount("100000.00", field="amount", maximum=maximum) == maximum
    with pytest.raises(DomainError) as refused:
        parse_staff_amount("123456789012345", field="amount", maximum=maximum)
    assert (refused.value.code, refused.value.fields) == (
        "amount_too_large",
        {"amount": "at most 100000.00 EUR"},
    )
    with pytest.raises(DomainError):
        parse_staff_amount(Money.of("100000.01"), field="amount", maximum=maximum)


def test_confirmation_is_required_only_above_the_threshold__BIL_01():
    threshold = Money.of("5000.00")
    require_confirmation(Money.of("5000.00"), threshold=threshold, confirmed=False)
    require_confirmation(Money.of("5000.01"), threshold=threshold, confirmed=True)
    with pytest.raises(DomainError) as refused:
        require_confirmation(Money.of("5000.01"), threshold=threshold, confirmed=False)
    assert refused.value.code == "confirmation_required"
    assert refused.value.fields == {"confirm": "confirm the amount of 5000.01 EUR"}


@given(st.text(max_size=20))
def test_any_text_is_an_exact_amount_or_a_refusal_naming_the_field__BIL_01(text):
    try:
        amount = parse_staff_amount(text, field="amount")
    except DomainError as refused:
        assert list(refused.fields) == ["amount"]
    else:
        assert amount.amount == Decimal(text.strip())
        assert "e" not in text.lower() and "," not in text


def test_unit_prices_keep_their_own_number_of_decimals__BIL_01():
    assert parse_staff_decimal("0.004300", field="unit_price", places=6) == Decimal("0.0043")
    with pytest.raises(DomainError):
        parse_staff_decimal("0.0000001", field="unit_price", places=6)
