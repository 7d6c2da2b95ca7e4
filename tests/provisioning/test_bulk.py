"""The set-based queueing of module calls keeps the invariants of its one-row twin
(``provisioning_operation_queue``): one call per (service, key), queued with no attempt, and
a task for each new call enqueued in the same transaction (PRV-02)."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.utils import timezone

from hostledger.provisioning.actions import provisioning_operation_queue
from hostledger.provisioning.bulk import operations_hand_over, operations_queue_select
from hostledger.provisioning.models import ProvisioningOperation
from hostledger.subscriptions.models import Service
from tests.subscriptions.factories import fund

pytestmark = pytest.mark.django_db

SERVICE = Service._meta.db_table


def _queue_for(service_ids: list[int], stamp) -> int:
    placeholders = ", ".join(["%s"] * len(service_ids))
    return operations_queue_select(
        operation="reboot",
        key_sql="%s",
        key_params=["reboot:bulk"],
        changes_sql="CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s",
        changes_params=["{}"],
        source_sql=f"FROM {SERVICE} s WHERE s.id IN ({placeholders})",
        source_params=service_ids,
        stamp=stamp,
    )


def test_bulk_queueing_matches_the_one_row_queue__PRV_02(
    place, client_record, django_capture_on_commit_callbacks
):
    fund(client_record, "30.00")
    first = place().service
    second = place().service
    with transaction.atomic():
        one_row = provisioning_operation_queue(service=first, operation="reboot", key="reboot:bulk")
    stamp = timezone.now()
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        assert _queue_for([first.pk, second.pk], stamp) == 1  # first already has the key
        with connection.cursor() as cursor:
            cursor.execute("CREATE TEMPORARY TABLE bulk_services (service_id integer)")
            cursor.execute("INSERT INTO bulk_services VALUES (%s), (%s)", [first.pk, second.pk])
        assert operations_hand_over(services_table="bulk_services", stamp=stamp) == 1
    assert callbacks  # the task is enqueued on commit, with the write
    calls = ProvisioningOperation.objects.filter(key="reboot:bulk").order_by("service_id")
    assert [call.service_id for call in calls] == [first.pk, second.pk]
    bulk = calls.get(service=second)
    assert (bulk.status, bulk.attempts, bulk.module_name, bulk.changes) == (
        one_row.status,
        0,
        second.module_name,
        {},
    )
    assert bulk.public_id.startswith("pop_")
    assert _queue_for([first.pk, second.pk], timezone.now()) == 0  # delivered again: nothing
