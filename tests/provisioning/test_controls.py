"""A client reaches and controls its running server from the panel (PRV-01, SUP-02): access
details kept encrypted and revealed on request (audited), power and reinstall as module calls
queued once per request, and what the module cannot do filed as an application for staff."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse

from hostledger.catalog.actions import metered_item_create
from hostledger.core.errors import DomainError, PermissionDenied
from hostledger.core.models import AuditEvent
from hostledger.datacenter.models import ApplicationAction, EquipmentApplication
from hostledger.flows.usage_collection import usage_collect
from hostledger.metering.models import UsageRecord
from hostledger.provisioning.access import access_details, access_for_client
from hostledger.provisioning.actions import provisioning_operation_run
from hostledger.provisioning.controls import service_access_set
from hostledger.provisioning.models import ProvisioningOperation
from hostledger.provisioning.modules import registry
from hostledger.subscriptions.actions import service_activate, service_suspend
from hostledger.subscriptions.models import ServiceStatus
from tests.api.conftest import api_by_token, error_of, make_staff_user
from tests.provisioning.memory_module import MemoryBackend, MemoryModule
from tests.subscriptions.factories import fund, new_staff

pytestmark = pytest.mark.django_db

Status = ProvisioningOperation.Status
PASSWORD = "Sesame-4711-Open"


@pytest.fixture
def memory(monkeypatch):
    registry.module_names()
    monkeypatch.setattr(registry, "_MODULES", dict(registry._MODULES))
    return registry.register_module(MemoryModule(MemoryBackend()))


@pytest.fixture
def server(memory, queued_service):
    """An active VPS the memory module built (its create run as the worker would)."""
    service = queued_service(memory)
    create = ProvisioningOperation.objects.get(service=service, operation="create")
    provisioning_operation_run(operation_id=create.pk)
    service.refresh_from_db()
    assert service.status == ServiceStatus.ACTIVE
    return service


@pytest.fixture
def http(client, client_record):
    client.force_login(client_record.owner)
    return client


def _post(http, name, service, data=None):
    return http.post(reverse(f"web:{name}", args=[service.public_id]), data or {})


def test_access_details_from_the_module_are_kept_encrypted_and_shown_without_secrets__PRV_01(
    server, http
):
    assert access_details(server) == {
        "address": "192.0.2.10",
        "username": "root",
        "password": PASSWORD,
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT details FROM provisioning_serviceaccess")
        (stored,) = cursor.fetchone()
    assert PASSWORD not in stored and "192.0.2.10" not in stored
    assert PASSWORD not in str(server.module_data)
    assert access_for_client(server) == {
        "address": "192.0.2.10",
        "username": "root",
        "secrets": ["password"],
        "server_secrets": False,
    }

    page = http.get(reverse("web:service_detail", args=[server.public_id]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "192.0.2.10" in text and PASSWORD not in text
    assert 'data-power-state="on"' in text


def test_the_password_is_revealed_on_request_and_each_reveal_is_audited__PRV_01(server, http):
    shown = _post(http, "service_access_reveal", server)
    assert shown.status_code == 200
    assert PASSWORD in shown.content.decode()
    assert shown["Cache-Control"] == "no-store"
    revealed = AuditEvent.objects.filter(action="provisioning.access_revealed")
    assert revealed.count() == 1
    _post(http, "service_access_reveal", server)
    assert revealed.count() == 2


def test_a_reboot_is_one_module_call_however_often_the_form_is_sent__PRV_01(
    server, http, memory, django_capture_on_commit_callbacks
):
    memory.backend.machines[server.module_service_id] = "off"
    data = {"operation": "reboot", "token": "page-token-1"}
    with django_capture_on_commit_callbacks(execute=True):
        assert _post(http, "service_control", server, data).status_code == 302
        assert _post(http, "service_control", server, data).status_code == 302
    reboots = ProvisioningOperation.objects.filter(service=server, operation="reboot")
    assert reboots.count() == 1
    assert reboots.get().status == Status.DONE
    assert memory.backend.machines[server.module_service_id] == "on"
    assert not EquipmentApplication.objects.exists()


def test_a_reinstall_needs_the_confirmation_and_names_the_image__PRV_01(
    server, http, memory, django_capture_on_commit_callbacks
):
    data = {"operation": "reinstall", "token": "page-token-r", "os_image": "debian-12"}
    assert _post(http, "service_control", server, data).status_code == 302
    assert not ProvisioningOperation.objects.filter(operation="reinstall").exists()
    with django_capture_on_commit_callbacks(execute=True):
        _post(http, "service_control", server, {**data, "confirm": "yes"})
    call = ProvisioningOperation.objects.get(operation="reinstall")
    assert (call.status, call.changes) == (Status.DONE, {"os_image": "debian-12"})
    assert memory.backend.reinstalled == [(server.module_service_id, "debian-12")]


def test_what_the_module_cannot_do_becomes_one_application_for_staff__SUP_02(
    place, client_record, http
):
    fund(client_record, "12.28")
    service = place().service  # the manual module: staff build it
    service_activate(service=service, actor=new_staff("services.manage"))
    data = {"operation": "reset_password", "token": "page-token-p"}
    _post(http, "service_control", service, data)
    _post(http, "service_control", service, {**data, "token": "page-token-q"})
    application = EquipmentApplication.objects.get()
    assert (application.service, application.action, application.client) == (
        service,
        ApplicationAction.PASSWORD_CHANGE,
        client_record,
    )
    assert not ProvisioningOperation.objects.filter(operation="reset_password").exists()


def test_controls_are_refused_while_the_service_is_suspended__PRV_01_SUP_02(server, http):
    service_suspend(service=server, actor=new_staff("services.manage"), reason="Unpaid debt.")
    response = _post(http, "service_control", server, {"operation": "reboot", "token": "tok-00042"})
    assert response.status_code == 302
    assert not ProvisioningOperation.objects.filter(operation="reboot").exists()
    assert not EquipmentApplication.objects.exists()


def test_another_client_can_never_control_or_reveal_this_server__PRV_01(
    server, client, other_client
):
    client.force_login(other_client.owner)
    for name in ("service_control", "service_access_reveal", "service_console"):
        response = _post(client, name, server, {"operation": "reboot", "token": "tok-00099"})
        assert response.status_code == 404, name
    assert not ProvisioningOperation.objects.filter(operation="reboot").exists()
    assert not AuditEvent.objects.filter(action="provisioning.access_revealed").exists()


def test_staff_enter_access_details_with_the_permission_and_bad_input_names_the_field__PRV_01(
    server,
):
    with pytest.raises(PermissionDenied):
        service_access_set(service=server, details={"address": "x"}, actor=new_staff())
    staff = new_staff("services.manage")
    with pytest.raises(DomainError) as refused:
        service_access_set(service=server, details={"bmc_port": "99999"}, actor=staff)
    assert refused.value.fields == {"bmc_port": "a port number from 1 to 65535."}
    service_access_set(
        service=server, details={"bmc_address": "10.0.0.5", "password": ""}, actor=staff
    )
    assert access_details(server) == {
        "address": "192.0.2.10",
        "username": "root",
        "bmc_address": "10.0.0.5",
    }
    assert "bmc_address" not in access_for_client(server)


# ---- the same through the API ---------------------------------------------------------------


def test_the_api_reads_access_reveals_and_queues_controls_once_per_token__PRV_01(
    server, client_record, memory, django_capture_on_commit_callbacks
):
    api = api_by_token(client_record.owner)
    path = f"/services/{server.public_id}"
    shown = api.get(f"{path}/access").json()
    assert shown == {
        "address": "192.0.2.10",
        "username": "root",
        "panel_url": "",
        "secrets": ["password"],
        "power_state": "on",
        "controls_by_module": ["power_on", "power_off", "reboot", "reinstall"],
        "console": True,
    }
    assert api.post(f"{path}/access/reveal").json() == {
        "password": PASSWORD,
        "licence_key": None,
        "servers": {},
    }

    body = {"operation": "power_off", "token": "api-token-01"}
    with django_capture_on_commit_callbacks(execute=True):
        first = api.post(f"{path}/controls", body)
        again = api.post(f"{path}/controls", body)
    assert first.status_code == again.status_code == 202
    assert first.json()["call"]["id"] == again.json()["call"]["id"]
    assert memory.backend.machines[server.module_service_id] == "off"
    calls = api.get(f"{path}/calls").json()["items"]
    assert [call["operation"] for call in calls] == ["power_off", "create"]

    refused = api.post(f"{path}/controls", {"operation": "reinstall", "token": "api-token-02"})
    assert refused.status_code == 400
    assert error_of(refused)["fields"] == {"confirm": "must be true for a reinstall"}
    console = api.post(f"{path}/console").json()
    assert console["url"] == f"https://console.example/{server.module_service_id}"


def test_another_client_and_a_reader_cannot_control_through_the_api__PRV_01(server, other_client):
    stranger = api_by_token(other_client.owner)
    path = f"/services/{server.public_id}"
    body = {"operation": "reboot", "token": "api-token-03"}
    assert stranger.get(f"{path}/access").status_code == 404
    assert stranger.post(f"{path}/access/reveal").status_code == 404
    assert stranger.post(f"{path}/controls", body).status_code == 404
    assert not ProvisioningOperation.objects.filter(operation="reboot").exists()


def test_staff_activate_a_hand_built_server_with_its_access_details__PRV_01_CAT_03(
    place, client_record
):
    fund(client_record, "12.28")
    service = place().service
    staff = make_staff_user("administrator")
    api = api_by_token(staff)
    answer = api.post(
        f"/staff/services/{service.public_id}/activate",
        {"note": "Racked.", "access": {"address": "198.51.100.7", "password": "Hand-Built-99"}},
    )
    assert answer.status_code == 200, answer.content
    service.refresh_from_db()
    assert service.status == ServiceStatus.ACTIVE
    assert access_details(service) == {"address": "198.51.100.7", "password": "Hand-Built-99"}
    bad = api.post(
        f"/staff/services/{service.public_id}/activate",
        {"access": {"bmc_port": "0"}},
    )
    assert bad.status_code == 400


# ---- usage read from the module feeds metered billing ------------------------------------------


def test_usage_read_from_the_module_is_recorded_once_per_hour__BIL_08_PRV_01(
    server, shop, memory, time_machine
):
    metered_item_create(
        family=shop.vps_start.family,
        code="traffic-gb",
        name="Outbound traffic",
        unit="GB",
        unit_price="0.01",
        actor=None,
    )
    now = server.activated_at + timedelta(hours=3, minutes=20)
    time_machine.move_to(now + timedelta(hours=2), tick=False)
    first = usage_collect(now=now)
    assert (first.services, first.stored, first.failed) == (1, first.readings, 0)
    assert first.readings >= 2
    records = UsageRecord.objects.filter(service=server, source="module:memory")
    assert records.count() == first.readings
    assert all(record.window_end <= now for record in records)

    again = usage_collect(now=now)  # a rerun reads nothing new
    assert (again.readings, again.stored) == (0, 0)
    later = usage_collect(now=now + timedelta(hours=2))
    assert later.stored == 2
    assert records.all().count() == first.readings + 2
