"""Who may open every order and service page of both areas and send its forms (ACC-06,
ACC-09, ACC-11, habit 6).

The actors are those of tests/web/test_authorization_matrix.py (its World, by import):
anonymous visitors are sent to sign in; client B gets 404 for A's orders, services and
servers; a read-only trusted user of A reads and never writes (403); staff without a client
account are sent to the staff area. Staff pages need ``clients.view`` (every default role);
the activation queue and the life-cycle forms need ``services.manage`` (support and
administrators); clients get 403 there. Every refused POST leaves the database as it was;
every allowed one changes it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import reverse
from django.utils import timezone

from hostledger.subscriptions.actions import (
    order_place,
    pool_server_create,
    service_activate,
    service_suspend,
)
from hostledger.subscriptions.models import Order, PoolServer, Service
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
class ServicesWorld:
    """The World of the main matrix plus orders and services: client A has an active cloud
    pool with a server, a paid VPS being set up, an unpaid VPS order the balance now covers
    and a free trial; client B has a suspended VPS."""

    base: World
    shop: Catalog
    pool: Service
    server: PoolServer
    provisioning: Service
    unpaid: Order
    trial: Service
    suspended: Service

    def sign_in(self, http, actor: str):
        return self.base.sign_in(http, actor)


def _place(client, shop, tariff, **extra) -> Order:
    extra.setdefault("start_at_once", True)  # the consumer asks for an early start (ORD-07)
    return order_place(
        client=client,
        payer=client.payers.get(is_default=True),
        tariff=tariff,
        period_months=1,
        os_image=extra.pop("os_image", shop.debian),
        actor=client.owner,
        **extra,
    )


@pytest.fixture(scope="module")
def built_services_world(built_world) -> ServicesWorld:  # noqa: F811  (the imported fixture)
    """Built once for the module, in the transaction of ``built_world``."""
    return build_services_world(built_world)


@pytest.fixture
def services_world(built_services_world, db) -> ServicesWorld:
    return built_services_world


def build_services_world(world: World) -> ServicesWorld:
    admin = world.staff["administrator"]
    shop = build_catalog()
    client_a, client_b = world.client_a, world.owner_b.client
    fund(client_a, "74.40", on=timezone.localdate())
    pool = _place(client_a, shop, shop.cloud_pool, os_image=None).services.get()
    service_activate(service=pool, actor=admin)
    server = pool_server_create(
        service=pool, name="web-1", cpu=2, ram_gb=4, disk_gb=40, os_image=shop.debian, actor=None
    )
    fund(client_a, "12.28", on=timezone.localdate())
    provisioning = _place(client_a, shop, shop.vps_start).services.get()
    unpaid = _place(client_a, shop, shop.vps_start)
    fund(client_a, "12.28", on=timezone.localdate())
    trial = _place(client_a, shop, shop.vps_large, trial=True).services.get()
    fund(client_b, "12.28", on=timezone.localdate())
    suspended = _place(client_b, shop, shop.vps_start).services.get()
    service_activate(service=suspended, actor=admin)
    service_suspend(service=suspended, actor=admin, reason="Unpaid debt.")
    return ServicesWorld(world, shop, pool, server, provisioning, unpaid, trial, suspended)


def state() -> dict:
    return {**database_state(), **written_rows()}


@dataclass(frozen=True)
class Endpoint:
    name: str
    expect: dict[str, int]
    args: Callable[[ServicesWorld], list] = lambda sw: []
    method: str = "GET"
    data: Callable[[ServicesWorld], dict] = lambda sw: {}
    writers: frozenset[str] = field(default_factory=frozenset)
    """Actors whose POST is expected to succeed and change the database."""
    query: Callable[[ServicesWorld], str] = lambda sw: ""

    def url(self, sw: ServicesWorld) -> str:
        return reverse(f"web:{self.name}", args=self.args(sw)) + self.query(sw)


READ_BY_ALL = client_page(owner_a=200, owner_b=200, readonly_a=200)
A_ONLY_READ = client_page(owner_a=200, owner_b=404, readonly_a=200)
A_WRITES = client_page(owner_a=302, owner_b=404, readonly_a=403)
STAFF_READ = staff_page(*STAFF_ROLES)
MANAGE_WRITE = staff_page(*MANAGE_ROLES, granted=302)


def client_write(name: str, args, data=lambda sw: {}) -> Endpoint:
    return Endpoint(name, A_WRITES, args, "POST", data, frozenset({"owner_a"}))


def staff_write(name: str, args, data) -> Endpoint:
    return Endpoint(name, MANAGE_WRITE, args, "POST", data, frozenset(MANAGE_ROLES))


def pool_id(sw):
    return [sw.pool.public_id]


def server_args(sw):
    return [sw.pool.public_id, sw.server.public_id]


def order_id(sw):
    return [sw.unpaid.public_id]


def tariff_query(sw):
    return f"?tariff={sw.shop.vps_start.public_id}"


def order_data(sw) -> dict:
    return {
        "tariff": sw.shop.vps_start.public_id,
        "os_image": sw.shop.debian.public_id,
        "period_months": "1",
        "payer": sw.base.client_a.payers.get(is_default=True).public_id,
    }


ENDPOINTS = [
    # ---- client pages
    Endpoint("order_list", READ_BY_ALL),
    Endpoint(
        "order_new", client_page(owner_a=200, owner_b=200, readonly_a=403), query=tariff_query
    ),
    Endpoint("order_detail", A_ONLY_READ, order_id),
    Endpoint("service_list", READ_BY_ALL),
    Endpoint("service_detail", A_ONLY_READ, pool_id),
    # ---- client writes; B names A's payer, which is not one of B's (400)
    Endpoint(
        "order_new",
        client_page(owner_a=302, owner_b=400, readonly_a=403),
        method="POST",
        data=order_data,
        writers=frozenset({"owner_a"}),
    ),
    client_write("order_pay", order_id),
    client_write("order_withdraw", order_id),
    client_write(
        "service_trial_continue",
        lambda sw: [sw.trial.public_id],
        lambda sw: {"period_months": "1", "payer": order_data(sw)["payer"]},
    ),
    client_write(
        "pool_server_add",
        pool_id,
        lambda sw: {
            "name": "db-1",
            "cpu": "1",
            "ram_gb": "1",
            "disk_gb": "10",
            "os_image": sw.shop.debian.public_id,
        },
    ),
    # A reboot of the pool: its module (manual) cannot, so an application for staff is filed.
    client_write(
        "service_control", pool_id, lambda sw: {"operation": "reboot", "token": "tok-0001"}
    ),
    Endpoint(
        "service_access_reveal",
        client_page(owner_a=200, owner_b=404, readonly_a=200),
        pool_id,
        "POST",
        writers=frozenset({"owner_a", "readonly_a"}),  # each reveal is audited
    ),
    # The manual module offers no console: the page says so and nothing is written.
    Endpoint(
        "service_console", client_page(owner_a=302, owner_b=404, readonly_a=403), pool_id, "POST"
    ),
    client_write("pool_server_resize", server_args, lambda sw: {f"{sw.server.public_id}-cpu": "3"}),
    client_write("pool_server_delete", server_args),
    # ---- staff pages
    Endpoint("staff_orders", STAFF_READ),
    Endpoint("staff_order", STAFF_READ, order_id),
    Endpoint("staff_services", STAFF_READ),
    Endpoint("staff_service", STAFF_READ, pool_id),
    Endpoint("staff_activation_queue", staff_page(*MANAGE_ROLES)),
    # ---- staff writes
    staff_write(
        "staff_service_activate",
        lambda sw: [sw.provisioning.public_id],
        lambda sw: {"activate-reason": "Built by hand."},
    ),
    staff_write(
        "staff_service_host_name", pool_id, lambda sw: {"host-host_name": "pool.example.com"}
    ),
    staff_write("staff_service_suspend", pool_id, lambda sw: {"suspend-reason": "Abuse."}),
    staff_write(
        "staff_service_resume",
        lambda sw: [sw.suspended.public_id],
        lambda sw: {"resume-reason": "Debt paid."},
    ),
    staff_write(
        "staff_service_terminate",
        lambda sw: [sw.provisioning.public_id],
        lambda sw: {"terminate-reason": "Asked by the client."},
    ),
]

CASES = [
    pytest.param(endpoint, actor, id=f"{endpoint.method} {endpoint.name} as {actor}")
    for endpoint in ENDPOINTS
    for actor in ACTORS
]


def test_every_order_and_service_url_of_both_areas_is_in_the_table():
    """A new URL in urls_client_services or urls_staff_services fails here until this
    matrix names it."""
    from hostledger.web import urls_client_services, urls_staff_services

    patterns = urls_client_services.urlpatterns + urls_staff_services.urlpatterns
    assert {pattern.name for pattern in patterns} == {endpoint.name for endpoint in ENDPOINTS}
    for endpoint in ENDPOINTS:
        assert set(endpoint.expect) == set(ACTORS), endpoint.name
    pairs = [(endpoint.name, endpoint.method) for endpoint in ENDPOINTS]
    assert len(pairs) == len(set(pairs)), "each page and endpoint appears once"


@pytest.mark.parametrize(("endpoint", "actor"), CASES)
def test_order_and_service_pages_authorization_matrix__ACC_06_ACC_11_ORD_02(
    endpoint: Endpoint, actor: str, services_world: ServicesWorld, client
):
    http = services_world.sign_in(client, actor)
    before = state() if endpoint.method == "POST" else None
    url = endpoint.url(services_world)

    if endpoint.method == "GET":
        response = http.get(url)
    else:
        response = http.post(url, endpoint.data(services_world))

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
