"""Who may open every privacy page of the client and staff areas and send its forms (GDPR-03,
GDPR-07; ACC-06, ACC-09, ACC-11, habit 6).

The same actors as tests/web/test_authorization_matrix.py (its World, by import). Requests are
the data subject's: the owner of A reads and files them; client B gets 404 for A's requests; a
read-only trusted user of A gets 403. Filing and confirming pass allauth's re-authentication
check, which lets users without a password through (they have nothing to re-authenticate
with): their requests wait for verification by staff, and a confirmation changes nothing
(tests/privacy/test_request_pages.py signs in with a password). Staff pages need
``privacy.manage`` (privacy officer, administrator); corrections need ``clients.edit`` (the
same two roles). Every refused POST is checked to have left the database as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hostledger.privacy.actions_requests import request_file
from hostledger.privacy.models import DataSubjectRequest, Objection
from hostledger.web import urls_client_requests, urls_staff_requests
from tests.web.conftest import STAFF_ROLES
from tests.web.test_authorization_matrix import (  # noqa: F401  (built_world is a fixture)
    ACTORS,
    Endpoint,
    World,
    built_world,
    client_page,
    database_state,
    staff_page,
)

PRIVACY_STAFF = ("privacy_officer", "administrator")
CLIENT_FIELDS = ("first_name", "last_name", "street", "city", "postal_code", "country", "phone")


@dataclass
class PrivacyWorld:
    """The World of the main matrix, plus A's request filed through the API (awaiting
    verification) and one filed in the client area (in progress)."""

    world: World
    waiting: DataSubjectRequest
    verified: DataSubjectRequest
    objection: DataSubjectRequest

    def sign_in(self, http, actor: str):
        return self.world.sign_in(http, actor)


@pytest.fixture(scope="module")
def built_privacy_world(built_world) -> PrivacyWorld:  # noqa: F811
    world = built_world
    waiting = request_file(client=world.client_a, actor=world.owner_a, kind="access", channel="api")
    verified = request_file(
        client=world.client_a,
        actor=world.owner_a,
        kind="rectification",
        details="My street is Pikk 2.",
        reauthentication="password_reauthentication",
    )
    objection = request_file(
        client=world.client_a,
        actor=world.owner_a,
        kind="objection",
        details="No more offers, please.",
        reauthentication="password_reauthentication",
    )
    return PrivacyWorld(world, waiting, verified, objection)


@pytest.fixture
def privacy_world(built_privacy_world, db) -> PrivacyWorld:
    return built_privacy_world


def state() -> dict:
    return {
        **database_state(),
        "requests": list(DataSubjectRequest.objects.order_by("pk").values()),
        "objections": list(Objection.objects.order_by("pk").values()),
    }


def waiting(pw):
    return [pw.waiting.public_id]


def verified(pw):
    return [pw.verified.public_id]


def objection_request(pw):
    return [pw.objection.public_id]


def client_a(pw):
    return [pw.world.client_a.public_id]


def corrected(pw) -> dict:
    client = pw.world.client_a
    return {
        **{name: getattr(client, name) for name in CLIENT_FIELDS},
        "street": "Pikk 2",
        "reason": "The client's letter of 3 May.",
    }


ENDPOINTS = [
    # ---- client area
    Endpoint("privacy_request_list", client_page(owner_a=200, owner_b=200, readonly_a=403)),
    Endpoint("privacy_request_new", client_page(owner_a=200, owner_b=200, readonly_a=403)),
    Endpoint(
        "privacy_request_new",
        client_page(owner_a=302, owner_b=302, readonly_a=403),
        method="POST",
        data=lambda pw: {"kind": "erasure"},
        writers=frozenset({"owner_a", "owner_b"}),
    ),
    Endpoint(
        "privacy_request",
        client_page(owner_a=200, owner_b=404, readonly_a=403),
        waiting,
    ),
    Endpoint(
        "privacy_request_confirm",
        client_page(owner_a=302, owner_b=404, readonly_a=403),
        waiting,
        method="POST",
    ),
    Endpoint(
        "privacy_request_withdraw",
        client_page(owner_a=302, owner_b=404, readonly_a=403),
        waiting,
        method="POST",
        writers=frozenset({"owner_a"}),
    ),
    Endpoint(
        "privacy_objection_file",
        client_page(owner_a=302, owner_b=302, readonly_a=403),
        method="POST",
        data=lambda pw: {"processing": "profiling", "grounds": ""},
        writers=frozenset({"owner_a", "owner_b"}),
    ),
    # ---- staff area
    Endpoint("staff_privacy_queue", staff_page(*PRIVACY_STAFF)),
    Endpoint("staff_privacy_request", staff_page(*PRIVACY_STAFF), waiting),
    Endpoint(
        "staff_privacy_request_verify",
        staff_page(*PRIVACY_STAFF, granted=302),
        waiting,
        method="POST",
        data=lambda pw: {"verify-note": "Called back on the number on file."},
        writers=frozenset(PRIVACY_STAFF),
    ),
    Endpoint(
        "staff_privacy_request_extend",
        staff_page(*PRIVACY_STAFF, granted=302),
        waiting,
        method="POST",
        data=lambda pw: {"extend-months": "1", "extend-reason": "Ten years of records."},
        writers=frozenset(PRIVACY_STAFF),
    ),
    Endpoint(
        "staff_privacy_request_respond",
        staff_page(*PRIVACY_STAFF, granted=302),
        verified,
        method="POST",
        data=lambda pw: {"respond-response": "Corrected by phone."},
        writers=frozenset(PRIVACY_STAFF),
    ),
    Endpoint(
        "staff_privacy_request_refuse",
        staff_page(*PRIVACY_STAFF, granted=302),
        waiting,
        method="POST",
        data=lambda pw: {"refuse-reason": "Identity could not be verified."},
        writers=frozenset(PRIVACY_STAFF),
    ),
    Endpoint(
        "staff_privacy_request_objection",
        staff_page(*PRIVACY_STAFF, granted=302),
        objection_request,
        method="POST",
        data=lambda pw: {"objection-processing": "marketing"},
        writers=frozenset(PRIVACY_STAFF),
    ),
    Endpoint("staff_privacy_request_record", staff_page(*PRIVACY_STAFF), client_a),
    Endpoint(
        "staff_privacy_request_record",
        staff_page(*PRIVACY_STAFF, granted=302),
        client_a,
        method="POST",
        data=lambda pw: {
            "kind": "portability",
            "channel": "letter",
            "received_on": (timezone.localdate() - timedelta(days=3)).isoformat(),
            "details": "",
            "verification_note": "Signature matches the contract.",
        },
        writers=frozenset(PRIVACY_STAFF),
    ),
    Endpoint("staff_client_rectify", staff_page(*PRIVACY_STAFF), client_a),
    Endpoint(
        "staff_client_rectify",
        staff_page(*PRIVACY_STAFF, granted=302),
        client_a,
        method="POST",
        data=corrected,
        writers=frozenset(PRIVACY_STAFF),
    ),
]

CASES = [
    pytest.param(endpoint, actor, id=f"{endpoint.method} {endpoint.name} as {actor}")
    for endpoint in ENDPOINTS
    for actor in ACTORS
]


def test_every_privacy_page_of_both_areas_is_in_the_table():
    """A new URL in urls_client_requests or urls_staff_requests fails here until this matrix
    names it, with every actor."""
    patterns = {
        pattern.name
        for pattern in urls_client_requests.urlpatterns + urls_staff_requests.urlpatterns
    }
    assert patterns == {endpoint.name for endpoint in ENDPOINTS}
    for endpoint in ENDPOINTS:
        assert set(endpoint.expect) == set(ACTORS), endpoint.name
    pairs = [(endpoint.name, endpoint.method) for endpoint in ENDPOINTS]
    assert len(pairs) == len(set(pairs)), "each page and endpoint appears once"


@pytest.mark.parametrize(("endpoint", "actor"), CASES)
def test_privacy_pages_authorization_matrix__GDPR_07_GDPR_03_ACC_06_ACC_11(
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
    if expected == 302 and actor in STAFF_ROLES and not endpoint.name.startswith("staff_"):
        assert response["Location"] == reverse("web:staff_home")
    if endpoint.method == "POST":
        if actor in endpoint.writers:
            assert state() != before, "an allowed write changed nothing"
        else:
            assert state() == before, "a refused or read-only request changed data"
