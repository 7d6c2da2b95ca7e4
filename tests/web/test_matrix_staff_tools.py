"""Who may use the staff tools on a client's account (ACC-09, ACC-11; GDPR-12).

The actors of tests/web/test_authorization_matrix.py. Viewing as a client needs
``clients.view_as`` (support, administrator); ending a view is open to any staff member
(without a view it only says so); the activity timeline needs ``clients.view`` (every
default role). Anonymous visitors are sent to sign in; clients and trusted users get 403.
Every refused POST is checked to have left the database as it was, the audit trail and the
sign-in log included.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from hostledger.accounts.models import LoginAttempt
from hostledger.core.audit import PERSONAL_DATA_READ
from hostledger.core.models import AuditEvent
from hostledger.web.view_as import SESSION_VIEW_AS_KEY
from tests.web.conftest import STAFF_ROLES
from tests.web.test_authorization_matrix import (  # noqa: F401  (built_world, world: fixtures)
    ACTORS,
    Endpoint,
    built_world,
    database_state,
    world,
)

VIEWERS = ("support", "administrator")
CLIENT_ACTORS = ("owner_a", "owner_b", "readonly_a")


def state() -> dict:
    return {
        **database_state(),
        "audit_events": AuditEvent.objects.exclude(action=PERSONAL_DATA_READ).count(),
        "login_attempts": LoginAttempt.objects.count(),
    }


def staff_page(*roles: str, granted: int = 200) -> dict:
    return {
        "anonymous": 302,
        **dict.fromkeys(CLIENT_ACTORS, 403),
        **{role: granted if role in roles else 403 for role in STAFF_ROLES},
    }


def client_a(world):  # noqa: F811  (the World, not the fixture)
    return [world.client_a.public_id]


ENDPOINTS = [
    Endpoint(
        "staff_view_as_start",
        staff_page(*VIEWERS, granted=302),
        client_a,
        method="POST",
        writers=frozenset(VIEWERS),
    ),
    Endpoint("staff_view_as_end", staff_page(*STAFF_ROLES, granted=302), method="POST"),
    Endpoint("staff_client_timeline", staff_page(*STAFF_ROLES), client_a),
]

CASES = [
    pytest.param(endpoint, actor, id=f"{endpoint.method} {endpoint.name} as {actor}")
    for endpoint in ENDPOINTS
    for actor in ACTORS
]


def test_every_staff_tools_page_is_in_the_table():
    """A new URL in urls_staff_tools fails here until this matrix names it, with every actor."""
    from hostledger.web import urls_staff_tools

    assert {pattern.name for pattern in urls_staff_tools.urlpatterns} == {
        endpoint.name for endpoint in ENDPOINTS
    }
    for endpoint in ENDPOINTS:
        assert set(endpoint.expect) == set(ACTORS), endpoint.name


@pytest.mark.parametrize(("endpoint", "actor"), CASES)
def test_staff_tools_authorization_matrix__ACC_09_ACC_11(
    endpoint: Endpoint,
    actor: str,
    world,  # noqa: F811
    client,
):
    http = world.sign_in(client, actor)
    url = endpoint.url(world)
    before = state() if endpoint.method == "POST" else None

    response = http.post(url, endpoint.data(world)) if endpoint.method == "POST" else http.get(url)

    expected = endpoint.expect[actor]
    assert response.status_code == expected, response.content[:600]
    if expected == 302 and actor == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))
    if endpoint.method == "POST":
        if actor in endpoint.writers:
            assert state() != before, "an allowed write changed nothing"
            assert http.session[SESSION_VIEW_AS_KEY] == world.client_a.public_id
        else:
            assert state() == before, "a refused or read-only request changed data"
            assert SESSION_VIEW_AS_KEY not in http.session
