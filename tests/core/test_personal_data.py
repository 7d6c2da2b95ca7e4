"""Every field of every installed model is declared personal or not personal (GDPR-01), and
the declarations tell the truth about encryption at rest (GDPR-11)."""

from __future__ import annotations

import pytest
from django.apps import apps

from hostledger.accounts.models import Client, Payer, User
from hostledger.core.fields import BlindIndexField, EncryptedTextField
from hostledger.core.personal_data import (
    Category,
    LegalBasis,
    NotPersonal,
    Personal,
    Retention,
    declaration_of,
    models_without_subject,
    personal_fields,
    stale_declarations,
    subject_client_id_of,
    subject_of,
    subject_user_id_of,
    undeclared_fields,
)


def _names(holder) -> set[str]:
    return {value for key, value in vars(holder).items() if not key.startswith("_")}


def _all_models():
    return apps.get_models(include_auto_created=True)


def test_every_model_field_is_declared__GDPR_01():
    missing = undeclared_fields()
    print("Undeclared fields:\n  " + "\n  ".join(missing))
    assert missing == []


def test_no_declaration_names_a_field_that_does_not_exist__GDPR_01():
    stale = stale_declarations()
    print("Declared but not on any installed model:\n  " + "\n  ".join(stale))
    assert stale == []


def test_every_model_with_personal_data_names_its_subject__GDPR_01():
    """Export, erasure and per-subject encryption find a subject's rows from the declared
    paths; a model with personal fields and no subject declaration would be forgotten."""
    missing = models_without_subject()
    print("Personal data with no subject path:\n  " + "\n  ".join(missing))
    assert missing == []


def test_every_declared_subject_path_is_a_valid_lookup__GDPR_01():
    wrong = []
    for model in _all_models():
        subject = subject_of(model._meta.label)
        if subject is None:
            continue
        for path in (*subject.client_paths, subject.user):
            if not path:
                continue
            try:
                str(model._default_manager.filter(**{path: 1}).query)
            except Exception as error:
                wrong.append(f"{model._meta.label}: {path}: {error}")
    assert wrong == []


@pytest.mark.django_db
def test_subject_paths_lead_from_a_row_to_its_client_and_user__GDPR_01():
    client_user = User.objects.create_user(email="subject@example.com", password="x" * 12)
    client = Client.objects.create(owner=client_user, kind="natural", country="EE")
    payer = Payer.objects.create(client=client, name="Payer OÜ", country="EE")
    assert subject_client_id_of(payer) == client.pk
    assert subject_client_id_of(client) == client.pk
    assert subject_client_id_of(client_user) == client.pk
    assert subject_user_id_of(client_user) == client_user.pk
    assert subject_user_id_of(client) == client_user.pk
    history = client.history.first()
    assert subject_client_id_of(history) == client.pk
    assert list(Payer.objects.filter(**{subject_of("accounts.Payer").client: client.pk})) == [payer]


def test_declarations_use_the_known_categories_bases_and_retention_rules__GDPR_01():
    categories, bases, retentions = _names(Category), _names(LegalBasis), _names(Retention)
    wrong = []
    for model in _all_models():
        for name, item in declaration_of(model._meta.label).items():
            assert isinstance(item, Personal | NotPersonal), f"{model._meta.label}.{name}"
            if isinstance(item, Personal) and not (
                item.category in categories
                and item.legal_basis in bases
                and item.retention in retentions
                and item.purpose.strip()
            ):
                wrong.append(f"{model._meta.label}.{name}: {item}")
    assert wrong == []


def test_every_encrypted_field_is_declared_encrypted_and_only_those__GDPR_11():
    """An EncryptedTextField is personal data declared ``encrypted=True``; a field declared
    ``encrypted=True`` really is encrypted at rest."""
    # The audit trail encrypts these itself (record_audit_event), under the person's key; the
    # chain covers the tokens, so no rotation may rewrite them as it rewrites encrypted fields.
    encrypted_by_their_writer = {
        "core.AuditEvent.actor_label_token",
        "core.AuditEvent.ip_address_token",
    }
    wrong = []
    for model in _all_models():
        declared = declaration_of(model._meta.label)
        for field in model._meta.concrete_fields:
            item = declared.get(field.name)
            encrypted = isinstance(field, EncryptedTextField) or (
                f"{model._meta.label}.{field.name}" in encrypted_by_their_writer
            )
            declared_encrypted = isinstance(item, Personal) and item.encrypted
            if encrypted != declared_encrypted:
                wrong.append(f"{model._meta.label}.{field.name}")
    assert wrong == []


def test_blind_indexes_are_personal_but_not_called_encrypted__GDPR_11():
    """A keyed hash of personal data is still personal data; it is not encryption."""
    checked = 0
    for model in _all_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, BlindIndexField):
                item = declaration_of(model._meta.label)[field.name]
                assert isinstance(item, Personal) and not item.encrypted, field
                checked += 1
    assert checked >= 2


def test_data_known_to_be_personal_but_not_encrypted_is_declared_so__GDPR_01():
    expected_plain = {
        "accounts.User": ["email", "password"],
        "account.EmailAddress": ["email"],
        "socialaccount.SocialAccount": ["uid", "extra_data"],
        "accounts.SignInSession": ["session_key"],
        "core.AuditEvent": ["ip_address", "actor_label"],
        "mfa.Authenticator": ["data"],
    }
    for label, names in expected_plain.items():
        personal = personal_fields(label)
        for name in names:
            assert name in personal, f"{label}.{name}"
            assert personal[name].encrypted is False, f"{label}.{name}"


def test_field_history_repeats_the_tracked_models_declaration__GDPR_01():
    """A history row holds the same personal data as the row it copies."""
    for label in ("accounts.Client", "accounts.Payer", "accounts.Contact"):
        tracked = declaration_of(label)
        history = declaration_of(label.replace(".", ".Historical"))
        for name, item in tracked.items():
            if name in history:
                assert history[name] == item, f"{label}.{name}"
        assert personal_fields(label).keys() <= history.keys()
        assert isinstance(history["history_user"], NotPersonal)
