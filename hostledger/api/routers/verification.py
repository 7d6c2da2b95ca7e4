"""Data verification requests (ACC-10, 003 §2.2.9): the client reads and answers them; staff
open them and accept or reject the answers.

Unanswered after the deadline, a request blocks the client's orders, upgrades and
extensions (refused with code ``verification_pending``) until the answer is accepted or,
without a decision, a few working days after it. Staff operations need ``clients.edit``
(ACC-11) and never echo the client's answer.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema
from ninja.responses import Status

from hostledger.accounts import actions, selectors
from hostledger.accounts import permissions as perms
from hostledger.accounts.actions.verification import (
    MAX_ANSWER_LENGTH,
    MAX_NOTE_LENGTH,
    MAX_QUESTION_LENGTH,
)
from hostledger.api.errors import responses
from hostledger.api.schemas import (
    ActingClient,
    InputSchema,
    PageParams,
    page_of,
    paginate,
    path_id,
    text,
)

router = Router(tags=["Data verification"])

VerificationState = Literal["open", "answered", "accepted", "rejected", "withdrawn"]
EXAMPLE_ID = "vrq_3k9d2m7q8w1x4z6v"


class VerificationFields(Schema):
    id: str = Field(description="Public id of the request.", examples=[EXAMPLE_ID])
    question: str = Field(examples=["Please confirm your street address."])
    state: VerificationState = Field(
        description="open or rejected: an answer is owed; answered: awaiting the provider's "
        "review; accepted or withdrawn: settled."
    )
    note: str = Field(
        description="The provider's note: what is still needed after a rejection.",
        examples=[""],
    )
    opened_on: date
    answer_due_on: date = Field(description="The last day to answer.")
    answered_at: datetime | None
    lift_due_on: date | None = Field(
        description="After an answer: the last day a restriction of this request lasts."
    )

    @staticmethod
    def resolve_id(item) -> str:
        return item.public_id

    @staticmethod
    def resolve_note(item) -> str:
        return item.staff_note


class VerificationOut(VerificationFields):
    """A data verification request of the client, with the client's answer (ACC-10)."""

    answer: str = Field(description="The client's answer, or empty.", examples=[""])
    restricts: bool = Field(
        description="Whether the request blocks orders, upgrades and extensions today."
    )

    @staticmethod
    def resolve_restricts(item) -> bool:
        return getattr(item, "restricts_today", False)


class StaffVerificationOut(VerificationFields):
    """A data verification request as staff act on it; the client's answer is read on the
    staff client page (ACC-10)."""

    client: str = Field(description="Public id of the client.", examples=["cli_7m2k9d3q8w1x4z6v"])
    round: int = Field(description="How many times the question was asked.", examples=[1])
    terminable_on: date = Field(
        description="From this day, still unanswered, the contract may be terminated."
    )

    @staticmethod
    def resolve_client(item) -> str:
        return item.client.public_id


class AnswerIn(InputSchema):
    answer: text(MAX_ANSWER_LENGTH, "The answer to the question.", ["Pikk 1, Tartu"])


class OpenIn(InputSchema):
    question: text(
        MAX_QUESTION_LENGTH,
        "The question, sent to the client by email.",
        ["Please confirm your registry code."],
    )


class DecisionIn(InputSchema):
    note: text(MAX_NOTE_LENGTH, "A note to the client.", ["The address is incomplete."]) = ""


class RejectIn(InputSchema):
    note: text(
        MAX_NOTE_LENGTH, "What is still needed; sent to the client.", ["The city is missing."]
    )


RequestId = Annotated[str, Path(**path_id("verification request", EXAMPLE_ID))]
ClientId = Annotated[str, Path(**path_id("client", "cli_7m2k9d3q8w1x4z6v"))]


def _marked(items, client) -> list:
    """``items`` with ``restricts_today`` set, from one query."""
    from django.utils import timezone

    restricting = set(
        selectors.client_verification_requests(client)
        .filter(selectors.verification_restricting(timezone.localdate()))
        .values_list("pk", flat=True)
    )
    for item in items:
        item.restricts_today = item.pk in restricting
    return items


@router.get(
    "/verification-requests",
    response=responses({200: page_of(VerificationOut)}, 400, 401, 403, 404),
    summary="List verification requests",
)
def verification_request_list(
    request: HttpRequest, acting: Query[ActingClient], page: Query[PageParams]
):
    """The client's data verification requests, newest first (ACC-10)."""
    access = selectors.client_access(request.user, acting.client)
    found = paginate(selectors.client_verification_requests(access.client), page)
    found["items"] = _marked(list(found["items"]), access.client)
    return found


@router.post(
    "/verification-requests/{request_id}/answer",
    response=responses({200: VerificationOut}, 400, 401, 403, 404),
    summary="Answer a verification request",
)
def verification_request_answer(
    request: HttpRequest, request_id: RequestId, acting: Query[ActingClient], payload: AnswerIn
):
    """Answer a request that awaits an answer (ACC-10); the account owner's alone. A request
    that does not await one answers 400 ``verification_state``."""
    access = selectors.client_access(request.user, acting.client)
    item = selectors.client_verification_request(access.client, request_id)
    access.require_owner()
    answered = actions.verification_request_answer(
        request=item, answer=payload.answer, actor=request.user
    )
    return _marked([answered], access.client)[0]


@router.post(
    "/staff/clients/{client_id}/verification-requests",
    response=responses({201: StaffVerificationOut}, 400, 401, 403, 404),
    summary="Open a verification request",
)
def staff_verification_request_open(request: HttpRequest, client_id: ClientId, payload: OpenIn):
    """Ask a client to confirm or complete their data; the question is emailed to them at
    once (ACC-10). Needs clients.edit."""
    selectors.require_staff_permission(request.user, perms.CLIENTS_EDIT)
    client = selectors.staff_client(client_id)
    opened = actions.verification_request_open(
        client=client, question=payload.question, actor=request.user
    )
    return Status(201, opened)


@router.post(
    "/staff/verification-requests/{request_id}/accept",
    response=responses({200: StaffVerificationOut}, 400, 401, 403, 404),
    summary="Accept an answer",
)
def staff_verification_request_accept(
    request: HttpRequest, request_id: RequestId, payload: DecisionIn
):
    """Accept the client's answer: any restriction of the request lifts at once (ACC-10).
    Needs clients.edit."""
    selectors.require_staff_permission(request.user, perms.CLIENTS_EDIT)
    item = selectors.staff_verification_request(request_id)
    return actions.verification_request_accept(request=item, actor=request.user, note=payload.note)


@router.post(
    "/staff/verification-requests/{request_id}/reject",
    response=responses({200: StaffVerificationOut}, 400, 401, 403, 404),
    summary="Reject an answer",
)
def staff_verification_request_reject(
    request: HttpRequest, request_id: RequestId, payload: RejectIn
):
    """Reject the client's answer and ask again with a new deadline; the note says what is
    still needed and is sent to the client (ACC-10). Needs clients.edit."""
    selectors.require_staff_permission(request.user, perms.CLIENTS_EDIT)
    item = selectors.staff_verification_request(request_id)
    return actions.verification_request_reject(request=item, actor=request.user, note=payload.note)
