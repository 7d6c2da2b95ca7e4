"""Interruptions count from staff confirmation to restoration and earn the compensation of
the month through the SLA table, credited once in the month after and capped by the previous
month's charges (SUP-03, BIL-09)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from hostledger.core.errors import DomainError, PermissionDenied
from hostledger.core.registry import provider_setting_change
from hostledger.incidents.actions import (
    compensations_grant,
    interruption_confirm,
    interruption_reject,
    interruption_report,
    interruption_restore,
)
from hostledger.incidents.models import Interruption, InterruptionCompensation
from hostledger.ledger.models import LedgerTransaction
from hostledger.notifications.models import Notification
from hostledger.notifications.rendering import render_notification
from tests.incidents.conftest import at
from tests.subscriptions.factories import balance_entries, fund


def _outage(service, staff, clock, *, reported, confirmed, restored):
    clock(reported)
    interruption = interruption_report(
        client=service.client,
        service=service,
        description="Server does not answer ping since 08:55.",
        actor=service.client.owner,
    )
    clock(confirmed)
    interruption_confirm(interruption=interruption, actor=staff)
    clock(restored)
    return interruption_restore(interruption=interruption, actor=staff)


def test_twelve_confirmed_hours_earn_a_quarter_of_the_month_once_SUP_03_BIL_09(
    active_service, staff, clock
):
    """12 hours confirmed in March (744 hours) leave 98.3870 % availability: the default
    table's 95 % band, 25 % of March's charge of 12.28 (9.90 + 24 % VAT) = 3.07, credited on
    the first run in April and never again. The hour between report and confirmation does not
    count."""
    service = active_service()
    interruption = _outage(
        service,
        staff,
        clock,
        reported=at(date(2027, 3, 10), 9),
        confirmed=at(date(2027, 3, 10), 10),
        restored=at(date(2027, 3, 10), 22),
    )
    assert interruption.status == "restored"
    assert (interruption.restored_at - interruption.confirmed_at).total_seconds() == 12 * 3600

    clock(at(date(2027, 3, 31), 23, 30))
    assert compensations_grant() == 0  # March has not ended

    clock(at(date(2027, 4, 1), 0, 30))
    assert compensations_grant() == 1
    row = InterruptionCompensation.objects.get(service=service)
    assert row.month == date(2027, 3, 1)
    assert row.downtime_seconds == 12 * 3600
    assert row.availability_percent == Decimal("98.3870")
    assert row.percent == Decimal("25")
    assert (row.charge_minor, row.computed_minor, row.granted_minor) == (1228, 307, 307)
    assert balance_entries(service.client)[-1] == ("credit", 307)

    assert compensations_grant() == 0
    clock(at(date(2027, 4, 2), 8))
    assert compensations_grant() == 0
    assert InterruptionCompensation.objects.count() == 1
    assert LedgerTransaction.objects.filter(kind="credit").count() == 1


def test_compensation_is_capped_by_the_previous_months_charges_BIL_09(active_service, staff, clock):
    """With the cap at 50 % of the previous month's charges, a computed 100 % of 12.28 is
    granted as 6.14; the row keeps both."""
    provider_setting_change(key="incidents.sla_table", raw_value="99.9=0; 0=100")
    provider_setting_change(key="ledger.compensation_cap_percent", raw_value="50")
    service = active_service()
    _outage(
        service,
        staff,
        clock,
        reported=at(date(2027, 3, 20), 9),
        confirmed=at(date(2027, 3, 20), 9, 15),
        restored=at(date(2027, 3, 21), 9, 15),
    )
    clock(at(date(2027, 4, 1), 3))
    compensations_grant()
    row = InterruptionCompensation.objects.get(service=service)
    assert (row.computed_minor, row.granted_minor) == (1228, 614)
    assert row.was_capped
    assert balance_entries(service.client)[-1] == ("credit", 614)


def test_an_interruption_across_the_month_end_counts_in_each_month_SUP_03(
    active_service, staff, clock
):
    """Confirmed 31 March 20:00, restored 1 April 04:00 (Tallinn): 4 hours in March, 4 in
    April; March is compensated in April, April in May, each once."""
    provider_setting_change(key="incidents.sla_table", raw_value="99.9=0; 99=10; 0=100")
    service = active_service()
    _outage(
        service,
        staff,
        clock,
        reported=at(date(2027, 3, 31), 19),
        confirmed=at(date(2027, 3, 31), 20),
        restored=at(date(2027, 4, 1), 4),
    )
    clock(at(date(2027, 4, 1), 5))
    compensations_grant()
    march = InterruptionCompensation.objects.get(service=service, month=date(2027, 3, 1))
    assert march.downtime_seconds == 4 * 3600
    assert march.percent == Decimal("10")
    assert march.granted_minor == 123  # 10 % of 12.28, half up
    clock(at(date(2027, 5, 1), 5))
    compensations_grant()
    april = InterruptionCompensation.objects.get(service=service, month=date(2027, 4, 1))
    assert april.downtime_seconds == 4 * 3600
    assert april.charge_minor == 0  # nothing was paid for April: nothing to compensate
    assert april.granted_minor == 0


def test_a_rejected_report_counts_nothing_and_keeps_the_reason_SUP_03(active_service, staff, clock):
    service = active_service()
    clock(at(date(2027, 3, 5), 9))
    interruption = interruption_report(
        client=service.client, service=service, description="Slow.", actor=service.client.owner
    )
    with pytest.raises(DomainError) as refused:
        interruption_reject(interruption=interruption, reason="  ", actor=staff)
    assert refused.value.fields == {"reason": "required"}
    interruption_reject(
        interruption=interruption, reason="Our monitoring saw no outage.", actor=staff
    )
    stored = Interruption.objects.get(pk=interruption.pk)
    assert stored.status == "rejected"
    assert stored.rejection_reason == "Our monitoring saw no outage."
    # The client is told, with the reason, in its language.
    told = Notification.objects.get(event="interruption_rejected", client=service.client)
    for language, words in (("en", "could not confirm"), ("et", "kinnitada"), ("ru", "не")):
        rendered = render_notification(told, language=language)
        assert words in rendered.subject
        assert "Our monitoring saw no outage." in rendered.body
    with pytest.raises(DomainError):
        interruption_confirm(interruption=stored, actor=staff)
    clock(at(date(2027, 4, 1), 5))
    assert compensations_grant() == 0


def test_confirmation_sets_the_fix_term_in_working_days_SUP_03(active_service, staff, clock):
    """Confirmed on Thursday 25 March 2027: Good Friday (26 March) is a public holiday in
    Estonia, so five working days later is Friday 2 April."""
    service = active_service()
    clock(at(date(2027, 3, 25), 9))
    interruption = interruption_report(
        client=service.client, service=service, description="Down.", actor=service.client.owner
    )
    confirmed = interruption_confirm(interruption=interruption, actor=staff)
    assert confirmed.fix_due_on == date(2027, 4, 2)


def test_reports_are_refused_for_another_clients_service_and_twice_SUP_03(
    active_service, other_client, staff, staff_without_permission, clock
):
    service = active_service()
    with pytest.raises(DomainError) as foreign:
        interruption_report(
            client=other_client, service=service, description="x", actor=other_client.owner
        )
    assert foreign.value.fields == {"service": "unknown"}
    first = interruption_report(
        client=service.client, service=service, description="Down.", actor=service.client.owner
    )
    with pytest.raises(DomainError) as twice:
        interruption_report(
            client=service.client, service=service, description="Down!", actor=service.client.owner
        )
    assert twice.value.code == "interruption_open"
    with pytest.raises(PermissionDenied):
        interruption_confirm(interruption=first, actor=staff_without_permission)
    assert Interruption.objects.get().status == "reported"


def test_the_client_is_told_of_the_confirmation_and_of_the_resumption_SUP_03(
    active_service, staff, clock
):
    """The count ends with the notice of resumption (§3.2): both messages are queued in the
    transactions that start and stop the count, once each."""
    service = active_service()
    interruption = _outage(
        service,
        staff,
        clock,
        reported=at(date(2027, 3, 10), 9),
        confirmed=at(date(2027, 3, 10), 10),
        restored=at(date(2027, 3, 10), 22),
    )
    told = Notification.objects.filter(client=service.client, event__startswith="interruption_")
    assert sorted(told.values_list("event", "key")) == [
        ("interruption_confirmed", f"interruption_confirmed:{interruption.public_id}"),
        ("interruption_restored", f"interruption_restored:{interruption.public_id}"),
    ]
    restored = told.get(event="interruption_restored")
    for language, words in (("en", "works again"), ("et", "töötab taas"), ("ru", "снова")):
        assert words in render_notification(restored, language=language).subject


def test_the_billing_run_credits_the_compensation_before_it_charges_the_next_period_BIL_09(
    active_service, staff, clock, run_as_of
):
    """12 confirmed hours in March earn 3.07. The balance holds 9.21 and April's renewal of
    12.28 (9.90 + VAT) is issued on 1 April and due that day: the run of 1 April credits the
    3.07 first, so the balance pays the renewal, nothing is left and the service runs on; a
    second run changes nothing."""
    provider_setting_change(key="automation.renewal_invoice_days_ahead", raw_value="0")
    service = active_service()
    fund(service.client, "9.21")
    _outage(
        service,
        staff,
        clock,
        reported=at(date(2027, 3, 10), 9),
        confirmed=at(date(2027, 3, 10), 10),
        restored=at(date(2027, 3, 10), 22),
    )
    counts = run_as_of(date(2027, 4, 1))
    assert counts["compensations"] == 1
    entries = balance_entries(service.client)
    assert entries[-2:] == [("credit", 307), ("charge", -1228)]
    assert sum(amount for _, amount in entries) == 0
    service.refresh_from_db()
    assert (service.status, service.paid_through) == ("active", date(2027, 4, 30))
    assert run_as_of(date(2027, 4, 1)).get("compensations", 0) == 0
    assert InterruptionCompensation.objects.get().granted_minor == 307


def test_a_service_awaiting_payment_cannot_be_reported_SUP_03(place, client_record):
    unpaid = place().services.get()
    assert unpaid.status == "pending"
    with pytest.raises(DomainError) as refused:
        interruption_report(
            client=client_record, service=unpaid, description="Down.", actor=client_record.owner
        )
    assert refused.value.fields == {"service": "pending"}
    assert not Interruption.objects.exists()
