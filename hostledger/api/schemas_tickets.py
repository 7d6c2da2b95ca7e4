"""Schemas of the support ticket operations (SUP-01)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from hostledger.api.schemas import InputSchema, text

TicketStatusText = Literal["open", "answered", "waiting_for_client", "on_hold", "closed"]
AnswerStatusText = Literal["answered", "waiting_for_client", "on_hold", "closed"]
PriorityText = Literal["low", "normal", "high", "urgent"]
EXAMPLE_TICKET = "tkt_3k9d2m7q8w1x4z6v"

MAX_FILES = 50
BODY_MAX = 1_000_000


class DepartmentOut(Schema):
    """A department a ticket can be opened in."""

    slug: str = Field(examples=["support"])
    name: str = Field(examples=["Technical support"])
    first_response_hours: int = Field(description="Target for the first answer, in hours.")
    resolution_hours: int = Field(description="Target for resolving a ticket, in hours.")


class AttachmentOut(Schema):
    id: str = Field(examples=["att_3k9d2m7q8w1x4z6v"])
    file_name: str = Field(examples=["screenshot.png"])
    content_type: str = Field(
        description="The type recognised from the content.", examples=["image/png"]
    )
    size: int = Field(description="Size in bytes.", examples=[48211])

    @staticmethod
    def resolve_id(item) -> str:
        return item.public_id


class MessageOut(Schema):
    """One message of a ticket's thread."""

    id: str = Field(examples=["tms_3k9d2m7q8w1x4z6v"])
    author: Literal["client", "trusted_user", "staff", "sender"] = Field(
        description="Who wrote it: the account owner, a trusted user, staff, or a mail sender."
    )
    body: str = Field(examples=["We restarted the server."])
    source: Literal["web", "api", "mail", "staff"]
    created_at: datetime
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_id(item) -> str:
        return item.public_id

    @staticmethod
    def resolve_author(item) -> str:
        return item.author_kind

    @staticmethod
    def resolve_attachments(item) -> list:
        return list(item.attachments.all())


class StaffMessageOut(MessageOut):
    """A message as staff read it: internal notes included and marked."""

    internal_note: bool = Field(description="Written by staff for staff; clients never see it.")
    author_email: str | None = Field(description="The writer's login e-mail, when known.")

    @staticmethod
    def resolve_internal_note(item) -> bool:
        return item.is_internal_note

    @staticmethod
    def resolve_author_email(item) -> str | None:
        return item.author.email if item.author_id else None


class TicketOut(Schema):
    """A ticket of the client (SUP-01)."""

    id: str = Field(examples=[EXAMPLE_TICKET])
    number: str = Field(description="The number people quote.", examples=["T-000123"])
    department: str = Field(examples=["support"])
    subject: str = Field(examples=["The server does not answer"])
    status: TicketStatusText
    created_at: datetime
    updated_at: datetime = Field(description="Last activity.")
    first_response_at: datetime | None
    resolved_at: datetime | None
    rating: int | None = Field(description="The client's rating, 1 to 5.")
    rating_comment: str

    @staticmethod
    def resolve_id(item) -> str:
        return item.public_id

    @staticmethod
    def resolve_number(item) -> str:
        return item.number_display

    @staticmethod
    def resolve_department(item) -> str:
        return item.department.slug


class TicketDetailOut(TicketOut):
    """A ticket with its thread; never internal notes."""

    messages: list[MessageOut]


class StaffTicketOut(TicketOut):
    """A ticket as staff work it."""

    client: str | None = Field(
        description="Public id of the client; empty for mail of an unknown sender.",
        examples=["cli_7m2k9d3q8w1x4z6v"],
    )
    priority: PriorityText
    assignee: str | None = Field(description="Public id of the staff member assigned.")
    needs_review: bool = Field(description="Mail of an unknown sender awaiting review.")
    first_response_due_at: datetime
    resolution_due_at: datetime

    @staticmethod
    def resolve_client(item) -> str | None:
        return item.client.public_id if item.client_id else None

    @staticmethod
    def resolve_assignee(item) -> str | None:
        return item.assignee.public_id if item.assignee_id else None

    @staticmethod
    def resolve_first_response_due_at(item) -> datetime:
        return item.first_response_due_at()

    @staticmethod
    def resolve_resolution_due_at(item) -> datetime:
        return item.resolution_due_at()


class StaffTicketDetailOut(StaffTicketOut):
    messages: list[StaffMessageOut]


class AttachmentIn(InputSchema):
    file_name: text(200, "The file's name.", ["screenshot.png"])
    content_base64: str = Field(
        max_length=140_000_000,
        description="The file's bytes in base64. Its type is recognised from the content.",
        examples=["iVBORw0KGgo="],
    )


class TicketOpenIn(InputSchema):
    department: str = Field(
        max_length=40, description="Slug of the department.", examples=["support"]
    )
    subject: text(1000, "The subject, one line.", ["The server does not answer"])
    body: str = Field(max_length=BODY_MAX, description="The message.", examples=["Since 08:00."])
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=MAX_FILES)


class ReplyIn(InputSchema):
    body: str = Field(max_length=BODY_MAX, description="The message.", examples=["Thanks!"])
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=MAX_FILES)


class StaffReplyIn(ReplyIn):
    status: AnswerStatusText = Field("answered", description="What the ticket becomes.")


class NoteIn(InputSchema):
    body: str = Field(max_length=BODY_MAX, description="The note, for staff only.")


class RatingIn(InputSchema):
    rating: int = Field(ge=1, le=5, description="1 (bad) to 5 (very good).", examples=[5])
    comment: text(2000, "An optional comment.", ["Quick and clear."]) = ""


class AssigneeIn(InputSchema):
    assignee: str | None = Field(
        None,
        max_length=40,
        description="Public id of a staff member who answers tickets; null for nobody.",
        examples=["usr_3k9d2m7q8w1x4z6v"],
    )


class StatusIn(InputSchema):
    status: TicketStatusText


class TicketSearchIn(InputSchema):
    q: text(
        200, "A word of the subject or a message, a sender's address, or the number.", ["backup"]
    )
    limit: int = Field(50, ge=1, le=100)
    offset: int = Field(0, ge=0, le=1_000_000)
