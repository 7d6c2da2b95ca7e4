"""``hostledger privacy import FILE``: create a client account from another HostLedger's
export of personal data (GDPR-02).

FILE is the export's ZIP or its ``personal-data.json``. The document is checked against the
published schema; an email that already has a user here is refused; nothing is stored unless
everything is.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hostledger.core.errors import DomainError
from hostledger.flows.personal_data_import import personal_data_import


class Command(BaseCommand):
    help = "Personal data: import a client's export from another HostLedger."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        importing = commands.add_parser(
            "import", help="create a client account from an export (ZIP or JSON)"
        )
        importing.add_argument("file", type=Path)

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        try:
            client = personal_data_import(content=path.read_bytes())
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            f"Imported client {client.public_id} ({client.owner.email}) with "
            f"{client.payers.count()} payer(s) and {client.contacts.count()} contact(s). "
            "The person sets a password with 'forgot password'."
        )
