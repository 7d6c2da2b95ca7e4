"""The data centre's API: applications naming equipment IDs, IP usage and reverse DNS, the
staff's work on applications and a probe's measurement (SUP-02, SUP-05, SUP-06)."""

from __future__ import annotations

import pytest

from hostledger.accounts.selectors import client_access
from hostledger.datacenter import actions
from hostledger.datacenter.models import EquipmentApplication, IpAllocation
from tests.api.conftest import api_by_token, error_of, make_client_user, make_staff_user
from tests.datacenter.conftest import make_service, shop  # noqa: F401  (fixtures)
from tests.subscriptions.factories import services_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_service, policies):  # noqa: F811
    owner = make_client_user("anna@example.com")
    other = make_client_user("bert@example.com")
    operator = services_staff()
    service = make_service(owner.client)
    actions.equipment_register(
        actor=operator,
        service=service,
        equipment_id="SRV-A1",
        kind="server",
        rack="R1",
        unit_from=3,
    )
    actions.equipment_register(
        actor=operator,
        service=make_service(other.client),
        equipment_id="SRV-B1",
        kind="server",
    )
    pool = actions.ip_pool_create(actor=operator, name="v4", network="192.0.2.0/24")
    allocation = actions.ip_allocate(
        actor=operator, pool=pool, service=service, network="192.0.2.16/29"
    )
    return {"owner": owner, "other": other, "allocation": allocation}


def test_the_client_lists_its_equipment_and_files_an_application__SUP_02_SUP_05(world):
    api = api_by_token(world["owner"])
    listed = api.call("GET", "/equipment").json()
    assert [(item["equipment_id"], item["units"]) for item in listed["items"]] == [("SRV-A1", "U3")]
    filed = api.call(
        "POST", "/equipment/applications", {"action": "reboot", "equipment_ids": ["srv-a1"]}
    )
    assert filed.status_code == 201, filed.content
    assert filed.json()["equipment_ids"] == ["SRV-A1"]
    assert filed.json()["status"] == "submitted"


def test_another_clients_equipment_id_is_refused_naming_it__SUP_02(world):
    api = api_by_token(world["owner"])
    refused = api.call(
        "POST",
        "/equipment/applications",
        {"action": "power_off", "equipment_ids": ["SRV-A1", "SRV-B1"]},
    )
    assert refused.status_code == 400
    error = error_of(refused)
    assert error["code"] == "equipment_not_yours"
    assert error["fields"]["equipment_ids"].startswith("SRV-B1:")
    assert not EquipmentApplication.objects.exists()


def test_usage_and_reverse_dns_are_checked_and_another_client_gets_404__SUP_06(world):
    allocation = world["allocation"]
    api = api_by_token(world["owner"])
    reported = api.call(
        "POST", f"/ip-allocations/{allocation.public_id}/usage", {"addresses_in_use": 3}
    )
    assert reported.status_code == 200
    assert (reported.json()["addresses_in_use"], reported.json()["meets_rule"]) == (3, True)
    too_many = api.call(
        "POST", f"/ip-allocations/{allocation.public_id}/usage", {"addresses_in_use": 99}
    )
    assert too_many.status_code == 400
    assert "addresses_in_use" in error_of(too_many)["fields"]
    bad_name = api.call(
        "POST",
        f"/ip-allocations/{allocation.public_id}/reverse-dns",
        {"address": "192.0.2.17", "host_name": "bad_name!.example.com"},
    )
    assert bad_name.status_code == 400
    assert "host_name" in error_of(bad_name)["fields"]
    foreign = api_by_token(world["other"]).call(
        "POST", f"/ip-allocations/{allocation.public_id}/usage", {"addresses_in_use": 0}
    )
    assert foreign.status_code == 404
    assert IpAllocation.objects.get(pk=allocation.pk).addresses_in_use == 3


def test_staff_work_an_application_and_a_probe_records_usage__SUP_02_SUP_06(world):
    owner = world["owner"]
    application = actions.application_file(
        access=client_access(owner, None), actor=owner, action="reboot", equipment_ids="SRV-A1"
    )
    staff = api_by_token(make_staff_user("support"))
    listed = staff.call("GET", "/staff/equipment-applications?status=submitted").json()
    assert [item["id"] for item in listed["items"]] == [application.public_id]
    worked = staff.call(
        "POST",
        f"/staff/equipment-applications/{application.public_id}/work",
        {"status": "done", "result": "Rebooted."},
    )
    assert worked.status_code == 200
    assert (worked.json()["status"], worked.json()["result"]) == ("done", "Rebooted.")
    probe = staff.call(
        "POST",
        f"/staff/ip-allocations/{world['allocation'].public_id}/probe",
        {"addresses_seen": ["192.0.2.17", "192.0.2.18", "10.1.1.1"]},
    )
    assert probe.status_code == 400
    assert error_of(probe)["fields"] == {"addresses_seen": "10.1.1.1 is not in 192.0.2.16/29."}
