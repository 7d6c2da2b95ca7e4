"""The retention schedule (GDPR-08): one rule per retention name, derived from the
declarations, run daily, recorded with counts per rule, previewed by staff, stopped for a
client by a legal hold."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hostledger.accounts.actions import login_attempt_record, staff_note_add
from hostledger.accounts.models import LoginAttempt, StaffNote
from hostledger.core import jobs
from hostledger.core.errors import DomainError
from hostledger.core.models import AuditEvent
from hostledger.core.personal_data import (
    Category,
    LegalBasis,
    Personal,
    Retention,
    date_field_of,
    declaration_of,
    declare,
)
from hostledger.notifications.actions import (
    deliveries_fan_out,
    deliveries_send_due,
    notification_enqueue,
)
from hostledger.notifications.models import Delivery, Notification
from hostledger.privacy.actions import legal_hold_lift, legal_hold_start
from hostledger.privacy.models import RetentionRun
from hostledger.privacy.retention import (
    SCHEDULED_RETENTIONS,
    retention_preview,
    retention_run,
    rule_models,
)
from tests.privacy.erasure.conftest import privacy_officer
from tests.subscriptions.factories import new_client

MESSAGE_DAY = datetime(2027, 3, 15, 9, 0, tzinfo=UTC)


def _message(client, key: str) -> Notification:
    notification = notification_enqueue(
        key=key,
        client=client,
        event="verification_requested",
        context={"question": "Is Pikk 1 still your street address?"},
        now=MESSAGE_DAY,
    )
    deliveries_fan_out(now=MESSAGE_DAY)
    deliveries_send_due(now=MESSAGE_DAY)
    assert any(delivery.body for delivery in Delivery.objects.filter(notification=notification))
    return notification


def _erased(notification: Notification) -> bool:
    notification.refresh_from_db()
    deliveries = list(Delivery.objects.filter(notification=notification))
    assert deliveries
    return notification.context == {} and all(
        (d.subject, d.body, d.recipient) == ("", "", "") for d in deliveries
    )


def test_every_model_under_a_scheduled_rule_has_a_date_to_count_from__GDPR_08():
    for rule in SCHEDULED_RETENTIONS:
        for model in rule_models(rule):
            assert date_field_of(model), model._meta.label
    assert {m._meta.label for m in rule_models(Retention.COMMUNICATIONS)} >= {
        "notifications.Notification",
        "notifications.Delivery",
    }


def test_the_retention_schedule_is_a_daily_job__GDPR_08():
    job = jobs.get_job("privacy.retention_schedule")
    assert job.every == timedelta(days=1)


def test_communications_are_erased_two_years_after_their_month__GDPR_08(db, time_machine):
    client = new_client()
    time_machine.move_to(MESSAGE_DAY, tick=False)
    notification = _message(client, "retention:1")

    time_machine.move_to(datetime(2029, 3, 31, 20, 0, tzinfo=UTC), tick=False)
    run = retention_run()
    assert run.counts["communications"] == 0 and not _erased(notification)

    time_machine.move_to(datetime(2029, 4, 1, 9, 0, tzinfo=UTC), tick=False)
    preview = [t for t in retention_preview() if t.rule == "communications"]
    assert {(t.model_label, t.action, t.rows) for t in preview} == {
        ("notifications.Notification", "anonymise", 1),
        ("notifications.Delivery", "anonymise", 1),
    }
    assert not _erased(notification)  # a preview writes nothing

    run = retention_run()
    assert run.counts["communications"] == 2
    assert _erased(notification)
    assert RetentionRun.objects.get(pk=run.pk).counts == {
        "access_logs": 0,
        "communications": 2,
        "uploads": 0,
        "traffic_data": 0,
        "legal_terms": 0,
    }
    # What was erased is not counted again.
    assert retention_run().counts["communications"] == 0


def test_access_logs_are_deleted_after_sixty_days__GDPR_08(db, time_machine):
    client = new_client()
    start = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)
    for days_ago in (61, 59):
        time_machine.move_to(start - timedelta(days=days_ago), tick=False)
        login_attempt_record(
            identifier=client.owner.email, user=client.owner, ip_address="192.0.2.7", succeeded=True
        )
    time_machine.move_to(start, tick=False)

    run = retention_run()

    assert run.counts["access_logs"] == 1
    assert list(LoginAttempt.objects.values_list("occurred_at", flat=True)) == [
        start - timedelta(days=59)
    ]


def test_other_personal_data_is_erased_two_years_after_upload__GDPR_08(db, time_machine):
    """A field under the ``uploads`` rule (here the staff notes, declared so for the test)
    is erased two years after it was written; a new declaration needs no code."""
    client = new_client()
    staff = privacy_officer()
    note = staff_note_add(client=client, actor=staff, text="Scanned passport on file.")
    before = declaration_of("accounts.StaffNote")
    try:
        declare(
            "accounts.StaffNote",
            {
                "text": Personal(
                    Category.COMMUNICATION,
                    "documents uploaded for the account",
                    LegalBasis.CONTRACT,
                    Retention.UPLOADS,
                    encrypted=True,
                )
            },
        )
        time_machine.move_to(datetime(2029, 2, 28, 9, 0, tzinfo=UTC), tick=False)
        assert retention_run().counts["uploads"] == 0
        time_machine.move_to(datetime(2029, 3, 2, 9, 0, tzinfo=UTC), tick=False)
        assert retention_run().counts["uploads"] == 1
    finally:
        declare("accounts.StaffNote", before)
    # Every personal field of a note is under the rule, whose default is to delete the row.
    assert not StaffNote.objects.filter(pk=note.pk).exists()


def test_a_legal_hold_stops_every_rule_for_its_client__GDPR_08(db, time_machine):
    held, other = new_client(), new_client()
    staff = privacy_officer()
    time_machine.move_to(MESSAGE_DAY, tick=False)
    held_message, other_message = _message(held, "hold:1"), _message(other, "hold:2")
    login_attempt_record(
        identifier=held.owner.email, user=held.owner, ip_address="192.0.2.8", succeeded=True
    )
    hold = legal_hold_start(client=held, reason="Court case 2-27-1234.", actor=staff)
    assert AuditEvent.objects.filter(action="privacy.legal_hold_started").count() == 1

    time_machine.move_to(datetime(2029, 5, 1, 9, 0, tzinfo=UTC), tick=False)
    assert {t.rule for t in retention_preview()} == {"communications"}
    run = retention_run()
    assert run.counts["communications"] == 2 and run.counts["access_logs"] == 0
    assert _erased(other_message) and not _erased(held_message)
    assert LoginAttempt.objects.filter(user=held.owner).count() == 1

    with pytest.raises(DomainError) as no_reason:
        legal_hold_start(client=held, reason="  ", actor=staff)
    assert no_reason.value.fields == {"reason": "required"}

    legal_hold_lift(hold=hold, actor=staff)
    run = retention_run()
    assert (run.counts["communications"], run.counts["access_logs"]) == (2, 1)
    assert _erased(held_message)
