"""Who may open every page of automated decisions in the client and staff areas and send
its forms (AUT-06; ACC-06, ACC-09, ACC-11, habit 6).

The same actors as tests/web/test_authorization_matrix.py (its World, by import): anonymous
visitors are sent to sign in, client B gets 404 for A's decisions, a read-only trusted user of
A reads them but cannot ask for a review (403), staff without a client account are sent to the
staff area. Every staff role reads the decisions (``clients.view``); confirming, rejecting and
answering a review need ``services.manage`` (support and the administrator). Every refused
POST is checked to have left the database as it was.

Client A has two data verification requests gone unanswered, on which the run proposed to end
the contract (``verification_terminations_propose``): one untouched, one whose review A asked
for.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import timezone

from hostledger.accounts.actions import verification_request_open
from hostledger.automation.actions import (
    decision_review_request,
    verification_terminations_propose,
)
from hostledger.automation.models import AutomatedDecision
from hostledger.subscriptions.models import Service
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
class DecisionWorld:
    """The World of the main matrix, plus two proposed terminations of A's contract."""

    world: World
    proposed: AutomatedDecision
    reviewing: AutomatedDecision

    def sign_in(self, http, actor: str):
        return self.world.sign_in(http, actor)


@pytest.fixture(scope="module")
def built_decision_world(built_world) -> DecisionWorld:  # noqa: F811
    """Built once for the module, in the transaction of ``built_world``."""
    world = built_world
    officer = world.staff["administrator"]
    requests = [
        verification_request_open(client=world.client_a, question=question, actor=officer)
        for question in ("Please confirm your address.", "Please confirm your phone number.")
    ]
    verification_terminations_propose(requests, as_of=timezone.now())
    proposed, reviewing = (
        AutomatedDecision.objects.get(subject_key=f"verification:{request.public_id}")
        for request in requests
    )
    reviewing = decision_review_request(
        decision=reviewing, client=world.client_a, reason="I answered by phone."
    )
    return DecisionWorld(world, proposed, reviewing)


@pytest.fixture
def decision_world(built_decision_world, db) -> DecisionWorld:
    return built_decision_world


def state() -> dict:
    """What the decision pages can change."""
    return {
        **database_state(),
        "decisions": list(AutomatedDecision.objects.order_by("pk").values()),
        "services": list(Service.objects.order_by("pk").values_list("pk", "status")),
    }


def proposed(dw):
    return [dw.proposed.public_id]


def reviewing(dw):
    return [dw.reviewing.public_id]


EVERY_STAFF_ROLE = STAFF_ROLES
DECIDERS = ("support", "administrator")

ENDPOINTS = [
    # ---- client area
    Endpoint("decision_list", client_page(owner_a=200, owner_b=200, readonly_a=200)),
    Endpoint(
        "decision_review",
        client_page(owner_a=302, owner_b=404, readonly_a=403),
        proposed,
        method="POST",
        data=lambda dw: {f"{dw.proposed.public_id}-reason": "I paid by bank transfer."},
        writers=frozenset({"owner_a"}),
    ),
    # ---- staff area: reading needs clients.view, deciding services.manage
    Endpoint("staff_decisions", staff_page(*EVERY_STAFF_ROLE)),
    Endpoint("staff_decision", staff_page(*EVERY_STAFF_ROLE), proposed),
    Endpoint(
        "staff_decision_confirm",
        staff_page(*DECIDERS, granted=302),
        proposed,
        method="POST",
        data=lambda dw: {"confirm-note": "Unanswered for weeks."},
        writers=frozenset(DECIDERS),
    ),
    Endpoint(
        "staff_decision_reject",
        staff_page(*DECIDERS, granted=302),
        proposed,
        method="POST",
        data=lambda dw: {"reject-note": "The client called us."},
        writers=frozenset(DECIDERS),
    ),
    Endpoint(
        "staff_decision_review_answer",
        staff_page(*DECIDERS, granted=302),
        reviewing,
        method="POST",
        data=lambda dw: {"answer-outcome": "The phone call is on record; rejected."},
        writers=frozenset(DECIDERS),
    ),
]

CASES = [
    pytest.param(endpoint, actor, id=f"{endpoint.method} {endpoint.name} as {actor}")
    for endpoint in ENDPOINTS
    for actor in ACTORS
]


def test_every_decision_page_of_both_areas_is_in_the_table():
    """A new URL in urls_client_decisions or urls_staff_decisions fails here until this
    matrix names it, with every actor."""
    from hostledger.web import urls_client_decisions, urls_staff_decisions

    patterns = {
        pattern.name
        for pattern in urls_client_decisions.urlpatterns + urls_staff_decisions.urlpatterns
    }
    assert patterns == {endpoint.name for endpoint in ENDPOINTS}
    for endpoint in ENDPOINTS:
        assert set(endpoint.expect) == set(ACTORS), endpoint.name
    pairs = [(endpoint.name, endpoint.method) for endpoint in ENDPOINTS]
    assert len(pairs) == len(set(pairs)), "each page and endpoint appears once"


@pytest.mark.parametrize(("endpoint", "actor"), CASES)
def test_decision_pages_authorization_matrix__AUT_06_ACC_06_ACC_11(
    endpoint: Endpoint, actor: str, decision_world: DecisionWorld, client
):
    http = decision_world.sign_in(client, actor)
    url = endpoint.url(decision_world)
    before = state() if endpoint.method == "POST" else None

    if endpoint.method == "POST":
        response = http.post(url, endpoint.data(decision_world))
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
