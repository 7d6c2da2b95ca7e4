"""``hostledger ledger verify``: prove every cached balance equals the sum of its entries.

Exits with status 0 when every balance agrees and every transaction sums to zero; otherwise
prints each problem and exits with status 1, so a cron job or monitor can alert on it.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from hostledger.ledger.models import ClientBalance
from hostledger.ledger.selectors import unbalanced_transactions, verify_balances


class Command(BaseCommand):
    """Ledger tools; ``verify`` checks the balances against the entries (BIL-01)."""

    help = "Ledger tools. 'verify' checks every cached balance against the sum of its entries."

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        subcommands.add_parser(
            "verify", help="Check balances against entries and that transactions sum to zero."
        )

    def handle(self, *args, subcommand: str, **options):
        if subcommand != "verify":
            raise CommandError(f"Unknown subcommand {subcommand!r}.")
        problems = [
            f"Client {item.client_id}: cached balance {item.cached}, entries sum to "
            f"{item.from_entries}."
            for item in verify_balances()
        ]
        problems += [
            f"Transaction {public_id}: its entries do not sum to zero."
            for public_id in unbalanced_transactions()
        ]
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"Ledger NOT consistent: {len(problems)} problem(s).", returncode=1)
        self.stdout.write(
            f"Ledger consistent: {ClientBalance.objects.count()} client balances agree with "
            "their entries."
        )
