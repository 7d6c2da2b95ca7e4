"""Who may open every data-centre page of the client and staff areas and send its forms
(SUP-02, SUP-05, SUP-06; ACC-06, ACC-09, ACC-11, habit 6).

The same actors as tests/web/test_authorization_matrix.py (its World, by import): anonymous
visitors are sent to sign in; client B gets 404 for A's equipment, applications,
representatives and allocations, and a 400 naming the ID when it applies for A's equipment; a
read-only trusted user of A reads every page and is refused every write (403); staff without a
client account are sent to the staff area. Every staff role reads the register, the
applications and the IP addresses (``clients.view``); the colocation page shows
representatives' identity documents and needs ``clients.view_personal_data``; every staff
write needs ``services.manage``. Every refused POST is checked to have left the database as it
was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hostledger.accounts.selectors import client_access
from hostledger.datacenter import actions
from hostledger.datacenter.models import (
    AccessLogEntry,
    ApplicationItem,
    Equipment,
    EquipmentApplication,
    EquipmentMovement,
    IpAllocation,
    IpPool,
    IpUsageReport,
    Representative,
    ReverseDnsRecord,
    VisitRequest,
)
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
PERSONAL_DATA_READERS = ("support", "billing", "privacy_officer", "administrator")


@dataclass
class DatacenterWorld:
    """The World of the main matrix plus the data centre: A has an active service with the
    equipment SRV-A1, an application for it, two representatives (one inside on an approved
    visit, one with a visit approved and one requested) and an allocation of 192.0.2.16/29;
    B has an active service of its own."""

    base: World
    service_a: Service
    service_b: Service
    equipment: Equipment
    application: EquipmentApplication
    representative: Representative
    visit_requested: VisitRequest
    visit_approved: VisitRequest
    entry_inside: AccessLogEntry
    pool: IpPool
    allocation: IpAllocation

    def sign_in(self, http, actor: str):
        return self.base.sign_in(http, actor)


def _active_service(client, shop, admin) -> Service:
    fund(client, "12.28", on=timezone.localdate())
    service = order_place(
        client=client,
        payer=client.payers.get(is_default=True),
        tariff=shop.vps_start,
        period_months=1,
        os_image=shop.debian,
        actor=client.owner,
        start_at_once=True,
    ).services.get()
    service_activate(service=service, actor=admin)
    return Service.objects.get(pk=service.pk)


def build_datacenter_world(world: World) -> DatacenterWorld:
    admin = world.staff["administrator"]
    shop = build_catalog()
    client_a, client_b = world.client_a, world.owner_b.client
    service_a = _active_service(client_a, shop, admin)
    service_b = _active_service(client_b, shop, admin)
    equipment = actions.equipment_register(
        actor=admin,
        service=service_a,
        equipment_id="SRV-A1",
        kind="server",
        rack="R1",
        unit_from=4,
    )
    access = client_access(world.owner_a, None)
    application = actions.application_file(
        access=access, actor=world.owner_a, action="reboot", equipment_ids="SRV-A1"
    )
    people = [
        actions.representative_add(
            access=access,
            actor=world.owner_a,
            full_name=name,
            document_number=document,
            phone="+372 5555 0101",
        )
        for name, document in (("Jaan Tehnik", "AB1234567"), ("Mari Hooldus", "CD7654321"))
    ]
    starts = timezone.now() + timedelta(hours=1)

    def visit(person):
        return actions.visit_request_file(
            access=access,
            actor=world.owner_a,
            representative=person,
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            purpose="Disk swap",
        )

    inside = actions.visit_decide(visit=visit(people[0]), actor=admin, approve=True)
    entry = actions.access_entry_record(visit=inside, actor=admin)
    approved = actions.visit_decide(visit=visit(people[1]), actor=admin, approve=True)
    requested = visit(people[1])
    pool = actions.ip_pool_create(actor=admin, name="Tallinn v4", network="192.0.2.0/24")
    allocation = actions.ip_allocate(
        actor=admin, pool=pool, service=service_a, network="192.0.2.16/29"
    )
    return DatacenterWorld(
        world,
        service_a,
        service_b,
        equipment,
        application,
        people[1],
        requested,
        approved,
        entry,
        pool,
        allocation,
    )


@pytest.fixture(scope="module")
def built_datacenter_world(built_world) -> DatacenterWorld:  # noqa: F811
    """Built once for the module, in the transaction of ``built_world``."""
    return build_datacenter_world(built_world)


@pytest.fixture
def datacenter_world(built_datacenter_world, db) -> DatacenterWorld:
    return built_datacenter_world


def state() -> dict:
    """What the data-centre pages can change."""
    tables = (
        Equipment,
        EquipmentMovement,
        EquipmentApplication,
        ApplicationItem,
        Representative,
        VisitRequest,
        AccessLogEntry,
        IpPool,
        IpAllocation,
        IpUsageReport,
        ReverseDnsRecord,
    )
    return {
        **database_state(),
        **{model.__name__: list(model.objects.order_by("pk").values()) for model in tables},
    }


@dataclass(frozen=True)
class Endpoint:
    name: str
    expect: dict[str, int]
    args: Callable[[DatacenterWorld], list] = lambda dw: []
    method: str = "GET"
    data: Callable[[DatacenterWorld], dict] = lambda dw: {}
    writers: frozenset[str] = field(default_factory=frozenset)
    """Actors whose POST is expected to succeed and change the database."""

    def url(self, dw: DatacenterWorld) -> str:
        return reverse(f"web:{self.name}", args=self.args(dw))


def _id(attribute: str):
    return lambda dw: [getattr(dw, attribute).public_id]


OWN_OBJECT_READ = client_page(owner_a=200, owner_b=404, readonly_a=200)
OWN_OBJECT_WRITE = client_page(owner_a=302, owner_b=404, readonly_a=403)

ENDPOINTS = [
    # ---- client area: equipment and applications (SUP-05, SUP-02)
    Endpoint("equipment_list", client_page(owner_a=200, owner_b=200, readonly_a=200)),
    Endpoint("equipment_detail", OWN_OBJECT_READ, _id("equipment")),
    Endpoint("equipment_applications", client_page(owner_a=200, owner_b=200, readonly_a=200)),
    Endpoint(
        "equipment_application_file",
        client_page(owner_a=302, owner_b=400, readonly_a=403),
        method="POST",
        data=lambda dw: {"action": "power_off", "equipment_ids": "SRV-A1", "details": ""},
        writers=frozenset({"owner_a"}),
    ),
    Endpoint("equipment_application", OWN_OBJECT_READ, _id("application")),
    # ---- client area: colocation (SUP-05)
    Endpoint("colocation", client_page(owner_a=200, owner_b=200, readonly_a=200)),
    Endpoint(
        "representative_add",
        client_page(owner_a=302, owner_b=302, readonly_a=403),
        method="POST",
        data=lambda dw: {
            "rep-full_name": "Peeter Uus",
            "rep-document_number": "EE9988776",
            "rep-phone": "+372 5555 0199",
        },
        writers=frozenset({"owner_a", "owner_b"}),
    ),
    Endpoint(
        "representative_remove",
        OWN_OBJECT_WRITE,
        _id("representative"),
        method="POST",
        writers=frozenset({"owner_a"}),
    ),
    Endpoint(
        "visit_request",
        client_page(owner_a=302, owner_b=400, readonly_a=403),
        method="POST",
        data=lambda dw: {
            "visit-representative": dw.representative.public_id,
            "visit-starts_at": (timezone.localtime() + timedelta(days=2)).strftime(
                "%Y-%m-%dT%H:%M"
            ),
            "visit-ends_at": (timezone.localtime() + timedelta(days=2, hours=2)).strftime(
                "%Y-%m-%dT%H:%M"
            ),
            "visit-purpose": "Cabling",
        },
        writers=frozenset({"owner_a"}),
    ),
    # ---- client area: IP addresses (SUP-06)
    Endpoint("ip_address_list", client_page(owner_a=200, owner_b=200, readonly_a=200)),
    Endpoint(
        "ip_usage_report",
        OWN_OBJECT_WRITE,
        _id("allocation"),
        method="POST",
        data=lambda dw: {f"usage-{dw.allocation.public_id}-addresses_in_use": "5"},
        writers=frozenset({"owner_a"}),
    ),
    Endpoint(
        "reverse_dns_set",
        OWN_OBJECT_WRITE,
        _id("allocation"),
        method="POST",
        data=lambda dw: {
            f"rdns-{dw.allocation.public_id}-address": "192.0.2.17",
            f"rdns-{dw.allocation.public_id}-host_name": "mail.example.com",
        },
        writers=frozenset({"owner_a"}),
    ),
    # ---- staff area: the register (clients.view to read, services.manage to write)
    Endpoint("staff_equipment", staff_page(*STAFF_ROLES)),
    Endpoint(
        "staff_equipment_register",
        staff_page(*MANAGERS, granted=302),
        method="POST",
        data=lambda dw: {
            "equipment_id": "SRV-NEW",
            "kind": "server",
            "service": dw.service_b.public_id,
            "rack": "R2",
            "unit_from": "1",
            "unit_count": "2",
            "power_watts": "450",
            "serial_number": "SN-1",
        },
        writers=frozenset(MANAGERS),
    ),
    Endpoint("staff_equipment_detail", staff_page(*STAFF_ROLES), _id("equipment")),
    Endpoint(
        "staff_equipment_edit",
        staff_page(*MANAGERS, granted=302),
        _id("equipment"),
        method="POST",
        data=lambda dw: {
            "edit-kind": "storage",
            "edit-rack": "R1",
            "edit-unit_from": "4",
            "edit-unit_count": "2",
            "edit-power_watts": "600",
            "edit-serial_number": "SN-2",
        },
        writers=frozenset(MANAGERS),
    ),
    Endpoint(
        "staff_equipment_move",
        staff_page(*MANAGERS, granted=302),
        _id("equipment"),
        method="POST",
        data=lambda dw: {"direction": "in", "moved_on": timezone.localdate().isoformat()},
        writers=frozenset(MANAGERS),
    ),
    # ---- staff area: applications (SUP-02)
    Endpoint("staff_equipment_applications", staff_page(*STAFF_ROLES)),
    Endpoint("staff_equipment_application", staff_page(*STAFF_ROLES), _id("application")),
    Endpoint(
        "staff_equipment_application_work",
        staff_page(*MANAGERS, granted=302),
        _id("application"),
        method="POST",
        data=lambda dw: {"status": "done", "result": "Rebooted at 10:02."},
        writers=frozenset(MANAGERS),
    ),
    Endpoint(
        # The manual module cannot do it: refused with 400 and nothing changes.
        "staff_equipment_application_run",
        staff_page(*MANAGERS, granted=400),
        _id("application"),
        method="POST",
    ),
    # ---- staff area: colocation (SUP-05)
    Endpoint("staff_colocation", staff_page(*PERSONAL_DATA_READERS)),
    Endpoint(
        "staff_visit_decide",
        staff_page(*MANAGERS, granted=302),
        _id("visit_requested"),
        method="POST",
        data=lambda dw: {f"{dw.visit_requested.public_id}-decision": "approve"},
        writers=frozenset(MANAGERS),
    ),
    Endpoint(
        "staff_access_entry",
        staff_page(*MANAGERS, granted=302),
        _id("visit_approved"),
        method="POST",
        writers=frozenset(MANAGERS),
    ),
    Endpoint(
        "staff_access_exit",
        staff_page(*MANAGERS, granted=302),
        _id("entry_inside"),
        method="POST",
        writers=frozenset(MANAGERS),
    ),
    # ---- staff area: IP addresses (SUP-06)
    Endpoint("staff_ip_addresses", staff_page(*STAFF_ROLES)),
    Endpoint(
        "staff_ip_pool_create",
        staff_page(*MANAGERS, granted=302),
        method="POST",
        data=lambda dw: {"pool-name": "Tartu", "pool-network": "198.51.100.0/24"},
        writers=frozenset(MANAGERS),
    ),
    Endpoint(
        "staff_ip_allocate",
        staff_page(*MANAGERS, granted=302),
        method="POST",
        data=lambda dw: {
            "alloc-pool": dw.pool.public_id,
            "alloc-service": dw.service_b.public_id,
            "alloc-network": "192.0.2.64/29",
        },
        writers=frozenset(MANAGERS),
    ),
    Endpoint(
        "staff_ip_release",
        staff_page(*MANAGERS, granted=302),
        _id("allocation"),
        method="POST",
        data=lambda dw: {f"{dw.allocation.public_id}-reason": "The client's application."},
        writers=frozenset(MANAGERS),
    ),
]

CASES = [
    pytest.param(endpoint, actor, id=f"{endpoint.method} {endpoint.name} as {actor}")
    for endpoint in ENDPOINTS
    for actor in ACTORS
]


def test_every_datacenter_page_of_both_areas_is_in_the_table():
    """A new URL in urls_client_datacenter or urls_staff_datacenter fails here until this
    matrix names it, with every actor."""
    from hostledger.web import urls_client_datacenter, urls_staff_datacenter

    patterns = {
        pattern.name
        for pattern in urls_client_datacenter.urlpatterns + urls_staff_datacenter.urlpatterns
    }
    assert patterns == {endpoint.name for endpoint in ENDPOINTS}
    for endpoint in ENDPOINTS:
        assert set(endpoint.expect) == set(ACTORS), endpoint.name
    pairs = [(endpoint.name, endpoint.method) for endpoint in ENDPOINTS]
    assert len(pairs) == len(set(pairs)), "each page and endpoint appears once"


@pytest.mark.parametrize(("endpoint", "actor"), CASES)
def test_datacenter_pages_authorization_matrix__SUP_02_SUP_05_SUP_06_ACC_06_ACC_11(
    endpoint: Endpoint, actor: str, datacenter_world: DatacenterWorld, client
):
    http = datacenter_world.sign_in(client, actor)
    url = endpoint.url(datacenter_world)
    before = state() if endpoint.method == "POST" else None

    if endpoint.method == "POST":
        response = http.post(url, endpoint.data(datacenter_world))
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


def test_client_b_never_sees_client_as_equipment_on_its_pages__SUP_05(
    datacenter_world: DatacenterWorld, client
):
    http = datacenter_world.sign_in(client, "owner_b")
    for name in ("equipment_list", "equipment_applications", "colocation", "ip_address_list"):
        body = http.get(reverse(f"web:{name}")).content.decode()
        for secret in ("SRV-A1", "Jaan Tehnik", "AB1234567", "192.0.2.16"):
            assert secret not in body, (name, secret)
