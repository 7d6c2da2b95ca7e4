"""Acts of acceptance: the monthly closing documents (DOC-01), their disputes (DOC-02) and
requests for paper acts (DOC-03).

Clients and their trusted users (ACC-06) read the account's acts with their lines; disputing
or confirming an act and filing or withdrawing a paper-act request needs the owner or a
trusted user with the billing scope. An act not disputed by its deadline counts as accepted,
whether or not the periodic job has stored it so. Staff with ``billing.manage`` list acts,
decide disputes and mark paper acts sent. The payer printed on an act, the words of a
dispute and the postal address of a request are personal data: staff see them only with
``clients.view_personal_data``, and each such read is recorded in the audit trail (GDPR-12).
"""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import Path, Query, Router
from ninja.responses import Status

from hostledger.accounts import permissions as perms
from hostledger.accounts import selectors as accounts
from hostledger.api.errors import responses
from hostledger.api.personal_data import staff_may_read_personal_data
from hostledger.api.schemas import ActingClient, PageParams, page_of, paginate, path_id
from hostledger.api.schemas_acts import (
    ActDisputeIn,
    ActDisputeOut,
    ActDisputeResolveIn,
    ActFilter,
    ActOut,
    ActSummaryOut,
    PaperActRequestFileIn,
    PaperActRequestOut,
    PaperActSentIn,
    StaffActDisputeOut,
    StaffActFilter,
    StaffActSummaryOut,
    StaffPaperActFilter,
    StaffPaperActRequestOut,
    act_detail,
    act_summary,
    dispute_row,
    paper_request_row,
    staff_act_summary,
    staff_paper_request_row,
)
from hostledger.api.schemas_money import referenced
from hostledger.core.errors import NotFound
from hostledger.invoicing import act_selectors as selectors
from hostledger.invoicing import actions

router = Router(tags=["Acts of acceptance"])
STAFF_TAGS = ["Staff: acts of acceptance"]
BILLING_AREA = "billing"

ActId = Annotated[str, Path(**path_id("act", "act_3k9d2m7q8w1x4z6v"))]
RequestId = Annotated[str, Path(**path_id("paper-act request", "par_3k9d2m7q8w1x4z6v"))]


def _client_act(client, act_id: str):
    return selectors.client_act(client, act_id)


def _act_detail(act, *, with_personal_data: bool = True) -> dict:
    return act_detail(
        act,
        lines=selectors.act_lines(act),
        dispute=selectors.dispute_of_act(act),
        with_personal_data=with_personal_data,
    )


def _staff_act(act_id: str):
    act = selectors.acts_for_staff().filter(public_id=act_id).first()
    if act is None:
        raise NotFound("act")
    return act


def _staff_request(request_id: str):
    found = selectors.paper_act_requests_for_staff(status=None).filter(public_id=request_id)
    paper_request = found.first()
    if paper_request is None:
        raise NotFound("paper-act request")
    return paper_request


def _dispute_of(act):
    """The dispute of an act loaded by :func:`acts_for_staff`, or None."""
    try:
        return act.dispute
    except AttributeError:
        return None


# ----------------------------------------------------------------------------- clients


@router.get(
    "/acts",
    response=responses({200: page_of(ActSummaryOut)}, 400, 401, 403, 404),
    summary="List acts of acceptance",
)
def act_list(
    request: HttpRequest,
    acting: Query[ActingClient],
    filters: Query[ActFilter],
    page: Query[PageParams],
):
    """The client's acts of acceptance, newest month first, each with its status as shown
    today and its dispute deadline (DOC-01, DOC-02)."""
    access = accounts.client_access(request.user, acting.client, reads=accounts.BILLING_SCOPE)
    acts = selectors.client_acts(access.client, status=filters.status).select_related("payer")
    found = paginate(acts, page)
    found["items"] = [act_summary(act) for act in found["items"]]
    return found


@router.get(
    "/acts/{act_id}",
    response=responses({200: ActOut}, 400, 401, 403, 404),
    summary="Read an act of acceptance",
)
def act_read(request: HttpRequest, act_id: ActId, acting: Query[ActingClient]):
    """One of the client's acts with its lines (net, VAT and gross each), both parties as
    printed, its status, dispute deadline and dispute, if any (DOC-01, DOC-02)."""
    access = accounts.client_access(request.user, acting.client, reads=accounts.BILLING_SCOPE)
    return _act_detail(_client_act(access.client, act_id))


@router.post(
    "/acts/{act_id}/dispute",
    response=responses({201: ActDisputeOut}, 400, 401, 403, 404),
    summary="Dispute an act of acceptance",
)
def act_dispute(
    request: HttpRequest, act_id: ActId, acting: Query[ActingClient], payload: ActDisputeIn
):
    """Refuse to accept an act, with reasons, by its dispute deadline (DOC-02): it stays
    disputed until staff decide. After the deadline 400 ``dispute_period_over``; an act
    already disputed or accepted 400 ``act_disputed`` or ``act_accepted``. Needs the owner
    or a trusted user with the billing scope."""
    access = accounts.client_access(request.user, acting.client, reads=accounts.BILLING_SCOPE)
    act = _client_act(access.client, act_id)
    access.require_write(BILLING_AREA)
    dispute = actions.act_dispute(act=act, reasons=payload.reasons, actor=request.user)
    return Status(201, dispute_row(dispute, act=act))


@router.post(
    "/acts/{act_id}/confirm",
    response=responses({200: ActOut}, 400, 401, 403, 404),
    summary="Confirm an act of acceptance",
)
def act_confirm(request: HttpRequest, act_id: ActId, acting: Query[ActingClient]):
    """Accept an act before its dispute deadline, as signing it would (DOC-02). An act
    already disputed or accepted, or past its deadline, answers 400. Needs the owner or a
    trusted user with the billing scope."""
    access = accounts.client_access(request.user, acting.client, reads=accounts.BILLING_SCOPE)
    act = _client_act(access.client, act_id)
    access.require_write(BILLING_AREA)
    actions.act_confirm(act=act, actor=request.user)
    return _act_detail(_client_act(access.client, act_id))


@router.get(
    "/paper-act-requests",
    response=responses({200: page_of(PaperActRequestOut)}, 400, 401, 403, 404),
    summary="List paper-act requests",
)
def paper_act_request_list(
    request: HttpRequest, acting: Query[ActingClient], page: Query[PageParams]
):
    """The client's requests for paper acts, newest quarter first (DOC-03)."""
    access = accounts.client_access(request.user, acting.client, reads=accounts.BILLING_SCOPE)
    requests = selectors.client_paper_act_requests(access.client).select_related("payer")
    found = paginate(requests, page)
    found["items"] = [paper_request_row(item) for item in found["items"]]
    return found


@router.post(
    "/paper-act-requests",
    response=responses({201: PaperActRequestOut}, 400, 401, 403, 404),
    summary="Ask for a quarter's acts on paper",
)
def paper_act_request_file(
    request: HttpRequest, acting: Query[ActingClient], payload: PaperActRequestFileIn
):
    """Ask to receive the acts of one quarter (``quarter_of``: any day of it, the current one
    when omitted) on paper by post, for one payer (DOC-03). The payer's postal address is
    kept as it is now. A quarter that has not begun is refused (400); a second open request
    of the payer for the quarter answers 400 ``paper_acts_already_requested``. Needs the
    owner or a trusted user with the billing scope."""
    access = accounts.client_access(request.user, acting.client, reads=accounts.BILLING_SCOPE)
    access.require_write(BILLING_AREA)
    payer = referenced(lambda: access.payer(payload.payer), "payer")
    filed = actions.paper_act_request_file(
        client=access.client, payer=payer, actor=request.user, quarter_of=payload.quarter_of
    )
    return Status(201, paper_request_row(filed))


@router.post(
    "/paper-act-requests/{request_id}/withdraw",
    response=responses({200: PaperActRequestOut}, 400, 401, 403, 404),
    summary="Withdraw a paper-act request",
)
def paper_act_request_withdraw(
    request: HttpRequest, request_id: RequestId, acting: Query[ActingClient]
):
    """Withdraw an open paper-act request (DOC-03); a new one for the quarter may then be
    filed. A request already sent or withdrawn answers 400 ``paper_act_request_closed``.
    Needs the owner or a trusted user with the billing scope."""
    access = accounts.client_access(request.user, acting.client, reads=accounts.BILLING_SCOPE)
    paper_request = selectors.client_paper_act_request(access.client, request_id)
    access.require_write(BILLING_AREA)
    withdrawn = actions.paper_act_request_withdraw(request=paper_request, actor=request.user)
    return paper_request_row(withdrawn)


# ----------------------------------------------------------------------------- staff


@router.get(
    "/staff/acts",
    response=responses({200: page_of(StaffActSummaryOut)}, 400, 401, 403, 404),
    summary="List acts of all clients",
    tags=STAFF_TAGS,
)
def staff_act_list(request: HttpRequest, filters: Query[StaffActFilter], page: Query[PageParams]):
    """Acts of every client, newest month first, filtered by status as shown today, month
    (any day of it) and client (DOC-01, DOC-02). Needs billing.manage."""
    accounts.require_staff_permission(request.user, perms.BILLING_MANAGE)
    client = accounts.staff_client(filters.client) if filters.client else None
    acts = selectors.acts_for_staff(status=filters.status, month=filters.month, client=client)
    found = paginate(acts, page)
    found["items"] = [staff_act_summary(act, _dispute_of(act)) for act in found["items"]]
    return found


@router.get(
    "/staff/acts/{act_id}",
    response=responses({200: ActOut}, 400, 401, 403, 404),
    summary="Read any client's act of acceptance",
    tags=STAFF_TAGS,
)
def staff_act_read(request: HttpRequest, act_id: ActId):
    """One act with its lines and dispute (DOC-01, DOC-02). The payer printed and the words
    of the dispute are shown only with clients.view_personal_data, and that read is audited
    (GDPR-12). Needs billing.manage."""
    accounts.require_staff_permission(request.user, perms.BILLING_MANAGE)
    act = _staff_act(act_id)
    readable = staff_may_read_personal_data(
        request, client=act.client, what=f"payer and dispute of act {act_id} (API)"
    )
    return _act_detail(act, with_personal_data=readable)


@router.get(
    "/staff/act-disputes",
    response=responses({200: page_of(StaffActDisputeOut)}, 400, 401, 403),
    summary="List open disputes of acts",
    tags=STAFF_TAGS,
)
def staff_act_dispute_list(request: HttpRequest, page: Query[PageParams]):
    """Disputes waiting for a decision, oldest first (DOC-02). The client's reasons are shown
    only with clients.view_personal_data, and that read is audited (GDPR-12). Needs
    billing.manage."""
    accounts.require_staff_permission(request.user, perms.BILLING_MANAGE)
    found = paginate(selectors.open_act_disputes_for_staff(), page)
    shown = ", ".join(dispute.public_id for dispute in found["items"])
    readable = bool(found["items"]) and staff_may_read_personal_data(
        request, what=f"reasons of act disputes {shown} (API)"
    )
    found["items"] = [
        {
            **dispute_row(dispute, act=dispute.act, readable=readable),
            "act": staff_act_summary(dispute.act, dispute),
        }
        for dispute in found["items"]
    ]
    return found


@router.post(
    "/staff/acts/{act_id}/dispute-resolution",
    response=responses({200: StaffActDisputeOut}, 400, 401, 403, 404),
    summary="Decide the dispute of an act",
    tags=STAFF_TAGS,
)
def staff_act_dispute_resolve(request: HttpRequest, act_id: ActId, payload: ActDisputeResolveIn):
    """Decide an open dispute, with a note (DOC-02): ``upheld`` marks the act
    ``dispute_upheld`` (correct the services with a credit note, a separate step);
    ``rejected`` accepts the act. An act without an open dispute answers 400
    ``act_not_disputed``. Needs billing.manage."""
    accounts.require_staff_permission(request.user, perms.BILLING_MANAGE)
    act = _staff_act(act_id)
    dispute = actions.act_dispute_resolve(
        act=act, outcome=payload.outcome, note=payload.note, actor=request.user
    )
    act = _staff_act(act_id)
    readable = staff_may_read_personal_data(
        request, client=act.client, what=f"dispute of act {act_id} (API)"
    )
    return {
        **dispute_row(dispute, act=act, readable=readable),
        "act": staff_act_summary(act, dispute),
    }


@router.get(
    "/staff/paper-act-requests",
    response=responses({200: page_of(StaffPaperActRequestOut)}, 400, 401, 403),
    summary="List paper-act requests",
    tags=STAFF_TAGS,
)
def staff_paper_act_request_list(
    request: HttpRequest, filters: Query[StaffPaperActFilter], page: Query[PageParams]
):
    """Requests for paper acts, oldest quarter first, filtered by status and quarter
    (DOC-03). The postal address is shown only with clients.view_personal_data, and that
    read is audited (GDPR-12). Needs billing.manage."""
    accounts.require_staff_permission(request.user, perms.BILLING_MANAGE)
    requests = selectors.paper_act_requests_for_staff(
        status=filters.status, period_start=filters.period_start
    )
    found = paginate(requests, page)
    shown = ", ".join(item.public_id for item in found["items"])
    readable = bool(found["items"]) and staff_may_read_personal_data(
        request, what=f"postal addresses of paper-act requests {shown} (API)"
    )
    found["items"] = [
        staff_paper_request_row(item, with_address=readable) for item in found["items"]
    ]
    return found


@router.post(
    "/staff/paper-act-requests/{request_id}/sent",
    response=responses({200: StaffPaperActRequestOut}, 400, 401, 403, 404),
    summary="Mark paper acts sent",
    tags=STAFF_TAGS,
)
def staff_paper_act_request_mark_sent(
    request: HttpRequest, request_id: RequestId, payload: PaperActSentIn
):
    """Record that the paper acts of a request were posted, with an optional tracking number
    (DOC-03). A request already sent or withdrawn answers 400 ``paper_act_request_closed``.
    Needs billing.manage."""
    accounts.require_staff_permission(request.user, perms.BILLING_MANAGE)
    paper_request = _staff_request(request_id)
    sent = actions.paper_act_request_mark_sent(
        request=paper_request, actor=request.user, note=payload.note
    )
    readable = staff_may_read_personal_data(
        request, client=sent.client, what=f"postal address of paper-act request {request_id} (API)"
    )
    return staff_paper_request_row(sent, with_address=readable)
