"""The contract runs a year, renews itself unless notice came 30 days before its end, and
either party may end it with a month's notice (ORD-08)."""

from __future__ import annotations

from datetime import date

import pytest

from hostledger.core.errors import DomainError, PermissionDenied
from hostledger.invoicing.models import CreditNote
from hostledger.ledger.selectors import balance_of
from hostledger.subscriptions.actions import (
    contract_notice_give,
    contract_termination_notice_give,
    contracts_renew,
    service_cancellation_carry_out,
    service_cancellation_withdraw,
    service_terminate,
)
from hostledger.subscriptions.models import Service, ServiceCancellation, ServiceStatus
from hostledger.subscriptions.selectors import cancellations_due
from tests.subscriptions.factories import TODAY, balance_entries, eur, fund, written_rows

pytestmark = pytest.mark.django_db

TERM_END = date(2028, 2, 29)  # a contract of 1 March 2027 runs to the leap day of 2028


def _service(place, client_record, **kwargs):
    fund(client_record, "12.28")
    return place(**kwargs).service


def test_a_new_contract_runs_one_term__ORD_08(place, client_record):
    service = _service(place, client_record)

    assert (service.contract_started_on, service.contract_ends_on) == (TODAY, TERM_END)
    assert (service.notice_kind, service.notice_given_at) == ("", None)


def test_notice_30_days_before_the_end_ends_the_contract_with_the_term__ORD_08(
    place, client_record
):
    service = _service(place, client_record)

    cancellation = contract_notice_give(
        service=service, party="client", actor=client_record.owner, today=date(2028, 1, 30)
    )

    assert (cancellation.kind, cancellation.party, cancellation.effective_on) == (
        "contract_notice",
        "client",
        date(2028, 3, 1),
    )
    service.refresh_from_db()
    assert (service.notice_kind, service.notice_party, service.notice_effective_on) == (
        "non_renewal",
        "client",
        date(2028, 3, 1),
    )
    assert service.notice_given_by == client_record.owner
    assert list(cancellations_due(today=date(2028, 3, 1))) == [cancellation]


def test_a_late_notice_ends_the_contract_with_the_following_term__ORD_08(place, client_record):
    service = _service(place, client_record)

    cancellation = contract_notice_give(
        service=service, party="client", actor=client_record.owner, today=date(2028, 1, 31)
    )  # 29 days before the end

    assert cancellation.effective_on == date(2029, 3, 1)  # after the term to 28 February 2029


def test_contracts_without_notice_renew_by_one_term_set_based__ORD_08(place, client_record, staff):
    plain = _service(place, client_record)
    in_time = _service(place, client_record)
    late = _service(place, client_record)
    ended = _service(place, client_record)
    contract_notice_give(
        service=in_time, party="client", actor=client_record.owner, today=date(2028, 1, 1)
    )
    contract_notice_give(service=late, party="provider", actor=staff, today=date(2028, 2, 20))
    service_terminate(service=ended, actor=staff, reason="Closed")

    assert contracts_renew(today=TERM_END) == 0  # the term has not ended yet
    assert contracts_renew(today=date(2028, 3, 1)) == 2
    assert contracts_renew(today=date(2028, 3, 1)) == 0

    ends = dict(Service.objects.values_list("pk", "contract_ends_on"))
    assert ends == {
        plain.pk: date(2029, 2, 28),
        in_time.pk: TERM_END,
        late.pk: date(2029, 2, 28),
        ended.pk: TERM_END,
    }
    # a run missed for two years catches up term by term; the late notice stops it after
    # its following term
    assert contracts_renew(today=date(2030, 3, 5)) == 2
    assert Service.objects.get(pk=plain.pk).contract_ends_on == date(2031, 2, 28)
    assert Service.objects.get(pk=late.pk).contract_ends_on == date(2029, 2, 28)


def test_either_party_terminates_with_a_month_notice_and_unused_days_come_back__ORD_08(
    place, run_hooks, client_record
):
    fund(client_record, "36.83")
    service = place(period_months=3).service  # 1 March to 31 May, 29.70 net

    cancellation = contract_termination_notice_give(
        service=service, party="client", actor=client_record.owner, today=TODAY
    )
    assert (cancellation.kind, cancellation.effective_on) == ("termination", date(2027, 4, 1))
    service.refresh_from_db()
    assert service.notice_kind == "termination"

    run_hooks(service_cancellation_carry_out, cancellation=cancellation, today=date(2027, 4, 1))

    # 1 April to 31 May, after the one-month minimum period: 29.70 * 61 / 92 = 19.69 net,
    # 4.73 VAT, 24.42 back
    service.refresh_from_db()
    assert service.status == ServiceStatus.TERMINATED
    assert CreditNote.objects.get().gross_minor == -2442
    assert balance_of(client_record) == eur("24.42")
    assert balance_entries(client_record) == [
        ("payment", 3683),
        ("charge", -3683),
        ("credit_note", 2442),
    ]


def test_a_withdrawn_notice_is_cleared_and_the_contract_renews__ORD_08(place, client_record):
    service = _service(place, client_record)
    cancellation = contract_notice_give(
        service=service, party="client", actor=client_record.owner, today=date(2028, 1, 1)
    )

    service_cancellation_withdraw(
        cancellation=cancellation, actor=client_record.owner, today=date(2028, 1, 2)
    )

    service.refresh_from_db()
    assert (service.notice_kind, service.notice_given_at, service.notice_effective_on) == (
        "",
        None,
        None,
    )
    assert contracts_renew(today=date(2028, 3, 1)) == 1


def test_bad_party_second_notice_and_staff_without_permission_are_refused__ORD_08(
    place, client_record, staff_without_permission
):
    service = _service(place, client_record)
    before = written_rows()

    with pytest.raises(DomainError) as refused:
        contract_notice_give(service=service, party="nobody", actor=client_record.owner)
    assert refused.value.fields == {"party": "client or provider"}
    with pytest.raises(PermissionDenied):
        contract_termination_notice_give(
            service=service, party="provider", actor=staff_without_permission
        )
    assert written_rows() == before

    contract_termination_notice_give(service=service, party="client", actor=client_record.owner)
    with pytest.raises(DomainError) as twice:
        contract_notice_give(service=service, party="client", actor=client_record.owner)
    assert twice.value.fields == {"service": "a cancellation is already requested"}
    assert ServiceCancellation.objects.filter(service=service).count() == 1
