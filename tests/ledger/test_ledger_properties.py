"""Random sequences of money movements keep the ledger exact and immutable (BIL-01, BIL-06).

A Hypothesis state machine posts payments, charges, refunds, credits and corrections, and
replays keys already used, on a fresh client per run; a plain model predicts the balance and
which movements must be refused. After every step the cached balance, the sum of the entries
and the model agree to the cent, and every entry written before is still there unchanged.
"""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from hostledger.core.errors import DomainError
from hostledger.core.money import Money
from hostledger.ledger.actions import (
    charge_post,
    correction_post,
    credit_post,
    payment_record,
    refund_post,
)
from hostledger.ledger.models import Entry
from hostledger.ledger.selectors import balance_from_entries, balance_of, verify_balances
from tests.ledger.conftest import new_client

pytestmark = pytest.mark.long_running(50)

amounts = st.integers(min_value=1, max_value=50_000).map(Money.from_minor)
_keys = itertools.count()


def test_random_money_movements_keep_balance_equal_to_entries__BIL_01_BIL_06(staff):
    """BIL-01: balance = sum of entries = model; entries never change. BIL-06: replays."""

    class LedgerMachine(RuleBasedStateMachine):
        @initialize()
        def fresh_client(self):
            self.client = new_client()
            self.balance = 0
            self.paid = 0
            self.refunded = 0
            self.done: list = []  # (action, kwargs) that succeeded, for replays
            self.entries: dict[int, tuple[int, int]] = {}

        def _post(self, action, kwargs, change=0, *, refused=False):
            if refused:
                try:
                    action(**kwargs)
                except DomainError:
                    return
                raise AssertionError(f"{action.__name__} should have been refused")
            action(**kwargs)
            self.balance += change
            self.done.append((action, kwargs))

        def _key(self, kind):
            return f"{kind}:{next(_keys)}"

        @rule(amount=amounts)
        def pay(self, amount):
            kwargs = {
                "client": self.client,
                "amount": amount,
                "value_date": date(2026, 11, 20),
                "reference": self._key("bank"),
                "actor": staff,
            }
            self._post(payment_record, kwargs, amount.minor)
            self.paid += amount.minor

        @rule(amount=amounts, allow_negative=st.booleans())
        def charge(self, amount, allow_negative):
            kwargs = {
                "client": self.client,
                "amount": amount,
                "idempotency_key": self._key("charge"),
                "allow_negative_balance": allow_negative,
            }
            refused = not allow_negative and self.balance - amount.minor < 0
            self._post(charge_post, kwargs, -amount.minor, refused=refused)

        @rule(amount=amounts)
        def refund(self, amount):
            kwargs = {
                "client": self.client,
                "amount": amount,
                "idempotency_key": self._key("refund"),
                "actor": staff,
            }
            refused = self.balance - amount.minor < 0 or amount.minor > self.paid - self.refunded
            self._post(refund_post, kwargs, -amount.minor, refused=refused)
            if not refused:
                self.refunded += amount.minor

        @rule(amount=amounts)
        def credit(self, amount):
            kwargs = {
                "client": self.client,
                "amount": amount,
                "idempotency_key": self._key("credit"),
            }
            self._post(credit_post, kwargs, amount.minor)

        @rule(amount=amounts, negative=st.booleans())
        def correct(self, amount, negative):
            signed = -amount if negative else amount
            kwargs = {
                "client": self.client,
                "amount": signed,
                "idempotency_key": self._key("correction"),
                "actor": staff,
                "memo": "bank fee taken twice",
            }
            self._post(correction_post, kwargs, signed.minor)

        @precondition(lambda self: self.done)
        @rule(data=st.data())
        def replay(self, data):
            action, kwargs = data.draw(st.sampled_from(self.done))
            action(**kwargs)  # the same key again: nothing changes

        @invariant()
        def balance_is_the_sum_of_entries_and_entries_never_change(self):
            expected = Money.from_minor(self.balance)
            assert balance_of(self.client) == expected
            assert balance_from_entries(self.client) == expected
            stored = dict(
                (entry_id, (transaction_id, amount))
                for entry_id, transaction_id, amount in Entry.objects.filter(
                    client=self.client
                ).values_list("id", "transaction_id", "amount_minor")
            )
            for entry_id, row in self.entries.items():
                assert stored.get(entry_id) == row
            self.entries = stored

        def teardown(self):
            assert verify_balances() == []

    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=20,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
