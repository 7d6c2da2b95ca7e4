"""Coupons in orders: the discounted first period, its proforma, the limits and the dates
(decision 0055, ORD-01, BIL-02)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest

from hostledger.catalog.actions import coupon_create, coupon_deactivate
from hostledger.catalog.models import Coupon, CouponRedemption
from hostledger.core.errors import DomainError
from hostledger.invoicing.models import InvoiceLine
from hostledger.subscriptions.actions import AddOnChoice, service_plan_change
from hostledger.subscriptions.models import Order
from tests.subscriptions.factories import TODAY, eur, fund, new_client, new_payer

pytestmark = pytest.mark.django_db


def _coupon(**values) -> Coupon:
    defaults = {"code": "Spring15", "kind": "percentage", "value": "15"}
    defaults.update(values)
    return coupon_create(**defaults)


def test_percentage_coupon_lowers_the_tariff_of_the_first_period_to_the_cent__ORD_01(place, shop):
    _coupon(value="12.5")
    order = place(period_months=12, add_ons=[AddOnChoice(shop.backups, 1)], coupon_code="sPrInG15")
    # 9.90 x 12 = 118.80; 12.5 % off is 14.85; the add-on keeps its price (3.49 x 12).
    assert order.discount == eur("14.85")
    assert order.net == eur("103.95") + eur("41.88")
    lines = list(InvoiceLine.objects.filter(invoice=order.proforma).order_by("position"))
    assert [(line.quantity, line.unit_price_minor, line.net_minor) for line in lines] == [
        (Decimal("1"), 10395, 10395),
        (Decimal("12"), 349, 4188),
    ]
    assert "SPRING15: 12.5 % off" in lines[0].description
    proforma = order.proforma
    expected_vat = (Decimal(proforma.net_minor) * proforma.vat_rate / 100).quantize(
        Decimal(1), rounding=ROUND_HALF_UP
    )
    assert proforma.net_minor == 10395 + 4188
    assert proforma.vat_minor == int(expected_vat)
    assert CouponRedemption.objects.get().discount_minor == 1485
    assert Coupon.objects.get().redemption_count == 1


def test_fixed_coupon_never_takes_more_than_the_tariff_fee(place):
    _coupon(code="BIG", kind="fixed", value="50.00")
    order = place(period_months=1, coupon_code="big")
    assert order.discount == eur("9.90")
    line = InvoiceLine.objects.get(invoice=order.proforma, position=1)
    assert line.net_minor == 0


def test_every_period_coupon_stays_on_the_service_first_period_one_does_not(place):
    _coupon(code="ALWAYS", recurrence="every_period")
    _coupon(code="ONCE")
    assert place(coupon_code="always").service.coupon.code == "ALWAYS"
    assert place(coupon_code="once").service.coupon is None


def test_unknown_inactive_or_foreign_coupon_is_a_field_error_and_nothing_is_written(place, shop):
    off = _coupon(code="OFF")
    coupon_deactivate(coupon=off)
    for code in ("NOPE", "OFF"):
        with pytest.raises(DomainError) as refused:
            place(coupon_code=code)
        assert "coupon" in refused.value.fields
    assert Order.objects.count() == 0
    assert CouponRedemption.objects.count() == 0


def test_coupon_for_other_products_is_refused(place, shop):
    _coupon(code="OTHER", families=[shop.vps_start.family], tariffs=[])
    place(coupon_code="other")  # the family is named: accepted
    other = coupon_create(code="ELSE", kind="percentage", value="10", tariffs=[shop.vps_large])
    assert other.tariffs.count() == 1
    with pytest.raises(DomainError) as refused:
        place(coupon_code="else")
    assert refused.value.fields["coupon"] == "This coupon does not apply to this product."


def test_coupon_valid_only_within_its_dates(place, time_machine):
    _coupon(code="MARCH", valid_from=TODAY + timedelta(days=1), valid_until=date(2027, 3, 31))
    with pytest.raises(DomainError) as early:
        place(coupon_code="march")
    assert early.value.fields["coupon"] == "This coupon is valid from 2027-03-02."
    time_machine.move_to(date(2027, 3, 31), tick=False)
    # 9.90 less 15 %: 8.415, rounded once half up to 8.42; 1.48 off.
    assert place(coupon_code="march", today=date(2027, 3, 31)).discount_minor == 148
    time_machine.move_to(date(2027, 4, 1), tick=False)
    with pytest.raises(DomainError) as late:
        place(coupon_code="march", today=date(2027, 4, 1))
    assert late.value.fields["coupon"] == "This coupon expired on 2027-03-31."


def test_total_and_per_client_limits(place, shop):
    _coupon(code="TWO", max_redemptions=2, max_per_client=1)
    place(coupon_code="two")
    with pytest.raises(DomainError) as again:
        place(coupon_code="two")
    assert "already used this coupon" in again.value.fields["coupon"]
    second = new_client()
    place(client=second, payer=new_payer(second), coupon_code="two")
    third = new_client()
    with pytest.raises(DomainError) as used_up:
        place(client=third, payer=new_payer(third), coupon_code="two")
    assert used_up.value.fields["coupon"] == "This coupon has been used up."
    assert Coupon.objects.get().redemption_count == 2
    assert CouponRedemption.objects.count() == 2


def test_coupon_is_refused_on_a_free_trial(place, shop):
    _coupon(code="TRY")
    with pytest.raises(DomainError) as refused:
        place(trial=True, trial_days=5, coupon_code="try")
    assert "free trial" in refused.value.fields["coupon"]


def test_plan_change_prorates_the_discounted_difference_rounded_once__ORD_04(
    place, run_hooks, client_record, shop
):
    """An every-period coupon lowers the tariff of a plan change as it lowers renewals:
    (24.00 - 9.90) * (100 - 33.3333) / 100 * 22 / 31, exact, rounded once half up."""
    _coupon(code="THIRD", value="33.3333", recurrence="every_period")
    fund(client_record, "30.00")
    service = place(coupon_code="third").service
    change = run_hooks(
        service_plan_change,
        service=service,
        tariff=shop.vps_large,
        actor=client_record.owner,
        today=date(2027, 3, 10),
    )
    exact = Decimal(1410) * (Decimal(100) - Decimal("33.3333")) / 100 * 22 / 31
    expected = int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    assert expected == 667
    assert (change.direction, change.amount_minor) == ("upgrade", expected)
    assert change.invoice.net_minor == expected
