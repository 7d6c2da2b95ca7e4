"""Jobs of the privacy app: retention (GDPR-08) and request reminders (GDPR-07); thin, each
calls one action."""

from __future__ import annotations

from datetime import timedelta

from hostledger.core.jobs import JobContext, periodic_job
from hostledger.privacy.actions import access_logs_purge
from hostledger.privacy.actions_requests import request_reminders_send


@periodic_job("privacy.purge_access_logs", every=timedelta(days=1))
def purge_access_logs(run: JobContext) -> None:
    """Delete sign-in attempts older than the access log retention period (GDPR-08)."""
    deleted = access_logs_purge(now=run.now, on_chunk=run.progress)
    run.count("deleted", deleted)
    run.log(f"Deleted {deleted} sign-in attempts older than the retention period.")


@periodic_job("privacy.request_reminders", every=timedelta(days=1))
def remind_of_requests(run: JobContext) -> None:
    """Remind privacy staff of data-subject requests due soon or overdue, once each (GDPR-07)."""
    counts = request_reminders_send(now=run.now)
    for threshold, count in counts.items():
        run.count(threshold, count)
    run.log(f"Reminded of {sum(counts.values())} data-subject requests.")
