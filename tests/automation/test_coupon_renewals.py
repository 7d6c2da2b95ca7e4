"""Every-period coupons in the billing run: each renewal is lowered as the order was, once
per period; a first-period coupon is not renewed (decision 0055, AUT-01)."""

from __future__ import annotations

from datetime import date

from hostledger.automation.models import ServiceRenewal
from hostledger.catalog.actions import coupon_create
from hostledger.invoicing.models import InvoiceLine

ISSUE_DAY = date(2027, 3, 22)
PERIOD_START = date(2027, 4, 1)


def _renewal_lines(service) -> list[tuple]:
    renewal = ServiceRenewal.objects.get(service=service, starts_on=PERIOD_START)
    return list(
        InvoiceLine.objects.filter(invoice=renewal.invoice)
        .order_by("position")
        .values_list("description", "quantity", "unit_price_minor", "net_minor", "unit_code")
    )


def test_every_period_coupon_lowers_each_renewal_once__AUT_01(active_service, run_as_of):
    coupon_create(code="LOYAL", kind="percentage", value="33.3333", recurrence="every_period")
    service = active_service("30.00", coupon_code="loyal")
    assert service.coupon.code == "LOYAL"
    assert run_as_of(ISSUE_DAY)["renewals_issued"] == 1
    # 9.90 less 33.3333 %: 6.6000033, rounded once to 6.60.
    (line,) = _renewal_lines(service)
    assert line[1:] == (1, 660, 660, "C62")
    assert line[0].startswith("VPS Start, 1 month, LOYAL: 33.3333 % off")
    assert run_as_of(ISSUE_DAY).get("renewals_issued", 0) == 0  # the same day again
    assert ServiceRenewal.objects.filter(service=service).count() == 1


def test_first_period_coupon_is_not_renewed__AUT_01(active_service, run_as_of):
    coupon_create(code="WELCOME", kind="fixed", value="5.00")
    service = active_service("30.00", coupon_code="welcome")
    assert service.order.discount_minor == 500
    run_as_of(ISSUE_DAY)
    assert _renewal_lines(service) == [("VPS Start, 1 month", 1, 990, 990, "MON")]
