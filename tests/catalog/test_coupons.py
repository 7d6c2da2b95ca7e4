"""Coupons: the discount computed to the cent, with proration and VAT; staff management;
race-safe redemption (decision 0055, BIL-02)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext

import pytest
from django.db import connection, connections
from hypothesis import given, settings
from hypothesis import strategies as st

from hostledger.catalog.actions import (
    coupon_create,
    coupon_deactivate,
    coupon_redeem,
    coupon_update,
)
from hostledger.catalog.coupons import Discount, check_coupon
from hostledger.catalog.models import Coupon, CouponRedemption, FamilyCode, ProductFamily
from hostledger.core.errors import DomainError
from hostledger.core.money import Money
from hostledger.invoicing.lines import LineInput, line_totals, price_lines
from hostledger.subscriptions.actions.order_input import period_end
from hostledger.subscriptions.proration import discounted_remaining_share_minor
from tests.catalog_helpers import create_published_tariff
from tests.subscriptions.factories import new_client

CENT = Decimal(1)


def _independent_net(amount_minor: int, kind: str, value: Decimal, days: int, remaining: int):
    """The discounted, prorated net in cents by plain Decimal arithmetic at high precision,
    rounded once half up."""
    with localcontext() as context:
        context.prec = 80
        amount = Decimal(amount_minor)
        if kind == "percentage":
            discounted = amount * (Decimal(100) - value) / Decimal(100)
        else:
            discounted = amount - min(value * 100, amount)
        exact = discounted * Decimal(remaining) / Decimal(days)
        return int(exact.quantize(CENT, rounding=ROUND_HALF_UP))


percentages = st.decimals(
    min_value=Decimal("0.0001"), max_value=Decimal(100), places=4, allow_nan=False
)
fixed_amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(5000), places=2)
vat_rates = st.sampled_from([Decimal(0), Decimal("9"), Decimal("13.5"), Decimal(22), Decimal(24)])


@settings(max_examples=300, deadline=None)
@given(
    amount_minor=st.integers(min_value=0, max_value=10**9),
    kind=st.sampled_from(["percentage", "fixed"]),
    percent=percentages,
    fixed=fixed_amounts,
    starts_on=st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)),
    months=st.integers(min_value=1, max_value=36),
    offset=st.integers(min_value=0, max_value=1200),
    vat_rate=vat_rates,
)
def test_discounted_total_equals_an_independent_decimal_computation(
    amount_minor, kind, percent, fixed, starts_on, months, offset, vat_rate
):
    """Percentages and fixed amounts, whole and prorated periods, every VAT rate: the net is
    the exact discounted share rounded once, and the gross adds VAT rounded once on it."""
    ends_on = period_end(starts_on, months)
    days = (ends_on - starts_on).days + 1
    first = starts_on + timedelta(days=offset % days)
    remaining = (ends_on - first).days + 1
    value = percent if kind == "percentage" else fixed
    discount = Discount(
        kind=kind,
        percent=percent if kind == "percentage" else None,
        amount=Money.of(fixed, "EUR") if kind == "fixed" else None,
    )
    expected_net = _independent_net(amount_minor, kind, value, days, remaining)
    net = discounted_remaining_share_minor(
        amount_minor, discount, starts_on=starts_on, ends_on=ends_on, first=first
    )
    assert net == expected_net
    if first == starts_on:
        assert discount.net_minor(amount_minor) == expected_net
        assert discount.off_minor(amount_minor) == amount_minor - expected_net
    priced, currency = price_lines(
        [LineInput(description="x", quantity=1, unit_price=Money(net, "EUR"))], vat_rate=vat_rate
    )
    total_net, total_vat = line_totals(priced, currency)
    expected_vat = (Decimal(expected_net) * vat_rate / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    assert (total_net.minor, total_vat.minor) == (expected_net, int(expected_vat))


@pytest.fixture
def tariff(db, staff):
    family = ProductFamily.objects.get(code=FamilyCode.VPS)
    return create_published_tariff(
        family=family,
        code="vps-coupon",
        name="VPS",
        monthly_fee="10.00",
        specs={"cpu": 1, "ram_gb": 1, "disk_gb": 10},
        actor=staff,
    )


@pytest.mark.django_db
def test_codes_are_unique_whatever_their_case_and_fields_are_named(staff):
    coupon_create(code="Summer", kind="percentage", value="10", actor=staff)
    with pytest.raises(DomainError) as refused:
        coupon_create(
            code="SUMMER",
            kind="percentage",
            value="101",
            max_redemptions="0",
            valid_from="2027-02-01",
            valid_until="2027-01-01",
        )
    assert set(refused.value.fields) == {"code", "value", "max_redemptions", "valid_until"}
    assert Coupon.objects.count() == 1


@pytest.mark.django_db
def test_terms_are_fixed_once_redeemed_limits_may_change(staff, tariff):
    coupon = coupon_create(code="FIX", kind="fixed", value="2.50", max_redemptions=5)
    client = new_client()
    coupon_redeem(
        coupon=coupon,
        client=client,
        tariff=tariff,
        order_reference="ord_1",
        discount_minor=250,
        today=date(2027, 3, 1),
    )
    with pytest.raises(DomainError) as refused:
        coupon_update(
            coupon=coupon, code="FIX", kind="fixed", value="3.00", recurrence="first_period"
        )
    assert refused.value.fields == {"value": "Fixed once the coupon has been redeemed."}
    updated = coupon_update(
        coupon=coupon,
        code="FIX",
        kind="fixed",
        value="2.50",
        recurrence="first_period",
        max_redemptions=9,
    )
    assert updated.max_redemptions == 9
    with pytest.raises(DomainError):
        coupon_update(
            coupon=coupon,
            code="FIX",
            kind="fixed",
            value="2.50",
            recurrence="first_period",
            max_redemptions=0,
        )


@pytest.mark.django_db
def test_deactivated_coupon_is_refused(tariff):
    coupon = coupon_create(code="GONE", kind="percentage", value="5")
    coupon_deactivate(coupon=coupon)
    with pytest.raises(DomainError) as refused:
        check_coupon("gone", client=None, tariff=tariff, today=date(2027, 3, 1))
    assert refused.value.fields == {"coupon": "This coupon code is not valid."}


def _needs_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (SQLite serialises writers by itself)")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_clients_taking_the_last_use_at_once_one_wins():
    _needs_postgresql()
    family, _ = ProductFamily.objects.get_or_create(
        code=FamilyCode.LICENCE, defaults={"name": "Licences"}
    )
    tariff = create_published_tariff(
        family=family, code="lic-race", name="Licence", monthly_fee="10.00"
    )
    coupon = coupon_create(code="LAST", kind="percentage", value="50", max_redemptions=1)
    clients = [new_client(), new_client()]
    start = threading.Barrier(2)

    def redeem(client) -> str:
        try:
            start.wait()
            coupon_redeem(
                coupon=coupon,
                client=client,
                tariff=tariff,
                order_reference=f"ord_{client.pk}",
                discount_minor=500,
                today=date(2027, 3, 1),
            )
            return "won"
        except DomainError as refused:
            return refused.fields["coupon"]
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(redeem, clients))

    assert outcomes == ["This coupon has been used up.", "won"]
    assert Coupon.objects.get().redemption_count == 1
    assert CouponRedemption.objects.count() == 1
