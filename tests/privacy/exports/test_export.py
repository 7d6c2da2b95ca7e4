"""Exports of a client's personal data, built from the declarations alone (GDPR-02, GDPR-01)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from hostledger.accounts.models import Client
from hostledger.core import personal_data as registry
from hostledger.core.errors import DomainError, NotFound
from hostledger.core.models import AuditEvent
from hostledger.core.personal_data import (
    Category,
    LegalBasis,
    Personal,
    Retention,
    Subject,
    declare,
)
from hostledger.core.registry import provider_setting_change
from hostledger.ledger.models import ClientPaymentReference
from hostledger.privacy.export import export_assets
from hostledger.privacy.export_build import exports_dir, personal_data_export_build
from hostledger.privacy.exports import (
    personal_data_export_open,
    personal_data_export_start,
    personal_data_exports_expire,
)
from hostledger.privacy.models import PersonalDataExport
from hostledger.privacy.portable import PersonalDataDocument
from hostledger.privacy.sealed_files import SealedFileError, read_sealed
from tests.privacy.export_helpers import (
    BUILD_TASK,
    built_export,
    csv_rows,
    export_document,
    export_zip,
    records_of,
    sealed_bytes,
)
from tests.queued_tasks import run_queued_tasks

Status = PersonalDataExport.Status


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2027, 3, 1, 10, 0, tzinfo=UTC),
        datetime(2027, 3, 1, 10, 0, 5, 120, tzinfo=UTC),
        datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    ],
)
def test_moments_are_written_as_isoformat_on_every_database__GDPR_02(client_a, owner_a, moment):
    """The database writes the client's own datetimes as text (no parsing in Python); the
    text is what ``isoformat()`` gives, microseconds only when there are some."""
    Client.objects.filter(pk=client_a.pk).update(age_declared_at=moment)

    archive = export_zip(built_export(client_a, owner_a))

    client_rows = csv_rows(archive, "accounts.client.csv")
    assert client_rows[1][client_rows[0].index("age_declared_at")] == moment.isoformat()
    client_asset = next(
        item for item in export_document(archive)["assets"] if item["asset"] == "accounts.client"
    )
    assert records_of(client_asset)[0]["age_declared_at"] == moment.isoformat()


def test_export_holds_one_csv_per_asset_and_the_described_json__GDPR_02(
    client_a, owner_a, payer_a, contact_a, client_b
):
    export = built_export(client_a, owner_a)

    assert export.status == Status.READY
    archive = export_zip(export)
    names = set(archive.namelist())
    assert {asset.file_name for asset in export_assets()} | {"personal-data.json"} == names
    client_rows = csv_rows(archive, "accounts.client.csv")
    assert client_rows[0][:4] == ["id", "owner", "kind", "first_name"]
    assert client_rows[1][:5] == [client_a.public_id, owner_a.public_id, "natural", "Anna", "Tamm"]
    assert len(client_rows) == 2
    contact_rows = csv_rows(archive, "accounts.contact.csv")
    assert contact_rows[1][:5] == [
        contact_a.public_id,
        "technical",
        "Tiit Tehnik",
        "tiit@example.com",
        "",
    ]

    document = export_document(archive)
    PersonalDataDocument.model_validate(document)
    assert document["subject"] == {"client": client_a.public_id, "user": owner_a.public_id}
    client_asset = next(item for item in document["assets"] if item["asset"] == "accounts.client")
    first_name = next(f for f in client_asset["personal_fields"] if f["field"] == "first_name")
    assert first_name == {
        "field": "first_name",
        "stored_in": {"table": "accounts_client", "column": "first_name"},
        "category": "identity",
        "purpose": "operating the client's account and contract",
        "legal_basis": "contract",
        "recipients": "The provider's staff; the provider's accountants and auditors.",
        "retention": {
            "rule": "account_lifetime",
            "description": "As long as the account exists; erased or anonymised on erasure.",
        },
        "encrypted_at_rest": True,
        "value_withheld": None,
    }
    record = records_of(client_asset)[0]
    assert record["first_name"] == "Anna"
    assert record["created_at"] == client_a.created_at.isoformat()
    assert record["age_declared_at"] == client_a.age_declared_at.isoformat()
    assert record["id"] == client_a.public_id
    payer_record = next(a for a in document["assets"] if a["asset"] == "accounts.payer")
    assert records_of(payer_record)[0]["is_default"] is True
    assert records_of(payer_record)[0]["archived_at"] is None
    created = client_rows[0].index("created_at")
    assert client_rows[1][created] == client_a.created_at.isoformat()
    assert client_asset["row_count"] == 1
    assert document["row_counts"]["accounts.client"] == 1
    assert document["portable"]["profile"]["email"] == "anna@example.com"
    assert document["portable"]["contacts"] == [
        {"role": "technical", "name": "Tiit Tehnik", "email": "tiit@example.com", "phone": ""}
    ]
    assert [payer["name"] for payer in document["portable"]["payers"]] == ["Anna Tamm"]


def test_export_holds_nothing_of_another_client__GDPR_02(client_a, owner_a, client_b):
    export = built_export(client_a, owner_a)

    archive = export_zip(export)
    everything = b"".join(archive.read(name) for name in archive.namelist())
    assert b"Anna" in everything
    assert b"Bert" not in everything
    assert client_b.public_id.encode() not in everything


def test_credentials_are_listed_but_their_values_withheld__GDPR_02(client_a, owner_a):
    owner_a.set_password("correct horse battery staple")
    owner_a.save()

    archive = export_zip(built_export(client_a, owner_a))

    everything = b"".join(archive.read(name) for name in archive.namelist())
    assert owner_a.password.encode() not in everything
    assert "password" not in csv_rows(archive, "accounts.user.csv")[0]
    user_asset = next(
        item for item in export_document(archive)["assets"] if item["asset"] == "accounts.user"
    )
    password = next(f for f in user_asset["personal_fields"] if f["field"] == "password")
    assert password["value_withheld"] == "a password hash is a credential, not information"
    assert "password" not in user_asset["columns"]


def test_a_newly_declared_field_is_exported_without_code_changes__GDPR_02_GDPR_01(
    client_a, owner_a
):
    """ledger.ClientPaymentReference holds nothing personal as declared; declaring its
    reference number personal (with a subject) puts it in the CSV and the JSON."""
    reference = ClientPaymentReference.objects.get(client=client_a)
    label = "ledger.clientpaymentreference"
    saved_fields = dict(registry._DECLARATIONS[label])
    saved_subject = registry._SUBJECTS.get(label)
    assert (
        "ledger.clientpaymentreference.csv"
        not in export_zip(built_export(client_a, owner_a)).namelist()
    )
    try:
        declare(
            "ledger.ClientPaymentReference",
            {
                "reference_number": Personal(
                    Category.BILLING,
                    "matching the client's bank transfers",
                    LegalBasis.CONTRACT,
                    Retention.BILLING_RECORDS,
                )
            },
            subject=Subject(client="client"),
        )
        archive = export_zip(built_export(client_a, owner_a))
    finally:
        registry._DECLARATIONS[label] = saved_fields
        if saved_subject is None:
            registry._SUBJECTS.pop(label, None)
        else:
            registry._SUBJECTS[label] = saved_subject

    rows = csv_rows(archive, "ledger.clientpaymentreference.csv")
    column = rows[0].index("reference_number")
    assert rows[1][column] == reference.reference_number
    asset = next(
        item
        for item in export_document(archive)["assets"]
        if item["asset"] == "ledger.clientpaymentreference"
    )
    assert [
        (f["field"], f["category"], f["stored_in"]["column"]) for f in asset["personal_fields"]
    ] == [("reference_number", "billing", "reference_number")]
    assert records_of(asset)[0]["reference_number"] == reference.reference_number


def test_export_file_is_encrypted_at_rest__GDPR_02_GDPR_11(client_a, owner_a):
    export = built_export(client_a, owner_a)

    stored = sealed_bytes(export)
    assert stored.startswith(b"HLSF1")
    assert b"PK\x03\x04" not in stored
    assert b"Anna" not in stored and b"anna@example.com" not in stored
    assert export.file_key and export.file_key not in stored.decode("latin-1")
    path = exports_dir() / export.file_path
    with pytest.raises(SealedFileError):
        b"".join(read_sealed(path, "A" * 43 + "="))
    tampered = bytearray(stored)
    tampered[-5] ^= 1
    path.write_bytes(bytes(tampered))
    with pytest.raises(SealedFileError):
        b"".join(read_sealed(path, export.file_key))


def test_export_is_built_once_and_a_second_start_returns_the_running_one__GDPR_02(
    client_a, owner_a
):
    first = personal_data_export_start(client=client_a, requested_by=owner_a)
    second = personal_data_export_start(client=client_a, requested_by=owner_a)

    assert second.pk == first.pk
    assert first.public_id.startswith("exp_")
    assert first.status == Status.QUEUED
    assert run_queued_tasks(BUILD_TASK) == 1
    assert personal_data_export_build(export_id=first.pk) is None  # delivered twice: no-op
    first.refresh_from_db()
    assert first.status == Status.READY
    assert first.progress_done == first.progress_total == sum(first.row_counts.values())
    assert first.expires_at == first.finished_at + timedelta(days=7)
    assert list(
        AuditEvent.objects.filter(object_id=first.public_id).values_list("action", flat=True)
    ) == ["personal_data_export.requested", "personal_data_export.built"]


def test_only_the_subject_opens_the_export_and_each_download_is_audited__GDPR_02_GDPR_12(
    client_a, owner_a, readonly_user, owner_b
):
    export = built_export(client_a, owner_a)

    for stranger in (readonly_user, owner_b, None):
        with pytest.raises(NotFound):
            personal_data_export_open(export=export, actor=stranger)
    export.refresh_from_db()
    assert export.downloads == 0
    b"".join(personal_data_export_open(export=export, actor=owner_a))
    export.refresh_from_db()
    assert export.downloads == 1
    downloads = AuditEvent.objects.filter(action="personal_data_export.downloaded")
    assert list(downloads.values_list("actor_id", "object_id", "subject_client_id")) == [
        (owner_a.pk, export.public_id, client_a.pk)
    ]


def test_expired_exports_are_deleted_and_refused__GDPR_02(client_a, owner_a, settings):
    export = built_export(client_a, owner_a)
    path = exports_dir() / export.file_path
    assert path.exists()

    assert personal_data_exports_expire(now=export.expires_at - timedelta(seconds=1)) == 0
    assert path.exists()
    assert personal_data_exports_expire(now=export.expires_at) == 1

    export.refresh_from_db()
    assert export.status == Status.EXPIRED
    assert export.file_key == "" and export.file_path == ""
    assert not path.exists()
    assert list(exports_dir().iterdir()) == []
    with pytest.raises(DomainError) as refused:
        personal_data_export_open(export=export, actor=owner_a)
    assert refused.value.code == "export_not_ready"
    assert personal_data_exports_expire(now=timezone.now() + timedelta(days=30)) == 0


def test_link_lifetime_is_a_provider_setting__GDPR_02(client_a, owner_a):
    provider_setting_change(key="privacy.export_link_days", raw_value="2", reason="test")

    export = built_export(client_a, owner_a)

    assert export.expires_at == export.finished_at + timedelta(days=2)


def test_a_failed_build_leaves_no_file_and_says_so__GDPR_02(client_a, owner_a, monkeypatch):
    export = personal_data_export_start(client=client_a, requested_by=owner_a)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("hostledger.privacy.export_build.write_export", broken)
    personal_data_export_build(export_id=export.pk)

    export.refresh_from_db()
    assert export.status == Status.FAILED
    assert export.error == "RuntimeError: disk full"
    assert export.file_key == "" and export.file_path == ""
    assert list(exports_dir().iterdir()) == []
