"""The double-entry ledger: balanced, immutable, posted once per key (BIL-01, BIL-02, BIL-06)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from hostledger.core.errors import DomainError
from hostledger.core.money import Money
from hostledger.ledger.actions import (
    charge_post,
    correction_post,
    credit_post,
    penalty_post,
    post_transaction,
)
from hostledger.ledger.chart import provider_account
from hostledger.ledger.locks import lock_client_balance
from hostledger.ledger.models import (
    ClientBalance,
    Entry,
    LedgerAccount,
    LedgerIsAppendOnly,
    LedgerTransaction,
)
from hostledger.ledger.selectors import (
    balance_from_entries,
    balance_of,
    unbalanced_transactions,
    verify_balances,
)
from tests.ledger.helpers import eur, ledger_snapshot

Kind = LedgerAccount.Kind


def _client_account(client):
    with transaction.atomic():
        return lock_client_balance(client).account


def test_credit_charge_and_penalty_move_the_balance_to_the_cent__BIL_01(client_record):
    credit_post(client=client_record, amount=eur("50.00"), idempotency_key="credit:1")
    charge_post(
        client=client_record,
        amount=eur("12.20"),
        vat_amount=eur("2.20"),
        idempotency_key="charge:svc1:2026-11",
    )
    penalty_post(client=client_record, amount=eur("0.01"), idempotency_key="penalty:inv1:day1")
    assert balance_of(client_record) == eur("37.79")
    assert balance_from_entries(client_record) == eur("37.79")
    charge = LedgerTransaction.objects.get(idempotency_key="charge:svc1:2026-11")
    assert sorted(
        (entry.account.code, entry.amount_minor)
        for entry in charge.entries.select_related("account")
    ) == [(f"client:{client_record.pk}", -1220), ("revenue", 1000), ("vat_payable", 220)]
    assert verify_balances() == []
    assert unbalanced_transactions() == []


def test_same_idempotency_key_posts_once__BIL_06(client_record):
    first = charge_post(
        client=client_record,
        amount=eur("5.00"),
        idempotency_key="charge:svc:1",
        allow_negative_balance=True,
    )
    again = charge_post(
        client=client_record,
        amount=eur("5.00"),
        idempotency_key="charge:svc:1",
        allow_negative_balance=True,
    )
    assert again.pk == first.pk and again.replayed and not first.replayed
    assert LedgerTransaction.objects.count() == 1
    assert Entry.objects.count() == 2
    assert balance_of(client_record) == eur("-5.00")


def test_key_reused_for_another_movement_is_refused__BIL_06(client_record, make_client):
    credit_post(client=client_record, amount=eur("5.00"), idempotency_key="key:1")
    before = ledger_snapshot()
    with pytest.raises(DomainError) as refused:
        credit_post(client=client_record, amount=eur("6.00"), idempotency_key="key:1")
    assert "idempotency_key" in refused.value.fields
    with pytest.raises(DomainError):
        credit_post(client=make_client(), amount=eur("5.00"), idempotency_key="key:1")
    with pytest.raises(DomainError):
        penalty_post(client=client_record, amount=eur("5.00"), idempotency_key="key:1")
    assert ledger_snapshot() == before


def test_unbalanced_or_foreign_currency_lines_are_refused__BIL_01_BIL_02(client_record):
    account = _client_account(client_record)
    revenue = provider_account(Kind.REVENUE)
    before = ledger_snapshot()
    cases = [
        ([(account, eur("-1.00")), (revenue, eur("0.99"))], "lines"),
        ([(account, eur("-1.00"))], "lines"),
        ([(account, Money.of("-1.00", "USD")), (revenue, Money.of("1.00", "USD"))], "currency"),
        ([(account, eur("0.00")), (revenue, eur("0.00"))], "amount"),
    ]
    for lines, field in cases:
        with pytest.raises(DomainError) as refused:
            post_transaction(
                client=client_record, kind="charge", idempotency_key="bad", lines=lines
            )
        assert field in refused.value.fields
    with pytest.raises(TypeError):
        post_transaction(
            client=client_record,
            kind="charge",
            idempotency_key="bad",
            lines=[(account, -100), (revenue, 100)],
        )
    assert ledger_snapshot() == before


def test_another_clients_balance_account_is_refused__BIL_01(client_record, make_client):
    other_account = _client_account(make_client())
    own_account = _client_account(client_record)
    before = ledger_snapshot()
    with pytest.raises(DomainError) as refused:
        post_transaction(
            client=client_record,
            kind="correction",
            idempotency_key="steal",
            lines=[
                (own_account, eur("1.00")),
                (other_account, eur("-1.00")),
            ],
        )
    assert "lines" in refused.value.fields
    assert ledger_snapshot() == before


def test_charge_beyond_the_balance_is_refused_unless_allowed__BIL_01(client_record):
    credit_post(client=client_record, amount=eur("10.00"), idempotency_key="credit")
    before = ledger_snapshot()
    with pytest.raises(DomainError) as refused:
        charge_post(client=client_record, amount=eur("10.01"), idempotency_key="charge")
    assert refused.value.code == "insufficient_balance"
    assert ledger_snapshot() == before
    charge_post(client=client_record, amount=eur("10.00"), idempotency_key="charge")
    assert balance_of(client_record) == eur("0.00")
    charge_post(
        client=client_record,
        amount=eur("0.01"),
        idempotency_key="charge2",
        allow_negative_balance=True,
    )
    assert balance_of(client_record) == eur("-0.01")


def test_correction_needs_a_reason_and_may_go_either_way__BIL_01(client_record, staff):
    with pytest.raises(DomainError) as refused:
        correction_post(
            client=client_record, amount=eur("1.00"), idempotency_key="c1", actor=staff, memo=""
        )
    assert "memo" in refused.value.fields
    correction_post(
        client=client_record, amount=eur("3.00"), idempotency_key="c1", actor=staff, memo="typo"
    )
    correction_post(
        client=client_record, amount=eur("-1.25"), idempotency_key="c2", actor=staff, memo="fix"
    )
    assert balance_of(client_record) == eur("1.75")
    assert provider_account(Kind.CORRECTIONS).entries.count() == 2


def test_entries_and_transactions_are_never_changed_or_deleted__BIL_01(client_record):
    posted = credit_post(client=client_record, amount=eur("2.00"), idempotency_key="k")
    entry = posted.entries.first()
    entry.amount_minor = 999
    with pytest.raises(LedgerIsAppendOnly):
        entry.save()
    with pytest.raises(LedgerIsAppendOnly):
        entry.delete()
    posted.memo = "changed"
    with pytest.raises(LedgerIsAppendOnly):
        posted.save()
    with pytest.raises(LedgerIsAppendOnly):
        posted.delete()
    with pytest.raises(LedgerIsAppendOnly):
        Entry.objects.filter(pk=entry.pk).update(amount_minor=1)
    with pytest.raises(LedgerIsAppendOnly):
        Entry.objects.all().delete()
    with pytest.raises(LedgerIsAppendOnly):
        LedgerTransaction.objects.all().update(memo="x")
    with pytest.raises(LedgerIsAppendOnly):
        LedgerTransaction.objects.all().delete()
    assert list(Entry.objects.values_list("amount_minor", flat=True).order_by("id")) == [200, -200]


def test_verify_finds_a_cached_balance_that_disagrees__BIL_01(client_record, make_client):
    credit_post(client=client_record, amount=eur("4.00"), idempotency_key="k1")
    credit_post(client=make_client(), amount=eur("1.00"), idempotency_key="k2")
    out = StringIO()
    call_command("ledger", "verify", stdout=out)
    assert "2 client balances agree" in out.getvalue()

    ClientBalance.objects.filter(client=client_record).update(balance_minor=500)
    [mismatch] = verify_balances()
    assert (mismatch.client_id, mismatch.cached, mismatch.from_entries) == (
        client_record.pk,
        eur("5.00"),
        eur("4.00"),
    )
    with pytest.raises(CommandError):
        call_command("ledger", "verify", stdout=StringIO(), stderr=StringIO())
