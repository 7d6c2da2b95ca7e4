"""Which channels a message goes out by: system messages always by email, SMS only where
the client turned it on and has a number, marketing only with a confirmed consent (NTF-01)."""

from __future__ import annotations

import pytest

from hostledger.core.errors import DomainError
from hostledger.notifications.actions import (
    channel_preference_set,
    deliveries_fan_out,
    notification_enqueue,
)
from hostledger.notifications.models import Delivery, Notification
from hostledger.notifications.selectors import client_preferences
from hostledger.privacy.actions_consents import marketing_consent_request
from tests.notifications.conftest import NOW, make_client

PHONE = "+372 5555 0101"


def _channels(notification) -> set[str]:
    return set(Delivery.objects.filter(notification=notification).values_list("channel", flat=True))


def _enqueue(client, event: str, number: int = 1):
    return notification_enqueue(key=f"{event}:{client.pk}:{number}", client=client, event=event)


@pytest.mark.django_db
def test_system_messages_go_by_email_and_sms_only_when_enabled__NTF_01():
    with_sms = make_client(phone=PHONE)
    channel_preference_set(client=with_sms, channel="sms", category="billing", enabled=True)
    sms_off = make_client(phone=PHONE)
    no_phone = make_client()
    channel_preference_set(client=no_phone, channel="sms", category="billing", enabled=True)

    billing = {
        client: _enqueue(client, "payment_reminder") for client in (with_sms, sms_off, no_phone)
    }
    service_message = _enqueue(with_sms, "service_resumed")
    handled = deliveries_fan_out(now=NOW)

    assert handled == 4
    assert _channels(billing[with_sms]) == {"email", "sms"}
    assert _channels(billing[sms_off]) == {"email"}
    assert _channels(billing[no_phone]) == {"email"}
    # SMS was turned on for billing only.
    assert _channels(service_message) == {"email"}
    assert not Notification.objects.filter(fanned_out_at__isnull=True).exists()
    assert set(Delivery.objects.values_list("state", flat=True)) == {"pending"}


@pytest.mark.django_db
def test_marketing_goes_only_by_channels_with_a_confirmed_consent__NTF_01():
    no_consent = make_client(phone=PHONE)
    requested_only = make_client(phone=PHONE)
    marketing_consent_request(client=requested_only, channel="email", source="client_area")
    sms_consent = make_client(phone=PHONE)
    marketing_consent_request(client=sms_consent, channel="sms", source="client_area")

    offers = {
        client: _enqueue(client, "marketing_announcement")
        for client in (no_consent, requested_only, sms_consent)
    }
    deliveries_fan_out(now=NOW)

    assert _channels(offers[no_consent]) == set()
    assert _channels(offers[requested_only]) == set()  # not confirmed yet: double opt-in
    assert _channels(offers[sms_consent]) == {"sms"}


@pytest.mark.django_db
def test_fan_out_twice_makes_each_delivery_once__NTF_02():
    client = make_client()
    notification = _enqueue(client, "trial_ended")
    deliveries_fan_out(now=NOW)
    Notification.objects.filter(pk=notification.pk).update(fanned_out_at=None)
    deliveries_fan_out(now=NOW)
    assert Delivery.objects.filter(notification=notification).count() == 1


@pytest.mark.django_db
def test_email_of_system_messages_cannot_be_turned_off__NTF_01():
    client = make_client()
    with pytest.raises(DomainError) as refused:
        channel_preference_set(client=client, channel="email", category="billing", enabled=False)
    assert refused.value.fields == {"channel": "email of system messages cannot be turned off"}
    with pytest.raises(DomainError):
        channel_preference_set(client=client, channel="sms", category="marketing", enabled=True)
    rows = {row.category: (row.email_always, row.sms_enabled) for row in client_preferences(client)}
    assert rows == dict.fromkeys(["billing", "service", "account", "announcements"], (True, False))
