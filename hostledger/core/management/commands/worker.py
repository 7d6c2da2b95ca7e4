"""``hostledger worker``: run queued background tasks, including job runs.

This is the django-tasks-db worker (``db_worker``) with HostLedger's job modules loaded
first; every option of ``db_worker`` applies (``--batch`` to run what is queued and exit,
``--max-tasks``, ``--queue-name``, ``--interval``, ``--no-reload``, ...). Run as many workers
as the load needs; on PostgreSQL they share the queue with SKIP LOCKED.
"""

from __future__ import annotations

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from hostledger.core.jobs import load_jobs


class Command(DatabaseWorkerCommand):
    """The database task worker with every app's jobs registered."""

    help = "Run queued background tasks and job runs (--batch: run what is queued, then exit)."

    def handle(self, *args, **options) -> None:
        load_jobs()
        super().handle(*args, **options)
