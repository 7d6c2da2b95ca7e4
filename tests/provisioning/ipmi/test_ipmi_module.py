"""The ``ipmi`` module against OpenIPMI's ipmi_sim BMC emulator (PRV-01, PRV-02)."""

from __future__ import annotations

import time
import uuid

import pytest

from hostledger.provisioning.actions import service_request
from hostledger.provisioning.models import ProvisioningOperation
from hostledger.provisioning.modules.interface import (
    Capability,
    ModuleError,
    Operation,
    Outcome,
    PowerState,
    capabilities_of,
)
from hostledger.provisioning.modules.ipmi import conf
from hostledger.provisioning.modules.ipmi.bmc import bmc_of
from tests.provisioning.contract import ModuleContract, run_call
from tests.provisioning.ipmi.conftest import DEDICATED_SPECS
from tests.provisioning.ipmi.rack import GUID, PASSWORD, free_udp_port


class TestIpmiContract(ModuleContract):
    family = "dedicated"
    tariff = "dedicated-e-2336"
    specs = DEDICATED_SPECS
    os_image = "debian-12-server"
    refusal_words = ("BMC refused", "Incorrect password provided")
    resources_per_create = 0  # staff rack the server; the module builds nothing

    @pytest.fixture(autouse=True)
    def _rack(self, backend):
        self.backend = backend

    def request(self, operation, *, service_id, **overrides):
        """Each call carries the BMC details staff entered for the test's server."""
        overrides.setdefault("access", self.backend.access())
        return super().request(operation, service_id=service_id, **overrides)


def _service_id() -> str:
    return f"svc_{uuid.uuid4().hex[:16]}"


@pytest.fixture
def contract(backend):
    made = TestIpmiContract()
    made.backend = backend
    return made


def test_a_server_without_bmc_details_waits_for_staff__PRV_01(module, contract):
    request = contract.request(Operation.CREATE, service_id=_service_id(), access={})
    result = run_call(module, request)
    assert result.outcome == Outcome.WAITING
    assert "assign a server and enter its BMC address and credentials" in result.message
    assert capabilities_of(module, request) == frozenset()
    assert module.power_state(request) == PowerState.UNKNOWN
    for operation in (Operation.SUSPEND, Operation.RESUME, Operation.TERMINATE):
        answer = run_call(module, contract.next_call(request, operation))
        assert answer.outcome == Outcome.WAITING and "by hand" in answer.message


def test_a_create_with_bmc_details_checks_the_bmc_and_names_the_server__PRV_01(
    module, contract, bmc
):
    request = contract.request(Operation.CREATE, service_id=_service_id())
    result = run_call(module, request)
    assert result.outcome == Outcome.DONE, result.message
    assert result.module_service_id.replace("-", "") == GUID
    assert result.module_data == {"system_guid": result.module_service_id}
    assert "powered on" in result.message
    assert bmc.chassis_log == []  # checking changes nothing
    for secret in (PASSWORD, request.access["bmc_address"], request.access["bmc_username"]):
        assert secret not in result.message
    assert capabilities_of(module, request) == frozenset({Capability.POWER})


def test_suspend_and_resume_switch_the_power__PRV_01(module, contract, bmc):
    made = contract.created(module)
    assert run_call(module, contract.next_call(made, Operation.SUSPEND)).outcome == Outcome.DONE
    assert bmc.power() == "off"
    assert run_call(module, contract.next_call(made, Operation.RESUME)).outcome == Outcome.DONE
    assert bmc.power() == "on"
    assert bmc.chassis_log == ["power 0", "power 1"]


def test_a_termination_powers_off_and_tells_staff_to_wipe_the_disks__PRV_01(module, contract, bmc):
    made = contract.created(module)
    result = run_call(module, contract.next_call(made, Operation.TERMINATE))
    assert result.outcome == Outcome.DONE
    assert bmc.power() == "off"
    assert "wipe its disks" in result.message


def test_a_plan_change_is_a_hardware_change_by_staff__PRV_01(module, contract, bmc):
    made = contract.created(module)
    change = contract.next_call(
        made,
        Operation.CHANGE_PLAN,
        tariff="dedicated-e-2388",
        specs={"cpu": 8, "ram_gb": 64, "disk_gb": 1920},
    )
    result = run_call(module, change)
    assert result.outcome == Outcome.WAITING
    assert "dedicated-e-2388" in result.message and "ram_gb 64" in result.message
    assert bmc.chassis_log == []


def test_a_reboot_resets_a_running_server_and_starts_a_stopped_one__PRV_01(module, contract, bmc):
    made = contract.created(module)
    assert run_call(module, contract.next_call(made, Operation.REBOOT)).outcome == Outcome.DONE
    assert bmc.chassis_log == ["reset 1"] and bmc.power() == "on"
    bmc.set_power("off")
    result = run_call(module, contract.next_call(made, Operation.REBOOT))
    assert result.outcome == Outcome.DONE and "started" in result.message
    assert bmc.chassis_log == ["reset 1", "power 1"] and bmc.power() == "on"


def test_a_reboot_can_be_a_power_cycle__PRV_01(module, contract, bmc, configure_ipmi):
    configure_ipmi(**{conf.REBOOT_METHOD: conf.REBOOT_CYCLE})
    made = contract.created(module)
    result = run_call(module, contract.next_call(made, Operation.REBOOT))
    assert result.outcome == Outcome.DONE and "power-cycled" in result.message
    assert bmc.chassis_log[:1] == ["power 0"]
    deadline = time.monotonic() + 10
    while bmc.power() != "on" and time.monotonic() < deadline:
        time.sleep(0.1)
    assert bmc.power() == "on"


def test_an_unreachable_bmc_fails_quickly_for_a_retry__PRV_02(module, contract):
    request = contract.request(
        Operation.CREATE,
        service_id=_service_id(),
        access={**contract.backend.access(), "bmc_address": f"127.0.0.1:{free_udp_port()}"},
    )
    started = time.monotonic()
    result = run_call(module, request)
    assert time.monotonic() - started < 5
    assert result.outcome == Outcome.FAILED and result.retry_can_help is True
    assert "did not answer" in result.message
    assert "127.0.0.1" not in result.message
    assert module.power_state(request) == PowerState.UNKNOWN


def test_a_refused_login_carries_the_bmc_words_not_the_password__PRV_02(module, contract):
    access = {**contract.backend.access(), "bmc_password": "guessed-wrong"}
    request = contract.request(Operation.SUSPEND, service_id=_service_id(), access=access)
    result = run_call(module, request)
    assert result.outcome == Outcome.FAILED and result.retry_can_help is False
    assert "Incorrect password provided" in result.message
    assert "guessed-wrong" not in result.message


def test_a_bmc_that_answers_pings_but_not_in_time_is_cut_off__PRV_02(
    module, contract, relay, configure_ipmi
):
    """The relay lets the presence ping through but diverts the login: the call gives up at
    the call timeout, not later."""
    configure_ipmi(**{conf.TIMEOUT_SECONDS: 2})
    request = contract.request(Operation.CREATE, service_id=_service_id())
    original = relay._divert

    def divert_all_but_pings(packet):
        return not (len(packet) >= 12 and packet[3] == 0x06 and packet[8] == 0x80)

    relay._divert = divert_all_but_pings
    try:
        started = time.monotonic()
        result = run_call(module, request)
        elapsed = time.monotonic() - started
    finally:
        relay._divert = original
    assert result.outcome == Outcome.FAILED and result.retry_can_help is True
    assert elapsed < 2 + 1.5


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("10.0.0.5", ("10.0.0.5", 623)),
        ("bmc-17.rack.example:6230", ("bmc-17.rack.example", 6230)),
        ("[2001:db8::5]:624", ("2001:db8::5", 624)),
        ("2001:db8::5", ("2001:db8::5", 623)),
    ],
)
def test_bmc_addresses_with_and_without_a_port__PRV_01(module, address, expected):
    found = bmc_of({"bmc_address": address, "bmc_username": "u", "bmc_password": "p"})
    assert (found.host, found.port) == expected
    assert "p" not in repr(found).replace("Bmc", "")


@pytest.mark.parametrize("address", [":623", "[2001:db8::5]:99999", "[]:623"])
def test_a_bmc_address_that_is_not_one_is_refused__PRV_01(module, address):
    with pytest.raises(ModuleError) as refused:
        bmc_of({"bmc_address": address, "bmc_username": "u", "bmc_password": "p"})
    assert refused.value.retry_can_help is False


def test_the_job_tells_the_module_the_access_details_stored_for_the_service__PRV_01(
    module, backend, queued_service
):
    service = queued_service(module)
    create = ProvisioningOperation.objects.get(service=service, operation=Operation.CREATE)
    told = service_request(create)
    assert told.access == backend.access()
    assert told.family == "dedicated" and told.os_image == "debian-12-server"
