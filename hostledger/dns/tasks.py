"""The background task that sends one push of a zone to PowerDNS (PRV-02).

The database task backend stores a task by its import path, so this module's path is part
of the queue's data: keep the function where it is.
"""

from __future__ import annotations

from django.tasks import task


@task()
def run_zone_push(push_id: int) -> dict:
    """Send the queued push ``push_id`` and report how it ended."""
    # The actions import this module to enqueue the task: importing them at the top would
    # be a cycle.
    from hostledger.dns.actions.pushes import zone_push_run

    push = zone_push_run(push_id=push_id)
    return {"push": push_id, "status": push.status if push is not None else "skipped"}
