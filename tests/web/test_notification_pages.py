"""The notification pages: the client's messages and settings (NTF-01), and for staff the
message templates with their preview, the outbox (NTF-02) and announcements of policy
changes (NTF-03) and planned maintenance (SUP-04)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hostledger.core.audit import PERSONAL_DATA_READ
from hostledger.core.models import AuditEvent
from hostledger.notifications.actions import notification_enqueue
from hostledger.notifications.models import (
    Announcement,
    ChannelPreference,
    ConsentState,
    Delivery,
    DeliveryState,
    MessageTemplate,
    Notification,
)
from hostledger.privacy.models import MarketingConsent, MarketingConsentChange
from tests.api.test_notifications_api import make_notifications
from tests.notifications.conftest import make_service, shop  # noqa: F401  (fixtures)
from tests.web.conftest import login, make_client_user, make_staff_user


def message(client, event: str = "verification_overdue", *, minutes_ago: int = 1, key: str = ""):
    return notification_enqueue(
        key=key or f"page:{client.public_id}:{event}:{minutes_ago}",
        client=client,
        event=event,
        now=timezone.now() - timedelta(minutes=minutes_ago),
    )


def html(response) -> str:
    return response.content.decode()


# ----------------------------------------------------------------------------- client: inbox


@pytest.mark.django_db
def test_inbox_lists_messages_newest_first_with_the_unread_count__NTF_01(
    client, owner_a, client_a, client_b
):
    older = message(client_a, "verification_overdue", minutes_ago=30)
    newer = message(client_a, "service_resumed", minutes_ago=5)
    other = message(client_b, "service_resumed", minutes_ago=1)
    login(client, owner_a)

    page = html(client.get(reverse("web:notification_inbox")))

    assert page.index(newer.public_id) < page.index(older.public_id)
    assert other.public_id not in page
    assert 'id="unread-count">2<' in page
    assert reverse("web:notification_unread_badge") in page  # the navigation's badge
    badge = html(client.get(reverse("web:notification_unread_badge")))
    assert ">2<" in badge


@pytest.mark.django_db
def test_opening_a_message_marks_it_read__NTF_01(client, owner_a, client_a):
    opened = message(client_a, minutes_ago=2)
    message(client_a, "service_resumed", minutes_ago=1)
    login(client, owner_a)

    response = client.get(reverse("web:notification", args=[opened.public_id]))

    assert response.status_code == 200
    opened.refresh_from_db()
    assert opened.read_at is not None
    assert Notification.objects.filter(client=client_a, read_at__isnull=True).count() == 1
    assert ">1<" in html(client.get(reverse("web:notification_unread_badge")))


@pytest.mark.django_db
def test_a_read_only_trusted_user_opens_messages_without_marking_them__NTF_01(
    client, client_a, readonly_user
):
    opened = message(client_a)
    login(client, readonly_user, client_public_id=client_a.public_id)

    page = client.get(reverse("web:notification", args=[opened.public_id]))
    inbox = html(client.get(reverse("web:notification_inbox")))
    refused = client.post(reverse("web:notification_read_all"))

    assert page.status_code == 200 and refused.status_code == 403
    assert "Mark all read" not in inbox
    opened.refresh_from_db()
    assert opened.read_at is None


@pytest.mark.django_db
def test_another_clients_message_is_not_found_and_stays_unread__NTF_01(client, client_a, owner_b):
    hidden = message(client_a)
    login(client, owner_b)

    response = client.get(reverse("web:notification", args=[hidden.public_id]))

    assert response.status_code == 404
    hidden.refresh_from_db()
    assert hidden.read_at is None


@pytest.mark.django_db
def test_mark_all_read_marks_only_this_clients_messages__NTF_01(
    client, owner_a, client_a, client_b
):
    for minutes in (1, 2, 3):
        message(client_a, minutes_ago=minutes)
    theirs = message(client_b)
    login(client, owner_a)

    response = client.post(reverse("web:notification_read_all"), follow=True)

    assert "3 messages marked read." in html(response)
    assert not Notification.objects.filter(client=client_a, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.django_db
def test_a_message_shows_its_text_in_the_owners_language_with_the_settings_link__NTF_02(
    client, owner_a, client_a
):
    owner_a.preferred_language = "ru"
    owner_a.save(update_fields=["preferred_language"])
    MessageTemplate.objects.create(
        event="verification_overdue",
        language="ru",
        version=1,
        subject="Проверка данных",
        body="Настройки: {{ preferences_url }}",
        created_at=timezone.now(),
    )
    shown = message(client_a)
    login(client, owner_a)

    page = html(client.get(reverse("web:notification", args=[shown.public_id])))

    assert "Проверка данных" in page
    assert reverse("web:notification_preferences") in page


@pytest.mark.django_db
def test_the_inbox_has_a_fixed_query_count__NTF_01(client, owner_a, client_a):
    login(client, owner_a)
    message(client_a, minutes_ago=100)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("web:notification_inbox")).status_code == 200
    for minutes in range(12):
        message(client_a, "service_resumed" if minutes % 2 else "trial_ended", minutes_ago=minutes)

    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("web:notification_inbox"))

    assert response.status_code == 200
    # One look-up of the texts in force of all the events shown, never one per message.
    assert len(many) == len(few)


# ----------------------------------------------------------------------------- client: settings


@pytest.mark.django_db
def test_settings_say_system_messages_cannot_be_switched_off__NTF_01(client, owner_a):
    login(client, owner_a)

    page = html(client.get(reverse("web:notification_preferences")))

    assert "System messages cannot be switched off" in page
    assert page.count("Always") == 8  # four categories, client area and email each
    assert 'name="billing"' in page and 'name="marketing"' not in page


@pytest.mark.django_db
def test_sms_is_turned_on_and_off_per_category__NTF_01(client, owner_a, client_a):
    login(client, owner_a)
    url = reverse("web:notification_preferences")

    client.post(url, {"billing": "on", "account": "on"})
    client.post(url, {"account": "on"})

    enabled = dict(
        ChannelPreference.objects.filter(client=client_a, channel="sms").values_list(
            "category", "enabled"
        )
    )
    assert enabled == {"billing": False, "account": True}


@pytest.mark.django_db
def test_marketing_opt_in_needs_the_consent_box_and_nothing_is_recorded_without__NTF_01(
    client, owner_a
):
    login(client, owner_a)

    response = client.post(
        reverse("web:notification_marketing"), {"channel": "email", "decision": "opt_in"}
    )

    assert response.status_code == 400
    assert "Tick the box to give your consent." in html(response)
    assert not MarketingConsent.objects.exists()


@pytest.mark.django_db
def test_marketing_by_email_is_confirmed_by_a_link_sent_to_the_address__NTF_01(
    client, owner_a, client_a
):
    login(client, owner_a)

    response = client.post(
        reverse("web:notification_marketing"),
        {"channel": "email", "decision": "opt_in", "agree": "on"},
        follow=True,
    )

    assert "We sent a confirmation link" in html(response)
    consent = MarketingConsent.objects.get(client=client_a, channel="email")
    assert (consent.state, consent.source) == (ConsentState.REQUESTED, "client_area")
    change = MarketingConsentChange.objects.get(consent=consent)
    assert (change.state, change.actor_id, change.wording_version) == (
        ConsentState.REQUESTED,
        owner_a.pk,
        "1",
    )
    confirm = Notification.objects.get(client=client_a, event="marketing_opt_in_confirm")
    assert "/notifications/opt-in/" in confirm.context["confirm_url"]


@pytest.mark.django_db
def test_marketing_by_sms_counts_at_once_and_is_withdrawn_here__NTF_01(client, owner_a, client_a):
    login(client, owner_a)
    url = reverse("web:notification_marketing")

    client.post(url, {"channel": "sms", "decision": "opt_in", "agree": "on"})
    given = MarketingConsent.objects.get(client=client_a, channel="sms").state
    page = html(client.post(url, {"channel": "sms", "decision": "opt_out"}, follow=True))

    assert given == ConsentState.CONFIRMED
    assert MarketingConsent.objects.get(client=client_a, channel="sms").state == (
        ConsentState.WITHDRAWN
    )
    assert "You will get no offers or news by SMS." in page


@pytest.mark.django_db
def test_only_the_owner_changes_notification_settings__NTF_01(client, client_a, readonly_user):
    login(client, readonly_user, client_public_id=client_a.public_id)

    page = html(client.get(reverse("web:notification_preferences")))
    refused = client.post(
        reverse("web:notification_marketing"),
        {"channel": "sms", "decision": "opt_in", "agree": "on"},
    )

    assert "Only the account owner can change these settings." in page
    assert refused.status_code == 403
    assert not MarketingConsent.objects.exists()


# ----------------------------------------------------------------------------- staff: templates


@pytest.fixture
def admin(client, db):
    return login(client, make_staff_user("administrator"))


TEMPLATE_ARGS = ["payment_reminder", "et"]


@pytest.mark.django_db
def test_template_page_previews_the_text_in_force_with_example_values__NTF_02(admin):
    page = html(admin.get(reverse("web:staff_notification_template", args=TEMPLATE_ARGS)))

    assert "2027-000123" in page  # the example invoice number of the preview
    assert "The default text is in force." in page


@pytest.mark.django_db
def test_live_preview_renders_the_posted_text_and_saves_nothing__NTF_02(admin):
    url = reverse("web:staff_notification_template_preview", args=TEMPLATE_ARGS)

    shown = html(admin.post(url, {"subject": "Arve {{ invoice_number }}", "body": "Tere!"}))
    broken = html(admin.post(url, {"subject": "Arve", "body": "{% endif %}"}))

    assert "Arve 2027-000123" in shown
    assert "The body is not a valid template" in broken
    assert not MessageTemplate.objects.exists()


@pytest.mark.django_db
def test_saving_a_template_makes_a_new_version_and_restore_puts_the_default_back__NTF_02(
    admin,
):
    url = reverse("web:staff_notification_template", args=TEMPLATE_ARGS)

    saved = admin.post(url, {"subject": "Arve {{ invoice_number }}", "body": "Tere!"})
    listed = html(admin.get(reverse("web:staff_notification_templates")))
    restored = admin.post(reverse("web:staff_notification_template_restore", args=TEMPLATE_ARGS))

    assert saved.status_code == 302 and restored.status_code == 302
    assert "Edited" in listed and "v1" in listed
    versions = list(
        MessageTemplate.objects.filter(event="payment_reminder", language="et")
        .order_by("version")
        .values_list("version", "subject", "restores_default")
    )
    assert versions == [(1, "Arve {{ invoice_number }}", False), (2, "", True)]
    assert "The default text is in force." in html(admin.get(url))


@pytest.mark.django_db
def test_an_invalid_template_is_refused_and_nothing_saved__NTF_02(admin):
    url = reverse("web:staff_notification_template", args=TEMPLATE_ARGS)

    response = admin.post(url, {"subject": "{% if %}", "body": "Tere!"})

    assert response.status_code == 400
    assert "Unexpected end of expression in if tag." in html(response)
    assert not MessageTemplate.objects.exists()


@pytest.mark.django_db
def test_the_preview_button_without_javascript_shows_the_text_unsaved__NTF_02(admin):
    url = reverse("web:staff_notification_template", args=TEMPLATE_ARGS)

    response = admin.post(url, {"subject": "Proov {{ client_name }}", "body": "B", "preview": "1"})

    assert response.status_code == 200 and "Proov Mari Tamm" in html(response)
    assert not MessageTemplate.objects.exists()


@pytest.mark.django_db
def test_an_unknown_event_or_language_is_not_found__NTF_02(admin):
    for args in (["no_such_event", "en"], ["payment_reminder", "de"]):
        assert admin.get(reverse("web:staff_notification_template", args=args)).status_code == 404


# ----------------------------------------------------------------------------- staff: outbox


@pytest.mark.django_db
def test_outbox_filters_by_state_and_channel__NTF_02(client, client_a):
    ids = make_notifications(client_a)
    login(client, make_staff_user("support"))

    failed = html(client.get(reverse("web:staff_outbox") + "?state=failed"))
    sent = html(client.get(reverse("web:staff_outbox") + "?state=sent&channel=email"))

    assert ids["failed_delivery"] in failed
    rows = 'href="/staff/notifications/outbox/dlv_'
    assert failed.count(rows) == 1
    assert ids["failed_delivery"] not in sent and sent.count(rows) == 1


@pytest.mark.django_db
def test_delivery_page_shows_attempts_and_records_the_personal_data_read__NTF_02(client, client_a):
    ids = make_notifications(client_a)
    support = make_staff_user("support")
    login(client, support)

    page = html(client.get(reverse("web:staff_outbox_delivery", args=[ids["failed_delivery"]])))

    assert page.count("Connection refused by the mail server") >= 6
    assert "Send again" in page
    read = AuditEvent.objects.filter(action=PERSONAL_DATA_READ, actor=support).get()
    assert read.subject_client_id == client_a.pk


@pytest.mark.django_db
def test_a_failed_delivery_is_sent_again_once__NTF_02(client, client_a):
    ids = make_notifications(client_a)
    login(client, make_staff_user("billing"))
    url = reverse("web:staff_outbox_resend", args=[ids["failed_delivery"]])

    first = html(client.post(url, follow=True))
    again = html(client.post(url, follow=True))

    assert "is queued" in first
    assert "Only a failed or interrupted delivery can be sent again." in again
    delivery = Delivery.objects.get(public_id=ids["failed_delivery"])
    assert delivery.state == DeliveryState.PENDING


# ----------------------------------------------------------------------------- announcements


@pytest.mark.django_db
def test_maintenance_is_announced_to_the_clients_of_the_affected_family__SUP_04(
    client,
    client_a,
    client_b,
    make_service,  # noqa: F811  (the imported fixture)
    shop,  # noqa: F811  (the imported fixture)
):
    make_service(client_a)  # a VPS
    make_service(client_b, tariff=shop.vps_start, status="terminated")
    login(client, make_staff_user("support"))

    created = client.post(
        reverse("web:staff_announcement_new"),
        {
            "kind": "maintenance",
            "subject": "Storage maintenance",
            "body": "The storage of the VPS platform is upgraded.",
            "audience": "families",
            "family_codes": "vps",
            "starts_at": "2030-01-10T02:00",
            "ends_at": "2030-01-10T04:00",
            "subject_et": "Salvestuse hooldus",
        },
    )
    announcement = Announcement.objects.get()
    published = html(
        client.post(
            reverse("web:staff_announcement_publish", args=[announcement.public_id]), follow=True
        )
    )

    assert created.status_code == 302
    assert (announcement.kind, announcement.family_ids) == ("maintenance", ["vps"])
    assert announcement.translations == {"et": {"subject": "Salvestuse hooldus", "body": ""}}
    assert "1 client will get the announcement" in published
    row = Notification.objects.get(announcement=announcement)
    assert (row.client_id, row.event) == (client_a.pk, "maintenance_planned")


@pytest.mark.django_db
def test_a_policy_change_needs_its_effective_day_and_an_existing_audience__NTF_03(client, db):
    login(client, make_staff_user("administrator"))
    url = reverse("web:staff_announcement_new")
    base = {"kind": "policy_change", "subject": "New terms", "body": "Section 7."}

    no_day = client.post(url, {**base, "audience": "all"})
    unknown = client.post(
        url,
        {**base, "audience": "tariffs", "tariff_ids": "tar_nothere", "effective_on": "2030-01-01"},
    )

    assert no_day.status_code == 400 and "Say when the change takes effect." in html(no_day)
    assert unknown.status_code == 400 and "tar_nothere" in html(unknown)
    assert not Announcement.objects.exists()


# ----------------------------------------------------------------------------- in a browser

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = os.environ.get("HOSTLEDGER_SCREENSHOT_DIR", "")


@pytest.fixture
def browser(monkeypatch):
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        context = launched.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            page.goto("about:blank")
            context.close()
            launched.close()


def _signed_in(page, live_server, user) -> None:
    from django.test import Client as HttpClient

    http = HttpClient()
    http.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "url": live_server.url, "value": http.cookies["sessionid"].value}]
    )


def _snap(page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_navigation_shows_the_unread_count_in_a_browser__NTF_01(live_server, browser, policies):
    owner = make_client_user("kati@example.com", first_name="Kati", last_name="Kask")
    for minutes in (1, 2, 3):
        message(owner.client, minutes_ago=minutes)
    _signed_in(browser, live_server, owner)

    browser.goto(live_server.url + reverse("web:notification_inbox"))
    browser.locator("#nav-unread .badge").get_by_text("3").wait_for()
    _snap(browser, "client_inbox")
    browser.locator("table a").first.click()
    browser.locator("#nav-unread .badge").get_by_text("2").wait_for()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_template_preview_follows_the_text_as_it_is_typed__NTF_02(live_server, browser):
    _signed_in(browser, live_server, make_staff_user("administrator"))

    browser.goto(live_server.url + reverse("web:staff_notification_template", args=TEMPLATE_ARGS))
    browser.fill("#id_subject", "Arve {{ invoice_number }} ootab, {{ client_name }}")
    browser.locator("#template-preview").get_by_text("Arve 2027-000123 ootab, Mari Tamm").wait_for()
    _snap(browser, "staff_template_preview")
    assert not MessageTemplate.objects.exists()
