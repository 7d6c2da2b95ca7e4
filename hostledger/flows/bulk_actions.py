"""The bulk actions of the staff lists: remind clients of overdue proformas, suspend services
and assign tickets, each for a selection of rows as one job with progress
(:mod:`hostledger.core.bulk_jobs`).

Each row goes through the same action as when staff act on one row, with its permission
and its checks of the row's state; a row the action refuses is skipped with the reason.
Imported by ``hostledger.automation.jobs``, so the worker knows the jobs.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from hostledger.accounts import permissions as perms
from hostledger.core.audit import record_audit_event
from hostledger.core.bulk_jobs import bulk_action
from hostledger.core.errors import DomainError, NotFound, PermissionDenied
from hostledger.invoicing.models import Invoice
from hostledger.notifications.actions.messages import notification_enqueue
from hostledger.subscriptions.actions import service_suspend
from hostledger.subscriptions.selectors import staff_service
from hostledger.support.actions.tickets import ticket_assign
from hostledger.support.selectors import staff_member, staff_ticket

PAYMENT_REMINDER = "payment_reminder"
REMIND_PROFORMAS = "invoices.remind_overdue"
SUSPEND_SERVICES = "services.suspend"
ASSIGN_TICKETS = "tickets.assign"


def can_manage_billing(user) -> bool:
    return perms.has_permission(user, perms.BILLING_MANAGE)


def can_manage_services(user) -> bool:
    return perms.has_permission(user, perms.SERVICES_MANAGE)


def can_answer_tickets(user) -> bool:
    return perms.has_permission(user, perms.TICKETS_ANSWER)


# ----------------------------------------------------------------------------- reminders


@transaction.atomic
def overdue_proforma_remind(
    *, proforma: Invoice, actor, key: str, today: date | None = None
) -> None:
    """Remind the client of an issued proforma whose due date has passed (AUT-04), by staff
    with ``billing.manage``. ``key`` names the occasion (one reminder per proforma and key),
    so a repeated call sends nothing more."""
    if not can_manage_billing(actor):
        raise PermissionDenied("Sending payment reminders needs the billing.manage permission.")
    today = today or timezone.localdate()
    proforma = Invoice.objects.select_for_update().get(pk=proforma.pk)
    if proforma.kind != Invoice.Kind.PROFORMA or proforma.status != Invoice.Status.ISSUED:
        raise DomainError(
            "not_overdue",
            "Only an issued, unpaid proforma gets a payment reminder.",
            fields={"status": proforma.get_status_display()},
        )
    if proforma.due_on >= today:
        raise DomainError(
            "not_overdue",
            "The proforma is not overdue yet.",
            fields={"due_on": proforma.due_on.isoformat()},
        )
    notification_enqueue(
        key=f"{PAYMENT_REMINDER}:{proforma.public_id}:{key}",
        client=proforma.client,
        event=PAYMENT_REMINDER,
        invoice=proforma,
        amount_minor=proforma.gross_minor,
        on_date=proforma.due_on,
    )
    record_audit_event(
        action="invoice.reminder_sent",
        actor=actor,
        obj=proforma,
        subject_client_id=proforma.client_id,
        data={"key": key},
    )


@bulk_action(REMIND_PROFORMAS, permitted=can_manage_billing, description="Send payment reminders")
def remind_overdue_proformas(*, public_id: str, actor, parameters: dict, key: str) -> None:
    """Send a payment reminder for each selected overdue proforma."""
    proforma = Invoice.objects.filter(public_id=public_id).first()
    if proforma is None:
        raise NotFound("proforma")
    overdue_proforma_remind(proforma=proforma, actor=actor, key=key)


# ----------------------------------------------------------------------------- services


@bulk_action(SUSPEND_SERVICES, permitted=can_manage_services, description="Suspend services")
def suspend_services(*, public_id: str, actor, parameters: dict, key: str) -> None:
    """Suspend each selected active service, with the reason given (ORD-02)."""
    service_suspend(
        service=staff_service(public_id), actor=actor, reason=parameters.get("reason", "")
    )


# ----------------------------------------------------------------------------- tickets


@bulk_action(ASSIGN_TICKETS, permitted=can_answer_tickets, description="Assign tickets")
def assign_tickets(*, public_id: str, actor, parameters: dict, key: str) -> None:
    """Give each selected ticket to the staff member chosen, or to nobody (SUP-01); a merged
    ticket stays as it is."""
    ticket = staff_ticket(actor, public_id)
    if ticket.merged_into_id is not None:
        raise DomainError(
            "ticket_merged", "A merged ticket stays closed.", fields={"ticket": "merged"}
        )
    ticket_assign(
        ticket=ticket, assignee=staff_member(parameters.get("assignee") or ""), actor=actor
    )
