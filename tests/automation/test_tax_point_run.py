"""The billing run pays a renewal at the VAT rate of its tax point (BIL-05, docs/decisions/
0007): the rate in force on the day the money covering it was received, not the rate of
the day the proforma was issued.

The renewal of a one-month VPS Start (9.90 net) from 1 April 2027 is issued on 22 March at
24 % (12.28) and due on 30 March; the provider has recorded a rate of 26 % from 1 April
(a test rate). The client pays the 12.28 asked with a transfer received on 2 April, and the
next morning's run pays the renewal from the balance."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from hostledger.invoicing.actions import vat_rate_schedule
from hostledger.invoicing.models import Invoice
from hostledger.ledger.models import ClientBalance
from hostledger.ledger.selectors import verify_balances
from hostledger.notifications.models import Notification
from tests.automation.conftest import moment
from tests.subscriptions.factories import fund

RECEIVED = date(2027, 4, 2)


def test_run_pays_a_renewal_at_the_rate_in_force_when_the_money_arrived__BIL_05(
    active_service, client_record, run_as_of, time_machine
):
    active_service()  # the balance is spent on the first month
    run_as_of(date(2027, 3, 22))
    invoice = Invoice.objects.get(renewal__starts_on=date(2027, 4, 1))
    assert (invoice.vat_rate, invoice.gross_minor) == (Decimal("24.00"), 1228)
    vat_rate_schedule(country="EE", rate="26", valid_from=date(2027, 4, 1))
    run_as_of(date(2027, 4, 1))
    time_machine.move_to(moment(RECEIVED, 15), tick=True)
    fund(client_record, "12.28", on=RECEIVED)  # posted, applied by the next run

    run_as_of(date(2027, 4, 3))

    invoice.refresh_from_db()
    assert (invoice.status, invoice.finalised_on) == (Invoice.Status.PAID, RECEIVED)
    vat = (Decimal("9.90") * Decimal("0.26")).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert vat == Decimal("2.57")
    assert (invoice.vat_rate, invoice.vat_minor, invoice.gross_minor) == (
        Decimal("26.00"),
        257,
        1247,
    )
    assert [(line.vat_rate, line.vat_minor) for line in invoice.lines.all()] == [
        (Decimal("26.00"), 257)
    ]
    # The 0.19 the new rate added stays due on the balance (with the penalty of the three
    # days from 31 March to 2 April on 12.28: 0.036 -> 0.04), and the client is told.
    balance = ClientBalance.objects.get(client=client_record).balance_minor
    assert balance == 1228 - 1247 - 4
    notice = Notification.objects.get(client=client_record, event="vat_rate_changed")
    assert (notice.invoice_id, notice.amount_minor, notice.on_date) == (invoice.pk, 19, RECEIVED)
    assert verify_balances() == []
