"""Staff notes on a client's account (issue 11 §8): who wrote what, when; audited."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from hostledger.accounts.models import Client, StaffNote, User
from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError

MAX_STAFF_NOTE_LENGTH = 4000


@transaction.atomic
def staff_note_add(*, client: Client, actor: User, text: str) -> StaffNote:
    """Keep a note of ``actor`` on ``client``'s account. The text is personal data of the
    client (encrypted at rest); the audit trail records that a note was written, not its
    text. Refused, with nothing written, when empty or longer than 4,000 characters."""
    text = (text or "").strip()
    if not text:
        raise DomainError("note_empty", _("Write the note first."), fields={"text": "required"})
    if len(text) > MAX_STAFF_NOTE_LENGTH:
        raise DomainError(
            "note_too_long",
            _("A note is at most %(max_staff_note_length)s characters.")
            % {"max_staff_note_length": f"{MAX_STAFF_NOTE_LENGTH:,}"},
            fields={"text": f"at most {MAX_STAFF_NOTE_LENGTH} characters"},
        )
    note = StaffNote.objects.create(client=client, author=actor, text=text)
    record_audit_event(
        action="client.staff_note_added",
        actor=actor,
        obj=note,
        subject_client_id=client.pk,
        data={"length": len(text)},
    )
    return note
