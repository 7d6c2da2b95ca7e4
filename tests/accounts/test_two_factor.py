"""Two-factor sign-in with TOTP and recovery codes for clients (ACC-09)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.test import Client as WebClient

from hostledger.accounts.actions import login_identifier_index
from hostledger.accounts.models import LoginAttempt, LoginLockout, User
from tests.accounts.conftest import PASSWORD, make_client_user

START = datetime(2026, 6, 1, 8, 0, 5, tzinfo=UTC)
EMAIL = "owner@example.com"
IP = "203.0.113.9"


def _code(secret: str, moment: datetime) -> str:
    """The TOTP code an authenticator app shows at ``moment`` (30-second steps)."""
    return format_hotp_value(hotp_value(secret, int(moment.timestamp()) // 30))


def _log_in(browser: WebClient):
    return browser.post("/accounts/login/", {"login": EMAIL, "password": PASSWORD}, REMOTE_ADDR=IP)


def _open_activation(browser: WebClient) -> str:
    """Sign in, confirm the password again as allauth asks before security changes, open the
    activation page; return the secret the page offers."""
    assert _log_in(browser)["Location"] == "/"
    asked = browser.get("/accounts/2fa/totp/activate/")
    assert asked["Location"].startswith("/accounts/reauthenticate/")
    confirmed = browser.post(asked["Location"], {"password": PASSWORD}, REMOTE_ADDR=IP)
    assert confirmed["Location"] == "/accounts/2fa/totp/activate/"
    page = browser.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    return browser.session[SECRET_SESSION_KEY]


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def account(policies) -> User:
    return make_client_user(EMAIL)


@pytest.fixture
def totp_secret(clock, account) -> str:
    """The client signs in and activates TOTP through allauth's page; returns the secret."""
    browser = WebClient(REMOTE_ADDR=IP)
    secret = _open_activation(browser)
    response = browser.post("/accounts/2fa/totp/activate/", {"code": _code(secret, START)})
    assert response.status_code == 302
    return secret


def test_client_activates_totp_and_gets_recovery_codes__ACC_09(account, totp_secret):
    authenticators = {auth.type: auth for auth in Authenticator.objects.filter(user=account)}

    assert set(authenticators) == {"totp", "recovery_codes"}
    assert totp_secret not in str(authenticators["totp"].data)  # stored encrypted
    codes = RecoveryCodes(authenticators["recovery_codes"]).get_unused_codes()
    assert len(codes) == 10
    assert len(set(codes)) == 10


def test_wrong_code_does_not_activate_totp__ACC_09(clock, account):
    browser = WebClient(REMOTE_ADDR=IP)
    secret = _open_activation(browser)

    response = browser.post(
        "/accounts/2fa/totp/activate/", {"code": _code(secret, START + timedelta(minutes=5))}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"code": ["Incorrect code."]}
    assert Authenticator.objects.filter(user=account).count() == 0


def test_sign_in_then_requires_the_code__ACC_09(clock, account, totp_secret):
    browser = WebClient(REMOTE_ADDR=IP)
    clock.move_to(START + timedelta(seconds=60))
    attempts = LoginAttempt.objects.count()

    response = _log_in(browser)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in browser.session
    assert browser.get("/")["Location"].startswith("/accounts/login/")
    assert LoginAttempt.objects.count() == attempts

    now = START + timedelta(seconds=60)
    done = browser.post("/accounts/2fa/authenticate/", {"code": _code(totp_secret, now)})

    assert done.status_code == 302
    assert done["Location"] == "/"
    assert browser.session["_auth_user_id"] == str(account.pk)
    latest = LoginAttempt.objects.order_by("-id").first()
    assert (latest.succeeded, latest.user, latest.ip_address) == (True, account, IP)


def test_wrong_code_keeps_the_door_shut__ACC_09(clock, account, totp_secret):
    browser = WebClient(REMOTE_ADDR=IP)
    clock.move_to(START + timedelta(seconds=60))
    _log_in(browser)

    response = browser.post(
        "/accounts/2fa/authenticate/",
        {"code": _code(totp_secret, START + timedelta(minutes=10))},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"code": ["Incorrect code."]}
    assert "_auth_user_id" not in browser.session


def test_a_recovery_code_opens_once__ACC_09(clock, account, totp_secret):
    recovery = Authenticator.objects.get(user=account, type="recovery_codes")
    code = RecoveryCodes(recovery).get_unused_codes()[0]
    browser = WebClient(REMOTE_ADDR=IP)
    _log_in(browser)

    assert browser.post("/accounts/2fa/authenticate/", {"code": code})["Location"] == "/"

    again = WebClient(REMOTE_ADDR=IP)
    _log_in(again)
    refused = again.post("/accounts/2fa/authenticate/", {"code": code})
    assert refused.status_code == 200
    assert "_auth_user_id" not in again.session


def test_wrong_code_is_logged_and_counts_towards_the_lockout__ACC_08(clock, account, totp_secret):
    browser = WebClient(REMOTE_ADDR=IP)
    clock.move_to(START + timedelta(seconds=60))
    _log_in(browser)

    browser.post(
        "/accounts/2fa/authenticate/",
        {"code": _code(totp_secret, START + timedelta(minutes=10))},
        REMOTE_ADDR=IP,
    )

    latest = LoginAttempt.objects.order_by("-id").first()
    assert (latest.succeeded, latest.reason, latest.method, latest.user, latest.ip_address) == (
        False,
        "bad_second_factor",
        "totp",
        account,
        IP,
    )
    lockout = LoginLockout.objects.get(identifier_index=login_identifier_index(EMAIL))
    assert lockout.consecutive_failures == 1
