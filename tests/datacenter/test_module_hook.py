"""The hook between applications for actions on equipment and provisioning modules: a
capability query and the call, so that a module that can do an action is offered to staff
for one click (SUP-02, PRV-01)."""

from __future__ import annotations

import pytest

from hostledger.core.errors import DomainError
from hostledger.datacenter.actions import (
    application_file,
    application_module_can_run,
    application_module_run,
    equipment_register,
)
from hostledger.datacenter.models import ApplicationStatus
from hostledger.provisioning.equipment_actions import (
    equipment_action_available,
    equipment_action_perform,
)
from hostledger.provisioning.modules import registry
from hostledger.provisioning.modules.interface import (
    EquipmentAction,
    EquipmentActionModule,
    ModuleError,
    ModuleResult,
    Outcome,
)
from hostledger.provisioning.modules.manual.module import manual_module
from hostledger.subscriptions.models import Service

pytestmark = pytest.mark.django_db


class PowerModule:
    """A module that can reboot and power servers itself and nothing else; it records the
    requests it gets, and fails when told to."""

    name = "power_test"
    label = "Power control for tests"

    def __init__(self):
        self.calls = []
        self.error: Exception | None = None

    def _waiting(self, request):
        return ModuleResult.waiting("by hand")

    create = suspend = resume = terminate = change_plan = _waiting

    def can_perform_equipment_action(self, action, request) -> bool:
        return action in (EquipmentAction.REBOOT, EquipmentAction.POWER_ON)

    def perform_equipment_action(self, request):
        self.calls.append(request)
        if self.error is not None:
            raise self.error
        return ModuleResult.done(f"{request.action} sent to {','.join(request.equipment_ids)}")


@pytest.fixture
def power_module(monkeypatch):
    registry.module_names()
    monkeypatch.setattr(registry, "_MODULES", dict(registry._MODULES))
    return registry.register_module(PowerModule())


@pytest.fixture
def application_for(staff, access_a, client_a, make_service):
    def _make(action: str, module_name: str = "manual"):
        service = make_service(client_a)
        Service.objects.filter(pk=service.pk).update(module_name=module_name)
        service.refresh_from_db()
        equipment_register(
            actor=staff, service=service, equipment_id=f"SRV-{action[:5].upper()}", kind="server"
        )
        return application_file(
            access=access_a,
            actor=client_a.owner,
            action=action,
            equipment_ids=f"SRV-{action[:5].upper()}",
        )

    return _make


def test_the_manual_module_can_do_no_action_so_staff_work_it_by_hand__SUP_02(
    staff, application_for
):
    assert isinstance(manual_module, EquipmentActionModule)
    application = application_for("reboot")
    service = application.items.get().equipment.service
    for action in EquipmentAction:
        assert not equipment_action_available(service=service, action=action)
    assert not application_module_can_run(application)
    answer = equipment_action_perform(service=service, action="reboot", operation_key="k")
    assert (answer.outcome, answer.retry_can_help) == (Outcome.FAILED, False)
    with pytest.raises(DomainError) as refused:
        application_module_run(application=application, actor=staff)
    assert refused.value.code == "module_cannot"
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_a_module_that_can_do_the_action_does_it_at_one_click__SUP_02(
    staff, power_module, application_for
):
    application = application_for("reboot", "power_test")
    assert application_module_can_run(application)
    done = application_module_run(application=application, actor=staff)
    assert done.status == ApplicationStatus.DONE
    assert done.done_by_module == "power_test"
    assert "reboot sent to SRV-REBOO" in done.result
    assert done.worked_by == staff and done.finished_at is not None
    (request,) = power_module.calls
    assert request.operation_key.startswith(application.public_id)
    assert request.equipment_ids == ("SRV-REBOO",)


def test_an_action_the_module_cannot_do_is_not_offered__SUP_02(power_module, application_for):
    application = application_for("os_reinstall", "power_test")
    assert not application_module_can_run(application)


def test_a_module_failure_is_recorded_and_the_application_stays_with_staff__SUP_02(
    staff, power_module, application_for
):
    application = application_for("power_on", "power_test")
    power_module.error = ModuleError("BMC unreachable", retry_can_help=True)
    waiting = application_module_run(application=application, actor=staff)
    assert waiting.status == ApplicationStatus.IN_PROGRESS
    assert "BMC unreachable" in waiting.result
    power_module.error = ModuleError("No BMC on this server", retry_can_help=False)
    failed = application_module_run(application=application, actor=staff)
    assert failed.status == ApplicationStatus.FAILED
    assert "No BMC on this server" in failed.result
