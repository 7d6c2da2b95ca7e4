"""``hostledger privacy import FILE``: create a client account from another HostLedger's
export of personal data (GDPR-02).

FILE is the export's ZIP or its ``personal-data.json``. The document is checked against the
published schema; an email that already has a user here is refused; nothing is stored unless
everything is.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hostledger.core.errors import DomainError
from hostledger.flows.personal_data_import import personal_data_import
from hostledger.privacy.export import JSON_NAME


def document_content(path: Path) -> bytes:
    """The JSON document in ``path``: the file itself, or the one inside an export ZIP."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            try:
                return archive.read(JSON_NAME)
            except KeyError:
                raise CommandError(f"{path}: the ZIP holds no {JSON_NAME}.") from None
    return path.read_bytes()


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
            client = personal_data_import(content=document_content(path))
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            f"Imported client {client.public_id} ({client.owner.email}) with "
            f"{client.payers.count()} payer(s) and {client.contacts.count()} contact(s). "
            "The person sets a password with 'forgot password'."
        )
