"""Who may open every DNS hosting page of the client and staff areas and send its forms
(DOM-04, PRV-02; ACC-06, ACC-09, ACC-11, habit 6).

The same actors as tests/web/test_authorization_matrix.py (its World, by import): anonymous
visitors are sent to sign in; client B gets 404 for A's zone and records, and a 400 naming
the service when it names A's service for a new zone; a read-only trusted user of A reads the
pages and is refused every change (403); staff without a client account are sent to the staff
area. Every staff role reads the zones (``clients.view``); sending a push again needs
``services.manage``. Every refused POST is checked to have left the database as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import reverse
from django.utils import timezone

from hostledger.accounts.selectors import client_access
from hostledger.catalog import actions as catalog
from hostledger.dns import actions
from hostledger.dns.models import PushStatus, Record, Zone, ZonePush
from hostledger.subscriptions.actions import order_place, service_activate
from hostledger.subscriptions.models import Service
from tests.subscriptions.factories import build_catalog, fund
from tests.web.conftest import STAFF_ROLES
from tests.web.test_authorization_matrix import (  # noqa: F401  (built_world is a fixture)
    ACTORS,
    World,
    built_world,
    client_page,
    database_state,
    staff_page,
)

MANAGERS = ("support", "administrator")


@dataclass
class DnsWorld:
    """The World of the main matrix plus DNS hosting: A and B each have an active VPS with
    the DNS hosting add-on; A hosts bücher.example with a www record whose last push
    failed."""

    base: World
    service_a: Service
    service_b: Service
    zone: Zone
    record: Record
    push: ZonePush

    def sign_in(self, http, actor: str):
        return self.base.sign_in(http, actor)


def _hosting_service(client, shop, add_on, admin) -> Service:
    fund(client, "20.00", on=timezone.localdate())
    service = order_place(
        client=client,
        payer=client.payers.get(is_default=True),
        tariff=shop.vps_start,
        period_months=1,
        os_image=shop.debian,
        add_ons=[add_on],
        actor=client.owner,
        start_at_once=True,
    ).services.get()
    service_activate(service=service, actor=admin)
    return Service.objects.get(pk=service.pk)


def build_dns_world(world: World) -> DnsWorld:
    admin = world.staff["administrator"]
    shop = build_catalog()
    add_on = catalog.add_on_create(
        family=shop.vps, code="vps-dns-hosting", name="DNS hosting", monthly_fee="0.90"
    )
    service_a = _hosting_service(world.client_a, shop, add_on, admin)
    service_b = _hosting_service(world.owner_b.client, shop, add_on, admin)
    access = client_access(world.owner_a, None)
    zone = actions.zone_create(
        service=service_a, name="bücher.example", actor=world.owner_a, access=access
    )
    record = actions.record_create(
        zone=zone,
        actor=world.owner_a,
        access=access,
        name="www",
        record_type="A",
        content="192.0.2.80",
    )
    ZonePush.objects.filter(zone=zone).update(status=PushStatus.FAILED, message="Matrix")
    push = ZonePush.objects.filter(zone=zone).latest("serial")
    return DnsWorld(world, service_a, service_b, zone, record, push)


@pytest.fixture(scope="module")
def built_dns_world(built_world) -> DnsWorld:  # noqa: F811
    """Built once for the module, in the transaction of ``built_world``."""
    return build_dns_world(built_world)


@pytest.fixture
def dns_world(built_dns_world, db) -> DnsWorld:
    return built_dns_world


def state() -> dict:
    """What the DNS pages can change."""
    return {
        **database_state(),
        **{
            model.__name__: list(model.objects.order_by("pk").values())
            for model in (Zone, Record, ZonePush)
        },
    }


@dataclass(frozen=True)
class Endpoint:
    name: str
    expect: dict[str, int]
    args: Callable[[DnsWorld], list] = lambda dw: []
    method: str = "GET"
    data: Callable[[DnsWorld], dict] = lambda dw: {}
    writers: frozenset[str] = field(default_factory=frozenset)
    """Actors whose POST is expected to succeed and change the database."""

    def url(self, dw: DnsWorld) -> str:
        return reverse(f"web:{self.name}", args=self.args(dw))


def _zone(dw: DnsWorld) -> list:
    return [dw.zone.public_id]


def _record(dw: DnsWorld) -> list:
    return [dw.zone.public_id, dw.record.public_id]


OWN_READ = client_page(owner_a=200, owner_b=404, readonly_a=200)
OWN_WRITE = client_page(owner_a=302, owner_b=404, readonly_a=403)
A_ONLY = frozenset({"owner_a"})
NEW_RECORD = {"name": "api", "record_type": "A", "content": "192.0.2.81", "ttl": "", "priority": ""}

ENDPOINTS = [
    # ---- client area (DOM-04)
    Endpoint("dns_zone_list", client_page(owner_a=200, owner_b=200, readonly_a=200)),
    Endpoint(
        "dns_zone_create",
        client_page(owner_a=302, owner_b=400, readonly_a=403),
        method="POST",
        data=lambda dw: {"service": dw.service_a.public_id, "name": "second.example"},
        writers=A_ONLY,
    ),
    Endpoint("dns_zone", OWN_READ, _zone),
    Endpoint("dns_zone_remove", OWN_WRITE, _zone, method="POST", writers=A_ONLY),
    Endpoint(
        "dns_record_create",
        OWN_WRITE,
        _zone,
        method="POST",
        data=lambda dw: NEW_RECORD,
        writers=A_ONLY,
    ),
    Endpoint("dns_record_edit", client_page(owner_a=200, owner_b=404, readonly_a=403), _record),
    Endpoint(
        "dns_record_edit",
        OWN_WRITE,
        _record,
        method="POST",
        data=lambda dw: {**NEW_RECORD, "name": "www", "content": "192.0.2.82"},
        writers=A_ONLY,
    ),
    Endpoint("dns_record_delete", OWN_WRITE, _record, method="POST", writers=A_ONLY),
    # ---- staff area (clients.view to read, services.manage to send a push again)
    Endpoint("staff_dns_zones", staff_page(*STAFF_ROLES)),
    Endpoint("staff_dns_zone", staff_page(*STAFF_ROLES), _zone),
    Endpoint(
        "staff_dns_push_retry",
        staff_page(*MANAGERS, granted=302),
        lambda dw: [dw.push.public_id],
        method="POST",
        writers=frozenset(MANAGERS),
    ),
]

CASES = [
    pytest.param(endpoint, actor, id=f"{endpoint.method} {endpoint.name} as {actor}")
    for endpoint in ENDPOINTS
    for actor in ACTORS
]


def test_every_dns_page_of_both_areas_is_in_the_table():
    """A new URL in urls_client_dns or urls_staff_dns fails here until this matrix names it,
    with every actor."""
    from hostledger.web import urls_client_dns, urls_staff_dns

    patterns = {
        pattern.name for pattern in urls_client_dns.urlpatterns + urls_staff_dns.urlpatterns
    }
    assert patterns == {endpoint.name for endpoint in ENDPOINTS}
    for endpoint in ENDPOINTS:
        assert set(endpoint.expect) == set(ACTORS), endpoint.name
    pairs = [(endpoint.name, endpoint.method) for endpoint in ENDPOINTS]
    assert len(pairs) == len(set(pairs)), "each page and endpoint appears once"


@pytest.mark.parametrize(("endpoint", "actor"), CASES)
def test_dns_pages_authorization_matrix__DOM_04_ACC_06_ACC_11(
    endpoint: Endpoint, actor: str, dns_world: DnsWorld, client
):
    http = dns_world.sign_in(client, actor)
    url = endpoint.url(dns_world)
    before = state() if endpoint.method == "POST" else None

    if endpoint.method == "POST":
        response = http.post(url, endpoint.data(dns_world))
    else:
        response = http.get(url)

    expected = endpoint.expect[actor]
    assert response.status_code == expected, response.content[:800]
    if expected == 302 and actor == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))
    if expected == 302 and actor in STAFF_ROLES and not endpoint.name.startswith("staff_"):
        assert response["Location"] == reverse("web:staff_home")
    if endpoint.method == "POST":
        if actor in endpoint.writers:
            assert state() != before, "an allowed write changed nothing"
        else:
            assert state() == before, "a refused or read-only request changed data"


def test_client_b_never_sees_client_as_zones_on_its_pages__DOM_04(dns_world: DnsWorld, client):
    http = dns_world.sign_in(client, "owner_b")
    body = http.get(reverse("web:dns_zone_list")).content.decode()
    for secret in ("bücher.example", "xn--bcher-kva", "192.0.2.80", dns_world.zone.public_id):
        assert secret not in body
