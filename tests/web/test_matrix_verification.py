"""Who may open every data verification page of the client and staff areas and send its
forms (ACC-10; ACC-06, ACC-09, ACC-11, habit 6).

The same actors as tests/web/test_authorization_matrix.py (its World, by import): anonymous
visitors are sent to sign in, client B gets 404 for A's requests, a read-only trusted user of
A reads them but cannot answer (403: the account's data are the owner's), staff without a
client account are sent to the staff area; the staff actions need ``clients.edit`` (the
privacy officer and the administrator). Every refused POST is checked to have left the
database as it was.

Client A has one request awaiting an answer and one answered, awaiting staff's decision.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import reverse

from hostledger.accounts.actions import verification_request_answer, verification_request_open
from hostledger.accounts.models import VerificationRequest
from hostledger.core.audit import PERSONAL_DATA_READ
from hostledger.core.models import AuditEvent
from hostledger.notifications.models import Notification
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


@dataclass
class VerificationWorld:
    """The World of the main matrix, plus A's open and answered verification requests."""

    world: World
    open_request: VerificationRequest
    answered_request: VerificationRequest

    def sign_in(self, http, actor: str):
        return self.world.sign_in(http, actor)


@pytest.fixture(scope="module")
def built_verification_world(built_world) -> VerificationWorld:  # noqa: F811
    """Built once for the module, in the transaction of ``built_world``."""
    world = built_world
    verifier = world.staff["administrator"]
    open_request = verification_request_open(
        client=world.client_a, question="Please confirm your street address.", actor=verifier
    )
    answered = verification_request_open(
        client=world.client_a, question="Please confirm your phone number.", actor=verifier
    )
    answered = verification_request_answer(
        request=answered, answer="+372 5123 4567", actor=world.owner_a
    )
    return VerificationWorld(world, open_request, answered)


@pytest.fixture
def verification_world(built_verification_world, db) -> VerificationWorld:
    return built_verification_world


def state() -> dict:
    """What the verification pages can change; staff's readings of personal data are left
    out."""
    return {
        **database_state(),
        "requests": list(VerificationRequest.objects.order_by("pk").values()),
        "messages": Notification.objects.count(),
        "audit_events": AuditEvent.objects.exclude(action=PERSONAL_DATA_READ).count(),
    }


def open_request(vw):
    return [vw.open_request.public_id]


def answered_request(vw):
    return [vw.answered_request.public_id]


VERIFIERS = ("privacy_officer", "administrator")

ENDPOINTS = [
    # ---- client area
    Endpoint("verification_list", client_page(owner_a=200, owner_b=200, readonly_a=200)),
    Endpoint(
        "verification_detail",
        client_page(owner_a=200, owner_b=404, readonly_a=200),
        open_request,
    ),
    Endpoint(
        "verification_detail",
        client_page(owner_a=302, owner_b=404, readonly_a=403),
        open_request,
        method="POST",
        data=lambda vw: {"answer": "Pikk 1, Tartu"},
        writers=frozenset({"owner_a"}),
    ),
    # ---- staff area (clients.edit)
    Endpoint(
        "staff_verification_open",
        staff_page(*VERIFIERS, granted=302),
        lambda vw: [vw.world.client_a.public_id],
        method="POST",
        data=lambda vw: {"question": "Please confirm your registry code."},
        writers=frozenset(VERIFIERS),
    ),
    Endpoint(
        "staff_verification_accept",
        staff_page(*VERIFIERS, granted=302),
        answered_request,
        method="POST",
        writers=frozenset(VERIFIERS),
    ),
    Endpoint(
        "staff_verification_reject",
        staff_page(*VERIFIERS, granted=302),
        answered_request,
        method="POST",
        data=lambda vw: {"note": "The number does not answer."},
        writers=frozenset(VERIFIERS),
    ),
    Endpoint(
        "staff_verification_withdraw",
        staff_page(*VERIFIERS, granted=302),
        open_request,
        method="POST",
        writers=frozenset(VERIFIERS),
    ),
]

CASES = [
    pytest.param(endpoint, actor, id=f"{endpoint.method} {endpoint.name} as {actor}")
    for endpoint in ENDPOINTS
    for actor in ACTORS
]


def test_every_verification_page_of_both_areas_is_in_the_table():
    """A new URL in urls_client_verification or urls_staff_verification fails here until
    this matrix names it, with every actor."""
    from hostledger.web import urls_client_verification, urls_staff_verification

    patterns = {
        pattern.name
        for pattern in urls_client_verification.urlpatterns + urls_staff_verification.urlpatterns
    }
    assert patterns == {endpoint.name for endpoint in ENDPOINTS}
    for endpoint in ENDPOINTS:
        assert set(endpoint.expect) == set(ACTORS), endpoint.name
    pairs = [(endpoint.name, endpoint.method) for endpoint in ENDPOINTS]
    assert len(pairs) == len(set(pairs)), "each page and endpoint appears once"


@pytest.mark.parametrize(("endpoint", "actor"), CASES)
def test_verification_pages_authorization_matrix__ACC_10_ACC_06_ACC_11(
    endpoint: Endpoint, actor: str, verification_world: VerificationWorld, client
):
    http = verification_world.sign_in(client, actor)
    url = endpoint.url(verification_world)
    before = state() if endpoint.method == "POST" else None

    if endpoint.method == "POST":
        response = http.post(url, endpoint.data(verification_world))
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
