"""``hostledger scheduler``: queue periodic jobs when their time slot comes.

Every few seconds it calls :func:`hostledger.core.jobs.schedule_due_jobs`. Running it on
several machines at once is safe: each (job, slot) is queued once. SIGINT and SIGTERM stop it
after the current pass.
"""

from __future__ import annotations

import signal
import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections
from django.utils import timezone

from hostledger.core.jobs import load_jobs, registered_jobs, schedule_due_jobs


class Command(BaseCommand):
    """Queue due periodic jobs in a loop, or once with ``--once``."""

    help = "Queue periodic jobs when their time slot comes (safe to run more than once)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="Run one pass, then exit.")
        parser.add_argument(
            "--interval",
            type=float,
            default=5.0,
            help="Seconds between passes (default: %(default)s).",
        )

    def handle(self, *args, once: bool, interval: float, verbosity: int, **options) -> None:
        load_jobs()
        periodic = [item for item in registered_jobs() if item.is_periodic]
        if verbosity:
            names = ", ".join(item.name for item in periodic) or "none"
            self.stdout.write(f"Scheduler started; periodic jobs: {names}")
        if once:
            self._pass(verbosity)
            return

        self._stopping = False
        previous = {
            number: signal.signal(number, self._stop) for number in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            while not self._stopping:
                self._pass(verbosity)
                deadline = time.monotonic() + interval
                while not self._stopping and time.monotonic() < deadline:
                    time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)
        if verbosity:
            self.stdout.write("Scheduler stopped.")

    def _stop(self, signum, frame) -> None:
        self._stopping = True

    def _pass(self, verbosity: int) -> None:
        """One pass; a database error is reported and the next pass tries again."""
        close_old_connections()
        try:
            created = schedule_due_jobs(timezone.now())
        except DatabaseError as error:
            self.stderr.write(f"Scheduling pass failed, will retry: {error}")
            close_old_connections()
            return
        if verbosity:
            for job_run in created:
                self.stdout.write(
                    f"Queued {job_run.job_name} for slot {job_run.slot:%Y-%m-%d %H:%M} UTC"
                )
