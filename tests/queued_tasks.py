"""Running the tasks a test enqueued on the database task backend, in the test's transaction.

A test that uses ``db`` never commits, so no worker could see its task rows. This does what the
worker does with each ready row (``hostledger worker``): claim it, call the task, store the
outcome; tests that need the worker's own transactions use ``hostledger worker --batch`` with
``transactional_db`` instead (tests/core/test_jobs.py).
"""

from __future__ import annotations

from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult


def run_queued_tasks(task_path: str | None = None) -> int:
    """Run every ready task (of ``task_path`` if given), oldest first; return how many ran."""
    ready = DBTaskResult.objects.filter(status=TaskResultStatus.READY).order_by("enqueued_at")
    if task_path:
        ready = ready.filter(task_path=task_path)
    ran = 0
    for row in ready:
        row.claim("test")
        arguments = row.args_kwargs
        row.set_successful(row.task.call(*arguments["args"], **arguments["kwargs"]))
        ran += 1
    return ran
