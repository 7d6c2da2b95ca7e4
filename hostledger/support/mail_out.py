"""The mail of a staff answer (SUP-01): its text and threading headers, read from the ticket
when the notifications outbox renders and sends the ``ticket_answered`` message.

The answer's text stays encrypted in the ticket; the notification holds only the message's
public id. The mail goes from the provider's address with:

- ``Reply-To``: the department's address signed for the ticket
  (:func:`hostledger.support.reply_addresses.reply_address`), so the client's answer by mail
  lands in the thread;
- ``Message-ID``: ``<tms_…@host>`` of the answer; ``In-Reply-To``: the client's mail the
  answer follows when it came by mail, else the ticket's thread id; ``References``: the
  ticket's thread id and that message.
"""

from __future__ import annotations

from hostledger.notifications.models import Notification
from hostledger.notifications.sources import register_context_source, register_mail_headers
from hostledger.notifications.tokens import absolute_url
from hostledger.support.models import TicketMessage
from hostledger.support.reply_addresses import (
    message_message_id,
    reply_address,
    thread_message_id,
)

EVENT = "ticket_answered"


def _message_of(notification: Notification) -> TicketMessage | None:
    public_id = (notification.context or {}).get("ticket_message")
    if not isinstance(public_id, str):
        return None
    return (
        TicketMessage.objects.filter(
            public_id=public_id,
            is_internal_note=False,
            ticket__client_id=notification.client_id,
        )
        .select_related("ticket__department")
        .first()
    )


def answer_context(notification: Notification) -> dict[str, str]:
    """The ticket's number, subject and link and the answer's text."""
    message = _message_of(notification)
    if message is None:
        return {}
    ticket = message.ticket
    return {
        "ticket_number": ticket.number_display,
        "ticket_subject": ticket.subject or "",
        "ticket_reply": message.body or "",
        "ticket_url": absolute_url("web:ticket_detail", ticket.public_id),
    }


def answer_headers(notification: Notification) -> dict[str, str]:
    """The Reply-To and threading headers of the answer's mail."""
    message = _message_of(notification)
    if message is None:
        return {}
    ticket = message.ticket
    thread = thread_message_id(ticket.public_id)
    headers = {"Message-ID": message_message_id(message.public_id)}
    previous = (
        TicketMessage.objects.filter(
            ticket=ticket, is_internal_note=False, created_at__lte=message.created_at
        )
        .exclude(pk=message.pk)
        .order_by("-created_at", "-id")
        .values_list("public_id", flat=True)
        .first()
    )
    parent = message_message_id(previous) if previous else thread
    headers["In-Reply-To"] = parent
    headers["References"] = thread if parent == thread else f"{thread} {parent}"
    if ticket.department.mail_address:
        headers["Reply-To"] = reply_address(
            department_address=ticket.department.mail_address, ticket_key=ticket.pk
        )
    return headers


def register() -> None:
    register_context_source(EVENT, answer_context)
    register_mail_headers(EVENT, answer_headers)
