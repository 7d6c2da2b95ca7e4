"""``hostledger audit verify``: check that the audit trail was not edited (GDPR-12).

Exits with status 0 and prints the number of events when the chain is intact; otherwise
prints every problem found and exits with status 1, so a cron job or monitor can alert on it.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from hostledger.core.audit import audit_chain_report


class Command(BaseCommand):
    """Audit trail tools; ``verify`` recomputes the hash chain."""

    help = "Audit trail tools. 'verify' checks that no audit event was edited, added or removed."

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        subcommands.add_parser(
            "verify", help="Recompute the hash chain and report every tampered event."
        )

    def handle(self, *args, subcommand: str, **options):
        if subcommand == "verify":
            self._verify()
        else:  # argparse refuses unknown subcommands; kept for call_command misuse
            raise CommandError(f"Unknown subcommand {subcommand!r}.")

    def _verify(self) -> None:
        events_checked, problems = audit_chain_report()
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(
                f"Audit trail NOT intact: {len(problems)} problem(s) found.", returncode=1
            )
        self.stdout.write(f"Audit trail intact: {events_checked} events")
