"""The background task that runs one module call (PRV-02).

The database task backend stores a task by its import path, so this module's path is part
of the queue's data: keep the function where it is.
"""

from __future__ import annotations

from django.tasks import task


@task()
def run_provisioning_operation(operation_id: int) -> dict:
    """Run the queued module call ``operation_id`` and report how it ended."""
    from hostledger.provisioning.actions import provisioning_operation_run

    operation = provisioning_operation_run(operation_id=operation_id)
    status = operation.status if operation is not None else "skipped"
    return {"operation": operation_id, "status": status}
