"""Payments: recorded once per (source, external id), posted to the client's balance, or
kept in the review queue until staff assign them (BIL-06).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from hostledger.accounts.models import Client
from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError
from hostledger.core.money import DEFAULT_CURRENCY, Money
from hostledger.core.registry import setting_value
from hostledger.ledger.actions.balance import positive_amount
from hostledger.ledger.actions.posting import post_transaction
from hostledger.ledger.chart import provider_account
from hostledger.ledger.conf import REFERENCE_NUMBER_PREFIX
from hostledger.ledger.locks import lock_client_balance, lock_payment
from hostledger.ledger.models import (
    BankStatementImport,
    ClientPaymentReference,
    LedgerAccount,
    LedgerTransaction,
    Payment,
    PaymentReversal,
)
from hostledger.ledger.references import creditor_reference_from_base, reference_number_from_base
from hostledger.ledger.selectors import balance_of
from hostledger.notifications.actions import payment_received_notify

RECEIVED_INTO = (LedgerAccount.Kind.BANK, LedgerAccount.Kind.CASH)


def _payment_post(payment: Payment, actor: Any, *, notify_client: bool = True) -> LedgerTransaction:
    """Post a payment to its client's balance, once (the key is the payment's own id), and
    send the client its receipt with the balance after it (NTF-01) unless ``notify_client``
    is false (a payment imported from another system, whose receipt went out there)."""
    client_account = lock_client_balance(payment.client).account
    posted = post_transaction(
        client=payment.client,
        kind=LedgerTransaction.Kind.PAYMENT,
        idempotency_key=f"payment:{payment.public_id}",
        lines=[(client_account, payment.amount), (payment.counter_account, -payment.amount)],
        actor=actor,
        memo=f"Payment {payment.public_id} ({payment.source})",
        payment=payment,
    )
    if notify_client:
        payment_received_notify(payment=payment, balance_minor=balance_of(payment.client).minor)
    return posted


def _limited(value: str, field: str, *, required: bool = False) -> str:
    text = (value or "").strip()
    limit = Payment._meta.get_field(field).max_length
    if required and not text:
        raise DomainError(
            "required",
            gettext("%(field)s is required.") % {"field": field},
            fields={field: "required"},
        )
    if limit and len(text) > limit:
        raise DomainError(
            "too_long",
            gettext("%(field)s is at most %(limit)s characters.")
            % {"field": field, "limit": limit},
            fields={field: "too long"},
        )
    return text


@transaction.atomic
def payment_receive(
    *,
    source: str,
    external_id: str,
    amount: Money,
    counter_account: LedgerAccount,
    client: Client | None = None,
    value_date: date | None = None,
    booking_date: date | None = None,
    reference: str = "",
    payer_name: str = "",
    payer_account: str = "",
    remittance_information: str = "",
    review_note: str = "",
    statement_import: BankStatementImport | None = None,
    actor: Any = None,
    bank_account: str = "",
    bank_references: str = "",
    named_invoice: str = "",
    notify_client: bool = True,
) -> tuple[Payment, bool]:
    """Record money received once per (``source``, ``external_id``) (BIL-06).

    Returns the payment and whether it is new. When the pair was recorded before, the stored
    payment is returned and nothing is written, however many times the statement line or
    notification arrives. With a ``client`` (and in EUR) the payment is posted to that
    client's balance; otherwise it waits in the review queue with ``review_note`` saying why.
    The client gets a receipt unless ``notify_client`` is false (an imported payment).
    """
    source = _limited(source, "source", required=True)
    external_id = _limited(external_id, "external_id", required=True)
    if not isinstance(amount, Money):
        raise TypeError(f"amount is a Money, not {type(amount).__name__}.")
    if not amount.is_positive():
        raise DomainError(
            "invalid_amount",
            gettext("A payment is above zero."),
            fields={"amount": "must be above zero"},
        )
    if client is not None and amount.currency != DEFAULT_CURRENCY:
        client, review_note = None, f"paid in {amount.currency}, not {DEFAULT_CURRENCY}"
    if client is not None:
        lock_client_balance(client)
    existing = Payment.objects.filter(source=source, external_id=external_id).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                source=source,
                external_id=external_id,
                amount_minor=amount.minor,
                currency=amount.currency,
                value_date=value_date,
                booking_date=booking_date,
                reference=_limited(reference, "reference"),
                payer_name=payer_name or "",
                payer_account=payer_account or "",
                remittance_information=remittance_information or "",
                counter_account=counter_account,
                client=client,
                status=Payment.Status.MATCHED if client else Payment.Status.UNMATCHED,
                review_note="" if client else _limited(review_note, "review_note"),
                statement_import=statement_import,
                bank_account=_limited(bank_account, "bank_account"),
                bank_references=(bank_references or "")[:500],
                named_invoice=_limited(named_invoice, "named_invoice") if client else "",
                recorded_by=actor,
                matched_at=timezone.now() if client else None,
            )
    except IntegrityError:
        # Recorded meanwhile by a writer that did not share this client's lock.
        return Payment.objects.get(source=source, external_id=external_id), False
    if client is not None:
        _payment_post(payment, actor, notify_client=notify_client)
    return payment, True


@transaction.atomic
def payment_record(
    *,
    client: Client,
    amount: Money,
    value_date: date,
    reference: str,
    actor: Any,
    received_into: str = LedgerAccount.Kind.BANK,
    payer_name: str = "",
) -> Payment:
    """Staff record a payment the client made by bank transfer or in cash (BIL-01, BIL-06).

    ``reference`` is the bank's reference of the transfer or the cash receipt number; the same
    reference entered again for the same account returns the payment already recorded (a
    double-submitted form posts once), and for another client or amount it is refused.
    """
    positive_amount(amount)
    if received_into not in RECEIVED_INTO:
        raise DomainError(
            "invalid_account",
            gettext("A payment entered by staff arrives in the bank or in cash."),
            fields={"received_into": "bank or cash"},
        )
    if not isinstance(value_date, date):
        raise DomainError(
            "required", gettext("The payment date is required."), fields={"value_date": "required"}
        )
    if value_date > timezone.localdate():
        raise DomainError(
            "invalid_date",
            gettext("A payment date cannot be in the future."),
            fields={"value_date": "future"},
        )
    reference = (reference or "").strip()
    if not reference or len(reference) > 150:
        raise DomainError(
            "required",
            gettext("Give the bank's reference of the transfer or the receipt number."),
            fields={"reference": "required, at most 150 characters"},
        )
    lock_client_balance(client)  # before the bank or cash account, in the order of locks.py
    payment, created = payment_receive(
        source=Payment.Source.STAFF,
        external_id=f"{received_into}:{reference}",
        amount=amount,
        counter_account=provider_account(received_into),
        client=client,
        value_date=value_date,
        booking_date=value_date,
        reference=reference[:40],
        payer_name=payer_name,
        actor=actor,
    )
    if not created:
        if payment.client_id != client.pk or payment.amount != amount:
            raise DomainError(
                "duplicate_payment_reference",
                gettext("A different payment was already recorded with this reference."),
                fields={"reference": "already recorded"},
                status=409,
            )
        return payment
    record_audit_event(
        action="ledger.payment_recorded",
        actor=actor,
        obj=payment,
        subject_client_id=client.pk,
        data={"amount": str(amount.amount), "received_into": received_into},
    )
    return payment


@transaction.atomic
def payment_assign(*, payment: Payment, client: Client, actor: Any) -> Payment:
    """Staff assign a payment from the review queue to its client; it is posted once (BIL-06).

    Assigning it again to the same client changes nothing; a payment already posted to
    another client is refused (correct that with a refund or a correction instead).
    """
    lock_client_balance(client)
    payment = lock_payment(payment.pk)
    if payment.status != Payment.Status.UNMATCHED:
        if payment.client_id == client.pk:
            return payment
        raise DomainError(
            "payment_already_assigned",
            gettext("This payment is already posted to another client."),
            fields={"client": "payment already assigned"},
            status=409,
        )
    if payment.currency != DEFAULT_CURRENCY:
        raise DomainError(
            "invalid_currency",
            gettext(
                "The payment is in %(currency)s; the balance is kept in "
                "%(default_currency)s. Refund it to the payer instead."
            )
            % {"currency": payment.currency, "default_currency": DEFAULT_CURRENCY},
            fields={"payment": f"not in {DEFAULT_CURRENCY}"},
        )
    payment.client = client
    payment.status = Payment.Status.MATCHED
    payment.matched_at = timezone.now()
    payment.matched_by = actor
    payment.save(update_fields=["client", "status", "matched_at", "matched_by"])
    _payment_post(payment, actor)
    record_audit_event(
        action="ledger.payment_assigned",
        actor=actor,
        obj=payment,
        subject_client_id=client.pk,
        data={"amount": str(payment.amount.amount)},
    )
    return payment


@transaction.atomic
def client_payment_reference_ensure(*, client: Client) -> ClientPaymentReference:
    """The client's payment references, made on first use (BIL-06).

    The base is the provider's reference prefix followed by the client's row id; the
    Estonian reference number adds the 7-3-1 check digit and the RF creditor reference is
    built on the reference number. Once made they never change, even if the prefix does.
    """
    existing = ClientPaymentReference.objects.filter(client=client).first()
    if existing is not None:
        return existing
    prefix = str(setting_value(REFERENCE_NUMBER_PREFIX) or "").strip()
    if prefix and not (prefix.isascii() and prefix.isdigit()):
        raise DomainError(
            "invalid_setting",
            gettext("The reference number prefix must be digits."),
            fields={REFERENCE_NUMBER_PREFIX: "digits only"},
        )
    number = reference_number_from_base(f"{prefix}{client.pk}")
    reference, _ = ClientPaymentReference.objects.get_or_create(
        client=client,
        defaults={
            "reference_number": number,
            "creditor_reference": creditor_reference_from_base(number),
        },
    )
    return reference


REVERSAL_REASON_MAX_CHARS = 500


def _reversal_apply(reversal: PaymentReversal, payment: Payment, actor: Any) -> PaymentReversal:
    """Reverse ``payment`` for ``reversal``: a posted payment gets a correction taking its
    amount off the client's balance (which may go below zero: a debt like any other), a
    payment still in the review queue is only marked reversed. Caller holds the locks."""
    posted = None
    if payment.status == Payment.Status.MATCHED:
        client_account = lock_client_balance(payment.client).account
        posted = post_transaction(
            client=payment.client,
            kind=LedgerTransaction.Kind.CORRECTION,
            idempotency_key=f"payment-reversal:{payment.public_id}",
            lines=[(client_account, -payment.amount), (payment.counter_account, payment.amount)],
            actor=actor,
            memo=f"Reversal of payment {payment.public_id}: {reversal.reason}"[:500],
            payment=payment,
        )
    Payment.objects.filter(pk=payment.pk).update(status=Payment.Status.REVERSED)
    payment.status = Payment.Status.REVERSED
    reversal.payment = payment
    reversal.status = PaymentReversal.Status.APPLIED
    reversal.ledger_transaction = posted
    reversal.review_note = ""
    reversal.applied_at = timezone.now()
    reversal.applied_by = actor
    reversal.save(
        update_fields=[
            "payment",
            "status",
            "ledger_transaction",
            "review_note",
            "applied_at",
            "applied_by",
        ]
    )
    record_audit_event(
        action="ledger.payment_reversed",
        actor=actor,
        obj=payment,
        subject_client_id=payment.client_id,
        data={
            "reversal": reversal.public_id,
            "amount": str(payment.amount.amount),
            "reason": reversal.reason,
            "source": reversal.source,
        },
    )
    return reversal


def _why_not_reversible(payment: Payment, amount: Money | None = None) -> str:
    if payment.status == Payment.Status.REVERSED:
        return "the payment is already reversed"
    if payment.status == Payment.Status.REFUNDED:
        return "the payment was refunded"
    if amount is not None and amount != payment.amount:
        return f"the payment is {payment.amount}, the reversal {amount}"
    return ""


def _reversed_payment(
    bank_account: str, bank_references: str, amount: Money
) -> tuple[Payment | None, str]:
    """The payment a bank's reversal takes back: a statement payment into the same account,
    of the same amount, sharing one of the transaction's references."""
    pairs = [item for item in bank_references.split(";") if "=" in item]
    if not pairs:
        return None, "the reversal carries no reference of the payment it reverses"
    shares = Q()
    for pair in pairs:
        shares |= Q(bank_references__contains=f"{pair};")
    found = list(
        Payment.objects.filter(
            shares,
            source=Payment.Source.BANK_STATEMENT,
            bank_account=bank_account,
            amount_minor=amount.minor,
            currency=amount.currency,
        )
        .exclude(status=Payment.Status.REVERSED)
        .order_by("id")[:2]
    )
    if len(found) > 1:
        return None, "several payments carry the reversal's references"
    if not found:
        return None, "no recorded payment carries the reversal's references"
    return found[0], ""


@transaction.atomic
def reversal_record(
    *,
    external_id: str,
    amount: Money,
    booking_date: date | None,
    bank_account: str,
    bank_references: str,
    reason: str,
    statement_import: BankStatementImport | None,
    actor: Any,
) -> tuple[PaymentReversal, bool]:
    """Record a bank's reversal of a credit once per statement line (BIL-06).

    The payment it reverses (same account and amount, a shared reference) is reversed at
    once; when there is none, or it cannot be reversed (already refunded), the reversal waits
    for staff, linked to the payment when one was found. Returns the reversal and whether it
    is new; a reversal recorded before is returned and nothing is written.
    """
    existing = PaymentReversal.objects.filter(
        source=PaymentReversal.Source.BANK_STATEMENT, external_id=external_id
    ).first()
    if existing is not None:
        return existing, False
    payment, note = _reversed_payment(bank_account, bank_references, amount)
    if payment is not None:
        if payment.client is not None:
            lock_client_balance(payment.client)
        payment = lock_payment(payment.pk)
        note = _why_not_reversible(payment, amount)
    reversal = PaymentReversal.objects.create(
        source=PaymentReversal.Source.BANK_STATEMENT,
        external_id=external_id[:200],
        payment=payment,
        amount_minor=amount.minor,
        currency=amount.currency,
        booking_date=booking_date,
        bank_account=bank_account[:34],
        bank_references=bank_references[:500],
        reason=reason,
        status=PaymentReversal.Status.WAITING,
        review_note=note[:200],
        statement_import=statement_import,
        created_by=actor,
    )
    if payment is not None and not note:
        _reversal_apply(reversal, payment, actor)
    return reversal, True


def _clean_reason(reason: Any) -> str:
    text = (reason if isinstance(reason, str) else "").strip()
    if not text or len(text) > REVERSAL_REASON_MAX_CHARS:
        raise DomainError(
            "required",
            gettext(
                "Say why the payment is reversed (at most %(reversal_reason_max_chars)s "
                "characters)."
            )
            % {"reversal_reason_max_chars": REVERSAL_REASON_MAX_CHARS},
            fields={"reason": f"required, at most {REVERSAL_REASON_MAX_CHARS} characters"},
        )
    return text


def _locked_for_reversal(payment: Payment) -> Payment:
    if not isinstance(payment, Payment):
        raise DomainError("not_found", gettext("No such payment."), fields={"payment": "not found"})
    stored = Payment.objects.filter(pk=payment.pk).first()
    if stored is not None and stored.client is not None:
        lock_client_balance(stored.client)
    return lock_payment(payment.pk)


@transaction.atomic
def payment_reverse(*, payment: Payment, reason: str, actor: Any) -> PaymentReversal:
    """Staff reverse a wrongly recorded payment with a reason (BIL-01, BIL-06).

    A new correction takes the amount off the client's balance (the payment stays, marked
    reversed, and the ledger keeps both movements); the balance may go below zero. Audited.
    A payment already reversed or refunded is refused with ``payment_not_reversible`` and
    nothing changes.
    """
    reason = _clean_reason(reason)
    locked = _locked_for_reversal(payment)
    why_not = _why_not_reversible(locked)
    if why_not:
        raise DomainError(
            "payment_not_reversible",
            gettext("Payment %(public_id)s cannot be reversed: %(why_not)s.")
            % {"public_id": locked.public_id, "why_not": why_not},
            fields={"payment": why_not},
            status=409,
        )
    reversal = PaymentReversal.objects.create(
        source=PaymentReversal.Source.STAFF,
        external_id=f"payment:{locked.public_id}",
        payment=locked,
        amount_minor=locked.amount_minor,
        currency=locked.currency,
        booking_date=timezone.localdate(),
        bank_account=locked.bank_account,
        bank_references=locked.bank_references,
        reason=reason,
        status=PaymentReversal.Status.WAITING,
        created_by=actor,
    )
    return _reversal_apply(reversal, locked, actor)


@transaction.atomic
def payment_reversal_resolve(
    *, reversal: PaymentReversal, payment: Payment, actor: Any
) -> PaymentReversal:
    """Staff settle a bank reversal waiting in the queue by naming the payment it takes back
    (BIL-06). The payment must be of the reversal's amount and reversible; otherwise the
    request is refused and nothing changes."""
    locked = _locked_for_reversal(payment)
    waiting = PaymentReversal.objects.select_for_update().get(pk=reversal.pk)
    if waiting.status != PaymentReversal.Status.WAITING:
        raise DomainError(
            "reversal_already_applied",
            gettext("Reversal %(public_id)s was already applied.")
            % {"public_id": waiting.public_id},
            fields={"reversal": "already applied"},
            status=409,
        )
    why_not = _why_not_reversible(locked, waiting.amount)
    if why_not:
        raise DomainError(
            "payment_not_reversible",
            gettext("Payment %(public_id)s cannot be reversed: %(why_not)s.")
            % {"public_id": locked.public_id, "why_not": why_not},
            fields={"payment": why_not},
            status=409,
        )
    return _reversal_apply(waiting, locked, actor)
