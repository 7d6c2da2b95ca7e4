"""Billing usage beyond the ordered amount (BIL-08, CAT-02; seed 003 §2.2.4, §4.2): usage is
summed per metered item for the month, the included quantity is free, the excess is priced
with sub-cent unit prices and rounded once, half up, to the cent (BIL-02), one proforma per
service is issued and paid from the balance when it covers it (BIL-01, BIL-03, BIL-04), and
a period is billed exactly once (habit 2)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from hostledger.core.errors import DomainError
from hostledger.invoicing.actions import invoice_charge_key
from hostledger.invoicing.models import Invoice, InvoiceLine
from hostledger.ledger.models import Entry, LedgerAccount, LedgerTransaction
from hostledger.ledger.selectors import balance_of, verify_balances
from hostledger.metering.actions import usage_bill_due, usage_bill_period, usage_records_ingest
from hostledger.metering.models import UsageCharge, UsageIsAppendOnly
from hostledger.metering.periods import usage_period_of
from hostledger.metering.selectors import service_usage
from tests.metering.factories import APRIL_FIRST, MARCH_END, MARCH_START, at, paid_vps, usage
from tests.subscriptions.factories import eur, fund, new_client, new_payer, written_rows

pytestmark = pytest.mark.django_db

WRITTEN = written_rows


def record_march_usage(vps, items) -> None:
    """1234.5 GB of traffic (100 included) and 10 vCPU-hours in March, in five records; one
    more record in April that March does not include."""
    usage_records_ingest(
        rows=[
            usage(vps, items.traffic, "600", at(MARCH_START, 0), external_id="t-1"),
            usage(vps, items.traffic, "534.5", at(date(2027, 3, 15), 12), external_id="t-2"),
            # Starts on the last evening of March: belongs to March, ends in April.
            usage(
                vps,
                items.traffic,
                "100",
                at(MARCH_END, 23, 30),
                at(APRIL_FIRST, 0, 30),
                external_id="t-3",
            ),
            usage(vps, items.cpu, "4", at(date(2027, 3, 2), 9), external_id="c-1"),
            usage(vps, items.cpu, "6", at(date(2027, 3, 3), 9), external_id="c-2"),
            usage(vps, items.traffic, "999", at(APRIL_FIRST, 0), external_id="t-april"),
        ]
    )


def bill_march(vps, **kwargs):
    kwargs.setdefault("today", APRIL_FIRST)
    return usage_bill_period(service=vps, period_start=MARCH_START, period_end=MARCH_END, **kwargs)


def test_usage_beyond_the_included_amount_is_billed_to_the_cent__BIL_08_BIL_02(
    vps, items, client_record, payer
):
    """Traffic: 1234.5 GB used, 100 included, 1134.5 x 0.0043 = 4.87835 → 4.88. CPU: 10 x
    0.0125 = 0.125 → 0.13 (half up, not to even). VAT 24 % per line: 1.17 + 0.03."""
    record_march_usage(vps, items)
    fund(client_record, "10.00", on=APRIL_FIRST)

    bill = bill_march(vps)

    traffic, cpu = bill.charges
    assert [
        (
            charge.metered_item_id,
            charge.period_start,
            charge.period_end,
            charge.total_quantity,
            charge.included_quantity,
            charge.billable_quantity,
            charge.unit_price_micro,
            charge.amount,
        )
        for charge in bill.charges
    ] == [
        (
            items.traffic.pk,
            MARCH_START,
            MARCH_END,
            Decimal("1234.5"),
            Decimal(100),
            Decimal("1134.5"),
            4300,
            eur("4.88"),
        ),
        (
            items.cpu.pk,
            MARCH_START,
            MARCH_END,
            Decimal(10),
            Decimal(0),
            Decimal(10),
            12500,
            eur("0.13"),
        ),
    ]
    assert bill.billed_now == bill.charges
    invoice = Invoice.objects.get(pk=bill.invoice.pk)
    assert traffic.invoice_id == cpu.invoice_id == invoice.pk
    assert (invoice.client_id, invoice.payer_id, invoice.issued_on) == (
        client_record.pk,
        payer.pk,
        APRIL_FIRST,
    )
    assert (invoice.net_minor, invoice.vat_minor, invoice.gross_minor) == (501, 120, 621)
    lines = list(
        InvoiceLine.objects.filter(invoice=invoice)
        .order_by("position")
        .values_list("description", "quantity", "unit_price_minor", "net_minor", "vat_minor")
    )
    assert lines == [
        (
            "Traffic: 1234.5 GB used, 100 included, 1134.5 billed at 0.0043 EUR per GB",
            Decimal(1),
            488,
            488,
            117,
        ),
        (
            "CPU time: 10 vCPU-hour used, 0 included, 10 billed at 0.0125 EUR per vCPU-hour",
            Decimal(1),
            13,
            13,
            3,
        ),
    ]
    assert InvoiceLine.objects.filter(invoice=invoice, period_start=MARCH_START).count() == 2


def test_a_covered_usage_proforma_is_paid_from_the_balance_with_exact_entries__BIL_08_BIL_01(
    vps, items, client_record
):
    record_march_usage(vps, items)
    fund(client_record, "10.00", on=APRIL_FIRST)

    bill = bill_march(vps)

    assert bill.paid is True
    invoice = Invoice.objects.get(pk=bill.invoice.pk)
    assert (invoice.kind, invoice.status, invoice.finalised_on) == ("final", "paid", APRIL_FIRST)
    assert invoice.number_display != ""
    assert balance_of(client_record) == eur("3.79")  # 10.00 - 6.21
    charge = LedgerTransaction.objects.get(idempotency_key=invoice_charge_key(invoice))
    assert charge.kind == LedgerTransaction.Kind.CHARGE
    entries = sorted(
        Entry.objects.filter(transaction=charge).values_list("account__kind", "amount_minor")
    )
    assert entries == [
        (LedgerAccount.Kind.CLIENT_BALANCE, -621),
        (LedgerAccount.Kind.REVENUE, 501),
        (LedgerAccount.Kind.VAT_PAYABLE, 120),
    ]
    assert verify_balances() == []


def test_a_short_balance_leaves_the_usage_proforma_open__BIL_08_BIL_03(vps, items, client_record):
    record_march_usage(vps, items)
    fund(client_record, "6.20", on=APRIL_FIRST)  # one cent short of 6.21
    transactions = LedgerTransaction.objects.count()

    bill = bill_march(vps)

    assert bill.paid is False
    invoice = Invoice.objects.get(pk=bill.invoice.pk)
    assert (invoice.kind, invoice.status, invoice.gross_minor) == ("proforma", "issued", 621)
    assert invoice.number_display == ""
    assert invoice.due_on == date(2027, 4, 8)  # invoicing.due_working_days: 5 working days
    assert balance_of(client_record) == eur("6.20")
    assert LedgerTransaction.objects.count() == transactions
    assert UsageCharge.objects.filter(invoice=invoice).count() == 2


def test_usage_within_the_included_amount_is_free_and_issues_no_invoice__BIL_08_CAT_02(
    vps, items, client_record
):
    usage_records_ingest(
        rows=[
            usage(vps, items.traffic, "60", at(MARCH_START, 10), external_id="t-1"),
            usage(vps, items.traffic, "40", at(MARCH_START, 11), external_id="t-2"),
        ]
    )
    invoices = Invoice.objects.count()

    bill = bill_march(vps)

    assert bill.invoice is None and bill.paid is False
    assert Invoice.objects.count() == invoices
    charge = UsageCharge.objects.get()
    assert (
        charge.total_quantity_micro,
        charge.included_quantity_micro,
        charge.billable_quantity_micro,
        charge.amount_minor,
        charge.invoice_id,
    ) == (100_000_000, 100_000_000, 0, 0, None)
    assert balance_of(client_record) == eur("0.00")


def test_an_excess_that_rounds_to_zero_issues_no_invoice_but_is_recorded__BIL_08_BIL_02(vps, items):
    """1 GB over the included 100 at 0.0043 is 0.0043, which rounds to 0.00."""
    usage_records_ingest(
        rows=[usage(vps, items.traffic, "101", at(MARCH_START, 10), external_id="t-1")]
    )
    invoices = Invoice.objects.count()

    bill = bill_march(vps)

    assert bill.invoice is None
    assert Invoice.objects.count() == invoices
    charge = UsageCharge.objects.get()
    assert (charge.billable_quantity_micro, charge.amount_minor) == (1_000_000, 0)


def test_running_the_billing_twice_bills_once__BIL_08(vps, items, client_record):
    record_march_usage(vps, items)
    fund(client_record, "10.00", on=APRIL_FIRST)
    first = bill_march(vps)
    before = written_rows()
    charges = list(UsageCharge.objects.order_by("pk").values())

    again = bill_march(vps)

    assert (again.billed_now, again.invoice, again.paid) == ([], None, False)
    assert [charge.pk for charge in again.charges] == [charge.pk for charge in first.charges]
    assert written_rows() == before
    assert list(UsageCharge.objects.order_by("pk").values()) == charges
    assert balance_of(client_record) == eur("3.79")


def test_a_period_with_a_zero_bill_is_not_billed_again__BIL_08(vps, items):
    usage_records_ingest(
        rows=[usage(vps, items.traffic, "50", at(MARCH_START, 10), external_id="t-1")]
    )
    bill_march(vps)
    charges = list(UsageCharge.objects.order_by("pk").values())

    assert bill_march(vps).billed_now == []
    assert list(UsageCharge.objects.order_by("pk").values()) == charges


def test_a_period_without_usage_writes_nothing__BIL_08(vps, items):
    before = written_rows()

    bill = bill_march(vps)

    assert (bill.charges, bill.invoice) == ([], None)
    assert written_rows() == before
    assert not UsageCharge.objects.exists()


@pytest.mark.parametrize(
    ("start", "end", "today", "field"),
    [
        (date(2027, 3, 2), MARCH_END, APRIL_FIRST, "period_start"),
        (MARCH_START, date(2027, 3, 30), APRIL_FIRST, "period_end"),
        (MARCH_START, date(2027, 4, 30), date(2027, 5, 1), "period_end"),
        (MARCH_START, MARCH_END, MARCH_END, "period_end"),
        (APRIL_FIRST, date(2027, 4, 30), APRIL_FIRST, "period_end"),
    ],
    ids=["not the first day", "not the last day", "two months", "not over", "future"],
)
def test_only_a_closed_calendar_month_is_billed__BIL_08(vps, items, start, end, today, field):
    record_march_usage(vps, items)
    before = written_rows()

    with pytest.raises(DomainError) as caught:
        usage_bill_period(service=vps, period_start=start, period_end=end, today=today)

    assert set(caught.value.fields) == {field}
    assert written_rows() == before
    assert not UsageCharge.objects.exists()


def test_billing_uses_the_included_quantity_and_price_of_the_billing_day_and_stores_them__BIL_08(
    vps, items
):
    """The charge keeps the figures it was billed with; a later catalog change does not
    recompute a billed period (habit 1)."""
    from hostledger.catalog.actions import metered_item_update

    record_march_usage(vps, items)
    metered_item_update(metered_item=items.traffic, data={"included_quantity": "1000"})

    bill = bill_march(vps)

    traffic = bill.charges[0]
    assert (traffic.included_quantity_micro, traffic.billable_quantity_micro) == (
        1_000_000_000,
        234_500_000,
    )
    assert traffic.amount == eur("1.01")  # 234.5 x 0.0043 = 1.00835
    metered_item_update(metered_item=items.traffic, data={"included_quantity": "0"})
    shown = service_usage(vps, period=usage_period_of(MARCH_START))
    assert [(line.metered_item.code, line.amount, line.is_billed) for line in shown.lines] == [
        ("vps-traffic", eur("1.01"), True),
        ("vps-cpu-hours", eur("0.13"), True),
    ]


def test_usage_charges_are_append_only__BIL_08(vps, items):
    record_march_usage(vps, items)
    charge = bill_march(vps).charges[0]

    with pytest.raises(UsageIsAppendOnly):
        charge.save()
    with pytest.raises(UsageIsAppendOnly):
        UsageCharge.objects.update(amount_minor=0)
    with pytest.raises(UsageIsAppendOnly):
        UsageCharge.objects.all().delete()


def test_the_due_run_bills_every_service_with_usage_once__BIL_08(
    vps, items, client_record, shop, django_capture_on_commit_callbacks, time_machine
):
    other = new_client()
    other_payer = new_payer(other)
    time_machine.move_to(at(MARCH_START, 12), tick=True)
    with django_capture_on_commit_callbacks(execute=True):
        other_vps = paid_vps(other, other_payer, shop)
    time_machine.move_to(at(APRIL_FIRST, 11), tick=True)
    record_march_usage(vps, items)
    usage_records_ingest(
        rows=[usage(other_vps, items.traffic, "200", at(MARCH_START, 20), external_id="o-1")]
    )
    fund(client_record, "10.00", on=APRIL_FIRST)

    run = usage_bill_due(period_end=MARCH_END, today=APRIL_FIRST)

    assert run.refused == {}
    assert sorted((bill.service.pk, bill.invoice.gross_minor) for bill in run.bills) == sorted(
        [(vps.pk, 621), (other_vps.pk, 53)]  # 100 GB x 0.0043 = 0.43 + 0.10 VAT
    )
    paid = {bill.service.pk: bill.paid for bill in run.bills}
    assert paid == {vps.pk: True, other_vps.pk: False}
    before = written_rows()

    again = usage_bill_due(period_end=MARCH_END, today=APRIL_FIRST)

    assert (again.bills, again.refused) == ([], {})
    assert written_rows() == before
    assert UsageCharge.objects.count() == 3


def test_the_due_run_refuses_a_month_that_is_not_over__BIL_08(vps, items):
    with pytest.raises(DomainError) as caught:
        usage_bill_due(period_end=date(2027, 4, 30), today=APRIL_FIRST)

    assert set(caught.value.fields) == {"period_end"}


def test_the_due_run_goes_on_when_one_service_cannot_be_billed__BIL_08(
    vps, items, payer, client_record
):
    from hostledger.accounts.models import Payer

    record_march_usage(vps, items)
    Payer.objects.filter(client=client_record).update(archived_at=at(MARCH_END, 12))

    run = usage_bill_due(period_end=MARCH_END, today=APRIL_FIRST)

    assert run.bills == []
    assert run.refused == {
        vps.public_id: "The client has no payer to bill the usage to; add one first."
    }
    assert not UsageCharge.objects.exists()


def test_usage_of_a_terminated_service_is_still_billed__BIL_08(vps, items, staff, client_record):
    from hostledger.subscriptions.actions import service_terminate

    record_march_usage(vps, items)
    service_terminate(service=vps, actor=staff, reason="Client left")
    fund(client_record, "10.00", on=APRIL_FIRST)

    bill = bill_march(vps)

    assert (bill.invoice.gross_minor, bill.paid) == (621, True)


def test_a_record_starting_at_midnight_belongs_to_the_month_it_starts_in__BIL_08(vps, items):
    usage_records_ingest(
        rows=[
            usage(vps, items.cpu, "1", at(MARCH_START, 0), external_id="first"),
            usage(
                vps, items.cpu, "2", at(APRIL_FIRST) - timedelta(microseconds=1), external_id="last"
            ),
            usage(vps, items.cpu, "4", at(APRIL_FIRST, 0), external_id="april"),
        ]
    )

    bill = bill_march(vps)

    assert [charge.total_quantity_micro for charge in bill.charges] == [3_000_000]
