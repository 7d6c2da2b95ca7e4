"""Deadlines of a violation notified to the client (ABU-02): suspension after the hours of
its category unless remedied, a termination proposal for staff after 20 days (003 §7.5,
AUT-06), and lifting the case resumes what it suspended (annex 10 §5). The clock is moved
with time-machine; the job is run before and after each deadline."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hostledger.abuse.actions import (
    abuse_case_answer,
    abuse_case_lift,
    abuse_case_notify,
    abuse_remedy_reject,
)
from hostledger.abuse.intake import abuse_case_open
from hostledger.abuse.models import AbuseCase, AbuseCaseEvent, CaseStatus, Category, Source
from hostledger.abuse.services import services_by_ip_address
from hostledger.automation.actions import decision_confirm
from hostledger.automation.models import AutomatedDecision
from hostledger.core.errors import DomainError
from hostledger.core.registry import provider_setting_change
from hostledger.datacenter.actions import ip_allocate, ip_pool_create
from hostledger.notifications.events import SERVICE_SUSPENDED_BY_STAFF
from hostledger.notifications.models import Notification
from hostledger.subscriptions.actions import service_suspend
from hostledger.subscriptions.models import ServiceStatus
from tests.abuse.conftest import local


def _open(category, *, at, host="www.shop.example.com"):
    return abuse_case_open(
        source=Source.STAFF,
        category=category,
        text="Your customer's server sends spam to our users.",
        host_names=[host],
        now=at,
    )


def _status(service):
    service.refresh_from_db()
    return service.status


def test_resource_overuse_is_suspended_24_hours_after_notice__ABU_02(
    hosted_service, abuse_staff, deadlines_at, time_machine
):
    opened = local(2027, 3, 2, 9)
    time_machine.move_to(opened, tick=False)
    case = _open(Category.RESOURCE_OVERUSE, at=opened)
    assert case.client_id == hosted_service.client_id
    assert list(case.services.values_list("service_id", flat=True)) == [hosted_service.pk]
    notified = local(2027, 3, 2, 10)
    case = abuse_case_notify(case=case, actor=abuse_staff, now=notified)
    assert case.suspend_due_at == notified + timedelta(hours=24)
    assert Notification.objects.filter(key=f"abuse_case_notified:{case.public_id}").exists()

    counts = deadlines_at(notified + timedelta(hours=23, minutes=59))
    assert counts.suspended == 0
    assert _status(hosted_service) == ServiceStatus.ACTIVE

    counts = deadlines_at(notified + timedelta(hours=24))
    assert (counts.suspended, counts.services_suspended) == (1, 1)
    assert _status(hosted_service) == ServiceStatus.SUSPENDED
    case.refresh_from_db()
    assert case.status == CaseStatus.SUSPENDED
    assert Notification.objects.filter(
        key=f"abuse_services_suspended:{case.public_id}", client=hosted_service.client
    ).exists()
    # The abuse notice is the client's one message about it, not also the general one.
    assert not Notification.objects.filter(
        client=hosted_service.client, key__startswith=f"{SERVICE_SUSPENDED_BY_STAFF}:"
    ).exists()

    again = deadlines_at(notified + timedelta(hours=25))
    assert again.suspended == 0
    assert AbuseCaseEvent.objects.filter(case=case, kind="suspended").count() == 1


def test_spam_gets_three_days_and_the_setting_changes_it__ABU_02(
    hosted_service, abuse_staff, deadlines_at
):
    notified = local(2027, 3, 3, 12)
    case = abuse_case_notify(
        case=_open(Category.SPAM, at=notified), actor=abuse_staff, now=notified
    )
    assert case.suspend_due_at == notified + timedelta(hours=72)
    assert deadlines_at(notified + timedelta(hours=71)).suspended == 0
    assert deadlines_at(notified + timedelta(hours=72)).suspended == 1

    provider_setting_change(key="abuse.grace_hours_spam", raw_value="12", actor=None, reason="t")
    second = _open(Category.SPAM, at=notified, host="shop.example.com")
    second = abuse_case_notify(case=second, actor=abuse_staff, now=notified)
    assert second.suspend_due_at == notified + timedelta(hours=12)


def test_claimed_remedy_holds_the_deadline_and_lifting_resumes__ABU_02(
    hosted_service, abuse_staff, deadlines_at
):
    notified = local(2027, 3, 2, 10)
    case = abuse_case_notify(
        case=_open(Category.SECURITY_THREAT, at=notified), actor=abuse_staff, now=notified
    )
    abuse_case_answer(
        case=case,
        client=hosted_service.client,
        author=hosted_service.client.owner,
        text="We removed the malware and changed every password.",
        remedied=True,
        now=notified + timedelta(hours=5),
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.REMEDY_CLAIMED
    assert case.lift_due_at == notified + timedelta(hours=29)
    assert deadlines_at(notified + timedelta(hours=30)).suspended == 0
    assert _status(hosted_service) == ServiceStatus.ACTIVE

    abuse_remedy_reject(
        case=case, actor=abuse_staff, note="Still scanning.", now=notified + timedelta(hours=31)
    )
    assert deadlines_at(notified + timedelta(hours=32)).suspended == 1
    assert _status(hosted_service) == ServiceStatus.SUSPENDED

    abuse_case_lift(case=case, actor=abuse_staff, note="Clean scan attached.")
    case.refresh_from_db()
    assert case.status == CaseStatus.RESOLVED
    assert _status(hosted_service) == ServiceStatus.ACTIVE
    assert Notification.objects.filter(key=f"abuse_case_lifted:{case.public_id}").exists()


def test_unremedied_after_20_days_proposes_termination_for_staff__ABU_02_AUT_06(
    hosted_service, abuse_staff, staff, deadlines_at, run_hooks
):
    opened = local(2027, 3, 2, 9)
    case = _open(Category.PROHIBITED_CONTENT, at=opened)
    assert case.terminate_due_at == opened + timedelta(days=20)
    abuse_case_notify(case=case, actor=abuse_staff, now=opened + timedelta(hours=1))
    deadlines_at(opened + timedelta(days=4))
    assert _status(hosted_service) == ServiceStatus.SUSPENDED

    assert deadlines_at(opened + timedelta(days=19, hours=23)).terminations_proposed == 0
    counts = deadlines_at(opened + timedelta(days=20))
    assert counts.terminations_proposed == 1
    decision = AutomatedDecision.objects.get(kind=AutomatedDecision.Kind.TERMINATE_FOR_ABUSE)
    assert decision.state == AutomatedDecision.State.PROPOSED
    assert decision.automatic is False
    assert decision.service_id == hosted_service.pk
    assert decision.inputs["abuse_case"] == case.public_id
    assert _status(hosted_service) == ServiceStatus.SUSPENDED, "never terminated by the job"
    assert deadlines_at(opened + timedelta(days=21)).terminations_proposed == 0

    run_hooks(decision_confirm, decision=decision, actor=staff)
    assert _status(hosted_service) == ServiceStatus.TERMINATED


def test_lifting_lapses_a_waiting_termination_proposal__ABU_02_AUT_06(
    hosted_service, abuse_staff, deadlines_at
):
    opened = local(2027, 3, 2, 9)
    case = _open(Category.SPAM, at=opened)
    abuse_case_notify(case=case, actor=abuse_staff, now=opened)
    deadlines_at(opened + timedelta(days=20))
    decision = AutomatedDecision.objects.get(kind=AutomatedDecision.Kind.TERMINATE_FOR_ABUSE)
    abuse_case_lift(case=AbuseCase.objects.get(pk=case.pk), actor=abuse_staff)
    decision.refresh_from_db()
    assert decision.state == AutomatedDecision.State.LAPSED
    assert _status(hosted_service) == ServiceStatus.ACTIVE


def test_a_service_already_suspended_for_debt_is_not_resumed_by_a_lift__ABU_02(
    hosted_service, abuse_staff, deadlines_at, staff, run_hooks
):
    run_hooks(service_suspend, service=hosted_service, actor=staff, reason="Staff hold.")
    opened = local(2027, 3, 2, 9)
    case = _open(Category.SPAM, at=opened)
    abuse_case_notify(case=case, actor=abuse_staff, now=opened)
    deadlines_at(opened + timedelta(days=3))
    abuse_case_lift(case=AbuseCase.objects.get(pk=case.pk), actor=abuse_staff)
    assert _status(hosted_service) == ServiceStatus.SUSPENDED


def test_a_reported_ip_address_finds_the_service_it_is_allocated_to__ABU_01_SUP_06(
    hosted_service, staff
):
    pool = ip_pool_create(actor=staff, name="Tallinn v4", network="192.0.2.0/24")
    ip_allocate(actor=staff, pool=pool, service=hosted_service, network="192.0.2.8/29")

    assert services_by_ip_address("192.0.2.10") == [hosted_service]
    case = abuse_case_open(
        source=Source.STAFF, category=Category.SPAM, text="x", ip_addresses=["192.0.2.10"]
    )
    assert case.client_id == hosted_service.client_id
    assert case.reported_ip == "192.0.2.10"
    # An address allocated to nobody, and text that is no address, find nothing.
    assert services_by_ip_address("192.0.2.200") == []
    assert services_by_ip_address("not an address") == []
    unknown = abuse_case_open(
        source=Source.STAFF, category=Category.SPAM, text="x", ip_addresses=["192.0.2.200"]
    )
    assert unknown.client_id is None


def test_notifying_without_a_client_is_refused_and_changes_nothing__ABU_02(abuse_staff, db):
    case = abuse_case_open(source=Source.STAFF, category=Category.SPAM, text="x")
    with pytest.raises(DomainError) as refused:
        abuse_case_notify(case=case, actor=abuse_staff)
    assert refused.value.code == "no_client"
    case.refresh_from_db()
    assert (case.status, case.notified_at) == (CaseStatus.NEW, None)
