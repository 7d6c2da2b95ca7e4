"""Schemas of data-subject requests (GDPR-07) and staff corrections (GDPR-03)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema

from hostledger.api.schemas import PUBLIC_ID_PATTERN, InputSchema, text
from hostledger.privacy.actions_requests import DETAILS_MAX, NOTE_MAX, RESPONSE_MAX
from hostledger.privacy.models import DataSubjectRequest

RequestKind = Literal[
    "access", "portability", "rectification", "erasure", "restriction", "objection"
]
RequestStatus = Literal["awaiting_verification", "in_progress", "completed", "refused", "withdrawn"]
StaffChannel = Literal["letter", "email"]
EXAMPLE_ID = "dsr_3k9d2m7q8w1x4z6v"
EXAMPLE_CLIENT = "cli_7m2k9d3q8w1x4z6v"


class PrivacyRequestOut(Schema):
    """A data-subject request of the client: where it stands, when it is due and the answer
    (GDPR-07)."""

    id: str = Field(description="Public id of the request.", examples=[EXAMPLE_ID])
    kind: RequestKind
    channel: Literal["client_area", "api", "letter", "email"]
    status: RequestStatus = Field(
        description="awaiting_verification: confirm it in the client area (after signing in "
        "again) or wait for staff to verify who you are; in_progress: being handled; "
        "completed: answered; refused: see response; withdrawn by you."
    )
    details: str = Field(description="What the client asked, in their words.")
    received_at: datetime
    deadline_on: date = Field(description="One month from receipt.")
    due_on: date = Field(description="The day the answer is due, after any extension.")
    extended_until: date | None
    extension_reason: str = Field(description="Why the provider needs more time.")
    verified_at: datetime | None
    response: str = Field(description="The answer, once completed or refused.")
    responded_at: datetime | None
    closed_at: datetime | None


def request_row(item: DataSubjectRequest) -> dict:
    return {
        "id": item.public_id,
        "kind": item.kind,
        "channel": item.channel,
        "status": item.status,
        "details": item.details,
        "received_at": item.received_at,
        "deadline_on": item.deadline_on,
        "due_on": item.due_on,
        "extended_until": item.extended_until,
        "extension_reason": item.extension_reason,
        "verified_at": item.verified_at,
        "response": item.response,
        "responded_at": item.responded_at,
        "closed_at": item.closed_at,
    }


class StaffPrivacyRequestOut(Schema):
    """A request in the staff queue: no text of the client's, which is read one request at
    a time (each read audited)."""

    id: str = Field(examples=[EXAMPLE_ID])
    client_id: str = Field(examples=[EXAMPLE_CLIENT])
    kind: RequestKind
    channel: Literal["client_area", "api", "letter", "email"]
    status: RequestStatus
    received_at: datetime
    deadline_on: date
    due_on: date
    extended_until: date | None
    days_left: int | None = Field(description="Days until due; negative when overdue.")
    verification_method: str = Field(
        description="second_factor_reauthentication, password_reauthentication, "
        "staff_recorded, or empty while not verified."
    )
    verified_at: datetime | None
    responded_at: datetime | None
    closed_at: datetime | None


class StaffPrivacyRequestDetailOut(StaffPrivacyRequestOut):
    """One request with the client's text, how identity was verified and the answer."""

    details: str
    verification_note: str
    extension_reason: str
    response: str


def staff_request_row(item: DataSubjectRequest, *, days_left: int | None) -> dict:
    return {
        "id": item.public_id,
        "client_id": item.client.public_id,
        "kind": item.kind,
        "channel": item.channel,
        "status": item.status,
        "received_at": item.received_at,
        "deadline_on": item.deadline_on,
        "due_on": item.due_on,
        "extended_until": item.extended_until,
        "days_left": days_left,
        "verification_method": item.verification_method,
        "verified_at": item.verified_at,
        "responded_at": item.responded_at,
        "closed_at": item.closed_at,
    }


def staff_request_detail(item: DataSubjectRequest, *, days_left: int | None) -> dict:
    return {
        **staff_request_row(item, days_left=days_left),
        "details": item.details,
        "verification_note": item.verification_note,
        "extension_reason": item.extension_reason,
        "response": item.response,
    }


class PrivacyRequestIn(InputSchema):
    kind: RequestKind
    details: text(DETAILS_MAX, "What you ask for, in your words.", ["Please send me my data."]) = ""


class StaffRecordIn(InputSchema):
    kind: RequestKind
    channel: StaffChannel = Field(description="How the request came.")
    details: text(DETAILS_MAX, "What the client asked.", ["Letter: erase my account."]) = ""
    received_on: date | None = Field(
        None, description="The day it was received (default today); not in the future."
    )
    verification_note: text(
        NOTE_MAX,
        "How the client's identity was verified; empty when not yet verified.",
        ["Signature matches the contract."],
    ) = ""


class VerifyIn(InputSchema):
    note: text(NOTE_MAX, "How the identity was verified.", ["Called back on the number on file."])


class ExtendIn(InputSchema):
    months: int = Field(
        ge=1, le=2, description="Months after the original deadline (at most the setting)."
    )
    reason: text(NOTE_MAX, "Why more time is needed; sent to the client.", ["Ten years of data."])


class RespondIn(InputSchema):
    response: text(RESPONSE_MAX, "The answer; the client reads it.", ["Your data is attached."])


class RefuseIn(InputSchema):
    reason: text(NOTE_MAX, "Why the request is refused; sent to the client.", ["Unverified."])


class StaffRequestFilter(Schema):
    status: RequestStatus | None = Field(None, description="Only requests in this status.")
    kind: RequestKind | None = Field(None, description="Only requests of this kind.")
    include_closed: bool = Field(False, description="Closed requests too (default: open only).")
    client: str | None = Field(
        None,
        pattern=PUBLIC_ID_PATTERN,
        description="Only of this client.",
        examples=[EXAMPLE_CLIENT],
    )


class RectifyIn(InputSchema):
    target: str | None = Field(
        None,
        pattern=PUBLIC_ID_PATTERN,
        description="Public id of a payer or contact person of the client; omit for the "
        "client's own data.",
        examples=[EXAMPLE_CLIENT],
    )
    corrections: dict[
        Literal[
            "first_name",
            "last_name",
            "company_name",
            "registry_code",
            "vat_number",
            "street",
            "city",
            "postal_code",
            "country",
            "phone",
            "name",
            "invoice_email",
            "buyer_reference",
            "email",
        ],
        text(300, "The corrected value.", ["Pikk 2"]),
    ] = Field(description="Field → corrected value; only fields of the target's kind.")
    reason: text(100, "Why; kept in the history, told to the client.", ["Letter of 3 May."])
    request: str | None = Field(
        None,
        pattern=PUBLIC_ID_PATTERN,
        description="A rectification request of the client this correction answers.",
        examples=[EXAMPLE_ID],
    )


class RectificationOut(Schema):
    target_id: str = Field(examples=[EXAMPLE_CLIENT])
    fields: list[str] = Field(description="The fields that changed.")
    response: str = Field(description="What the client is told, with the note on documents.")
    request_id: str | None = Field(description="The request completed by it, if any.")
