"""Who may open every notification page of both areas and send every form (NTF-01, NTF-02,
NTF-03, SUP-04; ACC-06, ACC-09, ACC-11, habit 6).

The actors and their world are those of tests/web/test_authorization_matrix.py: anonymous
visitors are sent to sign in; client B gets 404 for A's message; a read-only trusted user of
A reads A's messages and settings but changes nothing (403); staff without a client account
are sent to the staff area. Staff pages: message templates need ``settings.edit``
(administrators), the outbox ``clients.view_personal_data`` (support, billing, privacy
officers, administrators), announcements ``services.manage`` (support, administrators);
clients get 403. Every refused POST leaves the database as it was; every allowed one that
has something to change changes it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import reverse

from hostledger.notifications.actions import announcement_create
from hostledger.notifications.models import (
    Announcement,
    ChannelPreference,
    Delivery,
    MessageTemplate,
    Notification,
)
from hostledger.privacy.models import MarketingConsent
from tests.api.test_notifications_api import make_notifications
from tests.web.conftest import STAFF_ROLES
from tests.web.test_authorization_matrix import (  # noqa: F401  (built_world is a fixture)
    ACTORS,
    World,
    built_world,
    client_page,
    database_state,
    staff_page,
)

TEMPLATE_ROLES = ("administrator",)
OUTBOX_ROLES = ("support", "billing", "privacy_officer", "administrator")
ANNOUNCEMENT_ROLES = ("support", "administrator")
TEMPLATE = ["payment_reminder", "et"]


@dataclass
class NotificationWorld:
    """The main World, with an unread message of A, a failed delivery of another of A's
    messages, and a draft announcement."""

    base: World
    notification: str
    failed_delivery: str
    announcement: str

    def sign_in(self, http, actor: str):
        return self.base.sign_in(http, actor)


@pytest.fixture(scope="module")
def built_notification_world(built_world) -> NotificationWorld:  # noqa: F811  (imported fixture)
    """Built once for the module, in the transaction of ``built_world``."""
    ids = make_notifications(built_world.client_a)
    draft = announcement_create(
        kind="maintenance",
        subject="Network maintenance",
        body="The network is upgraded.",
        audience="all",
        starts_at=None,
        actor=built_world.staff["administrator"],
    )
    return NotificationWorld(
        built_world, ids["notification"], ids["failed_delivery"], draft.public_id
    )


@pytest.fixture
def notification_world(built_notification_world, db) -> NotificationWorld:
    return built_notification_world


def state() -> dict:
    return {
        **database_state(),
        "messages": list(Notification.objects.order_by("pk").values_list("pk", "read_at")),
        "deliveries": list(
            Delivery.objects.order_by("pk").values_list("pk", "state", "next_attempt_at")
        ),
        "preferences": list(ChannelPreference.objects.order_by("pk").values_list("pk", "enabled")),
        "consents": list(MarketingConsent.objects.order_by("pk").values_list("pk", "state")),
        "templates": MessageTemplate.objects.count(),
        "announcements": list(
            Announcement.objects.order_by("pk").values_list("pk", "published_at")
        ),
    }


@dataclass(frozen=True)
class Endpoint:
    name: str
    expect: dict[str, int]
    args: Callable[[NotificationWorld], list] = lambda nw: []
    method: str = "GET"
    data: Callable[[NotificationWorld], dict] = lambda nw: {}
    writers: frozenset[str] = field(default_factory=frozenset)
    """Actors whose POST is expected to succeed and change the database."""

    def url(self, nw: NotificationWorld) -> str:
        return reverse(f"web:{self.name}", args=self.args(nw))


def staff_write(name, roles, args, data) -> Endpoint:
    return Endpoint(name, staff_page(*roles, granted=302), args, "POST", data, frozenset(roles))


ENDPOINTS = [
    # ---- client area (NTF-01)
    Endpoint("notification_inbox", client_page(owner_a=200, owner_b=200, readonly_a=200)),
    Endpoint(
        "notification",
        client_page(owner_a=200, owner_b=404, readonly_a=200),
        lambda nw: [nw.notification],
    ),
    Endpoint("notification_unread_badge", client_page(owner_a=200, owner_b=200, readonly_a=200)),
    Endpoint(
        "notification_read_all",
        client_page(owner_a=302, owner_b=302, readonly_a=403),
        method="POST",
        writers=frozenset({"owner_a"}),  # B has nothing unread
    ),
    Endpoint("notification_preferences", client_page(owner_a=200, owner_b=200, readonly_a=200)),
    Endpoint(
        "notification_preferences",
        client_page(owner_a=302, owner_b=302, readonly_a=403),
        method="POST",
        data=lambda nw: {"billing": "on"},
        writers=frozenset({"owner_a", "owner_b"}),
    ),
    Endpoint(
        "notification_marketing",
        client_page(owner_a=302, owner_b=302, readonly_a=403),
        method="POST",
        data=lambda nw: {"channel": "sms", "decision": "opt_in", "agree": "on"},
        writers=frozenset({"owner_a", "owner_b"}),
    ),
    # ---- staff: message templates (NTF-02), settings.edit
    Endpoint("staff_notification_templates", staff_page(*TEMPLATE_ROLES)),
    Endpoint("staff_notification_template", staff_page(*TEMPLATE_ROLES), lambda nw: TEMPLATE),
    staff_write(
        "staff_notification_template",
        TEMPLATE_ROLES,
        lambda nw: TEMPLATE,
        lambda nw: {"subject": "Arve {{ invoice_number }}", "body": "Tere!", "sms_text": ""},
    ),
    Endpoint(
        "staff_notification_template_preview",
        staff_page(*TEMPLATE_ROLES),
        lambda nw: TEMPLATE,
        "POST",
        lambda nw: {"subject": "Arve {{ invoice_number }}", "body": "Tere!"},
    ),
    staff_write(
        "staff_notification_template_restore", TEMPLATE_ROLES, lambda nw: TEMPLATE, lambda nw: {}
    ),
    # ---- staff: outbox (NTF-02), clients.view_personal_data
    Endpoint("staff_outbox", staff_page(*OUTBOX_ROLES)),
    Endpoint("staff_outbox_delivery", staff_page(*OUTBOX_ROLES), lambda nw: [nw.failed_delivery]),
    staff_write(
        "staff_outbox_resend", OUTBOX_ROLES, lambda nw: [nw.failed_delivery], lambda nw: {}
    ),
    # ---- staff: announcements (NTF-03, SUP-04), services.manage
    Endpoint("staff_announcements", staff_page(*ANNOUNCEMENT_ROLES)),
    Endpoint("staff_announcement_new", staff_page(*ANNOUNCEMENT_ROLES)),
    Endpoint("staff_announcement", staff_page(*ANNOUNCEMENT_ROLES), lambda nw: [nw.announcement]),
    staff_write(
        "staff_announcement_new",
        ANNOUNCEMENT_ROLES,
        lambda nw: [],
        lambda nw: {
            "kind": "policy_change",
            "subject": "New terms",
            "body": "Section 7 changes.",
            "audience": "all",
            "effective_on": "2030-01-01",
        },
    ),
    staff_write(
        "staff_announcement_publish",
        ANNOUNCEMENT_ROLES,
        lambda nw: [nw.announcement],
        lambda nw: {},
    ),
]

CASES = [
    pytest.param(endpoint, actor, id=f"{endpoint.method} {endpoint.name} as {actor}")
    for endpoint in ENDPOINTS
    for actor in ACTORS
]


def test_every_notification_page_and_endpoint_is_in_the_table():
    """A new URL of the notification pages fails here until this matrix names it."""
    from hostledger.web import urls_client_notifications, urls_staff_notifications

    names = {
        pattern.name
        for module in (urls_client_notifications, urls_staff_notifications)
        for pattern in module.urlpatterns
    }
    assert names == {endpoint.name for endpoint in ENDPOINTS}
    for endpoint in ENDPOINTS:
        assert set(endpoint.expect) == set(ACTORS), endpoint.name
    pairs = [(endpoint.name, endpoint.method) for endpoint in ENDPOINTS]
    assert len(pairs) == len(set(pairs)), "each page and endpoint appears once"


@pytest.mark.parametrize(("endpoint", "actor"), CASES)
def test_notification_pages_matrix__NTF_01_NTF_02_NTF_03_SUP_04_ACC_06_ACC_11(
    endpoint: Endpoint, actor: str, notification_world: NotificationWorld, client
):
    http = notification_world.sign_in(client, actor)
    url = endpoint.url(notification_world)
    before = state() if endpoint.method == "POST" else None

    response = (
        http.post(url, endpoint.data(notification_world))
        if endpoint.method == "POST"
        else http.get(url)
    )

    expected = endpoint.expect[actor]
    assert response.status_code == expected, response.content[:600]
    if expected == 302 and actor == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))
    if expected == 302 and actor in STAFF_ROLES and not endpoint.name.startswith("staff_"):
        assert response["Location"] == reverse("web:staff_home")
    if endpoint.method == "POST":
        if actor in endpoint.writers:
            assert state() != before, "an allowed write changed nothing"
        else:
            assert state() == before, "a refused or read-only request changed data"
