"""The IP usage rule with a controlled clock: at least 25 % of the allocated addresses in use
at once and 50 % once the first year after allocation has passed (seed 003, annex 7 §5.5;
provider settings). The daily check warns the client, and once the 3 days to remedy have run
out proposes to staff reclaiming the addresses, which only staff confirm (SUP-06, AUT-06)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hostledger.accounts.selectors import client_access
from hostledger.automation.actions import decision_confirm, decision_reject
from hostledger.automation.models import AutomatedDecision
from hostledger.core.jobs import get_job, run_job_now
from hostledger.core.models import JobRun
from hostledger.core.registry import provider_setting_change
from hostledger.datacenter.actions import (
    ip_allocate,
    ip_pool_create,
    ip_usage_probe_record,
    ip_usage_report,
)
from hostledger.datacenter.models import AllocationStatus, IpAllocation
from hostledger.flows.ip_usage import ip_usage_check
from hostledger.notifications.models import Notification
from tests.subscriptions.conftest import IMMEDIATE_TASKS

pytestmark = pytest.mark.django_db

TALLINN = ZoneInfo("Europe/Tallinn")


def at(day: date, hour: int = 5) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=TALLINN)


@pytest.fixture
def allocation(staff, client_a, make_service, time_machine):
    time_machine.move_to(at(date(2027, 3, 1), 9), tick=False)
    pool = ip_pool_create(actor=staff, name="Tallinn v4", network="192.0.2.0/24")
    return ip_allocate(
        actor=staff, pool=pool, service=make_service(client_a), network="192.0.2.16/29"
    )


def check_on(time_machine, day: date):
    time_machine.move_to(at(day), tick=False)
    return ip_usage_check()


def report(allocation, in_use: int):
    owner = allocation.client.owner
    return ip_usage_report(
        access=client_access(owner, None),
        actor=owner,
        allocation=allocation,
        addresses_in_use=in_use,
    )


def warnings_of(allocation) -> list[Notification]:
    return list(Notification.objects.filter(event="ip_usage_below_minimum").order_by("id"))


def reclaim_decisions() -> list[AutomatedDecision]:
    return list(
        AutomatedDecision.objects.filter(kind=AutomatedDecision.Kind.RECLAIM_IP_ADDRESSES).order_by(
            "id"
        )
    )


def test_under_a_quarter_in_use_warns_then_proposes_reclaiming_after_three_days__SUP_06_AUT_06(
    staff, allocation, time_machine
):
    report(allocation, 1)  # 1 of 8 = 12.5 %
    first = check_on(time_machine, date(2027, 3, 2))
    assert (first.checked, first.warned, first.proposed) == (1, 1, 0)
    (warning,) = warnings_of(allocation)
    assert warning.client_id == allocation.client_id
    assert warning.service_id == allocation.service_id
    assert warning.on_date == date(2027, 3, 5)
    assert warning.context == {
        "network": "192.0.2.16/29",
        "addresses_in_use": 1,
        "addresses_allocated": 8,
        "required_percent": 25,
    }
    again = check_on(time_machine, date(2027, 3, 4))  # still within the 3 days
    assert (again.warned, again.proposed) == (0, 0)
    assert len(warnings_of(allocation)) == 1 and reclaim_decisions() == []

    due = check_on(time_machine, date(2027, 3, 5))
    assert due.proposed == 1
    (decision,) = reclaim_decisions()
    assert decision.state == AutomatedDecision.State.PROPOSED
    assert decision.automatic is False
    assert decision.client_id == allocation.client_id
    assert decision.service_id == allocation.service_id
    assert decision.inputs["network"] == "192.0.2.16/29"
    assert decision.inputs["addresses_in_use"] == 1
    assert decision.inputs["required_percent"] == 25
    assert decision.inputs["remedy_by"] == "2027-03-05"
    assert check_on(time_machine, date(2027, 3, 6)).proposed == 0
    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.ACTIVE, "never reclaimed without staff"

    applied = decision_confirm(decision=decision, actor=staff, note="Unused for a week.")
    assert applied.state == AutomatedDecision.State.APPLIED
    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.RELEASED
    assert "Reclaimed" in allocation.release_reason


def test_a_quarter_is_enough_in_the_first_year_and_half_is_due_after_it__SUP_06(
    allocation, time_machine
):
    report(allocation, 2)  # 25 %
    assert check_on(time_machine, date(2027, 3, 2)).warned == 0
    assert check_on(time_machine, date(2028, 2, 29)).warned == 0, "the year is not over"
    after_a_year = check_on(time_machine, date(2028, 3, 1))
    assert after_a_year.warned == 1
    (warning,) = warnings_of(allocation)
    assert warning.context["required_percent"] == 50
    ip_usage_probe_record(
        allocation=IpAllocation.objects.get(pk=allocation.pk),
        addresses_seen=[f"192.0.2.{host}" for host in (17, 18, 19, 20)],
    )
    cleared = check_on(time_machine, date(2028, 3, 2))
    assert (cleared.cleared, cleared.proposed) == (1, 0)
    assert IpAllocation.objects.get(pk=allocation.pk).warned_at is None
    assert check_on(time_machine, date(2028, 3, 10)).proposed == 0
    assert reclaim_decisions() == []


def test_the_shares_and_the_time_to_remedy_are_provider_settings__SUP_06(allocation, time_machine):
    report(allocation, 1)
    provider_setting_change(key="datacenter.ip_usage_at_once_percent", raw_value="10")
    assert check_on(time_machine, date(2027, 3, 2)).warned == 0
    provider_setting_change(key="datacenter.ip_usage_at_once_percent", raw_value="25")
    provider_setting_change(key="datacenter.ip_usage_remedy_days", raw_value="7")
    assert check_on(time_machine, date(2027, 3, 3)).warned == 1
    assert warnings_of(allocation)[0].on_date == date(2027, 3, 10)
    assert check_on(time_machine, date(2027, 3, 9)).proposed == 0
    assert check_on(time_machine, date(2027, 3, 10)).proposed == 1


def test_a_decision_whose_addresses_came_into_use_lapses_and_nothing_is_reclaimed__SUP_06(
    staff, allocation, time_machine
):
    report(allocation, 0)
    check_on(time_machine, date(2027, 3, 2))
    check_on(time_machine, date(2027, 3, 5))
    (decision,) = reclaim_decisions()
    report(allocation, 6)
    lapsed = decision_confirm(decision=decision, actor=staff)
    assert lapsed.state == AutomatedDecision.State.LAPSED
    assert IpAllocation.objects.get(pk=allocation.pk).status == AllocationStatus.ACTIVE


def test_staff_may_reject_a_proposed_reclaim__SUP_06_AUT_06(staff, allocation, time_machine):
    report(allocation, 0)
    check_on(time_machine, date(2027, 3, 2))
    check_on(time_machine, date(2027, 3, 5))
    (decision,) = reclaim_decisions()
    rejected = decision_reject(decision=decision, actor=staff, note="Addresses for a new rack.")
    assert rejected.state == AutomatedDecision.State.REJECTED
    assert IpAllocation.objects.get(pk=allocation.pk).status == AllocationStatus.ACTIVE


def test_ipv6_allocations_are_not_measured_in_addresses__SUP_06(
    staff, client_a, make_service, time_machine
):
    time_machine.move_to(at(date(2027, 3, 1), 9), tick=False)
    pool = ip_pool_create(actor=staff, name="v6", network="2001:db8::/48")
    ip_allocate(actor=staff, pool=pool, service=make_service(client_a), network="2001:db8::/64")
    assert check_on(time_machine, date(2028, 6, 1)).checked == 0
    assert warnings_of(None) == []


def test_the_check_is_a_daily_job__SUP_06(
    staff, allocation, time_machine, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE_TASKS
    job = get_job("datacenter.ip_usage_check")
    assert job.every == timedelta(days=1)
    report(allocation, 1)
    time_machine.move_to(at(date(2027, 3, 2)), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        run = run_job_now("datacenter.ip_usage_check", actor=staff)
    run = JobRun.objects.get(pk=run.pk)
    assert run.counts["warned"] == 1, run.error
