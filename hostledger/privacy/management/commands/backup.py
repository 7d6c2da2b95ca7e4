"""``hostledger backup``: take an encrypted backup of the database and prune old ones (GDPR-14).

``hostledger backup`` writes ``hostledger-<UTC time>-<database>.hlbackup`` and its manifest to
BACKUP_DIR, then deletes the backups the retention policy no longer keeps (provider settings
``privacy.backup_daily_retention_days`` and ``privacy.backup_monthly_retention_months``).
``hostledger backup verify FILE`` decrypts a backup, checks its SHA-256 against the manifest and
checks the copy (SQLite ``PRAGMA integrity_check``; ``pg_restore --list``); exit status 1 when
any check fails. ``hostledger backup prune`` only prunes; ``hostledger backup new-key`` prints a
new value for HOSTLEDGER_BACKUP_KEY. The scheduler runs the backup daily (job
``privacy.backup_database``).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hostledger.core.errors import DomainError
from hostledger.core.keyfiles import new_backup_key
from hostledger.privacy.backup_retention import backups_prune
from hostledger.privacy.backups import backup_run, backup_verify


class Command(BaseCommand):
    """Encrypted backups: take one (default), verify one, prune, or make a new key."""

    help = (
        "Take an encrypted backup of the database into BACKUP_DIR and prune old backups. "
        "'verify FILE' checks a backup; 'prune' only prunes; 'new-key' prints a new BACKUP_KEY."
    )

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="subcommand")
        verify = subcommands.add_parser(
            "verify", help="Decrypt a backup, check its hash and the copy it holds."
        )
        verify.add_argument("file", help="The .hlbackup file; its manifest must lie beside it.")
        subcommands.add_parser("prune", help="Delete the backups retention no longer keeps.")
        subcommands.add_parser("new-key", help="Print a new random value for BACKUP_KEY.")

    def handle(self, *args, subcommand: str | None = None, **options):
        try:
            if subcommand == "verify":
                self._verify(Path(options["file"]))
            elif subcommand == "prune":
                self._report_pruned(backups_prune(now=timezone.now()))
            elif subcommand == "new-key":
                self.stdout.write(new_backup_key())
            else:
                self._backup()
        except DomainError as error:
            raise CommandError(error.message, returncode=1) from error

    def _backup(self) -> None:
        backup, pruned = backup_run()
        self.stdout.write(
            f"Backup written: {backup.path} ({backup.database}, {backup.size} bytes, "
            f"sha256 {backup.sha256})"
        )
        self._report_pruned(pruned)

    def _report_pruned(self, pruned: list[Path]) -> None:
        for path in pruned:
            self.stdout.write(f"Deleted by retention: {path.name}")
        self.stdout.write(f"{len(pruned)} backup(s) deleted by retention.")

    def _verify(self, path: Path) -> None:
        backup = backup_verify(path)
        self.stdout.write(
            f"Backup intact: {path.name} ({backup.database}, taken "
            f"{backup.created_at:%Y-%m-%d %H:%M:%S} UTC, {backup.size} bytes, "
            f"sha256 {backup.sha256})"
        )
