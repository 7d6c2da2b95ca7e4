"""The one function that writes money: :func:`post_transaction` (BIL-01, BIL-02, BIL-06).

Every other ledger action builds its lines and calls it. It locks the client's balance row,
returns the stored transaction when the idempotency key was used before (a replay writes
nothing), checks that the lines are whole EUR amounts summing to zero, inserts the
transaction and its entries, and moves the cached balance by the same amount with ``F()`` —
all in one database transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext

from hostledger.accounts.models import Client
from hostledger.core.errors import DomainError
from hostledger.core.money import DEFAULT_CURRENCY, Money
from hostledger.ledger.locks import lock_client_balance
from hostledger.ledger.models import (
    ClientBalance,
    Entry,
    LedgerAccount,
    LedgerTransaction,
    Payment,
)

Line = tuple[LedgerAccount, Money]
Guard = Callable[[ClientBalance, Money], None]
"""Called under the lock with the locked balance and the change about to be posted; raises
DomainError to refuse (for example "not more than the balance")."""

_KEY_LENGTH = LedgerTransaction._meta.get_field("idempotency_key").max_length
_MEMO_LENGTH = LedgerTransaction._meta.get_field("memo").max_length


def _clean_lines(lines: Sequence[Line]) -> list[Line]:
    if isinstance(lines, (str, bytes)) or len(lines) < 2:
        raise DomainError(
            "unbalanced_transaction",
            gettext("A transaction has at least two lines."),
            fields={"lines": "at least two lines"},
        )
    cleaned: list[Line] = []
    for account, amount in lines:
        if not isinstance(account, LedgerAccount) or account.pk is None:
            raise DomainError(
                "invalid_account",
                gettext("Each line names a stored account."),
                fields={"lines": "account"},
            )
        if not isinstance(amount, Money):
            raise TypeError(f"Line amounts are Money, not {type(amount).__name__}.")
        if amount.currency != DEFAULT_CURRENCY or account.currency != DEFAULT_CURRENCY:
            raise DomainError(
                "invalid_currency",
                gettext("The ledger is kept in %(default_currency)s; got %(currency)s.")
                % {"default_currency": DEFAULT_CURRENCY, "currency": amount.currency},
                fields={"currency": f"must be {DEFAULT_CURRENCY}"},
            )
        if amount.is_zero():
            raise DomainError(
                "invalid_amount", gettext("A line cannot be zero."), fields={"amount": "not zero"}
            )
        cleaned.append((account, amount))
    total = Money.total(amount for _, amount in cleaned)
    if not total.is_zero():
        raise DomainError(
            "unbalanced_transaction",
            gettext("The lines of a transaction sum to zero; these sum to %(total)s.")
            % {"total": total},
            fields={"lines": "must sum to zero"},
        )
    return cleaned


def _clean_text(value: str, field: str, *, limit: int, required: bool) -> str:
    text = (value or "").strip()
    if required and not text:
        raise DomainError(
            "required",
            gettext("%(field)s is required.") % {"field": field},
            fields={field: "required"},
        )
    if len(text) > limit:
        raise DomainError(
            "too_long",
            gettext("%(field)s is at most %(limit)s characters.")
            % {"field": field, "limit": limit},
            fields={field: "too long"},
        )
    return text


def _signature(pairs) -> list[tuple[int, int]]:
    return sorted((account_id, amount) for account_id, amount in pairs)


def _replay(
    existing: LedgerTransaction, *, client: Client, kind: str, lines: list[Line]
) -> LedgerTransaction:
    """The stored transaction of a replayed key, if the replay asks for the same movement."""
    stored = _signature(existing.entries.values_list("account_id", "amount_minor"))
    asked = _signature((account.pk, amount.minor) for account, amount in lines)
    if existing.client_id != client.pk or existing.kind != kind or stored != asked:
        raise DomainError(
            "idempotency_key_reused",
            gettext("This idempotency key was already used for a different movement."),
            fields={"idempotency_key": "already used for another movement"},
            status=409,
        )
    existing.replayed = True
    return existing


@transaction.atomic
def post_transaction(
    *,
    client: Client,
    kind: str,
    idempotency_key: str,
    lines: Sequence[Line],
    actor: Any = None,
    memo: str = "",
    payment: Payment | None = None,
    guard: Guard | None = None,
) -> LedgerTransaction:
    """Post one balanced transaction for ``client`` once (BIL-01, BIL-02, BIL-06).

    ``lines`` are ``(account, Money)`` pairs in EUR, none zero, summing to zero; a positive
    amount on the client's balance account raises the balance. Lines may name only this
    client's balance account among client accounts. When ``idempotency_key`` was used before,
    the stored transaction is returned (with ``replayed = True``) and nothing is written; the
    same key for a different movement is refused. ``guard`` runs under the lock, after the
    replay check, with the locked balance and the change to the balance, and may refuse.
    """
    if kind not in LedgerTransaction.Kind.values:
        raise DomainError(
            "invalid_kind",
            gettext("Unknown transaction kind %(kind)s.") % {"kind": f"{kind!r}"},
            fields={"kind": "unknown"},
        )
    key = _clean_text(idempotency_key, "idempotency_key", limit=_KEY_LENGTH, required=True)
    memo = _clean_text(memo, "memo", limit=_MEMO_LENGTH, required=False)
    cleaned = _clean_lines(lines)

    balance = lock_client_balance(client)
    for account, _ in cleaned:
        if account.kind == LedgerAccount.Kind.CLIENT_BALANCE and account.pk != balance.account_id:
            raise DomainError(
                "invalid_account",
                gettext("A transaction of one client cannot move another client's balance."),
                fields={"lines": "another client's balance account"},
            )
    existing = LedgerTransaction.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return _replay(existing, client=client, kind=kind, lines=cleaned)

    change = Money.total(amount for account, amount in cleaned if account.pk == balance.account_id)
    if guard is not None:
        guard(balance, change)
    try:
        with transaction.atomic():
            posted = LedgerTransaction.objects.create(
                kind=kind,
                idempotency_key=key,
                client=client,
                payment=payment,
                memo=memo,
                actor=actor,
            )
    except IntegrityError:
        # The key was taken meanwhile by a write that did not hold this client's lock
        # (another client's); it is a replay only if it is the very same movement.
        return _replay(
            LedgerTransaction.objects.get(idempotency_key=key),
            client=client,
            kind=kind,
            lines=cleaned,
        )
    Entry.objects.bulk_create(
        [
            Entry(
                transaction=posted,
                account=account,
                client=client,
                amount_minor=amount.minor,
                currency=amount.currency,
            )
            for account, amount in cleaned
        ]
    )
    if change:
        ClientBalance.objects.filter(pk=balance.pk).update(
            balance_minor=F("balance_minor") + change.minor
        )
    posted.replayed = False
    return posted
