"""Payments entered by staff, the review queue and refunds (BIL-01, BIL-06)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from hostledger.core.audit import verify_audit_chain
from hostledger.core.errors import DomainError
from hostledger.core.models import AuditEvent
from hostledger.ledger.actions import (
    charge_post,
    credit_post,
    payment_assign,
    payment_receive,
    payment_record,
    refund_post,
)
from hostledger.ledger.chart import provider_account
from hostledger.ledger.models import LedgerAccount, LedgerTransaction, Payment
from hostledger.ledger.selectors import balance_of, unmatched_payments, verify_balances
from tests.ledger.helpers import eur, ledger_snapshot

PAID_ON = date(2026, 11, 20)


def _record(client, staff, amount="100.00", reference="SWED-1", **extra):
    return payment_record(
        client=client,
        amount=eur(amount),
        value_date=PAID_ON,
        reference=reference,
        actor=staff,
        **extra,
    )


def test_staff_payment_is_posted_once_per_reference__BIL_06(client_record, staff):
    payment = _record(client_record, staff)
    again = _record(client_record, staff)
    assert again.pk == payment.pk
    assert payment.status == Payment.Status.MATCHED
    assert balance_of(client_record) == eur("100.00")
    assert LedgerTransaction.objects.filter(kind="payment").count() == 1
    bank = provider_account(LedgerAccount.Kind.BANK)
    assert list(bank.entries.values_list("amount_minor", flat=True)) == [-10000]
    assert AuditEvent.objects.filter(action="ledger.payment_recorded").count() == 1
    assert verify_audit_chain() == []


def test_same_reference_for_another_amount_or_client_is_refused__BIL_06(
    client_record, make_client, staff
):
    _record(client_record, staff)
    before = ledger_snapshot()
    with pytest.raises(DomainError) as refused:
        _record(client_record, staff, amount="99.00")
    assert "reference" in refused.value.fields
    with pytest.raises(DomainError):
        _record(make_client(), staff)
    assert ledger_snapshot() == before


def test_cash_payment_and_bad_input__BIL_01(client_record, staff):
    _record(client_record, staff, amount="20.00", reference="R-7", received_into="cash")
    assert provider_account(LedgerAccount.Kind.CASH).entries.get().amount_minor == -2000
    before = ledger_snapshot()
    for kwargs, field in [
        ({"amount": "0.00"}, "amount"),
        ({"reference": ""}, "reference"),
        ({"received_into": "revenue"}, "received_into"),
    ]:
        with pytest.raises(DomainError) as refused:
            _record(client_record, staff, **kwargs)
        assert field in refused.value.fields
    with pytest.raises(DomainError) as refused:
        payment_record(
            client=client_record,
            amount=eur("1.00"),
            value_date=timezone.localdate() + timedelta(days=1),
            reference="F",
            actor=staff,
        )
    assert "value_date" in refused.value.fields
    assert ledger_snapshot() == before


def test_unmatched_payment_waits_and_is_posted_once_when_assigned__BIL_06(
    client_record, make_client, staff
):
    payment, created = payment_receive(
        source="bank_statement",
        external_id="EE38:ABC",
        amount=eur("30.00"),
        counter_account=provider_account(LedgerAccount.Kind.BANK),
        review_note="no payment reference",
    )
    assert created and list(unmatched_payments()) == [payment]
    assert LedgerTransaction.objects.count() == 0

    payment_assign(payment=payment, client=client_record, actor=staff)
    payment_assign(payment=payment, client=client_record, actor=staff)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.MATCHED and payment.matched_by == staff
    assert list(unmatched_payments()) == []
    assert balance_of(client_record) == eur("30.00")
    assert LedgerTransaction.objects.filter(payment=payment).count() == 1

    before = ledger_snapshot()
    with pytest.raises(DomainError) as refused:
        payment_assign(payment=payment, client=make_client(), actor=staff)
    assert refused.value.code == "payment_already_assigned"
    assert ledger_snapshot() == before
    assert verify_balances() == []


def test_refund_never_more_than_paid_nor_the_balance__BIL_01(client_record, staff):
    credit_post(client=client_record, amount=eur("50.00"), idempotency_key="credit")
    before = ledger_snapshot()
    with pytest.raises(DomainError) as refused:
        refund_post(client=client_record, amount=eur("0.01"), idempotency_key="r0", actor=staff)
    assert refused.value.code == "refund_exceeds_payments"  # a credit is not money paid
    assert ledger_snapshot() == before

    _record(client_record, staff, amount="40.00")
    charge_post(client=client_record, amount=eur("80.00"), idempotency_key="charge")
    assert balance_of(client_record) == eur("10.00")
    before = ledger_snapshot()
    with pytest.raises(DomainError) as refused:
        refund_post(client=client_record, amount=eur("10.01"), idempotency_key="r1", actor=staff)
    assert refused.value.code == "insufficient_balance"
    assert ledger_snapshot() == before

    refund_post(client=client_record, amount=eur("10.00"), idempotency_key="r1", actor=staff)
    refund_post(client=client_record, amount=eur("10.00"), idempotency_key="r1", actor=staff)
    assert balance_of(client_record) == eur("0.00")
    assert provider_account(LedgerAccount.Kind.BANK).entries.filter(amount_minor=1000).count() == 1


def test_refund_of_one_payment_up_to_what_is_left_of_it__BIL_01(client_record, staff):
    first = _record(client_record, staff, amount="25.00", reference="A")
    _record(client_record, staff, amount="25.00", reference="B")
    refund_post(
        client=client_record, amount=eur("20.00"), idempotency_key="r1", actor=staff, payment=first
    )
    before = ledger_snapshot()
    with pytest.raises(DomainError) as refused:
        refund_post(
            client=client_record,
            amount=eur("5.01"),
            idempotency_key="r2",
            actor=staff,
            payment=first,
        )
    assert refused.value.code == "refund_exceeds_payment"
    assert ledger_snapshot() == before
    refund_post(
        client=client_record, amount=eur("5.00"), idempotency_key="r2", actor=staff, payment=first
    )
    first.refresh_from_db()
    assert first.status == Payment.Status.REFUNDED
    assert balance_of(client_record) == eur("25.00")
    assert verify_balances() == []


def test_refund_of_another_clients_or_an_unassigned_payment_is_refused__BIL_01(
    client_record, make_client, staff
):
    other = _record(make_client(), staff, reference="O")
    waiting, _ = payment_receive(
        source="bank_statement",
        external_id="X",
        amount=eur("5.00"),
        counter_account=provider_account(LedgerAccount.Kind.BANK),
    )
    _record(client_record, staff)
    before = ledger_snapshot()
    with pytest.raises(DomainError) as refused:
        refund_post(
            client=client_record,
            amount=eur("1.00"),
            idempotency_key="r",
            actor=staff,
            payment=other,
        )
    assert "payment" in refused.value.fields
    waiting.client = client_record  # a forged object must not get past the stored state
    with pytest.raises(DomainError) as refused:
        refund_post(
            client=client_record,
            amount=eur("1.00"),
            idempotency_key="r",
            actor=staff,
            payment=waiting,
        )
    assert refused.value.code == "payment_not_posted"
    assert ledger_snapshot() == before
