"""The data-centre list pages make as many queries for six rows as for two (habit 9)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hostledger.datacenter import actions
from tests.web.conftest import login, make_staff_user, policies  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

CLIENT_PAGES = ("equipment_list", "equipment_applications", "colocation", "ip_address_list")
STAFF_PAGES = (
    "staff_equipment",
    "staff_equipment_applications",
    "staff_colocation",
    "staff_ip_addresses",
)


def _add_rows(number, *, staff, access, service, pool):
    equipment_id = f"SRV-{number:03d}"
    actions.equipment_register(
        actor=staff, service=service, equipment_id=equipment_id, kind="server"
    )
    actions.application_file(
        access=access, actor=access.user, action="reboot", equipment_ids=equipment_id
    )
    person = actions.representative_add(
        access=access,
        actor=access.user,
        full_name=f"Person {number}",
        document_number=f"AB{number:07d}",
        phone="+372 5555 0101",
    )
    starts = timezone.now() + timedelta(hours=1)
    visit = actions.visit_request_file(
        access=access,
        actor=access.user,
        representative=person,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
    )
    actions.access_entry_record(
        visit=actions.visit_decide(visit=visit, actor=staff, approve=True), actor=staff
    )
    allocation = actions.ip_allocate(
        actor=staff, pool=pool, service=service, network=f"192.0.2.{number * 8}/29"
    )
    actions.reverse_dns_set(
        access=access,
        actor=access.user,
        allocation=allocation,
        address=f"192.0.2.{number * 8 + 1}",
        host_name=f"host{number}.example.com",
    )


def _queries(http, name: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = http.get(reverse(f"web:{name}"))
    assert response.status_code == 200, name
    return len(captured)


def test_list_pages_do_not_grow_with_their_rows__SUP_02_SUP_05_SUP_06(
    client,
    access_a,
    client_a,
    make_service,
    policies,  # noqa: F811
):
    staff = make_staff_user("support")
    service = make_service(client_a)
    pool = actions.ip_pool_create(actor=staff, name="v4", network="192.0.2.0/24")
    rows = {"staff": staff, "access": access_a, "service": service, "pool": pool}
    for number in (1, 2):
        _add_rows(number, **rows)
    login(client, client_a.owner)
    few = {name: _queries(client, name) for name in CLIENT_PAGES}
    login(client, staff)
    few.update({name: _queries(client, name) for name in STAFF_PAGES})
    for number in (3, 4, 5, 6):
        _add_rows(number, **rows)
    login(client, client_a.owner)
    many = {name: _queries(client, name) for name in CLIENT_PAGES}
    login(client, staff)
    many.update({name: _queries(client, name) for name in STAFF_PAGES})
    assert many == few
