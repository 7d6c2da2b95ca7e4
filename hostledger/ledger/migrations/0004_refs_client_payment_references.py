"""Give every existing client its payment reference (BIL-06).

Clients registered before references were made at registration have none, so their bank
transfers could not be matched. References are made exactly as
``client_payment_reference_ensure`` makes them (the prefix in force, the client's row id, the
7-3-1 check digit; the RF creditor reference on the same digits), in batches, and only for
clients that have none: running it again changes nothing.
"""

from django.db import migrations

from hostledger.core.registry import get_declaration
from hostledger.ledger.conf import REFERENCE_NUMBER_PREFIX
from hostledger.ledger.references import creditor_reference_from_base, reference_number_from_base

BATCH_SIZE = 2000


def _prefix(apps) -> str:
    stored = (
        apps.get_model("core", "ProviderSettingValue")
        .objects.filter(key=REFERENCE_NUMBER_PREFIX)
        .values_list("value", flat=True)
        .first()
    )
    if stored is None:
        stored = get_declaration(REFERENCE_NUMBER_PREFIX).default
    prefix = str(stored or "").strip()
    if prefix and not (prefix.isascii() and prefix.isdigit()):
        raise ValueError(f"{REFERENCE_NUMBER_PREFIX} must be digits, not {prefix!r}.")
    return prefix


def give_existing_clients_references(apps, schema_editor):
    Client = apps.get_model("accounts", "Client")
    ClientPaymentReference = apps.get_model("ledger", "ClientPaymentReference")
    prefix = _prefix(apps)
    last_pk = 0
    while True:
        batch = list(
            Client.objects.filter(pk__gt=last_pk, payment_reference__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH_SIZE]
        )
        if not batch:
            return
        references = []
        for client_pk in batch:
            number = reference_number_from_base(f"{prefix}{client_pk}")
            references.append(
                ClientPaymentReference(
                    client_id=client_pk,
                    reference_number=number,
                    creditor_reference=creditor_reference_from_base(number),
                )
            )
        ClientPaymentReference.objects.bulk_create(references)
        last_pk = batch[-1]


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_verificationrequest"),
        ("core", "0001_initial"),
        ("ledger", "0003_ledgertransaction_ledger_txn_not_charge_idx"),
    ]

    operations = [
        migrations.RunPython(give_existing_clients_references, migrations.RunPython.noop),
    ]
