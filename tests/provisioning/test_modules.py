"""Provisioning modules behind one interface (PRV-01): the registry, the contract every
module passes, the manual module, and module calls as idempotent jobs (PRV-02)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from hostledger.core.errors import DomainError, PermissionDenied
from hostledger.core.jobs import get_job
from hostledger.core.models import AuditEvent
from hostledger.core.registry import provider_setting_change
from hostledger.provisioning.actions import (
    provisioning_operation_complete,
    provisioning_operation_queue,
    provisioning_operation_retry,
    provisioning_operation_run,
    provisioning_operations_sweep,
    retry_delay,
)
from hostledger.provisioning.models import ProvisioningOperation
from hostledger.provisioning.modules import registry
from hostledger.provisioning.modules.interface import (
    LIFECYCLE_OPERATIONS,
    ModuleError,
    ModuleResult,
    Operation,
    Outcome,
    ProvisioningModule,
    ServiceRequest,
)
from hostledger.provisioning.modules.manual import manual_module
from hostledger.provisioning.selectors import operations_needing_staff, service_operations
from hostledger.subscriptions.actions import order_place, service_activate, service_suspend
from hostledger.subscriptions.models import ServiceStatus
from tests.provisioning.conftest import ScriptedModule, temporary_failure
from tests.subscriptions.factories import TODAY, fund

pytestmark = pytest.mark.django_db

Status = ProvisioningOperation.Status


def _request(operation: Operation, key: str = "pop_contract") -> ServiceRequest:
    return ServiceRequest(
        operation=operation,
        operation_key=key,
        service_id="svc_contract",
        client_id="cli_contract",
        family="vps",
        tariff="vps-start",
        specs={"cpu": 2, "ram_gb": 4, "disk_gb": 80},
        os_image="debian-12",
    )


@pytest.mark.parametrize("name", registry.module_names())
def test_every_registered_module_passes_the_contract__PRV_01(name):
    """Each module has a name and label, answers every call with a ModuleResult, and answers
    the same call delivered twice the same way."""
    module = registry.get_module(name)
    assert isinstance(module, ProvisioningModule)
    assert module.name == name and module.label
    for operation in LIFECYCLE_OPERATIONS:
        first = getattr(module, operation.value)(_request(operation))
        again = getattr(module, operation.value)(_request(operation))
        assert isinstance(first, ModuleResult)
        assert first.outcome in set(Outcome)
        assert (again.outcome, again.module_service_id) == (first.outcome, first.module_service_id)
        if first.outcome == Outcome.FAILED:
            assert isinstance(first.retry_can_help, bool)


def test_the_manual_module_leaves_every_call_to_staff__PRV_01():
    for operation in LIFECYCLE_OPERATIONS:
        result = getattr(manual_module, operation.value)(_request(operation))
        assert result.outcome == Outcome.WAITING
        assert result.message.startswith("Waiting for staff")


def test_the_registry_knows_modules_by_name_and_family__PRV_01(monkeypatch, db):
    registry.module_names()
    monkeypatch.setattr(registry, "_MODULES", dict(registry._MODULES))
    assert "manual" in registry.module_names()
    with pytest.raises(DomainError) as unknown:
        registry.get_module("proxmox-missing")
    assert unknown.value.code == "unknown_module"
    with pytest.raises(ValueError):
        registry.register_module(ScriptedModule(name="Bad Name"))
    with pytest.raises(TypeError):
        registry.register_module(type("Half", (), {"name": "half", "label": "x"})())
    scripted = registry.register_module(ScriptedModule())
    with pytest.raises(RuntimeError):
        registry.register_module(ScriptedModule())

    assert registry.module_for("vps") is manual_module
    provider_setting_change(key="provisioning.family_modules", raw_value="vps=scripted, cloud=")
    with pytest.raises(DomainError):
        registry.module_for("vps")
    provider_setting_change(key="provisioning.family_modules", raw_value="vps=scripted")
    assert registry.module_for("vps") is scripted
    assert registry.module_for("cloud") is manual_module


def test_a_module_that_builds_the_service_makes_it_active__PRV_01_ORD_02(
    scripted_module, place, client_record
):
    scripted_module.answers = [
        ModuleResult.done(module_service_id="vm-101", module_data={"node": "pve-3"})
    ]
    fund(client_record, "12.28")
    service = place().service

    service.refresh_from_db()
    assert service.status == ServiceStatus.ACTIVE
    assert (service.module_name, service.module_service_id, service.module_data) == (
        "scripted",
        "vm-101",
        {"node": "pve-3"},
    )
    assert service.activated_at is not None
    change = service.status_changes.order_by("id").last()
    assert (change.from_status, change.to_status, change.actor) == ("provisioning", "active", None)
    request = scripted_module.calls[0]
    assert (request.operation, request.service_id, request.specs, request.os_image) == (
        Operation.CREATE,
        service.public_id,
        {"cpu": 2, "ram_gb": 4, "disk_gb": 80},
        "debian-12",
    )
    create = ProvisioningOperation.objects.get(service=service)
    assert request.operation_key == create.public_id
    assert (create.status, create.attempts) == (Status.DONE, 1)


def test_a_call_is_queued_once_per_service_and_operation_and_runs_once__PRV_02(
    scripted_module, place, client_record, django_capture_on_commit_callbacks
):
    fund(client_record, "12.28")
    service = place().service
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        first = provisioning_operation_queue(service=service, operation=Operation.CREATE)
        again = provisioning_operation_queue(service=service, operation="create")
    assert first.pk == again.pk
    assert ProvisioningOperation.objects.filter(service=service).count() == 1
    assert provisioning_operation_run(operation_id=first.pk) is None  # already done
    assert len(scripted_module.calls) == 1


def test_a_temporary_failure_is_retried_with_backoff_then_left_for_staff__PRV_02(
    scripted_module, place, client_record, staff, run_hooks, time_machine
):
    provider_setting_change(key="provisioning.max_attempts", raw_value="3")
    scripted_module.answers = [temporary_failure()]
    fund(client_record, "12.28")
    service = place().service
    create = ProvisioningOperation.objects.get(service=service)
    started = timezone.now()
    assert (create.status, create.attempts, create.message) == (
        Status.RETRYING,
        1,
        "hypervisor busy",
    )
    assert create.next_attempt_at - started <= timedelta(seconds=60)
    assert create.next_attempt_at - started > timedelta(seconds=59)

    assert run_hooks(provisioning_operations_sweep) == 0  # not due yet
    time_machine.shift(timedelta(seconds=61))
    assert run_hooks(provisioning_operations_sweep) == 1
    create.refresh_from_db()
    assert (create.status, create.attempts) == (Status.RETRYING, 2)
    assert retry_delay(2) == timedelta(seconds=120)

    time_machine.shift(timedelta(seconds=121))
    assert run_hooks(provisioning_operations_sweep) == 1
    create.refresh_from_db()
    assert (create.status, create.attempts, create.retry_can_help) == (Status.FAILED, 3, True)
    assert list(operations_needing_staff()) == [create]
    assert _status_of(service) == ServiceStatus.PROVISIONING

    scripted_module.answers = [ModuleResult.done(module_service_id="vm-7")]
    run_hooks(provisioning_operation_retry, operation=create, actor=staff)
    create.refresh_from_db()
    assert (create.status, create.attempts) == (Status.DONE, 1)
    assert _status_of(service) == ServiceStatus.ACTIVE
    assert len(scripted_module.calls) == 4


def _status_of(service) -> str:
    service.refresh_from_db()
    return service.status


def test_a_failure_a_retry_cannot_cure_is_not_retried__PRV_02(
    scripted_module, place, client_record
):
    scripted_module.answers = [ModuleError("template missing", retry_can_help=False)]
    fund(client_record, "12.28")
    service = place().service
    create = ProvisioningOperation.objects.get(service=service)
    assert (create.status, create.attempts, create.retry_can_help) == (Status.FAILED, 1, False)
    assert create.next_attempt_at is None


def test_an_unexpected_module_error_counts_as_temporary__PRV_02(
    scripted_module, place, client_record
):
    scripted_module.answers = [RuntimeError("connection reset")]
    fund(client_record, "12.28")
    create = ProvisioningOperation.objects.get(service=place().service)
    assert (create.status, create.message) == (Status.RETRYING, "RuntimeError: connection reset")


def test_a_call_whose_task_was_lost_is_handed_over_again__PRV_02(
    scripted_module,
    shop,
    client_record,
    payer,
    time_machine,
    run_hooks,
    django_capture_on_commit_callbacks,
):
    fund(client_record, "12.28")
    with django_capture_on_commit_callbacks(execute=False) as handed:  # no worker gets it
        order = order_place(
            client=client_record,
            payer=payer,
            tariff=shop.vps_start,
            period_months=1,
            os_image=shop.debian,
            start_at_once=True,  # the consumer asks for an early start (ORD-07)
            actor=None,
            today=TODAY,
        )
    assert len(handed) == 1
    create = ProvisioningOperation.objects.get(service=order.service)
    assert (create.status, create.handed_to_worker_at) == (Status.QUEUED, None)

    time_machine.shift(timedelta(minutes=9))
    assert run_hooks(provisioning_operations_sweep) == 0
    time_machine.shift(timedelta(minutes=2))
    assert run_hooks(provisioning_operations_sweep) == 1
    create.refresh_from_db()
    assert (create.status, create.attempts) == (Status.DONE, 1)
    assert _status_of(order.service) == ServiceStatus.ACTIVE
    assert run_hooks(provisioning_operations_sweep) == 0


def test_staff_finish_a_call_that_waits_for_them__PRV_02(
    place, client_record, staff, staff_without_permission, run_hooks
):
    fund(client_record, "12.28")
    service = place().service
    create = ProvisioningOperation.objects.get(service=service)
    with pytest.raises(DomainError) as refused:
        provisioning_operation_complete(operation=create, actor=staff)
    assert refused.value.code == "activate_the_service"

    service_activate(service=service, actor=staff, today=TODAY)
    run_hooks(service_suspend, service=service, actor=None, reason="Unpaid invoice")
    suspend = ProvisioningOperation.objects.get(service=service, operation="suspend")
    assert suspend.status == Status.WAITING
    assert list(operations_needing_staff()) == [suspend]
    with pytest.raises(PermissionDenied):
        provisioning_operation_complete(operation=suspend, actor=staff_without_permission)

    done = provisioning_operation_complete(operation=suspend, actor=staff, note="Port shut.")
    assert (done.status, done.completed_by, done.message) == (Status.DONE, staff, "Port shut.")
    assert AuditEvent.objects.filter(
        action="provisioning.operation_completed", object_id=suspend.public_id
    ).exists()
    assert list(operations_needing_staff()) == []
    assert [op.operation for op in service_operations(service)] == ["create", "suspend"]
    with pytest.raises(DomainError) as again:
        provisioning_operation_complete(operation=suspend, actor=staff)
    assert again.value.code == "operation_not_open"


def test_the_retry_sweep_is_a_periodic_job__PRV_02():
    job = get_job("provisioning.sweep")
    assert job.is_periodic
    assert job.interval() == timedelta(seconds=60)


MISSING_LIBVIRT = """
import sys
sys.modules["libvirt"] = None  # as if libvirt-python were not installed
import django
django.setup()
from hostledger.provisioning.modules.registry import module_names, unavailable_modules
print(sorted(module_names()))
print(unavailable_modules())
"""


def test_a_module_whose_library_is_missing_is_listed_as_unavailable__PRV_01(tmp_path):
    """Without libvirt-python HostLedger still starts; the staff see why libvirt is missing."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "HOSTLEDGER_VAR_DIR": str(tmp_path),
    }
    environment.pop("HOSTLEDGER_DATABASE_URL", None)
    ran = subprocess.run(
        [sys.executable, "-c", MISSING_LIBVIRT],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=True,
    )
    names, unavailable = ran.stdout.strip().splitlines()[-2:]
    assert "'manual'" in names and "'libvirt'" not in names
    assert "'libvirt': \"needs the Python package 'libvirt'" in unavailable
