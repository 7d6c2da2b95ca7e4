"""The abuse desk's personal data (ABU-01, GDPR-01, GDPR-04, GDPR-06): every field of its
tables is declared, the personal text is encrypted at rest under the client's key, a
client's cases are in the client's export, and erasing the client erases the cases' texts
and evidence while the case rows stay as records."""

from __future__ import annotations

from django.db import connection

from hostledger.abuse.actions import abuse_case_answer, abuse_case_notify
from hostledger.abuse.intake import EvidenceFile, abuse_case_open
from hostledger.abuse.models import AbuseCase, AbuseEvidence, Category, Source
from hostledger.accounts import permissions as perms
from hostledger.core.fields import EncryptedTextField
from hostledger.core.personal_data import declaration_of, undeclared_fields
from hostledger.flows.privacy_erasure import client_erase
from tests.privacy.export_helpers import built_export, export_document, export_zip
from tests.subscriptions.factories import new_client, new_staff

PNG = b"\x89PNG\r\n\x1a\n" + b"\x02" * 40


def _case(client, abuse_staff):
    case = abuse_case_open(
        source=Source.STAFF,
        category=Category.SPAM,
        text="Spam sent by Kristjan Põldmaa's server.",
        subject="Spam from kristjan.example",
        client=client,
        files=[EvidenceFile("headers.png", PNG)],
    )
    case = abuse_case_notify(case=case, actor=abuse_staff)
    return abuse_case_answer(
        case=case, client=client, author=client.owner, text="Kristjan here: fixed."
    )


def test_every_abuse_field_is_declared_and_encrypted_ones_say_so__ABU_01_GDPR_01(db):
    assert [name for name in undeclared_fields() if name.startswith("abuse.")] == []
    for model in (AbuseCase, AbuseEvidence):
        declared = declaration_of(model._meta.label)
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                assert getattr(declared[field.name], "encrypted", False), field.name


def test_case_text_is_encrypted_under_the_clients_key__ABU_01_GDPR_11(abuse_staff):
    client = new_client()
    _case(client, abuse_staff)
    with connection.cursor() as cursor:
        cursor.execute("SELECT subject FROM abuse_abusecase")
        (subject,) = cursor.fetchone()
        cursor.execute("SELECT text FROM abuse_abuseevidence WHERE kind = 'text'")
        texts = [row[0] for row in cursor.fetchall()]
    assert subject.startswith("enc2:")
    assert all(text.startswith("enc2:") and "Kristjan" not in text for text in texts)


def test_a_clients_cases_are_in_its_export__ABU_01_GDPR_06(abuse_staff, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client = new_client()
    case = _case(client, abuse_staff)
    document = export_document(export_zip(built_export(client, client.owner)))
    text = str(document)
    assert case.public_id in text or "Spam from kristjan.example" in text
    assert "Kristjan here: fixed." in text


def test_erasing_the_client_erases_the_cases_texts__ABU_01_GDPR_04(abuse_staff):
    client = new_client()
    case = _case(client, abuse_staff)
    officer = new_staff(perms.PRIVACY_MANAGE, perms.CLIENTS_VIEW)
    client_erase(client=client, actor=officer)
    case = AbuseCase.objects.get(pk=case.pk)
    assert case.subject == ""
    assert all(item.text == "" for item in AbuseEvidence.objects.filter(case=case))
    assert all(item.content == "" for item in AbuseEvidence.objects.filter(case=case))
