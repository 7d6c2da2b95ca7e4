"""Retention jobs of the privacy app (GDPR-08): thin, each calls one action."""

from __future__ import annotations

from datetime import timedelta

from hostledger.core.jobs import JobContext, periodic_job
from hostledger.privacy.actions import access_logs_purge
from hostledger.privacy.retention import retention_run


@periodic_job("privacy.purge_access_logs", every=timedelta(days=1))
def purge_access_logs(run: JobContext) -> None:
    """Delete sign-in attempts older than the access log retention period (GDPR-08)."""
    deleted = access_logs_purge(now=run.now, on_chunk=run.progress)
    run.count("deleted", deleted)
    run.log(f"Deleted {deleted} sign-in attempts older than the retention period.")


@periodic_job("privacy.retention_schedule", every=timedelta(days=1), offset=timedelta(hours=2))
def apply_retention_schedule(run: JobContext) -> None:
    """Apply the retention schedule: every rule derived from the declarations, and the
    legal terms of data held after erasure (GDPR-08, GDPR-04)."""
    recorded = retention_run(now=run.now)
    for rule, erased in recorded.counts.items():
        run.count(rule, erased)
    run.log(f"Retention schedule erased {sum(recorded.counts.values())} rows.")
