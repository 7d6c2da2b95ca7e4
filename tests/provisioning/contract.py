"""The contract every provisioning module passes (PRV-01, PRV-02), against its real backend or
the simulator its tests start.

A module's test file subclasses :class:`ModuleContract` and provides two fixtures:

``module``
    the module instance, configured to talk to the backend of this test;
``backend``
    an object with ``resources() -> int`` (how many resources of this test exist in the
    backend now, to prove a retried create builds once), ``inject(kind)`` (make the backend
    fail the next call: ``"timeout"`` never answers within the module's timeout,
    ``"refusal"`` answers with an error no retry can cure) and ``power_state(result) -> str``
    (``"on"``/``"off"`` of the resource a create built, read from the backend itself, not
    through the module).

and, for the test through the job queue, ``queued_service``: a callable ``(module) ->
Service`` that places and pays an order whose family runs on ``module`` (registered under its
name, configured through provider settings to reach this test's backend) without running the
queued create. :func:`tests.provisioning.conftest.queued_service` does it for a VPS; modules
of other families override it.

Class attributes say what the service looks like (``family``, ``specs``, ``os_image``) and
``refusal_words``, words the module's error must carry from the backend's own refusal so
staff see what the backend said.
"""

from __future__ import annotations

import uuid
from dataclasses import replace

import pytest
from django.utils import timezone

from hostledger.provisioning.actions import (
    provisioning_operation_run,
    provisioning_operations_sweep,
)
from hostledger.provisioning.models import ProvisioningOperation
from hostledger.provisioning.modules.interface import (
    LIFECYCLE_OPERATIONS,
    Capability,
    ControlModule,
    ModuleError,
    ModuleResult,
    Operation,
    Outcome,
    PowerState,
    ProvisioningModule,
    ServiceRequest,
    capabilities_of,
)
from hostledger.provisioning.selectors import operations_for_staff
from hostledger.subscriptions.models import ServiceStatus


def run_call(module, request: ServiceRequest) -> ModuleResult:
    """Call ``module`` the way the job does: a ModuleError becomes a failed result."""
    try:
        result = getattr(module, request.operation.value)(request)
    except ModuleError as error:
        return ModuleResult.failed(error.message, retry_can_help=error.retry_can_help)
    assert isinstance(result, ModuleResult)
    return result


class ModuleContract:
    family = "vps"
    tariff = "vps-start"
    specs: dict = {"cpu": 1, "ram_gb": 1, "disk_gb": 10}
    os_image = "debian-12"
    host_name = ""
    access: dict = {}
    refusal_words: tuple[str, ...] = ()
    resources_per_create = 1

    def request(self, operation: Operation, *, service_id: str, **overrides) -> ServiceRequest:
        values = {
            "operation": operation,
            "operation_key": f"pop_{uuid.uuid4().hex[:12]}",
            "service_id": service_id,
            "client_id": "cli_contract",
            "family": self.family,
            "tariff": self.tariff,
            "specs": dict(self.specs),
            "os_image": self.os_image,
            "host_name": self.host_name,
            "access": dict(self.access),
        }
        values.update(overrides)
        return ServiceRequest(**values)

    def created(self, module, *, service_id: str | None = None) -> ServiceRequest:
        """Create a resource and return a request that names it, for the next calls."""
        service_id = service_id or f"svc_{uuid.uuid4().hex[:10]}"
        create = self.request(Operation.CREATE, service_id=service_id)
        result = run_call(module, create)
        assert result.outcome == Outcome.DONE, result.message
        return replace(
            create,
            module_service_id=result.module_service_id,
            module_data=dict(result.module_data or {}),
            access={**create.access, **dict(result.access or {})},
        )

    def next_call(self, request: ServiceRequest, operation: Operation, **changes) -> ServiceRequest:
        return replace(
            request,
            operation=operation,
            operation_key=f"pop_{uuid.uuid4().hex[:12]}",
            changes=changes,
        )

    # -- the life of a service ---------------------------------------------------------------

    def test_the_module_provides_the_interface__PRV_01(self, module):
        assert isinstance(module, ProvisioningModule)
        assert module.name and module.label

    def test_a_create_delivered_twice_builds_once__PRV_01(self, module, backend):
        before = backend.resources()
        create = self.request(Operation.CREATE, service_id=f"svc_{uuid.uuid4().hex[:10]}")
        first = run_call(module, create)
        again = run_call(module, create)
        assert first.outcome == again.outcome == Outcome.DONE, (first.message, again.message)
        assert first.module_service_id and again.module_service_id == first.module_service_id
        assert backend.resources() == before + self.resources_per_create

    def test_suspend_resume_and_terminate__PRV_01(self, module, backend):
        before = backend.resources()
        made = self.created(module)
        for operation in (Operation.SUSPEND, Operation.RESUME):
            call = self.next_call(made, operation)
            assert run_call(module, call).outcome == Outcome.DONE
            assert run_call(module, call).outcome == Outcome.DONE  # delivered twice
        terminate = self.next_call(made, Operation.TERMINATE)
        assert run_call(module, terminate).outcome == Outcome.DONE
        assert run_call(module, terminate).outcome == Outcome.DONE  # gone stays gone
        assert backend.resources() == before

    def test_a_plan_change_is_applied__PRV_01(self, module):
        made = self.created(module)
        bigger = {key: value * 2 for key, value in self.specs.items()}
        change = self.next_call(made, Operation.CHANGE_PLAN, tariff="bigger", specs=bigger)
        result = run_call(module, change)
        assert result.outcome in (Outcome.DONE, Outcome.WAITING), result.message

    def test_every_lifecycle_call_answers_for_a_resource_never_built__PRV_01(self, module):
        for operation in LIFECYCLE_OPERATIONS[1:]:
            call = self.request(operation, service_id=f"svc_{uuid.uuid4().hex[:10]}")
            result = run_call(module, call)
            assert result.outcome in set(Outcome)
            if result.outcome == Outcome.FAILED:
                assert isinstance(result.retry_can_help, bool) and result.message

    # -- controls ----------------------------------------------------------------------------

    def test_declared_power_controls_change_the_power_state__PRV_01(self, module, backend):
        made = self.created(module)
        if Capability.POWER not in capabilities_of(module, made):
            pytest.skip("this module declares no power control")
        assert isinstance(module, ControlModule)
        off = self.next_call(made, Operation.POWER_OFF)
        assert run_call(module, off).outcome == Outcome.DONE
        assert run_call(module, off).outcome == Outcome.DONE  # off twice is off
        assert backend.power_state(made) == "off"
        assert module.power_state(made) == PowerState.OFF
        assert run_call(module, self.next_call(made, Operation.POWER_ON)).outcome == Outcome.DONE
        assert backend.power_state(made) == "on"
        assert run_call(module, self.next_call(made, Operation.REBOOT)).outcome == Outcome.DONE
        assert backend.power_state(made) == "on"
        assert module.power_state(made) == PowerState.ON

    def test_every_declared_control_has_its_call__PRV_01(self, module):
        made = self.created(module)
        declared = capabilities_of(module, made)
        for capability in declared:
            method = {
                Capability.POWER: "reboot",
                Capability.REINSTALL: "reinstall",
                Capability.CONSOLE: "console",
                Capability.RESET_PASSWORD: "reset_password",
                Capability.REVERSE_DNS: "reverse_dns",
                Capability.USAGE: "usage",
            }[capability]
            assert callable(getattr(module, method, None)), f"{capability} without {method}()"

    # -- failures ----------------------------------------------------------------------------

    def test_a_timeout_is_a_failure_a_retry_can_cure__PRV_02(self, module, backend):
        backend.inject("timeout")
        result = run_call(
            module, self.request(Operation.CREATE, service_id=f"svc_{uuid.uuid4().hex[:10]}")
        )
        assert result.outcome == Outcome.FAILED
        assert result.retry_can_help is True
        assert result.message

    def test_a_refusal_is_a_failure_with_the_backends_words__PRV_02(self, module, backend):
        backend.inject("refusal")
        result = run_call(
            module, self.request(Operation.CREATE, service_id=f"svc_{uuid.uuid4().hex[:10]}")
        )
        assert result.outcome == Outcome.FAILED
        assert result.retry_can_help is False
        for word in self.refusal_words:
            assert word.lower() in result.message.lower()

    @pytest.mark.django_db(transaction=False)
    def test_a_failed_job_shows_the_module_error_to_staff_then_a_retry_builds__PRV_02(
        self, module, backend, queued_service, run_hooks
    ):
        service = queued_service(module)
        create = ProvisioningOperation.objects.get(service=service, operation=Operation.CREATE)
        assert create.status == ProvisioningOperation.Status.QUEUED
        backend.inject("timeout")
        provisioning_operation_run(operation_id=create.pk)
        create.refresh_from_db()
        assert create.status == ProvisioningOperation.Status.RETRYING
        assert create.message and create.retry_can_help
        assert create in operations_for_staff(status=ProvisioningOperation.Status.RETRYING)

        ProvisioningOperation.objects.filter(pk=create.pk).update(next_attempt_at=timezone.now())
        assert run_hooks(provisioning_operations_sweep) == 1
        create.refresh_from_db()
        assert create.status == ProvisioningOperation.Status.DONE, create.message
        service.refresh_from_db()
        assert service.status == ServiceStatus.ACTIVE
        assert service.module_service_id
