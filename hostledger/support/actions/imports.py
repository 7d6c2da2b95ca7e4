"""Tickets imported from another support desk with every message (SUP-01;
docs/decisions/0040-importing-from-whmcs.md).

The conversation happened elsewhere, so nothing is mailed: the client already received the
answers. Each message keeps its time and whether the client or staff wrote it; staff of the
other system are not users here, so their messages have no author and read as the
provider's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext

from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError
from hostledger.support.actions.search import ticket_search_tokens_add
from hostledger.support.actions.tickets import _require_department, clean_body, clean_subject
from hostledger.support.models import (
    AuthorKind,
    Department,
    Ticket,
    TicketMessage,
    TicketPriority,
    TicketSource,
    TicketStatus,
)


@dataclass(frozen=True, slots=True)
class ImportedMessage:
    """One message as the other desk kept it: who wrote it (``client`` or ``staff``), when,
    and its text."""

    author_kind: str
    body: str
    created_at: datetime


@transaction.atomic
def ticket_import(
    *,
    client,
    department: Department | None,
    subject: str,
    status: str,
    priority: str,
    messages: list[ImportedMessage],
    source: str,
    actor=None,
) -> Ticket:
    """Store a ticket of ``client`` with its ``messages`` in order (SUP-01).

    The client's messages are the client owner's; staff messages have no author here. The
    first staff message sets the first response, a closed ticket is resolved at its last
    message. Nothing is sent to anyone.
    """
    department = _require_department(department)
    subject = clean_subject(subject)
    if status not in TicketStatus.values:
        raise DomainError(
            "invalid_input",
            gettext("status: unknown '%(status)s'.") % {"status": status},
            fields={"status": "?"},
        )
    if priority not in TicketPriority.values:
        raise DomainError(
            "invalid_input",
            gettext("priority: unknown '%(priority)s'.") % {"priority": priority},
            fields={"priority": "?"},
        )
    if not messages:
        raise DomainError(
            "invalid_input",
            gettext("messages: a ticket has at least one."),
            fields={"messages": "empty"},
        )
    cleaned = []
    for number, message in enumerate(sorted(messages, key=lambda item: item.created_at)):
        if message.author_kind not in (AuthorKind.CLIENT, AuthorKind.STAFF):
            raise DomainError(
                "invalid_input",
                gettext("messages.%(number)s.author_kind: client or staff.") % {"number": number},
                fields={f"messages.{number}.author_kind": "client or staff"},
            )
        cleaned.append((message, clean_body(message.body, field=f"messages.{number}.body")))
    first, last = cleaned[0][0].created_at, cleaned[-1][0].created_at
    first_staff = next(
        (message.created_at for message, _ in cleaned if message.author_kind == AuthorKind.STAFF),
        None,
    )
    ticket = Ticket.objects.create(
        client=client,
        department=department,
        subject=subject,
        status=status,
        priority=priority,
        source=TicketSource.STAFF,
        opened_by=client.owner,
        created_at=first,
        updated_at=last,
        first_response_at=first_staff,
        resolved_at=last if status == TicketStatus.CLOSED else None,
    )
    TicketMessage.objects.bulk_create(
        TicketMessage(
            ticket=ticket,
            author_kind=message.author_kind,
            author=client.owner if message.author_kind == AuthorKind.CLIENT else None,
            body=body,
            source=TicketSource.STAFF,
            created_at=message.created_at,
        )
        for message, body in cleaned
    )
    ticket_search_tokens_add(
        ticket=ticket, texts=[subject, *(body for _, body in cleaned)], now=last
    )
    record_audit_event(
        action="ticket.imported",
        actor=actor,
        obj=ticket,
        subject_client_id=client.pk,
        data={"source": source, "messages": len(cleaned)},
    )
    return ticket
