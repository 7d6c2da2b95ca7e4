"""``hostledger import whmcs URL``: import a provider's data from its WHMCS database.

URL is ``mysql://user[:password]@host[:port]/database``; the password may come from the
environment variable HOSTLEDGER_WHMCS_PASSWORD instead, so it stays out of the process list.
The run is safe to repeat: what an earlier run imported is skipped. It prints a summary per
WHMCS table (imported, skipped as imported before, not imported) with the reasons, and with
``--json FILE`` writes the whole report there.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hostledger.core.errors import DomainError
from hostledger.flows.whmcs_import import whmcs_import
from hostledger.imports.whmcs import ConnectionSettings, WhmcsDatabase

PASSWORD_VARIABLE = "HOSTLEDGER_WHMCS_PASSWORD"


def product_choice(text: str) -> tuple[int, str]:
    product, separator, code = text.partition("=")
    if not separator or not product.strip().isdigit() or not code.strip():
        raise CommandError(f"--product {text}: give WHMCS_PRODUCT_ID=TARIFF_CODE, e.g. 12=vps-s.")
    return int(product), code.strip()


class Command(BaseCommand):
    help = "Import clients, services, invoices, payments and tickets from another system."

    def add_arguments(self, parser):
        sources = parser.add_subparsers(dest="source", required=True)
        whmcs = sources.add_parser("whmcs", help="import from a WHMCS database (MySQL/MariaDB)")
        whmcs.add_argument("url", help="mysql://user[:password]@host[:port]/database")
        whmcs.add_argument(
            "--product",
            action="append",
            default=[],
            metavar="ID=TARIFF_CODE",
            help="import WHMCS product ID as the existing tariff TARIFF_CODE (repeatable)",
        )
        whmcs.add_argument("--json", type=Path, help="write the full report to this file")

    def handle(self, *args, **options):
        chosen = dict(product_choice(text) for text in options["product"])
        try:
            settings = ConnectionSettings.from_url(
                options["url"], password=os.environ.get(PASSWORD_VARIABLE, "")
            )
            with WhmcsDatabase(settings) as database:
                run, report = whmcs_import(database=database, product_tariffs=chosen)
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"WHMCS import from {settings.label}, run {run.pk}:")
        self.stdout.write(report.text())
        if options["json"]:
            options["json"].write_text(json.dumps(report.as_dict(), indent=2) + "\n")
            self.stdout.write(f"Full report in {options['json']}.")
