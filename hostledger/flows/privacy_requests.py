"""Completing a data-subject request: carry it out, then answer it (GDPR-07).

Requests of some kinds are carried out by another part of the privacy engine before they are
answered: an access or portability request starts the personal-data export, an erasure
request erases, a restriction request restricts. Those parts register a **fulfilment
handler** for their kind in :data:`FULFILMENT_HANDLERS`; :func:`request_complete` calls it in
the same transaction as the answer, so a request is never marked completed without being
carried out, and a handler that refuses (a DomainError) leaves the request open.

A handler is called as ``handler(request=request, actor=actor, now=now)`` with the locked,
verified request (status ``in_progress``), the staff member completing it and the moment.
It returns a text for the client (what was done and where to find it, e.g. "Your export is
being prepared; download it from the Privacy page."), which is put before the staff's
written response, or an empty string. It may raise DomainError to refuse; staff then refuse
the request with the reason, or put right what stands in the way.

A kind without a handler is completed by the staff's written response alone; so are
rectification requests (completed by a correction, :mod:`hostledger.privacy.actions_rectification`)
and objection requests (completed by recording the objection).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from django.db import transaction
from django.utils import timezone

from hostledger.accounts.models import User
from hostledger.core.personal_data import ErasureStrategy
from hostledger.core.registry import setting_value
from hostledger.flows.privacy_erasure import client_erase
from hostledger.privacy.actions import processing_restriction_start
from hostledger.privacy.actions_requests import (
    RESPONSE_MAX,
    clean_text,
    request_respond,
    require_privacy_staff,
)
from hostledger.privacy.exports import personal_data_export_start
from hostledger.privacy.models import DataSubjectRequest, RestrictionReason

Kind = DataSubjectRequest.Kind


class FulfilmentHandler(Protocol):
    def __call__(self, *, request: DataSubjectRequest, actor: User, now: datetime) -> str: ...


FULFILMENT_KINDS = (Kind.ACCESS, Kind.PORTABILITY, Kind.ERASURE, Kind.RESTRICTION)
"""The kinds whose completion calls a handler when one is registered."""

FULFILMENT_HANDLERS: dict[str, FulfilmentHandler | Callable[..., str]] = {}
"""Kind → handler. Filled where the export, erasure and restriction are wired in, e.g.::

    FULFILMENT_HANDLERS[Kind.ACCESS] = fulfil_access_by_export
"""


def fulfilment_handler(kind: str) -> FulfilmentHandler | Callable[..., str] | None:
    """The handler registered for ``kind``, or None: the request is answered in writing."""
    if kind not in FULFILMENT_KINDS:
        return None
    return FULFILMENT_HANDLERS.get(kind)


@transaction.atomic
def request_complete(
    *,
    request: DataSubjectRequest,
    actor: User,
    response: str,
    now: datetime | None = None,
) -> DataSubjectRequest:
    """Carry out ``request`` by its kind's handler, if any, and answer it (GDPR-07).

    Everything is one transaction: when the handler refuses or the answer is refused (the
    request is not verified, the response is empty), nothing is carried out or changed.
    """
    now = now or timezone.now()
    require_privacy_staff(actor)
    response = clean_text(response, "response", RESPONSE_MAX, required=True)
    locked = DataSubjectRequest.objects.select_for_update().get(pk=request.pk)
    handler = fulfilment_handler(locked.kind)
    if handler is not None and locked.status == DataSubjectRequest.Status.IN_PROGRESS:
        done = (handler(request=locked, actor=actor, now=now) or "").strip()
        if done:
            response = f"{done}\n\n{response}"
    return request_respond(request=locked, actor=actor, response=response, now=now)


def fulfil_erasure(*, request: DataSubjectRequest, actor: User, now: datetime) -> str:
    """Erase the requesting client (GDPR-04) and tell it what is held by law, until when.
    Refused, with the reasons, while a service is live or money is owed."""
    report = client_erase(client=request.client, actor=actor, now=now)
    held = sorted(
        {
            (item["asset"], item["held_until"])
            for item in report.items
            if item["action"] == ErasureStrategy.HOLD and item["rows"]
        },
        key=lambda pair: (pair[1] or "", pair[0]),
    )
    lines = [f"Your personal data was erased on {now:%Y-%m-%d} (report {report.public_id})."]
    if held:
        lines.append(
            "The law requires us to keep these records; they are used for nothing else and "
            "are erased when their term ends:"
        )
        lines.extend(f"- {asset}: until {until}" for asset, until in held)
    return "\n".join(lines)


def fulfil_restriction(*, request: DataSubjectRequest, actor: User, now: datetime) -> str:
    """Restrict the processing of the requesting client's data (GDPR-05)."""
    processing_restriction_start(
        client=request.client,
        reason=RestrictionReason.REQUESTED,
        note=f"Request {request.public_id}",
        actor=actor,
        now=now,
        tell_client=False,
    )
    return (
        "Processing of your personal data is restricted from "
        f"{now:%Y-%m-%d}: it is kept and used only to defend legal claims until the "
        "restriction is lifted."
    )


def fulfil_access(*, request: DataSubjectRequest, actor: User, now: datetime) -> str:
    """Start the export of the requesting client's personal data (GDPR-02): a ZIP with one
    CSV per kind of record and the JSON description, for access and portability alike."""
    export = personal_data_export_start(
        client=request.client, requested_by=request.filed_by or request.client.owner
    )
    return (
        f"Your data is being exported (export {export.public_id}). Download it from the "
        "Your data page of the client area once it is ready; you will be asked to confirm "
        "it is you. The link expires after "
        f"{setting_value('privacy.export_link_days')} days."
    )


FULFILMENT_HANDLERS[Kind.ACCESS] = fulfil_access
FULFILMENT_HANDLERS[Kind.PORTABILITY] = fulfil_access
FULFILMENT_HANDLERS[Kind.ERASURE] = fulfil_erasure
FULFILMENT_HANDLERS[Kind.RESTRICTION] = fulfil_restriction
