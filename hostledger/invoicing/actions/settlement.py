"""Paying proformas from the prepaid balance (BIL-01, BIL-03, BIL-04, ORD-03).

A client pays by topping up the balance (bank transfer, card, staff entry); a proforma is paid
*from* the balance: its gross amount is charged once (keyed by the invoice) and, in the same
transaction, it becomes the final invoice with the next number of its series. Locks are taken
in the ledger's fixed order — the client's balance row, then the invoice, then the series — so
concurrent payments of one client's proformas queue behind each other and never charge twice.

VAT is decided at the tax point (BIL-05, docs/decisions/0009-vat-at-the-tax-point.md): the
final invoice is dated the day the money covering it was received and charges the rate in
force that day; when that rate differs from the proforma's, the lines are repriced before the
charge. A gross that rose is charged in full: the balance that paid the proforma covers part,
the rest is a debt on the balance like any unpaid amount, and the client is told.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError
from hostledger.core.money import Money
from hostledger.invoicing.actions.invoices import (
    clean_date,
    invoice_finalise,
    locked_proforma_awaiting_payment,
)
from hostledger.invoicing.models import Invoice
from hostledger.invoicing.vat import tax_point_rate
from hostledger.ledger.actions import charge_post
from hostledger.ledger.locks import lock_client_balance
from hostledger.ledger.selectors import balance_covered_on
from hostledger.notifications.actions import notification_enqueue

VAT_RATE_CHANGED = "vat_rate_changed"


def invoice_charge_key(invoice: Invoice) -> str:
    """The ledger idempotency key of the charge that pays ``invoice``."""
    return f"invoice:{invoice.public_id}"


def invoice_vat_at_tax_point(*, invoice: Invoice, tax_point: date) -> int:
    """Reprice a locked proforma at the VAT rate in force on ``tax_point`` (BIL-05, BIL-02):
    each line's VAT is its net at the new rate, rounded half up once by the money module,
    and the totals are their sums. Nothing changes when the rate is the same. Returns how
    many minor units the gross rose (negative if it fell). Runs in the caller's
    transaction."""
    rate = tax_point_rate(
        scheme=invoice.vat_scheme,
        country=invoice.vat_country,
        billed_rate=invoice.vat_rate,
        tax_point=tax_point,
    )
    if rate == invoice.vat_rate:
        return 0
    vat_total = Money.zero(invoice.currency)
    for line in invoice.lines.order_by("position"):
        vat = Money.from_minor(line.net_minor, invoice.currency).percentage(rate)
        type(line).objects.filter(pk=line.pk).update(vat_rate=rate, vat_minor=vat.minor)
        vat_total += vat
    gross = invoice.net_minor + vat_total.minor
    difference = gross - invoice.gross_minor
    Invoice.objects.filter(pk=invoice.pk).update(
        vat_rate=rate, vat_minor=vat_total.minor, gross_minor=gross
    )
    invoice.refresh_from_db()
    return difference


@transaction.atomic
def proforma_lines_reduce(
    *, proforma: Invoice, nets: dict[int, int], period_end, note: str, actor=None
) -> Invoice:
    """Reduce an unpaid proforma to part of what it billed (AUT-02: a service terminated
    during a period it did not pay owes the days up to the termination): each line's net
    becomes ``nets[line id]`` (at most what it was), its VAT that net at the proforma's rate
    rounded once, its period ends on ``period_end`` and ``note`` says which days it bills;
    the totals are the sums. A proforma that is not awaiting payment is refused."""
    locked = locked_proforma_awaiting_payment(proforma)
    net_total = vat_total = Money.zero(locked.currency)
    for line in locked.lines.order_by("position"):
        net = Money.from_minor(
            min(nets.get(line.pk, line.net_minor), line.net_minor), locked.currency
        )
        vat = net.percentage(locked.vat_rate)
        type(line).objects.filter(pk=line.pk).update(
            description=f"{line.description} ({note})"[:500],
            quantity=1,
            unit_price_minor=net.minor,
            net_minor=net.minor,
            vat_minor=vat.minor,
            period_end=period_end if line.period_end else None,
        )
        net_total += net
        vat_total += vat
    Invoice.objects.filter(pk=locked.pk).update(
        net_minor=net_total.minor,
        vat_minor=vat_total.minor,
        gross_minor=(net_total + vat_total).minor,
    )
    record_audit_event(
        action="invoice.proforma_reduced",
        actor=actor,
        obj=locked,
        subject_client_id=locked.client_id,
        data={"net_minor": net_total.minor, "note": note[:200]},
    )
    locked.refresh_from_db()
    return locked


def vat_rise_announce(*, invoice: Invoice, difference_minor: int, now=None) -> None:
    """Tell the client that the VAT rate in force on the payment date raised the invoice's
    gross and that ``difference_minor`` stays due on the balance (BIL-05)."""
    if difference_minor > 0:
        notification_enqueue(
            key=f"{VAT_RATE_CHANGED}:{invoice.public_id}",
            client=invoice.client,
            event=VAT_RATE_CHANGED,
            invoice=invoice,
            amount_minor=difference_minor,
            on_date=invoice.finalised_on,
            now=now,
        )


@transaction.atomic
def invoice_pay_from_balance(*, proforma: Invoice, actor=None, paid_on: date | None = None):
    """Charge an issued proforma's gross amount to the client's balance and finalise it
    (BIL-01, BIL-03, BIL-04). ``paid_on`` is the tax point: the final invoice is dated that
    day and charges the VAT rate then in force (BIL-05); if that raises the gross, the part
    the balance does not cover stays due on it and the client is told. A balance that does
    not cover the proforma as issued is refused with ``insufficient_balance`` and nothing
    changes; a proforma that is not awaiting payment is refused with
    ``invoice_not_awaiting_payment``."""
    paid_on = clean_date(paid_on or timezone.localdate(), "paid_on")
    balance = lock_client_balance(proforma.client)
    locked = locked_proforma_awaiting_payment(proforma)
    gross = Money.from_minor(locked.gross_minor, locked.currency)
    if balance.balance_minor < gross.minor:
        raise DomainError(
            "insufficient_balance",
            _("The balance is %(balance)s; invoice %(invoice)s needs %(gross)s.")
            % {"balance": balance.balance, "invoice": locked, "gross": gross},
            fields={"balance": f"needs {gross}"},
        )
    if paid_on < locked.issued_on:
        raise DomainError(
            "invalid_date",
            _("paid_on: a proforma cannot be paid before it was issued."),
            fields={"paid_on": "before the issue date"},
        )
    difference = invoice_vat_at_tax_point(invoice=locked, tax_point=paid_on)
    gross = Money.from_minor(locked.gross_minor, locked.currency)
    if gross.is_positive():
        charge_post(
            client=locked.client,
            amount=gross,
            vat_amount=Money.from_minor(locked.vat_minor, locked.currency),
            idempotency_key=invoice_charge_key(locked),
            allow_negative_balance=difference > 0,  # the VAT rise stays due (BIL-05)
            actor=actor,
            memo=f"Payment of proforma {locked.public_id}",
        )
    final = invoice_finalise(proforma=locked, paid_on=paid_on, actor=actor)
    vat_rise_announce(invoice=final, difference_minor=difference)
    return final


@transaction.atomic
def client_proformas_settle(*, client, actor=None, today: date | None = None) -> list[Invoice]:
    """Pay the client's open proformas from the balance, oldest due first, while it covers
    them (ORD-03: the period is paid, so provisioning may start). Stops at the first proforma
    the balance does not cover, so a later one never jumps ahead of an older debt. Each is
    paid as of the day the money covering it was received (its value date, 003 §5.2), not
    the day it is applied: that day dates the final invoice, fixes its VAT rate (BIL-05) and
    ends its late-payment penalty (BIL-07). Returns the invoices finalised now; calling it
    again with nothing new to pay does nothing."""
    today = clean_date(today or timezone.localdate(), "today")
    balance = lock_client_balance(client)
    available = balance.balance_minor
    needed = 0
    finalised = []
    open_proformas = Invoice.objects.filter(
        client=client, kind=Invoice.Kind.PROFORMA, status=Invoice.Status.ISSUED
    ).order_by("due_on", "issued_on", "id")
    for proforma in open_proformas:
        if proforma.gross_minor > available:
            break
        needed += proforma.gross_minor
        paid_on = balance_covered_on(
            client=client,
            balance_minor=balance.balance_minor,
            needed_minor=needed,
            not_before=min(proforma.issued_on, today),
            today=today,
        )
        paid = invoice_pay_from_balance(proforma=proforma, actor=actor, paid_on=paid_on)
        finalised.append(paid)
        available -= paid.gross_minor
    return finalised
