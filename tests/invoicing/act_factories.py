"""Paid invoices and formed acts for the tests of acts of acceptance (DOC-01..03), made
through the real actions. Dates are in the first half of 2025: Estonia's rate is 22 %."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from hostledger.core.models import AuditEvent
from hostledger.invoicing.actions import acts_form, invoice_finalise, proforma_create
from hostledger.invoicing.models import (
    AcceptanceAct,
    AcceptanceActLine,
    ActDispute,
    Invoice,
    PaperActRequest,
)
from tests.invoicing.conftest import line

TALLINN = ZoneInfo("Europe/Tallinn")
JANUARY = date(2025, 1, 1)
FEBRUARY = date(2025, 2, 1)
MARCH = date(2025, 3, 1)


def at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    """A moment in Tallinn, the provider's time zone."""
    return datetime(year, month, day, hour, tzinfo=TALLINN)


def paid_invoice(client, payer, lines, *, issued_on: date, paid_on: date) -> Invoice:
    """A proforma issued on ``issued_on`` and paid (finalised) on ``paid_on``."""
    proforma = proforma_create(client=client, payer=payer, lines=lines, issued_on=issued_on)
    return invoice_finalise(proforma=proforma, paid_on=paid_on)


def form(month: date, *, on: datetime | None = None, **extra) -> list[AcceptanceAct]:
    """Form ``month``'s acts, by default on the 1st of the next month."""
    if on is None:
        following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        on = at(following.year, following.month, following.day, 3)
    return acts_form(month=month, now=on, **extra)


def act_rows(act: AcceptanceAct) -> list[tuple]:
    """An act's lines as (document, description, service month, net, VAT, gross)."""
    return [
        (
            line.document_number,
            line.description,
            line.service_month,
            line.net_minor,
            line.vat_minor,
            line.gross_minor,
        )
        for line in act.lines.order_by("position")
    ]


def act_state() -> dict:
    """Everything the act actions write, to prove a refused action wrote nothing."""
    return {
        "acts": list(AcceptanceAct.objects.order_by("id").values()),
        "lines": list(AcceptanceActLine.objects.order_by("id").values()),
        "disputes": list(ActDispute.objects.order_by("id").values()),
        "requests": list(PaperActRequest.objects.order_by("id").values()),
        "audit": AuditEvent.objects.count(),
    }


def january_service(client, payer, price: str = "12.00") -> Invoice:
    """One month of VPS Start for January 2025, paid on 10 January (VAT 22 %)."""
    return paid_invoice(
        client,
        payer,
        [
            line(
                "VPS Start, January 2025",
                "1",
                price,
                period_start=JANUARY,
                period_end=date(2025, 1, 31),
            )
        ],
        issued_on=date(2025, 1, 8),
        paid_on=date(2025, 1, 10),
    )
