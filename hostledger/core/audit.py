"""The tamper-evident audit trail of who read or changed personal data (GDPR-12).

Every event is appended with :func:`record_audit_event` inside the caller's transaction. The
writer locks the single :class:`~hostledger.core.models.AuditChainHead` row, so events get
consecutive sequence numbers and each event's ``chain_hash`` is an HMAC (keyed with
``settings.AUDIT_CHAIN_KEY``) over the previous event's hash and the event's own contents.
:func:`verify_audit_chain` (``hostledger audit verify``) recomputes the chain and names every
edited, inserted or deleted event.

Personal values stay out of the chained content (GDPR-04, issue 19): since hash version 2 the
actor's e-mail and the IP address are stored encrypted under the key of the person they are
about (``actor_label_token``, ``ip_address_token``), and the chain covers the tokens. When an
erasure destroys that key the tokens can no longer be opened, and the chain still verifies.
``data`` holds field names, ids and amounts, never personal values: keys naming a credential
or a personal value are refused.

The chain proves the rows were not changed by anyone who lacks the chain key. Someone with
write access to the database *and* the key could rewrite the whole tail; keep the key out of
the database host's reach and copy ``audit verify`` results or the head's hash elsewhere if
that matters to you.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import math
from datetime import UTC
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.core.errors import DomainError
from hostledger.core.middleware import client_ip_of, current_client_ip, current_request_id
from hostledger.core.models import AuditChainHead, AuditEvent
from hostledger.core.subject_keys import (
    AUDIT_SUBJECT,
    ERASED,
    client_subject,
    decrypt_stored,
    encrypt_for_subject,
    user_subject,
)

GENESIS_HASH = "0" * 64
"""The ``previous_hash`` of the first event."""

FORBIDDEN_DATA_KEY_PARTS = (
    "password",
    "secret",
    "email",
    "e_mail",
    "phone",
    "first_name",
    "last_name",
    "full_name",
    "company_name",
    "street",
    "iban",
    "ip_address",
    "birth",
)
"""Audit data never carries credentials (ACC-07) nor personal values (GDPR-04: the chain
could not be erased): keys containing these words are refused. Name the fields changed and
the records concerned by their ids instead."""

HASH_VERSION = 2
"""Events are written in this hash format; :func:`compute_chain_hash` verifies every one."""

SYSTEM_ACTOR = "system"

VERIFY_CHUNK_SIZE = 2000

PERSONAL_DATA_READ = "personal_data.read"


def record_audit_event(
    *,
    action: str,
    actor=None,
    obj=None,
    subject_client_id: int | None = None,
    data: dict | None = None,
    ip_address: str | None = None,
    request_id: str | None = None,
) -> AuditEvent:
    """Append one event to the audit trail, in the caller's transaction (GDPR-12).

    ``obj`` is the model instance acted on (stored as its model label and public id, or its
    primary key when it has no public id); ``actor`` is the user who acted, or None for the
    system. The client IP and request id default to those of the current request. ``data``
    must be JSON-serialisable and must not hold a password or secret (ACC-07).
    """
    action = (action or "").strip()
    if not action or len(action) > AuditEvent._meta.get_field("action").max_length:
        raise DomainError(
            "invalid_audit_action",
            _("An audit event needs an action name of at most 100 characters."),
            fields={"action": "required, at most 100 characters"},
        )
    data = _normalised_data(data)
    object_type, object_id = _object_reference(obj)
    actor_id = actor.pk if actor is not None else None
    if subject_client_id is not None and (
        isinstance(subject_client_id, bool) or not isinstance(subject_client_id, int)
    ):
        raise DomainError(
            "invalid_subject_client",
            _("The subject client must be given by its numeric id."),
            fields={"subject_client_id": "not an integer"},
        )
    ip_address = _normalised_ip(ip_address if ip_address is not None else current_client_ip())
    # Whose the e-mail and the address are: the actor's; for a request of nobody signed in,
    # the client it concerns.
    if actor_id is not None:
        person = user_subject(actor_id)
    elif subject_client_id is not None:
        person = client_subject(subject_client_id)
    else:
        person = AUDIT_SUBJECT
    actor_label = "" if actor is not None else SYSTEM_ACTOR
    actor_label_token = (
        encrypt_for_subject(getattr(actor, "email", "") or str(actor), person)
        if actor is not None
        else ""
    )
    ip_address_token = encrypt_for_subject(ip_address, person) if ip_address else ""
    request_id = str(request_id if request_id is not None else current_request_id())
    if len(request_id) > AuditEvent._meta.get_field("request_id").max_length:
        raise DomainError(
            "invalid_request_id",
            _("The request id is longer than 64 characters."),
            fields={"request_id": "at most 64 characters"},
        )

    with transaction.atomic():
        head = _locked_chain_head()
        sequence = head.last_sequence + 1
        occurred_at = timezone.now()
        contents = {
            "sequence": sequence,
            "occurred_at": occurred_at,
            "actor_id": actor_id,
            "actor_label": actor_label,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "subject_client_id": subject_client_id,
            "ip_address": None,
            "request_id": request_id,
            "data": data,
            "actor_label_token": actor_label_token,
            "ip_address_token": ip_address_token,
            "hash_version": HASH_VERSION,
        }
        chain_hash = compute_chain_hash(previous_hash=head.last_hash, **contents)
        event = AuditEvent.objects.create(
            **contents, previous_hash=head.last_hash, chain_hash=chain_hash
        )
        AuditChainHead.objects.filter(pk=head.pk).update(
            last_sequence=sequence, last_hash=chain_hash
        )
    return event


def audit_actor_label(event: AuditEvent) -> str:
    """Who acted, as shown to staff: the actor's e-mail, "system", or an empty string once
    the person's key was destroyed by an erasure."""
    if event.actor_label_token:
        return _opened(event.actor_label_token)
    return event.actor_label


def audit_ip_address(event: AuditEvent) -> str | None:
    """The IP address the event came from; None when not known or erased."""
    if event.ip_address_token:
        return _opened(event.ip_address_token) or None
    return event.ip_address


def _opened(token: str) -> str:
    try:
        return decrypt_stored(token)
    except ValueError:
        return ERASED


def record_personal_data_read(*, actor, client, what: str, request=None) -> AuditEvent:
    """Record that a staff member read a client's personal data (GDPR-12).

    ``what`` says which data was shown (for example "contacts" or "payer pay_…"); staff pages
    call this when they display a client's personal data. ``request`` supplies the IP address
    and request id when given; otherwise those of the current request are used.
    """
    what = (what or "").strip()
    if not what:
        raise DomainError(
            "invalid_audit_read",
            _("Say which personal data was read."),
            fields={"what": "required"},
        )
    ip_address = client_ip_of(request) if request is not None else None
    request_id = getattr(request, "request_id", None) if request is not None else None
    return record_audit_event(
        action=PERSONAL_DATA_READ,
        actor=actor,
        obj=client,
        subject_client_id=client.pk,
        data={"what": what},
        ip_address=ip_address,
        request_id=request_id,
    )


def compute_chain_hash(
    *,
    previous_hash: str,
    sequence: int,
    occurred_at,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    subject_client_id: int | None,
    ip_address: str | None,
    request_id: str,
    data: Any,
    actor_label_token: str = "",
    ip_address_token: str = "",
    hash_version: int = 1,
) -> str:
    """HMAC-SHA256 with the chain key over the previous hash and the event's canonical form.

    Version 1 (events written before personal values left the chain) covers the e-mail and
    the IP address in clear; version 2 covers their encrypted tokens instead, so that the
    values can be erased by destroying their key without changing what the hash covers."""
    contents = {
        "sequence": sequence,
        "occurred_at": occurred_at.astimezone(UTC).isoformat(),
        "actor_id": actor_id,
        "actor_label": actor_label,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "subject_client_id": subject_client_id,
        "ip_address": ip_address,
        "request_id": request_id,
        "data": data,
    }
    if hash_version >= 2:
        contents.update(
            hash_version=hash_version,
            actor_label_token=actor_label_token,
            ip_address_token=ip_address_token,
        )
    canonical = _canonical_json(contents)
    message = (previous_hash + canonical).encode("utf-8")
    return hmac.new(settings.AUDIT_CHAIN_KEY.encode("utf-8"), message, hashlib.sha256).hexdigest()


_VERIFIED_COLUMNS = (
    "id",
    "sequence",
    "occurred_at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "subject_client_id",
    "ip_address",
    "request_id",
    "data",
    "actor_label_token",
    "ip_address_token",
    "hash_version",
    "previous_hash",
    "chain_hash",
)


def verify_audit_chain() -> list[str]:
    """Recompute the whole chain; return one sentence per problem found (empty: intact)."""
    return audit_chain_report()[1]


def audit_chain_report() -> tuple[int, list[str]]:
    """The number of events checked and one sentence per problem found (GDPR-12).

    Detects an edited event (its hash no longer matches, named by sequence), an inserted event
    (a repeated sequence, a broken link or an event beyond the chain head) and deleted events
    (a gap in the sequence, or a chain head that names a later event than the last one
    stored). Rows are read in chunks, so memory use does not grow with the trail.
    """
    problems: list[str] = []
    head_before = AuditChainHead.objects.filter(pk=1).values("last_sequence", "last_hash").first()
    expected_sequence = 1
    previous_hash = GENESIS_HASH
    hash_at_head: str | None = None
    last_sequence = 0
    events_checked = 0
    rows = (
        AuditEvent.objects.order_by("sequence", "id")
        .values_list(*_VERIFIED_COLUMNS)
        .iterator(chunk_size=VERIFY_CHUNK_SIZE)
    )
    for row in rows:
        events_checked += 1
        event = dict(zip(_VERIFIED_COLUMNS, row, strict=True))
        sequence = event["sequence"]
        recomputed = compute_chain_hash(
            previous_hash=event["previous_hash"],
            **{
                name: event[name]
                for name in _VERIFIED_COLUMNS
                if name not in {"id", "previous_hash", "chain_hash"}
            },
        )
        if not hmac.compare_digest(recomputed, event["chain_hash"]):
            problems.append(
                f"Event #{sequence} (row id {event['id']}): its contents do not match its hash; "
                "it was edited or forged after it was written."
            )
        if sequence < expected_sequence:
            problems.append(
                f"Event #{sequence} (row id {event['id']}) repeats or precedes an earlier "
                "sequence number; a row was inserted."
            )
        elif sequence > expected_sequence:
            missing = (
                f"#{expected_sequence}"
                if sequence == expected_sequence + 1
                else f"#{expected_sequence} to #{sequence - 1}"
            )
            problems.append(f"Events {missing} are missing; rows were deleted.")
        elif event["previous_hash"] != previous_hash:
            problems.append(
                f"Event #{sequence} (row id {event['id']}) does not link to the event before "
                "it; the chain was broken by an inserted, replaced or deleted row."
            )
        if head_before is not None and sequence == head_before["last_sequence"]:
            hash_at_head = event["chain_hash"]
        previous_hash = event["chain_hash"]
        last_sequence = max(last_sequence, sequence)
        expected_sequence = max(expected_sequence, sequence + 1)

    head_after = AuditChainHead.objects.filter(pk=1).values("last_sequence", "last_hash").first()
    recorded_before = head_before["last_sequence"] if head_before else 0
    recorded_after = head_after["last_sequence"] if head_after else 0
    if last_sequence < recorded_before:
        problems.append(
            f"The chain head records event #{recorded_before} but the last event stored is "
            f"#{last_sequence}; the last rows were deleted."
        )
    elif head_before is not None and recorded_before and hash_at_head != head_before["last_hash"]:
        problems.append(
            f"The chain head's hash does not match event #{recorded_before}; the last rows "
            "were replaced."
        )
    if last_sequence > recorded_after:
        problems.append(
            f"Events after #{recorded_after} (up to #{last_sequence}) are not in the chain "
            "head; rows were inserted."
        )
    return events_checked, problems


def _locked_chain_head() -> AuditChainHead:
    """The chain head, locked until the caller's transaction ends; created on first use."""
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        # Two first writers may race to create it: get_or_create recovers from the loser's
        # IntegrityError, and the lock below then orders them.
        AuditChainHead.objects.get_or_create(
            pk=1, defaults={"last_sequence": 0, "last_hash": GENESIS_HASH}
        )
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    return head


def _object_reference(obj) -> tuple[str, str]:
    if obj is None:
        return "", ""
    meta = getattr(obj, "_meta", None)
    if meta is None:
        raise DomainError(
            "invalid_audit_object",
            _("The audited object must be a stored record."),
            fields={"obj": "not a model instance"},
        )
    if obj.pk is None or obj._state.adding:
        raise DomainError(
            "invalid_audit_object",
            _("The audited object has not been saved yet."),
            fields={"obj": "not saved"},
        )
    return meta.label, str(getattr(obj, "public_id", None) or obj.pk)


def _normalised_ip(value: str | None) -> str | None:
    """The address as the database gives it back, so the hash survives the round trip."""
    if value in (None, ""):
        return None
    try:
        address = ipaddress.ip_address(str(value).strip())
    except ValueError:
        raise DomainError(
            "invalid_ip_address",
            _("'%(value)s' is not an IP address.") % {"value": value},
            fields={"ip_address": "not an IP address"},
        ) from None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(address)


def _normalised_data(data: dict | None) -> dict:
    """``data`` as it will read back from the JSON column, refusing credentials (ACC-07)."""
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise DomainError(
            "invalid_audit_data", _("Audit data must be a mapping."), fields={"data": "not a dict"}
        )
    _refuse_credentials(data)
    try:
        return _json_stable(json.loads(json.dumps(data, cls=DjangoJSONEncoder)))
    except (TypeError, ValueError) as error:
        raise DomainError(
            "invalid_audit_data",
            _("Audit data must be JSON-serialisable: %(error)s") % {"error": error},
            fields={"data": "not JSON-serialisable"},
        ) from error


def _refuse_credentials(value: Any, path: str = "data") -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            lowered = str(key).lower()
            if any(part in lowered for part in FORBIDDEN_DATA_KEY_PARTS):
                raise ValueError(
                    f"{path}.{key}: audit data never holds passwords or secrets (ACC-07) "
                    "nor personal values (GDPR-04); name fields and ids instead."
                )
            _refuse_credentials(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _refuse_credentials(item, f"{path}[{index}]")


def _json_stable(value: Any) -> Any:
    """Whole floats become ints: PostgreSQL's jsonb may return ``1e20`` as an integer."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("infinite or NaN numbers cannot be stored")
        return int(value) if value.is_integer() else value
    if isinstance(value, dict):
        return {key: _json_stable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_stable(item) for item in value]
    return value


def _canonical_json(value: Any) -> str:
    return json.dumps(
        _json_stable(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
