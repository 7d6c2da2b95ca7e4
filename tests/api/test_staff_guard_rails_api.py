"""Staff guard rails in API v1: amounts read strictly by the one parser of staff amounts,
bounded by provider settings and confirmed with ``confirm: true`` above a threshold (BIL-01,
CAT-02); tariffs and price versions are drafts until published (CAT-02, CAT-06). A refusal
answers 400 naming the field and changes nothing."""

from __future__ import annotations

import pytest

from hostledger.catalog.models import Tariff
from hostledger.ledger.models import Payment
from tests.api import money_factories as factories
from tests.api.conftest import api_by_token, database_state, error_of, make_staff_user
from tests.api.money_factories import money


@pytest.fixture
def account(client_a):
    return client_a.client


@pytest.fixture
def billing_member(db):
    return make_staff_user("billing")


@pytest.fixture
def administrator(db):
    return make_staff_user("administrator")


def _payment(amount: str, **extra) -> dict:
    return {
        "amount": money(amount),
        "value_date": factories.in_days(0),
        "reference": "SWED-GUARD",
        **extra,
    }


@pytest.mark.parametrize(
    ("amount", "code", "problem"),
    [
        ("123456789012", "amount_too_large", "at most 100000.00 EUR"),
        ("100000.01", "amount_too_large", "at most 100000.00 EUR"),
    ],
)
def test_a_payment_above_the_maximum_is_refused__BIL_01(
    billing_member, account, amount, code, problem
):
    api = api_by_token(billing_member)
    before = database_state()
    refused = api.post(f"/staff/clients/{account.public_id}/payments", _payment(amount))
    assert refused.status_code == 400
    assert (error_of(refused)["code"], error_of(refused)["fields"]) == (code, {"amount": problem})
    assert database_state() == before


def test_an_exponent_is_not_an_amount__BIL_01(billing_member, account):
    api = api_by_token(billing_member)
    before = database_state()
    refused = api.post(f"/staff/clients/{account.public_id}/payments", _payment("1e6"))
    assert refused.status_code == 400
    assert list(error_of(refused)["fields"]) == ["amount.amount"]
    assert database_state() == before


def test_a_large_payment_needs_confirm__BIL_01(billing_member, account):
    api = api_by_token(billing_member)
    path = f"/staff/clients/{account.public_id}/payments"
    before = database_state()
    refused = api.post(path, _payment("5000.01"))
    assert refused.status_code == 400
    assert error_of(refused)["code"] == "confirmation_required"
    assert error_of(refused)["fields"] == {"confirm": "confirm the amount of 5000.01 EUR"}
    assert database_state() == before
    confirmed = api.post(path, _payment("5000.01", confirm=True))
    assert confirmed.status_code == 201
    assert Payment.objects.get().amount_minor == 500001


def test_a_large_correction_down_needs_confirm_too__BIL_01(billing_member, account):
    api = api_by_token(billing_member)
    payload = {
        "amount": money("-6000.00"),
        "idempotency_key": "fix-1",
        "reason": "Wrongly recorded",
    }
    path = f"/staff/clients/{account.public_id}/corrections"
    refused = api.post(path, payload)
    assert (refused.status_code, error_of(refused)["code"]) == (400, "confirmation_required")
    accepted = api.post(path, {**payload, "confirm": True})
    assert accepted.status_code == 201
    assert accepted.json()["amount"] == {"amount": "-6000.00", "currency": "EUR"}


def test_a_tariff_is_a_draft_until_published__CAT_02(administrator, client_a):
    factories.make_catalog()
    staff_api = api_by_token(administrator)
    created = staff_api.post(
        "/staff/catalog/tariffs",
        {
            "family": "vps",
            "code": "vps-guard",
            "name": "VPS Guard",
            "monthly_fee": money("19.90"),
            "specs": {"cpu": 1, "ram_gb": 2, "disk_gb": 20},
        },
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["status"], body["published_at"]) == ("draft", None)
    client_api = api_by_token(client_a)
    assert client_api.get(f"/catalog/tariffs/{body['id']}").status_code == 404

    corrected = staff_api.patch(
        f"/staff/catalog/tariffs/{body['id']}", {"monthly_fee": money("18.90")}
    )
    assert corrected.json()["monthly_fee"] == {"amount": "18.90", "currency": "EUR"}
    published = staff_api.post(f"/staff/catalog/tariffs/{body['id']}/publish")
    assert (published.status_code, published.json()["status"]) == (200, "published")
    assert client_api.get(f"/catalog/tariffs/{body['id']}").status_code == 200
    late_fix = staff_api.patch(
        f"/staff/catalog/tariffs/{body['id']}", {"monthly_fee": money("1.00")}
    )
    assert late_fix.status_code == 400
    assert Tariff.objects.get(code="vps-guard").monthly_fee_minor == 1890


def test_a_large_fee_needs_confirm__CAT_02(administrator):
    factories.make_catalog()
    api = api_by_token(administrator)
    payload = {
        "family": "vps",
        "code": "vps-huge",
        "name": "VPS Huge",
        "monthly_fee": money("999.00"),
        "specs": {"cpu": 64, "ram_gb": 512, "disk_gb": 4000},
    }
    before = database_state()
    refused = api.post("/staff/catalog/tariffs", payload)
    assert (refused.status_code, error_of(refused)["code"]) == (400, "confirmation_required")
    assert database_state() == before
    too_high = api.post("/staff/catalog/tariffs", {**payload, "monthly_fee": money("10000.01")})
    assert error_of(too_high)["fields"] == {"monthly_fee": "at most 10000.00 EUR"}
    assert api.post("/staff/catalog/tariffs", {**payload, "confirm": True}).status_code == 201
