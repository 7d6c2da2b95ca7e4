"""Movements of a client's prepaid balance: charges, refunds, credits, penalties and
corrections (BIL-01). Each is one call of :func:`post_transaction` with its own other side.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from hostledger.accounts.models import Client
from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError
from hostledger.core.money import DEFAULT_CURRENCY, Money
from hostledger.ledger.actions.posting import post_transaction
from hostledger.ledger.chart import provider_account
from hostledger.ledger.locks import lock_client_balance, lock_payment
from hostledger.ledger.models import (
    ClientBalance,
    Entry,
    LedgerAccount,
    LedgerTransaction,
    Payment,
)

Kind = LedgerTransaction.Kind
AccountKind = LedgerAccount.Kind


def positive_amount(amount: Money, field: str = "amount") -> Money:
    """``amount`` if it is a Money in EUR above zero; otherwise a DomainError naming ``field``."""
    if not isinstance(amount, Money):
        raise TypeError(f"{field} is a Money, not {type(amount).__name__}.")
    if amount.currency != DEFAULT_CURRENCY:
        raise DomainError(
            "invalid_currency",
            _("%(field)s: the balance is kept in %(default_currency)s.")
            % {"field": field, "default_currency": DEFAULT_CURRENCY},
            fields={field: f"must be {DEFAULT_CURRENCY}"},
        )
    if not amount.is_positive():
        raise DomainError(
            "invalid_amount",
            _("%(field)s must be above zero.") % {"field": field},
            fields={field: "must be above zero"},
        )
    return amount


def _audit(action: str, actor, posted: LedgerTransaction, client: Client, amount: Money) -> None:
    """Staff actions on money are audited; automatic postings (actor None) are not."""
    if actor is not None and not getattr(posted, "replayed", False):
        record_audit_event(
            action=action,
            actor=actor,
            obj=posted,
            subject_client_id=client.pk,
            data={"amount": str(amount.amount), "currency": amount.currency},
        )


def _not_below(floor_minor: int, field: str):
    def guard(balance: ClientBalance, change: Money) -> None:
        if balance.balance_minor + change.minor < floor_minor:
            raise DomainError(
                "insufficient_balance",
                _("The balance is %(balance)s; this would take it below %(floor_minor)s.")
                % {"balance": balance.balance, "floor_minor": Money.from_minor(floor_minor)},
                fields={field: "more than the balance allows"},
            )

    return guard


@transaction.atomic
def charge_post(
    *,
    client: Client,
    amount: Money,
    idempotency_key: str,
    vat_amount: Money | None = None,
    allow_negative_balance: bool = False,
    actor: Any = None,
    memo: str = "",
) -> LedgerTransaction:
    """Charge ``amount`` (VAT included) to the client's balance, once per key (BIL-01, BIL-06).

    ``vat_amount`` of it goes to VAT payable, the rest to revenue. Unless
    ``allow_negative_balance``, a charge larger than the balance is refused. The billing run
    and orders key charges by what they are for, e.g. ``charge:<service>:<period>``.
    """
    positive_amount(amount)
    vat = vat_amount if vat_amount is not None else Money.zero()
    if not isinstance(vat, Money) or vat.currency != DEFAULT_CURRENCY or vat.is_negative():
        raise DomainError(
            "invalid_amount",
            _("VAT is a EUR amount of zero or more."),
            fields={"vat_amount": "invalid"},
        )
    if vat > amount:
        raise DomainError(
            "invalid_amount",
            _("VAT cannot exceed the amount charged."),
            fields={"vat_amount": "more than the amount"},
        )
    client_account = lock_client_balance(client).account
    lines = [(client_account, -amount)]
    if amount - vat:
        lines.append((provider_account(AccountKind.REVENUE), amount - vat))
    if vat:
        lines.append((provider_account(AccountKind.VAT_PAYABLE), vat))
    posted = post_transaction(
        client=client,
        kind=Kind.CHARGE,
        idempotency_key=idempotency_key,
        lines=lines,
        actor=actor,
        memo=memo,
        guard=None if allow_negative_balance else _not_below(0, "amount"),
    )
    _audit("ledger.charge_posted", actor, posted, client, amount)
    return posted


def _client_side(client: Client, amount: Money, other: LedgerAccount | str, sign: int):
    """The client's line and its counter-line. The client's balance is locked before the
    provider account is looked up (it may be made on first use), in the order of locks.py."""
    client_account = lock_client_balance(client).account
    signed = amount if sign > 0 else -amount
    if not isinstance(other, LedgerAccount):
        other = provider_account(other)
    return [(client_account, signed), (other, -signed)]


@transaction.atomic
def charge_reverse_post(
    *,
    client: Client,
    amount: Money,
    idempotency_key: str,
    vat_amount: Money | None = None,
    actor: Any = None,
    memo: str = "",
) -> LedgerTransaction:
    """Give back to the balance what a credit note takes off a paid invoice, once per key
    (BIL-01, BIL-04): the mirror of :func:`charge_post`, out of revenue and VAT payable."""
    positive_amount(amount)
    vat = vat_amount if vat_amount is not None else Money.zero()
    if not isinstance(vat, Money) or vat.is_negative() or vat > amount:
        raise DomainError(
            "invalid_amount",
            _("VAT is a EUR amount between zero and the amount given back."),
            fields={"vat_amount": "invalid"},
        )
    client_account = lock_client_balance(client).account
    lines = [(client_account, amount)]
    if amount - vat:
        lines.append((provider_account(AccountKind.REVENUE), -(amount - vat)))
    if vat:
        lines.append((provider_account(AccountKind.VAT_PAYABLE), -vat))
    posted = post_transaction(
        client=client,
        kind=Kind.CREDIT_NOTE,
        idempotency_key=idempotency_key,
        lines=lines,
        actor=actor,
        memo=memo,
    )
    _audit("ledger.charge_reversed", actor, posted, client, amount)
    return posted


@transaction.atomic
def credit_post(
    *, client: Client, amount: Money, idempotency_key: str, actor: Any = None, memo: str = ""
) -> LedgerTransaction:
    """Credit compensation for the provider's fault to the client's balance, once per key
    (BIL-01; the cap of BIL-09 is applied by the compensation run that calls this)."""
    positive_amount(amount)
    posted = post_transaction(
        client=client,
        kind=Kind.CREDIT,
        idempotency_key=idempotency_key,
        lines=_client_side(client, amount, AccountKind.COMPENSATION, +1),
        actor=actor,
        memo=memo,
    )
    _audit("ledger.credit_posted", actor, posted, client, amount)
    return posted


@transaction.atomic
def penalty_post(
    *, client: Client, amount: Money, idempotency_key: str, actor: Any = None, memo: str = ""
) -> LedgerTransaction:
    """Charge a late-payment penalty to the client's balance, once per key, on the penalty
    account so it shows separately (BIL-01; the daily accrual of BIL-07 calls this)."""
    positive_amount(amount)
    posted = post_transaction(
        client=client,
        kind=Kind.PENALTY,
        idempotency_key=idempotency_key,
        lines=_client_side(client, amount, AccountKind.PENALTIES, -1),
        actor=actor,
        memo=memo,
    )
    _audit("ledger.penalty_posted", actor, posted, client, amount)
    return posted


@transaction.atomic
def correction_post(
    *, client: Client, amount: Money, idempotency_key: str, actor: Any, memo: str
) -> LedgerTransaction:
    """Correct the client's balance by a signed ``amount`` with a stated reason (BIL-01).

    Nothing stored is edited: the correction is a new transaction against the corrections
    account. ``memo`` (the reason) is required.
    """
    if not isinstance(amount, Money):
        raise TypeError(f"amount is a Money, not {type(amount).__name__}.")
    if amount.is_zero():
        raise DomainError(
            "invalid_amount", _("A correction cannot be zero."), fields={"amount": "not zero"}
        )
    if not (memo or "").strip():
        raise DomainError(
            "required", _("Say why the balance is corrected."), fields={"memo": "required"}
        )
    magnitude = abs(amount)
    positive_amount(magnitude)
    posted = post_transaction(
        client=client,
        kind=Kind.CORRECTION,
        idempotency_key=idempotency_key,
        lines=_client_side(client, magnitude, AccountKind.CORRECTIONS, amount.minor),
        actor=actor,
        memo=memo,
    )
    _audit("ledger.correction_posted", actor, posted, client, amount)
    return posted


def _client_entries_sum(balance: ClientBalance, **filters) -> int:
    total = Entry.objects.filter(account_id=balance.account_id, **filters).aggregate(
        total=Sum("amount_minor")
    )["total"]
    return total or 0


@transaction.atomic
def refund_post(
    *,
    client: Client,
    amount: Money,
    idempotency_key: str,
    actor: Any,
    payment: Payment | None = None,
    memo: str = "",
) -> LedgerTransaction:
    """Pay money back from the client's balance, once per key (BIL-01, BIL-06).

    A refund never exceeds the balance, nor what the client paid less what was refunded
    before; when ``payment`` is given, nor what is left of that payment, and it goes back the
    way the payment came (its bank or gateway account). A payment refunded in full is marked
    refunded.
    """
    positive_amount(amount)
    lock_client_balance(client)
    if payment is not None:
        payment = lock_payment(payment.pk)  # the stored state decides, not the caller's copy
        if payment.status == Payment.Status.UNMATCHED:
            raise DomainError(
                "payment_not_posted",
                _("Assign the payment to its client before refunding it."),
                fields={"payment": "not posted"},
            )
        if payment.status == Payment.Status.REVERSED:
            raise DomainError(
                "payment_reversed",
                _("That payment was reversed; there is nothing of it to refund."),
                fields={"payment": "reversed"},
                status=409,
            )
        if payment.client_id != client.pk:
            raise DomainError(
                "payment_of_another_client",
                _("That payment is not this client's."),
                fields={"payment": "not this client's"},
            )
    counter = payment.counter_account if payment is not None else provider_account(AccountKind.BANK)

    def guard(balance: ClientBalance, change: Money) -> None:
        _not_below(0, "amount")(balance, change)
        paid = _client_entries_sum(balance, transaction__kind=Kind.PAYMENT)
        refunded = -_client_entries_sum(balance, transaction__kind=Kind.REFUND)
        if amount.minor > paid - refunded:
            raise DomainError(
                "refund_exceeds_payments",
                _("Only %(value)s of the client's payments is left to refund.")
                % {"value": Money.from_minor(paid - refunded)},
                fields={"amount": "more than was paid"},
            )
        if payment is not None:
            left = payment.amount_minor + _client_entries_sum(
                balance, transaction__kind=Kind.REFUND, transaction__payment=payment
            )
            if amount.minor > left:
                raise DomainError(
                    "refund_exceeds_payment",
                    _("Only %(left)s of this payment is left to refund.")
                    % {"left": Money.from_minor(left)},
                    fields={"amount": "more than is left of the payment"},
                )

    posted = post_transaction(
        client=client,
        kind=Kind.REFUND,
        idempotency_key=idempotency_key,
        lines=_client_side(client, amount, counter, -1),
        actor=actor,
        memo=memo,
        payment=payment,
        guard=guard,
    )
    if payment is not None and not posted.replayed:
        refunded = -Entry.objects.filter(
            account__kind=AccountKind.CLIENT_BALANCE,
            transaction__kind=Kind.REFUND,
            transaction__payment=payment,
        ).aggregate(total=Sum("amount_minor"))["total"]
        if refunded >= payment.amount_minor:
            Payment.objects.filter(pk=payment.pk).update(status=Payment.Status.REFUNDED)
    _audit("ledger.refund_posted", actor, posted, client, amount)
    return posted
