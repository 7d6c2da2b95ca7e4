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


@task()
def hand_operations_to_workers(operation_ids: list[int]) -> dict:
    """Hand many queued module calls to the workers, one task each. The billing run queues
    thousands of calls in one statement and enqueues only this task, so dispatching them
    costs the run nothing; a call handed twice still runs once (it is claimed)."""
    from hostledger.provisioning.actions import _hand_to_worker
    from hostledger.provisioning.models import ProvisioningOperation

    waiting = ProvisioningOperation.objects.filter(
        pk__in=operation_ids, handed_to_worker_at__isnull=True
    ).values_list("pk", flat=True)
    handed = 0
    for operation_id in waiting.order_by("pk"):
        _hand_to_worker(operation_id)
        handed += 1
    return {"handed": handed}
