"""Support tickets (SUP-01): clients list, open, read, answer, close and rate their tickets;
staff work the queue, search, answer, add internal notes, assign and set the status.

Client operations act in the caller's account or, with ``?client=``, in an account that
granted them the tickets scope (ACC-06): a read-only grant reads, a grant without tickets is
refused 403, and another client's ticket is a 404. Internal notes never appear in client
answers. Staff operations need ``tickets.answer``. Attachments travel as base64 in the JSON
body; their type is recognised from their content, and a refused file answers 400 naming
``attachments``. Every refusal of a business rule answers 400 with its code (decision 0016).
"""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema
from ninja.responses import Status

from hostledger.accounts import selectors as accounts
from hostledger.api.errors import responses
from hostledger.api.schemas import ActingClient, PageParams, page_of, paginate, path_id
from hostledger.api.schemas_tickets import (
    EXAMPLE_TICKET,
    AssigneeIn,
    DepartmentOut,
    MessageOut,
    NoteIn,
    RatingIn,
    ReplyIn,
    StaffMessageOut,
    StaffReplyIn,
    StaffTicketDetailOut,
    StaffTicketOut,
    StatusIn,
    TicketDetailOut,
    TicketOpenIn,
    TicketOut,
    TicketSearchIn,
)
from hostledger.core.audit import record_personal_data_read
from hostledger.core.errors import DomainError
from hostledger.support import actions
from hostledger.support import selectors as support
from hostledger.support.models import AuthorKind, TicketSource

router = Router(tags=["Support tickets"])

TicketId = Annotated[str, Path(**path_id("ticket", EXAMPLE_TICKET))]
AREA = support.TICKETS_AREA


class QueueParams(Schema):
    department: str = Field(
        "", max_length=40, pattern=r"^[-a-zA-Z0-9_]*$", description="Slug of a department."
    )
    status: Literal["", "open", "answered", "waiting_for_client", "on_hold", "closed"] = Field(
        "", description="Only this status; empty: every status but closed."
    )
    assignee: str = Field(
        "",
        max_length=40,
        pattern=r"^([a-z]{3}_[0-9a-z]{16}|me|none)?$",
        description='A staff public id, "me", "none" or empty for anyone.',
    )
    review: bool = Field(False, description="Only mail of unknown senders awaiting review.")


def _uploads(items) -> list[actions.AttachmentUpload]:
    uploads = []
    for index, item in enumerate(items or ()):
        try:
            data = base64.b64decode(item.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise DomainError(
                "invalid_input",
                _("attachments.%(index)s.content_base64: not valid base64.") % {"index": index},
                fields={f"attachments.{index}.content_base64": "not valid base64"},
            ) from None
        uploads.append(actions.AttachmentUpload(file_name=item.file_name, data=data))
    return uploads


def _author_kind(access) -> str:
    return AuthorKind.CLIENT if access.is_owner else AuthorKind.TRUSTED_USER


def _detail(ticket):
    ticket.messages_for_client = list(support.client_ticket_messages(ticket))
    return ticket


class _Detail(TicketDetailOut):
    @staticmethod
    def resolve_messages(item) -> list:
        return item.messages_for_client


class _StaffDetail(StaffTicketDetailOut):
    @staticmethod
    def resolve_messages(item) -> list:
        return list(support.staff_ticket_messages(item))


@router.get(
    "/support/departments",
    response=responses({200: list[DepartmentOut]}, 401, 403),
    summary="List support departments",
)
def department_list(request: HttpRequest):
    """The departments a ticket can be opened in, with their answer targets (SUP-01)."""
    return list(support.active_departments())


@router.get(
    "/tickets",
    response=responses({200: page_of(TicketOut)}, 400, 401, 403, 404),
    summary="List tickets",
)
def ticket_list(request: HttpRequest, acting: Query[ActingClient], page: Query[PageParams]):
    """The account's tickets, latest activity first (SUP-01)."""
    access = accounts.client_access(request.user, acting.client)
    return paginate(support.client_tickets(access), page)


@router.post(
    "/tickets",
    response=responses({201: _Detail}, 400, 401, 403, 404, 413),
    summary="Open a ticket",
)
def ticket_open(request: HttpRequest, acting: Query[ActingClient], payload: TicketOpenIn):
    """Open a ticket in a department with a first message and attachments (SUP-01). Needs
    the tickets scope to write (ACC-06). An unknown department answers 400 naming
    ``department``; a refused attachment 400 naming ``attachments``."""
    access = accounts.client_access(request.user, acting.client)
    access.require_write(AREA)
    ticket = actions.ticket_open(
        client=access.client,
        department=support.department_by_slug(payload.department),
        subject=payload.subject,
        body=payload.body,
        author=request.user,
        author_kind=_author_kind(access),
        source=TicketSource.API,
        files=_uploads(payload.attachments),
    )
    return Status(201, _detail(ticket))


@router.get(
    "/tickets/{ticket_id}",
    response=responses({200: _Detail}, 400, 401, 403, 404),
    summary="Read a ticket",
)
def ticket_read(request: HttpRequest, ticket_id: TicketId, acting: Query[ActingClient]):
    """A ticket with its thread and the attachments' names, types and sizes; internal notes
    of staff are never included (SUP-01)."""
    access = accounts.client_access(request.user, acting.client)
    return _detail(support.client_ticket(access, ticket_id))


@router.post(
    "/tickets/{ticket_id}/replies",
    response=responses({201: MessageOut}, 400, 401, 403, 404, 413),
    summary="Answer in a ticket",
)
def ticket_reply(
    request: HttpRequest, ticket_id: TicketId, acting: Query[ActingClient], payload: ReplyIn
):
    """Add the client's answer; the ticket opens again for staff (SUP-01). A merged ticket
    answers 400 ``ticket_merged``."""
    access = accounts.client_access(request.user, acting.client)
    ticket = support.client_ticket(access, ticket_id)
    access.require_write(AREA)
    message = actions.ticket_client_reply(
        ticket=ticket,
        body=payload.body,
        author=request.user,
        author_kind=_author_kind(access),
        source=TicketSource.API,
        files=_uploads(payload.attachments),
    )
    return Status(201, message)


@router.post(
    "/tickets/{ticket_id}/close",
    response=responses({200: TicketOut}, 400, 401, 403, 404, 413),
    summary="Close a ticket",
)
def ticket_close(request: HttpRequest, ticket_id: TicketId, acting: Query[ActingClient]):
    """Close the ticket: the question is settled (SUP-01). Closing a closed ticket changes
    nothing."""
    access = accounts.client_access(request.user, acting.client)
    ticket = support.client_ticket(access, ticket_id)
    access.require_write(AREA)
    return actions.ticket_close(ticket=ticket, actor=request.user)


@router.post(
    "/tickets/{ticket_id}/rating",
    response=responses({200: TicketOut}, 400, 401, 403, 404, 413),
    summary="Rate a ticket",
)
def ticket_rate(
    request: HttpRequest, ticket_id: TicketId, acting: Query[ActingClient], payload: RatingIn
):
    """Rate the answers from 1 to 5 with an optional comment (SUP-01); a ticket staff have
    not answered yet answers 400 ``ticket_not_answered``."""
    access = accounts.client_access(request.user, acting.client)
    ticket = support.client_ticket(access, ticket_id)
    access.require_write(AREA)
    return actions.ticket_rate(ticket=ticket, rating=payload.rating, comment=payload.comment)


# ---- staff ---------------------------------------------------------------------------------


@router.get(
    "/staff/tickets",
    response=responses({200: page_of(StaffTicketOut)}, 400, 401, 403),
    summary="The ticket queue",
)
def staff_ticket_queue(request: HttpRequest, filters: Query[QueueParams], page: Query[PageParams]):
    """Tickets not closed (or of one status), oldest first, with their first-response and
    resolution due times (SUP-01). Needs tickets.answer."""
    found = support.staff_tickets(
        request.user,
        support.QueueFilters(
            department=filters.department,
            status=filters.status,
            assignee=filters.assignee,
            review=filters.review,
        ),
    )
    return paginate(found, page)


@router.post(
    "/staff/tickets/search",
    response=responses({200: page_of(StaffTicketOut)}, 400, 401, 403, 413),
    summary="Search tickets",
)
def staff_ticket_search(request: HttpRequest, search: TicketSearchIn):
    """Tickets having every word (a prefix of three letters or more) of ``q`` in their
    subject or messages, a sender's address, or a ticket number; newest first. The search
    travels in the body, never in a URL. Needs tickets.answer."""
    found = support.ticket_search(request.user, search.q)
    return paginate(found, PageParams(limit=search.limit, offset=search.offset))


@router.get(
    "/staff/tickets/{ticket_id}",
    response=responses({200: _StaffDetail}, 400, 401, 403, 404),
    summary="Read a ticket as staff",
)
def staff_ticket_read(request: HttpRequest, ticket_id: TicketId):
    """A ticket with every message, internal notes included; the reading is recorded in the
    audit trail (GDPR-12). Needs tickets.answer."""
    ticket = support.staff_ticket(request.user, ticket_id)
    if ticket.client is not None:
        record_personal_data_read(
            actor=request.user,
            client=ticket.client,
            what=f"support ticket {ticket.number_display} (API)",
            request=request,
        )
    return ticket


@router.post(
    "/staff/tickets/{ticket_id}/replies",
    response=responses({201: StaffMessageOut}, 400, 401, 403, 404, 413),
    summary="Answer a ticket",
)
def staff_ticket_reply(request: HttpRequest, ticket_id: TicketId, payload: StaffReplyIn):
    """Answer the client: the answer is mailed to them with a signed reply address, and the
    ticket becomes ``status`` (SUP-01). Mail of an unknown sender answers 400
    ``ticket_needs_client``. Needs tickets.answer."""
    ticket = support.staff_ticket(request.user, ticket_id)
    message = actions.ticket_staff_reply(
        ticket=ticket,
        body=payload.body,
        author=request.user,
        status=payload.status,
        files=_uploads(payload.attachments),
        source=TicketSource.API,
    )
    return Status(201, message)


@router.post(
    "/staff/tickets/{ticket_id}/notes",
    response=responses({201: StaffMessageOut}, 400, 401, 403, 404, 413),
    summary="Add an internal note",
)
def staff_ticket_note(request: HttpRequest, ticket_id: TicketId, payload: NoteIn):
    """Add a note for staff; never shown or mailed to the client (SUP-01). Needs
    tickets.answer."""
    ticket = support.staff_ticket(request.user, ticket_id)
    return Status(
        201, actions.ticket_note_add(ticket=ticket, body=payload.body, author=request.user)
    )


@router.post(
    "/staff/tickets/{ticket_id}/assignee",
    response=responses({200: StaffTicketOut}, 400, 401, 403, 404, 413),
    summary="Assign a ticket",
)
def staff_ticket_assign(request: HttpRequest, ticket_id: TicketId, payload: AssigneeIn):
    """Give the ticket to a staff member who answers tickets, or to nobody (null). An
    unknown staff member answers 404. Needs tickets.answer."""
    ticket = support.staff_ticket(request.user, ticket_id)
    assignee = support.staff_member(payload.assignee or "")
    return actions.ticket_assign(ticket=ticket, assignee=assignee, actor=request.user)


@router.post(
    "/staff/tickets/{ticket_id}/status",
    response=responses({200: StaffTicketOut}, 400, 401, 403, 404, 413),
    summary="Set a ticket's status",
)
def staff_ticket_status(request: HttpRequest, ticket_id: TicketId, payload: StatusIn):
    """Set the status; closing stops the resolution timer (SUP-01). A merged ticket stays
    closed (400 ``ticket_merged``). Needs tickets.answer."""
    ticket = support.staff_ticket(request.user, ticket_id)
    return actions.ticket_status_set(ticket=ticket, status=payload.status, actor=request.user)
