"""An in-memory provisioning module and its backend, for tests of the core that need a module
which really keeps state (the contract itself, the controls, the service page)."""

from __future__ import annotations

from datetime import timedelta

from hostledger.provisioning.modules.interface import (
    Capability,
    ConsoleLink,
    ModuleError,
    ModuleResult,
    PowerState,
    UsageReading,
)


class MemoryBackend:
    def __init__(self):
        self.machines: dict[str, str] = {}
        self.reinstalled: list[tuple[str, str]] = []
        self.usage_calls = 0
        self.fault = ""

    def resources(self) -> int:
        return len(self.machines)

    def inject(self, kind: str) -> None:
        self.fault = kind

    def power_state(self, request) -> str:
        return self.machines[request.module_service_id]

    def take_fault(self) -> None:
        fault, self.fault = self.fault, ""
        if fault == "timeout":
            raise ModuleError("memory backend: no answer within 5 s", retry_can_help=True)
        if fault == "refusal":
            raise ModuleError("memory backend: quota exceeded", retry_can_help=False)


class MemoryModule:
    """A correct module over a dict: names each machine after its service."""

    name = "memory"
    label = "In-memory test module"

    def __init__(self, backend: MemoryBackend):
        self.backend = backend

    def _name(self, request) -> str:
        return request.module_service_id or f"vm-{request.service_id}"

    def create(self, request):
        self.backend.take_fault()
        self.backend.machines.setdefault(self._name(request), "on")
        return ModuleResult.done(
            module_service_id=self._name(request),
            access={"address": "192.0.2.10", "username": "root", "password": "Sesame-4711-Open"},
        )

    def suspend(self, request):
        self.backend.take_fault()
        if self._name(request) in self.backend.machines:
            self.backend.machines[self._name(request)] = "off"
        return ModuleResult.done()

    def resume(self, request):
        self.backend.take_fault()
        if self._name(request) in self.backend.machines:
            self.backend.machines[self._name(request)] = "on"
        return ModuleResult.done()

    def terminate(self, request):
        self.backend.take_fault()
        self.backend.machines.pop(self._name(request), None)
        return ModuleResult.done()

    def change_plan(self, request):
        return ModuleResult.done()

    def capabilities(self, request):
        return frozenset(
            {Capability.POWER, Capability.REINSTALL, Capability.CONSOLE, Capability.USAGE}
        )

    def usage(self, request, *, since, until):
        """One reading of outbound traffic per whole hour in [since, until): 1.5 GB each."""
        readings = []
        start = since.replace(minute=0, second=0, microsecond=0)
        while start + timedelta(hours=1) <= until:
            end = start + timedelta(hours=1)
            if start >= since:
                readings.append(
                    UsageReading(
                        item_code="traffic-gb",
                        quantity="1.5",
                        started_at=start,
                        ended_at=end,
                        key=f"{self._name(request)}:{start:%Y%m%d%H}",
                    )
                )
            start = end
        self.backend.usage_calls += 1
        return readings

    def reinstall(self, request):
        self.backend.reinstalled.append((self._name(request), request.changes.get("os_image")))
        return ModuleResult.done()

    def console(self, request):
        return ConsoleLink(url=f"https://console.example/{self._name(request)}", expires_at=None)

    power_off = suspend
    power_on = resume

    def reboot(self, request):
        return self.resume(request)

    def power_state(self, request):
        return PowerState(self.backend.machines.get(self._name(request), "unknown"))
