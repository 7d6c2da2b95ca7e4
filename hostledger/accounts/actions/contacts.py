"""Contact persons of a client, with history (ACC-05)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.accounts.models import (
    Client,
    Contact,
    User,
)
from hostledger.accounts.validation import (
    FieldErrors,
    clean_email,
    clean_phone,
    clean_text,
)
from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError


def clean_contact_data(data: dict) -> dict:
    errors = FieldErrors()
    role = (data.get("role") or "").strip()
    if role not in Contact.Role.values:
        errors.add("role", _("Choose technical, billing or abuse."))
    cleaned = {
        "role": role,
        "name": clean_text(data.get("name"), "name", errors, required=True),
        "email": clean_email(data.get("email"), "email", errors, required=True),
        "phone": clean_phone(data.get("phone"), "phone", errors, country="", required=False),
    }
    errors.raise_if_any()
    return cleaned


@transaction.atomic
def contact_create(*, client: Client, actor: User, data: dict) -> Contact:
    """Name a contact person (ACC-05); the history keeps every later change."""
    contact = Contact(client=client, **clean_contact_data(data))
    contact._history_user = actor
    contact.save()
    record_audit_event(
        action="contact.created",
        actor=actor,
        obj=contact,
        subject_client_id=client.pk,
        data={"role": contact.role},
    )
    return contact


@transaction.atomic
def contact_update(*, contact: Contact, actor: User, data: dict) -> Contact:
    """Keep a contact current (ACC-05); the previous version stays in the history."""
    if contact.archived_at:
        raise DomainError("contact_archived", _("This contact is archived and cannot be changed."))
    merged = {
        "role": contact.role,
        "name": contact.name,
        "email": contact.email,
        "phone": contact.phone,
    }
    merged.update({key: value for key, value in data.items() if key in merged})
    cleaned = clean_contact_data(merged)
    changed = [field for field, value in cleaned.items() if getattr(contact, field) != value]
    for field, value in cleaned.items():
        setattr(contact, field, value)
    contact._history_user = actor
    contact.save()
    record_audit_event(
        action="contact.updated",
        actor=actor,
        obj=contact,
        subject_client_id=contact.client_id,
        data={"fields": changed},
    )
    return contact


@transaction.atomic
def contact_archive(*, contact: Contact, actor: User) -> Contact:
    """Retire a contact; archiving an archived contact changes nothing (ACC-05)."""
    if contact.archived_at:
        return contact
    contact.archived_at = timezone.now()
    contact._history_user = actor
    contact.save()
    record_audit_event(
        action="contact.archived", actor=actor, obj=contact, subject_client_id=contact.client_id
    )
    return contact
