"""API v1: abuse cases (ABU-01 … ABU-03).

Clients and their trusted users with access to the services (ACC-06) read the cases staff
sent them about their services — the complaint, its evidence, the deadline, the timeline —
and answer them, optionally saying the violation is remedied. Another client's case answers
404 (habit 6); the reporter's identity and staff notes are never in the client's view.

Staff with ``abuse.manage`` list the cases by their next deadline, open a case, notify the
client (the deadline starts), link services, add notes, reject a claimed remedy, lift or
dismiss a case and propose the termination that staff with ``services.manage`` confirm on
the decisions operations (AUT-06). Refusals by the rules answer 400 with their ``code``.
Evidence files are uploaded and downloaded in the web areas only.
"""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router
from ninja.responses import Status

from hostledger.abuse import actions, selectors
from hostledger.abuse.deadlines import abuse_termination_propose_now
from hostledger.abuse.intake import abuse_case_open, clean_ip
from hostledger.abuse.models import Source
from hostledger.accounts import permissions as perms
from hostledger.accounts import selectors as accounts
from hostledger.accounts.models import AccessGrant
from hostledger.api.errors import responses
from hostledger.api.schemas import ActingClient, PageParams, page_of, paginate, path_id
from hostledger.api.schemas_abuse import (
    EXAMPLE_ID,
    AnswerIn,
    CaseIn,
    CaseOut,
    LinkServiceIn,
    NoteIn,
    NotifyIn,
    RequiredNoteIn,
    StaffCaseFilter,
    StaffCaseOut,
    case_row,
    staff_case_row,
)
from hostledger.core.errors import PermissionDenied

router = Router(tags=["Abuse cases"])
STAFF_TAGS = ["Staff: abuse cases"]
AREA = AccessGrant.Scope.SERVICES

CaseId = Annotated[str, Path(**path_id("abuse case", EXAMPLE_ID))]


# ----------------------------------------------------------------------------- clients


@router.get(
    "/abuse/cases",
    response=responses({200: page_of(CaseOut)}, 400, 401, 403, 404),
    summary="List abuse cases about the client's services",
)
def abuse_case_list(request: HttpRequest, acting: Query[ActingClient], page: Query[PageParams]):
    """The cases staff sent the client about its services, newest first (ABU-01)."""
    access = accounts.client_access(request.user, acting.client, reads=AREA)
    found = paginate(selectors.client_cases(access.client), page)
    found["items"] = [case_row(case) for case in found["items"]]
    return found


@router.get(
    "/abuse/cases/{case_id}",
    response=responses({200: CaseOut}, 400, 401, 403, 404),
    summary="Read an abuse case",
)
def abuse_case_detail(request: HttpRequest, case_id: CaseId, acting: Query[ActingClient]):
    """One case: the complaint and its evidence, the deadline, the timeline (ABU-01)."""
    access = accounts.client_access(request.user, acting.client, reads=AREA)
    return case_row(selectors.client_case(access.client, case_id))


@router.post(
    "/abuse/cases/{case_id}/answer",
    response=responses({200: CaseOut}, 400, 401, 403, 404),
    summary="Answer an abuse case",
)
def abuse_case_answer(
    request: HttpRequest, case_id: CaseId, acting: Query[ActingClient], payload: AnswerIn
):
    """Answer a case; with ``remedied`` the suspension deadline is held while staff check
    the remedy (ABU-02, annex 10 §5). 400 ``case_not_open`` on a closed case. Needs the
    owner or a trusted user who may act on the services."""
    access = accounts.client_access(request.user, acting.client, reads=AREA)
    case = selectors.client_case(access.client, case_id)
    if not access.can_write(AREA):
        raise PermissionDenied(_("Your access to this account does not allow answering."))
    actions.abuse_case_answer(
        case=case,
        client=access.client,
        author=request.user,
        text=payload.text,
        remedied=payload.remedied,
    )
    return case_row(selectors.client_case(access.client, case_id))


# ----------------------------------------------------------------------------- staff


def _staff(request: HttpRequest) -> None:
    accounts.require_staff_permission(request.user, perms.ABUSE_MANAGE)


def _staff_answer(case_id: str) -> dict:
    return staff_case_row(selectors.staff_case(case_id))


@router.get(
    "/staff/abuse/cases",
    response=responses({200: page_of(StaffCaseOut)}, 400, 401, 403, 404),
    summary="List abuse cases by deadline",
    tags=STAFF_TAGS,
)
def staff_abuse_case_list(
    request: HttpRequest, filters: Query[StaffCaseFilter], page: Query[PageParams]
):
    """Open cases first by their next deadline (lift, suspension, termination), or the
    cases of one status (ABU-01). Needs abuse.manage."""
    _staff(request)
    found = paginate(
        selectors.staff_case_queue(status=filters.status or "", category=filters.category or ""),
        page,
    )
    found["items"] = [staff_case_row(case) for case in found["items"]]
    return found


@router.post(
    "/staff/abuse/cases",
    response=responses({201: StaffCaseOut}, 400, 401, 403, 404),
    summary="Open an abuse case",
    tags=STAFF_TAGS,
)
def staff_abuse_case_open(request: HttpRequest, payload: CaseIn):
    """Open a case from a report received another way; the services are found by the
    client or service id, the host name or the IP address (ABU-01). Needs abuse.manage."""
    _staff(request)
    case = abuse_case_open(
        source=Source.STAFF,
        category=payload.category,
        text=payload.text,
        accounts=[payload.account] if payload.account else [],
        host_names=[payload.host_name] if payload.host_name else [],
        ip_addresses=[clean_ip(payload.ip_address)] if payload.ip_address else [],
        actor=request.user,
    )
    return Status(201, _staff_answer(case.public_id))


@router.get(
    "/staff/abuse/cases/{case_id}",
    response=responses({200: StaffCaseOut}, 400, 401, 403, 404),
    summary="Read an abuse case (staff)",
    tags=STAFF_TAGS,
)
def staff_abuse_case_detail(request: HttpRequest, case_id: CaseId):
    """One case with its reporter, evidence, services, deadlines and timeline."""
    _staff(request)
    return _staff_answer(case_id)


@router.post(
    "/staff/abuse/cases/{case_id}/notify",
    response=responses({200: StaffCaseOut}, 400, 401, 403, 404),
    summary="Notify the client of an abuse case",
    tags=STAFF_TAGS,
)
def staff_abuse_case_notify(request: HttpRequest, case_id: CaseId, payload: NotifyIn):
    """Send the complaint to the client; the deadline starts now: hours by category
    (ABU-02) or working days for a third-party claim (ABU-03). 400 ``no_client`` before a
    service is linked; ``case_not_open`` once notified."""
    _staff(request)
    actions.abuse_case_notify(
        case=selectors.staff_case(case_id),
        actor=request.user,
        note=payload.note,
        category=payload.category,
    )
    return _staff_answer(case_id)


@router.post(
    "/staff/abuse/cases/{case_id}/services",
    response=responses({200: StaffCaseOut}, 400, 401, 403, 404),
    summary="Link a service to an abuse case",
    tags=STAFF_TAGS,
)
def staff_abuse_case_link(request: HttpRequest, case_id: CaseId, payload: LinkServiceIn):
    """Link a service; the first gives the case its client, later ones must be of it."""
    _staff(request)
    actions.abuse_case_service_link(
        case=selectors.staff_case(case_id), actor=request.user, service_public_id=payload.service
    )
    return _staff_answer(case_id)


@router.post(
    "/staff/abuse/cases/{case_id}/notes",
    response=responses({200: StaffCaseOut}, 400, 401, 403, 404),
    summary="Add a staff note to an abuse case",
    tags=STAFF_TAGS,
)
def staff_abuse_case_note(request: HttpRequest, case_id: CaseId, payload: NoteIn):
    """A note in the case's timeline, never shown to the client."""
    _staff(request)
    actions.abuse_case_note_add(
        case=selectors.staff_case(case_id), actor=request.user, note=payload.note
    )
    return _staff_answer(case_id)


@router.post(
    "/staff/abuse/cases/{case_id}/remedy-reject",
    response=responses({200: StaffCaseOut}, 400, 401, 403, 404),
    summary="Reject a claimed remedy",
    tags=STAFF_TAGS,
)
def staff_abuse_remedy_reject(request: HttpRequest, case_id: CaseId, payload: RequiredNoteIn):
    """The claimed remedy is not enough: the case's deadline applies again (ABU-02)."""
    _staff(request)
    actions.abuse_remedy_reject(
        case=selectors.staff_case(case_id), actor=request.user, note=payload.note
    )
    return _staff_answer(case_id)


@router.post(
    "/staff/abuse/cases/{case_id}/lift",
    response=responses({200: StaffCaseOut}, 400, 401, 403, 404),
    summary="Lift an abuse case",
    tags=STAFF_TAGS,
)
def staff_abuse_case_lift(request: HttpRequest, case_id: CaseId, payload: NoteIn):
    """The violation is remedied: the services the case suspended resume, a waiting
    termination proposal lapses and the client is told (ABU-02)."""
    _staff(request)
    actions.abuse_case_lift(
        case=selectors.staff_case(case_id), actor=request.user, note=payload.note
    )
    return _staff_answer(case_id)


@router.post(
    "/staff/abuse/cases/{case_id}/dismiss",
    response=responses({200: StaffCaseOut}, 400, 401, 403, 404),
    summary="Dismiss an abuse case",
    tags=STAFF_TAGS,
)
def staff_abuse_case_dismiss(request: HttpRequest, case_id: CaseId, payload: RequiredNoteIn):
    """No violation, or not the provider's client; anything it suspended resumes."""
    _staff(request)
    actions.abuse_case_dismiss(
        case=selectors.staff_case(case_id), actor=request.user, note=payload.note
    )
    return _staff_answer(case_id)


@router.post(
    "/staff/abuse/cases/{case_id}/propose-termination",
    response=responses({200: StaffCaseOut}, 400, 401, 403, 404),
    summary="Propose terminating what an abuse case suspended",
    tags=STAFF_TAGS,
)
def staff_abuse_termination_propose(request: HttpRequest, case_id: CaseId):
    """A suspended case not remedied within the term (003 §7.5): each service it suspended
    gets a termination proposal for staff with services.manage to confirm (AUT-06). 400
    ``too_early`` before the term, ``case_not_suspended`` otherwise."""
    _staff(request)
    abuse_termination_propose_now(case=selectors.staff_case(case_id), actor=request.user)
    return _staff_answer(case_id)
