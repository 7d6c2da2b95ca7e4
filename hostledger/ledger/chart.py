"""The provider's own ledger accounts, made on first use (BIL-01).

Every movement of a client's balance has its other side on one of these: the bank or cash
account for money received or paid back, a gateway's clearing account for online payments,
revenue and VAT payable for charges, and the penalty, compensation and correction accounts.
"""

from __future__ import annotations

from hostledger.ledger.models import LedgerAccount

Kind = LedgerAccount.Kind


def provider_account(kind: str, name: str = "") -> LedgerAccount:
    """The provider account of ``kind`` (``name`` tells gateway clearing accounts apart).

    Made on first use; two first users at once both end with the same row. Inside a money
    write, call it only after the client's balance is locked (``locks.py``): a new account's
    row stays held by the transaction that inserted it until it commits, so looking one up
    before taking the client's lock could deadlock with a writer that holds that lock.
    """
    if kind == Kind.CLIENT_BALANCE or kind not in Kind.values:
        raise ValueError(f"{kind!r} is not a provider account kind.")
    if kind == Kind.GATEWAY_CLEARING and not name:
        raise ValueError("A gateway clearing account needs the gateway's name.")
    code = f"gateway:{name}" if kind == Kind.GATEWAY_CLEARING else kind
    account, _ = LedgerAccount.objects.get_or_create(code=code, defaults={"kind": kind})
    return account
