"""``hostledger restore FILE``: restore an encrypted backup, then replay later erasures (GDPR-14).

The backup is verified in full before anything is written. The target is the configured
database; it must hold no tables unless ``--force`` is given (then its contents are replaced).
Afterwards every erasure recorded in the erasure log since the backup's time is replayed through
the registered erasure replayers, so that no subject erased after the backup comes back. When no
replayer is registered the restore is refused (exit status 1) unless ``--no-replay`` is given;
a replayer that fails is reported and the exit status is 1.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError
from hostledger.flows.privacy_erasure import client_erase_replay
from hostledger.privacy.backups import (
    REPLAY_MARGIN,
    backup_restore,
    configured_database,
    erasures_replay,
    read_backup_time,
)
from hostledger.privacy.erasure_log import (
    erasure_log_entries_since,
    register_erasure_replayer,
    registered_erasure_replayers,
)

# Every erasure logged after the backup's time is made again by the erasure flow.
register_erasure_replayer(client_erase_replay)


class Command(BaseCommand):
    """Restore a backup into the configured database and replay later erasures."""

    help = (
        "Restore an encrypted backup into the configured (fresh) database, then replay the "
        "erasures recorded since the backup was taken."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .hlbackup file; its manifest must lie beside it.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace the contents of a database that already holds tables.",
        )
        parser.add_argument(
            "--no-replay",
            action="store_true",
            help="Do not replay erasures (only when no erasure may be replayed, e.g. for a test "
            "copy that is deleted afterwards).",
        )

    def handle(self, *args, file: str, force: bool, no_replay: bool, **options):
        path = Path(file)
        try:
            taken_at = read_backup_time(path)
            # Read (and check) the erasure log before anything is written; with --no-replay a
            # damaged log does not stand in the way (it is reported below).
            try:
                pending: list | None = erasure_log_entries_since(taken_at - REPLAY_MARGIN)
            except DomainError:
                if not no_replay:
                    raise
                pending = None
            if not no_replay and not registered_erasure_replayers():
                raise CommandError(
                    "NO ERASURE REPLAYER IS REGISTERED: subjects erased after this backup "
                    f"({len(pending)} logged since it) would come back. Nothing was restored. "
                    "Install the erasure engine, or pass --no-replay if that is really meant.",
                    returncode=1,
                )
            backup = backup_restore(path, force=force, database=configured_database())
        except DomainError as error:
            raise CommandError(error.message, returncode=1) from error
        self.stdout.write(
            f"Restored {path.name} ({backup.database}, taken "
            f"{backup.created_at:%Y-%m-%d %H:%M:%S} UTC, {backup.size} bytes)."
        )
        if no_replay:
            logged = "an unknown number of" if pending is None else str(len(pending))
            self.stderr.write(
                f"Erasures NOT replayed (--no-replay): {logged} erasure(s) logged since the "
                "backup are not applied to the restored data."
            )
            record_audit_event(
                action="privacy.backup_restored",
                data={
                    "file": path.name,
                    "erasures_logged": None if pending is None else len(pending),
                    "replayed": False,
                },
            )
            return
        report = erasures_replay(since=backup.created_at)
        record_audit_event(
            action="privacy.backup_restored",
            data={
                "file": path.name,
                "erasures_logged": report.entries,
                "replay_calls": report.calls,
                "replay_failures": len(report.failures),
                "replayed": True,
            },
        )
        self.stdout.write(
            f"Erasures replayed: {report.entries} logged since the backup, "
            f"{report.replayers} replayer(s), {report.calls} call(s), "
            f"{len(report.failures)} failure(s)."
        )
        if report.failures:
            for subject, error in report.failures:
                self.stderr.write(f"Replay failed for {subject}: {error}")
            raise CommandError(
                f"{len(report.failures)} erasure replay(s) failed; those subjects may be back "
                "in the restored data. Fix the cause and erase them again.",
                returncode=1,
            )
