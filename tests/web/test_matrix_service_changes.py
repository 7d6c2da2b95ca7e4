"""Who may open every plan change, cancellation, withdrawal and contract page of both areas
and send its forms (ACC-06, ACC-09, ACC-11, habit 6; ORD-04, ORD-06, ORD-07, ORD-08).

The actors are those of tests/web/test_authorization_matrix.py (its World, by import):
anonymous visitors are sent to sign in; client B gets 404 for A's services; a read-only
trusted user of A reads the pages and never writes (403); staff without a client account are
sent to the staff area. The staff list of open cancellations needs ``clients.view`` (every
default role); carrying one out and changing a service on the client's behalf need
``services.manage`` (support and administrators); clients get 403 there. Every refused POST
leaves the database as it was; every allowed one changes it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hostledger.subscriptions.actions import (
    AddOnChoice,
    order_place,
    service_cancellation_request,
    service_plan_change,
)
from hostledger.subscriptions.models import Service, ServiceCancellation
from tests.subscriptions.factories import Catalog, build_catalog, fund, written_rows
from tests.web.conftest import STAFF_ROLES
from tests.web.test_authorization_matrix import (  # noqa: F401  (built_world is a fixture)
    ACTORS,
    World,
    built_world,
    client_page,
    database_state,
    staff_page,
)

MANAGE_ROLES = ("support", "administrator")


@dataclass
class ChangesWorld:
    """The World of the main matrix plus client A's services, all paid for one month from
    today: ``running`` with nothing open, ``upgrading`` with an upgrade awaiting payment and
    ``ending`` with a cancellation due today."""

    base: World
    shop: Catalog
    running: Service
    upgrading: Service
    ending: Service
    due: ServiceCancellation

    def sign_in(self, http, actor: str):
        return self.base.sign_in(http, actor)


def _paid_vps(client, shop) -> Service:
    fund(client, "12.28", on=timezone.localdate())
    return order_place(
        client=client,
        payer=client.payers.get(is_default=True),
        tariff=shop.vps_start,
        period_months=1,
        start_at_once=True,  # the consumer asks for an early start (ORD-07)
        os_image=shop.debian,
        actor=client.owner,
    ).services.get()


@pytest.fixture(scope="module")
def built_changes_world(built_world) -> ChangesWorld:  # noqa: F811  (the imported fixture)
    """Built once for the module, in the transaction of ``built_world``."""
    return build_changes_world(built_world)


@pytest.fixture
def changes_world(built_changes_world, db) -> ChangesWorld:
    return built_changes_world


def build_changes_world(world: World) -> ChangesWorld:
    shop = build_catalog()
    client_a = world.client_a
    running = _paid_vps(client_a, shop)
    upgrading = _paid_vps(client_a, shop)
    ending = _paid_vps(client_a, shop)
    service_plan_change(  # the balance is 0.00: the upgrade waits for its payment
        service=upgrading, add_ons=[AddOnChoice(shop.extra_ipv4, 1)], actor=client_a.owner
    )
    today = timezone.localdate()
    due = service_cancellation_request(
        service=ending,
        effective_on=today,
        actor=client_a.owner,
        today=today - timedelta(days=30),
    )
    return ChangesWorld(world, shop, running, upgrading, ending, due)


def state() -> dict:
    return {**database_state(), **written_rows()}


@dataclass(frozen=True)
class Endpoint:
    name: str
    expect: dict[str, int]
    args: Callable[[ChangesWorld], list] = lambda cw: []
    method: str = "GET"
    data: Callable[[ChangesWorld], dict] = lambda cw: {}
    writers: frozenset[str] = field(default_factory=frozenset)
    """Actors whose POST is expected to succeed and change the database."""
    query: Callable[[ChangesWorld], str] = lambda cw: ""

    def url(self, cw: ChangesWorld) -> str:
        return reverse(f"web:{self.name}", args=self.args(cw)) + self.query(cw)


A_ONLY_READ = client_page(owner_a=200, owner_b=404, readonly_a=200)
A_WRITES = client_page(owner_a=302, owner_b=404, readonly_a=403)
STAFF_READ = staff_page(*STAFF_ROLES)
MANAGE_READ = staff_page(*MANAGE_ROLES)
MANAGE_WRITE = staff_page(*MANAGE_ROLES, granted=302)


def running(cw):
    return [cw.running.public_id]


def upgrading(cw):
    return [cw.upgrading.public_id]


def ending(cw):
    return [cw.ending.public_id]


def upgrade_data(cw) -> dict:
    return {
        "tariff": cw.shop.vps_large.public_id,
        f"add_on_{cw.shop.extra_ipv4.public_id}": "0",
        f"add_on_{cw.shop.backups.public_id}": "0",
    }


def later_day(cw) -> dict:
    return {"effective_on": (timezone.localdate() + timedelta(days=60)).isoformat()}


def client_write(name: str, args, data=lambda cw: {}) -> Endpoint:
    return Endpoint(name, A_WRITES, args, "POST", data, frozenset({"owner_a"}))


def staff_write(name: str, args, data=lambda cw: {}) -> Endpoint:
    return Endpoint(name, MANAGE_WRITE, args, "POST", data, frozenset(MANAGE_ROLES))


ENDPOINTS = [
    # ---- client pages
    Endpoint("service_plan_change", A_ONLY_READ, running),
    Endpoint("service_cancel", A_ONLY_READ, running),
    Endpoint("service_withdrawal", A_ONLY_READ, running),
    Endpoint("service_contract", A_ONLY_READ, running),
    # ---- client writes
    client_write("service_plan_change", running, upgrade_data),
    client_write("service_plan_change_withdraw", upgrading),
    client_write("service_cancel", running, later_day),
    client_write("service_cancellation_withdraw", ending),
    client_write("service_withdrawal", running, lambda cw: {"confirm": "on"}),
    client_write("service_contract_notice", running, lambda cw: {"kind": "termination"}),
    # ---- staff pages
    Endpoint("staff_cancellations", STAFF_READ),
    Endpoint("staff_service_plan_change", MANAGE_READ, running),
    Endpoint("staff_service_end", MANAGE_READ, running),
    # ---- staff writes
    staff_write("staff_cancellation_carry_out", lambda cw: [cw.due.public_id]),
    staff_write("staff_service_plan_change", running, upgrade_data),
    staff_write("staff_service_plan_change_withdraw", upgrading),
    staff_write("staff_service_end", running, later_day),
    staff_write(
        "staff_service_contract_notice",
        running,
        lambda cw: {"kind": "non_renewal", "party": "provider"},
    ),
    staff_write("staff_service_cancellation_withdraw", ending),
]

CASES = [
    pytest.param(endpoint, actor, id=f"{endpoint.method} {endpoint.name} as {actor}")
    for endpoint in ENDPOINTS
    for actor in ACTORS
]


def test_every_url_of_both_service_change_modules_is_in_the_table():
    """A new URL in urls_client_service_changes or urls_staff_service_changes fails here
    until this matrix names it."""
    from hostledger.web import urls_client_service_changes, urls_staff_service_changes

    patterns = urls_client_service_changes.urlpatterns + urls_staff_service_changes.urlpatterns
    assert {pattern.name for pattern in patterns} == {endpoint.name for endpoint in ENDPOINTS}
    for endpoint in ENDPOINTS:
        assert set(endpoint.expect) == set(ACTORS), endpoint.name
    pairs = [(endpoint.name, endpoint.method) for endpoint in ENDPOINTS]
    assert len(pairs) == len(set(pairs)), "each page and endpoint appears once"


@pytest.mark.parametrize(("endpoint", "actor"), CASES)
def test_service_change_pages_authorization_matrix__ACC_06_ACC_11_ORD_04_ORD_06_ORD_07_ORD_08(
    endpoint: Endpoint, actor: str, changes_world: ChangesWorld, client
):
    http = changes_world.sign_in(client, actor)
    before = state() if endpoint.method == "POST" else None
    url = endpoint.url(changes_world)

    if endpoint.method == "GET":
        response = http.get(url)
    else:
        response = http.post(url, endpoint.data(changes_world))

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
            assert state() == before, "a refused request changed data"
