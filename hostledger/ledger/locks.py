"""Row locks of money writes, taken in one fixed order (BIL-01, habit 1).

Every write that changes a client's balance first locks that client's
:class:`~hostledger.ledger.models.ClientBalance` row, then (when it needs to) the payment row.
On PostgreSQL the lock is ``SELECT ... FOR UPDATE`` and lasts until the transaction ends; on
SQLite the ``IMMEDIATE`` transaction mode of the settings already lets one writer in at a
time, and ``select_for_update`` is a no-op there. Callers must be inside
``transaction.atomic``.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from hostledger.accounts.models import Client
from hostledger.ledger.models import ClientBalance, LedgerAccount, Payment


def _require_atomic() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Ledger locks are taken inside transaction.atomic only.")


def client_balance_account_code(client_id: int) -> str:
    return f"client:{client_id}"


def lock_client_balance(client: Client) -> ClientBalance:
    """The client's balance row, locked until the transaction ends; made on first use.

    Two first writers may race to make it: the loser's insert fails on the unique client,
    inside a savepoint, and it then waits for the winner's lock like any later writer.
    """
    _require_atomic()
    balance = _locked_balances().filter(client_id=client.pk).first()
    if balance is not None:
        return balance
    try:
        with transaction.atomic():
            account, _ = LedgerAccount.objects.get_or_create(
                code=client_balance_account_code(client.pk),
                defaults={"kind": LedgerAccount.Kind.CLIENT_BALANCE, "client_id": client.pk},
            )
            ClientBalance.objects.create(client_id=client.pk, account=account)
    except IntegrityError:
        pass
    return _locked_balances().get(client_id=client.pk)


def _locked_balances():
    # Only the balance row is locked; its account row is read alongside, never changed.
    return ClientBalance.objects.select_related("account").select_for_update(of=("self",))


def lock_payment(payment_id: int) -> Payment:
    """The payment row, locked; taken after the client's balance lock when both are needed."""
    _require_atomic()
    return Payment.objects.select_for_update().get(pk=payment_id)
