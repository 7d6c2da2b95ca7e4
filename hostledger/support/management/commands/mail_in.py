"""``hostledger mail-in``: support mail in (SUP-01).

``hostledger mail-in [--recipient ADDRESS] [--sender ADDRESS] < message`` reads one message
from standard input, as an MTA's pipe delivers it, routes it and prints its outcome. Exit
status 0 when the mail was handled (added, opened, in review, a duplicate or an automatic
mail left alone), 75 (EX_TEMPFAIL: the MTA keeps it and tries again) when it could not be
stored, 73 when it is too large or for no support address (the MTA bounces it).

``hostledger mail-in --smtp 127.0.0.1:2525`` runs the built-in SMTP receiver until stopped.
"""

from __future__ import annotations

import signal
import sys
import threading

from django.core.management.base import BaseCommand, CommandError

from hostledger.core.registry import setting_value
from hostledger.flows.mail_in import MailReceiver, Outcome, mail_receive
from hostledger.support import conf

EX_CANTCREAT = 73
EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "Receive support mail: one message on standard input, or an SMTP receiver."

    def add_arguments(self, parser):
        parser.add_argument("--smtp", metavar="HOST:PORT", help="run the SMTP receiver")
        parser.add_argument(
            "--recipient", action="append", default=[], help="envelope recipient (repeatable)"
        )
        parser.add_argument("--sender", default=None, help="envelope sender")

    def handle(self, *args, **options):
        if options["smtp"]:
            return self._serve(options["smtp"])
        limit = setting_value(conf.MAIL_MAX_BYTES)
        raw = sys.stdin.buffer.read(limit + 1)
        try:
            outcome = mail_receive(
                raw, recipients=options["recipient"] or None, envelope_sender=options["sender"]
            )
        except Exception as error:  # the MTA keeps the mail and tries again
            self.stderr.write(f"mail-in: could not store the message: {error}")
            sys.exit(EX_TEMPFAIL)
        self.stdout.write(str(outcome))
        if outcome.outcome in (Outcome.TOO_LARGE, Outcome.NO_ROUTE):
            sys.exit(EX_CANTCREAT)
        return None

    def _serve(self, where: str) -> None:
        host, _, port = where.rpartition(":")
        if not host or not port.isdigit():
            raise CommandError("--smtp takes HOST:PORT, for example 127.0.0.1:2525")
        receiver = MailReceiver(host=host, port=int(port))
        receiver.start()
        self.stdout.write(f"Receiving support mail by SMTP on {host}:{receiver.port}")
        stopped = threading.Event()
        for sign in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sign, lambda *_: stopped.set())
        stopped.wait()
        receiver.stop()
