"""API v1 of interruptions, maintenance and repairs with exact outcomes: a client reports and
reads its own interruptions, another client gets 404, staff confirm and restore, announce a
maintenance window and record a repair that extends the paid period (SUP-03, SUP-04, SUP-07,
BIL-09)."""

from __future__ import annotations

from datetime import date

import pytest

from hostledger.catalog.actions import os_image_create
from hostledger.catalog.models import FamilyCode, ProductFamily
from hostledger.incidents.models import Interruption, MaintenanceWindow
from hostledger.subscriptions.actions import service_activate
from hostledger.subscriptions.models import Service
from tests.api.conftest import api_by_token, database_state, error_of, make_staff_user
from tests.catalog_helpers import create_published_tariff
from tests.incidents.conftest import at
from tests.subscriptions.factories import TODAY, fund


@pytest.fixture
def support(db):
    return make_staff_user("support")


def test_a_client_reports_and_reads_staff_confirm_and_restore__SUP_03(
    active_service, other_client, support, time_machine
):
    service = active_service()
    owner = api_by_token(service.client.owner)
    created = owner.post(
        "/interruptions", {"service": service.public_id, "description": "No ping since 08:55."}
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["status"], body["counted_seconds"], body["confirmed_at"]) == (
        "reported",
        None,
        None,
    )
    again = owner.post("/interruptions", {"service": service.public_id, "description": "Still."})
    assert again.status_code == 400
    assert error_of(again)["code"] == "interruption_open"

    stranger = api_by_token(other_client.owner)
    before = database_state()
    assert stranger.get(f"/interruptions/{body['id']}").status_code == 404
    foreign = stranger.post("/interruptions", {"service": service.public_id, "description": "x"})
    assert foreign.status_code == 404
    assert database_state() == before

    staff = api_by_token(support)
    time_machine.move_to(at(date(2027, 3, 10), 10), tick=False)
    confirmed = staff.post(f"/staff/interruptions/{body['id']}/confirm")
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["fix_due_on"] == "2027-03-17"
    time_machine.move_to(at(date(2027, 3, 10), 13, 30), tick=False)
    restored = staff.post(f"/staff/interruptions/{body['id']}/restore").json()
    assert restored["status"] == "restored"
    assert restored["counted_seconds"] == 3 * 3600 + 30 * 60
    listed = owner.get("/interruptions").json()
    assert [item["id"] for item in listed["items"]] == [body["id"]]
    assert owner.get("/compensations").json()["count"] == 0


def test_staff_announce_maintenance_and_clients_read_it__SUP_04(active_service, support):
    service = active_service()
    staff = api_by_token(support)
    announced = staff.post(
        "/staff/maintenance-windows",
        {
            "title": "Core switch replacement",
            "description": "Up to 10 minutes.",
            "starts_at": "2027-03-04T02:00:00+02:00",
            "ends_at": "2027-03-04T04:00:00+02:00",
            "scope": "families",
            "family_codes": ["vps"],
            "translations": {"et": {"subject": "Kommutaator", "body": "Kuni 10 minutit."}},
        },
    )
    assert announced.status_code == 201, announced.content
    assert announced.json()["recipient_count"] == 1
    seen = api_by_token(service.client.owner).get(f"/services/{service.public_id}/maintenance")
    assert [item["title"] for item in seen.json()] == ["Core switch replacement"]
    too_soon = staff.post(
        "/staff/maintenance-windows",
        {
            "title": "Reboot",
            "description": "Now.",
            "starts_at": "2027-03-01T12:00:00+02:00",
            "ends_at": "2027-03-01T13:00:00+02:00",
            "scope": "families",
            "family_codes": ["vps"],
        },
    )
    assert too_soon.status_code == 400
    assert error_of(too_soon)["fields"] == {"starts_at": "less than 24 hours ahead"}
    assert MaintenanceWindow.objects.count() == 1


def test_staff_record_a_repair_that_extends_the_paid_period__SUP_07(
    place, client_record, staff, support, run_hooks, clock
):
    metal = ProductFamily.objects.get(code=FamilyCode.DEDICATED)
    debian = os_image_create(code="debian-12-metal", name="Debian 12", families=[metal])
    tariff = create_published_tariff(
        family=metal, code="dedi-e3", name="Dedicated E3", monthly_fee="59.00"
    )
    fund(client_record, "73.16")
    place(tariff=tariff, os_image=debian)
    server = Service.objects.get(client=client_record)
    run_hooks(service_activate, service=server, actor=staff, today=TODAY)
    clock(at(date(2027, 3, 12), 9))
    recorded = api_by_token(support).post(
        "/staff/repairs",
        {
            "service": server.public_id,
            "part": "RAID controller",
            "started_at": "2027-03-10T08:00:00+02:00",
            "ended_at": "2027-03-11T20:00:00+02:00",
        },
    )
    assert recorded.status_code == 201, recorded.content
    assert {
        key: recorded.json()[key]
        for key in ("outcome", "extension_days", "paid_through_before", "paid_through_after")
    } == {
        "outcome": "extended",
        "extension_days": 2,
        "paid_through_before": "2027-03-31",
        "paid_through_after": "2027-04-02",
    }
    assert Interruption.objects.count() == 0
