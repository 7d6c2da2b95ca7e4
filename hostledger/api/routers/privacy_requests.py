"""API v1: data-subject requests (GDPR-07).

The account's owner files requests about their own data, lists them, reads one and withdraws
an open one; a trusted user acts for the account, not as its subject, and gets 403. A token
cannot prove a fresh sign-in, so a request filed here waits (``awaiting_verification``) until
the owner confirms it in the client area after signing in again, or staff verify the identity
another way. Staff with ``privacy.manage`` see the queue by due day, record requests that came
by letter or e-mail, verify, extend, answer and refuse; staff with ``clients.edit`` correct
a client's personal data (GDPR-03). Another client's request is 404.
"""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import Path, Query, Router
from ninja.responses import Status

from hostledger.accounts import permissions as perms
from hostledger.accounts import selectors as accounts
from hostledger.api.errors import responses
from hostledger.api.schemas import ActingClient, PageParams, page_of, paginate, path_id
from hostledger.api.schemas_privacy import (
    EXAMPLE_CLIENT,
    EXAMPLE_ID,
    ExtendIn,
    PrivacyRequestIn,
    PrivacyRequestOut,
    RectificationOut,
    RectifyIn,
    RefuseIn,
    RespondIn,
    StaffPrivacyRequestDetailOut,
    StaffPrivacyRequestOut,
    StaffRecordIn,
    StaffRequestFilter,
    VerifyIn,
    request_row,
    staff_request_detail,
    staff_request_row,
)
from hostledger.core.audit import record_personal_data_read
from hostledger.flows.privacy_requests import request_complete
from hostledger.privacy import actions_requests as actions
from hostledger.privacy import selectors_requests as selectors
from hostledger.privacy.actions_rectification import rectification_record

router = Router(tags=["Privacy requests"])
STAFF_TAGS = ["Staff: privacy requests"]

RequestId = Annotated[str, Path(**path_id("privacy request", EXAMPLE_ID))]
ClientId = Annotated[str, Path(**path_id("client", EXAMPLE_CLIENT))]


def _owner_access(request: HttpRequest, acting: ActingClient):
    access = accounts.client_access(request.user, acting.client)
    access.require_owner()
    return access


@router.get(
    "/privacy-requests",
    response=responses({200: page_of(PrivacyRequestOut)}, 400, 401, 403, 404),
    summary="List your privacy requests",
)
def privacy_request_list(
    request: HttpRequest, acting: Query[ActingClient], page: Query[PageParams]
):
    """The owner's data-subject requests, newest first, with status, due day and answer
    (GDPR-07)."""
    access = _owner_access(request, acting)
    found = paginate(selectors.client_requests(access.client), page)
    found["items"] = [request_row(item) for item in found["items"]]
    return found


@router.post(
    "/privacy-requests",
    response=responses({201: PrivacyRequestOut}, 400, 401, 403, 404),
    summary="File a privacy request",
)
def privacy_request_file(
    request: HttpRequest, acting: Query[ActingClient], payload: PrivacyRequestIn
):
    """File a request of access, portability, rectification, erasure, restriction or
    objection (GDPR-07). It is due one month after receipt and waits
    (``awaiting_verification``) until you confirm it in the client area after signing in
    again. One open request per kind: another answers 400 ``request_already_open``."""
    access = _owner_access(request, acting)
    filed = actions.request_file(
        client=access.client,
        actor=request.user,
        kind=payload.kind,
        details=payload.details,
        channel="api",
    )
    return Status(201, request_row(filed))


@router.get(
    "/privacy-requests/{privacy_request_id}",
    response=responses({200: PrivacyRequestOut}, 400, 401, 403, 404),
    summary="Read a privacy request",
)
def privacy_request_get(
    request: HttpRequest, privacy_request_id: RequestId, acting: Query[ActingClient]
):
    """One of the owner's requests, with the answer once given."""
    access = _owner_access(request, acting)
    return request_row(selectors.client_request(access.client, privacy_request_id))


@router.post(
    "/privacy-requests/{privacy_request_id}/withdraw",
    response=responses({200: PrivacyRequestOut}, 400, 401, 403, 404),
    summary="Withdraw a privacy request",
)
def privacy_request_withdraw(
    request: HttpRequest, privacy_request_id: RequestId, acting: Query[ActingClient]
):
    """Withdraw an open request; a closed one answers 400 ``request_status``."""
    access = _owner_access(request, acting)
    item = selectors.client_request(access.client, privacy_request_id)
    return request_row(actions.request_withdraw(request=item, actor=request.user))


# ----------------------------------------------------------------------------- staff


def _staff_row(item) -> dict:
    return staff_request_row(item, days_left=selectors.urgency(item).days_left)


@router.get(
    "/staff/privacy-requests",
    response=responses({200: page_of(StaffPrivacyRequestOut)}, 400, 401, 403, 404),
    summary="List the privacy request queue",
    tags=STAFF_TAGS,
)
def staff_privacy_request_list(
    request: HttpRequest, filters: Query[StaffRequestFilter], page: Query[PageParams]
):
    """Open requests of every client (or all, with ``include_closed``), soonest due first,
    with the days left (GDPR-07). Needs privacy.manage."""
    accounts.require_staff_permission(request.user, perms.PRIVACY_MANAGE)
    client = accounts.staff_client(filters.client) if filters.client else None
    found = paginate(
        selectors.requests_for_staff(
            status=filters.status,
            kind=filters.kind,
            client=client,
            open_only=not filters.include_closed,
        ),
        page,
    )
    found["items"] = [_staff_row(item) for item in found["items"]]
    return found


def _staff_detail(request: HttpRequest, privacy_request_id: str) -> dict:
    """The request as staff read it; the read of the client's text is audited (GDPR-12)."""
    item = selectors.staff_request(privacy_request_id)
    record_personal_data_read(
        actor=request.user, client=item.client, what=f"privacy request {item.public_id}"
    )
    return staff_request_detail(item, days_left=selectors.urgency(item).days_left)


@router.get(
    "/staff/privacy-requests/{privacy_request_id}",
    response=responses({200: StaffPrivacyRequestDetailOut}, 400, 401, 403, 404),
    summary="Read a privacy request",
    tags=STAFF_TAGS,
)
def staff_privacy_request_get(request: HttpRequest, privacy_request_id: RequestId):
    """One request with the client's text, how identity was verified and the answer; the
    read is audited (GDPR-12). Needs privacy.manage."""
    accounts.require_staff_permission(request.user, perms.PRIVACY_MANAGE)
    return _staff_detail(request, privacy_request_id)


@router.post(
    "/staff/clients/{client_id}/privacy-requests",
    response=responses({201: StaffPrivacyRequestDetailOut}, 400, 401, 403, 404),
    summary="Record a privacy request received by letter or e-mail",
    tags=STAFF_TAGS,
)
def staff_privacy_request_record(request: HttpRequest, client_id: ClientId, payload: StaffRecordIn):
    """Record a request that came by letter or e-mail; due one month after the day it was
    received. With ``verification_note`` it is verified at once. Needs privacy.manage."""
    accounts.require_staff_permission(request.user, perms.PRIVACY_MANAGE)
    client = accounts.staff_client(client_id)
    recorded = actions.request_record_by_staff(
        client=client,
        actor=request.user,
        kind=payload.kind,
        channel=payload.channel,
        details=payload.details,
        received_on=payload.received_on,
        verification_note=payload.verification_note,
    )
    return Status(201, _staff_detail(request, recorded.public_id))


@router.post(
    "/staff/privacy-requests/{privacy_request_id}/verify",
    response=responses({200: StaffPrivacyRequestDetailOut}, 400, 401, 403, 404),
    summary="Record how the requester's identity was verified",
    tags=STAFF_TAGS,
)
def staff_privacy_request_verify(
    request: HttpRequest, privacy_request_id: RequestId, payload: VerifyIn
):
    """A request awaiting verification goes in progress; the note says how. Needs
    privacy.manage."""
    accounts.require_staff_permission(request.user, perms.PRIVACY_MANAGE)
    item = selectors.staff_request(privacy_request_id)
    actions.request_verify(request=item, actor=request.user, note=payload.note)
    return _staff_detail(request, privacy_request_id)


@router.post(
    "/staff/privacy-requests/{privacy_request_id}/extend",
    response=responses({200: StaffPrivacyRequestDetailOut}, 400, 401, 403, 404),
    summary="Extend a privacy request's deadline",
    tags=STAFF_TAGS,
)
def staff_privacy_request_extend(
    request: HttpRequest, privacy_request_id: RequestId, payload: ExtendIn
):
    """Extend the deadline by ``months`` after the original one, before it passes, telling the
    client why (GDPR art. 12(3)); 400 ``extension_too_late`` after it. Needs privacy.manage."""
    accounts.require_staff_permission(request.user, perms.PRIVACY_MANAGE)
    item = selectors.staff_request(privacy_request_id)
    actions.request_extend(
        request=item, actor=request.user, months=payload.months, reason=payload.reason
    )
    return _staff_detail(request, privacy_request_id)


@router.post(
    "/staff/privacy-requests/{privacy_request_id}/respond",
    response=responses({200: StaffPrivacyRequestDetailOut}, 400, 401, 403, 404),
    summary="Answer and complete a privacy request",
    tags=STAFF_TAGS,
)
def staff_privacy_request_respond(
    request: HttpRequest, privacy_request_id: RequestId, payload: RespondIn
):
    """Carry out the request by its kind's fulfilment handler, if one is installed, and
    answer it; the client is told. A request not verified answers 400 ``request_status``.
    Needs privacy.manage."""
    accounts.require_staff_permission(request.user, perms.PRIVACY_MANAGE)
    item = selectors.staff_request(privacy_request_id)
    request_complete(request=item, actor=request.user, response=payload.response)
    return _staff_detail(request, privacy_request_id)


@router.post(
    "/staff/privacy-requests/{privacy_request_id}/refuse",
    response=responses({200: StaffPrivacyRequestDetailOut}, 400, 401, 403, 404),
    summary="Refuse a privacy request",
    tags=STAFF_TAGS,
)
def staff_privacy_request_refuse(
    request: HttpRequest, privacy_request_id: RequestId, payload: RefuseIn
):
    """Refuse an open request, saying why; the client is told why and of the right to
    complain. Needs privacy.manage."""
    accounts.require_staff_permission(request.user, perms.PRIVACY_MANAGE)
    item = selectors.staff_request(privacy_request_id)
    actions.request_refuse(request=item, actor=request.user, reason=payload.reason)
    return _staff_detail(request, privacy_request_id)


@router.post(
    "/staff/clients/{client_id}/rectification",
    response=responses({200: RectificationOut}, 400, 401, 403, 404),
    summary="Correct a client's personal data",
    tags=STAFF_TAGS,
)
def staff_client_rectify(request: HttpRequest, client_id: ClientId, payload: RectifyIn):
    """Correct the client's, a payer's or a contact person's personal fields with a reason
    (GDPR-03): the history keeps the old and new values with the reason, the client is told,
    and a named rectification request is completed with the response. Documents already
    issued keep their data (BIL-04). Needs clients.edit (and privacy.manage to complete a
    request)."""
    accounts.require_staff_permission(request.user, perms.CLIENTS_EDIT)
    client = accounts.staff_client(client_id)
    target = selectors.rectification_target(client, payload.target)
    linked = selectors.open_rectification_request(client, payload.request)
    done = rectification_record(
        target=target,
        actor=request.user,
        data=dict(payload.corrections),
        reason=payload.reason,
        request=linked,
    )
    return {
        "target_id": target.public_id,
        "fields": done.fields,
        "response": done.response,
        "request_id": done.request.public_id if done.request else None,
    }
