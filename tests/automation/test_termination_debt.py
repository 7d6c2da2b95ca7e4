"""A termination for debt keeps the debt (AUT-02; 003 §2.2.5: the client is not exempt from
the obligation to repay; §2.2.10: the time of suspension is payable; BIL-07 §7.9).

A one-month VPS Start (9.90 net, 24 % VAT) renews from 1 April 2027 (30 days) with an invoice
of 22 March due on 30 March that is never paid: the service is suspended on 1 April, and the
termination proposed 20 days after the invoice date is confirmed by staff on 13 April. The
client owes the suspended days 1-12 April, prorated, plus the penalty to the termination."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from hostledger.automation.actions import decision_confirm
from hostledger.automation.models import AutomatedDecision, PenaltyAccrual, ServiceRenewal
from hostledger.invoicing.models import Invoice
from hostledger.ledger.models import ClientBalance, LedgerTransaction
from hostledger.ledger.selectors import verify_balances
from hostledger.subscriptions.models import Service
from tests.automation.conftest import moment
from tests.subscriptions.factories import fund

CENT = Decimal("0.01")
PERIOD_START, PERIOD_END = date(2027, 4, 1), date(2027, 4, 30)
DUE_DAY = date(2027, 3, 30)
TERMINATED = date(2027, 4, 13)


def _round(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def test_confirmed_termination_keeps_the_suspended_days_and_penalty_as_debt__AUT_02(
    active_service, client_record, run_as_of, staff, apply_payments, time_machine
):
    service = active_service()
    day = date(2027, 3, 22)
    while day <= TERMINATED:
        run_as_of(day)
        day = date.fromordinal(day.toordinal() + 1)
    renewal = ServiceRenewal.objects.get(service=service, starts_on=PERIOD_START)
    full_gross = Decimal(renewal.invoice.gross_minor) / 100
    assert full_gross == Decimal("12.28")
    decision = AutomatedDecision.objects.get(kind="terminate_for_debt")
    time_machine.move_to(moment(TERMINATED, 10), tick=True)

    decision_confirm(decision=decision, actor=staff)

    assert Service.objects.get(pk=service.pk).status == "terminated"
    # Owed: 12 suspended days (1-12 April) of a 30-day month, then VAT once on the net.
    net = _round(Decimal("9.90") * 12 / 30)
    vat = _round(net * Decimal("0.24"))
    assert (net, vat) == (Decimal("3.96"), Decimal("0.95"))
    # The penalty to the termination: 0.1 % of the unpaid 12.28 for 31 March to 13 April.
    penalty = _round(full_gross * Decimal("0.001") * (TERMINATED - DUE_DAY).days)
    assert penalty == Decimal("0.17")
    invoice = Invoice.objects.get(pk=renewal.invoice_id)
    assert (invoice.status, invoice.net_minor, invoice.vat_minor, invoice.gross_minor) == (
        Invoice.Status.ISSUED,
        396,
        95,
        491,
    )
    [line] = invoice.lines.all()
    assert (line.net_minor, line.period_end) == (396, date(2027, 4, 12))
    renewal.refresh_from_db()
    assert (renewal.state, renewal.ends_on) == (ServiceRenewal.State.INVOICED, date(2027, 4, 12))
    accrual = PenaltyAccrual.objects.get(invoice=invoice)
    assert (accrual.settled, accrual.days, accrual.amount_minor) == (True, 14, 17)

    # Later runs neither withdraw the debt nor let the penalty run on.
    run_as_of(date(2027, 4, 20))
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.ISSUED
    assert PenaltyAccrual.objects.get(invoice=invoice).amount_minor == 17

    # Paying the debt and the penalty leaves the client at zero.
    time_machine.move_to(moment(date(2027, 4, 21), 9), tick=True)
    fund(client_record, str(Decimal("4.91") + penalty), on=date(2027, 4, 21))
    apply_payments(client_record, today=date(2027, 4, 21))
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.PAID
    assert LedgerTransaction.objects.filter(idempotency_key=f"penalty:{invoice.public_id}").exists()
    assert ClientBalance.objects.get(client=client_record).balance_minor == 0
    assert verify_balances() == []
