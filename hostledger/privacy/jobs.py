"""Retention jobs of the privacy app (GDPR-08): thin, each calls one action."""

from __future__ import annotations

from datetime import timedelta

from hostledger.accounts.actions import sessions_expired_purge
from hostledger.core.jobs import JobContext, periodic_job
from hostledger.privacy.actions import access_logs_purge, log_files_purge, mail_files_purge


@periodic_job("privacy.purge_access_logs", every=timedelta(days=1))
def purge_access_logs(run: JobContext) -> None:
    """Delete sign-in attempts older than the access log retention period (GDPR-08)."""
    deleted = access_logs_purge(now=run.now, on_chunk=run.progress)
    run.count("deleted", deleted)
    run.log(f"Deleted {deleted} sign-in attempts older than the retention period.")


@periodic_job("privacy.purge_expired_sessions", every=timedelta(days=1))
def purge_expired_sessions(run: JobContext) -> None:
    """Delete the sessions that have expired (GDPR-08): nobody can use them any more."""
    deleted = sessions_expired_purge(now=run.now, on_chunk=run.progress)
    run.count("deleted", deleted)
    run.log(f"Deleted {deleted} expired sessions.")


@periodic_job("privacy.purge_log_files", every=timedelta(days=1))
def purge_log_files(run: JobContext) -> None:
    """Remove application and access log lines older than the retention period (GDPR-08)."""
    counts = log_files_purge(now=run.now)
    for name, number in counts.items():
        run.count(name, number)
    run.log(
        f"Deleted {counts['files_deleted']} log files and removed {counts['lines_removed']} "
        "lines older than the retention period."
    )


@periodic_job("privacy.purge_dev_mail_files", every=timedelta(days=1))
def purge_dev_mail_files(run: JobContext) -> None:
    """Delete files of the development mail backend older than their retention (GDPR-08)."""
    deleted = mail_files_purge(now=run.now)
    run.count("deleted", deleted)
    run.log(f"Deleted {deleted} mail files older than the retention period.")
