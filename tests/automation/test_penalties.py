"""The late-payment penalty (BIL-07, 003 §7.9 and §5.2): 0.1 % a day of the amount the balance
did not cover, from the day after the due date to the payment's date of receipt (its value
date), however late the statement carrying it is imported or applied.

A one-month VPS Start (9.90 + 24 % VAT = 12.28) is paid on 1 March 2027; its renewal from 1
April is invoiced on 22 March and due on 30 March (tests/automation/test_scenarios.py). The
billing run goes every morning at 06:00; the money is received on 9 April and the bank
statement is imported at 09:00 on 10 April, after that morning's run."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from hostledger.automation.models import PenaltyAccrual, ServiceRenewal
from hostledger.invoicing.models import Invoice
from hostledger.ledger.models import ClientBalance, LedgerTransaction
from hostledger.ledger.selectors import verify_balances
from hostledger.subscriptions.models import Service
from tests.automation.conftest import moment
from tests.subscriptions.factories import fund

DUE_DAY = date(2027, 3, 30)
PERIOD_START = date(2027, 4, 1)
RECEIVED = date(2027, 4, 9)  # the value date of the transfer
IMPORTED = date(2027, 4, 10)  # the statement arrives the next morning
GROSS = Decimal("12.28")


def _penalty(unpaid: Decimal, received: date) -> Decimal:
    """0.1 % of ``unpaid`` for each day from the day after the due date to ``received``,
    rounded half up to the cent (003 §7.9, §5.2)."""
    days = (received - DUE_DAY).days
    return (unpaid * Decimal("0.001") * days).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _runs_through(run_as_of, last: date) -> Invoice:
    day = date(2027, 3, 22)
    while day <= last:
        run_as_of(day)
        day = date.fromordinal(day.toordinal() + 1)
    return Invoice.objects.get(renewal__starts_on=PERIOD_START)


def _balance(client) -> Decimal:
    return Decimal(ClientBalance.objects.get(client=client).balance_minor) / 100


def test_penalty_runs_to_the_value_date_not_the_import_day__BIL_07(
    active_service, client_record, run_as_of, apply_payments, time_machine
):
    service = active_service()  # the balance is spent on the first month
    invoice = _runs_through(run_as_of, IMPORTED)  # the morning run has accrued 11 days
    assert PenaltyAccrual.objects.get(invoice=invoice).days == 11
    penalty = _penalty(GROSS, RECEIVED)
    assert penalty == Decimal("0.12")  # 12.28 x 0.1 % x 10 days = 0.1228
    # The client pays the invoice and the penalty to its date of receipt.
    time_machine.move_to(moment(IMPORTED, 9), tick=True)
    fund(client_record, str(GROSS + penalty), on=RECEIVED)
    apply_payments(client_record, today=IMPORTED)

    invoice.refresh_from_db()
    assert (invoice.status, invoice.finalised_on) == (Invoice.Status.PAID, RECEIVED)
    accrual = PenaltyAccrual.objects.get(invoice=invoice)
    assert (accrual.settled, accrual.days, accrual.amount_minor) == (True, 10, 12)
    assert _balance(client_record) == Decimal("0.00")
    assert Service.objects.get(pk=service.pk).status == "active"
    run_as_of(date(2027, 4, 11))
    assert PenaltyAccrual.objects.get(invoice=invoice).amount_minor == 12
    assert _balance(client_record) == Decimal("0.00")
    assert verify_balances() == []


def test_penalty_runs_to_the_value_date_when_the_run_applies_the_payment__BIL_07(
    active_service, client_record, run_as_of, time_machine
):
    active_service()
    invoice = _runs_through(run_as_of, IMPORTED)
    time_machine.move_to(moment(IMPORTED, 9), tick=True)
    fund(client_record, str(GROSS + _penalty(GROSS, RECEIVED)), on=RECEIVED)  # not applied

    run_as_of(date(2027, 4, 11))  # the next run pays the renewal from the balance

    invoice.refresh_from_db()
    assert (invoice.status, invoice.finalised_on) == (Invoice.Status.PAID, RECEIVED)
    accrual = PenaltyAccrual.objects.get(invoice=invoice)
    assert (accrual.settled, accrual.days, accrual.amount_minor) == (True, 10, 12)
    assert _balance(client_record) == Decimal("0.00")
    assert verify_balances() == []


def test_penalty_is_on_the_unpaid_amount_not_the_whole_invoice__BIL_07(
    active_service, client_record, run_as_of, apply_payments, time_machine
):
    active_service("17.28")  # 5.00 stays on the balance after the first month
    invoice = _runs_through(run_as_of, IMPORTED)
    unpaid = GROSS - Decimal("5.00")
    accrual = PenaltyAccrual.objects.get(invoice=invoice)
    assert accrual.base_minor == 728  # 12.28 - 5.00 the balance covers
    assert accrual.amount_minor == 8  # 7.28 x 0.1 % x 11 days = 0.08008, not 0.14 on 12.28
    penalty = _penalty(unpaid, RECEIVED)
    assert penalty == Decimal("0.07")  # 7.28 x 0.1 % x 10 days = 0.0728
    time_machine.move_to(moment(IMPORTED, 9), tick=True)
    fund(client_record, str(unpaid + penalty), on=RECEIVED)
    apply_payments(client_record, today=IMPORTED)

    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    accrual = PenaltyAccrual.objects.get(invoice=invoice)
    assert (accrual.days, accrual.amount_minor) == (10, 7)
    penalty_txn = LedgerTransaction.objects.get(idempotency_key=f"penalty:{invoice.public_id}")
    assert accrual.transaction_id == penalty_txn.pk
    assert _balance(client_record) == Decimal("0.00")
    assert ServiceRenewal.objects.get(invoice=invoice).state == ServiceRenewal.State.PAID
    assert verify_balances() == []
