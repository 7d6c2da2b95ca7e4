"""Paying proformas from the prepaid balance (BIL-01, BIL-03, BIL-04, ORD-03).

A client pays by topping up the balance (bank transfer, card, staff entry); a proforma is paid
*from* the balance: its gross amount is charged once (keyed by the invoice) and, in the same
transaction, it becomes the final invoice with the next number of its series. Locks are taken
in the ledger's fixed order — the client's balance row, then the invoice, then the series — so
concurrent payments of one client's proformas queue behind each other and never charge twice.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from hostledger.core.errors import DomainError
from hostledger.core.money import Money
from hostledger.invoicing.actions.invoices import clean_date, invoice_finalise, locked_invoice
from hostledger.invoicing.models import Invoice
from hostledger.ledger.actions import charge_post
from hostledger.ledger.locks import lock_client_balance


def invoice_charge_key(invoice: Invoice) -> str:
    """The ledger idempotency key of the charge that pays ``invoice``."""
    return f"invoice:{invoice.public_id}"


@transaction.atomic
def invoice_pay_from_balance(*, proforma: Invoice, actor=None, paid_on: date | None = None):
    """Charge an issued proforma's gross amount to the client's balance and finalise it
    (BIL-01, BIL-03, BIL-04). A balance that does not cover the amount is refused with
    ``insufficient_balance`` and nothing changes; a proforma that is not awaiting payment is
    refused with ``invoice_not_awaiting_payment``."""
    paid_on = clean_date(paid_on or timezone.localdate(), "paid_on")
    balance = lock_client_balance(proforma.client)
    locked = locked_invoice(proforma)
    if locked.kind != Invoice.Kind.PROFORMA or locked.status != Invoice.Status.ISSUED:
        raise DomainError(
            "invoice_not_awaiting_payment",
            f"Invoice {locked} is {locked.get_status_display().lower()}, not a proforma "
            "awaiting payment.",
            fields={"proforma": f"status is {locked.status}"},
            status=409,
        )
    gross = Money.from_minor(locked.gross_minor, locked.currency)
    if balance.balance_minor < gross.minor:
        raise DomainError(
            "insufficient_balance",
            f"The balance is {balance.balance}; invoice {locked} needs {gross}.",
            fields={"balance": f"needs {gross}"},
        )
    if gross.is_positive():
        charge_post(
            client=locked.client,
            amount=gross,
            vat_amount=Money.from_minor(locked.vat_minor, locked.currency),
            idempotency_key=invoice_charge_key(locked),
            actor=actor,
            memo=f"Payment of proforma {locked.public_id}",
        )
    return invoice_finalise(proforma=locked, paid_on=paid_on, actor=actor)


@transaction.atomic
def client_proformas_settle(*, client, actor=None, paid_on: date | None = None) -> list[Invoice]:
    """Pay the client's open proformas from the balance, oldest due first, while it covers
    them (ORD-03: the period is paid, so provisioning may start). Stops at the first proforma
    the balance does not cover, so a later one never jumps ahead of an older debt. Returns the
    invoices finalised now; calling it again with nothing new to pay does nothing."""
    balance = lock_client_balance(client)
    available = balance.balance_minor
    finalised = []
    open_proformas = Invoice.objects.filter(
        client=client, kind=Invoice.Kind.PROFORMA, status=Invoice.Status.ISSUED
    ).order_by("due_on", "issued_on", "id")
    for proforma in open_proformas:
        if proforma.gross_minor > available:
            break
        finalised.append(invoice_pay_from_balance(proforma=proforma, actor=actor, paid_on=paid_on))
        available -= proforma.gross_minor
    return finalised
