"""The life of a service: provisioning, activation, suspension, resumption, termination (ORD-02).

Every move goes through the state machine of :data:`~hostledger.subscriptions.models.
ALLOWED_TRANSITIONS` and is stored as a ``ServiceStatusChange`` row with reason, actor (null
for the system) and time. Moves that touch the real resource queue a call of the service's
provisioning module in the same transaction (PRV-01); the call runs after the commit.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from hostledger.catalog.terms import commencement_deadline
from hostledger.ledger.locks import lock_client_balance
from hostledger.notifications.actions import service_moved_by_staff_notify
from hostledger.provisioning.actions import (
    operation_finish_by_staff,
    operations_close_open,
    provisioning_operation_queue,
)
from hostledger.provisioning.modules.interface import Operation
from hostledger.subscriptions.host_names import clean_host_name
from hostledger.subscriptions.models import PoolServer, Service, ServiceStatus, SuspensionReason

from ._common import (
    audit,
    clean_reason,
    locked_service,
    refuse_transition,
    require_services_manage,
    transition,
)


@transaction.atomic
def service_provisioning_start(*, service: Service, paid_on: date, actor=None) -> Service:
    """Start provisioning a service whose period is paid (ORD-03, CAT-03, PRV-01).

    Internal: called by ``client_payments_apply`` once the order's proforma is paid. The
    service moves ``pending → provisioning``, its commencement deadline is counted in working
    days from ``paid_on``, and the module's ``create`` call is queued (once per service).
    """
    locked = locked_service(service)
    transition(
        locked,
        ServiceStatus.PROVISIONING,
        reason=f"Period paid on {paid_on.isoformat()}; provisioning started.",
        actor=actor,
        commencement_deadline=commencement_deadline(locked.family, paid_on=paid_on),
    )
    provisioning_operation_queue(service=locked, operation=Operation.CREATE)
    return locked


@transaction.atomic
def service_trial_start(*, service: Service, starts_on: date, days: int, actor=None) -> Service:
    """Start a free trial of ``days`` days (CAT-04): ``pending → trial``, the module's
    ``create`` call is queued, and the trial's last day and commencement deadline are set."""
    locked = locked_service(service)
    ends_on = starts_on + timedelta(days=days - 1)
    transition(
        locked,
        ServiceStatus.TRIAL,
        reason=f"Free trial of {days} days, until {ends_on.isoformat()}.",
        actor=actor,
        is_trial=True,
        trial_ends_on=ends_on,
        commencement_deadline=commencement_deadline(locked.family, paid_on=starts_on),
    )
    provisioning_operation_queue(service=locked, operation=Operation.CREATE)
    return locked


def _store_module_result(service: Service, module_service_id: str, module_data) -> list[str]:
    changed = []
    if module_service_id:
        service.module_service_id = str(module_service_id)[:200]
        changed.append("module_service_id")
    if module_data is not None:
        service.module_data = dict(module_data)
        changed.append("module_data")
    return changed


@transaction.atomic
def service_module_result_store(
    *, service: Service, module_service_id: str = "", module_data=None
) -> Service:
    """Keep what the provisioning module reported about the service's resource (PRV-01)."""
    locked = locked_service(service)
    changed = _store_module_result(locked, module_service_id, module_data)
    if changed:
        locked.save(update_fields=[*changed, "updated_at"])
    return locked


@transaction.atomic
def service_provisioned(
    *, service: Service, module_service_id: str = "", module_data=None
) -> Service:
    """The module built the resource (PRV-01): a ``provisioning`` service becomes active;
    a trial or an already active service only records that its resource is up. Internal,
    called by the provisioning task; a service terminated meanwhile stays terminated."""
    locked = locked_service(service)
    changed = _store_module_result(locked, module_service_id, module_data)
    now = timezone.now()
    if locked.status == ServiceStatus.PROVISIONING:
        transition(
            locked,
            ServiceStatus.ACTIVE,
            reason="The provisioning module built the service.",
            actor=None,
            activated_at=now,
            **{name: getattr(locked, name) for name in changed},
        )
    elif locked.status in (ServiceStatus.TRIAL, ServiceStatus.ACTIVE) and not locked.activated_at:
        locked.activated_at = now
        locked.save(update_fields=["activated_at", *changed, "updated_at"])
    elif changed:
        locked.save(update_fields=[*changed, "updated_at"])
    return locked


@transaction.atomic
def service_activate(*, service: Service, actor, note: str = "", today: date | None = None):
    """A member of staff activates a service they built by hand (``manual`` module; ORD-02,
    CAT-03). Needs ``services.manage``.

    A ``provisioning`` service becomes ``active``; a trial (or a paid trial) whose resource
    was waiting for staff records that it is up. The waiting ``create`` call is closed, and
    the commencement deadline and whether it was met are stored in the change and the audit
    trail. Any other state is refused, naming the status.
    """
    require_services_manage(actor, system_allowed=False)
    note = clean_reason(note, required=False)
    locked = locked_service(service)
    today = today or timezone.localdate()
    deadline = locked.commencement_deadline
    met = deadline is None or today <= deadline
    summary = (
        f"Activated by staff on {today.isoformat()}; commencement deadline "
        f"{deadline.isoformat() if deadline else 'none'} ({'met' if met else 'missed'})."
    )
    if note:
        summary = f"{summary} {note}"
    now = timezone.now()
    if locked.status == ServiceStatus.PROVISIONING:
        transition(locked, ServiceStatus.ACTIVE, reason=summary, actor=actor, activated_at=now)
    elif locked.status in (ServiceStatus.TRIAL, ServiceStatus.ACTIVE) and not locked.activated_at:
        locked.activated_at = now
        locked.save(update_fields=["activated_at", "updated_at"])
    else:
        raise refuse_transition(locked, ServiceStatus.ACTIVE)
    operation_finish_by_staff(service=locked, key=Operation.CREATE.value, actor=actor)
    audit(
        "service_activated_by_staff",
        actor=actor,
        obj=locked,
        client_id=locked.client_id,
        data={
            "commencement_deadline": deadline.isoformat() if deadline else None,
            "activated_on": today.isoformat(),
            "within_commencement_term": met,
        },
    )
    return locked


@transaction.atomic
def service_suspend(*, service: Service, actor, reason: str, notify: bool = True) -> Service:
    """Suspend an active service (ORD-02): ``active → suspended``, with the module's
    ``suspend`` call queued and the client told (NTF-01). Staff need ``services.manage``;
    ``actor=None`` is the system (for example dunning). The reason is required.
    ``notify=False``: the caller tells the client in a message of its own (an abuse case's
    suspension notice), so the client does not get two."""
    require_services_manage(actor, system_allowed=True)
    reason = clean_reason(reason, required=True)
    locked = locked_service(service)
    change = transition(
        locked,
        ServiceStatus.SUSPENDED,
        reason=reason,
        actor=actor,
        from_status=ServiceStatus.ACTIVE,
        suspension_reason=SuspensionReason.OTHER,
    )
    provisioning_operation_queue(
        service=locked, operation=Operation.SUSPEND, key=f"suspend:{change.pk}"
    )
    if notify:
        service_moved_by_staff_notify(service=locked, change=change)
    return locked


@transaction.atomic
def service_resume(*, service: Service, actor, reason: str, notify: bool = True) -> Service:
    """Resume a suspended service (ORD-02): ``suspended → active``, with the module's
    ``resume`` call queued and the client told (NTF-01). Staff need ``services.manage``;
    ``actor=None`` is the system (for example when a debt is paid). The reason is
    required. ``notify=False``: the caller tells the client in a message of its own."""
    require_services_manage(actor, system_allowed=True)
    reason = clean_reason(reason, required=True)
    locked = locked_service(service)
    change = transition(
        locked,
        ServiceStatus.ACTIVE,
        reason=reason,
        actor=actor,
        from_status=ServiceStatus.SUSPENDED,
        suspension_reason="",
    )
    provisioning_operation_queue(
        service=locked, operation=Operation.RESUME, key=f"resume:{change.pk}"
    )
    if notify:
        service_moved_by_staff_notify(service=locked, change=change)
    return locked


@transaction.atomic
def service_terminate(*, service: Service, actor, reason: str) -> Service:
    """Terminate a service for good (ORD-02); the reason is required. Staff need
    ``services.manage``; ``actor=None`` is the system.

    Unpaid orders of the service are cancelled with their proformas, the servers of a cloud
    pool are deleted, open module calls are closed, and the module's ``terminate`` call is
    queued when the module was ever asked to build the service. Money already paid is not
    touched here (cancellation and refunds follow ORD-06).
    """
    require_services_manage(actor, system_allowed=True)
    reason = clean_reason(reason, required=True)
    return terminate(service, actor=actor, reason=reason)


def terminate(service: Service, *, actor, reason: str, today: date | None = None) -> Service:
    """Terminate ``service`` on ``today`` (default: the local date) as
    :func:`service_terminate` does, for an action that already decided who may end it (a
    client's cancellation or withdrawal, ORD-06, ORD-07; a termination for debt, AUT-02) and
    checked the reason. The unpaid renewal of a period already begun stays as the debt for
    the days up to the termination, with its penalty (003 §2.2.5, §2.2.10); renewals of
    periods not begun are withdrawn. Runs in the caller's transaction."""
    today = today or timezone.localdate()
    from hostledger.subscriptions.actions.payments import open_orders_cancel

    lock_client_balance(service.client)  # the ledger's lock order: balance, then the rest
    locked = locked_service(service)
    previous = locked.status
    now = timezone.now()
    transition(locked, ServiceStatus.TERMINATED, reason=reason, actor=actor, terminated_at=now)
    open_orders_cancel(service=locked, actor=actor, reason=reason)
    # automation imports subscriptions (the billing run moves services): imported here to
    # break that cycle until the renewals move to their owning app.
    from hostledger.automation.actions import begun_renewals_end, future_renewals_cancel

    future_renewals_cancel(service=locked, actor=actor, reason=reason, today=today)
    begun_renewals_end(service=locked, actor=actor, reason=reason, ended_on=today)
    PoolServer.objects.filter(service=locked, deleted_at__isnull=True).update(
        deleted_at=now, updated_at=now
    )
    if previous != ServiceStatus.PENDING:
        operations_close_open(
            service=locked, message=f"Closed: the service was terminated. {reason}"
        )
        provisioning_operation_queue(service=locked, operation=Operation.TERMINATE)
    return locked


@transaction.atomic
def service_host_name_set(*, service: Service, host_name: str, actor) -> Service:
    """Staff name the domain or server a service runs under; shown on the service pages and
    found by the staff search (issue 11 §8). Needs ``services.manage``."""
    require_services_manage(actor, system_allowed=False)
    cleaned = clean_host_name(host_name)
    locked = locked_service(service)
    if locked.host_name == cleaned:
        return locked
    locked.host_name = cleaned
    locked._history_user = actor
    locked.save(update_fields=["host_name", "host_name_index", "updated_at"])
    audit("service.host_name_set", actor=actor, obj=locked, client_id=locked.client_id)
    return locked
