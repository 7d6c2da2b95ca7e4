"""Mandatory email verification after sign-up: the mail, the refused sign-in before it, and
the link that verifies the address (ACC-01, ACC-08)."""

from __future__ import annotations

import re

from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.test import Client

from hostledger.accounts.models import LoginAttempt, User
from tests.accounts.conftest import PASSWORD, SIGNUP_IP, drop_empty, natural_signup

EMAIL = "mari.maasikas@example.com"
LINK = re.compile(r"http://testserver(/accounts/confirm-email/[^/\s]+/)")


def _signed_up(client) -> str:
    """Sign up; return the path of the verification link from the mail."""
    response = client.post("/accounts/signup/", drop_empty(natural_signup()), REMOTE_ADDR=SIGNUP_IP)
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == [EMAIL]
    (path,) = LINK.findall(message.body)
    return path


def _log_in(client):
    return client.post(
        "/accounts/login/", {"login": EMAIL, "password": PASSWORD}, REMOTE_ADDR=SIGNUP_IP
    )


def test_sign_up_sends_the_verification_mail__ACC_01(client, policies):
    path = _signed_up(client)

    assert path.startswith("/accounts/confirm-email/")
    assert EmailAddress.objects.get(email=EMAIL).verified is False
    assert "_auth_user_id" not in client.session


def test_sign_in_before_verification_gives_no_access__ACC_08(client, policies):
    _signed_up(client)
    mail.outbox.clear()
    cache.clear()  # past allauth's cooldown between two verification mails to one address

    response = _log_in(client)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session
    dashboard = client.get("/")
    assert dashboard.status_code == 302
    assert dashboard["Location"].startswith("/accounts/login/")
    (message,) = mail.outbox  # the link is sent again
    assert message.to == [EMAIL]
    (attempt,) = LoginAttempt.objects.all()
    assert attempt.succeeded is False
    assert attempt.reason == "email_not_verified"
    assert attempt.identifier == EMAIL
    assert attempt.user == User.objects.get(email=EMAIL)
    assert attempt.ip_address == SIGNUP_IP


def test_following_the_link_verifies_and_signs_in__ACC_01(client, policies):
    path = _signed_up(client)

    page = client.get(path)
    assert page.status_code == 200
    assert EmailAddress.objects.get(email=EMAIL).verified is False
    assert "_auth_user_id" not in client.session
    confirmed = client.post(path, REMOTE_ADDR=SIGNUP_IP)

    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/"
    address = EmailAddress.objects.get(email=EMAIL)
    assert address.verified is True
    assert address.primary is True
    assert client.session["_auth_user_id"] == str(User.objects.get(email=EMAIL).pk)
    assert client.get("/").status_code == 200
    (attempt,) = LoginAttempt.objects.all()
    assert attempt.succeeded is True
    assert attempt.ip_address == SIGNUP_IP


def test_the_link_opened_in_another_browser_verifies_then_sign_in_works__ACC_01(client, policies):
    path = _signed_up(client)
    other_browser = Client()

    confirmed = other_browser.post(path)

    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(email=EMAIL).verified is True
    assert "_auth_user_id" not in other_browser.session  # no pending sign-up in that session
    response = other_browser.post(
        "/accounts/login/", {"login": EMAIL, "password": PASSWORD}, REMOTE_ADDR=SIGNUP_IP
    )
    assert response["Location"] == "/"
    assert other_browser.session["_auth_user_id"] == str(User.objects.get(email=EMAIL).pk)


def test_the_sign_up_mail_carries_the_providers_name_in_the_language__ACC_01(
    client, policies, settings
):
    settings.SITE_NAME = "Pilveserver OÜ"
    response = client.post(
        "/accounts/signup/",
        drop_empty(natural_signup()),
        REMOTE_ADDR=SIGNUP_IP,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302

    (message,) = mail.outbox
    assert message.subject == "Pilveserver OÜ: Welcome! Please confirm your e-mail address"
    assert "thank you for signing up with Pilveserver OÜ." in message.body
    assert message.body.rstrip().endswith(f"Pilveserver OÜ\n{settings.SITE_URL}")
    assert message.body.count("testserver") == 1  # the link alone names the host
    assert "example.com" not in message.subject


def test_the_password_reset_mail_is_in_the_users_language__ACC_01(client, policies, settings):
    settings.SITE_NAME = "Pilveserver OÜ"
    _signed_up(client)
    User.objects.filter(email=EMAIL).update(preferred_language="et")
    mail.outbox.clear()
    cache.clear()

    client.post("/accounts/password/reset/", {"email": EMAIL}, REMOTE_ADDR=SIGNUP_IP)

    (message,) = mail.outbox
    assert message.subject == "Pilveserver OÜ: Parooli lähtestamine"
    assert message.body.startswith(
        "Tere!\n\nKeegi (loodetavasti teie) palus lähtestada teie Pilveserver OÜ konto parooli."
    )
    assert "/accounts/password/reset/key/" in message.body
    assert "Lugupidamisega\nPilveserver OÜ" in message.body


def test_a_wrong_link_verifies_nothing__ACC_01(client, policies):
    path = _signed_up(client)

    client.post(path[:-5] + "xxxx/")

    assert EmailAddress.objects.get(email=EMAIL).verified is False
