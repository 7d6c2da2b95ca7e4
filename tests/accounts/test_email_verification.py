"""Mandatory email verification after sign-up: the mail, the refused sign-in before it, and
the link that verifies the address (ACC-01, ACC-08)."""

from __future__ import annotations

import re

from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache

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


def test_following_the_link_verifies_and_opens_sign_in__ACC_01(client, policies):
    path = _signed_up(client)

    page = client.get(path)
    assert page.status_code == 200
    assert EmailAddress.objects.get(email=EMAIL).verified is False
    confirmed = client.post(path)

    assert confirmed.status_code == 302
    address = EmailAddress.objects.get(email=EMAIL)
    assert address.verified is True
    assert address.primary is True
    response = _log_in(client)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(User.objects.get(email=EMAIL).pk)
    assert LoginAttempt.objects.get().succeeded is True


def test_a_wrong_link_verifies_nothing__ACC_01(client, policies):
    path = _signed_up(client)

    client.post(path[:-5] + "xxxx/")

    assert EmailAddress.objects.get(email=EMAIL).verified is False
