"""Fixtures of the provisioning tests: those of the orders tests, and fake modules."""

from __future__ import annotations

import pytest

from hostledger.provisioning.modules import registry
from hostledger.provisioning.modules.interface import ModuleError, ModuleResult
from tests.subscriptions.conftest import (  # noqa: F401  (fixtures shared with these tests)
    _frozen_clock,
    _immediate_tasks,
    apply_payments,
    client_record,
    other_client,
    payer,
    place,
    run_hooks,
    shop,
    staff,
    staff_without_permission,
)


class ScriptedModule:
    """A module whose answers the test sets: a list of results or errors, one per call (the
    last one repeats); it records every request it gets."""

    label = "Scripted test module"

    def __init__(self, name: str = "scripted"):
        self.name = name
        self.answers: list = [ModuleResult.done(module_service_id="vm-101")]
        self.calls: list = []

    def _answer(self, request):
        self.calls.append(request)
        answer = self.answers[min(len(self.calls) - 1, len(self.answers) - 1)]
        if isinstance(answer, Exception):
            raise answer
        return answer

    create = suspend = resume = terminate = change_plan = _answer


@pytest.fixture
def scripted_module(monkeypatch, db):
    """A scripted module registered for the VPS family for this test only."""
    from hostledger.core.registry import provider_setting_change

    registry.module_names()  # load the built-in modules first
    monkeypatch.setattr(registry, "_MODULES", dict(registry._MODULES))
    module = registry.register_module(ScriptedModule())
    provider_setting_change(key="provisioning.family_modules", raw_value="vps=scripted")
    return module


def temporary_failure(message: str = "hypervisor busy") -> ModuleError:
    return ModuleError(message, retry_can_help=True)
