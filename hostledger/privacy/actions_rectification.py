"""Rectification by staff (GDPR-03), and the rectification requests it answers (GDPR-07).

The correction itself is the accounts app's
(:func:`hostledger.accounts.actions.rectification.personal_data_correct`: the history keeps
the old and new values with the reason). Here the client is told by
message, the correction is audited with the reason and the changed fields' names (not their
values), and a rectification request named with it is answered and completed, saying that
documents already issued keep the data they were issued with (BIL-04).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.accounts.actions.rectification import personal_data_correct
from hostledger.accounts.models import Client, User
from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError
from hostledger.notifications.actions import notification_enqueue
from hostledger.notifications.events import PRIVACY_DATA_RECTIFIED
from hostledger.privacy.actions_requests import request_respond
from hostledger.privacy.models import DataSubjectRequest

SNAPSHOT_NOTE = (
    "Invoices, credit notes and other documents already issued keep the data they were "
    "issued with; the corrected data is used from now on."
)


@dataclass(frozen=True)
class Rectification:
    target: object
    fields: list[str]
    response: str
    request: DataSubjectRequest | None


def _client_of(target) -> Client:
    return target if isinstance(target, Client) else target.client


def _what(target) -> str:
    if isinstance(target, Client):
        return "your account's data"
    return f"{type(target).__name__.lower()} {target.public_id}"


@transaction.atomic
def rectification_record(
    *,
    target,
    actor: User,
    data: dict,
    reason: str,
    request: DataSubjectRequest | None = None,
    now: datetime | None = None,
) -> Rectification:
    """Correct ``target`` (a client, payer or contact person) as ``data`` says, with
    ``reason``; tell the client; complete ``request`` (an in-progress rectification request of
    the same client) with the response. One transaction (GDPR-03)."""
    now = now or timezone.now()
    if request is not None:
        client = (
            _client_of(target)
            if hasattr(target, "client_id") or isinstance(target, Client)
            else None
        )
        if (
            not isinstance(request, DataSubjectRequest)
            or request.kind != DataSubjectRequest.Kind.RECTIFICATION
            or client is None
            or request.client_id != client.pk
        ):
            raise DomainError(
                "invalid_input",
                _("request: not a rectification request of this client."),
                fields={"request": "not a rectification request of this client"},
            )
    fields = personal_data_correct(target=target, actor=actor, data=data, reason=reason)
    client = _client_of(target)
    history_id = target.history.latest().history_id
    record_audit_event(
        action="privacy.rectified",
        actor=actor,
        obj=target,
        subject_client_id=client.pk,
        data={"fields": fields, "reason": reason.strip(), "history_id": history_id},
    )
    notification_enqueue(
        key=f"{PRIVACY_DATA_RECTIFIED}:{type(target).__name__.lower()}:{history_id}",
        client=client,
        event=PRIVACY_DATA_RECTIFIED,
        context={"reason": reason.strip()},
        now=now,
    )
    labels = ", ".join(name.replace("_", " ") for name in fields)
    response = (
        f"We corrected {_what(target)}: {labels}.\n\nWhy: {reason.strip()}\n\n{SNAPSHOT_NOTE}"
    )
    if request is not None:
        request = request_respond(request=request, actor=actor, response=response, now=now)
    return Rectification(target=target, fields=fields, response=response, request=request)
