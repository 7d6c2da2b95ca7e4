"""The ``ipmi`` module: dedicated servers, racked by staff and powered through their BMC
(PRV-01).

A dedicated server is a machine in the rack, not something software builds. A new service
waits for staff, who assign a server and enter its BMC address, user name and password
(``bmc_address``, ``bmc_username``, ``bmc_password``) in the service's access details when
they activate it. When the access details already hold them at the create, the module checks
that the BMC answers (and reads the server's System GUID, its ``module_service_id``) and the
service is built.

Suspension powers the server off, resumption powers it on, termination powers it off (staff
then wipe its disks before it serves anyone else); a plan change is a hardware change done by
staff. The only control is power: on, off (immediate), reboot (hard reset or power cycle,
``provisioning.ipmi.reboot_method``) and the power state. Every call is bounded in time (see
:mod:`.bmc`).
"""

from __future__ import annotations

import functools
import logging

from hostledger.core.registry import setting_value
from hostledger.provisioning.modules.interface import (
    Capability,
    ModuleError,
    ModuleResult,
    PowerState,
    ServiceRequest,
)
from hostledger.provisioning.modules.ipmi import conf
from hostledger.provisioning.modules.ipmi.bmc import has_bmc, with_bmc

logger = logging.getLogger("hostledger.provisioning.ipmi")

WAITING_FOR_BMC = (
    "Waiting for staff: assign a server and enter its BMC address and credentials "
    "(bmc_address, bmc_username, bmc_password) at activation."
)
_CHASSIS_CYCLE = 0x02


def answered(call):
    """A call that answers a failed ModuleResult for a ModuleError, so every caller (the
    job, a staff page, a test) gets a ModuleResult."""

    @functools.wraps(call)
    def answer(self, request: ServiceRequest) -> ModuleResult:
        try:
            return call(self, request)
        except ModuleError as error:
            return ModuleResult.failed(error.message, retry_can_help=error.retry_can_help)

    return answer


def _system_guid(command) -> str:
    """The System GUID the BMC reports (Get System GUID), as 32 hex digits in 8-4-4-4-12
    groups of the bytes as sent; empty when the BMC does not give one."""
    try:
        answer = command.xraw_command(netfn=0x06, command=0x37)
    except Exception:
        return ""
    raw = bytes(answer.get("data", b""))
    if len(raw) != 16 or not any(raw):
        return ""
    text = raw.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def _power(command) -> str:
    return str(command.get_power().get("powerstate", ""))


class IpmiModule:
    """Powers dedicated servers through their BMC (see the module docstring)."""

    name = "ipmi"
    label = "Dedicated servers (IPMI)"

    def _waiting_without_bmc(self, request: ServiceRequest, what: str) -> ModuleResult | None:
        if has_bmc(request.access):
            return None
        return ModuleResult.waiting(
            f"Waiting for staff: {what} by hand; this server has no BMC details to do it "
            "remotely. Then mark it done."
        )

    def _set_power(self, request: ServiceRequest, state: str, what: str) -> str:
        wait = int(setting_value(conf.POWER_WAIT_SECONDS))

        def work(command):
            command.set_power(state, wait=wait)
            return _power(command)

        reached = with_bmc(request.access, what, work, extra=wait)
        if reached != state:
            raise ModuleError(
                f"The server's BMC reports it {reached or 'in no known state'} after being "
                f"told to power {state}.",
                retry_can_help=True,
                code="bmc_power",
            )
        return reached

    # -- the life of a service -----------------------------------------------------------------

    @answered
    def create(self, request: ServiceRequest) -> ModuleResult:
        if not has_bmc(request.access):
            return ModuleResult.waiting(WAITING_FOR_BMC)

        def work(command):
            return _system_guid(command), _power(command)

        guid, power = with_bmc(request.access, "check the server", work)
        server = guid or f"dedicated-{request.service_id}"
        return ModuleResult.done(
            f"The server's BMC answers; the server is powered {power or 'in an unknown state'}.",
            module_service_id=server,
            module_data={"system_guid": guid} if guid else {},
        )

    @answered
    def suspend(self, request: ServiceRequest) -> ModuleResult:
        waiting = self._waiting_without_bmc(request, "power the server off")
        if waiting:
            return waiting
        self._set_power(request, "off", "power the server off")
        return ModuleResult.done("The server is powered off.")

    @answered
    def resume(self, request: ServiceRequest) -> ModuleResult:
        waiting = self._waiting_without_bmc(request, "power the server on")
        if waiting:
            return waiting
        self._set_power(request, "on", "power the server on")
        return ModuleResult.done("The server is powered on.")

    @answered
    def terminate(self, request: ServiceRequest) -> ModuleResult:
        waiting = self._waiting_without_bmc(request, "power the server off and wipe its disks")
        if waiting:
            return waiting
        self._set_power(request, "off", "power the server off")
        return ModuleResult.done(
            "The server is powered off. Staff must wipe its disks before it is given to "
            "anyone else."
        )

    def change_plan(self, request: ServiceRequest) -> ModuleResult:
        specs = request.changes.get("specs") or {}
        plan = ", ".join(f"{key} {value}" for key, value in sorted(specs.items()))
        tariff = request.changes.get("tariff") or request.tariff
        return ModuleResult.waiting(
            f"Waiting for staff: change the server's hardware to the plan {tariff}"
            + (f" ({plan})" if plan else "")
            + ", then mark it done."
        )

    # -- controls ------------------------------------------------------------------------------

    def capabilities(self, request: ServiceRequest) -> frozenset[Capability]:
        return frozenset({Capability.POWER}) if has_bmc(request.access) else frozenset()

    def power_on(self, request: ServiceRequest) -> ModuleResult:
        return self.resume(request)

    def power_off(self, request: ServiceRequest) -> ModuleResult:
        return self.suspend(request)

    @answered
    def reboot(self, request: ServiceRequest) -> ModuleResult:
        waiting = self._waiting_without_bmc(request, "reboot the server")
        if waiting:
            return waiting
        method = setting_value(conf.REBOOT_METHOD)
        wait = int(setting_value(conf.POWER_WAIT_SECONDS))

        def work(command):
            if _power(command) != "on":
                command.set_power("on", wait=wait)
                return "started"
            if method == conf.REBOOT_CYCLE:
                command.xraw_command(netfn=0x00, command=0x02, data=[_CHASSIS_CYCLE])
                return "power-cycled"
            command.set_power("reset")
            return "reset"

        done = with_bmc(request.access, "reboot the server", work, extra=wait)
        return ModuleResult.done(f"The server is {done}.")

    def power_state(self, request: ServiceRequest) -> PowerState:
        if not has_bmc(request.access):
            return PowerState.UNKNOWN
        try:
            power = with_bmc(request.access, "read the power state", _power)
        except ModuleError as error:
            logger.warning("Power state of %s unknown: %s", request.service_id, error.message)
            return PowerState.UNKNOWN
        return {"on": PowerState.ON, "off": PowerState.OFF}.get(power, PowerState.UNKNOWN)


ipmi_module = IpmiModule()
