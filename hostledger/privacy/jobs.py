"""Jobs of the privacy app: retention (GDPR-08) and request reminders (GDPR-07); thin, each
calls one action."""

from __future__ import annotations

from datetime import timedelta

from hostledger.accounts.actions import sessions_expired_purge
from hostledger.core.jobs import JobContext, periodic_job
from hostledger.privacy.actions import log_files_purge, mail_files_purge
from hostledger.privacy.actions_requests import request_reminders_send
from hostledger.privacy.backups import backup_run
from hostledger.privacy.exports import personal_data_exports_expire
from hostledger.privacy.retention import retention_run


@periodic_job("privacy.backup_database", every=timedelta(days=1), offset=timedelta(hours=2))
def backup_database(run: JobContext) -> None:
    """Take the daily encrypted backup, then delete the backups retention no longer keeps
    (GDPR-14)."""
    backup, pruned = backup_run()
    run.count("backups_written", 1)
    run.count("backup_bytes", backup.size)
    run.count("backups_pruned", len(pruned))
    run.log(f"Wrote {backup.path.name} ({backup.size} bytes, sha256 {backup.sha256}).")
    for path in pruned:
        run.log(f"Deleted {path.name}: past the retention of backups.")


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


@periodic_job("privacy.retention_schedule", every=timedelta(days=1), offset=timedelta(hours=2))
def apply_retention_schedule(run: JobContext) -> None:
    """Apply the retention schedule: every rule derived from the declarations, and the
    legal terms of data held after erasure (GDPR-08, GDPR-04)."""
    recorded = retention_run(now=run.now)
    for rule, erased in recorded.counts.items():
        run.count(rule, erased)
    run.log(f"Retention schedule erased {sum(recorded.counts.values())} rows.")


@periodic_job("privacy.request_reminders", every=timedelta(days=1))
def remind_of_requests(run: JobContext) -> None:
    """Remind privacy staff of data-subject requests due soon or overdue, once each (GDPR-07)."""
    counts = request_reminders_send(now=run.now)
    for threshold, count in counts.items():
        run.count(threshold, count)
    run.log(f"Reminded of {sum(counts.values())} data-subject requests.")


@periodic_job("privacy.expire_exports", every=timedelta(days=1))
def expire_exports(run: JobContext) -> None:
    """Delete the files of personal-data exports whose link expired (GDPR-02)."""
    expired = personal_data_exports_expire(now=run.now)
    run.count("expired", expired)
    run.log(f"Deleted {expired} expired personal-data export files.")
