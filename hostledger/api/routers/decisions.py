"""API v1: decisions with legal effect that the billing run proposed or made (AUT-06, GDPR
art. 22).

Clients and their trusted users (ACC-06) read the decisions about the client with the facts
each rested on; the owner, or a trusted user with the services or billing scope, may ask once
for a person to review a decision. Another client's decision answers 404 (habit 6). Staff
with ``clients.view`` list every decision; confirming or rejecting a proposal and answering a
review need ``services.manage``. A decision no longer open answers 400.
"""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router

from hostledger.accounts import permissions as perms
from hostledger.accounts import selectors as accounts
from hostledger.api.errors import responses
from hostledger.api.schemas import ActingClient, PageParams, page_of, paginate, path_id
from hostledger.api.schemas_decisions import (
    EXAMPLE_ID,
    ConfirmIn,
    DecisionOut,
    RejectIn,
    ReviewAnswerIn,
    ReviewRequestIn,
    StaffDecisionFilter,
    StaffDecisionOut,
    decision_row,
    staff_decision_row,
)
from hostledger.automation import actions, selectors
from hostledger.core.errors import PermissionDenied

router = Router(tags=["Automated decisions"])
STAFF_TAGS = ["Staff: automated decisions"]
REVIEW_AREAS = ("services", "billing")

DecisionId = Annotated[str, Path(**path_id("decision", EXAMPLE_ID))]


# ----------------------------------------------------------------------------- clients


@router.get(
    "/decisions",
    response=responses({200: page_of(DecisionOut)}, 400, 401, 403, 404),
    summary="List decisions about the client",
)
def decision_list(request: HttpRequest, acting: Query[ActingClient], page: Query[PageParams]):
    """Every decision the billing run proposed or made about the client, newest first, with
    the facts it rested on, where it stands and any review asked for and answered (AUT-06)."""
    access = accounts.client_access(request.user, acting.client)
    found = paginate(selectors.client_decisions(access.client), page)
    found["items"] = [decision_row(decision) for decision in found["items"]]
    return found


@router.post(
    "/decisions/{decision_id}/review",
    response=responses({200: DecisionOut}, 400, 401, 403, 404),
    summary="Ask for a person to review a decision",
)
def decision_review(
    request: HttpRequest,
    decision_id: DecisionId,
    acting: Query[ActingClient],
    payload: ReviewRequestIn,
):
    """Ask for a person to review a decision about the client, saying why (AUT-06, GDPR
    art. 22); staff answer with the outcome. Once per decision: asked again, 400
    ``review_already_requested``. Needs the owner or a trusted user with the services or
    billing scope."""
    access = accounts.client_access(request.user, acting.client)
    decision = selectors.client_decision(access.client, decision_id)
    if not any(access.can_write(area) for area in REVIEW_AREAS):
        raise PermissionDenied(_("Your access to this account does not allow asking for a review."))
    actions.decision_review_request(decision=decision, client=access.client, reason=payload.reason)
    return decision_row(selectors.client_decision(access.client, decision_id))


# ----------------------------------------------------------------------------- staff


@router.get(
    "/staff/decisions",
    response=responses({200: page_of(StaffDecisionOut)}, 400, 401, 403, 404),
    summary="List automated decisions",
    tags=STAFF_TAGS,
)
def staff_decision_list(
    request: HttpRequest, filters: Query[StaffDecisionFilter], page: Query[PageParams]
):
    """Decisions of every client, newest first, by state, kind, review (``open``: asked and
    not answered) and client (AUT-06). Needs clients.view."""
    accounts.require_staff_permission(request.user, perms.CLIENTS_VIEW)
    client = accounts.staff_client(filters.client) if filters.client else None
    found = paginate(
        selectors.decisions_for_staff(
            state=filters.state, kind=filters.kind, review=filters.review, client=client
        ),
        page,
    )
    found["items"] = [staff_decision_row(decision) for decision in found["items"]]
    return found


def _staff_answer(decision_id: str) -> dict:
    return staff_decision_row(selectors.staff_decision(decision_id))


@router.post(
    "/staff/decisions/{decision_id}/confirm",
    response=responses({200: StaffDecisionOut}, 400, 401, 403, 404),
    summary="Confirm a proposed decision",
    tags=STAFF_TAGS,
)
def staff_decision_confirm(request: HttpRequest, decision_id: DecisionId, payload: ConfirmIn):
    """Confirm a proposed termination: it is carried out now and the debt remains (AUT-02,
    AUT-06). 400 ``decision_not_open`` once decided. When the debt was paid or the client
    answered meanwhile, nothing is terminated and the decision comes back ``lapsed``. Needs
    services.manage."""
    accounts.require_staff_permission(request.user, perms.SERVICES_MANAGE)
    decision = selectors.staff_decision(decision_id)
    actions.decision_confirm(decision=decision, actor=request.user, note=payload.note)
    return _staff_answer(decision_id)


@router.post(
    "/staff/decisions/{decision_id}/reject",
    response=responses({200: StaffDecisionOut}, 400, 401, 403, 404),
    summary="Reject a proposed decision",
    tags=STAFF_TAGS,
)
def staff_decision_reject(request: HttpRequest, decision_id: DecisionId, payload: RejectIn):
    """Reject a proposed termination; the note saying why is required and the client sees
    it (AUT-06). 400 ``decision_not_open`` once decided. Needs services.manage."""
    accounts.require_staff_permission(request.user, perms.SERVICES_MANAGE)
    decision = selectors.staff_decision(decision_id)
    actions.decision_reject(decision=decision, actor=request.user, note=payload.note)
    return _staff_answer(decision_id)


@router.post(
    "/staff/decisions/{decision_id}/review-answer",
    response=responses({200: StaffDecisionOut}, 400, 401, 403, 404),
    summary="Answer a client's review request",
    tags=STAFF_TAGS,
)
def staff_decision_review_answer(
    request: HttpRequest, decision_id: DecisionId, payload: ReviewAnswerIn
):
    """Answer the client's request for a human review with what a person found (AUT-06).
    400 ``no_open_review`` when no review is open. Needs services.manage."""
    accounts.require_staff_permission(request.user, perms.SERVICES_MANAGE)
    decision = selectors.staff_decision(decision_id)
    actions.decision_review_answer(decision=decision, actor=request.user, outcome=payload.outcome)
    return _staff_answer(decision_id)
