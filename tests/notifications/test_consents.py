"""Marketing consent: explicit, recorded, double opt-in by email, withdrawable at any time and
by the link in each marketing message, without signing in (NTF-01)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from hostledger.core.models import AuditEvent
from hostledger.notifications.actions import (
    notification_enqueue,
)
from hostledger.notifications.models import (
    ConsentState,
    Delivery,
)
from hostledger.notifications.tokens import unsubscribe_token
from hostledger.privacy.actions_consents import (
    marketing_consent_request,
    marketing_consent_withdraw,
)
from hostledger.privacy.models import MarketingConsent, MarketingConsentChange
from tests.notifications.conftest import NOW, make_client, run_outbox


def _sent_link(pattern: str) -> str:
    (message,) = [item for item in mail.outbox if re.search(pattern, item.body)]
    return re.search(rf"https?://\S*{pattern}\S*/", message.body).group(0)


@pytest.mark.django_db
def test_email_consent_counts_only_after_the_signed_link_is_confirmed__NTF_01(client):
    """Double opt-in: the request sends a confirmation message; opening the link shows a
    page and changes nothing; the POST confirms. Time, source and wording version are kept."""
    person = make_client()
    with time_machine.travel(NOW, tick=False):
        consent = marketing_consent_request(client=person, channel="email", source="client_area")
        assert consent.state == ConsentState.REQUESTED and not consent.is_active
        run_outbox()
    link = _sent_link("/notifications/opt-in/")
    path = link.removeprefix("http://127.0.0.1:8000")

    page = client.get(path)
    assert page.status_code == 200
    assert b"Confirm offers and news" in page.content
    consent.refresh_from_db()
    assert consent.state == ConsentState.REQUESTED

    confirmed_at = NOW + timedelta(hours=2)
    with time_machine.travel(confirmed_at, tick=False):
        done = client.post(path)
    assert done.status_code == 200 and b"Thank you" in done.content
    consent.refresh_from_db()
    assert (consent.state, consent.confirmed_at, consent.requested_at) == (
        ConsentState.CONFIRMED,
        confirmed_at,
        NOW,
    )
    assert (consent.source, consent.wording_version) == ("client_area", "1")
    changes = list(
        MarketingConsentChange.objects.filter(consent=consent).values_list(
            "state", "source", "wording_version", "occurred_at"
        )
    )
    assert changes == [
        ("requested", "client_area", "1", NOW),
        ("confirmed", "confirmation_link", "1", confirmed_at),
    ]
    assert list(
        AuditEvent.objects.filter(action__startswith="notifications.consent").values_list(
            "action", flat=True
        )
    ) == ["notifications.consent_requested", "notifications.consent_confirmed"]


@pytest.mark.django_db
def test_an_expired_or_tampered_opt_in_link_confirms_nothing__NTF_01(client):
    person = make_client()
    with time_machine.travel(NOW, tick=False):
        consent = marketing_consent_request(client=person, channel="email", source="client_area")
        run_outbox()
    path = _sent_link("/notifications/opt-in/").removeprefix("http://127.0.0.1:8000")

    tampered = client.post(path.replace("/opt-in/", "/opt-in/x"))
    with time_machine.travel(NOW + timedelta(days=8), tick=False):
        expired = client.post(path)

    assert tampered.status_code == 400 and b"This link is not valid" in tampered.content
    assert expired.status_code == 400 and b"This link has expired" in expired.content
    consent.refresh_from_db()
    assert consent.state == ConsentState.REQUESTED


@pytest.mark.django_db
def test_marketing_unsubscribe_link_withdraws_consent_without_sign_in__NTF_01(client):
    """Every marketing message carries the link; GET asks, POST withdraws, no sign-in."""
    person = make_client()
    marketing_consent_request(client=person, channel="sms", source="client_area")
    with time_machine.travel(NOW, tick=False):
        email_consent = marketing_consent_request(client=person, channel="email", source="sign_up")
        MarketingConsent.objects.filter(pk=email_consent.pk).update(state=ConsentState.CONFIRMED)
        notification_enqueue(key="offer:1", client=person, event="marketing_announcement")
        run_outbox()
    offer = mail.outbox[-1]
    link = _sent_link("/notifications/unsubscribe/")
    assert offer.extra_headers["List-Unsubscribe"] == f"<{link}>"
    path = link.removeprefix("http://127.0.0.1:8000")

    shown = client.get(path)
    email_consent.refresh_from_db()
    assert shown.status_code == 200 and b"Stop offers and news?" in shown.content
    assert email_consent.state == ConsentState.CONFIRMED

    done = client.post(path)
    email_consent.refresh_from_db()
    assert done.status_code == 200 and b"You are unsubscribed" in done.content
    assert email_consent.state == ConsentState.WITHDRAWN
    assert email_consent.withdrawn_at is not None
    assert MarketingConsentChange.objects.filter(
        consent=email_consent, state="withdrawn", source="unsubscribe_link"
    ).exists()
    # The SMS consent is another channel's and stays.
    assert MarketingConsent.objects.get(client=person, channel="sms").state == "confirmed"


@pytest.mark.django_db
def test_a_tampered_unsubscribe_link_is_an_error_page_and_changes_nothing__NTF_01(client):
    person = make_client()
    consent = marketing_consent_request(client=person, channel="sms", source="client_area")
    token = unsubscribe_token(client_public_id=person.public_id, channel="sms")
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")

    for method in (client.get, client.post):
        response = method(reverse("web:notifications_unsubscribe", args=[forged]))
        assert response.status_code == 400
        assert b"This link is not valid" in response.content
    consent.refresh_from_db()
    assert consent.state == ConsentState.CONFIRMED


@pytest.mark.django_db
def test_withdrawing_skips_marketing_still_waiting_in_the_outbox__NTF_01():
    from hostledger.notifications.actions import deliveries_fan_out

    person = make_client(phone="+372 5555 0101")
    marketing_consent_request(client=person, channel="sms", source="client_area")
    notification_enqueue(key="offer:2", client=person, event="marketing_announcement")
    deliveries_fan_out(now=NOW)

    marketing_consent_withdraw(client=person, channel="sms", source="client_area")
    report = run_outbox()

    assert report.sent == 0
    assert Delivery.objects.get().state == "skipped"
