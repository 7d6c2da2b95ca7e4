"""Merging tickets and linking mail of an unknown sender to a client (SUP-01).

A merge moves every message and attachment of one ticket into another and closes the first,
which then points at the second: nothing is lost and both numbers lead to the conversation.
Text that moves to another client's ticket is written again under that client's key
(GDPR-11), so an erasure of the client reaches it.
"""

from __future__ import annotations

import base64

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.core.errors import DomainError
from hostledger.support.actions.attachments import attachment_content_store
from hostledger.support.actions.search import ticket_search_tokens_rebuild
from hostledger.support.actions.tickets import _require_staff_answerer
from hostledger.support.models import (
    Attachment,
    AttachmentContent,
    AuthorKind,
    Ticket,
    TicketMessage,
    TicketSearchToken,
    TicketStatus,
)


def _move_contents(*, messages, client, now) -> None:
    """Point the attachments of ``messages`` at contents kept for ``client``; contents no
    attachment uses any more are deleted."""
    for attachment in Attachment.objects.filter(message__in=messages).select_related("content"):
        old = attachment.content
        if old.client_id == (client.pk if client else None):
            continue
        data = base64_bytes(old.data)
        new = attachment_content_store(client=client, data=data, now=now)
        attachment.content = new
        attachment.save(update_fields=["content"])
        attachment.file_name = attachment.file_name  # written again under the new key
        attachment.save(update_fields=["file_name"])
        if not Attachment.objects.filter(content=old).exists():
            AttachmentContent.objects.filter(pk=old.pk).delete()


def base64_bytes(data: str) -> bytes:
    return base64.b64decode(data) if data else b""


@transaction.atomic
def ticket_merge(*, source: Ticket, target: Ticket, actor, now=None) -> Ticket:
    """Move every message of ``source`` into ``target`` and close ``source`` (SUP-01).

    Both tickets must be of the same client, or ``source`` mail of an unknown sender in the
    review queue (it then becomes the client's). Returns ``target``.
    """
    now = now or timezone.now()
    _require_staff_answerer(actor, field="actor")
    if source.pk == target.pk:
        raise DomainError(
            "invalid_input", _("A ticket cannot be merged into itself."), fields={"target": "same"}
        )
    first, second = sorted([source.pk, target.pk])
    locked = {
        ticket.pk: ticket
        for ticket in Ticket.objects.select_for_update().filter(pk__in=[first, second])
    }
    source, target = locked[source.pk], locked[target.pk]
    if source.merged_into_id or target.merged_into_id:
        raise DomainError(
            "ticket_merged",
            _("A merged ticket cannot be merged again."),
            fields={"target": "merged"},
        )
    if target.client_id is None:
        raise DomainError(
            "invalid_input",
            _("Merge into a ticket of a client."),
            fields={"target": "the target has no client"},
        )
    if source.client_id is not None and source.client_id != target.client_id:
        raise DomainError(
            "invalid_input",
            _("Tickets of two different clients cannot be merged."),
            fields={"target": "of another client"},
        )
    messages = list(TicketMessage.objects.filter(ticket=source))
    if source.client_id is None:
        for message in messages:
            message.ticket = target
            message.save(update_fields=["ticket", "body"])  # under the client's key now
        _move_contents(messages=messages, client=target.client, now=now)
    else:
        TicketMessage.objects.filter(ticket=source).update(ticket=target)
    source.status = TicketStatus.CLOSED
    source.resolved_at = source.resolved_at or now
    source.merged_into = target
    source.needs_review = False
    source.updated_at = now
    source.save(
        update_fields=["status", "resolved_at", "merged_into", "needs_review", "updated_at"]
    )
    TicketSearchToken.objects.filter(ticket=source).delete()
    target.updated_at = now
    if any(m.author_kind != AuthorKind.STAFF for m in messages) and not target.is_closed:
        target.status = TicketStatus.OPEN
    target.save(update_fields=["updated_at", "status"])
    ticket_search_tokens_rebuild(ticket=target, now=now)
    return target


@transaction.atomic
def ticket_client_link(*, ticket: Ticket, client, actor, now=None) -> Ticket:
    """Make mail of an unknown sender in the review queue a ticket of ``client`` (SUP-01):
    its text is written again under the client's key and it leaves the review queue."""
    now = now or timezone.now()
    _require_staff_answerer(actor, field="actor")
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.client_id is not None or not ticket.needs_review:
        raise DomainError(
            "invalid_input",
            _("Only mail of an unknown sender is linked to a client."),
            fields={"client": "the ticket already has a client"},
        )
    ticket.client = client
    ticket.needs_review = False
    ticket.updated_at = now
    ticket.save(update_fields=["client", "needs_review", "updated_at", "subject", "sender_address"])
    messages = list(TicketMessage.objects.filter(ticket=ticket))
    for message in messages:
        message.save(update_fields=["body"])
    _move_contents(messages=messages, client=client, now=now)
    return ticket
