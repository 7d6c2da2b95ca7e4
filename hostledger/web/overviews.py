"""What the overview pages and the staff client page show, read through each app's
selectors (issue 11 §8): the client's money, what is due and when, services by state and
recent messages; the staff queues with their counts and today's payments; one client's
activity for staff; and the staff client search across clients, invoices, orders and
services.

Each function costs a fixed number of queries, whatever the number of rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hostledger.accounts import permissions as perms
from hostledger.accounts import selectors as account_selectors
from hostledger.automation import selectors as automation_selectors
from hostledger.automation.models import AutomatedDecision
from hostledger.core.money import Money
from hostledger.invoicing import act_selectors
from hostledger.invoicing import selectors as invoice_selectors
from hostledger.ledger import selectors as ledger_selectors
from hostledger.ledger import staff_selectors as payment_selectors
from hostledger.notifications import selectors as notification_selectors
from hostledger.subscriptions import selectors as service_selectors
from hostledger.subscriptions.models import ServiceStatus
from hostledger.subscriptions.web_selectors import services_to_activate

OPEN_INVOICES_SHOWN = 5
RECENT_MESSAGES_SHOWN = 5
CLIENT_PAGE_ROWS = 10
OVERDUE_VERIFICATIONS_SHOWN = 5

_NUMBER = re.compile(r"(?:#|no\.?\s*|(?:order|proforma|service)\s+(?:no\.?\s*)?)?(\d{1,12})", re.I)
_ORDER_NUMBER = re.compile(r"(?:order\s+(?:no\.?\s*)?)?(\d{4}-\d{1,12})", re.I)
"""An order number as people write it: "2026-00042", "Order 2026-00042" (ORD-01)."""


@dataclass
class ClientOverview:
    balance: Money
    open_invoices: list
    open_invoice_count: int
    open_total: Money
    overdue_count: int
    next_due_on: date | None
    service_counts: list[tuple[str, str, int]]
    messages: list
    unread_messages: int

    @property
    def active_services(self) -> int:
        active = ServiceStatus.ACTIVE
        return sum(count for state, _label, count in self.service_counts if state == active)


def client_overview(client, *, today: date) -> ClientOverview:
    """The client's balance, what is due and when, services by state, recent messages."""
    invoices, count, total = invoice_selectors.client_open_invoices(
        client, limit=OPEN_INVOICES_SHOWN
    )
    inbox = notification_selectors.client_inbox(client, limit=RECENT_MESSAGES_SHOWN)
    return ClientOverview(
        balance=ledger_selectors.balance_of(client),
        open_invoices=invoices,
        open_invoice_count=count,
        open_total=total,
        overdue_count=sum(1 for invoice in invoices if invoice.due_on < today),
        next_due_on=invoices[0].due_on if invoices else None,
        service_counts=service_selectors.client_service_counts(client),
        messages=inbox.messages,
        unread_messages=inbox.unread,
    )


@dataclass(frozen=True)
class Queue:
    """One queue of work on the staff overview."""

    title: str
    count: int
    url_name: str
    note: str
    query: str = ""
    urgent: bool = False


@dataclass
class StaffOverview:
    queues: list[Queue] = field(default_factory=list)
    payments_today: tuple[int, Money] | None = None
    overdue_verifications: list = field(default_factory=list)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def staff_overview(granted: set[str] | frozenset[str], *, today: date) -> StaffOverview:
    """The queues the staff member's permissions open, with their counts, and today's
    payments (count and sum) for billing staff."""
    overview = StaffOverview()
    queues = overview.queues
    if perms.SERVICES_MANAGE in granted:
        waiting = services_to_activate(today=today)
        late = sum(1 for row in waiting if row.is_overdue)
        queues.append(
            Queue(
                _("Activation queue"),
                len(waiting),
                "web:staff_activation_queue",
                ngettext(
                    "%(count)s past the commencement deadline",
                    "%(count)s past the commencement deadline",
                    late,
                )
                % {"count": late}
                if late
                else _("Paid services to set up"),
                urgent=bool(late),
            )
        )
        proposed = automation_selectors.decisions_for_staff(
            state=AutomatedDecision.State.PROPOSED
        ).count()
        queues.append(
            Queue(
                _("Decisions to confirm"),
                proposed,
                "web:staff_decisions",
                _("Proposals of the billing run awaiting staff"),
                query=f"?state={AutomatedDecision.State.PROPOSED}",
            )
        )
    if perms.BILLING_MANAGE in granted:
        queues.append(
            Queue(
                _("Unmatched payments"),
                payment_selectors.unmatched_payment_count(),
                "web:staff_payments_unmatched",
                _("Bank lines no client could be found for"),
            )
        )
        queues.append(
            Queue(
                _("Act disputes"),
                act_selectors.open_act_disputes_for_staff().count(),
                "web:staff_act_disputes",
                _("Disputed acts of acceptance awaiting a decision"),
            )
        )
        overview.payments_today = payment_selectors.payments_recorded_between(*day_bounds(today))
    if perms.CLIENTS_VIEW in granted:
        count, rows = account_selectors.verification_requests_overdue(
            on=today, limit=OVERDUE_VERIFICATIONS_SHOWN
        )
        queues.append(
            Queue(
                _("Verification requests overdue"),
                count,
                "web:staff_client_search",
                _("Clients past the deadline to answer; services may be suspended"),
                urgent=bool(count),
            )
        )
        overview.overdue_verifications = rows
    return overview


def staff_client_activity(client) -> dict:
    """One client's services, orders, invoices, payments and messages for its staff page,
    newest first, at most :data:`CLIENT_PAGE_ROWS` of each."""
    _none, open_count, open_total = invoice_selectors.client_open_invoices(client, limit=0)
    return {
        "balance": ledger_selectors.balance_of(client),
        "open_invoice_count": open_count,
        "open_total": open_total,
        "services": list(
            service_selectors.client_services(client)
            .prefetch_related(None)
            .order_by("-created_at", "-id")[:CLIENT_PAGE_ROWS]
        ),
        "service_counts": service_selectors.client_service_counts(client),
        "orders": list(
            service_selectors.client_orders(client)
            .prefetch_related(None)
            .order_by("-placed_at", "-id")[:CLIENT_PAGE_ROWS]
        ),
        "invoices": list(
            invoice_selectors.client_invoices(client).order_by("-issued_on", "-id")[
                :CLIENT_PAGE_ROWS
            ]
        ),
        "payments": list(
            ledger_selectors.payments_of(client).order_by("-recorded_at", "-id")[:CLIENT_PAGE_ROWS]
        ),
    }


def staff_client_messages(client) -> list:
    """The client's latest messages (personal data: for readers of personal data only)."""
    return notification_selectors.client_inbox(client, limit=CLIENT_PAGE_ROWS).messages


def find_clients(query: str, *, limit: int = 50, with_names: bool = False) -> list:
    """Clients found by staff search: a word of the name or company, e-mail, phone, client
    id, invoice number, order or service number, a service's host name (issue 11 §8); their
    names are read (and decrypted) only ``with_names``."""
    query = (query or "").strip()
    also: list = []
    if query:
        matched = _NUMBER.fullmatch(query)
        number = int(matched.group(1)) if matched else None
        also.extend(invoice_selectors.client_id_lookups_by_invoice_number(query, number))
        if number is not None:
            also.extend(service_selectors.client_id_lookups_by_number(number))
        also.extend(service_selectors.client_id_lookups_by_host_name(query))
        order_number = _ORDER_NUMBER.fullmatch(query)
        if order_number:
            also.extend(service_selectors.client_id_lookups_by_order_number(order_number.group(1)))
    return account_selectors.staff_client_search(
        query, also=also, limit=limit, with_personal_data=with_names
    )
