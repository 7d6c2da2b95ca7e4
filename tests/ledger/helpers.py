"""Small helpers shared by the ledger tests."""

from __future__ import annotations

from hostledger.core.money import Money
from hostledger.ledger.models import ClientBalance, Entry, LedgerTransaction, Payment


def eur(value: str) -> Money:
    return Money.of(value)


def ledger_snapshot() -> dict:
    """Every stored ledger row as plain values, to prove a refused action changed nothing."""
    return {
        "transactions": list(
            LedgerTransaction.objects.order_by("id").values_list("id", "idempotency_key", "kind")
        ),
        "entries": list(
            Entry.objects.order_by("id").values_list(
                "id", "transaction_id", "account_id", "amount_minor"
            )
        ),
        "balances": list(
            ClientBalance.objects.order_by("id").values_list("client_id", "balance_minor")
        ),
        "payments": list(
            Payment.objects.order_by("id").values_list("id", "status", "client_id", "amount_minor")
        ),
    }
