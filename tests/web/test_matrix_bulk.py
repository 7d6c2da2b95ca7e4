"""Who may send the bulk-action forms of the staff lists and open a bulk job's page (ACC-09,
ACC-11, habit 6).

The actors are those of tests/web/test_authorization_matrix.py (its World, by import). Each
bulk form needs the permission of its single action: suspending services
``services.manage`` (support, administrator), payment reminders ``billing.manage``
(billing, administrator), assigning tickets ``tickets.answer`` (support, billing,
administrator). A bulk job's page is for who started it and for staff who see job runs
(billing, administrator); other staff get 404. Every refused POST leaves the database as it
was (nothing queued); every allowed one queues a job.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import reverse

from hostledger.core.bulk_jobs import bulk_job_queue
from hostledger.core.models import JobRun
from hostledger.flows.bulk_actions import ASSIGN_TICKETS
from tests.web.conftest import STAFF_ROLES
from tests.web.test_authorization_matrix import (  # noqa: F401  (built_world is a fixture)
    ACTORS,
    World,
    built_world,
    database_state,
    staff_page,
)


@dataclass
class BulkWorld:
    """The World of the main matrix plus one bulk job the administrator started."""

    base: World
    run: JobRun

    def sign_in(self, http, actor: str):
        return self.base.sign_in(http, actor)


@pytest.fixture(scope="module")
def built_bulk_world(built_world) -> BulkWorld:  # noqa: F811  (the imported fixture)
    run = bulk_job_queue(
        action=ASSIGN_TICKETS,
        public_ids=["tkt_none"],
        actor=built_world.staff["administrator"],
        parameters={"assignee": ""},
    )
    return BulkWorld(built_world, run)


@pytest.fixture
def bulk_world(built_bulk_world, db) -> BulkWorld:
    return built_bulk_world


@dataclass(frozen=True)
class Endpoint:
    name: str
    expect: dict[str, int]
    args: Callable[[BulkWorld], list] = lambda bw: []
    method: str = "GET"
    data: dict = field(default_factory=dict)
    writers: frozenset[str] = field(default_factory=frozenset)


def bulk_write(name: str, data: dict, *roles: str) -> Endpoint:
    return Endpoint(
        name, staff_page(*roles, granted=302), method="POST", data=data, writers=frozenset(roles)
    )


ENDPOINTS = [
    bulk_write(
        "staff_services_bulk",
        {"action": "suspend", "reason": "Abuse.", "ids": ["svc_none"]},
        "support",
        "administrator",
    ),
    bulk_write(
        "staff_invoices_bulk", {"action": "remind", "ids": ["inv_none"]}, "billing", "administrator"
    ),
    bulk_write(
        "staff_tickets_bulk",
        {"action": "assign", "assignee": "", "ids": ["tkt_none"]},
        "support",
        "billing",
        "administrator",
    ),
    Endpoint(
        "staff_bulk_job",
        {
            **staff_page("billing", "administrator"),
            **{role: 404 for role in STAFF_ROLES if role not in ("billing", "administrator")},
        },
        lambda bw: [bw.run.pk],
    ),
    # The world's job is queued, not stopped: those who may assign tickets are told so and
    # sent back to its page; nothing changes.
    Endpoint(
        "staff_bulk_job_resume",
        staff_page("support", "billing", "administrator", granted=302),
        lambda bw: [bw.run.pk],
        "POST",
    ),
]

CASES = [
    pytest.param(endpoint, actor, id=f"{endpoint.method} {endpoint.name} as {actor}")
    for endpoint in ENDPOINTS
    for actor in ACTORS
]


def test_every_bulk_url_is_in_the_table():
    """A new URL in urls_staff_bulk fails here until this matrix names it."""
    from hostledger.web import urls_staff_bulk

    assert {pattern.name for pattern in urls_staff_bulk.urlpatterns} == {
        endpoint.name for endpoint in ENDPOINTS
    }
    for endpoint in ENDPOINTS:
        assert set(endpoint.expect) == set(ACTORS), endpoint.name


@pytest.mark.parametrize(("endpoint", "actor"), CASES)
def test_bulk_actions_authorization_matrix__ACC_09_ACC_11(
    endpoint: Endpoint, actor: str, bulk_world: BulkWorld, client
):
    http = bulk_world.sign_in(client, actor)
    url = reverse(f"web:{endpoint.name}", args=endpoint.args(bulk_world))
    before = database_state() if endpoint.method == "POST" else None

    response = http.get(url) if endpoint.method == "GET" else http.post(url, endpoint.data)

    expected = endpoint.expect[actor]
    assert response.status_code == expected, response.content[:600]
    if expected == 302 and actor == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))
    if endpoint.method == "POST":
        if expected == 302 and actor != "anonymous":
            assert response["Location"].startswith("/staff/bulk/")
        if actor in endpoint.writers:
            assert database_state() != before, "an allowed bulk form queued nothing"
        else:
            assert database_state() == before, "a refused request changed data"
