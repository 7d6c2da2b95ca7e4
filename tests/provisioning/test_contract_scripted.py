"""The module contract, run against an in-memory module, so the contract itself is proven
to pass a correct module and fail a wrong one (PRV-01)."""

from __future__ import annotations

import pytest

from hostledger.provisioning.modules import registry
from hostledger.provisioning.modules.interface import (
    Capability,
    ModuleError,
    ModuleResult,
    PowerState,
)
from tests.provisioning.contract import ModuleContract


class MemoryBackend:
    def __init__(self):
        self.machines: dict[str, str] = {}
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
            module_service_id=self._name(request), access={"address": "192.0.2.10"}
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
        return frozenset({Capability.POWER})

    power_off = suspend
    power_on = resume

    def reboot(self, request):
        return self.resume(request)

    def power_state(self, request):
        return PowerState(self.backend.machines.get(self._name(request), "unknown"))


class TestMemoryModuleContract(ModuleContract):
    refusal_words = ("quota exceeded",)

    @pytest.fixture
    def backend(self):
        return MemoryBackend()

    @pytest.fixture
    def module(self, backend, monkeypatch):
        registry.module_names()
        monkeypatch.setattr(registry, "_MODULES", dict(registry._MODULES))
        return registry.register_module(MemoryModule(backend))


def test_the_contract_catches_a_create_that_builds_twice__PRV_01():
    """A module that builds a new machine on every delivery of the same create fails."""
    backend = MemoryBackend()

    class Careless(MemoryModule):
        def create(self, request):
            name = f"vm-{len(self.backend.machines)}"
            self.backend.machines[name] = "on"
            return ModuleResult.done(module_service_id=name)

    with pytest.raises(AssertionError):
        TestMemoryModuleContract().test_a_create_delivered_twice_builds_once__PRV_01(
            Careless(backend), backend
        )
