"""Reads of payments and bank-statement imports for the staff area (BIL-01, BIL-06).

Staff see payments of every client; each list costs a fixed number of queries and is capped
at ``limit`` rows, newest first.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Sum

from hostledger.accounts.models import Client
from hostledger.core.errors import NotFound
from hostledger.core.fields import encrypted_field_paths
from hostledger.core.money import DEFAULT_CURRENCY, Money
from hostledger.ledger.models import BankStatementImport, Payment, PaymentReversal

PAYMENT_LIST_LIMIT = 200
IMPORT_LIST_LIMIT = 20


def payments_for_staff(
    *,
    source: str = "",
    status: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    limit: int = PAYMENT_LIST_LIMIT,
) -> list[Payment]:
    """Payments of all clients, newest first, filtered by source (``staff``,
    ``bank_statement`` or a gateway's name), status and value date (both days included).

    One query reading the newest-first index (issue 11 §8); the payer's name, account and
    remittance text and the client's personal data, which the list does not show, are not
    read (nor decrypted)."""
    payments = (
        Payment.objects.select_related("client")
        .defer(*encrypted_field_paths(Payment), *encrypted_field_paths(Client, "client"))
        .order_by("-recorded_at", "-id")
    )
    if source:
        payments = payments.filter(source=source)
    if status:
        payments = payments.filter(status=status)
    if date_from is not None:
        payments = payments.filter(value_date__gte=date_from)
    if date_to is not None:
        payments = payments.filter(value_date__lte=date_to)
    return list(payments[:limit])


def unmatched_payments_for_staff(*, limit: int = PAYMENT_LIST_LIMIT) -> list[Payment]:
    """The review queue (BIL-06): payments nobody has assigned yet, oldest first, with the
    statement import each came from."""
    return list(
        Payment.objects.filter(status=Payment.Status.UNMATCHED)
        .select_related("statement_import")
        .order_by("recorded_at", "id")[:limit]
    )


def unmatched_payment_count() -> int:
    return Payment.objects.filter(status=Payment.Status.UNMATCHED).count()


def payment_for_staff(public_id: str) -> Payment:
    """Any client's payment by its public id; NotFound when there is none."""
    payment = Payment.objects.select_related("client").filter(public_id=public_id).first()
    if payment is None:
        raise NotFound("payment")
    return payment


def bank_statement_imports(*, limit: int = IMPORT_LIST_LIMIT) -> list[BankStatementImport]:
    """The latest statement imports with who imported them, newest first."""
    return list(BankStatementImport.objects.select_related("imported_by")[:limit])


def bank_statement_import_for_staff(public_id: str) -> BankStatementImport:
    found = (
        BankStatementImport.objects.select_related("imported_by")
        .filter(public_id=public_id)
        .first()
    )
    if found is None:
        raise NotFound("bank statement import")
    return found


def payments_of_import(statement_import: BankStatementImport) -> list[Payment]:
    """The payments an import recorded (duplicates of earlier imports are not among them)."""
    return list(
        Payment.objects.filter(statement_import=statement_import)
        .select_related("client")
        .order_by("id")
    )


def reversals_of_import(statement_import: BankStatementImport) -> list[PaymentReversal]:
    """The bank reversals an import recorded, applied or waiting for staff (BIL-06)."""
    return list(
        PaymentReversal.objects.filter(statement_import=statement_import)
        .select_related("payment__client")
        .order_by("id")
    )


def reversals_of(payment: Payment) -> list[PaymentReversal]:
    """The reversals that name ``payment``: the one applied and any waiting for staff."""
    return list(PaymentReversal.objects.filter(payment=payment).order_by("id"))


def waiting_reversals(*, limit: int = PAYMENT_LIST_LIMIT) -> list[PaymentReversal]:
    """Bank reversals waiting for staff to name the payment they take back, oldest first."""
    return list(
        PaymentReversal.objects.filter(status=PaymentReversal.Status.WAITING)
        .select_related("payment__client", "statement_import")
        .order_by("created_at", "id")[:limit]
    )


def reversal_for_staff(public_id: str) -> PaymentReversal:
    found = PaymentReversal.objects.filter(public_id=public_id).first()
    if found is None:
        raise NotFound("payment reversal")
    return found


def payments_recorded_between(start, end) -> tuple[int, Money]:
    """How many payments were recorded in ``[start, end)`` and their sum, the unmatched
    included (the staff overview's "today's payments"); read from the recorded-time index."""
    totals = Payment.objects.filter(recorded_at__gte=start, recorded_at__lt=end).aggregate(
        count=Count("id"), amount=Sum("amount_minor")
    )
    return totals["count"], Money(totals["amount"] or 0, DEFAULT_CURRENCY)
