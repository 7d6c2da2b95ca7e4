"""What staff do on a case besides the deadlines (ABU-01, ABU-02, AUT-06): link a service of
the case's client (never another client's), and ask for the termination proposal of a
suspended case only once the 20 days of 003 §7.5 have passed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hostledger.abuse.actions import abuse_case_notify, abuse_case_service_link
from hostledger.abuse.deadlines import abuse_termination_propose_now
from hostledger.abuse.intake import abuse_case_open
from hostledger.abuse.models import AbuseCase, Category, Source
from hostledger.automation.models import AutomatedDecision
from hostledger.core.errors import DomainError, PermissionDenied
from tests.abuse.conftest import local


def _unlinked(at=None):
    return abuse_case_open(
        source=Source.STAFF, category=Category.SPAM, text="Spam.", now=at or local(2027, 3, 2)
    )


def test_linking_a_service_gives_the_case_its_client__ABU_01(hosted_service, abuse_staff):
    case = abuse_case_service_link(
        case=_unlinked(), actor=abuse_staff, service_public_id=hosted_service.public_id
    )
    assert case.client_id == hosted_service.client_id
    assert case.services.get().matched_by == "staff"


def test_another_clients_service_is_refused_and_nothing_changes__ABU_01(
    hosted_service, abuse_staff, other_client
):
    case = abuse_case_open(
        source=Source.STAFF, category=Category.SPAM, text="Spam.", client=other_client
    )
    with pytest.raises(DomainError) as refused:
        abuse_case_service_link(
            case=case, actor=abuse_staff, service_public_id=hosted_service.public_id
        )
    assert refused.value.fields == {"service": "of another client"}
    assert not case.services.exists()


def test_staff_without_abuse_manage_cannot_act__ABU_01(hosted_service, staff):
    case = _unlinked()
    with pytest.raises(PermissionDenied):
        abuse_case_service_link(case=case, actor=staff, service_public_id=hosted_service.public_id)


def test_termination_is_proposed_by_staff_only_after_the_term__ABU_02_AUT_06(
    hosted_service, abuse_staff, deadlines_at
):
    opened = local(2027, 3, 2, 9)
    case = abuse_case_open(
        source=Source.STAFF,
        category=Category.RESOURCE_OVERUSE,
        text="CPU at 100 %.",
        host_names=["shop.example.com"],
        now=opened,
    )
    with pytest.raises(DomainError) as refused:
        abuse_termination_propose_now(case=case, actor=abuse_staff, now=opened)
    assert refused.value.code == "case_not_suspended"
    abuse_case_notify(case=case, actor=abuse_staff, now=opened)
    deadlines_at(opened + timedelta(days=2))
    with pytest.raises(DomainError) as refused:
        abuse_termination_propose_now(case=case, actor=abuse_staff, now=opened + timedelta(days=19))
    assert refused.value.code == "too_early"
    assert not AutomatedDecision.objects.exists()

    case = abuse_termination_propose_now(
        case=case, actor=abuse_staff, now=opened + timedelta(days=20, minutes=1)
    )
    decision = AutomatedDecision.objects.get()
    assert case.termination_decision_id == decision.pk
    assert (decision.kind, decision.state, decision.service_id) == (
        AutomatedDecision.Kind.TERMINATE_FOR_ABUSE,
        AutomatedDecision.State.PROPOSED,
        hosted_service.pk,
    )
    assert deadlines_at(opened + timedelta(days=21)).terminations_proposed == 0
    assert AbuseCase.objects.get(pk=case.pk).status == "suspended"
