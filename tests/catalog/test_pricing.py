"""Exact prices: fees in cents, metered unit prices finer than a cent (CAT-02, BIL-02)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hostledger.catalog import actions
from hostledger.catalog.pricing import metered_charge, parse_fee, parse_unit_price, price_quantity
from hostledger.core.errors import DomainError
from hostledger.core.money import Money
from hostledger.core.registry import provider_setting_change
from tests.catalog.conftest import catalog_state


def test_metered_total_is_rounded_once_half_up_to_cents__CAT_02():
    # 1234 GB-hours at €0.0043 = €5.3062 → €5.31
    assert price_quantity(quantity=1234, unit_price_micro=4300) == Money(531)
    # 1 GB-hour at €0.005 = €0.005 → €0.01 (half up), not €0.00
    assert price_quantity(quantity="1", unit_price_micro=5000) == Money(1)
    # 0.5 at €0.0049 = €0.00245 → €0.00
    assert price_quantity(quantity="0.5", unit_price_micro=4900) == Money(0)
    # 720 disk-GB-hours x 200 GB at €0.00014 = €20.16 exactly
    assert price_quantity(quantity=144000, unit_price_micro=140) == Money(2016)
    # Rounding once: three separate 1-unit lines would bill €0.03, the total bills €0.02.
    assert price_quantity(quantity=3, unit_price_micro=5000) == Money(2)


def test_metered_charge_bills_only_beyond_the_included_quantity__CAT_02(cloud):
    item = actions.metered_item_create(
        family=cloud,
        code="traffic",
        name="Outbound traffic",
        unit="GB",
        unit_price="0.0095",
        included_quantity="1000",
    )
    assert item.unit_price == Decimal("0.0095")
    assert item.unit_price_micro == 9500
    assert metered_charge(item, quantity="999.5") == Money(0)
    assert metered_charge(item, quantity="1000") == Money(0)
    # 1234.567 GB - 1000 included = 234.567 x €0.0095 = €2.2283865 → €2.23
    assert metered_charge(item, quantity=Decimal("1234.567")) == Money(223)


@pytest.mark.django_db
def test_fee_is_exact_in_cents__CAT_02():
    assert parse_fee("9.90", field="monthly_fee") == Money(990)
    assert parse_fee(Decimal("12.3"), field="monthly_fee") == Money(1230)
    assert parse_fee(5, field="monthly_fee") == Money(500)
    assert parse_fee(Money(1999), field="monthly_fee") == Money(1999)
    assert parse_unit_price("0.00014", field="unit_price") == 140


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (9.9, "float_not_accepted"),
        ("-1.00", "negative_price"),
        (Money(-100), "negative_price"),
        ("9.999", "too_many_decimals"),
        ("nine", "invalid_amount"),
        (Money(100, "USD"), "invalid_currency"),
        (True, "invalid_amount"),
        (None, "invalid_amount"),
        ("1e6", "invalid_amount"),
        ("1E3", "invalid_amount"),
        ("1,000.00", "invalid_amount"),
        ("1 000", "invalid_amount"),
        ("1_000", "invalid_amount"),
        ("9,90", "invalid_amount"),
        ("+9.90", "invalid_amount"),
        ("NaN", "invalid_amount"),
        ("Infinity", "invalid_amount"),
    ],
)
def test_bad_fees_are_refused_naming_the_field__CAT_02(value, code):
    with pytest.raises(DomainError) as error:
        parse_fee(value, field="monthly_fee")
    assert error.value.code == code
    assert list(error.value.fields) == ["monthly_fee"]


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (0.0043, "float_not_accepted"),
        ("-0.0043", "negative_price"),
        ("0.0000001", "too_many_decimals"),
    ],
)
def test_bad_unit_prices_are_refused_naming_the_field__CAT_02(value, code):
    with pytest.raises(DomainError) as error:
        parse_unit_price(value, field="unit_price")
    assert error.value.code == code
    assert list(error.value.fields) == ["unit_price"]


def test_negative_or_float_quantities_are_refused__CAT_02():
    for value in (-1, 1.5, "-0.1"):
        with pytest.raises(DomainError) as error:
            price_quantity(quantity=value, unit_price_micro=4300)
        assert list(error.value.fields) == ["quantity"]


def test_tariff_with_a_float_or_negative_fee_is_refused_and_nothing_written__CAT_02(vps):
    before = catalog_state()
    for fee in (5.49, "-5.49"):
        with pytest.raises(DomainError) as error:
            actions.tariff_create(
                family=vps,
                code="vps-s",
                name="VPS S",
                monthly_fee=fee,
                specs={"cpu": 1, "ram_gb": 2, "disk_gb": 40},
            )
        assert list(error.value.fields) == ["monthly_fee"]
    assert catalog_state() == before


def test_metered_item_with_a_float_price_is_refused_and_nothing_written__CAT_02(cloud):
    before = catalog_state()
    with pytest.raises(DomainError) as error:
        actions.metered_item_create(
            family=cloud,
            code="cloud-vcpu-hour",
            name="vCPU",
            unit="vCPU-hour",
            unit_price=0.0062,
            included_quantity=-5,
        )
    assert set(error.value.fields) == {"unit_price", "included_quantity"}
    assert catalog_state() == before


@pytest.mark.django_db
def test_a_fee_above_the_provider_maximum_is_refused__CAT_02():
    assert parse_fee("10000.00", field="monthly_fee") == Money(1_000_000)
    with pytest.raises(DomainError) as error:
        parse_fee("10000.01", field="monthly_fee")
    assert (error.value.code, error.value.fields) == (
        "amount_too_large",
        {"monthly_fee": "at most 10000.00 EUR"},
    )
    provider_setting_change(key="core.staff_price_maximum", raw_value="20000")
    assert parse_fee("10000.01", field="monthly_fee") == Money(1_000_001)


def test_unit_prices_in_text_refuse_an_exponent__CAT_02():
    with pytest.raises(DomainError) as error:
        parse_unit_price("4.3e-3", field="unit_price")
    assert error.value.fields == {"unit_price": "digits and a decimal point only, e.g. 1250.00"}
