"""Data-subject requests: filing, verification, deadlines, extension, answers, reminders
(GDPR-07)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from hostledger.core.errors import DomainError, PermissionDenied
from hostledger.core.jobs import get_job, run_job_now
from hostledger.core.models import AuditEvent, JobRun
from hostledger.core.registry import provider_setting_change
from hostledger.flows import privacy_requests as flow
from hostledger.notifications.models import Notification
from hostledger.privacy.actions_requests import (
    add_months,
    request_confirm,
    request_extend,
    request_file,
    request_record_by_staff,
    request_refuse,
    request_reminders_send,
    request_respond,
    request_verify,
    request_withdraw,
)
from hostledger.privacy.models import (
    DataSubjectRequest,
    DataSubjectRequestReminder,
    ProcessingRestriction,
)
from hostledger.privacy.selectors_requests import requests_for_staff, urgency
from tests.api.conftest import make_client_user, make_staff_user
from tests.queued_tasks import run_queued_tasks

TALLINN = ZoneInfo("Europe/Tallinn")
JAN_31 = datetime(2027, 1, 31, 10, 0, tzinfo=TALLINN)
Status = DataSubjectRequest.Status
REMINDER_TASK = "hostledger.privacy.tasks.send_staff_request_reminder"


def _snapshot(request: DataSubjectRequest) -> dict:
    request.refresh_from_db()
    return {
        field.name: getattr(request, field.attname) for field in DataSubjectRequest._meta.fields
    }


def test_add_months_counts_calendar_months_and_clamps_to_the_last_day__GDPR_07():
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2027, 3, 15), 1) == date(2027, 4, 15)
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)
    assert add_months(date(2027, 12, 5), 1) == date(2028, 1, 5)


def test_client_area_request_is_verified_by_reauthentication_and_due_in_a_month__GDPR_07(owner):
    request = request_file(
        client=owner.client,
        actor=owner,
        kind="access",
        details="All data you hold about me, please.",
        reauthentication="second_factor_reauthentication",
        now=JAN_31,
    )

    request.refresh_from_db()
    assert request.public_id.startswith("dsr_")
    assert request.status == Status.IN_PROGRESS
    assert request.verification_method == "second_factor_reauthentication"
    assert request.verified_by == owner
    assert request.verified_at == JAN_31
    assert request.received_at == JAN_31
    assert request.deadline_on == date(2027, 2, 28)
    assert request.due_on == date(2027, 2, 28)
    assert request.details == "All data you hold about me, please."
    told = Notification.objects.get(key=f"privacy_request_received:{request.public_id}:received")
    assert told.client == owner.client
    assert told.on_date == date(2027, 2, 28)
    assert told.context["request_id"] == request.public_id
    event = AuditEvent.objects.filter(action="privacy_request.filed").get()
    assert event.subject_client_id == owner.client.pk
    assert event.data == {"kind": "access", "status": "in_progress", "channel": "client_area"}


def test_api_request_waits_for_confirmation_in_the_client_area__GDPR_07(owner):
    request = request_file(
        client=owner.client, actor=owner, kind="erasure", channel="api", now=JAN_31
    )
    assert request.status == Status.AWAITING_VERIFICATION
    assert request.verified_at is None

    confirmed = request_confirm(
        request=request,
        actor=owner,
        reauthentication="password_reauthentication",
        now=JAN_31 + timedelta(hours=1),
    )
    assert confirmed.status == Status.IN_PROGRESS
    assert confirmed.verification_method == "password_reauthentication"
    assert confirmed.deadline_on == date(2027, 2, 28)  # counted from receipt


def test_details_are_encrypted_at_rest__GDPR_07(owner):
    request = request_file(
        client=owner.client, actor=owner, kind="rectification", details="My name is Mari Tamm."
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT details FROM {DataSubjectRequest._meta.db_table} WHERE id = %s", [request.pk]
        )
        (stored,) = cursor.fetchone()
    assert "Mari" not in stored and stored


def test_only_the_owner_files_and_one_open_request_per_kind__GDPR_07(owner, policies):
    other = make_client_user("peeter@example.com")
    with pytest.raises(PermissionDenied):
        request_file(client=owner.client, actor=other, kind="access")
    request_file(client=owner.client, actor=owner, kind="access")
    with pytest.raises(DomainError) as refused:
        request_file(client=owner.client, actor=owner, kind="access")
    assert refused.value.fields == {"kind": "already open"}
    with pytest.raises(DomainError) as refused:
        request_file(client=owner.client, actor=owner, kind="telepathy")
    assert refused.value.fields == {"kind": "not a kind of request"}
    with pytest.raises(DomainError) as refused:
        request_file(client=owner.client, actor=owner, kind="erasure", channel="letter")
    assert refused.value.fields == {"channel": "not a client channel"}
    assert DataSubjectRequest.objects.count() == 1


def test_staff_record_a_letter_with_how_identity_was_verified__GDPR_07(owner, officer):
    with time_machine.travel(JAN_31, tick=False):
        request = request_record_by_staff(
            client=owner.client,
            actor=officer,
            kind="erasure",
            channel="letter",
            details="Letter of 25 January: erase my account.",
            received_on=date(2027, 1, 25),
            verification_note="Signature matches the contract of 2024.",
        )
    request.refresh_from_db()
    assert request.status == Status.IN_PROGRESS
    assert request.verification_method == "staff_recorded"
    assert request.verification_note == "Signature matches the contract of 2024."
    assert request.verified_by == officer
    assert request.recorded_by == officer
    assert request.filed_by is None
    assert request.deadline_on == date(2027, 2, 25)


def test_staff_record_refuses_a_future_day_and_needs_the_privacy_permission__GDPR_07(
    owner, officer
):
    support = make_staff_user("support")
    with pytest.raises(PermissionDenied):
        request_record_by_staff(client=owner.client, actor=support, kind="access", channel="email")
    with time_machine.travel(JAN_31, tick=False), pytest.raises(DomainError) as refused:
        request_record_by_staff(
            client=owner.client,
            actor=officer,
            kind="access",
            channel="email",
            received_on=date(2027, 2, 1),
        )
    assert refused.value.fields == {"received_on": "in the future"}
    assert DataSubjectRequest.objects.count() == 0


def test_staff_verify_a_request_waiting_for_verification__GDPR_07(owner, officer):
    request = request_record_by_staff(
        client=owner.client, actor=officer, kind="access", channel="email"
    )
    assert request.status == Status.AWAITING_VERIFICATION
    with pytest.raises(DomainError) as refused:
        request_verify(request=request, actor=officer, note="  ")
    assert refused.value.fields == {"note": "required"}
    verified = request_verify(request=request, actor=officer, note="Called back on file number.")
    assert verified.status == Status.IN_PROGRESS
    assert verified.verification_method == "staff_recorded"
    with pytest.raises(DomainError) as refused:
        request_verify(request=request, actor=officer, note="Again")
    assert refused.value.fields == {"request": "is in_progress"}


def test_extension_is_bounded_reasoned_told_and_before_the_deadline__GDPR_07(owner, officer):
    request = request_file(
        client=owner.client,
        actor=owner,
        kind="access",
        reauthentication="password_reauthentication",
        now=JAN_31,
    )
    before = _snapshot(request)
    with pytest.raises(DomainError) as refused:
        request_extend(request=request, actor=officer, months=1, reason="", now=JAN_31)
    assert refused.value.fields == {"reason": "required"}
    with pytest.raises(DomainError) as refused:
        request_extend(request=request, actor=officer, months=3, reason="Many", now=JAN_31)
    assert refused.value.fields == {"months": "between 1 and 2"}
    assert _snapshot(request) == before

    extended = request_extend(
        request=request,
        actor=officer,
        months=1,
        reason="Your request covers ten years of records.",
        now=JAN_31 + timedelta(days=5),
    )
    assert extended.extended_until == date(2027, 3, 28)
    assert extended.due_on == date(2027, 3, 28)
    told = Notification.objects.get(event="privacy_request_extended")
    assert told.on_date == date(2027, 3, 28)
    assert told.context["reason"] == "Your request covers ten years of records."

    again = request_extend(
        request=request, actor=officer, months=2, reason="Still more.", now=JAN_31
    )
    assert again.extended_until == date(2027, 4, 28)
    with pytest.raises(DomainError) as refused:
        request_extend(request=request, actor=officer, months=1, reason="Shorter", now=JAN_31)
    assert refused.value.fields == {"months": "not longer than the current extension"}
    with pytest.raises(DomainError) as refused:
        request_extend(
            request=request, actor=officer, months=2, reason="Late", now=JAN_31 + timedelta(days=29)
        )
    assert refused.value.code == "extension_too_late"


def test_the_extension_limit_is_a_provider_setting__GDPR_07(owner, officer):
    provider_setting_change(key="privacy.request_extension_max_months", raw_value="1")
    request = request_file(
        client=owner.client,
        actor=owner,
        kind="access",
        reauthentication="password_reauthentication",
    )
    with pytest.raises(DomainError) as refused:
        request_extend(request=request, actor=officer, months=2, reason="Many records")
    assert refused.value.fields == {"months": "between 1 and 1"}


def test_respond_completes_a_verified_request_and_tells_the_client__GDPR_07(owner, officer):
    request = request_file(client=owner.client, actor=owner, kind="objection", channel="api")
    before = _snapshot(request)
    with pytest.raises(DomainError) as refused:
        request_respond(request=request, actor=officer, response="Done.")
    assert refused.value.fields == {"request": "is awaiting_verification"}
    assert _snapshot(request) == before

    request_verify(request=request, actor=officer, note="Video call, passport shown.")
    answered = request_respond(
        request=request, actor=officer, response="Your objection is recorded.", now=JAN_31
    )
    assert answered.status == Status.COMPLETED
    assert answered.response == "Your objection is recorded."
    assert answered.responded_at == answered.closed_at == JAN_31
    assert answered.responded_by == officer
    assert Notification.objects.filter(event="privacy_request_completed").count() == 1
    assert AuditEvent.objects.filter(action="privacy_request.completed").count() == 1


def test_refuse_says_why_and_withdraw_closes__GDPR_07(owner, officer):
    first = request_file(client=owner.client, actor=owner, kind="access", channel="api")
    refused = request_refuse(request=first, actor=officer, reason="Identity not verified.")
    assert refused.status == Status.REFUSED
    assert refused.response == "Identity not verified."
    told = Notification.objects.get(event="privacy_request_refused")
    assert told.context["reason"] == "Identity not verified."

    second = request_file(client=owner.client, actor=owner, kind="access", channel="api")
    with pytest.raises(PermissionDenied):
        request_withdraw(request=second, actor=officer)
    withdrawn = request_withdraw(request=second, actor=owner)
    assert withdrawn.status == Status.WITHDRAWN
    with pytest.raises(DomainError) as again:
        request_withdraw(request=second, actor=owner)
    assert again.value.fields == {"request": "is withdrawn"}


def test_completion_calls_the_registered_fulfilment_handler_first__GDPR_07(
    owner, officer, monkeypatch
):
    calls = []

    def handler(*, request, actor, now):
        calls.append((request.public_id, actor, now))
        return "Your export is being prepared."

    monkeypatch.setitem(flow.FULFILMENT_HANDLERS, "access", handler)
    request = request_file(
        client=owner.client,
        actor=owner,
        kind="access",
        reauthentication="password_reauthentication",
    )
    done = flow.request_complete(request=request, actor=officer, response="Regards.", now=JAN_31)
    assert calls == [(request.public_id, officer, JAN_31)]
    assert done.status == Status.COMPLETED
    assert done.response == "Your export is being prepared.\n\nRegards."


def test_a_refusing_handler_leaves_the_request_open__GDPR_07(owner, officer, monkeypatch):
    def handler(*, request, actor, now):
        raise DomainError("service_active", "A service is active.", fields={"request": "active"})

    monkeypatch.setitem(flow.FULFILMENT_HANDLERS, "erasure", handler)
    request = request_file(
        client=owner.client,
        actor=owner,
        kind="erasure",
        reauthentication="password_reauthentication",
    )
    before = _snapshot(request)
    with pytest.raises(DomainError):
        flow.request_complete(request=request, actor=officer, response="Erased.")
    assert _snapshot(request) == before


def test_without_a_handler_staff_answer_in_writing__GDPR_07(owner, officer):
    assert flow.fulfilment_handler("portability") is not None
    assert flow.fulfilment_handler("rectification") is None
    request = request_file(
        client=owner.client,
        actor=owner,
        kind="rectification",
        details="My street is Pikk 3, not Pikk 1.",
        reauthentication="password_reauthentication",
    )
    done = flow.request_complete(request=request, actor=officer, response="Corrected by hand.")
    assert done.response == "Corrected by hand."


def test_completing_a_restriction_request_restricts_the_client__GDPR_07_GDPR_05(owner, officer):
    request = request_file(
        client=owner.client,
        actor=owner,
        kind="restriction",
        reauthentication="password_reauthentication",
    )
    assert not ProcessingRestriction.objects.filter(client=owner.client).exists()
    done = flow.request_complete(request=request, actor=officer, response="Done.")
    (restriction,) = ProcessingRestriction.objects.filter(client=owner.client)
    assert (restriction.reason, restriction.lifted_at) == ("requested", None)
    assert done.response.startswith("Processing of your personal data is restricted from ")
    assert done.response.endswith("\n\nDone.")


def test_queue_orders_by_due_day_and_shows_urgency__GDPR_07(owner, officer, policies):
    other = make_client_user("peeter@example.com")
    late = request_file(
        client=owner.client, actor=owner, kind="access", now=JAN_31 - timedelta(days=40)
    )
    soon = request_file(
        client=other.client, actor=other, kind="access", now=JAN_31 - timedelta(days=25)
    )
    later = request_file(client=owner.client, actor=owner, kind="erasure", now=JAN_31)
    closed = request_file(client=other.client, actor=other, kind="erasure", now=JAN_31)
    closed = request_withdraw(request=closed, actor=other)

    assert [item.public_id for item in requests_for_staff()] == [
        late.public_id,
        soon.public_id,
        later.public_id,
    ]
    today = date(2027, 1, 31)
    assert urgency(late, today=today).overdue is True
    assert urgency(late, today=today).days_left == -9
    assert urgency(soon, today=today).due_soon is True
    assert urgency(soon, today=today).days_left == 6
    assert urgency(later, today=today).due_soon is False
    assert urgency(closed, today=today).days_left is None


def test_reminders_go_once_per_request_and_threshold__GDPR_07(owner, officer, mailoutbox):
    make_staff_user("support")  # without privacy.manage: not reminded
    soon = request_file(
        client=owner.client, actor=owner, kind="access", now=JAN_31 - timedelta(days=25)
    )
    late = request_file(
        client=owner.client, actor=owner, kind="erasure", now=JAN_31 - timedelta(days=40)
    )
    request_file(client=owner.client, actor=owner, kind="restriction", now=JAN_31)

    counts = request_reminders_send(now=JAN_31)
    assert counts == {"due_soon": 1, "overdue": 1}
    assert run_queued_tasks(REMINDER_TASK) == 1
    assert [mail.to for mail in mailoutbox] == [["privacy_officer@provider.example"]]
    body = mailoutbox[0].body
    assert f"{soon.public_id}  Access to personal data" in body
    assert "due 2027-02-06 (6 days)" in body
    assert f"{late.public_id}  Erasure" in body
    assert "due 2027-01-22 (-9 days)" in body
    assert "Mari" not in body

    assert request_reminders_send(now=JAN_31 + timedelta(hours=2)) == {}
    assert run_queued_tasks(REMINDER_TASK) == 0
    assert DataSubjectRequestReminder.objects.count() == 2

    # The due-soon request becomes overdue: one more reminder, once.
    assert request_reminders_send(now=JAN_31 + timedelta(days=7)) == {"overdue": 1}
    assert request_reminders_send(now=JAN_31 + timedelta(days=8)) == {}
    assert set(
        DataSubjectRequestReminder.objects.values_list("request__public_id", "threshold")
    ) == {
        (soon.public_id, "due_soon"),
        (soon.public_id, "overdue"),
        (late.public_id, "overdue"),
    }


def test_the_reminder_job_runs_daily_and_counts_what_it_sent__GDPR_07(owner, officer):
    job = get_job("privacy.request_reminders")
    assert job.every == timedelta(days=1)
    request_file(
        client=owner.client, actor=owner, kind="access", now=timezone.now() - timedelta(days=40)
    )

    queued = run_job_now("privacy.request_reminders")
    run_queued_tasks("hostledger.core.jobs.execute_job_run")

    run = JobRun.objects.get(pk=queued.pk)
    assert run.status == JobRun.Status.SUCCEEDED
    assert run.counts == {"overdue": 1}
    assert DataSubjectRequestReminder.objects.filter(threshold="overdue").count() == 1
