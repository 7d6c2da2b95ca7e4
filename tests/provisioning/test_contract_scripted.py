"""The module contract, run against an in-memory module, so the contract itself is proven
to pass a correct module and fail a wrong one (PRV-01)."""

from __future__ import annotations

import pytest

from hostledger.provisioning.modules import registry
from hostledger.provisioning.modules.interface import ModuleResult
from tests.provisioning.contract import ModuleContract
from tests.provisioning.memory_module import MemoryBackend, MemoryModule


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
