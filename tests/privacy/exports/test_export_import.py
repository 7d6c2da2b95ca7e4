"""The export's JSON document imported back into a HostLedger (GDPR-02, seed 000: "export or
import of data"): schema checked, existing data refused, one transaction."""

from __future__ import annotations

import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from hostledger.accounts.models import Client, Contact, Payer, User
from hostledger.core.errors import DomainError
from hostledger.flows.personal_data_import import personal_data_import
from hostledger.notifications.actions import channel_preference_set
from hostledger.notifications.models import ChannelPreference
from tests.privacy.export_helpers import built_export, export_zip
from tests.web.conftest import login


def exported_document(client, owner) -> dict:
    return json.loads(export_zip(built_export(client, owner)).read("personal-data.json"))


def counts() -> dict:
    return {
        "users": User.objects.count(),
        "clients": Client.objects.count(),
        "payers": Payer.objects.count(),
        "contacts": Contact.objects.count(),
        "preferences": ChannelPreference.objects.count(),
    }


def test_an_export_imports_as_a_new_client_with_its_portable_data__GDPR_02(
    client_a, owner_a, contact_a
):
    channel_preference_set(client=client_a, channel="sms", category="billing", enabled=True)
    document = exported_document(client_a, owner_a)
    document["portable"]["profile"]["email"] = "anna@new-provider.example"

    imported = personal_data_import(content=json.dumps(document))

    assert imported.pk != client_a.pk
    assert imported.owner.email == "anna@new-provider.example"
    assert not imported.owner.has_usable_password()
    assert (imported.kind, imported.first_name, imported.last_name, imported.city) == (
        "natural",
        "Anna",
        "Tamm",
        "Tallinn",
    )
    assert imported.phone == client_a.phone
    assert [(p.name, p.street, p.is_default) for p in imported.payers.all()] == [
        ("Anna Tamm", "Ahtri 12", True)
    ]
    assert [(c.role, c.name, c.email) for c in imported.contacts.all()] == [
        ("technical", "Tiit Tehnik", "tiit@example.com")
    ]
    assert list(
        ChannelPreference.objects.filter(client=imported).values_list(
            "channel", "category", "enabled"
        )
    ) == [("sms", "billing", True)]


def test_import_refuses_an_email_that_exists_and_stores_nothing__GDPR_02(client_a, owner_a):
    document = exported_document(client_a, owner_a)
    before = counts()

    with pytest.raises(DomainError) as refused:
        personal_data_import(content=json.dumps(document))

    assert refused.value.code == "already_exists"
    assert refused.value.fields == {"profile.email": "already exists"}
    assert counts() == before


def test_import_checks_the_schema_and_names_the_field__GDPR_02(client_a, owner_a):
    document = exported_document(client_a, owner_a)
    document["portable"]["profile"]["email"] = "new@example.com"
    document["portable"]["payers"][0]["kind"] = "robot"
    before = counts()

    with pytest.raises(DomainError) as refused:
        personal_data_import(content=json.dumps(document))

    assert refused.value.code == "invalid_input"
    assert list(refused.value.fields) == ["portable.payers.0.kind"]
    assert refused.value.message.startswith("portable.payers.0.kind: ")
    with pytest.raises(DomainError) as not_json:
        personal_data_import(content=b"{ not a document")
    assert not_json.value.fields == {"file": "not JSON"}
    with pytest.raises(DomainError) as not_zip:
        personal_data_import(content=b"PK\x03\x04 not a ZIP")
    assert not_zip.value.fields == {"file": "not an export"}
    assert counts() == before


def test_a_refused_payer_rolls_back_the_whole_import__GDPR_02(client_a, owner_a):
    document = exported_document(client_a, owner_a)
    document["portable"]["profile"]["email"] = "new@example.com"
    document["portable"]["payers"][0]["country"] = "XX"
    before = counts()

    with pytest.raises(DomainError) as refused:
        personal_data_import(content=json.dumps(document))

    assert refused.value.message.startswith("portable.payers.0: ")
    assert counts() == before


def test_command_imports_a_zip__GDPR_02(client_a, owner_a, tmp_path, capsys):
    export = built_export(client_a, owner_a)
    archive = export_zip(export)
    document = json.loads(archive.read("personal-data.json"))
    document["portable"]["profile"]["email"] = "anna@elsewhere.example"
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as target:
        target.writestr("personal-data.json", json.dumps(document))

    call_command("privacy", "import", str(path))

    assert "Imported client cli_" in capsys.readouterr().out
    assert User.objects.filter(email="anna@elsewhere.example").exists()
    with pytest.raises(CommandError, match="already exists"):
        call_command("privacy", "import", str(path))


def test_staff_import_page_makes_the_client__GDPR_02(client, client_a, owner_a, staff):
    document = exported_document(client_a, owner_a)
    document["portable"]["profile"]["email"] = "anna@moved.example"
    officer = staff("privacy_officer")
    upload = SimpleUploadedFile(
        "export.json", json.dumps(document).encode(), content_type="application/json"
    )

    response = login(client, officer).post(
        reverse("web:staff_personal_data_import"), {"file": upload}
    )

    imported = Client.objects.get(owner__email="anna@moved.example")
    assert response.status_code == 302
    assert response["Location"] == reverse("web:staff_client_detail", args=[imported.public_id])
    refused = login(client, officer).post(
        reverse("web:staff_personal_data_import"),
        {"file": SimpleUploadedFile("export.json", json.dumps(document).encode())},
    )
    assert refused.status_code == 400
    assert b"already exists here" in refused.content
