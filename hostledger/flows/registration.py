"""A person becomes a client: the account (accounts) and its payment reference (ledger).

Every place a client is made — the sign-up form, the social sign-up that completes the same
form, the demo data — calls :func:`client_registered`, so every client can pay by bank
transfer with its own reference from the first day (BIL-06).
"""

from __future__ import annotations

from django.db import transaction

from hostledger.accounts import actions as accounts
from hostledger.accounts.models import Client, User
from hostledger.ledger import actions as ledger


@transaction.atomic
def client_registered(
    *,
    user: User,
    data: dict,
    declared_old_enough: bool,
    accepted_policies: bool,
    ip_address: str | None,
) -> Client:
    """Register ``user`` as a client and give it its payment reference (ACC-01…03, BIL-06).

    One transaction: a registration refused by the accounts checks stores nothing, and no
    client exists without the reference its bank transfers are matched by.
    """
    client = accounts.client_register(
        user=user,
        data=data,
        declared_old_enough=declared_old_enough,
        accepted_policies=accepted_policies,
        ip_address=ip_address,
    )
    ledger.client_payment_reference_ensure(client=client)
    return client
