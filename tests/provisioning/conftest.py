"""Fixtures of the provisioning tests: those of the orders tests, and fake modules."""

from __future__ import annotations

import pytest

from hostledger.core.registry import provider_setting_change
from hostledger.provisioning.modules import registry
from hostledger.provisioning.modules.interface import ModuleError, ModuleResult
from hostledger.subscriptions.actions import order_place
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
from tests.subscriptions.factories import TODAY, fund


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
    registry.module_names()  # load the built-in modules first
    monkeypatch.setattr(registry, "_MODULES", dict(registry._MODULES))
    module = registry.register_module(ScriptedModule())
    provider_setting_change(key="provisioning.family_modules", raw_value="vps=scripted")
    return module


@pytest.fixture
def queued_service(client_record, payer, shop, django_capture_on_commit_callbacks):  # noqa: F811
    """Place and pay a one-month VPS Start whose family runs on a given module, leaving its
    create call queued, not run (see tests.provisioning.contract)."""

    def _queued(module, *, family: str = "vps", tariff=None, os_image=None, **order):
        provider_setting_change(
            key="provisioning.family_modules", raw_value=f"{family}={module.name}"
        )
        fund(client_record, "500.00")
        with django_capture_on_commit_callbacks(execute=False):
            placed = order_place(
                client=client_record,
                payer=payer,
                tariff=tariff or shop.vps_start,
                period_months=1,
                os_image=os_image or shop.debian,
                actor=client_record.owner,
                today=TODAY,
                start_at_once=True,
                **order,
            )
        return placed.service

    return _queued


def temporary_failure(message: str = "hypervisor busy") -> ModuleError:
    return ModuleError(message, retry_can_help=True)
