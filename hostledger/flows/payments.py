"""Money arriving and leaving by bank: statement imports, assigning from the review queue
and reversals, each followed by what the money pays for (BIL-06, ORD-03).

The steps after money reaches a balance are the subscriptions app's
(:func:`~hostledger.subscriptions.actions.client_payments_apply`: open proformas paid oldest
first, services started); here a transfer that names a proforma pays that proforma first
(:func:`~hostledger.subscriptions.actions.proforma_pay_from_balance`). A reversal that took
money off a client's balance tells the client.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from hostledger.accounts.models import Client
from hostledger.core.errors import DomainError
from hostledger.invoicing.models import Invoice
from hostledger.invoicing.selectors import invoices_named
from hostledger.ledger.actions import (
    bank_statement_import,
    payment_assign,
    payment_reversal_resolve,
    payment_reverse,
)
from hostledger.ledger.models import BankStatementImport, Payment, PaymentReversal
from hostledger.ledger.selectors import balance_of
from hostledger.notifications.actions import notification_enqueue
from hostledger.subscriptions.actions import client_payments_apply, proforma_pay_from_balance

logger = logging.getLogger(__name__)


def money_arrived(*, client: Client, actor: Any, named_invoices: list[str] = ()) -> None:
    """Apply money that reached ``client``'s balance: each open proforma a transfer named is
    paid first, if the balance covers it, then the balance pays what else is open, oldest
    first, and paid services start (ORD-03, BIL-03). Runs in the caller's transaction."""
    for public_id in dict.fromkeys(named_invoices):
        proforma = Invoice.objects.filter(
            public_id=public_id,
            client=client,
            kind=Invoice.Kind.PROFORMA,
            status=Invoice.Status.ISSUED,
        ).first()
        if proforma is not None and balance_of(client).minor >= proforma.gross_minor:
            proforma_pay_from_balance(proforma=proforma, actor=actor)
    client_payments_apply(client=client, actor=actor)


def _reversal_notify(reversal: PaymentReversal) -> None:
    """Tell the client that money left its balance because a payment was reversed."""
    payment = reversal.payment
    if reversal.ledger_transaction_id is None or payment is None or payment.client is None:
        return
    notification_enqueue(
        key=f"payment_reversed:{reversal.public_id}",
        client=payment.client,
        event="payment_reversed",
        amount_minor=reversal.amount_minor,
        on_date=timezone.localdate(),
    )


def bank_file_import(*, content: bytes, actor: Any, file_name: str = "") -> BankStatementImport:
    """Import a bank file (camt.052/053/054), tell the clients whose payments the bank
    reversed, then apply the money each matched client received (BIL-06, ORD-03).

    The import and the messages are one transaction: a refused file records nothing. The
    money is then applied client by client, each in its own transaction, so one client's
    proforma that cannot be paid now (it stays open for staff) never undoes the import.
    """
    with transaction.atomic():
        record = bank_statement_import(
            content=content, actor=actor, file_name=file_name, invoices_named=invoices_named
        )
        applied = record.reversals.filter(status=PaymentReversal.Status.APPLIED)
        for reversal in applied.select_related("payment__client").order_by("id"):
            _reversal_notify(reversal)
    received: dict[int, tuple[Client, list[str]]] = {}
    matched = record.payments.filter(status=Payment.Status.MATCHED).select_related("client")
    for payment in matched.order_by("id"):
        _, named = received.setdefault(payment.client_id, (payment.client, []))
        if payment.named_invoice:
            named.append(payment.named_invoice)
    for client, named in received.values():
        try:
            with transaction.atomic():
                money_arrived(client=client, actor=actor, named_invoices=named)
        except DomainError as error:
            logger.warning(
                "Import %s: the money of client %s stays on its balance: %s",
                record.public_id,
                client.public_id,
                error.message,
            )
    return record


@transaction.atomic
def payment_assign_apply(*, payment: Payment, client: Client, actor: Any) -> Payment:
    """Staff assign a payment from the review queue and the money is applied, in one
    transaction: an error in either leaves nothing changed (BIL-06)."""
    assigned = payment_assign(payment=payment, client=client, actor=actor)
    money_arrived(
        client=client,
        actor=actor,
        named_invoices=[assigned.named_invoice] if assigned.named_invoice else [],
    )
    return assigned


@transaction.atomic
def payment_reverse_notify(*, payment: Payment, reason: str, actor: Any) -> PaymentReversal:
    """Staff reverse a wrongly recorded payment; the client is told (BIL-01, BIL-06)."""
    reversal = payment_reverse(payment=payment, reason=reason, actor=actor)
    _reversal_notify(reversal)
    return reversal


@transaction.atomic
def payment_reversal_resolve_notify(
    *, reversal: PaymentReversal, payment: Payment, actor: Any
) -> PaymentReversal:
    """Staff settle a waiting bank reversal by naming its payment; the client is told."""
    applied = payment_reversal_resolve(reversal=reversal, payment=payment, actor=actor)
    _reversal_notify(applied)
    return applied
