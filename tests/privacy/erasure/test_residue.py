"""After an erasure, nothing identifies the client anywhere HostLedger keeps data (GDPR-04,
GDPR-11, GDPR-14): every text and binary column of every table searched with plain SQL, with
everything the configured keys can still open decrypted and base64 and compressed values
decoded (tests/privacy/residue.py); and a backup taken before the erasure, restored, after
the erasure log was replayed. The login e-mail, kept in clear for sign-in look-ups (decision
0001), is searched too: erasure replaces it.

The only rows allowed to name the client are those the law makes HostLedger keep: they are
listed in the erasure report, restricted, and under the field keys so that they stay readable
until their term ends.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.management import call_command

from hostledger.core.audit import verify_audit_chain
from hostledger.flows.privacy_erasure import client_erase
from hostledger.privacy.backups import backup_create
from hostledger.privacy.models import ErasureHold, ErasureReport
from hostledger.privacy.selectors import client_is_restricted
from tests.privacy.erasure.conftest import (
    CONTACT_EMAIL,
    CONTACT_NAME,
    MARKERS,
    PAYER_NAME,
    build_rich_client,
)
from tests.privacy.residue import search_database


def _identifying_strings(client) -> list[str]:
    return [
        MARKERS["first_name"],
        MARKERS["last_name"],
        MARKERS["street"],
        MARKERS["phone"],
        PAYER_NAME,
        CONTACT_NAME,
        CONTACT_EMAIL,
        client.owner.email,
        "kristjan@example.org",  # the payer's invoice address
    ]


def _held_tables(client) -> set[str]:
    labels = set(ErasureHold.objects.filter(client=client).values_list("model_label", flat=True))
    tables = set()
    for label in labels:
        model = apps.get_model(label)
        tables.add(model._meta.db_table)
        history = getattr(model, "history", None)
        if history is not None:
            tables.add(history.model._meta.db_table)
    return tables


@pytest.mark.django_db(transaction=True)
def test_nothing_identifies_an_erased_client_outside_the_held_rows__GDPR_04_GDPR_11(
    time_machine, django_capture_on_commit_callbacks
):
    rich = build_rich_client(time_machine, django_capture_on_commit_callbacks)
    client = rich.client
    needles = _identifying_strings(client)
    assert search_database(needles), "the scan finds the client before the erasure"

    with django_capture_on_commit_callbacks(execute=True):
        report = client_erase(client=client, actor=rich.staff)

    held = _held_tables(client)
    found = [item for item in search_database(needles) if item.where.split(".")[0] not in held]
    assert found == [], "\n".join(str(item) for item in found)
    # What is held is listed in the report, restricted, and readable until its term ends.
    assert held and client_is_restricted(client)
    reported = {item["model_label"] for item in report.items if item["action"] == "hold"}
    assert {hold.model_label for hold in ErasureHold.objects.filter(client=client)} <= reported
    assert verify_audit_chain() == []


@pytest.mark.django_db(transaction=True)
def test_a_backup_taken_before_the_erasure_comes_back_erased__GDPR_14_GDPR_04(
    time_machine, django_capture_on_commit_callbacks, tmp_path
):
    """The backup still holds the client; restored, the erasure log makes the erasure again,
    and the client's subject key, destroyed, opens none of the values the copy kept."""
    rich = build_rich_client(time_machine, django_capture_on_commit_callbacks)
    client = rich.client
    needles = _identifying_strings(client)
    backup = backup_create(directory=tmp_path)

    with django_capture_on_commit_callbacks(execute=True):
        client_erase(client=client, actor=rich.staff)
    held = _held_tables(client)

    call_command("restore", str(backup.path), "--force", stdout=None, stderr=None)

    assert ErasureReport.objects.filter(client_id=client.pk).exists()
    found = [item for item in search_database(needles) if item.where.split(".")[0] not in held]
    assert found == [], "\n".join(str(item) for item in found)
