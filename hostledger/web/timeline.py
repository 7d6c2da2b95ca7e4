"""One client's activity, merged by time, newest first, for the staff client page.

The timeline is a union of small per-source reads, each a selector of the app that owns the
table and each limited to the rows the page being shown can need: page ``n`` of ``size``
rows reads at most ``n * size + 1`` rows of each source, one statement a source, whatever
the page. Staff notes and sign-ins are personal data and are part of the timeline only for
readers of personal data (``clients.view_personal_data``), who see ticket subjects too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hostledger.accounts import selectors as account_selectors
from hostledger.accounts.models import Client
from hostledger.invoicing import selectors as invoice_selectors
from hostledger.ledger import selectors as ledger_selectors
from hostledger.subscriptions import selectors as service_selectors
from hostledger.support import selectors as support_selectors

TIMELINE_PAGE_SIZE = 25
TIMELINE_LAST_PAGE = 20
"""The timeline goes back at most this many pages; older activity is on each source's own
list (orders, invoices, payments, tickets)."""

ORDER = "order"
INVOICE = "invoice"
PAYMENT = "payment"
SERVICE_STATUS = "service_status"
TICKET = "ticket"
NOTE = "note"
SIGN_IN = "sign_in"


@dataclass(frozen=True)
class TimelineEntry:
    """Something that happened in the account: when, what kind, and the row it comes from."""

    at: datetime
    kind: str
    item: Any


@dataclass(frozen=True)
class TimelinePage:
    entries: list[TimelineEntry]
    page: int
    has_next: bool
    with_personal_data: bool

    @property
    def next_page(self) -> int | None:
        return self.page + 1 if self.has_next else None

    @property
    def previous_page(self) -> int | None:
        return self.page - 1 if self.page > 1 else None


def _sources(client: Client, limit: int, *, with_personal_data: bool) -> list[TimelineEntry]:
    orders = service_selectors.client_orders(client).prefetch_related(None)
    invoices = invoice_selectors.client_invoices(client)
    entries = [
        *(
            TimelineEntry(order.placed_at, ORDER, order)
            for order in orders.order_by("-placed_at", "-id")[:limit]
        ),
        *(
            TimelineEntry(invoice.created_at, INVOICE, invoice)
            for invoice in invoices.order_by("-created_at", "-id")[:limit]
        ),
        *(
            TimelineEntry(payment.recorded_at, PAYMENT, payment)
            for payment in ledger_selectors.payments_of(client).order_by("-recorded_at", "-id")[
                :limit
            ]
        ),
        *(
            TimelineEntry(change.changed_at, SERVICE_STATUS, change)
            for change in service_selectors.client_service_status_changes(client, limit=limit)
        ),
        *(
            TimelineEntry(ticket.created_at, TICKET, ticket)
            for ticket in support_selectors.staff_client_tickets(client, limit=limit)
        ),
    ]
    if with_personal_data:
        entries.extend(
            TimelineEntry(note.created_at, NOTE, note)
            for note in account_selectors.staff_notes_of(client, limit=limit)
        )
        entries.extend(
            TimelineEntry(attempt.occurred_at, SIGN_IN, attempt)
            for attempt in account_selectors.owner_sign_ins(client, limit=limit)
        )
    return entries


def client_timeline(
    client: Client, *, page: int = 1, with_personal_data: bool, size: int = TIMELINE_PAGE_SIZE
) -> TimelinePage:
    """Page ``page`` (from 1, at most :data:`TIMELINE_LAST_PAGE`) of the client's activity,
    newest first; entries at the same moment keep a fixed order (kind, then row id)."""
    page = min(max(page, 1), TIMELINE_LAST_PAGE)
    limit = page * size + 1
    entries = _sources(client, limit, with_personal_data=with_personal_data)
    entries.sort(key=lambda entry: (entry.at, entry.kind, entry.item.pk), reverse=True)
    start = (page - 1) * size
    shown = entries[start : start + size]
    has_next = len(entries) > start + size and page < TIMELINE_LAST_PAGE
    return TimelinePage(shown, page, has_next, with_personal_data)
