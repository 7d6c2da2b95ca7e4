"""Writes of the privacy app: retention purges of rows and files (GDPR-08), and the erasure
of the development mail files (GDPR-04)."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction

from hostledger.accounts.models import LoginAttempt
from hostledger.core.log_files import line_moment, log_file_day
from hostledger.core.mail_files import mail_file_directories, mail_file_texts
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


def _log_lines_kept(path: Path, cutoff: datetime) -> int:
    """Rewrite ``path`` without its lines older than ``cutoff``; return how many were removed.

    A continuation line (a traceback's) goes with the line it continues. The new file
    replaces the old one in one rename.
    """
    kept: list[str] = []
    removed = 0
    keeping = True
    with path.open(encoding="utf-8", errors="replace") as lines:
        for line in lines:
            moment = line_moment(line)
            if moment is not None:
                keeping = moment >= cutoff
            if keeping:
                kept.append(line)
            else:
                removed += 1
    if removed:
        if kept:
            replacement = path.with_name(path.name + ".trimmed")
            replacement.write_text("".join(kept), encoding="utf-8")
            os.replace(replacement, path)
        else:
            path.unlink()
    return removed


def log_files_purge(*, now: datetime) -> dict[str, int]:
    """Remove the lines of the application and access log files older than
    ``privacy.access_log_retention_days`` (GDPR-08).

    The files are written one per UTC day (:mod:`hostledger.core.log_files`) under
    ``settings.LOG_DIR``: the files of days that ended before the cutoff are deleted, and the
    file of the cutoff's own day is rewritten without its older lines. Other files in the
    directory are left alone. Returns the number of files deleted and of lines removed.
    """
    cutoff = now - timedelta(days=setting_value("privacy.access_log_retention_days"))
    directory = Path(settings.LOG_DIR)
    counts = {"files_deleted": 0, "lines_removed": 0}
    if not directory.is_dir():
        return counts
    for path in sorted(directory.iterdir()):
        day = log_file_day(path)
        if day is None or not path.is_file():
            continue
        if day < cutoff.astimezone(UTC).date():
            path.unlink(missing_ok=True)
            counts["files_deleted"] += 1
        elif day == cutoff.astimezone(UTC).date():
            counts["lines_removed"] += _log_lines_kept(path, cutoff)
    return counts


def mail_files_purge(*, now: datetime) -> int:
    """Delete the files of the development mail backend older than
    ``privacy.dev_mail_files_retention_days`` (GDPR-08); returns how many were deleted.

    A file's age is its last modification time: the backend writes it when it sends.
    """
    cutoff = now - timedelta(days=setting_value("privacy.dev_mail_files_retention_days"))
    deleted = 0
    for directory in mail_file_directories():
        for path in directory.iterdir():
            if not path.is_file():
                continue
            written = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
            if written < cutoff:
                path.unlink(missing_ok=True)
                deleted += 1
    return deleted


def mail_files_erase_for(*, addresses: list[str]) -> int:
    """Delete every file of the development mail backend that names one of ``addresses``
    (GDPR-04): whole messages in its headers or bodies, quoted-printable and base64 bodies
    decoded, compared without regard to case. Returns how many files were deleted."""
    wanted = [address.strip().casefold() for address in addresses if address and address.strip()]
    if not wanted:
        return 0
    deleted = 0
    for directory in mail_file_directories():
        for path in directory.iterdir():
            if not path.is_file():
                continue
            texts = [text.casefold() for text in mail_file_texts(path.read_bytes())]
            if any(address in text for address in wanted for text in texts):
                path.unlink(missing_ok=True)
                deleted += 1
    return deleted
