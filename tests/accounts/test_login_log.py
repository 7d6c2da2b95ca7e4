"""Every sign-in attempt is logged with time, identifier and IP; repeated failures lock the
identifier for a growing interval (ACC-08)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client as WebClient

from hostledger.accounts.actions import login_identifier_index
from hostledger.accounts.models import LoginAttempt, LoginLockout, User
from hostledger.core.registry import provider_setting_change
from tests.accounts.conftest import PASSWORD, make_client_user

START = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
EMAIL = "owner@example.com"
IP = "203.0.113.77"
LOCKED_MESSAGE = "Too many failed login attempts. Try again later."


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def account(policies) -> User:
    return make_client_user(EMAIL)


def _attempt(password: str, *, login: str = EMAIL, ip: str = IP):
    """One sign-in from a browser of its own."""
    return WebClient().post(
        "/accounts/login/", {"login": login, "password": password}, REMOTE_ADDR=ip
    )


def _signed_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/"


def _attempts() -> list[tuple]:
    return list(
        LoginAttempt.objects.order_by("id").values_list(
            "occurred_at",
            "identifier",
            "user__email",
            "ip_address",
            "succeeded",
            "reason",
            "method",
        )
    )


def test_successful_sign_in_is_logged__ACC_08(clock, account):
    response = _attempt(PASSWORD)

    assert _signed_in(response)
    assert _attempts() == [(START, EMAIL, EMAIL, IP, True, "", "password")]


def test_failed_login_is_logged_with_ip__ACC_08(clock, account):
    response = _attempt("not the password", login="Owner@Example.com")

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "__all__": ["The email address and/or password you specified are not correct."]
    }
    assert _attempts() == [(START, EMAIL, EMAIL, IP, False, "bad_credentials", "password")]


def test_failed_login_of_an_unknown_email_keeps_the_identifier__ACC_08(clock, account):
    _attempt(PASSWORD, login="ghost@example.com", ip="2001:db8::5")

    assert _attempts() == [
        (START, "ghost@example.com", None, "2001:db8::5", False, "bad_credentials", "password")
    ]


def test_identifier_is_stored_encrypted_with_a_blind_index__ACC_08(clock, account):
    _attempt("not the password", login="ghost@example.com")

    table = connection.ops.quote_name(LoginAttempt._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT identifier, identifier_index FROM {table}")
        ((stored, index),) = cursor.fetchall()
    assert stored.startswith("enc1:")
    assert "ghost" not in stored
    assert index == login_identifier_index("ghost@example.com")


def test_repeated_failures_lock_for_a_growing_interval__ACC_08(clock, account):
    for _ in range(5):
        assert _attempt("wrong password").status_code == 200
    lockout = LoginLockout.objects.get(identifier_index=login_identifier_index(EMAIL))
    assert lockout.locked_until == START + timedelta(seconds=60)
    assert lockout.lockouts == 1

    clock.move_to(START + timedelta(seconds=59))
    refused = _attempt(PASSWORD)
    assert refused.status_code == 200
    assert refused.context["form"].errors == {"__all__": [LOCKED_MESSAGE]}
    assert LoginAttempt.objects.order_by("-id").values_list("succeeded", "reason").first() == (
        False,
        "locked",
    )

    second_start = START + timedelta(seconds=60)
    clock.move_to(second_start)
    for _ in range(5):
        _attempt("wrong password")
    lockout.refresh_from_db()
    assert lockout.locked_until == second_start + timedelta(seconds=120)
    assert lockout.lockouts == 2

    clock.move_to(second_start + timedelta(seconds=119))
    assert not _signed_in(_attempt(PASSWORD))
    clock.move_to(second_start + timedelta(seconds=120))
    assert _signed_in(_attempt(PASSWORD))

    lockout.refresh_from_db()
    assert (lockout.consecutive_failures, lockout.lockouts, lockout.locked_until) == (0, 0, None)
    reasons = list(LoginAttempt.objects.order_by("id").values_list("reason", flat=True))
    assert reasons == ["bad_credentials"] * 5 + ["locked"] + ["bad_credentials"] * 5 + [
        "locked",
        "",
    ]


def test_attempts_during_a_lockout_do_not_lengthen_it__ACC_08(clock, account):
    for _ in range(5):
        _attempt("wrong password")

    for _ in range(3):
        _attempt("wrong password")

    lockout = LoginLockout.objects.get(identifier_index=login_identifier_index(EMAIL))
    assert lockout.locked_until == START + timedelta(seconds=60)
    assert lockout.lockouts == 1
    assert LoginAttempt.objects.filter(reason="locked").count() == 3


def test_unknown_identifiers_are_locked_too__ACC_08(clock, account):
    for _ in range(5):
        _attempt("guess", login="ghost@example.com")

    _attempt("guess", login="ghost@example.com")

    assert LoginAttempt.objects.order_by("-id").values_list("identifier", "reason").first() == (
        "ghost@example.com",
        "locked",
    )
    assert _signed_in(_attempt(PASSWORD))  # another identifier is not affected


def test_success_clears_the_failure_count__ACC_08(clock, account):
    for _ in range(4):
        _attempt("wrong password")
    assert _signed_in(_attempt(PASSWORD))

    for _ in range(4):
        _attempt("wrong password")

    assert _signed_in(_attempt(PASSWORD))
    lockout = LoginLockout.objects.get(identifier_index=login_identifier_index(EMAIL))
    assert (lockout.consecutive_failures, lockout.lockouts, lockout.locked_until) == (0, 0, None)


def test_lockout_settings_take_effect__ACC_08(clock, account):
    provider_setting_change(key="accounts.lockout_failures", raw_value="2")
    provider_setting_change(key="accounts.lockout_first_seconds", raw_value="300")
    provider_setting_change(key="accounts.lockout_longest_seconds", raw_value="400")

    _attempt("wrong password")
    assert _signed_in(_attempt(PASSWORD))
    _attempt("wrong password")
    _attempt("wrong password")

    clock.move_to(START + timedelta(seconds=299))
    assert not _signed_in(_attempt(PASSWORD))
    clock.move_to(START + timedelta(seconds=300))
    _attempt("wrong password")
    _attempt("wrong password")
    lockout = LoginLockout.objects.get(identifier_index=login_identifier_index(EMAIL))
    assert lockout.locked_until == START + timedelta(seconds=300 + 400)  # 600 capped at 400
    clock.move_to(START + timedelta(seconds=700))
    assert _signed_in(_attempt(PASSWORD))


def test_correct_password_of_an_inactive_user_is_a_failed_attempt__ACC_08(clock, account):
    account.is_active = False
    account.save(update_fields=["is_active"])

    response = _attempt(PASSWORD)

    assert not _signed_in(response)
    assert _attempts() == [(START, EMAIL, EMAIL, IP, False, "inactive", "password")]
