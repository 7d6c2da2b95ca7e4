"""A consumer withdraws within the withdrawal period; used days are charged only when the
service started at their explicit request (ORD-07)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from hostledger.automation.run import billing_run
from hostledger.core.errors import DomainError
from hostledger.invoicing.models import CreditNote
from hostledger.ledger.selectors import balance_of
from hostledger.subscriptions.actions import (
    service_cancellation_request,
    service_provisioned,
    service_withdraw,
)
from hostledger.subscriptions.models import Service, ServiceCancellation, ServiceStatus
from tests.subscriptions.factories import (
    TODAY,
    balance_entries,
    eur,
    fund,
    new_client,
    new_payer,
    written_rows,
)

pytestmark = pytest.mark.django_db

MARCH_5 = date(2027, 3, 5)


def _withdraw(run_hooks, service, today):
    return run_hooks(service_withdraw, service=service, actor=service.client.owner, today=today)


def test_started_at_request_the_used_days_are_charged_and_the_rest_returned__ORD_07(
    place, run_hooks, client_record
):
    fund(client_record, "12.28")
    service = place(start_at_once=True).service  # VPS Start, 1-31 March, 9.90 net
    service_provisioned(service=service)

    withdrawal = _withdraw(run_hooks, service, MARCH_5)

    # 1-5 March are used; 6-31 March is 26 of 31 days: 9.90 * 26 / 31 = 8.3032 -> 8.30 net,
    # 1.99 VAT, 10.29 back
    assert (withdrawal.kind, withdrawal.state, withdrawal.refund_minor) == (
        "withdrawal",
        "carried_out",
        830,
    )
    assert withdrawal.carried_out_by == client_record.owner
    service.refresh_from_db()
    assert service.status == ServiceStatus.TERMINATED
    last = service.status_changes.order_by("-id").first()
    assert (last.to_status, last.actor) == ("terminated", client_record.owner)
    note = CreditNote.objects.get()
    assert (note.net_minor, note.vat_minor, note.gross_minor) == (-830, -199, -1029)
    line = note.lines.get()
    assert (line.period_start, line.period_end) == (date(2027, 3, 6), date(2027, 3, 31))
    assert balance_of(client_record) == eur("10.29")
    assert balance_entries(client_record) == [
        ("payment", 1228),
        ("charge", -1228),
        ("credit_note", 1029),
    ]


def test_without_a_request_to_start_everything_paid_is_returned__ORD_07(
    place, run_hooks, client_record
):
    fund(client_record, "12.28")
    service = place(start_at_once=False).service
    assert service.status == ServiceStatus.PENDING  # waits for the withdrawal period

    withdrawal = _withdraw(run_hooks, service, MARCH_5)

    assert withdrawal.refund_minor == 990
    note = CreditNote.objects.get()
    assert (note.net_minor, note.vat_minor, note.gross_minor) == (-990, -238, -1228)
    assert balance_of(client_record) == eur("12.28")
    assert balance_entries(client_record) == [
        ("payment", 1228),
        ("charge", -1228),
        ("credit_note", 1228),
    ]


def test_without_consent_a_consumer_service_starts_after_the_withdrawal_period__ORD_07(
    place, run_hooks, client_record
):
    """Ordered and paid on 1 March 2027 by a consumer who did not ask for an early start:
    the withdrawal period runs 14 days after the contract is concluded, to 15 March; the
    service starts on 16 March and its paid month runs from then, 16 March to 15 April."""
    fund(client_record, "12.28")
    order = place(start_at_once=False)
    service = order.service
    withdrawal_ends = TODAY + timedelta(days=14)
    first_day = withdrawal_ends + timedelta(days=1)
    assert first_day == date(2027, 3, 16)
    assert (order.period_starts_on, order.period_ends_on) == (first_day, date(2027, 4, 15))
    assert order.proforma.status == "paid"
    [line] = order.proforma.lines.all()
    assert (line.period_start, line.period_end) == (first_day, date(2027, 4, 15))
    service.refresh_from_db()
    assert (service.status, service.contract_started_on) == (ServiceStatus.PENDING, TODAY)
    assert service.periods.get().starts_on == first_day

    for day in (date(2027, 3, 2), withdrawal_ends):
        run_hooks(billing_run, as_of=datetime.combine(day, time(6), tzinfo=UTC))
        assert Service.objects.get(pk=service.pk).status == ServiceStatus.PENDING
    run_hooks(billing_run, as_of=datetime.combine(first_day, time(6), tzinfo=UTC))
    service.refresh_from_db()
    assert service.status == ServiceStatus.PROVISIONING
    assert service.paid_through == date(2027, 4, 15)

    with_consent = place(start_at_once=True, today=first_day)
    assert with_consent.period_starts_on == first_day  # asked for: starts the day it is paid


def test_a_legal_person_order_starts_at_once__ORD_07(place, shop):
    company = new_client(kind="legal", company_name="Näide OÜ", registry_code="12345678")
    fund(company, "12.28")
    order = place(
        client=company,
        payer=new_payer(company, kind="legal", name="Näide OÜ"),
        start_at_once=False,
    )
    assert order.period_starts_on == TODAY
    assert order.service.status == ServiceStatus.PROVISIONING


def test_a_service_that_never_started_returns_everything_even_when_asked_early__ORD_07(
    place, run_hooks, client_record
):
    fund(client_record, "12.28")
    service = place(start_at_once=True).service  # still provisioning: nothing was used

    assert _withdraw(run_hooks, service, MARCH_5).refund_minor == 990
    assert balance_of(client_record) == eur("12.28")


def test_an_open_cancellation_gives_way_to_the_withdrawal__ORD_07(place, run_hooks, client_record):
    fund(client_record, "12.28")
    service = place().service
    cancellation = service_cancellation_request(
        service=service, effective_on=date(2027, 3, 20), actor=client_record.owner, today=TODAY
    )

    _withdraw(run_hooks, service, MARCH_5)

    cancellation.refresh_from_db()
    assert cancellation.state == ServiceCancellation.State.WITHDRAWN
    assert balance_of(client_record) == eur("12.28")


def test_the_last_day_of_the_period_is_allowed_and_a_later_request_refused__ORD_07(
    place, run_hooks, client_record
):
    fund(client_record, "12.28")
    service = place().service  # contract concluded on 1 March: 14 days run to 15 March
    before = written_rows()

    with pytest.raises(DomainError) as refused:
        _withdraw(run_hooks, service, date(2027, 3, 16))

    assert refused.value.code == "withdrawal_period_over"
    assert refused.value.fields == {"service": "withdrawal period ended on 2027-03-15"}
    assert written_rows() == before
    assert balance_of(client_record) == eur("0.00")
    assert _withdraw(run_hooks, service, date(2027, 3, 15)).state == "carried_out"


def test_a_legal_person_cannot_withdraw__ORD_07(place, run_hooks):
    company = new_client(kind="legal", first_name="", last_name="", company_name="Tamm OÜ")
    payer = new_payer(company, kind="legal", name="Tamm OÜ")
    fund(company, "12.28")
    service = place(client=company, payer=payer, actor=company.owner).service
    before = written_rows()

    with pytest.raises(DomainError) as refused:
        _withdraw(run_hooks, service, MARCH_5)

    assert refused.value.code == "withdrawal_not_available"
    assert refused.value.fields == {"client": "not a natural person"}
    assert written_rows() == before
    service.refresh_from_db()
    assert service.status != ServiceStatus.TERMINATED
