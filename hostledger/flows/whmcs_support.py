"""One WHMCS client's tickets with their replies, through the support app's actions (SUP-01;
docs/decisions/0040-importing-from-whmcs.md)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from hostledger.core.errors import DomainError
from hostledger.imports.whmcs import moment
from hostledger.support.actions import ImportedMessage, ticket_import
from hostledger.support.models import AuthorKind, TicketPriority, TicketStatus
from hostledger.support.selectors import active_departments

TICKET_STATUSES = {
    "Open": TicketStatus.OPEN,
    "Customer-Reply": TicketStatus.OPEN,
    "In Progress": TicketStatus.OPEN,
    "Answered": TicketStatus.ANSWERED,
    "On Hold": TicketStatus.ON_HOLD,
    "Closed": TicketStatus.CLOSED,
}
URGENCIES = {
    "Low": TicketPriority.LOW,
    "Medium": TicketPriority.NORMAL,
    "High": TicketPriority.HIGH,
}


def _aware(value, fallback: datetime) -> datetime:
    found = moment(value)
    if found is None:
        return fallback
    return timezone.make_aware(found) if timezone.is_naive(found) else found


def _department(work, row: dict):
    """The department of the same name, else the first active one."""
    if work.context.local_departments is None:
        work.context.local_departments = list(active_departments())
    departments = work.context.local_departments
    name = work.context.departments.get(int(row.get("did") or 0), "").strip().lower()
    for department in departments:
        if name and name in (department.name.lower(), department.slug.lower()):
            return department
    return departments[0] if departments else None


def client_tickets_import(work) -> None:
    """Import the client's tickets; runs inside the client's transaction (``work`` is the
    flow's ClientImport)."""
    for row in work.rows.tickets:
        ticket_id = int(row["id"])
        if work.target_id("tbltickets", ticket_id) is not None:
            work.report.skipped("tbltickets")
            continue
        if int(row.get("merged_ticket_id") or 0):
            work.report.unmapped(
                "tbltickets",
                ticket_id,
                f"merged into WHMCS ticket {row['merged_ticket_id']}, which holds its messages",
            )
            continue
        opened = _aware(row["date"], timezone.now())
        messages = [
            ImportedMessage(
                author_kind=AuthorKind.CLIENT,
                body=str(row["message"] or "").strip() or str(row["title"] or ""),
                created_at=opened,
            )
        ]
        attachments = bool(str(row.get("attachment") or "").strip())
        for reply in work.rows.ticket_replies.get(ticket_id, []):
            if not str(reply["message"] or "").strip():
                continue
            attachments = attachments or bool(str(reply.get("attachment") or "").strip())
            messages.append(
                ImportedMessage(
                    author_kind=AuthorKind.STAFF
                    if str(reply.get("admin") or "").strip()
                    else AuthorKind.CLIENT,
                    body=str(reply["message"]),
                    created_at=_aware(reply["date"], opened),
                )
            )
        try:
            with transaction.atomic():
                ticket = ticket_import(
                    client=work.client,
                    department=_department(work, row),
                    subject=str(row["title"] or "").strip() or f"WHMCS ticket {row.get('tid')}",
                    status=TICKET_STATUSES.get(str(row["status"]), TicketStatus.OPEN),
                    priority=URGENCIES.get(str(row["urgency"]), TicketPriority.NORMAL),
                    messages=messages,
                    source="WHMCS",
                )
                work.remember("tbltickets", ticket_id, ticket)
        except DomainError as error:
            work.report.unmapped("tbltickets", ticket_id, error.message)
            continue
        work.report.imported("tbltickets")
        work.report.imported("tblticketreplies", len(messages) - 1)
        if attachments:
            work.report.note(
                "tbltickets",
                ticket_id,
                "has attachments, which WHMCS keeps as files outside its database: not carried",
            )
