"""Money imported from another billing system (BIL-01, BIL-06;
docs/decisions/0040-importing-from-whmcs.md)."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from hostledger.accounts.models import Client
from hostledger.core.money import Money
from hostledger.ledger.actions.payments import payment_receive
from hostledger.ledger.chart import provider_account
from hostledger.ledger.locks import lock_client_balance
from hostledger.ledger.models import LedgerAccount, Payment

BANK_GATEWAYS = frozenset({"", "banktransfer", "mailin", "bank"})
"""Gateway names of the source system whose money arrived in the provider's bank account;
every other gateway's went through that gateway's clearing account."""


@transaction.atomic
def payment_import(
    *,
    client: Client,
    source: str,
    external_id: str,
    amount: Money,
    received_on: date | None,
    gateway: str,
    reference: str = "",
    description: str = "",
    named_invoice: str = "",
) -> tuple[Payment, bool]:
    """Record a payment another system received for ``client``, once per (``source``,
    ``external_id``), posted to the client's balance without a receipt (the client had one
    from that system) (BIL-01, BIL-06). Returns the payment and whether it is new.

    Money through a bank gateway counts as arrived in the bank account; through any other
    gateway (card, PayPal, …) in the clearing account named after it.
    """
    lock_client_balance(client)  # before the provider account, in the order of locks.py
    gateway = (gateway or "").strip().lower()
    if gateway in BANK_GATEWAYS:
        counter = provider_account(LedgerAccount.Kind.BANK)
    else:
        counter = provider_account(LedgerAccount.Kind.GATEWAY_CLEARING, gateway[:40])
    return payment_receive(
        source=source,
        external_id=external_id,
        amount=amount,
        counter_account=counter,
        client=client,
        value_date=received_on,
        booking_date=received_on,
        reference=(reference or "")[:40],
        remittance_information=(description or "")[:500],
        named_invoice=named_invoice,
        notify_client=False,
    )
