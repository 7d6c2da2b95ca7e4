"""The ``hostledger`` console command.

``hostledger run`` serves the web application with a worker and the scheduler; every other
word is a Django management command (``worker``, ``scheduler``, ``demo``, ``createstaff``,
``token``, ``audit``, ``rotate-keys``, ``backup``, ``restore``, ``import`` are HostLedger's
own; ``migrate``, ``shell`` and the rest are Django's). ``hostledger`` alone prints a short
usage.
"""

from __future__ import annotations

import os
import sys

# Spellings accepted on the command line for management commands with another name.
ALIASES = {
    "rotate-keys": "rotate_keys",
    "create-staff": "createstaff",
    "billing-run": "billing_run",
    "mail-in": "mail_in",
}

USAGE = """\
Usage: hostledger <command> [options]

HostLedger's commands:
  run           migrate, then serve the site with a worker and the scheduler
                (HOSTLEDGER_BIND, default 127.0.0.1:8000)
  worker        run queued background tasks and job runs (--batch: run what is queued, exit)
  scheduler     queue periodic jobs when they are due (--once: one pass)
  demo          load demonstration data
  createstaff   create a staff account
  token         manage API tokens
  audit         verify the audit trail
  ledger        verify that every cached balance equals the sum of its entries
  billing-run   run the billing run now (--as-of TIMESTAMP: as of that moment)
  rotate-keys   re-encrypt personal data with the newest key
  backup        take an encrypted backup and prune old ones (verify FILE: check one)
  restore       restore a backup into a fresh database and replay later erasures
  mail-in       support mail in: one message on standard input (from an MTA), or
                --smtp HOST:PORT to run the SMTP receiver
  import        move in from another system: `import whmcs mysql://user@host/db`
                imports WHMCS clients, services, invoices, payments and tickets;
                safe to repeat
  privacy       personal data: `privacy import FILE` makes a client from another
                HostLedger's export

Django's commands (migrate, shell, check, ...) work too; `hostledger help` lists them all
and `hostledger help <command>` describes one.
"""


def translate(argv: list[str]) -> list[str]:
    """Replace an alias in the command position with the management command's name."""
    argv = list(argv)
    if len(argv) > 1:
        argv[1] = ALIASES.get(argv[1], argv[1])
    return argv


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``hostledger`` console script."""
    argv = list(sys.argv if argv is None else argv)
    if len(argv) < 2:
        sys.stdout.write(USAGE)
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(translate(argv))


if __name__ == "__main__":
    main(["hostledger", *sys.argv[1:]])
