"""Security notices: a change of the password, the e-mail address or two-factor
authentication is told to the client once, through the outbox, from an editable template in
the client's language; an e-mail change also to the previous address (NTF-01, ACC-09)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import time_machine
from allauth.account.adapter import get_adapter
from allauth.core.context import request_context
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.contrib.sessions.backends.db import SessionStore
from django.core import mail
from django.test import Client as WebClient
from django.test import RequestFactory

from hostledger.accounts.models import User
from hostledger.notifications.models import Delivery, Notification
from tests.accounts.conftest import PASSWORD, make_client_user
from tests.notifications.conftest import run_outbox

START = datetime(2026, 6, 1, 8, 0, 5, tzinfo=UTC)
EMAIL = "owner@example.com"
NEW_EMAIL = "new.owner@example.com"
NEW_PASSWORD = "Tartu river 2025 stone"
IP = "203.0.113.9"
LINK = re.compile(r"http://testserver(/accounts/confirm-email/[^/\s]+/)")


@pytest.fixture
def browser(policies):
    """The client (reading Estonian), signed in, with allauth's recent-authentication window
    open; the clock is frozen."""
    with time_machine.travel(START, tick=False):
        user = make_client_user(EMAIL)
        User.objects.filter(pk=user.pk).update(preferred_language="et")
        web = WebClient(REMOTE_ADDR=IP)
        signed_in = web.post("/accounts/login/", {"login": EMAIL, "password": PASSWORD})
        assert signed_in["Location"] == "/"
        mail.outbox.clear()
        yield web


def _told(event: str) -> list[Delivery]:
    """The email deliveries of ``event`` after the outbox ran, each checked sent."""
    run_outbox(START)
    deliveries = list(
        Delivery.objects.filter(notification__event=event, channel="email").order_by("id")
    )
    assert all(delivery.state == "sent" for delivery in deliveries)
    return deliveries


def _activate_totp(browser: WebClient) -> None:
    asked = browser.get("/accounts/2fa/totp/activate/")
    assert asked["Location"].startswith("/accounts/reauthenticate/")
    browser.post(asked["Location"], {"password": PASSWORD})
    browser.get("/accounts/2fa/totp/activate/")
    secret = browser.session[SECRET_SESSION_KEY]
    code = format_hotp_value(hotp_value(secret, int(START.timestamp()) // 30))
    response = browser.post("/accounts/2fa/totp/activate/", {"code": code})
    assert response.status_code == 302


def test_password_change_is_told_once_in_the_clients_language__NTF_01(browser):
    changed = browser.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert changed.status_code == 302
    assert mail.outbox == []  # nothing bypasses the outbox

    (delivery,) = _told("password_changed")

    assert delivery.recipient == EMAIL
    assert delivery.language == "et"
    assert delivery.subject == "Teie parool muudeti"
    assert "parool muudeti 1. juuni 2026 11:00" in delivery.body
    assert NEW_PASSWORD not in delivery.body
    (sent,) = mail.outbox
    assert sent.to == [EMAIL]
    run_outbox(START)
    assert len(mail.outbox) == 1


def test_two_factor_on_off_and_new_recovery_codes_are_each_told_once__ACC_09(
    browser, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # allauth tells after the commit
        _activate_totp(browser)
        regenerated = browser.post("/accounts/2fa/recovery-codes/generate/")
    assert regenerated.status_code == 302
    deactivated = browser.post("/accounts/2fa/totp/deactivate/")
    assert deactivated.status_code == 302

    (enabled,) = _told("two_factor_enabled")
    (codes,) = _told("recovery_codes_regenerated")
    (disabled,) = _told("two_factor_disabled")

    assert enabled.subject == "Kaheastmeline autentimine on sisse lülitatud"
    assert codes.subject == "Loodi uued taastekoodid"
    assert disabled.subject == "Kaheastmeline autentimine lülitati välja"
    assert "Kontot kaitseb nüüd ainult parool." in disabled.body
    assert Notification.objects.count() == 3
    assert len(mail.outbox) == 3


def test_email_change_is_told_to_the_new_and_the_previous_address__NTF_01(browser):
    added = browser.post("/accounts/email/", {"email": NEW_EMAIL, "action_add": ""})
    assert added.status_code == 302
    (confirmation,) = mail.outbox
    (path,) = LINK.findall(confirmation.body)
    browser.post(path)
    made_primary = browser.post("/accounts/email/", {"email": NEW_EMAIL, "action_primary": ""})
    assert made_primary.status_code == 302
    assert User.objects.get(email=NEW_EMAIL)

    deliveries = _told("email_changed")

    assert sorted(delivery.recipient for delivery in deliveries) == sorted([NEW_EMAIL, EMAIL])
    assert {delivery.subject for delivery in deliveries} == {"Teie konto e-posti aadress muudeti"}
    assert sorted(message.to[0] for message in mail.outbox[1:]) == sorted([NEW_EMAIL, EMAIL])
    assert Notification.objects.filter(event="email_changed", read_at__isnull=True).count() == 1
    run_outbox(START)
    assert len(mail.outbox) == 3


def test_staff_without_a_client_account_get_allauths_notice_in_the_providers_name__NTF_01(
    db, settings
):
    settings.SITE_NAME = "Pilveserver OÜ"
    staff = User.objects.create_user("staff@provider.example", PASSWORD, is_staff=True)
    request = RequestFactory().post("/accounts/password/change/", REMOTE_ADDR=IP)
    request.user, request.session = staff, SessionStore()
    with time_machine.travel(START, tick=False), request_context(request):
        get_adapter(request).send_notification_mail("account/email/password_changed", staff)

    (message,) = mail.outbox
    assert message.to == ["staff@provider.example"]
    assert message.subject.startswith("Pilveserver OÜ: ")
    assert "the following change was made to your Pilveserver OÜ account" in message.body
    assert not Notification.objects.exists()
