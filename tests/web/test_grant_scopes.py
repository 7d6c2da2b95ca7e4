"""Trusted users read and write only within the scopes of their grant (ACC-06): a services
grant reads services, a billing grant billing, a read-only grant reads the whole account and
writes nothing; only the owner marks the inbox read. A refused call changes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from hostledger.accounts import actions
from hostledger.notifications.actions import notification_enqueue
from hostledger.notifications.models import Notification
from tests.api.conftest import api_by_token
from tests.web.conftest import login, make_client_user

PAGES = {"billing": "billing", "services": "service_list", "messages": "notification_inbox"}
CAN_READ = {
    "billing": {"billing"},
    "services": {"services"},
    "read_only": {"billing", "services", "messages"},
    "tickets": set(),
}


@pytest.fixture
def owner(policies):
    return make_client_user("owner@example.com")


@pytest.fixture
def unread(owner):
    return notification_enqueue(
        key="scopes:unread", client=owner.client, event="service_resumed", now=timezone.now()
    )


def _trusted(owner, scope: str):
    user = make_client_user(f"{scope.replace('_', '-')}@example.com")
    actions.access_grant_create(
        client=owner.client, actor=owner, grantee_email=user.email, scopes=[scope]
    )
    return user


@pytest.mark.parametrize("scope", sorted(CAN_READ))
def test_reads_follow_the_scope_of_the_grant__ACC_06(client, owner, unread, scope):
    user = _trusted(owner, scope)
    login(client, user, client_public_id=owner.client.public_id)
    for area, page in PAGES.items():
        expected = 200 if area in CAN_READ[scope] else 403
        assert client.get(reverse(f"web:{page}")).status_code == expected, (scope, area)
    api = api_by_token(user)
    acting = f"?client={owner.client.public_id}"
    for area, path in (("billing", "/billing/balance"), ("services", "/services")):
        expected = 200 if area in CAN_READ[scope] else 403
        assert api.get(path + acting).status_code == expected, (scope, area)
    expected = 200 if "messages" in CAN_READ[scope] else 403
    assert api.get("/notifications" + acting).status_code == expected


@pytest.mark.parametrize("scope", ["services", "billing", "read_only"])
def test_no_grant_marks_the_owners_messages_read__ACC_06(client, owner, unread, scope):
    user = _trusted(owner, scope)
    login(client, user, client_public_id=owner.client.public_id)

    client.post(reverse("web:notification_read_all"))
    client.get(reverse("web:notification", args=[unread.public_id]))
    api = api_by_token(user)
    acting = f"?client={owner.client.public_id}"
    refused = api.post(f"/notifications/{unread.public_id}/read{acting}")
    refused_all = api.post(f"/notifications/read-all{acting}")

    assert refused.status_code == refused_all.status_code == 403
    assert Notification.objects.get(pk=unread.pk).read_at is None


def test_the_owner_marks_messages_read__ACC_06(client, owner, unread):
    login(client, owner)
    client.get(reverse("web:notification", args=[unread.public_id]))
    assert Notification.objects.get(pk=unread.pk).read_at is not None
