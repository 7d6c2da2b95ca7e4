"""VAT at the tax point (BIL-05, EU VAT Directive art. 65; docs/decisions/0009): a proforma is
a request for payment; the final invoice is dated the day the money was received and charges
the rate in force that day. Estonia's standard rate was 22 % until 30 June 2025 and 24 % from
1 July 2025 (the rate table, reference.py)."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from hostledger.invoicing.actions import client_proformas_settle, proforma_create
from hostledger.invoicing.models import Invoice, VatRate
from hostledger.ledger.actions import payment_record
from hostledger.ledger.selectors import balance_from_entries, balance_of
from hostledger.notifications.models import Notification
from tests.invoicing.conftest import eur, line

pytestmark = pytest.mark.django_db

JUNE_30 = date(2025, 6, 30)
JULY_1 = date(2025, 7, 1)
JULY_2 = date(2025, 7, 2)


@pytest.fixture
def next_morning(time_machine):
    """The wall clock on the morning after the payment arrived: the statement is imported then."""
    time_machine.move_to(datetime.combine(JULY_2, time(9), tzinfo=ZoneInfo("Europe/Tallinn")))


def test_the_rate_table_has_estonias_24_percent_from_1_july_2025__BIL_05():
    rows = VatRate.objects.filter(country="EE").order_by("valid_from")
    assert [(r.rate, r.valid_from, r.valid_to) for r in rows][-2:] == [
        (Decimal("22.00"), date(2024, 1, 1), JUNE_30),
        (Decimal("24.00"), JULY_1, None),
    ]


def test_proforma_of_30_june_paid_on_1_july_is_invoiced_on_1_july_at_24_percent__BIL_05(
    estonian_client, estonian_payer, staff, next_morning
):
    proforma = proforma_create(
        client=estonian_client, payer=estonian_payer, lines=[line(price="10.00")], issued_on=JUNE_30
    )
    assert (proforma.vat_rate, proforma.gross_minor) == (Decimal("22.00"), 1220)
    # The client pays exactly what the proforma asks; the money is received on 1 July and the
    # statement is imported the next morning.
    payment_record(
        client=estonian_client, amount=eur("12.20"), value_date=JULY_1, reference="B-1", actor=staff
    )

    [invoice] = client_proformas_settle(client=estonian_client, today=JULY_2)

    invoice = Invoice.objects.get(pk=invoice.pk)
    assert (invoice.kind, invoice.finalised_on) == (Invoice.Kind.FINAL, JULY_1)
    assert invoice.number_display.startswith("INV-2025-")
    # 10.00 net at the rate in force on the tax point: 24 % → 2.40 VAT, 12.40 gross.
    assert (invoice.vat_rate, invoice.vat_minor, invoice.gross_minor) == (
        Decimal("24.00"),
        240,
        1240,
    )
    assert [(x.vat_rate, x.vat_minor) for x in invoice.lines.all()] == [(Decimal("24.00"), 240)]
    # The balance paid 12.20 of it; the 0.20 the rise added stays due, and the client is told.
    assert balance_of(estonian_client) == eur("-0.20")
    assert balance_from_entries(estonian_client) == eur("-0.20")
    notice = Notification.objects.get(client=estonian_client, event="vat_rate_changed")
    assert (notice.invoice_id, notice.amount_minor, notice.on_date) == (invoice.pk, 20, JULY_1)


def test_proforma_paid_before_the_change_keeps_the_old_rate__BIL_05(
    estonian_client, estonian_payer, staff, next_morning
):
    proforma = proforma_create(
        client=estonian_client, payer=estonian_payer, lines=[line(price="10.00")], issued_on=JUNE_30
    )
    payment_record(
        client=estonian_client,
        amount=eur("12.20"),
        value_date=JUNE_30,
        reference="B-1",
        actor=staff,
    )

    [invoice] = client_proformas_settle(client=estonian_client, today=JULY_2)

    invoice.refresh_from_db()
    assert (invoice.finalised_on, invoice.vat_rate, invoice.gross_minor) == (
        JUNE_30,
        Decimal("22.00"),
        1220,
    )
    assert balance_of(estonian_client) == eur("0.00")
    assert not Notification.objects.filter(event="vat_rate_changed").exists()
    assert proforma.pk == invoice.pk
