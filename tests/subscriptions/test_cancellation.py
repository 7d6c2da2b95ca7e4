"""Cancellation with notice; unused paid time back to the balance except the rest of the
minimum service period (ORD-06, CAT-03)."""

from __future__ import annotations

from datetime import date

import pytest

from hostledger.core.errors import DomainError, PermissionDenied
from hostledger.invoicing.models import CreditNote
from hostledger.ledger.selectors import balance_of
from hostledger.subscriptions.actions import (
    service_cancellation_carry_out,
    service_cancellation_request,
    service_cancellation_withdraw,
    service_plan_change,
)
from hostledger.subscriptions.models import ServiceCancellation, ServiceCredit, ServiceStatus
from hostledger.subscriptions.selectors import cancellations_due, service_open_cancellation
from tests.subscriptions.factories import TODAY, balance_entries, eur, fund, written_rows

pytestmark = pytest.mark.django_db

APRIL_15 = date(2027, 4, 15)


def _request(service, effective_on, **kwargs):
    return service_cancellation_request(
        service=service,
        effective_on=effective_on,
        actor=service.client.owner,
        today=TODAY,
        **kwargs,
    )


def _three_months(place, client_record, amount="40.00"):
    """A VPS Start ordered for 1 March to 31 May: 29.70 net, 36.83 with 24 % VAT."""
    fund(client_record, amount)
    service = place(period_months=3).service
    assert balance_of(client_record) == eur(amount) - eur("36.83")
    return service


def test_the_day_must_be_at_least_the_notice_period_ahead__ORD_06(place, client_record):
    service = _three_months(place, client_record)
    before = written_rows()

    with pytest.raises(DomainError) as refused:
        _request(service, date(2027, 3, 12))  # 9 working days after Monday 1 March

    assert refused.value.fields == {"effective_on": "on or after 2027-03-15"}
    assert written_rows() == before
    cancellation = _request(service, date(2027, 3, 15))  # 10 working days
    assert (cancellation.state, cancellation.kind, cancellation.party) == (
        "requested",
        "cancellation",
        "client",
    )
    assert cancellation.requested_by == client_record.owner
    assert service_open_cancellation(service) == cancellation


def test_carried_out_on_its_day_terminates_and_returns_the_unused_days__ORD_06(
    place, run_hooks, client_record
):
    service = _three_months(place, client_record)  # balance 3.17
    cancellation = _request(service, APRIL_15)
    assert list(cancellations_due(today=date(2027, 4, 14))) == []
    before = written_rows()
    with pytest.raises(DomainError) as refused:
        service_cancellation_carry_out(cancellation=cancellation, today=date(2027, 4, 14))
    assert refused.value.code == "cancellation_not_due"
    assert written_rows() == before
    assert list(cancellations_due(today=APRIL_15)) == [cancellation]

    done = run_hooks(service_cancellation_carry_out, cancellation=cancellation, today=APRIL_15)

    # 15 April to 31 May is 47 of the period's 92 days: 29.70 * 47 / 92 = 15.1728 -> 15.17
    # net, 3.64 VAT, 18.81 back to the balance
    assert (done.state, done.refund_minor, done.carried_out_by) == ("carried_out", 1517, None)
    service.refresh_from_db()
    assert service.status == ServiceStatus.TERMINATED
    last = service.status_changes.order_by("-id").first()
    assert (last.to_status, last.actor) == ("terminated", None)
    assert cancellation.public_id in last.reason
    note = CreditNote.objects.get()
    assert note.invoice_id == service.periods.get().invoice_id
    assert (note.net_minor, note.vat_minor, note.gross_minor) == (-1517, -364, -1881)
    line = note.lines.get()
    assert (line.period_start, line.period_end) == (APRIL_15, date(2027, 5, 31))
    assert balance_of(client_record) == eur("21.98")  # 3.17 + 18.81
    assert balance_entries(client_record) == [
        ("payment", 4000),
        ("charge", -3683),
        ("credit_note", 1881),
    ]
    assert list(cancellations_due(today=APRIL_15)) == []
    with pytest.raises(DomainError) as again:
        service_cancellation_carry_out(cancellation=cancellation, today=APRIL_15)
    assert again.value.fields == {"cancellation": "state is carried_out"}
    assert balance_of(client_record) == eur("21.98")


def test_the_rest_of_the_minimum_period_is_not_returned__ORD_06_CAT_03(place, client_record):
    service = _three_months(place, client_record)
    cancellation = _request(service, date(2027, 3, 20))

    done = service_cancellation_carry_out(cancellation=cancellation, today=date(2027, 3, 20))

    # the minimum period (1 month) runs to 31 March: only 1 April to 31 May comes back,
    # 29.70 * 61 / 92 = 19.6923 -> 19.69 net, 4.73 VAT, 24.42 gross
    assert done.refund_minor == 1969
    credit = ServiceCredit.objects.get()
    assert (credit.starts_on, credit.ends_on, credit.cancellation_id) == (
        date(2027, 4, 1),
        date(2027, 5, 31),
        cancellation.pk,
    )
    assert CreditNote.objects.get().gross_minor == -2442
    assert balance_of(client_record) == eur("27.59")  # 3.17 + 24.42


def test_nothing_comes_back_within_the_minimum_period__ORD_06_CAT_03(place, client_record):
    fund(client_record, "12.28")
    service = place().service  # one month, 1-31 March: all of it is the minimum period
    cancellation = _request(service, date(2027, 3, 15))

    done = service_cancellation_carry_out(cancellation=cancellation, today=date(2027, 3, 15))

    assert done.refund_minor == 0
    assert not CreditNote.objects.exists()
    assert balance_entries(client_record) == [("payment", 1228), ("charge", -1228)]
    service.refresh_from_db()
    assert service.status == ServiceStatus.TERMINATED


def test_an_upgraded_period_returns_the_unused_part_of_both_invoices__ORD_06_ORD_04(
    place, client_record, shop
):
    service = _three_months(place, client_record, amount="100.00")
    upgrade = service_plan_change(
        service=service, tariff=shop.vps_large, actor=client_record.owner, today=date(2027, 3, 10)
    )
    # (24.00 - 9.90) * 3 = 42.30 for the period; 10 March to 31 May is 83 of 92 days:
    # 42.30 * 83 / 92 = 38.1620 -> 38.16 net, 9.16 VAT, 47.32 gross
    assert (upgrade.state, upgrade.invoice.gross_minor) == ("applied", 4732)
    cancellation = _request(service, APRIL_15)

    done = service_cancellation_carry_out(cancellation=cancellation, today=APRIL_15)

    # 47 of 92 days: the order's 29.70 gives 15.17, the upgrade's 42.30 gives 21.6098 -> 21.61
    assert done.refund_minor == 1517 + 2161
    notes = {note.invoice_id: note for note in CreditNote.objects.all()}
    assert (notes[upgrade.invoice_id].net_minor, notes[upgrade.invoice_id].gross_minor) == (
        -2161,
        -2680,
    )
    base_invoice = service.periods.get().invoice_id
    assert (notes[base_invoice].net_minor, notes[base_invoice].gross_minor) == (-1517, -1881)
    # 100.00 - 36.83 - 47.32 + 26.80 + 18.81
    assert balance_of(client_record) == eur("61.46")
    assert balance_entries(client_record) == [
        ("payment", 10000),
        ("charge", -3683),
        ("charge", -4732),
        ("credit_note", 2680),
        ("credit_note", 1881),
    ]


def test_a_withdrawn_request_is_not_carried_out__ORD_06(place, client_record):
    service = _three_months(place, client_record)
    cancellation = _request(service, APRIL_15)
    with pytest.raises(DomainError) as twice:
        _request(service, date(2027, 5, 3))
    assert twice.value.fields == {"service": "a cancellation is already requested"}

    withdrawn = service_cancellation_withdraw(
        cancellation=cancellation, actor=client_record.owner, today=TODAY
    )

    assert (withdrawn.state, withdrawn.withdrawn_by) == ("withdrawn", client_record.owner)
    before = written_rows()
    with pytest.raises(DomainError) as refused:
        service_cancellation_carry_out(cancellation=cancellation, today=APRIL_15)
    assert refused.value.fields == {"cancellation": "state is withdrawn"}
    assert written_rows() == before
    assert _request(service, date(2027, 5, 3)).state == ServiceCancellation.State.REQUESTED


def test_unpaid_and_terminated_services_and_staff_without_permission_are_refused__ORD_06(
    place, client_record, staff_without_permission
):
    service = _three_months(place, client_record, amount="36.83")
    pending = place().service  # no money left: the order waits for payment
    with pytest.raises(DomainError) as refused:
        _request(pending, APRIL_15)
    assert refused.value.fields == {"service": "status is pending"}

    cancellation = _request(service, APRIL_15)
    with pytest.raises(PermissionDenied):
        service_cancellation_carry_out(
            cancellation=cancellation, actor=staff_without_permission, today=APRIL_15
        )
    assert ServiceCancellation.objects.get(pk=cancellation.pk).state == "requested"
