"""A third party's claim gives the client 5 working days of the provider's calendar to act
before the disputed service is suspended (ABU-03, AUT-05; annex 10 §7)."""

from __future__ import annotations

from datetime import timedelta

from hostledger.abuse.actions import abuse_case_notify
from hostledger.abuse.intake import abuse_case_open
from hostledger.abuse.models import CaseStatus, Category, Source
from hostledger.core.registry import provider_setting_change
from hostledger.subscriptions.models import ServiceStatus
from tests.abuse.conftest import local


def _claim(at):
    return abuse_case_open(
        source=Source.STAFF,
        category=Category.THIRD_PARTY_CLAIM,
        text="The photos on shop.example.com are ours; we hold the copyright.",
        host_names=["shop.example.com"],
        now=at,
    )


def test_claim_waits_five_working_days_over_good_friday__ABU_03_AUT_05(
    hosted_service, abuse_staff, deadlines_at
):
    # Wednesday 24 March 2027, 10:00 in Tallinn. Good Friday (26 March) is a public holiday
    # in Estonia; the five working days are 25, 29, 30, 31 March and 1 April.
    notified = local(2027, 3, 24, 10)
    case = abuse_case_notify(case=_claim(notified), actor=abuse_staff, now=notified)
    assert case.suspend_due_at == local(2027, 4, 1, 10)

    assert deadlines_at(local(2027, 3, 31, 10)).suspended == 0
    assert deadlines_at(local(2027, 4, 1, 9, 59)).suspended == 0
    hosted_service.refresh_from_db()
    assert hosted_service.status == ServiceStatus.ACTIVE

    assert deadlines_at(local(2027, 4, 1, 10)).suspended == 1
    hosted_service.refresh_from_db()
    assert hosted_service.status == ServiceStatus.SUSPENDED
    case.refresh_from_db()
    assert case.status == CaseStatus.SUSPENDED
    assert deadlines_at(local(2027, 4, 1, 11)).suspended == 0


def test_claim_notified_on_friday_counts_from_monday__ABU_03(hosted_service, abuse_staff):
    notified = local(2027, 3, 5, 16)  # Friday
    case = abuse_case_notify(case=_claim(notified), actor=abuse_staff, now=notified)
    assert case.suspend_due_at == local(2027, 3, 12, 16)
    assert case.suspend_due_at - notified == timedelta(days=7)


def test_claim_working_days_are_a_provider_setting__ABU_03(hosted_service, abuse_staff):
    provider_setting_change(
        key="abuse.third_party_claim_working_days", raw_value="2", actor=None, reason="test"
    )
    notified = local(2027, 3, 4, 10)  # Thursday
    case = abuse_case_notify(case=_claim(notified), actor=abuse_staff, now=notified)
    assert case.suspend_due_at == local(2027, 3, 8, 10)
