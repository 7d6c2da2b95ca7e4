"""Every write of provisioning: queue a module call, run it, let staff finish or retry it
(PRV-01, PRV-02).

A call is queued inside the transaction that changes the service and its task is enqueued in
that same transaction (the database task backend stores it as a row), so a rolled-back change
never reaches a module and a process killed right after the COMMIT loses no call. The
module runs outside any transaction (it waits on the network); its answer is stored in a
short transaction of its own. A temporary failure is retried with a doubling delay by the
periodic sweep (:func:`provisioning_operations_sweep`), which also re-hands calls whose task
was lost; a call that cannot succeed, or ran out of attempts, stays ``failed`` in the staff
queue.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.accounts import permissions as perms
from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError, PermissionDenied
from hostledger.core.jobs import enqueue_in_transaction
from hostledger.core.registry import setting_value
from hostledger.provisioning import conf
from hostledger.provisioning.access import access_details, service_access_merge
from hostledger.provisioning.models import ProvisioningOperation
from hostledger.provisioning.modules.interface import (
    AddOnRequest,
    ModuleError,
    ModuleResult,
    Operation,
    Outcome,
    ServiceRequest,
)
from hostledger.provisioning.modules.registry import get_module
from hostledger.provisioning.tasks import run_provisioning_operation

logger = logging.getLogger("hostledger.provisioning")

MESSAGE_MAX_CHARS = 4000
Status = ProvisioningOperation.Status


def _require_services_manage(actor) -> None:
    if actor is None or not perms.has_permission(actor, perms.SERVICES_MANAGE):
        raise PermissionDenied(_("Managing services needs the services.manage permission."))


def _hand_to_worker(operation_id: int) -> None:
    """Enqueue the task that runs the call, in the caller's transaction."""
    enqueue_in_transaction(
        run_provisioning_operation,
        operation_id,
        work=lambda: ProvisioningOperation.objects.filter(pk=operation_id).update(
            handed_to_worker_at=timezone.now()
        ),
    )


def provisioning_operation_queue(
    *, service, operation: Operation | str, key: str | None = None, changes: dict | None = None
) -> ProvisioningOperation:
    """Queue one module call for ``service`` and hand it to a worker once the caller's
    transaction commits (PRV-02). ``key`` (default: the operation's name, so a service is
    created and terminated once) makes the call idempotent: queuing the same (service, key)
    again returns the call already queued and runs nothing more."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Module calls are queued inside the transaction of the change.")
    operation = Operation(operation)
    key = key or operation.value
    existing = ProvisioningOperation.objects.filter(service=service, key=key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            queued = ProvisioningOperation.objects.create(
                service=service,
                operation=operation.value,
                key=key,
                module_name=service.module_name,
                changes=changes or {},
            )
    except IntegrityError:
        return ProvisioningOperation.objects.get(service=service, key=key)
    _hand_to_worker(queued.pk)
    return queued


def service_request(operation: ProvisioningOperation) -> ServiceRequest:
    """What the module is told about the service of ``operation``, as stored now."""
    service = operation.service
    add_ons = tuple(
        AddOnRequest(code=item.add_on.code, quantity=item.quantity)
        for item in service.add_ons.select_related("add_on").order_by("id")
    )
    return ServiceRequest(
        operation=Operation(operation.operation),
        operation_key=operation.public_id,
        service_id=service.public_id,
        client_id=service.client.public_id,
        family=service.family.code,
        tariff=service.tariff.code,
        specs=dict(service.specs or {}),
        add_ons=add_ons,
        os_image=service.os_image.code if service.os_image_id else "",
        module_service_id=service.module_service_id,
        module_data=dict(service.module_data or {}),
        changes=dict(operation.changes or {}),
        host_name=service.host_name or "",
        access=access_details(service),
    )


def _call_module(operation: ProvisioningOperation) -> ModuleResult:
    try:
        module = get_module(operation.module_name)
        result = getattr(module, operation.operation)(service_request(operation))
    except ModuleError as error:
        return ModuleResult.failed(error.message, retry_can_help=error.retry_can_help)
    except DomainError as error:  # an unknown module: configuration, not a passing fault
        return ModuleResult.failed(error.message, retry_can_help=False)
    except Exception as error:  # an unexpected fault in the module: may well pass
        logger.exception("Provisioning module %s failed on %s.", operation.module_name, operation)
        return ModuleResult.failed(f"{type(error).__name__}: {error}", retry_can_help=True)
    if not isinstance(result, ModuleResult):
        return ModuleResult.failed(
            f"The module answered {type(result).__name__}, not a ModuleResult.",
            retry_can_help=False,
        )
    return result


def retry_delay(attempts: int) -> timedelta:
    """The wait before the next attempt after ``attempts`` failed ones: doubling from
    ``provisioning.retry_base_seconds`` up to ``provisioning.retry_max_seconds`` (PRV-02)."""
    base = setting_value(conf.RETRY_BASE_SECONDS)
    longest = setting_value(conf.RETRY_MAX_SECONDS)
    exponent = min(max(attempts - 1, 0), 30)
    return timedelta(seconds=min(base * 2**exponent, longest))


def provisioning_operation_run(*, operation_id: int) -> ProvisioningOperation | None:
    """Run one queued module call and store its answer (PRV-01, PRV-02).

    The call is claimed with a conditional UPDATE, so a task delivered twice calls the module
    once; None when there was nothing to claim. A finished ``create`` makes the service
    active; a temporary failure is retried later, with a doubling delay, until
    ``provisioning.max_attempts``; anything else that failed waits for staff.
    """
    claimed = ProvisioningOperation.objects.filter(pk=operation_id, status=Status.QUEUED).update(
        status=Status.RUNNING, attempts=F("attempts") + 1, updated_at=timezone.now()
    )
    if not claimed:
        return None
    operation = ProvisioningOperation.objects.select_related(
        "service__client", "service__family", "service__tariff", "service__os_image"
    ).get(pk=operation_id)
    result = _call_module(operation)
    return _store_result(operation, result)


@transaction.atomic
def _store_result(operation: ProvisioningOperation, result: ModuleResult) -> ProvisioningOperation:
    from hostledger.subscriptions.actions import service_module_result_store, service_provisioned

    now = timezone.now()
    fields: dict = {
        "message": (result.message or "")[:MESSAGE_MAX_CHARS],
        "retry_can_help": result.retry_can_help,
        "next_attempt_at": None,
        "updated_at": now,
    }
    if result.outcome == Outcome.DONE:
        fields.update(status=Status.DONE, finished_at=now)
        if result.access:
            try:
                service_access_merge(service=operation.service, details=result.access)
            except DomainError as refused:  # the module's answer, not the client's input
                logger.warning("Module %s returned bad access details: %s", operation, refused)
        if operation.operation == Operation.CREATE:
            service_provisioned(
                service=operation.service,
                module_service_id=result.module_service_id,
                module_data=result.module_data,
            )
        elif result.module_service_id or result.module_data is not None:
            service_module_result_store(
                service=operation.service,
                module_service_id=result.module_service_id,
                module_data=result.module_data,
            )
    elif result.outcome == Outcome.WAITING:
        fields.update(status=Status.WAITING)
    elif result.retry_can_help and operation.attempts < setting_value(conf.MAX_ATTEMPTS):
        fields.update(status=Status.RETRYING, next_attempt_at=now + retry_delay(operation.attempts))
    else:
        fields.update(status=Status.FAILED, finished_at=now)
        logger.warning("Provisioning call %s failed: %s", operation.public_id, result.message)
    ProvisioningOperation.objects.filter(pk=operation.pk, status=Status.RUNNING).update(**fields)
    operation.refresh_from_db()
    return operation


def operation_finish_by_staff(
    *, service, key: str, actor, message: str = ""
) -> ProvisioningOperation | None:
    """Mark the open call (service, key) done by ``actor``; used by the subscriptions actions
    when staff activate a service by hand. Runs in the caller's transaction."""
    operation = (
        ProvisioningOperation.objects.select_for_update()
        .filter(service=service, key=key, status__in=ProvisioningOperation.OPEN_STATUSES)
        .first()
    )
    if operation is None:
        return None
    now = timezone.now()
    ProvisioningOperation.objects.filter(pk=operation.pk).update(
        status=Status.DONE,
        finished_at=now,
        updated_at=now,
        next_attempt_at=None,
        completed_by=actor,
        message=(message or "Done by staff.")[:MESSAGE_MAX_CHARS],
    )
    operation.refresh_from_db()
    return operation


def operations_close_open(*, service, message: str) -> int:
    """Cancel the calls of ``service`` that are queued, waiting or due for a retry (not one a
    worker is running); used when the service is terminated. Runs in the caller's
    transaction; returns how many were cancelled."""
    now = timezone.now()
    return ProvisioningOperation.objects.filter(
        service=service, status__in=(Status.QUEUED, Status.WAITING, Status.RETRYING)
    ).update(
        status=Status.CANCELLED,
        finished_at=now,
        updated_at=now,
        next_attempt_at=None,
        message=message[:MESSAGE_MAX_CHARS],
    )


def operations_close_open_with_key_prefix(*, service, key_prefix: str, message: str) -> int:
    """Cancel the calls of ``service`` whose key starts with ``key_prefix`` and that are
    queued, waiting or due for a retry (not one a worker is running); used when a server of a
    cloud pool is deleted, so that its create or resize still waiting for a retry builds
    nothing afterwards (ORD-05). Runs in the caller's transaction; returns how many."""
    now = timezone.now()
    return ProvisioningOperation.objects.filter(
        service=service,
        key__startswith=key_prefix,
        status__in=(Status.QUEUED, Status.WAITING, Status.RETRYING),
    ).update(
        status=Status.CANCELLED,
        finished_at=now,
        updated_at=now,
        next_attempt_at=None,
        message=message[:MESSAGE_MAX_CHARS],
    )


def _locked_operation(operation: ProvisioningOperation) -> ProvisioningOperation:
    locked = ProvisioningOperation.objects.select_for_update().filter(pk=operation.pk).first()
    if locked is None:
        raise DomainError("not_found", _("No such provisioning call."), status=404)
    return locked


@transaction.atomic
def provisioning_operation_complete(
    *, operation: ProvisioningOperation, actor, note: str = ""
) -> ProvisioningOperation:
    """Staff mark a call that waits for them (or failed) as done by hand (PRV-02).

    Needs ``services.manage``. A ``create`` call is completed by activating the service
    (``service_activate``), which also records the commencement term (CAT-03).
    """
    _require_services_manage(actor)
    locked = _locked_operation(operation)
    if locked.operation == Operation.CREATE:
        raise DomainError(
            "activate_the_service",
            _("A new service is completed by activating it, not by closing its provisioning call."),
            fields={"operation": "activate the service instead"},
            status=409,
        )
    if locked.status not in (Status.WAITING, Status.FAILED, Status.RETRYING):
        raise DomainError(
            "operation_not_open",
            _("This call is %(state)s; it cannot be marked done.")
            % {"state": locked.get_status_display().lower()},
            fields={"operation": f"status is {locked.status}"},
            status=409,
        )
    done = operation_finish_by_staff(
        service=locked.service, key=locked.key, actor=actor, message=note.strip()
    )
    record_audit_event(
        action="provisioning.operation_completed",
        actor=actor,
        obj=done,
        subject_client_id=done.service.client_id,
        data={"operation": done.operation, "service": done.service.public_id},
    )
    return done


@transaction.atomic
def provisioning_operation_retry(
    *, operation: ProvisioningOperation, actor
) -> ProvisioningOperation:
    """Staff send a failed call to its module again, with a fresh count of attempts (PRV-02)."""
    _require_services_manage(actor)
    locked = _locked_operation(operation)
    if locked.status not in (Status.FAILED, Status.RETRYING):
        raise DomainError(
            "operation_not_failed",
            _("This call is %(state)s; only a failed call is retried.")
            % {"state": locked.get_status_display().lower()},
            fields={"operation": f"status is {locked.status}"},
            status=409,
        )
    ProvisioningOperation.objects.filter(pk=locked.pk).update(
        status=Status.QUEUED, attempts=0, next_attempt_at=None, finished_at=None
    )
    record_audit_event(
        action="provisioning.operation_retried",
        actor=actor,
        obj=locked,
        subject_client_id=locked.service.client_id,
        data={"operation": locked.operation, "service": locked.service.public_id},
    )
    _hand_to_worker(locked.pk)
    locked.refresh_from_db()
    return locked


def provisioning_operations_sweep(*, now: datetime | None = None) -> int:
    """Hand to a worker every call due for a retry, and every call whose task seems lost
    (queued or running without news for ``provisioning.stale_queued_minutes``); return how
    many were handed over (PRV-02). Safe to run twice: the task claims each call once."""
    now = now or timezone.now()
    stale_before = now - timedelta(minutes=setting_value(conf.STALE_QUEUED_MINUTES))
    lost = Q(handed_to_worker_at__lt=stale_before) | Q(
        handed_to_worker_at__isnull=True, updated_at__lt=stale_before
    )
    due = Q(status=Status.RETRYING, next_attempt_at__lte=now) | (
        Q(status__in=(Status.QUEUED, Status.RUNNING)) & lost
    )
    handed = 0
    for operation_id in ProvisioningOperation.objects.filter(due).values_list("pk", flat=True):
        with transaction.atomic():
            moved = (
                ProvisioningOperation.objects.filter(pk=operation_id)
                .filter(due)
                .update(status=Status.QUEUED, next_attempt_at=None, handed_to_worker_at=now)
            )
            if moved:
                _hand_to_worker(operation_id)
                handed += 1
    return handed
