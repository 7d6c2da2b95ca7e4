"""Who may open every interruption, maintenance and repair page of both areas and send its
forms (SUP-03, SUP-04, SUP-07, ACC-06, ACC-11, habit 6).

The actors are those of tests/web/test_authorization_matrix.py (its World, by import):
anonymous visitors are sent to sign in; client B gets 404 for A's interruption; a read-only
trusted user of A reads and never reports (403); staff without a client account are sent to
the staff area. Every staff page needs ``services.manage`` (support and administrators), since
the queue shows what clients wrote; clients get 403 there. Every refused POST leaves the
database as it was; every allowed one changes it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from hostledger.catalog.actions import os_image_create
from hostledger.catalog.models import FamilyCode, ProductFamily, Tariff
from hostledger.core.audit import PERSONAL_DATA_READ
from hostledger.core.models import AuditEvent
from hostledger.incidents.actions import interruption_confirm, interruption_report
from hostledger.incidents.models import Interruption
from hostledger.subscriptions.actions import service_activate
from hostledger.subscriptions.models import Service
from hostledger.web import urls_client_incidents, urls_staff_incidents
from tests.catalog_helpers import create_published_tariff
from tests.subscriptions.factories import Catalog, build_catalog, fund
from tests.web.conftest import STAFF_ROLES
from tests.web.test_authorization_matrix import (  # noqa: F401  (built_world is a fixture)
    ACTORS,
    World,
    built_world,
    client_page,
    database_state,
    staff_page,
)
from tests.web.test_matrix_services import _place
from tests.web.test_matrix_services import state as services_state

MANAGE_ROLES = ("support", "administrator")


@dataclass
class IncidentsWorld:
    """Client A: an active VPS with a reported interruption, an active cloud pool with a
    confirmed one, a trial VPS with none and an active dedicated server; client B: an active
    VPS with a reported interruption."""

    base: World
    shop: Catalog
    dedicated: Tariff
    reported_a: Interruption
    confirmed_a: Interruption
    reported_b: Interruption
    trial_a: Service
    server_a: Service

    def sign_in(self, http, actor: str):
        return self.base.sign_in(http, actor)


def _active(client, shop, tariff, admin, **extra) -> Service:
    service = _place(client, shop, tariff, **extra).services.get()
    service_activate(service=service, actor=admin)
    return service


@pytest.fixture(scope="module")
def built_incidents_world(built_world) -> IncidentsWorld:  # noqa: F811  (the imported fixture)
    admin = built_world.staff["administrator"]
    shop = build_catalog()
    metal = ProductFamily.objects.get(code=FamilyCode.DEDICATED)
    metal_debian = os_image_create(code="debian-12-metal", name="Debian 12", families=[metal])
    dedicated = create_published_tariff(
        family=metal,
        code="dedi-e3",
        name="Dedicated E3",
        monthly_fee="59.00",
        specs={"cpu": 4, "ram_gb": 32, "disk_gb": 960},
    )
    client_a, client_b = built_world.client_a, built_world.owner_b.client
    today = timezone.localdate()
    fund(client_a, "200.00", on=today)
    fund(client_b, "20.00", on=today)
    vps_a = _active(client_a, shop, shop.vps_start, admin)
    pool_a = _active(client_a, shop, shop.cloud_pool, admin, os_image=None)
    trial_a = _place(client_a, shop, shop.vps_large, trial=True).services.get()
    server_a = _active(client_a, shop, dedicated, admin, os_image=metal_debian)
    vps_b = _active(client_b, shop, shop.vps_start, admin)
    reported_a = interruption_report(
        client=client_a, service=vps_a, description="No ping.", actor=client_a.owner
    )
    confirmed_a = interruption_report(
        client=client_a, service=pool_a, description="Pool down.", actor=client_a.owner
    )
    interruption_confirm(interruption=confirmed_a, actor=admin)
    reported_b = interruption_report(
        client=client_b, service=vps_b, description="Bert's VPS down.", actor=client_b.owner
    )
    return IncidentsWorld(
        built_world, shop, dedicated, reported_a, confirmed_a, reported_b, trial_a, server_a
    )


@pytest.fixture
def incidents_world(built_incidents_world, db) -> IncidentsWorld:
    return built_incidents_world


WRITTEN_HERE = [
    ("incidents", "Interruption"),
    ("incidents", "MaintenanceWindow"),
    ("incidents", "DedicatedRepair"),
    ("notifications", "Announcement"),
    ("notifications", "Notification"),
]


def state() -> dict:
    rows = {
        f"{app}.{name}": list(apps.get_model(app, name)._base_manager.order_by("pk").values())
        for app, name in WRITTEN_HERE
    }
    return {**database_state(), **services_state(), **rows}


@dataclass(frozen=True)
class Endpoint:
    name: str
    expect: dict[str, int]
    args: Callable[[IncidentsWorld], list] = lambda iw: []
    method: str = "GET"
    data: Callable[[IncidentsWorld], dict] = lambda iw: {}
    writers: frozenset[str] = field(default_factory=frozenset)

    def url(self, iw: IncidentsWorld) -> str:
        return reverse(f"web:{self.name}", args=self.args(iw))


READ_BY_ALL = client_page(owner_a=200, owner_b=200, readonly_a=200)
A_ONLY_READ = client_page(owner_a=200, owner_b=404, readonly_a=200)
MANAGE_READ = staff_page(*MANAGE_ROLES)
MANAGE_WRITE = staff_page(*MANAGE_ROLES, granted=302)


def staff_write(name: str, args, data=lambda iw: {}) -> Endpoint:
    return Endpoint(name, MANAGE_WRITE, args, "POST", data, frozenset(MANAGE_ROLES))


def local_input(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


ENDPOINTS = [
    # ---- client pages
    Endpoint("interruption_list", READ_BY_ALL),
    Endpoint("interruption_detail", A_ONLY_READ, lambda iw: [iw.reported_a.public_id]),
    # ---- client write; B names A's service, which is not one of B's choices (400)
    Endpoint(
        "interruption_report",
        client_page(owner_a=302, owner_b=400, readonly_a=403),
        method="POST",
        data=lambda iw: {"service": iw.trial_a.public_id, "description": "Console is dark."},
        writers=frozenset({"owner_a"}),
    ),
    # ---- staff pages
    Endpoint("staff_interruptions", MANAGE_READ),
    Endpoint("staff_interruption", MANAGE_READ, lambda iw: [iw.reported_b.public_id]),
    Endpoint("staff_maintenance", MANAGE_READ),
    Endpoint("staff_repairs", MANAGE_READ),
    # ---- staff writes
    staff_write("staff_interruption_confirm", lambda iw: [iw.reported_a.public_id]),
    staff_write(
        "staff_interruption_reject",
        lambda iw: [iw.reported_b.public_id],
        lambda iw: {"reason": "Monitoring saw no outage."},
    ),
    staff_write("staff_interruption_restore", lambda iw: [iw.confirmed_a.public_id]),
    staff_write(
        "staff_maintenance_announce",
        lambda iw: [],
        lambda iw: {
            "title": "Core switch replacement",
            "description": "Network interruptions of up to 10 minutes.",
            "starts_at": local_input(timezone.now() + timedelta(days=3)),
            "ends_at": local_input(timezone.now() + timedelta(days=3, hours=2)),
            "scope": "families",
            "family_codes": "vps",
        },
    ),
    staff_write(
        "staff_repair_record",
        lambda iw: [],
        lambda iw: {
            "service": iw.server_a.public_id,
            "part": "Disk 2",
            "started_at": local_input(timezone.now() - timedelta(days=3)),
            "ended_at": local_input(timezone.now() - timedelta(days=1)),
        },
    ),
]

CASES = [
    pytest.param(endpoint, actor, id=f"{endpoint.method} {endpoint.name} as {actor}")
    for endpoint in ENDPOINTS
    for actor in ACTORS
]


def test_every_incidents_url_of_both_areas_is_in_the_table():
    """A new URL in urls_client_incidents or urls_staff_incidents fails here until this
    matrix names it."""
    patterns = urls_client_incidents.urlpatterns + urls_staff_incidents.urlpatterns
    assert {pattern.name for pattern in patterns} == {endpoint.name for endpoint in ENDPOINTS}
    for endpoint in ENDPOINTS:
        assert set(endpoint.expect) == set(ACTORS), endpoint.name


@pytest.mark.parametrize(("endpoint", "actor"), CASES)
def test_incidents_pages_authorization_matrix__SUP_03_SUP_04_SUP_07_ACC_06(
    endpoint: Endpoint, actor: str, incidents_world: IncidentsWorld, client
):
    http = incidents_world.sign_in(client, actor)
    before = state() if endpoint.method == "POST" else None
    url = endpoint.url(incidents_world)
    if endpoint.method == "GET":
        response = http.get(url)
    else:
        response = http.post(url, endpoint.data(incidents_world))
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
            assert state() == before, "a refused request changed data"


def test_another_clients_interruption_is_not_found_and_not_shown__SUP_03(
    incidents_world: IncidentsWorld, client
):
    http = incidents_world.sign_in(client, "owner_b")
    page = http.get(reverse("web:interruption_list")).content.decode()
    assert incidents_world.reported_b.public_id in page
    assert incidents_world.reported_a.public_id not in page
    assert "No ping." not in page
    assert (
        http.get(
            reverse("web:interruption_detail", args=[incidents_world.reported_a.public_id])
        ).status_code
        == 404
    )


def test_staff_reading_a_clients_report_is_audited__SUP_03_GDPR_12(
    incidents_world: IncidentsWorld, client
):
    http = incidents_world.sign_in(client, "support")
    interruption = incidents_world.reported_b
    response = http.get(reverse("web:staff_interruption", args=[interruption.public_id]))
    assert response.status_code == 200
    assert "Bert&#x27;s VPS down." in response.content.decode()
    event = AuditEvent.objects.filter(action=PERSONAL_DATA_READ).order_by("pk").last()
    assert event.subject_client_id == interruption.client_id
    assert event.data == {"what": f"interruption {interruption.public_id}"}
