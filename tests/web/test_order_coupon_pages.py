"""The coupon field of the order form: the summary shows the discounted price with VAT as
the proforma will charge it, and a code that cannot be used is shown under its field
(decision 0055, ORD-01, BIL-02)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hostledger.catalog.actions import coupon_create
from hostledger.catalog.models import CouponRedemption
from hostledger.subscriptions.models import Order
from tests.subscriptions.factories import NOW, build_catalog
from tests.web.conftest import login
from tests.web.test_client_service_pages import HTMX, html_of, place_by_form, vps_choices

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen_now(time_machine):
    """Monday 1 March 2027 in Tallinn; Estonian VAT is 24 %."""
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def shop(db):
    return build_catalog()


@pytest.fixture
def owner(client, owner_a):
    return login(client, owner_a)


def test_summary_and_proforma_show_the_coupon_to_the_cent__ORD_01_BIL_02(owner, shop, payer_a):
    """29.70 less 20 % = 23.76; with 12.00 and 37.05 the net is 72.81 and VAT 24 % 17.47."""
    coupon_create(code="TWENTY", kind="percentage", value="20")
    choices = vps_choices(shop, payer_a, coupon="twenty")
    html = html_of(owner.get(reverse("web:order_new"), choices, headers=HTMX))
    assert "TWENTY: 20 % off (29.70 EUR less 5.94 EUR)" in html
    assert '<th scope="row">Net</th><td>€72.81</td>' in html
    assert '<th scope="row">VAT 24 %</th><td>€17.47</td>' in html
    assert '<td id="summary-total">€90.28</td>' in html
    order = place_by_form(owner, shop, payer_a, coupon="twenty")
    assert (order.proforma.net_minor, order.proforma.vat_minor) == (7281, 1747)
    assert order.discount_minor == 594


def test_a_coupon_that_cannot_be_used_is_a_field_error_and_nothing_is_written(owner, shop, payer_a):
    html = html_of(
        owner.get(reverse("web:order_new"), vps_choices(shop, payer_a, coupon="nope"), headers=HTMX)
    )
    assert "This coupon code is not valid." in html
    response = owner.post(reverse("web:order_new"), vps_choices(shop, payer_a, coupon="nope"))
    assert response.status_code == 400
    assert "This coupon code is not valid." in html_of(response)
    assert Order.objects.count() == 0
    assert CouponRedemption.objects.count() == 0
