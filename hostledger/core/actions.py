"""Writes of the core app that other apps call: destroying data subjects' keys (GDPR-04)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError
from hostledger.core.subject_keys import (
    client_subject,
    destroy_subject_keys,
    owner_of_client,
    user_subject,
)

SUBJECT_KEYS_DESTROYED = "privacy.subject_keys_destroyed"


def subject_keys_destroy(
    *, client_id: int | None = None, user_id: int | None = None, actor=None
) -> int:
    """Destroy the data key of a client (and of the person who owns it) or of a person
    without a client, for good (GDPR-04, GDPR-11): every value encrypted under it — in the
    database, in every backup and copy of it — reads as erased from then on. Returns how many
    keys were destroyed (0 when there were none left).

    The destruction is recorded in the audit trail (ids only). It cannot be undone and does
    not wait for the caller's transaction: call it last, once what must be kept readable has
    been moved out from under the key.
    """
    if (client_id is None) == (user_id is None):
        raise DomainError(
            "invalid_subject",
            _("Name exactly one subject: a client or a person."),
            fields={"client_id": "give a client id or a user id, not both"},
        )
    for name, value in (("client_id", client_id), ("user_id", user_id)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise DomainError(
                "invalid_subject",
                _("%(name)s must be a numeric id.") % {"name": name},
                fields={name: "not an integer"},
            )
    if client_id is not None:
        subjects = [client_subject(client_id)]
        owner_id = owner_of_client(client_id)
        if owner_id is not None:
            # A client's first values are written under its owner's key, before it has an id.
            subjects.append(user_subject(owner_id))
    else:
        subjects = [user_subject(user_id)]
    with transaction.atomic():
        record_audit_event(
            action=SUBJECT_KEYS_DESTROYED,
            actor=actor,
            subject_client_id=client_id,
            data={"client_id": client_id, "user_id": user_id},
        )
        destroyed = destroy_subject_keys(subjects)
    return len(destroyed)
