"""The ``proxmox`` module against the simulated Proxmox VE API (PRV-01, PRV-02).

There is no Proxmox VE server on the test machines: these tests run against
:mod:`tests.provisioning.proxmox.simulator`, which follows the documented ``/api2/json`` API.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from dataclasses import replace
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from hostledger.provisioning.modules.interface import (
    Capability,
    ConsoleLink,
    Operation,
    Outcome,
    PowerState,
    capabilities_of,
)
from hostledger.provisioning.modules.proxmox import conf
from hostledger.provisioning.modules.proxmox.client import TOKEN_SECRET_VARIABLE
from hostledger.provisioning.modules.proxmox.module import reinstall_name, vm_name
from tests.provisioning.contract import ModuleContract, run_call
from tests.provisioning.proxmox.simulator import REFUSAL_PROBLEM, disk_bytes

GIB = 1024**3


class TestProxmoxContract(ModuleContract):
    refusal_words = ("400", "Parameter verification failed", REFUSAL_PROBLEM)


def _service_id() -> str:
    return f"svc_{uuid.uuid4().hex[:16]}"


contract = TestProxmoxContract()


def test_a_create_clones_the_template_of_the_image_and_sizes_it_to_the_plan__PRV_01(module, pve):
    made = contract.created(module)
    vm = pve.vm(made.module_service_id)
    assert vm.config["name"] == vm_name(made)
    assert vm.status == "running" and not vm.lock
    assert (vm.config["cores"], vm.config["memory"]) == (1, 1024)
    assert disk_bytes(vm.config["scsi0"]) == 10 * GIB
    [clone] = pve.calls("POST", "/qemu/9000/clone")
    assert clone["newid"] == made.module_service_id and clone["full"] == "1"
    assert made.module_data == {"node": "pve", "vmid": int(made.module_service_id), "agent": True}


def test_a_create_retried_after_the_clone_finishes_the_same_vm__PRV_02(module, pve):
    """The first delivery timed out after cloning; the retry configures and starts that VM."""
    request = contract.request(Operation.CREATE, service_id=_service_id())
    pve.add_vm(150, name=vm_name(request), status="stopped")
    result = run_call(module, request)
    assert result.outcome == Outcome.DONE, result.message
    assert result.module_service_id == "150"
    assert pve.calls("POST", "/clone") == []
    assert pve.vm(150).status == "running" and pve.vm(150).config["cores"] == 1


def test_a_vm_still_locked_by_its_clone_is_retried_not_cloned_again__PRV_02(module, pve):
    request = contract.request(Operation.CREATE, service_id=_service_id())
    pve.add_vm(151, name=vm_name(request), status="stopped").lock = "clone"
    result = run_call(module, request)
    assert result.outcome == Outcome.FAILED and result.retry_can_help
    assert "locked" in result.message
    assert len(pve.machines()) == 1


def test_an_image_without_a_template_is_refused_for_staff__PRV_01(module, pve):
    request = contract.request(Operation.CREATE, service_id=_service_id(), os_image="windows-2022")
    result = run_call(module, request)
    assert result.outcome == Outcome.FAILED and result.retry_can_help is False
    assert "windows-2022" in result.message and conf.TEMPLATES in result.message
    assert pve.machines() == []


def test_a_plan_change_sets_cores_and_memory_and_only_grows_the_disk__PRV_01(module, pve):
    made = contract.created(module)
    bigger = contract.next_call(
        made, Operation.CHANGE_PLAN, specs={"cpu": 4, "ram_gb": 8, "disk_gb": 40}
    )
    assert run_call(module, bigger).outcome == Outcome.DONE
    vm = pve.vm(made.module_service_id)
    assert (vm.config["cores"], vm.config["memory"]) == (4, 8192)
    assert disk_bytes(vm.config["scsi0"]) == 40 * GIB

    smaller = contract.next_call(
        made, Operation.CHANGE_PLAN, specs={"cpu": 2, "ram_gb": 2, "disk_gb": 20}
    )
    result = run_call(module, smaller)
    assert result.outcome == Outcome.DONE, result.message
    assert (vm.config["cores"], vm.config["memory"]) == (2, 2048)
    assert disk_bytes(vm.config["scsi0"]) == 40 * GIB  # never shrunk
    assert "shrunk" in result.message


def test_suspension_pauses_the_vm_when_the_provider_says_so__PRV_01(module, pve, configure_proxmox):
    configure_proxmox(**{conf.SUSPEND_MODE: conf.SUSPEND_PAUSE})
    made = contract.created(module)
    vm = pve.vm(made.module_service_id)
    assert run_call(module, contract.next_call(made, Operation.SUSPEND)).outcome == Outcome.DONE
    assert vm.status == "running" and vm.paused
    assert module.power_state(made) == PowerState.OFF
    assert run_call(module, contract.next_call(made, Operation.RESUME)).outcome == Outcome.DONE
    assert vm.status == "running" and not vm.paused


def test_a_suspension_shuts_the_vm_down_cleanly_by_default__PRV_01(module, pve):
    made = contract.created(module)
    assert run_call(module, contract.next_call(made, Operation.SUSPEND)).outcome == Outcome.DONE
    assert pve.vm(made.module_service_id).status == "stopped"
    [shutdown] = pve.calls("POST", "/status/shutdown")
    assert shutdown == {"timeout": "5", "forceStop": "1"}


def test_a_reboot_restarts_a_running_vm_and_starts_a_stopped_one__PRV_01(module, pve):
    made = contract.created(module)
    vm = pve.vm(made.module_service_id)
    assert run_call(module, contract.next_call(made, Operation.REBOOT)).outcome == Outcome.DONE
    assert vm.reboots == 1 and vm.status == "running"
    vm.status = "stopped"
    assert run_call(module, contract.next_call(made, Operation.REBOOT)).outcome == Outcome.DONE
    assert vm.reboots == 1 and vm.status == "running"


def test_a_terminate_deletes_the_vm_with_its_disks__PRV_01(module, pve):
    made = contract.created(module)
    result = run_call(module, contract.next_call(made, Operation.TERMINATE))
    assert result.outcome == Outcome.DONE
    assert pve.vm(made.module_service_id) is None
    [delete] = pve.calls("DELETE", f"/qemu/{made.module_service_id}")
    assert delete == {"purge": "1", "destroy-unreferenced-disks": "1"}


def test_a_vmid_now_used_by_another_vm_is_never_touched__PRV_01(module, pve):
    """The VMID stored for the service names a VM of someone else now: the module finds no
    VM of the service, so it neither stops nor deletes that VM."""
    request = contract.request(
        Operation.TERMINATE, service_id=_service_id(), module_service_id="170"
    )
    pve.add_vm(170, name="customer-of-another-panel")
    assert run_call(module, request).outcome == Outcome.DONE
    assert pve.vm(170).status == "running"
    suspend = contract.next_call(request, Operation.SUSPEND)
    result = run_call(module, suspend)
    assert result.outcome == Outcome.FAILED and result.retry_can_help is False
    assert pve.vm(170).status == "running"


def test_a_reinstall_replaces_the_vm_once_per_call__PRV_01(module, pve):
    made = contract.created(module)
    old_vmid = made.module_service_id
    reinstall = contract.next_call(made, Operation.REINSTALL, os_image="ubuntu-24-04")
    first = run_call(module, reinstall)
    again = run_call(module, reinstall)  # delivered twice
    assert first.outcome == again.outcome == Outcome.DONE, (first.message, again.message)
    assert first.module_service_id == again.module_service_id != old_vmid
    assert pve.vm(old_vmid) is None
    [vm] = pve.machines()
    assert vm.vmid == int(first.module_service_id)
    assert vm.config["name"] == reinstall_name(reinstall)
    assert vm.config["scsi0"].startswith("local-lvm:vm-") and vm.status == "running"
    assert len(pve.calls("POST", "/qemu/9001/clone")) == 1
    assert first.module_data["agent"] is False  # the Ubuntu template has no guest agent


def test_the_console_link_carries_a_fresh_vnc_ticket__PRV_01(module, pve):
    made = contract.created(module)
    link = module.console(made)
    assert isinstance(link, ConsoleLink)
    url = urlsplit(link.url)
    assert f"{url.scheme}://{url.netloc}" == pve.url
    query = parse_qs(url.query)
    assert query["vmid"] == [made.module_service_id] and query["node"] == ["pve"]
    assert query["vncticket"][0].startswith("PVEVNC:") and query["port"] == ["5900"]
    assert timezone.now() < link.expires_at <= timezone.now() + timedelta(seconds=40)
    assert pve.calls("POST", "/vncproxy") == [{"websocket": "1"}]


def test_a_password_reset_goes_through_the_guest_agent__PRV_01(module, pve):
    made = contract.created(module)
    assert Capability.RESET_PASSWORD in capabilities_of(module, made)
    result = run_call(module, contract.next_call(made, Operation.RESET_PASSWORD))
    assert result.outcome == Outcome.DONE, result.message
    vm = pve.vm(made.module_service_id)
    assert result.access == {"username": "root", "password": vm.passwords["root"]}
    assert vm.passwords["root"] not in result.message

    vm.status = "stopped"  # the agent cannot answer
    result = run_call(module, contract.next_call(made, Operation.RESET_PASSWORD))
    assert result.outcome == Outcome.FAILED and result.retry_can_help is True
    assert "not running" in result.message


def test_no_password_reset_is_offered_without_a_guest_agent__PRV_01(module, pve):
    request = contract.request(Operation.CREATE, service_id=_service_id(), os_image="ubuntu-24-04")
    result = run_call(module, request)
    assert result.outcome == Outcome.DONE, result.message
    made = replace(
        request, module_service_id=result.module_service_id, module_data=result.module_data
    )
    declared = capabilities_of(module, made)
    assert Capability.POWER in declared and Capability.RESET_PASSWORD not in declared


def test_usage_readings_come_from_the_vm_statistics__PRV_01(module, pve, configure_proxmox):
    configure_proxmox(**{conf.USAGE_TIMEFRAME: "hour"})
    made = contract.created(module)
    assert Capability.USAGE in capabilities_of(module, made)
    readings = module.usage(made)
    traffic = [item for item in readings if item.item_code == "vps-traffic"]
    cpu = [item for item in readings if item.item_code == "vps-cpu-hours"]
    assert len(traffic) == len(cpu) >= 60
    # 1000 B/s in + 3000 B/s out over 60 s; a quarter of one core over 60 s
    assert {item.quantity for item in traffic} == {"0.00024"}
    assert {item.quantity for item in cpu} == {"0.004167"}
    assert len({item.key for item in readings}) == len(readings)
    assert all(item.ended_at - item.started_at == timedelta(seconds=60) for item in readings)
    assert all(item.ended_at <= timezone.now() for item in readings)


def test_a_wrong_token_is_refused_with_proxmox_words__PRV_02(module, pve, monkeypatch):
    monkeypatch.setenv(TOKEN_SECRET_VARIABLE, "not-the-secret")
    result = run_call(module, contract.request(Operation.CREATE, service_id=_service_id()))
    assert result.outcome == Outcome.FAILED and result.retry_can_help is False
    assert "401" in result.message and "authentication failure" in result.message
    assert "not-the-secret" not in result.message


def test_a_missing_token_names_the_environment_variable__PRV_01(module, monkeypatch):
    monkeypatch.delenv(TOKEN_SECRET_VARIABLE)
    result = run_call(module, contract.request(Operation.CREATE, service_id=_service_id()))
    assert result.outcome == Outcome.FAILED and result.retry_can_help is False
    assert TOKEN_SECRET_VARIABLE in result.message


def test_an_unverifiable_certificate_is_refused__PRV_01(module, configure_proxmox):
    configure_proxmox(**{conf.CA_BUNDLE: ""})
    result = run_call(module, contract.request(Operation.CREATE, service_id=_service_id()))
    assert result.outcome == Outcome.FAILED and result.retry_can_help is False
    assert conf.CA_BUNDLE in result.message


def test_a_failed_task_carries_proxmox_words__PRV_02(module, pve):
    made = contract.created(module)
    vm = pve.vm(made.module_service_id)
    vm.lock = "backup"
    result = run_call(module, contract.next_call(made, Operation.POWER_OFF))
    assert result.outcome == Outcome.FAILED and result.retry_can_help is True
    assert "500" in result.message and "VM is locked (backup)" in result.message


def test_the_power_state_of_a_vm_never_built_is_unknown__PRV_01(module):
    request = contract.request(Operation.POWER_ON, service_id=_service_id())
    assert module.power_state(request) == PowerState.UNKNOWN
    assert capabilities_of(module, request) == frozenset()


@pytest.mark.parametrize("address", ["http://127.0.0.1:8006", ""])
def test_an_api_address_that_is_not_https_is_a_setting_to_fix__PRV_01(
    module, configure_proxmox, address
):
    configure_proxmox(**{conf.API_URL: address})
    result = run_call(module, contract.request(Operation.CREATE, service_id=_service_id()))
    assert result.outcome == Outcome.FAILED and result.retry_can_help is False
    assert conf.API_URL in result.message


def test_module_settings_are_declared_when_hostledger_starts__PRV_01():
    """Staff set the module's settings before any module call: a fresh process knows them."""
    script = (
        "import django; django.setup(); "
        "from hostledger.core.registry import get_declaration; "
        f"print(get_declaration({conf.API_URL!r}).label)"
    )
    finished = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
    )
    assert finished.returncode == 0, finished.stderr[-2000:]
    assert finished.stdout.strip() == "Proxmox VE API address"
