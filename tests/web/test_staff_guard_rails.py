"""Staff guard rails on the staff pages: amounts typed strictly, bounded and confirmed above a
threshold (BIL-01, CAT-02); tariffs and price changes are drafts until published (CAT-02,
CAT-06). A refused form changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hostledger.catalog import actions as catalog_actions
from hostledger.catalog.models import PriceVersion, Tariff
from hostledger.catalog.selectors import price_in_force
from hostledger.ledger.models import Payment
from hostledger.ledger.selectors import balance_of
from tests.web.conftest import login, make_client_user, make_staff_user
from tests.web.staff_money_helpers import VPS_SPECS, eur, family, money_state

TODAY = timezone.localdate


@pytest.fixture
def admin(client, policies):
    member = make_staff_user("administrator")
    login(client, member)
    return member


def _payment(amount: str, **extra) -> dict:
    return {
        "client": "guard@example.com",
        "amount": amount,
        "value_date": TODAY().isoformat(),
        "reference": "SWED-GUARD-1",
        "received_into": "bank",
        **extra,
    }


@pytest.mark.parametrize(
    ("amount", "problem"),
    [
        ("1e6", "digits and a decimal point only"),
        ("1,000.00", "digits and a decimal point only"),
        ("12.345", "at most 2 decimals"),
        ("123456789012345", "at most 100000.00 EUR"),
        ("100000.01", "at most 100000.00 EUR"),
    ],
)
def test_a_payment_amount_is_read_strictly_and_bounded__BIL_01(admin, client, amount, problem):
    make_client_user("guard@example.com")
    before = money_state()
    response = client.post(reverse("web:staff_payment_record"), _payment(amount))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["amount"] and problem in errors["amount"][0]
    assert money_state() == before


def test_a_large_payment_is_recorded_only_once_confirmed__BIL_01(admin, client):
    make_client_user("guard@example.com")
    before = money_state()
    first = client.post(reverse("web:staff_payment_record"), _payment("5000.01"))
    assert first.status_code == 400
    assert list(first.context["form"].errors) == ["confirm"]
    html = first.content.decode()
    assert 'name="confirm"' in html and "Yes, 5000.01 EUR is the right amount" in html
    assert money_state() == before

    confirmed = client.post(reverse("web:staff_payment_record"), _payment("5000.01", confirm="on"))
    assert confirmed.status_code == 302
    assert Payment.objects.get().amount_minor == 500001
    assert balance_of(Payment.objects.get().client) == eur("5000.01")


def test_an_amount_at_the_threshold_needs_no_confirmation__BIL_01(admin, client):
    make_client_user("guard@example.com")
    response = client.post(reverse("web:staff_payment_record"), _payment("5000.00"))
    assert response.status_code == 302


def _tariff_form(fee: str, **extra) -> dict:
    return {
        "code": "vps-guard",
        "name": "VPS Guard",
        "monthly_fee": fee,
        "specs": "cpu = 1\nram_gb = 2\ndisk_gb = 20",
        "sort_order": "0",
        "is_active": "on",
        **extra,
    }


def test_a_price_typed_as_1e6_is_refused__CAT_02(admin, client):
    before = money_state()
    response = client.post(
        reverse("web:staff_catalog_tariff_create", args=["vps"]), _tariff_form("1e6")
    )
    assert response.status_code == 400
    assert "digits and a decimal point only" in response.context["form"].errors["monthly_fee"][0]
    assert money_state() == before


def test_a_large_monthly_fee_needs_confirmation__CAT_02(admin, client):
    url = reverse("web:staff_catalog_tariff_create", args=["vps"])
    response = client.post(url, _tariff_form("750.00"))
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["confirm"]
    assert not Tariff.objects.exists()
    assert client.post(url, _tariff_form("750.00", confirm="on")).status_code == 302
    assert Tariff.objects.get().monthly_fee_minor == 75000


def test_a_new_tariff_is_a_draft_until_published__CAT_02(admin, client):
    client.post(reverse("web:staff_catalog_tariff_create", args=["vps"]), _tariff_form("9.90"))
    tariff = Tariff.objects.get()
    assert (tariff.status, tariff.published_at) == ("draft", None)
    shopper = make_client_user("shopper@example.com")
    client.get(reverse("web:staff_catalog"))  # shows the flash message naming the draft
    client.force_login(shopper)
    assert "VPS Guard" not in client.get(reverse("web:catalog")).content.decode()
    order_page = client.get(reverse("web:order_new") + f"?tariff={tariff.public_id}")
    assert order_page.status_code == 404

    login(client, admin)
    page = client.get(reverse("web:staff_catalog_tariff", args=[tariff.public_id]))
    assert "monthly_fee" in page.context["form"].fields  # a draft's fee may be corrected
    edited = client.post(
        reverse("web:staff_catalog_tariff", args=[tariff.public_id]),
        {
            "name": "VPS Guard",
            "monthly_fee": "8.90",
            "sort_order": "0",
            "specs": "cpu = 1\nram_gb = 2\ndisk_gb = 20",
        },
    )
    assert edited.status_code == 302, edited.context["form"].errors
    tariff.refresh_from_db()
    assert tariff.monthly_fee_minor == 890
    response = client.post(reverse("web:staff_catalog_tariff_publish", args=[tariff.public_id]))
    assert response.status_code == 302
    tariff.refresh_from_db()
    assert tariff.status == "published" and tariff.published_at is not None

    client.force_login(shopper)
    assert "VPS Guard" in client.get(reverse("web:catalog")).content.decode()


def test_a_draft_price_version_applies_to_nobody__CAT_02(admin, client):
    tariff = catalog_actions.tariff_publish(
        tariff=catalog_actions.tariff_create(
            family=family("vps"), code="vps-s", name="VPS S", monthly_fee="9.90", specs=VPS_SPECS
        )
    )
    effective = TODAY() + timedelta(days=40)
    draft = catalog_actions.price_version_create(
        tariff=tariff, new_fee="12.90", effective_from=effective
    )
    assert draft.status == "draft"
    assert price_in_force(tariff, period_start=effective) == eur("9.90")
    catalog_actions.price_version_publish(price_version=draft, actor=admin)
    assert PriceVersion.objects.get().status == "published"
    assert price_in_force(tariff, period_start=effective) == eur("12.90")
