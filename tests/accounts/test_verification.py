"""Data verification requests (ACC-10, 003 §2.2.9): unanswered after 3 calendar days the client
cannot order or upgrade; the restriction lifts on acceptance or 3 working days after the
answer; 10 days unanswered make the contract terminable.

The clock is set explicitly: the request is opened on Monday 1 March 2027 at 10:00 Tallinn
time, so the answer is due by Thursday 4 March and the client is restricted from Friday
5 March; the contract is terminable from Thursday 11 March.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.db import connection

from hostledger.accounts import permissions as perms
from hostledger.accounts.actions import (
    verification_deadlines_apply,
    verification_request_accept,
    verification_request_answer,
    verification_request_open,
    verification_request_reject,
    verification_request_withdraw,
    verification_termination_candidates,
)
from hostledger.accounts.models import VerificationRequest
from hostledger.accounts.selectors import client_is_restricted
from hostledger.core.errors import DomainError, PermissionDenied
from hostledger.core.models import AuditEvent
from hostledger.core.registry import provider_setting_change
from hostledger.notifications.models import Notification
from hostledger.subscriptions.actions import order_place, service_plan_change
from hostledger.subscriptions.models import ServiceStatus
from tests.subscriptions.factories import (
    build_catalog,
    fund,
    new_client,
    new_payer,
    new_staff,
    written_rows,
)

pytestmark = pytest.mark.django_db

MONDAY = date(2027, 3, 1)


def at(day: int, hour: int = 8) -> datetime:
    """``hour`` UTC on ``day`` March 2027 (two hours later in Tallinn)."""
    return datetime(2027, 3, day, hour, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _clock(time_machine):
    """Monday 1 March 2027, 10:00 in Tallinn, unless an action is given ``now``."""
    time_machine.move_to(at(1), tick=True)


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = {
        "default": {
            "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }


@pytest.fixture
def client_record():
    return new_client()


@pytest.fixture
def payer(client_record):
    return new_payer(client_record)


@pytest.fixture
def verifier():
    """Staff who may correct clients' data and so open and decide verification requests."""
    return new_staff(perms.CLIENTS_VIEW, perms.CLIENTS_EDIT)


@pytest.fixture
def shop():
    return build_catalog()


def open_request(client, verifier, *, question="Please confirm your street address."):
    return verification_request_open(client=client, question=question, actor=verifier, now=at(1))


def place(shop, client, payer, today: date):
    return order_place(
        client=client,
        payer=payer,
        tariff=shop.vps_start,
        period_months=1,
        os_image=shop.debian,
        start_at_once=True,  # the consumer asks for an early start (ORD-07)
        actor=client.owner,
        today=today,
    )


def messages_of(client, event: str) -> list[str]:
    return list(
        Notification.objects.filter(client=client, event=event)
        .order_by("id")
        .values_list("key", flat=True)
    )


def test_opening_sets_the_deadlines_and_emails_the_question__ACC_10(client_record, verifier):
    request = open_request(client_record, verifier)

    assert request.public_id.startswith("vrq_")
    assert (request.state, request.round) == ("open", 1)
    assert (request.opened_on, request.answer_due_on, request.terminable_on) == (
        MONDAY,
        date(2027, 3, 4),
        date(2027, 3, 11),
    )
    message = Notification.objects.get(client=client_record)
    assert message.key == f"verification_requested:{request.public_id}:1"
    assert (message.event, message.on_date) == ("verification_requested", date(2027, 3, 4))
    assert message.context["question"] == "Please confirm your street address."
    event = AuditEvent.objects.get(action="verification_request.opened")
    assert (event.actor_id, event.subject_client_id) == (verifier.pk, client_record.pk)


def test_unanswered_for_three_days_restricts_and_refuses_orders__ACC_10(
    client_record, payer, verifier, shop
):
    request = open_request(client_record, verifier)

    assert not client_is_restricted(client_record, on=date(2027, 3, 4))  # the last day
    assert client_is_restricted(client_record, on=date(2027, 3, 5))
    counts = verification_deadlines_apply(as_of=at(4))
    assert counts == {"restricted": 0, "overdue_notices": 0, "lifted": 0}
    counts = verification_deadlines_apply(as_of=at(5))
    assert counts == {"restricted": 1, "overdue_notices": 1, "lifted": 0}
    request.refresh_from_db()
    assert request.restricted_at == at(5)
    assert messages_of(client_record, "verification_overdue") == [
        f"verification_overdue:{request.public_id}:1"
    ]

    before = written_rows()
    with pytest.raises(DomainError) as refused:
        place(shop, client_record, payer, date(2027, 3, 5))
    assert refused.value.code == "verification_pending"
    assert set(refused.value.fields) == {"client"}
    assert written_rows() == before

    # Another client orders as usual.
    other = new_client()
    assert place(shop, other, new_payer(other), date(2027, 3, 5)).status == "placed"


def test_a_restricted_client_cannot_upgrade_but_may_downgrade__ACC_10(
    client_record, payer, verifier, shop
):
    fund(client_record, "60.00")
    service = place(shop, client_record, payer, MONDAY).services.get()
    service.refresh_from_db()
    assert service.status in (ServiceStatus.PROVISIONING, ServiceStatus.ACTIVE)
    open_request(client_record, verifier)

    before = written_rows()
    with pytest.raises(DomainError) as refused:
        service_plan_change(
            service=service,
            tariff=shop.vps_large,
            actor=client_record.owner,
            today=date(2027, 3, 5),
        )
    assert refused.value.code == "verification_pending"
    assert written_rows() == before

    # An upgrade before the deadline goes through (paid from the balance); a downgrade
    # while restricted too.
    upgrade = service_plan_change(
        service=service, tariff=shop.vps_large, actor=client_record.owner, today=date(2027, 3, 4)
    )
    assert (upgrade.direction, upgrade.state) == ("upgrade", "applied")
    service.refresh_from_db()
    downgrade = service_plan_change(
        service=service, tariff=shop.vps_start, actor=client_record.owner, today=date(2027, 3, 5)
    )
    assert (downgrade.direction, downgrade.state) == ("downgrade", "applied")


def test_accepting_the_answer_lifts_the_restriction_at_once__ACC_10(
    client_record, payer, verifier, shop
):
    request = open_request(client_record, verifier)
    verification_deadlines_apply(as_of=at(5))
    answered = verification_request_answer(
        request=request, answer="Pikk 1, Tartu", actor=client_record.owner, now=at(5, 9)
    )
    assert (answered.state, answered.answered_on, answered.lift_due_on) == (
        "answered",
        date(2027, 3, 5),
        date(2027, 3, 10),  # Friday + 3 working days: Monday, Tuesday, Wednesday
    )
    assert client_is_restricted(client_record, on=date(2027, 3, 5))

    accepted = verification_request_accept(request=request, actor=verifier, now=at(5, 10))

    assert accepted.state == "accepted"
    assert (accepted.resolved_at, accepted.resolved_by) == (at(5, 10), verifier)
    assert accepted.restriction_lifted_at == at(5, 10)
    assert not client_is_restricted(client_record, on=date(2027, 3, 5))
    assert place(shop, client_record, payer, date(2027, 3, 5)).status == "placed"


def test_without_a_decision_the_restriction_lifts_three_working_days_after_the_answer__ACC_10(
    client_record, verifier
):
    request = open_request(client_record, verifier)
    verification_deadlines_apply(as_of=at(5))
    verification_request_answer(
        request=request, answer="Pikk 1, Tartu", actor=client_record.owner, now=at(5, 9)
    )

    assert client_is_restricted(client_record, on=date(2027, 3, 9))
    assert verification_deadlines_apply(as_of=at(9))["lifted"] == 0
    assert not client_is_restricted(client_record, on=date(2027, 3, 10))
    assert verification_deadlines_apply(as_of=at(10)) == {
        "restricted": 0,
        "overdue_notices": 0,
        "lifted": 1,
    }
    request.refresh_from_db()
    assert (request.state, request.restriction_lifted_at) == ("answered", at(10))
    # Staff may still decide afterwards.
    assert verification_request_accept(request=request, actor=verifier).state == "accepted"


def test_an_answer_in_time_never_restricts__ACC_10(client_record, verifier):
    request = open_request(client_record, verifier)
    verification_request_answer(
        request=request, answer="Confirmed.", actor=client_record.owner, now=at(3)
    )
    for day in range(1, 20):
        assert not client_is_restricted(client_record, on=date(2027, 3, day))
    assert verification_deadlines_apply(as_of=at(8)) == {
        "restricted": 0,
        "overdue_notices": 0,
        "lifted": 0,
    }


def test_rejecting_asks_again_with_a_new_deadline__ACC_10(client_record, verifier):
    request = open_request(client_record, verifier)
    verification_request_answer(
        request=request, answer="Somewhere.", actor=client_record.owner, now=at(3)
    )

    rejected = verification_request_reject(
        request=request, actor=verifier, note="The city is missing.", now=at(8)
    )

    assert (rejected.state, rejected.round, rejected.staff_note) == (
        "rejected",
        2,
        "The city is missing.",
    )
    assert rejected.answer_due_on == date(2027, 3, 11)
    assert rejected.terminable_on == date(2027, 3, 12)  # not before the new deadline passed
    assert messages_of(client_record, "verification_requested") == [
        f"verification_requested:{request.public_id}:1",
        f"verification_requested:{request.public_id}:2",
    ]
    second = Notification.objects.get(key=f"verification_requested:{request.public_id}:2")
    assert "The city is missing." in second.context["question"]
    assert not client_is_restricted(client_record, on=date(2027, 3, 11))
    assert client_is_restricted(client_record, on=date(2027, 3, 12))
    assert verification_deadlines_apply(as_of=at(12))["overdue_notices"] == 1
    assert messages_of(client_record, "verification_overdue") == [
        f"verification_overdue:{request.public_id}:2"
    ]


def test_ten_days_unanswered_make_the_contract_terminable__ACC_10(client_record, verifier):
    unanswered = open_request(client_record, verifier)
    answered = open_request(client_record, verifier, question="Confirm your phone number.")
    verification_request_answer(
        request=answered, answer="+372 5123 4567", actor=client_record.owner, now=at(2)
    )
    withdrawn = open_request(client_record, verifier, question="Confirm your name.")
    verification_request_withdraw(request=withdrawn, actor=verifier, now=at(2))

    assert list(verification_termination_candidates(as_of=at(10))) == []
    assert list(verification_termination_candidates(as_of=at(11))) == [unanswered]
    assert list(verification_termination_candidates(as_of=at(25))) == [unanswered]


def test_the_deadline_step_is_idempotent__ACC_10(client_record, verifier):
    other = new_client()
    first = open_request(client_record, verifier)
    second = open_request(other, verifier)

    assert verification_deadlines_apply(as_of=at(5)) == {
        "restricted": 2,
        "overdue_notices": 2,
        "lifted": 0,
    }
    rows = list(VerificationRequest.objects.order_by("pk").values())
    audit_events = AuditEvent.objects.count()

    assert verification_deadlines_apply(as_of=at(5)) == {
        "restricted": 0,
        "overdue_notices": 0,
        "lifted": 0,
    }
    assert verification_deadlines_apply(as_of=at(6)) == {
        "restricted": 0,
        "overdue_notices": 0,
        "lifted": 0,
    }
    assert list(VerificationRequest.objects.order_by("pk").values()) == rows
    assert AuditEvent.objects.count() == audit_events
    assert Notification.objects.filter(event="verification_overdue").count() == 2
    assert messages_of(client_record, "verification_overdue") == [
        f"verification_overdue:{first.public_id}:1"
    ]
    assert messages_of(other, "verification_overdue") == [
        f"verification_overdue:{second.public_id}:1"
    ]


def test_withdrawing_lifts_the_restriction__ACC_10(client_record, verifier):
    request = open_request(client_record, verifier)
    verification_deadlines_apply(as_of=at(5))

    withdrawn = verification_request_withdraw(request=request, actor=verifier, now=at(6))

    assert (withdrawn.state, withdrawn.restriction_lifted_at) == ("withdrawn", at(6))
    assert not client_is_restricted(client_record, on=date(2027, 3, 6))
    assert list(verification_termination_candidates(as_of=at(20))) == []
    with pytest.raises(DomainError) as refused:
        verification_request_withdraw(request=request, actor=verifier)
    assert refused.value.fields == {"request": "is withdrawn"}


def test_the_deadlines_follow_the_provider_settings__ACC_10(client_record, verifier):
    provider_setting_change(key="accounts.verification_answer_days", raw_value="5")
    provider_setting_change(key="accounts.verification_termination_days", raw_value="14")
    provider_setting_change(key="accounts.verification_lift_working_days", raw_value="1")

    request = open_request(client_record, verifier)
    assert (request.answer_due_on, request.terminable_on) == (date(2027, 3, 6), date(2027, 3, 15))
    answered = verification_request_answer(
        request=request, answer="Yes.", actor=client_record.owner, now=at(5)
    )
    assert answered.lift_due_on == date(2027, 3, 8)  # Friday + 1 working day


def test_bad_input_and_wrong_actors_are_refused_naming_the_field__ACC_10(client_record, verifier):
    with pytest.raises(DomainError) as refused:
        verification_request_open(client=client_record, question="  ", actor=verifier)
    assert refused.value.fields == {"question": "required"}
    with pytest.raises(DomainError) as refused:
        verification_request_open(client=None, question="Why?", actor=verifier)
    assert set(refused.value.fields) == {"client"}
    with pytest.raises(PermissionDenied):
        verification_request_open(
            client=client_record, question="Why?", actor=new_staff(perms.CLIENTS_VIEW)
        )
    assert not VerificationRequest.objects.exists()

    request = open_request(client_record, verifier)
    with pytest.raises(DomainError) as refused:
        verification_request_accept(request=request, actor=verifier)
    assert (refused.value.code, set(refused.value.fields)) == ("verification_state", {"request"})
    with pytest.raises(DomainError) as refused:
        verification_request_answer(request=request, answer="", actor=client_record.owner)
    assert refused.value.fields == {"answer": "required"}
    with pytest.raises(PermissionDenied):
        verification_request_answer(request=request, answer="Yes", actor=new_client().owner)
    verification_request_answer(request=request, answer="Yes", actor=client_record.owner)
    with pytest.raises(DomainError) as refused:
        verification_request_reject(request=request, actor=verifier, note="")
    assert refused.value.fields == {"note": "required"}
    request.refresh_from_db()
    assert request.state == "answered"


def test_the_answer_is_encrypted_at_rest__ACC_10_GDPR_11(client_record, verifier):
    request = open_request(client_record, verifier)
    verification_request_answer(
        request=request, answer="Registry code 14412345", actor=client_record.owner
    )
    table = VerificationRequest._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT answer FROM {table} WHERE id = %s", [request.pk])
        stored = cursor.fetchone()[0]
    assert "14412345" not in stored
    request.refresh_from_db()
    assert request.answer == "Registry code 14412345"
