"""Coupons and quotes through API v1 (decision 0055): trying a code, ordering with it, and
accepting a quote into orders once. The clock stands at Monday 2 March 2026 in Tallinn."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hostledger.accounts import actions as accounts
from hostledger.catalog.actions import coupon_create
from hostledger.subscriptions.actions import QuoteLineInput, quote_create, quote_send
from hostledger.subscriptions.models import Order
from tests.api import money_factories as factories
from tests.api.conftest import api_by_token, error_of
from tests.api.money_factories import money

TALLINN = ZoneInfo("Europe/Tallinn")
MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=TALLINN)
COMPANY = {
    "kind": "legal",
    "name": "Pilvepood OÜ",
    "registry_code": "12345678",
    "street": "Narva mnt 5",
    "city": "Tallinn",
    "country": "EE",
}

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _monday(time_machine):
    time_machine.move_to(MONDAY, tick=False)


@pytest.fixture
def account(client_a):
    return client_a.client


@pytest.fixture
def payer(client_a, account):
    return accounts.payer_create(client=account, actor=client_a, data=COMPANY)


@pytest.fixture
def shop(db):
    return factories.make_catalog()


def test_a_coupon_is_tried_then_redeemed_by_the_order(client_a, payer, shop):
    coupon_create(code="Spring", kind="percentage", value="12.5", max_per_client=1)
    api = api_by_token(client_a)
    tried = api.post(
        "/coupon-checks",
        {"tariff": shop["tariff"].public_id, "code": "spring", "period_months": 12},
    )
    assert tried.status_code == 200, tried.content
    # 9.90 x 12 = 118.80; 12.5 % off = 14.85
    assert tried.json()["list_price"] == money("118.80")
    assert tried.json()["discount"] == money("14.85")
    assert tried.json()["net"] == money("103.95")
    body = {
        "tariff": shop["tariff"].public_id,
        "payer": payer.public_id,
        "period_months": 12,
        "os_image": shop["os_image"].public_id,
        "start_at_once": True,
        "coupon": "SPRING",
    }
    placed = api.post("/orders", body)
    assert placed.status_code == 201, placed.content
    assert (placed.json()["coupon"], placed.json()["discount"]) == ("SPRING", money("14.85"))
    again = api.post("/coupon-checks", {"tariff": shop["tariff"].public_id, "code": "spring"})
    assert again.status_code == 400
    assert "coupon" in error_of(again)["fields"]


def test_a_quote_is_accepted_into_orders_once_and_an_expired_one_is_refused(
    client_a, account, payer, shop, time_machine
):
    line = QuoteLineInput(tariff=shop["tariff"], period_months=1, os_image=shop["os_image"])
    quote = quote_send(
        quote=quote_create(
            client=account,
            payer=payer,
            valid_until=date(2026, 3, 12),
            lines=[line],
            discount_percent="10",
        )
    )
    api = api_by_token(client_a)
    listed = api.get("/quotes").json()["items"]
    assert [item["id"] for item in listed] == [quote.public_id]
    # 9.90 less 10 % = 8.91 net, VAT 24 % = 2.14
    assert (listed[0]["net"], listed[0]["gross"]) == (money("8.91"), money("11.05"))
    first = api.post(f"/quotes/{quote.public_id}/accept", {"start_at_once": True})
    assert first.status_code == 200, first.content
    second = api.post(f"/quotes/{quote.public_id}/accept", {"start_at_once": True})
    assert second.json()["order_ids"] == first.json()["order_ids"]
    assert Order.objects.filter(quote=quote).count() == 1

    expired = quote_send(
        quote=quote_create(client=account, payer=payer, valid_until=date(2026, 3, 3), lines=[line])
    )
    time_machine.move_to(MONDAY + timedelta(days=2), tick=False)
    refused = api.post(f"/quotes/{expired.public_id}/accept", {"start_at_once": True})
    assert refused.status_code == 400
    assert error_of(refused)["fields"] == {"quote": "This quote expired on 2026-03-03."}
    assert Order.objects.filter(quote=expired).count() == 0
