"""Writing the search tokens of tickets (SUP-01, GDPR-11): rebuilt from the ticket's subject,
its messages and the sender's address whenever one of them changes, in the same
transaction."""

from __future__ import annotations

from datetime import datetime

from hostledger.support.models import Ticket, TicketMessage, TicketSearchToken
from hostledger.support.search import address_token, text_tokens


def ticket_search_tokens_rebuild(*, ticket: Ticket, now: datetime) -> int:
    """Replace the search tokens of ``ticket``; returns how many it has now (SUP-01)."""
    bodies = [
        message.body
        for message in TicketMessage.objects.filter(ticket=ticket).only("body", "ticket_id")
    ]
    tokens = text_tokens(ticket.subject or "", *bodies)
    if ticket.sender_address:
        tokens.add(address_token(ticket.sender_address))
    TicketSearchToken.objects.filter(ticket=ticket).delete()
    TicketSearchToken.objects.bulk_create(
        [TicketSearchToken(ticket=ticket, token=token, created_at=now) for token in tokens]
    )
    return len(tokens)


def ticket_search_tokens_add(*, ticket: Ticket, texts: list[str], now: datetime) -> None:
    """Add the tokens of new text (a message) to ``ticket``'s and date them all ``now``, the
    ticket's last activity, which their retention counts from (GDPR-08)."""
    tokens = text_tokens(*texts)
    TicketSearchToken.objects.filter(ticket=ticket).update(created_at=now)
    TicketSearchToken.objects.bulk_create(
        [TicketSearchToken(ticket=ticket, token=token, created_at=now) for token in tokens],
        ignore_conflicts=True,
    )
