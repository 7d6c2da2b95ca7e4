"""The notification endpoints: the client's messages and settings (NTF-01), the staff outbox
and message templates (NTF-02)."""

from __future__ import annotations

from datetime import timedelta
from typing import get_args

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from hostledger.api import schemas_notifications as schemas
from hostledger.notifications.actions import (
    deliveries_fan_out,
    deliveries_send_due,
    notification_enqueue,
)
from hostledger.notifications.models import (
    LANGUAGES,
    SYSTEM_CATEGORIES,
    Category,
    Channel,
    ChannelPreference,
    ConsentState,
    Delivery,
    DeliveryState,
    MessageTemplate,
    Notification,
)
from hostledger.privacy.models import MarketingConsent, MarketingConsentChange
from tests.api.conftest import api_by_session, api_by_token, error_of, make_staff_user
from tests.notifications.conftest import FlakyEmailBackend

FLAKY_MAIL = {"default": {"BACKEND": "tests.notifications.conftest.FlakyEmailBackend"}}


def make_notifications(client) -> dict:
    """What the matrices' notification rows act on, for ``client``: an unread message, and
    a second message whose email failed for good after every attempt (NTF-02)."""
    now = timezone.now()
    unread = notification_enqueue(
        key=f"matrix:unread:{client.public_id}",
        client=client,
        event="verification_overdue",
        now=now - timedelta(hours=2),
    )
    deliveries_fan_out(now=now)
    deliveries_send_due(now=now)
    failing = notification_enqueue(
        key=f"matrix:failing:{client.public_id}",
        client=client,
        event="service_resumed",
        now=now - timedelta(hours=1),
    )
    deliveries_fan_out(now=now)
    with override_settings(MAILERS=FLAKY_MAIL):
        FlakyEmailBackend.failures_left = 1000
        try:
            for day in range(10):
                deliveries_send_due(now=now + timedelta(days=day))
        finally:
            FlakyEmailBackend.failures_left = 0
    failed = Delivery.objects.get(notification=failing, channel=Channel.EMAIL)
    assert failed.state == DeliveryState.FAILED
    return {"notification": unread.public_id, "failed_delivery": failed.public_id}


def _message(client, event: str, *, minutes_ago: int, key: str = "", **fields) -> Notification:
    return notification_enqueue(
        key=key or f"test:{event}:{minutes_ago}",
        client=client,
        event=event,
        now=timezone.now() - timedelta(minutes=minutes_ago),
        **fields,
    )


# ----------------------------------------------------------------------------- inbox


@pytest.mark.django_db
def test_inbox_lists_messages_newest_first_with_the_unread_count__NTF_01(client_a, client_b):
    client = client_a.client
    older = _message(client, "verification_overdue", minutes_ago=30)
    newer = _message(client, "service_resumed", minutes_ago=5)
    _message(client_b.client, "verification_overdue", minutes_ago=1, key="other")

    body = api_by_token(client_a).get("/notifications").json()

    assert [item["id"] for item in body["items"]] == [newer.public_id, older.public_id]
    assert (body["count"], body["unread"]) == (2, 2)
    assert body["items"][0]["category"] == "service"
    assert body["items"][1]["subject"]  # rendered from the template in force
    assert body["items"][0]["read_at"] is None


@pytest.mark.django_db
def test_subjects_are_in_the_owners_language__NTF_02(client_a):
    client_a.preferred_language = "et"
    client_a.save(update_fields=["preferred_language"])
    _message(client_a.client, "verification_overdue", minutes_ago=1)
    MessageTemplate.objects.create(
        event="verification_overdue",
        language="et",
        version=1,
        subject="Kontrollige andmeid, {{ client_name }}",
        body="Tekst",
        created_at=timezone.now(),
    )

    body = api_by_token(client_a).get("/notifications").json()

    assert body["items"][0]["subject"] == "Kontrollige andmeid, Mari Maasikas"


@pytest.mark.django_db
def test_marking_a_message_read_lowers_the_unread_count_once__NTF_01(client_a):
    client = client_a.client
    message = _message(client, "verification_overdue", minutes_ago=3)
    _message(client, "service_resumed", minutes_ago=2)
    api = api_by_token(client_a)

    first = api.post(f"/notifications/{message.public_id}/read")
    again = api.post(f"/notifications/{message.public_id}/read")

    assert first.status_code == 200 and first.json() == {"marked": 1, "unread": 1}
    assert again.json() == {"marked": 0, "unread": 1}
    unread_only = api.get("/notifications?unread_only=true").json()
    assert unread_only["count"] == 1 and unread_only["unread"] == 1
    all_read = api.post("/notifications/read-all")
    assert all_read.json() == {"marked": 1, "unread": 0}
    assert not Notification.objects.filter(client=client, read_at__isnull=True).exists()


@pytest.mark.django_db
def test_another_clients_message_is_not_found_and_stays_unread__NTF_01(client_a, client_b):
    message = _message(client_a.client, "verification_overdue", minutes_ago=3)

    response = api_by_token(client_b).post(f"/notifications/{message.public_id}/read")

    assert response.status_code == 404
    message.refresh_from_db()
    assert message.read_at is None


@pytest.mark.django_db
def test_a_read_only_trusted_user_reads_messages_but_does_not_mark_them__NTF_01(
    client_a, trusted_reader
):
    message = _message(client_a.client, "verification_overdue", minutes_ago=3)
    account = f"?client={client_a.client.public_id}"
    api = api_by_token(trusted_reader)

    listed = api.get("/notifications" + account)
    marked = api.post(f"/notifications/{message.public_id}/read" + account)

    assert listed.status_code == 200 and listed.json()["unread"] == 1
    assert marked.status_code == 403 and error_of(marked)["code"] == "permission_denied"
    message.refresh_from_db()
    assert message.read_at is None


# ----------------------------------------------------------------------------- preferences


@pytest.mark.django_db
def test_preferences_say_system_messages_always_go_by_email__NTF_01(client_a):
    body = api_by_token(client_a).get("/notification-preferences").json()

    assert [row["category"] for row in body["categories"]] == list(SYSTEM_CATEGORIES)
    assert all(row["email"] is True and row["client_area"] is True for row in body["categories"])
    assert all(row["sms"] is False for row in body["categories"])
    assert [(row["channel"], row["state"]) for row in body["marketing"]] == [
        ("email", None),
        ("sms", None),
    ]


@pytest.mark.django_db
def test_sms_is_turned_on_per_category_and_marketing_by_email_needs_confirmation__NTF_01(
    client_a,
):
    client = client_a.client
    mail.outbox.clear()

    response = api_by_token(client_a).call(
        "PUT",
        "/notification-preferences",
        {"sms": {"billing": True, "service": False}, "marketing": {"email": True}},
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert {row["category"]: row["sms"] for row in body["categories"]} == {
        "billing": True,
        "service": False,
        "account": False,
        "announcements": False,
    }
    email = {row["channel"]: row for row in body["marketing"]}["email"]
    assert (email["state"], email["source"], email["wording_version"]) == (
        ConsentState.REQUESTED,
        "api",
        body["consent_wording_version"],
    )
    consent = MarketingConsent.objects.get(client=client, channel=Channel.EMAIL)
    assert consent.changes.get().state == ConsentState.REQUESTED
    confirm = Notification.objects.get(client=client, event="marketing_opt_in_confirm")
    assert "confirm_url" in confirm.context  # the double opt-in link goes out by email


@pytest.mark.django_db
def test_marketing_by_sms_counts_at_once_and_is_withdrawn_at_once__NTF_01(client_a):
    api = api_by_token(client_a)

    given = api.call("PUT", "/notification-preferences", {"marketing": {"sms": True}})
    withdrawn = api.call("PUT", "/notification-preferences", {"marketing": {"sms": False}})

    assert {row["channel"]: row["state"] for row in given.json()["marketing"]}["sms"] == (
        "confirmed"
    )
    assert {row["channel"]: row["state"] for row in withdrawn.json()["marketing"]}["sms"] == (
        "withdrawn"
    )
    states = list(
        MarketingConsentChange.objects.filter(consent__client=client_a.client).values_list(
            "state", flat=True
        )
    )
    assert states == ["confirmed", "withdrawn"]


@pytest.mark.django_db
def test_email_of_system_messages_cannot_be_switched_off__NTF_01(client_a):
    before = list(ChannelPreference.objects.values_list("pk", "enabled"))
    api = api_by_token(client_a)

    by_email = api.call("PUT", "/notification-preferences", {"email": {"billing": False}})
    marketing_as_sms = api.call(
        "PUT", "/notification-preferences", {"sms": {"billing": True, "marketing": True}}
    )

    assert by_email.status_code == 400 and error_of(by_email)["fields"] == {
        "email": "Unknown field."
    }
    assert marketing_as_sms.status_code == 400
    assert error_of(marketing_as_sms)["fields"] == {"sms.marketing": "Unknown field."}
    assert list(ChannelPreference.objects.values_list("pk", "enabled")) == before


@pytest.mark.django_db
def test_only_the_owner_changes_notification_settings__NTF_01(client_a, trusted_reader):
    account = f"?client={client_a.client.public_id}"
    api = api_by_token(trusted_reader)

    read = api.get("/notification-preferences" + account)
    changed = api.call("PUT", "/notification-preferences" + account, {"marketing": {"email": True}})

    assert read.status_code == 200
    assert changed.status_code == 403
    assert not MarketingConsent.objects.exists()


# ----------------------------------------------------------------------------- staff: outbox


@pytest.mark.django_db
def test_outbox_lists_deliveries_by_state_with_their_attempts__NTF_02(client_a):
    ids = make_notifications(client_a.client)
    api = api_by_token(make_staff_user("support"))

    failed = api.get("/staff/outbox?state=failed").json()
    by_email = api.get("/staff/outbox?channel=email&limit=1").json()

    assert [item["id"] for item in failed["items"]] == [ids["failed_delivery"]]
    item = failed["items"][0]
    assert item["event"] == "service_resumed" and item["client"] == client_a.client.public_id
    assert item["attempts"] == 6 and len(item["attempt_log"]) == 6
    assert all(not attempt["succeeded"] for attempt in item["attempt_log"])
    assert "Connection refused" in item["last_error"]
    assert by_email["count"] == 2 and len(by_email["items"]) == 1


@pytest.mark.django_db
def test_a_failed_delivery_is_sent_again_once_and_only_when_failed__NTF_02(client_a):
    ids = make_notifications(client_a.client)
    api = api_by_token(make_staff_user("billing"))
    path = f"/staff/outbox/{ids['failed_delivery']}/resend"

    first = api.post(path)
    again = api.post(path)

    assert first.status_code == 200 and first.json()["state"] == "pending"
    assert again.status_code == 400 and error_of(again)["code"] == "not_resendable"
    mail.outbox.clear()
    deliveries_send_due(now=timezone.now() + timedelta(minutes=1))
    assert Delivery.objects.get(public_id=ids["failed_delivery"]).state == DeliveryState.SENT
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_outbox_needs_the_personal_data_permission__NTF_02(client_a):
    ids = make_notifications(client_a.client)
    api = api_by_token(make_staff_user("abuse"))

    assert api.get("/staff/outbox").status_code == 403
    assert api.post(f"/staff/outbox/{ids['failed_delivery']}/resend").status_code == 403
    assert Delivery.objects.get(public_id=ids["failed_delivery"]).state == DeliveryState.FAILED


# ----------------------------------------------------------------------------- staff: templates


@pytest.mark.django_db
def test_templates_list_every_event_in_every_language__NTF_02(db):
    api = api_by_token(make_staff_user("administrator"))

    first = api.get("/staff/notification-templates?limit=100").json()
    items = list(first["items"])
    while len(items) < first["count"]:
        page = api.get(f"/staff/notification-templates?limit=100&offset={len(items)}").json()
        assert page["items"], "a page ended before the count"
        items += page["items"]

    assert first["count"] == len(items) and first["count"] % len(LANGUAGES) == 0
    assert {item["language"] for item in items} == set(LANGUAGES)
    assert all(item["version"] is None for item in items)


@pytest.mark.django_db
def test_a_saved_template_is_a_new_version_in_force__NTF_02(db):
    admin = make_staff_user("administrator")
    api = api_by_token(admin)
    text = {"subject": "Makse {{ invoice_number }}", "body": "Tere {{ client_name }}!"}

    first = api.call("PUT", "/staff/notification-templates/payment_reminder/et", text)
    second = api.call(
        "PUT", "/staff/notification-templates/payment_reminder/et", {**text, "sms_text": "SMS"}
    )

    assert first.status_code == 200, first.content
    assert (first.json()["version"], second.json()["version"]) == (1, 2)
    assert second.json()["sms_text"] == "SMS" and second.json()["subject"] == text["subject"]
    assert second.json()["default_subject"] != text["subject"]
    listed = api.get("/staff/notification-templates?limit=100").json()["items"]
    versions = {(row["event"], row["language"]): row["version"] for row in listed}
    assert versions[("payment_reminder", "et")] == 2
    assert versions[("payment_reminder", "en")] is None


@pytest.mark.django_db
def test_an_invalid_template_is_refused_naming_the_field__NTF_02(db):
    api = api_by_token(make_staff_user("administrator"))

    saved = api.call(
        "PUT",
        "/staff/notification-templates/payment_reminder/en",
        {"subject": "Hi", "body": "{% if %}broken"},
    )
    previewed = api.post(
        "/staff/notification-templates/payment_reminder/en/preview",
        {"subject": "{% endif %}", "body": "Fine"},
    )

    assert saved.status_code == 400 and list(error_of(saved)["fields"]) == ["body"]
    assert previewed.status_code == 400 and list(error_of(previewed)["fields"]) == ["subject"]
    assert not MessageTemplate.objects.exists()


@pytest.mark.django_db
def test_preview_renders_example_values_and_saves_nothing__NTF_02(db):
    api = api_by_token(make_staff_user("administrator"))

    response = api.post(
        "/staff/notification-templates/payment_reminder/en/preview",
        {
            "subject": "Invoice {{ invoice_number }}",
            "body": "Dear {{ client_name }}, pay {{ amount }}.",
            "sms_text": "Pay {{ invoice_number }}",
        },
    )

    assert response.status_code == 200
    assert response.json()["subject"] == "Invoice 2027-000123"
    assert response.json()["body"].startswith("Dear Mari Tamm, pay ")
    assert response.json()["sms"] == "Pay 2027-000123"
    assert not MessageTemplate.objects.exists()


@pytest.mark.django_db
def test_an_unknown_event_or_language_is_not_found__NTF_02(db):
    api = api_by_token(make_staff_user("administrator"))
    text = {"subject": "S", "body": "B"}

    assert api.call("PUT", "/staff/notification-templates/no_such_event/en", text).status_code == (
        404
    )
    assert api.call(
        "PUT", "/staff/notification-templates/payment_reminder/de", text
    ).status_code == (404)
    assert not MessageTemplate.objects.exists()


@pytest.mark.django_db
def test_templates_need_the_settings_permission__NTF_02(db):
    api = api_by_token(make_staff_user("support"))

    listed = api.get("/staff/notification-templates")
    saved = api.call(
        "PUT", "/staff/notification-templates/payment_reminder/en", {"subject": "S", "body": "B"}
    )

    assert (listed.status_code, saved.status_code) == (403, 403)
    assert not MessageTemplate.objects.exists()


def test_the_documented_choices_are_the_models_choices():
    assert set(get_args(schemas.ChannelName)) == set(Channel.values)
    assert set(get_args(schemas.CategoryName)) == set(Category.values)
    assert set(get_args(schemas.SystemCategoryName)) == set(SYSTEM_CATEGORIES)
    assert set(get_args(schemas.DeliveryStateName)) == set(DeliveryState.values)
    assert set(get_args(schemas.LanguageName)) == set(LANGUAGES)
    assert set(get_args(schemas.ConsentStateName)) == set(ConsentState.values)


@pytest.mark.django_db
def test_a_browser_session_marks_read_only_with_the_csrf_token__NTF_01(client_a):
    message = _message(client_a.client, "verification_overdue", minutes_ago=3)

    response = api_by_session(client_a, enforce_csrf=True).post(
        f"/notifications/{message.public_id}/read"
    )

    assert response.status_code == 403 and error_of(response)["code"] == "csrf_failed"
    message.refresh_from_db()
    assert message.read_at is None
