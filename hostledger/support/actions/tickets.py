"""Opening, answering, closing and rating tickets (SUP-01).

Every write is one transaction that locks the ticket row first; a refused write changes
nothing. Every message is kept. A staff answer the client can read is mailed to the client
through the notifications outbox (event ``ticket_answered``) in the same transaction, with a
signed reply address and threading headers (:mod:`hostledger.support.mail_out`); internal
notes are never mailed and never shown to clients.
"""

from __future__ import annotations

import re
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.accounts import permissions as perms
from hostledger.core.errors import DomainError
from hostledger.core.registry import setting_value
from hostledger.notifications.actions import notification_enqueue
from hostledger.support import conf
from hostledger.support.actions.attachments import (
    AttachmentUpload,
    attachments_check,
    attachments_store,
)
from hostledger.support.actions.search import (
    ticket_search_tokens_add,
    ticket_search_tokens_rebuild,
)
from hostledger.support.models import (
    AuthorKind,
    Department,
    Ticket,
    TicketMessage,
    TicketPriority,
    TicketSource,
    TicketStatus,
)

TICKET_ANSWERED_EVENT = "ticket_answered"

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_subject(subject: str, *, field: str = "subject") -> str:
    """One line of text: whitespace (line breaks included) collapsed, control characters
    dropped; DomainError naming ``field`` when empty or too long."""
    text = " ".join(_CONTROL.sub("", str(subject or "")).split())
    longest = setting_value(conf.SUBJECT_MAX_CHARS)
    if not text:
        raise DomainError(
            "invalid_input",
            _("The subject is required."),
            fields={field: "This field is required."},
        )
    if len(text) > longest:
        raise DomainError(
            "invalid_input",
            _("The subject is longer than %(longest)s characters.") % {"longest": longest},
            fields={field: f"at most {longest} characters"},
        )
    return text


def clean_body(body: str, *, field: str = "body") -> str:
    """The message text with control characters (other than line breaks and tabs) dropped
    and Windows line ends made plain; DomainError naming ``field`` when empty or too long."""
    text = _CONTROL.sub("", str(body or "").replace("\r\n", "\n").replace("\r", "\n")).strip()
    longest = setting_value(conf.MESSAGE_MAX_CHARS)
    if not text:
        raise DomainError(
            "invalid_input",
            _("The message is required."),
            fields={field: "This field is required."},
        )
    if len(text) > longest:
        raise DomainError(
            "invalid_input",
            _("The message is longer than %(longest)s characters.") % {"longest": f"{longest:,}"},
            fields={field: f"at most {longest:,} characters"},
        )
    return text


def _locked(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update().select_related("department").get(pk=ticket.pk)


def _require_department(department: Department | None) -> Department:
    if department is None or not department.is_active:
        raise DomainError(
            "invalid_input",
            _("Choose one of the departments."),
            fields={"department": "Choose one of the departments."},
        )
    return department


def _require_open_to_client(ticket: Ticket) -> None:
    if ticket.merged_into_id is not None:
        raise DomainError(
            "ticket_merged",
            _("This ticket was merged into T-%(merged_into_id)s; write there.")
            % {"merged_into_id": f"{ticket.merged_into_id:06d}"},
            fields={"ticket": "merged"},
        )


def _add_message(
    *,
    ticket: Ticket,
    body: str,
    author,
    author_kind: str,
    source: str,
    files: list,
    now: datetime,
    is_internal_note: bool = False,
    mail_key: str = "",
) -> TicketMessage:
    message = TicketMessage.objects.create(
        ticket=ticket,
        author_kind=author_kind,
        author=author,
        body=body,
        is_internal_note=is_internal_note,
        source=source,
        mail_key=mail_key,
        created_at=now,
    )
    attachments_store(message=message, files=files, now=now)
    ticket_search_tokens_add(ticket=ticket, texts=[body], now=now)
    return message


@transaction.atomic
def ticket_open(
    *,
    client,
    department: Department | None,
    subject: str,
    body: str,
    author,
    author_kind: str = AuthorKind.CLIENT,
    source: str = TicketSource.WEB,
    files: list[AttachmentUpload] | tuple = (),
    mail_key: str = "",
    now: datetime | None = None,
) -> Ticket:
    """Open a ticket of ``client`` in ``department`` with its first message and attachments
    (SUP-01). The caller has checked that ``author`` may write tickets for the client (the
    owner, or a trusted user with the tickets scope, ACC-06)."""
    now = now or timezone.now()
    department = _require_department(department)
    subject = clean_subject(subject)
    body = clean_body(body)
    checked = attachments_check(files)
    ticket = Ticket.objects.create(
        client=client,
        department=department,
        subject=subject,
        source=source,
        opened_by=author,
        created_at=now,
        updated_at=now,
    )
    ticket_search_tokens_add(ticket=ticket, texts=[subject], now=now)
    _add_message(
        ticket=ticket,
        body=body,
        author=author,
        author_kind=author_kind,
        source=source,
        files=checked,
        now=now,
        mail_key=mail_key,
    )
    return ticket


@transaction.atomic
def ticket_open_for_review(
    *,
    department: Department,
    sender_address: str,
    subject: str,
    body: str,
    files: list[AttachmentUpload] | tuple = (),
    mail_key: str = "",
    now: datetime | None = None,
) -> Ticket:
    """Open a ticket from mail of an unknown sender into the staff review queue (SUP-01):
    one ticket per message, no client, the sender's address kept encrypted. Staff link it to
    a client, merge it into a client's ticket or close it."""
    now = now or timezone.now()
    ticket = Ticket.objects.create(
        client=None,
        department=department,
        subject=clean_subject(subject),
        source=TicketSource.MAIL,
        needs_review=True,
        sender_address=sender_address.strip().lower(),
        created_at=now,
        updated_at=now,
    )
    ticket_search_tokens_rebuild(ticket=ticket, now=now)
    _add_message(
        ticket=ticket,
        body=clean_body(body),
        author=None,
        author_kind=AuthorKind.SENDER,
        source=TicketSource.MAIL,
        files=attachments_check(files),
        now=now,
        mail_key=mail_key,
    )
    return ticket


@transaction.atomic
def ticket_client_reply(
    *,
    ticket: Ticket,
    body: str,
    author,
    author_kind: str = AuthorKind.CLIENT,
    source: str = TicketSource.WEB,
    files: list[AttachmentUpload] | tuple = (),
    mail_key: str = "",
    now: datetime | None = None,
) -> TicketMessage:
    """Add the client's (or a trusted user's) answer to ``ticket``; the ticket is open again
    for staff, a closed one reopened (SUP-01)."""
    now = now or timezone.now()
    ticket = _locked(ticket)
    _require_open_to_client(ticket)
    body = clean_body(body)
    checked = attachments_check(files)
    message = _add_message(
        ticket=ticket,
        body=body,
        author=author,
        author_kind=author_kind,
        source=source,
        files=checked,
        now=now,
        mail_key=mail_key,
    )
    ticket.status = TicketStatus.OPEN
    ticket.resolved_at = None
    ticket.updated_at = now
    ticket.save(update_fields=["status", "resolved_at", "updated_at"])
    return message


def _require_staff_answerer(user, *, field: str = "author") -> None:
    if not perms.has_permission(user, perms.TICKETS_ANSWER):
        raise DomainError(
            "invalid_input",
            _("Only staff who answer tickets can do this."),
            fields={field: "not a staff member who answers tickets"},
        )


@transaction.atomic
def ticket_staff_reply(
    *,
    ticket: Ticket,
    body: str,
    author,
    status: str = TicketStatus.ANSWERED,
    files: list[AttachmentUpload] | tuple = (),
    source: str = TicketSource.STAFF,
    now: datetime | None = None,
) -> TicketMessage:
    """Answer ``ticket`` as staff (SUP-01): the client reads it in the client area and gets it
    by mail with a signed reply address; the first answer stops the first-response timer.
    ``status`` is what the ticket becomes (answered by default; waiting for the client, on
    hold or closed)."""
    now = now or timezone.now()
    _require_staff_answerer(author)
    if status not in TicketStatus.values or status == TicketStatus.OPEN:
        raise DomainError(
            "invalid_input",
            _("After an answer the ticket is answered, waiting for the client, on hold or closed."),
            fields={"status": "answered, waiting_for_client, on_hold or closed"},
        )
    ticket = _locked(ticket)
    if ticket.merged_into_id is not None:
        raise DomainError(
            "ticket_merged",
            _("This ticket was merged; answer the ticket it was merged into."),
            fields={"ticket": "merged"},
        )
    if ticket.client_id is None:
        raise DomainError(
            "ticket_needs_client",
            _("Link this mail to a client before answering it."),
            fields={"ticket": "no client"},
        )
    body = clean_body(body)
    checked = attachments_check(files)
    message = _add_message(
        ticket=ticket,
        body=body,
        author=author,
        author_kind=AuthorKind.STAFF,
        source=source,
        files=checked,
        now=now,
    )
    ticket.status = status
    ticket.updated_at = now
    if ticket.first_response_at is None:
        ticket.first_response_at = now
    ticket.resolved_at = now if status == TicketStatus.CLOSED else None
    ticket.save(update_fields=["status", "updated_at", "first_response_at", "resolved_at"])
    notification_enqueue(
        key=f"{TICKET_ANSWERED_EVENT}:{message.public_id}",
        client=ticket.client,
        event=TICKET_ANSWERED_EVENT,
        context={"ticket_message": message.public_id},
        now=now,
    )
    return message


@transaction.atomic
def ticket_note_add(
    *,
    ticket: Ticket,
    body: str,
    author,
    files: list[AttachmentUpload] | tuple = (),
    now: datetime | None = None,
) -> TicketMessage:
    """Add an internal note for staff to ``ticket`` (SUP-01): never shown or mailed to the
    client, and no change to the ticket's status or timers."""
    now = now or timezone.now()
    _require_staff_answerer(author)
    ticket = _locked(ticket)
    return _add_message(
        ticket=ticket,
        body=clean_body(body),
        author=author,
        author_kind=AuthorKind.STAFF,
        source=TicketSource.STAFF,
        files=attachments_check(files),
        now=now,
        is_internal_note=True,
    )


@transaction.atomic
def ticket_close(*, ticket: Ticket, actor, now: datetime | None = None) -> Ticket:
    """Close ``ticket`` (SUP-01): by the client when the question is settled, or by staff.
    Closing a closed ticket changes nothing."""
    now = now or timezone.now()
    ticket = _locked(ticket)
    if ticket.status == TicketStatus.CLOSED:
        return ticket
    ticket.status = TicketStatus.CLOSED
    ticket.resolved_at = now
    ticket.updated_at = now
    ticket.save(update_fields=["status", "resolved_at", "updated_at"])
    return ticket


@transaction.atomic
def ticket_rate(
    *, ticket: Ticket, rating, comment: str = "", now: datetime | None = None
) -> Ticket:
    """The client rates the answers of ``ticket`` from 1 to 5, with an optional comment
    (SUP-01); only once staff have answered. A new rating replaces the previous one."""
    now = now or timezone.now()
    try:
        value = int(rating)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 5:
        raise DomainError(
            "invalid_input",
            _("The rating is a whole number from 1 to 5."),
            fields={"rating": "a whole number from 1 to 5"},
        )
    comment = _CONTROL.sub("", str(comment or "")).strip()
    if len(comment) > 2000:
        raise DomainError(
            "invalid_input",
            _("The comment is longer than 2,000 characters."),
            fields={"comment": "at most 2,000 characters"},
        )
    ticket = _locked(ticket)
    if ticket.first_response_at is None:
        raise DomainError(
            "ticket_not_answered",
            _("A ticket can be rated once the provider has answered it."),
            fields={"rating": "no answer to rate yet"},
        )
    ticket.rating = value
    ticket.rating_comment = comment
    ticket.rated_at = now
    ticket.updated_at = now
    ticket.save(update_fields=["rating", "rating_comment", "rated_at", "updated_at"])
    return ticket


@transaction.atomic
def ticket_assign(*, ticket: Ticket, assignee, actor, now: datetime | None = None) -> Ticket:
    """Give ``ticket`` to a staff member who answers tickets, or to nobody (SUP-01)."""
    now = now or timezone.now()
    _require_staff_answerer(actor, field="actor")
    if assignee is not None:
        _require_staff_answerer(assignee, field="assignee")
    ticket = _locked(ticket)
    ticket.assignee = assignee
    ticket.updated_at = now
    ticket.save(update_fields=["assignee", "updated_at"])
    return ticket


@transaction.atomic
def ticket_priority_set(*, ticket: Ticket, priority: str, actor, now=None) -> Ticket:
    """Set the priority of ``ticket`` (SUP-01)."""
    _require_staff_answerer(actor, field="actor")
    if priority not in TicketPriority.values:
        raise DomainError(
            "invalid_input",
            _("Unknown priority."),
            fields={"priority": f"one of {', '.join(TicketPriority.values)}"},
        )
    ticket = _locked(ticket)
    ticket.priority = priority
    ticket.updated_at = now or timezone.now()
    ticket.save(update_fields=["priority", "updated_at"])
    return ticket


@transaction.atomic
def ticket_status_set(*, ticket: Ticket, status: str, actor, now=None) -> Ticket:
    """Set the status of ``ticket`` by hand (SUP-01); closing stops the resolution timer,
    reopening starts it again. A merged ticket stays closed."""
    now = now or timezone.now()
    _require_staff_answerer(actor, field="actor")
    if status not in TicketStatus.values:
        raise DomainError(
            "invalid_input",
            _("Unknown status."),
            fields={"status": f"one of {', '.join(TicketStatus.values)}"},
        )
    ticket = _locked(ticket)
    if ticket.merged_into_id is not None and status != TicketStatus.CLOSED:
        raise DomainError(
            "ticket_merged", _("A merged ticket stays closed."), fields={"status": "merged"}
        )
    if ticket.client_id is None and status != TicketStatus.CLOSED:
        raise DomainError(
            "ticket_needs_client",
            _("Mail of an unknown sender is linked to a client, merged or closed."),
            fields={"status": "no client"},
        )
    ticket.status = status
    ticket.resolved_at = (ticket.resolved_at or now) if status == TicketStatus.CLOSED else None
    ticket.updated_at = now
    ticket.save(update_fields=["status", "resolved_at", "updated_at"])
    return ticket


@transaction.atomic
def ticket_department_set(*, ticket: Ticket, department: Department, actor, now=None) -> Ticket:
    """Move ``ticket`` to another department (SUP-01); its timers follow that department."""
    _require_staff_answerer(actor, field="actor")
    department = _require_department(department)
    ticket = _locked(ticket)
    ticket.department = department
    ticket.updated_at = now or timezone.now()
    ticket.save(update_fields=["department", "updated_at"])
    return ticket
