# ruff: noqa: S608 - table names come from model metadata and every value is a parameter
"""Set-based writes of provisioning, for the billing run (PRV-02).

Module calls queued for many services in one statement: the twin of
:func:`hostledger.provisioning.actions.provisioning_operation_queue`, with the same invariants:
one call per (service, key), ``queued`` with no attempt yet, and a task to carry the calls out
enqueued in the caller's transaction, so a process killed right after the COMMIT leaves no
call without its task.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

from hostledger.core.jobs import enqueue_in_transaction
from hostledger.notifications.bulk import random_public_id_sql
from hostledger.provisioning.models import ProvisioningOperation
from hostledger.provisioning.tasks import hand_operations_to_workers

OPERATION = ProvisioningOperation._meta.db_table


def operations_queue_select(
    *,
    operation: str,
    key_sql: str,
    changes_sql: str,
    source_sql: str,
    stamp,
    key_params: Sequence = (),
    changes_params: Sequence = (),
    source_params: Sequence = (),
) -> int:
    """Queue one call of ``operation`` for each row of ``source_sql`` (a ``FROM … WHERE …``
    clause in which the service is aliased ``s``), keyed by ``key_sql`` and carrying
    ``changes_sql`` (a JSON object); a (service, key) already queued is left alone. The calls
    are created at ``stamp``. Returns how many are new."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {OPERATION} (public_id, service_id, operation, key, module_name,
                changes, status, attempts, message, retry_can_help, created_at, updated_at)
            SELECT {random_public_id_sql("pop_")}, s.id, %s, {key_sql}, s.module_name,
                {changes_sql}, %s, 0, '', false, %s, %s
            {source_sql}
            ON CONFLICT (service_id, key) DO NOTHING
            """,
            [
                operation,
                *key_params,
                *changes_params,
                ProvisioningOperation.Status.QUEUED.value,
                stamp,
                stamp,
                *source_params,
            ],
        )
        return max(cursor.rowcount, 0)


def operations_hand_over(*, services_table: str, stamp, operation: str | None = None) -> int:
    """Enqueue, in the caller's transaction, the task that hands to the workers the calls
    created at ``stamp`` for the services of ``services_table`` (a table with a
    ``service_id`` column) and not handed over yet; of one ``operation`` if given."""
    statement = (
        f"SELECT o.id FROM {OPERATION} o JOIN {services_table} t ON t.service_id = o.service_id "
        "WHERE o.created_at = %s AND o.handed_to_worker_at IS NULL"
    )
    params: list = [stamp]
    if operation is not None:
        statement += " AND o.operation = %s"
        params.append(operation)
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        operation_ids = [row[0] for row in cursor.fetchall()]
    if operation_ids:
        enqueue_in_transaction(hand_operations_to_workers, operation_ids)
    return len(operation_ids)
