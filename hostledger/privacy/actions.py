"""Writes of the privacy app: retention purges (GDPR-08)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction

from hostledger.accounts.models import LoginAttempt
from hostledger.core.registry import setting_value

# Rows deleted per statement; each chunk is its own transaction so that a long purge never
# holds the database's write lock for long, and a purge that stops half-way resumes cleanly.
PURGE_CHUNK_SIZE = 5_000


def access_logs_purge(
    *,
    now: datetime,
    chunk_size: int = PURGE_CHUNK_SIZE,
    on_chunk: Callable[[int], None] | None = None,
) -> int:
    """Delete sign-in attempts older than ``privacy.access_log_retention_days`` (GDPR-08).

    Set-based: one DELETE per chunk of at most ``chunk_size`` rows, oldest first, each chunk
    committed on its own. ``on_chunk`` is told the running total after every chunk. Returns
    the number of rows deleted.
    """
    cutoff = now - timedelta(days=setting_value("privacy.access_log_retention_days"))
    deleted_total = 0
    while True:
        with transaction.atomic():
            oldest = (
                LoginAttempt.objects.filter(occurred_at__lt=cutoff)
                .order_by("occurred_at", "id")
                .values("id")[:chunk_size]
            )
            deleted, _ = LoginAttempt.objects.filter(id__in=oldest).delete()
        deleted_total += deleted
        if on_chunk is not None and deleted:
            on_chunk(deleted_total)
        if deleted < chunk_size:
            return deleted_total
