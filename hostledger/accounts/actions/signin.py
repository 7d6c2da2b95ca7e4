"""The sign-in log and the lockout with a growing interval (ACC-08)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from hostledger.accounts.models import (
    LoginAttempt,
    LoginLockout,
    User,
)
from hostledger.core.crypto import blind_index
from hostledger.core.registry import setting_value


def login_identifier_index(identifier: str) -> str:
    return blind_index(identifier, purpose="login-identifier")


def login_lock_remaining(identifier: str) -> timedelta | None:
    """How long ``identifier`` stays locked, or None if it may try now (ACC-08)."""
    if not identifier:
        return None
    locked_until = (
        LoginLockout.objects.filter(identifier_index=login_identifier_index(identifier))
        .values_list("locked_until", flat=True)
        .first()
    )
    now = timezone.now()
    if locked_until and locked_until > now:
        return locked_until - now
    return None


@transaction.atomic
def login_attempt_record(
    *,
    identifier: str,
    user: User | None,
    ip_address: str | None,
    succeeded: bool,
    reason: str = "",
    method: str = "password",
) -> LoginAttempt:
    """Log one sign-in attempt and keep the lockout state of its identifier (ACC-08).

    After ``accounts.lockout_failures`` consecutive failures the identifier is locked for
    ``accounts.lockout_first_seconds``, doubling with each further lockout up to
    ``accounts.lockout_longest_seconds``. A success clears the failure count.
    """
    identifier = (identifier or "").strip().lower()[:254]
    attempt = LoginAttempt.objects.create(
        identifier=identifier or "-",
        user=user,
        ip_address=ip_address,
        succeeded=succeeded,
        reason=reason,
        method=method,
    )
    if not identifier:
        return attempt
    index = login_identifier_index(identifier)
    lockout, _ = LoginLockout.objects.select_for_update().get_or_create(identifier_index=index)
    now = timezone.now()
    if succeeded:
        lockout.consecutive_failures = 0
        lockout.lockouts = 0
        lockout.locked_until = None
    elif reason != "locked":
        lockout.consecutive_failures += 1
        lockout.last_failure_at = now
        if lockout.consecutive_failures >= setting_value("accounts.lockout_failures"):
            first = setting_value("accounts.lockout_first_seconds")
            longest = setting_value("accounts.lockout_longest_seconds")
            seconds = min(first * (2 ** min(lockout.lockouts, 32)), longest)
            lockout.locked_until = now + timedelta(seconds=seconds)
            lockout.lockouts += 1
            lockout.consecutive_failures = 0
    lockout.save()
    return attempt
