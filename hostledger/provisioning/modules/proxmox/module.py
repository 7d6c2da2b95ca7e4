"""The ``proxmox`` module: virtual servers on Proxmox VE through its HTTP API (PRV-01).

A service's virtual server is a full clone of the template of its OS image
(``provisioning.proxmox.templates``) on ``provisioning.proxmox.node``, named
``hl-<service id>`` so that a create delivered twice finds the VM it cloned the first time
instead of cloning again; the VMID comes from ``/cluster/nextid`` and is the service's
``module_service_id``. The plan sets ``cores`` and ``memory`` and grows the disk
(``provisioning.proxmox.disk``); disks are never shrunk.

Every lifecycle call and control is repeatable: a suspension of a stopped VM, a start of a
running one or the termination of a VM already gone all answer done. A VM is acted on only
if its name is the service's (``hl-<service id>``, or ``hl-<service id>-r<key>`` after a
reinstall), so a VMID reused by someone else is never touched.

Controls: power (start, clean shutdown with a forced stop after
``provisioning.proxmox.shutdown_seconds``, reboot), reinstall (a new clone named after the
call's ``operation_key``, which replaces the old VM once it is configured), a noVNC console
link from a ``vncproxy`` ticket, a password reset through the QEMU guest agent (offered for
VMs whose config enables the agent) and usage readings from ``rrddata``.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import secrets
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.utils import timezone

from hostledger.core.registry import setting_value
from hostledger.provisioning.modules.interface import (
    Capability,
    ConsoleLink,
    ModuleError,
    ModuleResult,
    PowerState,
    ServiceRequest,
    UsageReading,
)
from hostledger.provisioning.modules.proxmox import conf
from hostledger.provisioning.modules.proxmox.client import (
    PveSession,
    agent_enabled,
    disk_size_bytes,
)

logger = logging.getLogger("hostledger.provisioning.proxmox")

GIB = 1024**3
_RRD_STEPS = {"hour": 60, "day": 1800, "week": 10800}
_QUANTITY = Decimal("0.000001")


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


def vm_name(request: ServiceRequest) -> str:
    """The name of a service's VM: a DNS label made of its public id (``hl-svc-…``)."""
    return "hl-" + request.service_id.lower().replace("_", "-")


def reinstall_name(request: ServiceRequest) -> str:
    """The name of the VM a reinstall builds, unique per (service, operation_key)."""
    digest = hashlib.sha256(request.operation_key.encode()).hexdigest()[:10]
    return f"{vm_name(request)}-r{digest}"


def _owned(vm: dict, request: ServiceRequest) -> bool:
    name = str(vm.get("name", ""))
    base = vm_name(request)
    return not vm.get("template") and (name == base or name.startswith(base + "-r"))


def templates() -> dict[str, int]:
    """The os-image → template VMID pairs of ``provisioning.proxmox.templates``."""
    pairs: dict[str, int] = {}
    for part in str(setting_value(conf.TEMPLATES)).split(","):
        if not part.strip():
            continue
        image, separator, vmid = part.partition("=")
        if not separator or not image.strip() or not vmid.strip().isdigit():
            raise ModuleError(
                f"{conf.TEMPLATES}: '{part.strip()}' is not an os-image=VMID pair.",
                retry_can_help=False,
                code="configuration",
            )
        pairs[image.strip()] = int(vmid.strip())
    return pairs


def _template_for(os_image: str) -> int:
    found = templates().get(os_image)
    if found is None:
        raise ModuleError(
            f"No Proxmox VE template is set for the OS image '{os_image or '(none)'}'; add "
            f"it to {conf.TEMPLATES}.",
            retry_can_help=False,
            code="unknown_template",
        )
    return found


def _number(value) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (ArithmeticError, ValueError):
        return None
    return number if number.is_finite() and number > 0 else None


def _is_running(status: dict) -> bool:
    return status.get("status") == "running" and status.get("qmpstatus", "running") != "paused"


def _is_paused(status: dict) -> bool:
    return status.get("status") == "running" and status.get("qmpstatus") == "paused"


def _decimal_text(value: Decimal) -> str:
    text = format(value.quantize(_QUANTITY, rounding=ROUND_HALF_UP), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


class ProxmoxModule:
    """Builds and runs virtual servers on Proxmox VE (see the module docstring)."""

    name = "proxmox"
    label = "Proxmox VE (virtual servers)"

    # -- finding a service's VM --------------------------------------------------------------

    def _find(self, pve: PveSession, request: ServiceRequest) -> dict | None:
        """The service's VM: the one of ``module_service_id`` when it still carries the
        service's name, else the one named after the service (newest first)."""
        vms = [vm for vm in pve.vms() if _owned(vm, request)]
        if request.module_service_id:
            for vm in vms:
                if str(vm["vmid"]) == str(request.module_service_id):
                    return vm
        named = [vm for vm in vms if vm.get("name") == vm_name(request)]
        candidates = named or vms
        return max(candidates, key=lambda vm: int(vm["vmid"])) if candidates else None

    def _require(self, pve: PveSession, request: ServiceRequest) -> dict:
        vm = self._find(pve, request)
        if vm is None:
            raise ModuleError(
                f"Proxmox VE node {pve.node} has no VM of service {request.service_id}.",
                retry_can_help=False,
                code="no_vm",
            )
        return vm

    @staticmethod
    def _result(pve: PveSession, vm: dict | int, message: str = "", **data) -> ModuleResult:
        vmid = int(vm["vmid"]) if isinstance(vm, dict) else int(vm)
        return ModuleResult.done(
            message,
            module_service_id=str(vmid),
            module_data={"node": pve.node, "vmid": vmid, **data},
        )

    # -- building ------------------------------------------------------------------------------

    def _clone(self, pve: PveSession, request: ServiceRequest, *, name: str, os_image: str) -> int:
        template = _template_for(os_image)
        vmid = pve.next_id()
        options = {"newid": vmid, "name": name, "full": 1}
        storage = str(setting_value(conf.STORAGE)).strip()
        if storage:
            options["storage"] = storage
        options["description"] = f"HostLedger service {request.service_id}"
        pve.run_task(
            f"clone template {template} to VM {vmid}",
            lambda: pve.qemu(template).clone.post(**options),
        )
        return vmid

    def _wait_unlocked(self, pve: PveSession, vm: dict) -> None:
        if vm.get("lock"):
            raise ModuleError(
                f"VM {vm['vmid']} is locked ({vm['lock']}) by a task still running; the retry "
                "looks at it again.",
                retry_can_help=True,
                code="vm_locked",
            )

    def _apply_plan(self, pve: PveSession, vmid: int, specs) -> dict:
        """Set cores and memory and grow the disk to ``specs``; returns the VM config read
        before the changes."""
        config = pve.config(vmid)
        options: dict = {}
        cores = _number((specs or {}).get("cpu"))
        if cores is not None:
            options["cores"] = int(cores)
        ram_gb = _number((specs or {}).get("ram_gb"))
        if ram_gb is not None:
            options["memory"] = int(ram_gb * 1024)
        changed = {
            key: value for key, value in options.items() if str(config.get(key)) != str(value)
        }
        if changed:
            pve.call(
                f"set {', '.join(sorted(changed))} of VM {vmid}",
                lambda: pve.qemu(vmid).config.put(**changed),
            )
        disk_gb = _number((specs or {}).get("disk_gb"))
        if disk_gb is not None:
            self._grow_disk(pve, vmid, config, disk_gb)
        return config

    def _grow_disk(self, pve: PveSession, vmid: int, config: dict, disk_gb: Decimal) -> None:
        disk = str(setting_value(conf.DISK)).strip()
        current = disk_size_bytes(str(config.get(disk, "")))
        if current is None:
            raise ModuleError(
                f"VM {vmid} has no disk '{disk}' with a size; set {conf.DISK} to the disk of "
                "the templates.",
                retry_can_help=False,
                code="configuration",
            )
        wanted = int(disk_gb * GIB)
        if wanted <= current:
            return  # never shrink: Proxmox VE cannot, and the client's data lives there
        size = f"{int(disk_gb)}G" if disk_gb == int(disk_gb) else f"{int(disk_gb * 1024)}M"
        pve.run_task(
            f"grow disk {disk} of VM {vmid} to {size}",
            lambda: pve.qemu(vmid).resize.put(disk=disk, size=size),
        )

    def _start(self, pve: PveSession, vmid: int) -> None:
        status = pve.status(vmid)
        if _is_paused(status):
            pve.run_task(f"resume VM {vmid}", lambda: pve.qemu(vmid).status.resume.post())
        elif status.get("status") != "running":
            pve.run_task(f"start VM {vmid}", lambda: pve.qemu(vmid).status.start.post())

    def _shut_down(self, pve: PveSession, vmid: int) -> None:
        status = pve.status(vmid)
        if status.get("status") != "running":
            return
        if _is_paused(status):
            pve.run_task(f"stop VM {vmid}", lambda: pve.qemu(vmid).status.stop.post())
            return
        seconds = int(setting_value(conf.SHUTDOWN_SECONDS))
        pve.run_task(
            f"shut down VM {vmid}",
            lambda: pve.qemu(vmid).status.shutdown.post(timeout=seconds, forceStop=1),
            extra_wait=seconds,
        )

    def _destroy(self, pve: PveSession, vmid: int) -> None:
        status = pve.status(vmid)
        if status.get("status") == "running":
            pve.run_task(f"stop VM {vmid}", lambda: pve.qemu(vmid).status.stop.post())
        pve.run_task(
            f"delete VM {vmid}",
            lambda: pve.qemu(vmid).delete(purge=1, **{"destroy-unreferenced-disks": 1}),
        )

    # -- the life of a service -----------------------------------------------------------------

    @answered
    def create(self, request: ServiceRequest) -> ModuleResult:
        pve = PveSession()
        vm = next(
            (vm for vm in pve.vms() if vm.get("name") == vm_name(request) and _owned(vm, request)),
            None,
        )
        if vm is None:
            vmid = self._clone(pve, request, name=vm_name(request), os_image=request.os_image)
        else:
            self._wait_unlocked(pve, vm)
            vmid = int(vm["vmid"])
        config = self._apply_plan(pve, vmid, request.specs)
        self._start(pve, vmid)
        return self._result(
            pve,
            vmid,
            f"VM {vmid} runs on node {pve.node}.",
            agent=agent_enabled(config),
        )

    @answered
    def suspend(self, request: ServiceRequest) -> ModuleResult:
        pve = PveSession()
        vm = self._require(pve, request)
        vmid = int(vm["vmid"])
        if setting_value(conf.SUSPEND_MODE) == conf.SUSPEND_PAUSE:
            status = pve.status(vmid)
            if _is_running(status):
                pve.run_task(f"pause VM {vmid}", lambda: pve.qemu(vmid).status.suspend.post())
            return ModuleResult.done(f"VM {vmid} is paused.")
        self._shut_down(pve, vmid)
        return ModuleResult.done(f"VM {vmid} is shut down.")

    @answered
    def resume(self, request: ServiceRequest) -> ModuleResult:
        pve = PveSession()
        vmid = int(self._require(pve, request)["vmid"])
        self._start(pve, vmid)
        return ModuleResult.done(f"VM {vmid} runs.")

    @answered
    def terminate(self, request: ServiceRequest) -> ModuleResult:
        pve = PveSession()
        vm = self._find(pve, request)
        if vm is None:
            return ModuleResult.done(f"No VM of service {request.service_id} is left.")
        self._wait_unlocked(pve, vm)
        self._destroy(pve, int(vm["vmid"]))
        return ModuleResult.done(f"VM {vm['vmid']} and its disks are deleted.")

    @answered
    def change_plan(self, request: ServiceRequest) -> ModuleResult:
        pve = PveSession()
        vm = self._require(pve, request)
        self._wait_unlocked(pve, vm)
        specs = request.changes.get("specs") or request.specs
        self._apply_plan(pve, int(vm["vmid"]), specs)
        return ModuleResult.done(
            f"VM {vm['vmid']} has the new plan; cores and memory apply at its next restart "
            "unless hotplug is on, and the disk was grown, never shrunk."
        )

    # -- controls ------------------------------------------------------------------------------

    def capabilities(self, request: ServiceRequest) -> frozenset[Capability]:
        if not request.module_service_id:
            return frozenset()
        declared = {Capability.POWER, Capability.REINSTALL, Capability.CONSOLE}
        if (request.module_data or {}).get("agent"):
            declared.add(Capability.RESET_PASSWORD)
        if _usage_items():
            declared.add(Capability.USAGE)
        return frozenset(declared)

    def power_on(self, request: ServiceRequest) -> ModuleResult:
        return self.resume(request)

    @answered
    def power_off(self, request: ServiceRequest) -> ModuleResult:
        pve = PveSession()
        vmid = int(self._require(pve, request)["vmid"])
        self._shut_down(pve, vmid)
        return ModuleResult.done(f"VM {vmid} is off.")

    @answered
    def reboot(self, request: ServiceRequest) -> ModuleResult:
        pve = PveSession()
        vmid = int(self._require(pve, request)["vmid"])
        status = pve.status(vmid)
        if status.get("status") != "running":
            self._start(pve, vmid)
            return ModuleResult.done(f"VM {vmid} was off and is started.")
        if _is_paused(status):
            pve.run_task(f"resume VM {vmid}", lambda: pve.qemu(vmid).status.resume.post())
        seconds = int(setting_value(conf.SHUTDOWN_SECONDS))
        pve.run_task(
            f"reboot VM {vmid}",
            lambda: pve.qemu(vmid).status.reboot.post(timeout=seconds),
            extra_wait=seconds,
        )
        return ModuleResult.done(f"VM {vmid} is rebooted.")

    def power_state(self, request: ServiceRequest) -> PowerState:
        try:
            pve = PveSession()
            vm = self._find(pve, request)
            if vm is None:
                return PowerState.UNKNOWN
            status = pve.status(int(vm["vmid"]))
        except ModuleError as error:
            logger.warning("Power state of %s unknown: %s", request.service_id, error.message)
            return PowerState.UNKNOWN
        return PowerState.ON if _is_running(status) else PowerState.OFF

    @answered
    def reinstall(self, request: ServiceRequest) -> ModuleResult:
        """A fresh clone of the template of ``changes["os_image"]`` (or the service's image)
        named after the call's key, configured to the plan, replacing the old VM; delivered
        twice, it finds the clone of the first delivery."""
        pve = PveSession()
        os_image = str(request.changes.get("os_image") or request.os_image)
        name = reinstall_name(request)
        vms = pve.vms()
        built = next((vm for vm in vms if vm.get("name") == name), None)
        if built is None:
            new_vmid = self._clone(pve, request, name=name, os_image=os_image)
        else:
            self._wait_unlocked(pve, built)
            new_vmid = int(built["vmid"])
        config = self._apply_plan(pve, new_vmid, request.specs)
        for vm in vms:
            if _owned(vm, request) and int(vm["vmid"]) != new_vmid:
                self._wait_unlocked(pve, vm)
                self._destroy(pve, int(vm["vmid"]))
        self._start(pve, new_vmid)
        return self._result(
            pve,
            new_vmid,
            f"VM {new_vmid} runs a fresh {os_image}; the old VM is deleted.",
            agent=agent_enabled(config),
        )

    @answered
    def reset_password(self, request: ServiceRequest) -> ModuleResult:
        """A new password for the guest user, set through the QEMU guest agent; the agent must
        answer (the VM runs and the agent is installed), else the call fails and is retried."""
        pve = PveSession()
        vmid = int(self._require(pve, request)["vmid"])
        pve.call(f"reach the guest agent of VM {vmid}", lambda: pve.qemu(vmid).agent.ping.post())
        user = str(request.changes.get("username") or setting_value(conf.GUEST_USER)).strip()
        password = secrets.token_urlsafe(18)
        pve.call(
            f"set the password of {user} in VM {vmid}",
            lambda: (
                pve.qemu(vmid).agent("set-user-password").post(username=user, password=password)
            ),
        )
        return ModuleResult.done(
            f"The password of {user} in VM {vmid} is new.",
            access={"username": user, "password": password},
        )

    def console(self, request: ServiceRequest) -> ConsoleLink:
        """A noVNC console link carrying a fresh ``vncproxy`` ticket (port and vncticket, the
        parameters of Proxmox VE's ``vncwebsocket``)."""
        pve = PveSession()
        vmid = int(self._require(pve, request)["vmid"])
        if pve.status(vmid).get("status") != "running":
            raise ModuleError(
                f"VM {vmid} is not running; start it to open its console.",
                retry_can_help=False,
                code="vm_stopped",
            )
        ticket = pve.call(
            f"open a console of VM {vmid}",
            lambda: pve.qemu(vmid).vncproxy.post(websocket=1),
        )
        base = str(setting_value(conf.CONSOLE_URL)).strip().rstrip("/") or pve.settings.api_url
        query = urlencode(
            {
                "console": "kvm",
                "novnc": 1,
                "node": pve.node,
                "vmid": vmid,
                "resize": "scale",
                "port": ticket.get("port", ""),
                "vncticket": ticket.get("ticket", ""),
            }
        )
        seconds = int(setting_value(conf.CONSOLE_LINK_SECONDS))
        return ConsoleLink(
            url=f"{base}/?{query}", expires_at=timezone.now() + timedelta(seconds=seconds)
        )

    def usage(self, request: ServiceRequest) -> list[UsageReading]:
        """Readings of the configured metered items from the VM's statistics: traffic in GB
        (in + out) and CPU time in vCPU-hours, one per finished statistics step."""
        items = _usage_items()
        if not items:
            return []
        pve = PveSession()
        vm = self._find(pve, request)
        if vm is None:
            return []
        vmid = int(vm["vmid"])
        timeframe = str(setting_value(conf.USAGE_TIMEFRAME))
        rows = pve.call(
            f"read the statistics of VM {vmid}",
            lambda: pve.qemu(vmid).rrddata.get(timeframe=timeframe, cf="AVERAGE"),
        )
        rows = sorted(
            (row for row in rows or [] if isinstance(row, dict) and "time" in row),
            key=lambda row: int(row["time"]),
        )
        step = _RRD_STEPS.get(timeframe, 60)
        if len(rows) >= 2:
            step = int(rows[1]["time"]) - int(rows[0]["time"]) or step
        now = timezone.now()
        readings: list[UsageReading] = []
        for row in rows:
            started = datetime.fromtimestamp(int(row["time"]), tz=UTC)
            ended = started + timedelta(seconds=step)
            if ended > now:
                continue
            for item, quantity in _quantities(row, step, items):
                readings.append(
                    UsageReading(
                        item_code=item,
                        quantity=_decimal_text(quantity),
                        started_at=started,
                        ended_at=ended,
                        key=f"pve:{pve.node}:{vmid}:{item}:{int(row['time'])}",
                    )
                )
        return readings


def _usage_items() -> dict[str, str]:
    items = {
        "traffic": str(setting_value(conf.TRAFFIC_ITEM)).strip(),
        "cpu_hours": str(setting_value(conf.CPU_HOURS_ITEM)).strip(),
    }
    return {kind: code for kind, code in items.items() if code}


def _quantities(row: dict, step: int, items: dict[str, str]):
    if "traffic" in items and row.get("netin") is not None and row.get("netout") is not None:
        per_second = Decimal(str(row["netin"])) + Decimal(str(row["netout"]))
        yield items["traffic"], per_second * step / Decimal(10**9)
    if "cpu_hours" in items and row.get("cpu") is not None and row.get("maxcpu") is not None:
        used = Decimal(str(row["cpu"])) * Decimal(str(row["maxcpu"]))
        yield items["cpu_hours"], used * step / Decimal(3600)


proxmox_module = ProxmoxModule()
