"""The register of processors and the record of processing activities (GDPR-09): staff keep
the processors, clients and the public see the active ones, the art. 30 record is built from
the personal-data declarations plus staff's entries and exported as CSV and PDF."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from hostledger.core.errors import DomainError
from hostledger.core.personal_data import personal_fields
from hostledger.privacy.demo import DEMO_PROCESSORS, seed_demo_processors
from hostledger.privacy.models import ProcessingActivity, Processor
from hostledger.privacy.policies import current_policy
from hostledger.privacy.processors import (
    CSV_COLUMNS,
    activity_record_csv,
    activity_record_pdf,
    activity_records,
    processing_activity_save,
    processor_create,
    processor_update,
    purpose_key,
)
from tests.web.conftest import login

ACCEPTANCE = "proof of accepting the terms or the privacy policy (ACC-02)"
COOKIE_CHOICE = "proof of the cookie categories a person allowed, and when (GDPR-13)"


def registrar(**overrides) -> dict:
    data = {
        "name": "P.D.R. Solutions (U.S.) LLC",
        "function": "Domain registrar",
        "country": "US",
        "transfer_safeguard": "scc",
        "agreement_signed_on": date(2026, 5, 4),
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_a_processor_outside_the_eea_needs_a_transfer_safeguard__GDPR_09():
    with pytest.raises(DomainError) as refused:
        processor_create(data=registrar(transfer_safeguard=""))
    assert set(refused.value.fields) == {"transfer_safeguard"}
    assert not Processor.objects.exists()

    processor = processor_create(data=registrar())
    assert (processor.country, processor.transfer_safeguard) == ("US", "scc")
    assert processor.public_id.startswith("prc_")


@pytest.mark.django_db
def test_inside_the_eea_no_safeguard_is_kept__GDPR_09():
    processor = processor_create(
        data=registrar(name="EnVers Group, SIA", country="LV", transfer_safeguard="scc")
    )
    assert processor.transfer_safeguard == ""


@pytest.mark.django_db
def test_bad_fields_are_all_named__GDPR_09():
    with pytest.raises(DomainError) as refused:
        processor_create(data={"name": "", "function": "x" * 201, "country": "XX"})
    assert set(refused.value.fields) == {"name", "function", "country"}


@pytest.mark.django_db
def test_clients_and_the_public_see_the_active_processors__GDPR_09(client, owner_a):
    processor_create(data=registrar())
    retired = processor_create(data=registrar(name="Danesco Trading Ltd.", country="CY"))
    processor_update(
        processor=retired,
        data={**registrar(name="Danesco Trading Ltd.", country="CY"), "is_active": False},
    )

    for http in (client, login(client, owner_a)):
        html = http.get(reverse("web:processors")).content.decode()
        assert '<th scope="row">P.D.R. Solutions (U.S.) LLC</th>' in html
        assert "Standard contractual clauses" in html
        assert "Danesco" not in html


@pytest.mark.django_db
def test_the_record_is_built_from_the_declarations__GDPR_09():
    records = {record.purpose: record for record in activity_records()}

    acceptance = records[ACCEPTANCE]
    assert acceptance.categories == ["consent", "technical"]
    assert acceptance.legal_bases == ["legal_obligation", "legitimate_interest"]
    assert acceptance.retention_rules == ["consent_records"]
    assert acceptance.stored_in == [
        "privacy.PolicyAcceptance.accepted_at",
        "privacy.PolicyAcceptance.ip_address",
    ]
    assert acceptance.controller_contact == "privacy@provider.example"
    assert acceptance.key == purpose_key(ACCEPTANCE)
    assert records[COOKIE_CHOICE].stored_in == [
        "privacy.CookieConsent.categories",
        "privacy.CookieConsent.decided_at",
    ]
    # every declared personal field is in the record, under its purpose
    declared = {
        f"{label}.{name}"
        for label in ("accounts.Client", "accounts.Payer", "privacy.CookieConsent")
        for name in personal_fields(label)
    }
    assert declared <= {field for record in records.values() for field in record.stored_in}


@pytest.mark.django_db
def test_staff_entries_complete_a_purpose_of_the_record__GDPR_09():
    processor = processor_create(data=registrar())
    processing_activity_save(
        purpose=ACCEPTANCE,
        controller_contact="dpo@provider.example",
        data_subjects="Clients and their trusted users",
        recipients="Courts, on request",
        security_measures="Encrypted backups",
        processor_ids=[processor.public_id],
    )

    record = {record.purpose: record for record in activity_records()}[ACCEPTANCE]
    assert record.controller_contact == "dpo@provider.example"
    assert record.data_subjects == "Clients and their trusted users"
    assert record.processors == [processor]

    with pytest.raises(DomainError) as refused:
        processing_activity_save(purpose="selling data", processor_ids=[])
    assert refused.value.fields == {"purpose": "not a declared purpose"}
    with pytest.raises(DomainError) as refused:
        processing_activity_save(purpose=ACCEPTANCE, processor_ids=["prc_0000000000000000"])
    assert set(refused.value.fields) == {"processors"}
    assert ProcessingActivity.objects.get().processors.get() == processor


@pytest.mark.django_db
def test_the_record_exports_as_csv__GDPR_09():
    processor = processor_create(data=registrar())
    processing_activity_save(
        purpose=ACCEPTANCE, recipients="=HYPERLINK(1)", processor_ids=[processor.public_id]
    )

    rows = list(csv.reader(io.StringIO(activity_record_csv(activity_records()))))

    assert tuple(rows[0]) == CSV_COLUMNS
    row = next(row for row in rows[1:] if row[0] == ACCEPTANCE)
    assert row[1:6] == [
        "consent; technical",
        "legal_obligation; legitimate_interest",
        "consent_records",
        "privacy.PolicyAcceptance.accepted_at; privacy.PolicyAcceptance.ip_address",
        "no",
    ]
    assert row[8] == "'=HYPERLINK(1)"  # never a formula in a spreadsheet
    assert row[9] == (
        "P.D.R. Solutions (U.S.) LLC (Domain registrar; US, "
        "Standard contractual clauses (art. 46(2)(c)))"
    )
    assert len(rows) == len(activity_records()) + 1


@pytest.mark.django_db
def test_the_record_exports_as_pdf__GDPR_09():
    processor_create(data=registrar())
    pdf = activity_record_pdf(activity_records(), site_name="HostLedger")
    assert pdf.startswith(b"%PDF-")
    assert len(pdf) > 5_000


@pytest.mark.django_db
def test_staff_pages_download_both_exports__GDPR_09(client, staff):
    login(client, staff("privacy_officer"))

    as_csv = client.get(reverse("web:staff_activities_csv"))
    as_pdf = client.get(reverse("web:staff_activities_pdf"))

    assert as_csv.status_code == 200 and as_csv["Content-Type"] == "text/csv; charset=utf-8"
    assert as_csv["Content-Disposition"].startswith('attachment; filename="processing-activities-')
    assert as_csv.content.decode().startswith("purpose,categories of personal data,")
    assert as_pdf.status_code == 200 and as_pdf.content.startswith(b"%PDF-")


@pytest.mark.django_db
def test_staff_add_a_processor_and_complete_an_activity_in_the_pages__GDPR_09(client, staff):
    login(client, staff("administrator"))

    added = client.post(
        reverse("web:staff_processor_new"),
        {"name": "Stripe Payments Europe, Ltd.", "function": "Card payments", "country": "IE"},
    )
    refused = client.post(
        reverse("web:staff_processor_new"),
        {"name": "Google LLC", "function": "Analytics", "country": "US"},
    )
    processor = Processor.objects.get()
    saved = client.post(
        reverse("web:staff_activity_edit", args=[purpose_key(ACCEPTANCE)]),
        {"data_subjects": "Clients", "processors": [processor.public_id]},
    )

    assert added.status_code == 302
    assert refused.status_code == 400
    assert "outside the EEA needs a transfer safeguard" in refused.content.decode()
    assert saved.status_code == 302
    activity = ProcessingActivity.objects.get()
    assert (activity.purpose, activity.data_subjects) == (ACCEPTANCE, "Clients")
    listing = client.get(reverse("web:staff_activities")).content.decode()
    assert "Stripe Payments Europe, Ltd." in listing
    assert client.get(reverse("web:staff_activity_edit", args=["act_0"])).status_code == 404


@pytest.mark.django_db
def test_the_demo_seeds_the_processors_of_the_source_documents_once__GDPR_09():
    assert seed_demo_processors(signed_on=date(2026, 1, 5)) == len(DEMO_PROCESSORS)
    assert seed_demo_processors(signed_on=date(2026, 1, 5)) == 0
    names = set(Processor.objects.values_list("name", flat=True))
    assert {"EnVers Group, SIA", "P.D.R. Solutions (U.S.) LLC", "ISPsystem LTD"} <= names
    outside = Processor.objects.get(name="P.D.R. Solutions (U.S.) LLC")
    assert outside.transfer_safeguard == "scc"


@pytest.mark.django_db
def test_the_demo_command_publishes_the_texts_and_the_processors__GDPR_09_GDPR_10(
    settings, tmp_path
):
    settings.VAR_DIR = tmp_path
    call_command("demo", stdout=io.StringIO())

    terms = current_policy("terms")
    assert terms.version == "1.0" and "## 7. Term, cancellation and withdrawal" in terms.body
    assert "SmartApe OÜ" in current_policy("privacy").body
    assert Processor.objects.count() == len(DEMO_PROCESSORS)
