"""The data migration that gives clients registered before references their own (BIL-06)."""

from __future__ import annotations

import importlib

from django.apps import apps as installed_apps

from hostledger.core.registry import provider_setting_change
from hostledger.ledger.actions import client_payment_reference_ensure
from hostledger.ledger.models import ClientPaymentReference
from hostledger.ledger.references import creditor_reference_from_base, reference_number_from_base
from tests.ledger.conftest import new_client

migration = importlib.import_module(
    "hostledger.ledger.migrations.0004_refs_client_payment_references"
)


def test_existing_clients_get_the_reference_registration_would_give__BIL_06(db, monkeypatch):
    monkeypatch.setattr(migration, "BATCH_SIZE", 2)  # several batches over five clients
    provider_setting_change(key="ledger.reference_number_prefix", raw_value="55")
    clients = [new_client() for _ in range(5)]
    already = client_payment_reference_ensure(client=clients[1])
    given_before = (already.reference_number, already.creditor_reference)

    migration.give_existing_clients_references(installed_apps, None)

    for client in clients:
        reference = ClientPaymentReference.objects.get(client=client)
        number = reference_number_from_base(f"55{client.pk}")
        assert (reference.reference_number, reference.creditor_reference) == (
            number,
            creditor_reference_from_base(number),
        )
    already.refresh_from_db()
    assert (already.reference_number, already.creditor_reference) == given_before
    # What registration makes later is what the migration made.
    assert client_payment_reference_ensure(client=clients[3]) == ClientPaymentReference.objects.get(
        client=clients[3]
    )


def test_running_the_migration_again_changes_nothing__BIL_06(db):
    clients = [new_client() for _ in range(3)]
    migration.give_existing_clients_references(installed_apps, None)
    before = sorted(
        ClientPaymentReference.objects.values_list("pk", "client_id", "reference_number")
    )

    migration.give_existing_clients_references(installed_apps, None)

    assert (
        sorted(ClientPaymentReference.objects.values_list("pk", "client_id", "reference_number"))
        == before
    )
    assert len(before) == len(clients)
