"""Confirming the client's phone number by an SMS code, which a free trial needs (CAT-04):
the code hashed at rest, its expiry and attempts, the reset when the number changes, and the
page and API operations that send and check it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from hostledger.accounts import actions
from hostledger.accounts.models import Client, PhoneConfirmation
from hostledger.core.errors import DomainError
from hostledger.flows.phone_confirmation import phone_confirmation_send
from hostledger.notifications.sms import console
from tests.accounts.conftest import make_client_user


@pytest.fixture(autouse=True)
def _no_sms_left():
    console.sent_messages.clear()
    yield
    console.sent_messages.clear()


@pytest.fixture
def client_record(policies) -> Client:
    return make_client_user("mari@example.com", phone="+372 5123 4567").client


def sent_code() -> str:
    message = console.sent_messages[-1]
    assert message.to == "+37251234567"
    (code,) = re.findall(r"\b(\d{6})\b", message.text)
    return code


def test_the_code_goes_by_sms_and_is_kept_only_as_a_keyed_hash__CAT_04(client_record, settings):
    settings.SITE_NAME = "Pilvepood Hosting"

    phone_confirmation_send(client=client_record, actor=client_record.owner)

    (message,) = console.sent_messages
    code = sent_code()
    assert message.text == (
        f"Pilvepood Hosting: your phone confirmation code is {code}. It is valid for 10 minutes."
    )
    confirmation = PhoneConfirmation.objects.get()
    assert code not in confirmation.code_hash
    assert len(confirmation.code_hash) == 64
    assert confirmation.expires_at - confirmation.sent_at == timedelta(minutes=10)
    assert confirmation.phone_index == client_record.phone_index


def test_the_right_code_confirms_the_phone__CAT_04(client_record):
    phone_confirmation_send(client=client_record, actor=client_record.owner)

    confirmed = actions.phone_confirmation_check(
        client=client_record, code=sent_code(), actor=client_record.owner
    )

    assert confirmed.phone_confirmed_at is not None
    assert Client.objects.get(pk=client_record.pk).phone_confirmed_at is not None
    assert PhoneConfirmation.objects.get().confirmed_at is not None


def test_a_wrong_code_counts_and_the_last_attempt_voids_the_code__CAT_04(client_record, settings):
    phone_confirmation_send(client=client_record, actor=client_record.owner)
    code = sent_code()
    wrong = "000000" if code != "000000" else "111111"
    for attempt in range(5):
        with pytest.raises(DomainError) as refused:
            actions.phone_confirmation_check(
                client=client_record, code=wrong, actor=client_record.owner
            )
        assert refused.value.code == "invalid_phone_code"
        assert PhoneConfirmation.objects.get().failed_attempts == attempt + 1

    with pytest.raises(DomainError) as refused:
        actions.phone_confirmation_check(client=client_record, code=code, actor=client_record.owner)

    assert refused.value.code == "phone_code_expired"
    assert Client.objects.get(pk=client_record.pk).phone_confirmed_at is None


def test_an_expired_code_is_refused__CAT_04(client_record, time_machine):
    phone_confirmation_send(client=client_record, actor=client_record.owner)
    time_machine.move_to(timezone.now() + timedelta(minutes=10, seconds=1))

    with pytest.raises(DomainError) as refused:
        actions.phone_confirmation_check(
            client=client_record, code=sent_code(), actor=client_record.owner
        )

    assert refused.value.code == "phone_code_expired"
    assert Client.objects.get(pk=client_record.pk).phone_confirmed_at is None


def test_a_new_code_waits_and_is_limited_per_day__CAT_04(client_record, time_machine):
    phone_confirmation_send(client=client_record, actor=client_record.owner)
    with pytest.raises(DomainError) as refused:
        phone_confirmation_send(client=client_record, actor=client_record.owner)
    assert refused.value.code == "phone_code_sent_recently"
    for _ in range(4):
        time_machine.move_to(timezone.now() + timedelta(seconds=61))
        phone_confirmation_send(client=client_record, actor=client_record.owner)
    time_machine.move_to(timezone.now() + timedelta(seconds=61))

    with pytest.raises(DomainError) as refused:
        phone_confirmation_send(client=client_record, actor=client_record.owner)

    assert refused.value.code == "phone_code_limit"
    assert PhoneConfirmation.objects.count() == 5
    assert len(console.sent_messages) == 5


def test_changing_the_phone_clears_the_confirmation_and_voids_the_code__CAT_04(client_record):
    phone_confirmation_send(client=client_record, actor=client_record.owner)
    actions.phone_confirmation_check(
        client=client_record, code=sent_code(), actor=client_record.owner
    )
    client_record.refresh_from_db()
    kept = actions.client_profile_update(
        client=client_record, actor=client_record.owner, data={"city": "Tallinn"}
    )
    assert kept.phone_confirmed_at is not None  # another field changed: still confirmed
    console.sent_messages.clear()
    PhoneConfirmation.objects.update(sent_at=timezone.now() - timedelta(minutes=2))
    phone_confirmation_send(client=client_record, actor=client_record.owner)
    code = sent_code()

    changed = actions.client_profile_update(
        client=client_record, actor=client_record.owner, data={"phone": "+372 5999 8888"}
    )

    assert changed.phone_confirmed_at is None
    with pytest.raises(DomainError) as refused:
        actions.phone_confirmation_check(client=changed, code=code, actor=client_record.owner)
    assert refused.value.code == "phone_code_expired"
    assert Client.objects.get(pk=client_record.pk).phone_confirmed_at is None


def test_the_client_area_page_sends_and_checks_the_code__CAT_04(client_record):
    browser = HttpClient()
    browser.force_login(client_record.owner)

    page = browser.get("/profile/phone/")
    assert page.status_code == 200
    assert "Confirm your phone number" in page.content.decode()
    sent = browser.post("/profile/phone/", {"send": "1"})
    assert sent.status_code == 302
    wrong = browser.post("/profile/phone/", {"code": "12"})
    assert wrong.status_code == 400
    assert Client.objects.get(pk=client_record.pk).phone_confirmed_at is None
    confirmed = browser.post("/profile/phone/", {"code": sent_code()})

    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/profile/"
    assert Client.objects.get(pk=client_record.pk).phone_confirmed_at is not None


def test_the_api_sends_and_checks_the_code__CAT_04(client_record):
    api = HttpClient()
    api.force_login(client_record.owner)

    sent = api.post("/api/v1/me/phone/code")
    assert sent.status_code == 200, sent.content
    assert sent.json() == {"phone": "+37251234567", "phone_confirmed_at": None}
    confirmed = api.post(
        "/api/v1/me/phone/confirm", {"code": sent_code()}, content_type="application/json"
    )

    assert confirmed.status_code == 200
    assert confirmed.json()["phone_confirmed_at"] is not None
    me = api.get("/api/v1/me").json()
    assert me["client"]["phone_confirmed_at"] == confirmed.json()["phone_confirmed_at"]
