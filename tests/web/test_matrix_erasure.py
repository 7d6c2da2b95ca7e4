"""Who may open every privacy page of the staff area and send its forms (GDPR-04, GDPR-05,
GDPR-08; ACC-09, ACC-11).

The same actors as tests/web/test_authorization_matrix.py (its World, by import): anonymous
visitors are sent to sign in, clients get 403, staff need ``privacy.manage`` (the privacy
officer and the administrator). Every refused POST is checked to have left the database as
it was; every allowed one to have changed it.

The world adds a client without services or debt (erasable), an erased client with its
report, an open restriction and a legal hold on client A.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import reverse

from hostledger.core.models import AuditEvent
from hostledger.flows.privacy_erasure import client_erase
from hostledger.notifications.models import Notification
from hostledger.privacy.actions import legal_hold_start, processing_restriction_start
from hostledger.privacy.models import (
    ErasureReport,
    LegalHold,
    ProcessingRestriction,
    RestrictionReason,
)
from hostledger.web import urls_staff_erasure
from tests.web.conftest import STAFF_ROLES, make_client_user
from tests.web.test_authorization_matrix import (  # noqa: F401  (built_world is a fixture)
    ACTORS,
    Endpoint,
    World,
    built_world,
    database_state,
    staff_page,
)


@dataclass
class PrivacyWorld:
    world: World
    erasable_client: str
    report: str
    restriction: str
    legal_hold: str

    def sign_in(self, http, actor: str):
        return self.world.sign_in(http, actor)


@pytest.fixture(scope="module")
def built_privacy_world(built_world) -> PrivacyWorld:  # noqa: F811
    """Built once for the module, in the transaction of ``built_world``."""
    world = built_world
    officer = world.staff["privacy_officer"]
    erasable = make_client_user("leaving@example.com", first_name="Lea", last_name="Lahkuja")
    erased = make_client_user("gone@example.com", first_name="Gert", last_name="Läinud")
    report = client_erase(client=erased.client, actor=officer)
    restriction = processing_restriction_start(
        client=world.client_a,
        reason=RestrictionReason.DISPUTE,
        note="The address is disputed.",
        actor=officer,
    )
    hold = legal_hold_start(client=world.client_a, reason="Court case 2-27-1.", actor=officer)
    return PrivacyWorld(
        world,
        erasable.client.public_id,
        report.public_id,
        restriction.public_id,
        hold.public_id,
    )


@pytest.fixture
def privacy_world(built_privacy_world, db) -> PrivacyWorld:
    return built_privacy_world


def state() -> dict:
    return {
        **database_state(),
        "restrictions": list(ProcessingRestriction.objects.order_by("pk").values()),
        "holds": list(LegalHold.objects.order_by("pk").values()),
        "reports": ErasureReport.objects.count(),
        "messages": Notification.objects.count(),
        "audit_events": AuditEvent.objects.count(),
    }


OFFICERS = ("privacy_officer", "administrator")


def client_a(pw):
    return [pw.world.client_a.public_id]


ENDPOINTS = [
    Endpoint("staff_privacy", staff_page(*OFFICERS)),
    Endpoint("staff_client_privacy", staff_page(*OFFICERS), client_a),
    Endpoint(
        "staff_client_erase",
        staff_page(*OFFICERS, granted=302),
        lambda pw: [pw.erasable_client],
        method="POST",
        data=lambda pw: {"confirm": "on"},
        writers=frozenset(OFFICERS),
    ),
    Endpoint("staff_erasure_report", staff_page(*OFFICERS), lambda pw: [pw.report]),
    Endpoint(
        "staff_restriction_start",
        staff_page(*OFFICERS, granted=302),
        client_a,
        method="POST",
        data=lambda pw: {"reason": "requested", "note": "Asked by letter."},
        writers=frozenset(OFFICERS),
    ),
    Endpoint(
        "staff_restriction_lift",
        staff_page(*OFFICERS, granted=302),
        lambda pw: [pw.restriction],
        method="POST",
        data=lambda pw: {"note": "The address is corrected."},
        writers=frozenset(OFFICERS),
    ),
    Endpoint(
        "staff_legal_hold_start",
        staff_page(*OFFICERS, granted=302),
        client_a,
        method="POST",
        data=lambda pw: {"reason": "Inquiry of the authority."},
        writers=frozenset(OFFICERS),
    ),
    Endpoint(
        "staff_legal_hold_lift",
        staff_page(*OFFICERS, granted=302),
        lambda pw: [pw.legal_hold],
        method="POST",
        writers=frozenset(OFFICERS),
    ),
]

CASES = [
    pytest.param(endpoint, actor, id=f"{endpoint.method} {endpoint.name} as {actor}")
    for endpoint in ENDPOINTS
    for actor in ACTORS
]


def test_every_erasure_page_of_the_staff_area_is_in_the_table():
    assert {p.name for p in urls_staff_erasure.urlpatterns} == {e.name for e in ENDPOINTS}
    for endpoint in ENDPOINTS:
        assert set(endpoint.expect) == set(ACTORS), endpoint.name


@pytest.mark.parametrize(("endpoint", "actor"), CASES)
def test_privacy_pages_authorization_matrix__GDPR_04_GDPR_05_GDPR_08_ACC_11(
    endpoint: Endpoint, actor: str, privacy_world: PrivacyWorld, client
):
    http = privacy_world.sign_in(client, actor)
    url = endpoint.url(privacy_world)
    before = state() if endpoint.method == "POST" else None

    if endpoint.method == "POST":
        response = http.post(url, endpoint.data(privacy_world))
    else:
        response = http.get(url)

    expected = endpoint.expect[actor]
    assert response.status_code == expected, response.content[:600]
    if expected == 302 and actor == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))
    if endpoint.method == "POST":
        if actor in endpoint.writers:
            assert state() != before, "an allowed write changed nothing"
        else:
            assert state() == before, "a refused or read-only request changed data"
    if expected == 200 and actor in STAFF_ROLES:
        assert b"<h1>" in response.content
