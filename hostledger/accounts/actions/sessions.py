"""Ending sessions: a person's on erasure, everyone's once expired (GDPR-04, GDPR-08)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.db import transaction

from hostledger.accounts.models import SignInSession
from hostledger.accounts.sessions import STAFF_SEARCHES_SESSION_KEY, SessionStore

# Rows deleted per statement, each chunk its own transaction (see privacy.actions).
SESSION_PURGE_CHUNK_SIZE = 5_000


@transaction.atomic
def sessions_end_for_user(*, user_id: int) -> int:
    """End every session of the person ``user_id``, signed in or signing in (GDPR-04).

    The sessions are found by their ``user`` column, without decoding any. Returns how many
    were ended; the person's browsers are signed out at their next request.
    """
    deleted, _ = SignInSession.objects.filter(user_id=user_id).delete()
    return deleted


def staff_searches_forget() -> int:
    """Drop the client searches kept in every staff session (GDPR-04): what staff typed to
    find a client (a name, an address, a phone number) may name a client being erased, and
    no search may outlive the erasure. The staff sessions are found by their ``user`` column;
    only those holding searches are rewritten. Returns how many sessions were rewritten."""
    rewritten = 0
    staff_sessions = SignInSession.objects.filter(user__is_staff=True).values_list(
        "session_key", flat=True
    )
    for session_key in staff_sessions.iterator():
        store = SessionStore(session_key=session_key)
        if store.pop(STAFF_SEARCHES_SESSION_KEY, None) is not None:
            store.save(must_create=False)
            rewritten += 1
    return rewritten


def sessions_expired_purge(
    *,
    now: datetime,
    chunk_size: int = SESSION_PURGE_CHUNK_SIZE,
    on_chunk: Callable[[int], None] | None = None,
) -> int:
    """Delete the sessions that expired before ``now`` (GDPR-08), like Django's
    ``clearsessions`` but in chunks of ``chunk_size`` rows, each committed on its own.
    Returns how many were deleted."""
    deleted_total = 0
    while True:
        with transaction.atomic():
            expired = SignInSession.objects.filter(expire_date__lt=now).values("session_key")[
                :chunk_size
            ]
            deleted, _ = SignInSession.objects.filter(session_key__in=expired).delete()
        deleted_total += deleted
        if on_chunk is not None and deleted:
            on_chunk(deleted_total)
        if deleted < chunk_size:
            return deleted_total
