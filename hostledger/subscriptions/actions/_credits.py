"""Giving money for unused days of paid periods back to the balance (ORD-04, ORD-06, ORD-07).

A paid period was billed by its order's invoice (``ServicePeriod.invoice``) and, after an
upgrade, also by the upgrade's invoice for the rest of the period (``ServiceChange.lines``).
What is given back for a period is credited on those invoices, the newest first, each up to
what it billed for that period less what was already credited on it for that period
(``ServiceCredit`` rows); issued invoices never change, a credit note corrects them and puts
its gross amount back on the balance (BIL-04, BIL-01). Everything here runs inside the
caller's transaction, which holds the client's balance lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Sum

from hostledger.core.money import Money
from hostledger.invoicing.actions import credit_note_issue
from hostledger.invoicing.lines import LineInput, price_line
from hostledger.invoicing.models import CreditNote, Invoice
from hostledger.subscriptions.models import (
    Service,
    ServiceCancellation,
    ServiceChange,
    ServiceCredit,
    ServicePeriod,
)
from hostledger.subscriptions.proration import remaining_share_minor


@dataclass(frozen=True)
class Portion:
    """Net minor units to give back for the days ``first`` to the end of ``period``."""

    period: ServicePeriod
    first: date
    amount_minor: int


def applied_change_lines(service: Service) -> list[tuple[ServiceChange, dict]]:
    """Every stored period line of the service's applied changes, oldest change first."""
    rows = []
    changes = ServiceChange.objects.filter(
        service=service, state=ServiceChange.State.APPLIED
    ).order_by("applied_at", "id")
    for change in changes.select_related("invoice"):
        rows.extend((change, line) for line in change.lines)
    return rows


def unused_minor(period: ServicePeriod, first: date, lines: list[tuple[ServiceChange, dict]]):
    """The net value of the days from ``first`` to the end of ``period`` as billed: the
    period's own amount and every applied change's difference for it, each prorated from
    the later of ``first`` and the day the change took effect (never below zero)."""
    total = remaining_share_minor(
        period.amount_minor, starts_on=period.starts_on, ends_on=period.ends_on, first=first
    )
    for _change, line in lines:
        if line["period"] != period.pk:
            continue
        total += remaining_share_minor(
            line["period_delta_minor"],
            starts_on=period.starts_on,
            ends_on=period.ends_on,
            first=max(first, date.fromisoformat(line["first"])),
        )
    return max(total, 0)


def _documents(period: ServicePeriod, lines, first: date) -> list[tuple[Invoice, int, int]]:
    """The paid invoices that billed ``period``, newest first (the upgrades' invoices in the
    reverse order they were applied, then the period's own), each with what it billed for
    the period and its own share of the days from ``first``."""
    documents = []
    for change, line in reversed(lines):
        if line["period"] == period.pk and line["amount_minor"] > 0 and change.invoice_id:
            own = remaining_share_minor(
                line["period_delta_minor"],
                starts_on=period.starts_on,
                ends_on=period.ends_on,
                first=max(first, date.fromisoformat(line["first"])),
            )
            documents.append((change.invoice, line["amount_minor"], own))
    if period.invoice_id is not None:
        own = remaining_share_minor(
            period.amount_minor, starts_on=period.starts_on, ends_on=period.ends_on, first=first
        )
        documents.append((period.invoice, period.amount_minor, own))
    return [document for document in documents if document[0].kind == "final"]


def _credited_for_period(invoice: Invoice, period: ServicePeriod) -> int:
    return (
        ServiceCredit.objects.filter(
            invoice=invoice,
            service_id=period.service_id,
            starts_on__gte=period.starts_on,
            starts_on__lte=period.ends_on,
        ).aggregate(total=Sum("net_minor"))["total"]
        or 0
    )


def _invoice_left(invoice: Invoice) -> tuple[int, int]:
    """Net and gross minor units of ``invoice`` that no credit note took back yet."""
    sums = CreditNote.objects.filter(invoice=invoice).aggregate(
        net=Sum("net_minor"), gross=Sum("gross_minor")
    )
    return invoice.net_minor + (sums["net"] or 0), invoice.gross_minor + (sums["gross"] or 0)


def _gross_of(rows: list[list], invoice: Invoice) -> int:
    total = 0
    for _period, _first, net in rows:
        amount, vat = price_line(
            quantity=1, unit_price=Money(net, invoice.currency), vat_rate=invoice.vat_rate
        )
        total += amount.minor + vat.minor
    return total


def credit_back(
    *,
    service: Service,
    portions: list[Portion],
    description: str,
    reason: str,
    actor,
    today: date,
    change: ServiceChange | None = None,
    cancellation: ServiceCancellation | None = None,
    by_own_share: bool = False,
) -> int:
    """Credit ``portions`` on the invoices that billed them and record each credit as a
    ``ServiceCredit``; one credit note per invoice, one line per period. Returns the net
    minor units credited (less than asked only when the invoices hold less).

    Invoices are credited newest first, each up to what it billed for the period less what
    was credited on it for the period. With ``by_own_share`` (unused days of a cancellation
    or withdrawal) each invoice first gives back only its own share of those days, so the
    order's invoice and an upgrade's invoice each return their part; what a downgrade already
    returned is taken off the newest first, as the downgrade credited it.
    """
    lines = applied_change_lines(service)
    planned: dict[int, list[list]] = {}
    invoices: dict[int, Invoice] = {}
    left: dict[int, int] = {}
    for portion in portions:
        wanted = portion.amount_minor
        documents = _documents(portion.period, lines, portion.first)
        passes = (True, False) if by_own_share else (False,)
        for within_own_share in passes:
            for invoice, billed, own in documents:
                if wanted <= 0:
                    break
                if invoice.pk not in left:
                    left[invoice.pk] = _invoice_left(invoice)[0]
                already = _credited_for_period(invoice, portion.period) + sum(
                    row[2] for row in planned.get(invoice.pk, []) if row[0].pk == portion.period.pk
                )
                take = min(wanted, billed - already, left[invoice.pk])
                if within_own_share:
                    planned_here = sum(
                        row[2]
                        for row in planned.get(invoice.pk, [])
                        if row[0].pk == portion.period.pk
                    )
                    take = min(take, own - planned_here)
                if take <= 0:
                    continue
                invoices[invoice.pk] = invoice
                rows = planned.setdefault(invoice.pk, [])
                same = [row for row in rows if row[0].pk == portion.period.pk]
                if same:
                    same[0][2] += take
                else:
                    rows.append([portion.period, portion.first, take])
                left[invoice.pk] -= take
                wanted -= take
    credited = 0
    for invoice_pk, rows in planned.items():
        invoice = invoices[invoice_pk]
        gross_left = _invoice_left(invoice)[1]
        while rows and _gross_of(rows, invoice) > gross_left:
            rows[-1][2] -= 1  # a cent of VAT rounding more than the invoice still holds
            if rows[-1][2] <= 0:
                rows.pop()
        if not rows:
            continue
        note = credit_note_issue(
            invoice=invoice,
            reason=reason,
            actor=actor,
            issued_on=max(today, invoice.finalised_on),
            lines=[
                LineInput(
                    description=(
                        f"{description}, {first.isoformat()} to {period.ends_on.isoformat()}"
                    ),
                    quantity=1,
                    unit_price=Money(net, invoice.currency),
                    period_start=first,
                    period_end=period.ends_on,
                )
                for period, first, net in rows
            ],
        )
        ServiceCredit.objects.bulk_create(
            ServiceCredit(
                service=service,
                credit_note=note,
                invoice=invoice,
                change=change,
                cancellation=cancellation,
                starts_on=first,
                ends_on=period.ends_on,
                net_minor=net,
                currency=invoice.currency,
            )
            for period, first, net in rows
        )
        credited += sum(net for _period, _first, net in rows)
    return credited


def unused_portions(service: Service, first: date) -> list[Portion]:
    """What every paid period of ``service`` holds for the days from ``first`` on (ORD-06,
    ORD-07): the rest of the period ``first`` falls in and the whole of later ones."""
    lines = applied_change_lines(service)
    portions = []
    periods = ServicePeriod.objects.filter(service=service, ends_on__gte=first).order_by(
        "starts_on"
    )
    for period in periods.select_related("invoice"):
        start = max(first, period.starts_on)
        amount = unused_minor(period, start, lines)
        if amount > 0:
            portions.append(Portion(period=period, first=start, amount_minor=amount))
    return portions
