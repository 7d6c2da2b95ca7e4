"""Retention jobs of the privacy app (GDPR-08): thin, each calls one action."""

from __future__ import annotations

from datetime import timedelta

from hostledger.core.jobs import JobContext, periodic_job
from hostledger.privacy.actions import access_logs_purge
from hostledger.privacy.exports import personal_data_exports_expire


@periodic_job("privacy.purge_access_logs", every=timedelta(days=1))
def purge_access_logs(run: JobContext) -> None:
    """Delete sign-in attempts older than the access log retention period (GDPR-08)."""
    deleted = access_logs_purge(now=run.now, on_chunk=run.progress)
    run.count("deleted", deleted)
    run.log(f"Deleted {deleted} sign-in attempts older than the retention period.")


@periodic_job("privacy.expire_exports", every=timedelta(days=1))
def expire_exports(run: JobContext) -> None:
    """Delete the files of personal-data exports whose link expired (GDPR-02)."""
    expired = personal_data_exports_expire(now=run.now)
    run.count("expired", expired)
    run.log(f"Deleted {expired} expired personal-data export files.")
