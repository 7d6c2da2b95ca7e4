"""Money writes from many threads at once on PostgreSQL (BIL-01, BIL-06)."""

from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from django.db import connection, connections
from django.db.models import Count

from hostledger.accounts.models import User
from hostledger.core.errors import DomainError
from hostledger.core.money import Money
from hostledger.core.registry import provider_setting_change
from hostledger.ledger.actions import (
    bank_statement_import,
    charge_post,
    client_payment_reference_ensure,
    correction_post,
    credit_post,
    gateway_notification_handle,
    payment_record,
    refund_post,
    top_up_start,
)
from hostledger.ledger.gateways.local.gateway import local_gateway
from hostledger.ledger.models import Entry, LedgerTransaction, Payment
from hostledger.ledger.selectors import balance_from_entries, balance_of, verify_balances
from tests.ledger.camt import Line, camt053
from tests.ledger.conftest import new_client

THREADS = 8
OPERATIONS = 200
SHARED_KEYS = 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_eight_threads_of_mixed_money_operations_on_one_client__BIL_01_BIL_06():
    """8 threads x 200 payments, charges, refunds, credits, corrections and replays on ONE
    client: the balance is exactly the sum of what succeeded, each key posted once, the
    cache agrees with the entries."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (SQLite serialises writers by itself)")
    client = new_client()
    staff = User.objects.create_user("concurrent-staff@example.com", None, is_staff=True)
    start = threading.Barrier(THREADS)
    results: list[dict] = [dict() for _ in range(THREADS)]

    def worker(number: int) -> None:
        rng = random.Random(number)
        own = results[number]
        own.update(change=0, keys=set(), shared=set(), refused=0)
        done: list = []
        try:
            start.wait(timeout=30)
            for step in range(OPERATIONS):
                amount = Money.from_minor(rng.randint(1, 20_000))
                kind = rng.choice(
                    ["pay", "charge", "refund", "credit", "correct", "replay", "shared"]
                )
                key = f"t{number}:{step}"
                if kind == "replay" and done:
                    action, kwargs = rng.choice(done)
                    action(**kwargs)
                    continue
                if kind == "shared":
                    # Every thread posts the same keyed charges: each is posted once.
                    index = rng.randrange(SHARED_KEYS)
                    posted = charge_post(
                        client=client,
                        amount=Money.from_minor(100 + index),
                        idempotency_key=f"shared:{index}",
                        allow_negative_balance=True,
                    )
                    if not posted.replayed:
                        own["shared"].add(index)
                        own["change"] -= 100 + index
                    continue
                if kind == "pay":
                    action, kwargs, change = (
                        payment_record,
                        {
                            "client": client,
                            "amount": amount,
                            "value_date": date(2026, 11, 20),
                            "reference": key,
                            "actor": staff,
                        },
                        amount.minor,
                    )
                elif kind == "charge":
                    action, kwargs, change = (
                        charge_post,
                        {
                            "client": client,
                            "amount": amount,
                            "idempotency_key": key,
                            "allow_negative_balance": True,
                        },
                        -amount.minor,
                    )
                elif kind == "refund":
                    action, kwargs, change = (
                        refund_post,
                        {
                            "client": client,
                            "amount": amount,
                            "idempotency_key": key,
                            "actor": staff,
                        },
                        -amount.minor,
                    )
                elif kind == "credit":
                    action, kwargs, change = (
                        credit_post,
                        {"client": client, "amount": amount, "idempotency_key": key},
                        amount.minor,
                    )
                else:
                    signed = amount if rng.random() < 0.5 else -amount
                    action, kwargs, change = (
                        correction_post,
                        {
                            "client": client,
                            "amount": signed,
                            "idempotency_key": key,
                            "actor": staff,
                            "memo": "concurrency test",
                        },
                        signed.minor,
                    )
                try:
                    action(**kwargs)
                except DomainError:
                    own["refused"] += 1  # a refund beyond the balance or the payments
                    continue
                own["change"] += change
                own["keys"].add(key)
                done.append((action, kwargs))
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        for future in [pool.submit(worker, number) for number in range(THREADS)]:
            future.result()

    expected = Money.from_minor(sum(item["change"] for item in results))
    assert balance_of(client) == expected
    assert balance_from_entries(client) == expected
    assert verify_balances() == []

    shared_posts = [index for item in results for index in item["shared"]]
    assert len(shared_posts) == len(set(shared_posts))  # each shared key won by one thread
    own_keys = sum(len(item["keys"]) for item in results)
    assert LedgerTransaction.objects.filter(client=client).count() == own_keys + len(shared_posts)
    assert (
        Payment.objects.filter(client=client).count()
        == LedgerTransaction.objects.filter(kind="payment").count()
    )
    # No duplicate entry: every transaction has its two or three lines and no more.
    per_transaction = Entry.objects.values("transaction_id").annotate(lines=Count("id"))
    assert {row["lines"] for row in per_transaction} <= {2, 3}
    assert sum(item["refused"] for item in results) < THREADS * OPERATIONS


def _at_once(count: int, task) -> list:
    """Run ``task`` in ``count`` threads released together; return results or errors."""
    start = threading.Barrier(count)

    def run(_number: int):
        try:
            start.wait(timeout=30)
            return task()
        except Exception as error:  # collected and asserted on by the caller
            return error
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_same_notification_and_statement_arriving_at_once_record_once__BIL_06(settings):
    """Five deliveries of one gateway notification and two imports of one camt.053 file,
    each all at the same moment: one payment each, posted once."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (SQLite serialises writers by itself)")
    settings.LEDGER_LOCAL_GATEWAY_KEY = "concurrency-key"
    provider_setting_change(key="ledger.local_gateway_enabled", raw_value="true")
    client = new_client()
    top_up = top_up_start(client=client, gateway_name="local", amount=Money.of("25.00"), actor=None)
    notification = local_gateway.pay(
        external_id=top_up.external_id, top_up_id=top_up.public_id, amount=top_up.amount
    )
    results = _at_once(
        5,
        lambda: gateway_notification_handle(
            gateway_name="local", body=notification.body, headers=dict(notification.headers)
        ),
    )
    assert len({payment.pk for payment in results}) == 1

    reference = client_payment_reference_ensure(client=client)
    content = camt053(
        [
            Line("10.00", "C1", structured_reference=reference.reference_number),
            Line("3.00", "C2", text="no reference here"),
        ]
    )
    imports = _at_once(2, lambda: bank_statement_import(content=content, actor=None))
    assert sorted(item.payments_recorded for item in imports) == [0, 2]
    assert Payment.objects.count() == 3
    assert balance_of(client) == Money.of("35.00")
    assert verify_balances() == []
