"""Helpers shared by the subscriptions actions: locks, the state machine of a service, audit."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.accounts import permissions as perms
from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError, PermissionDenied
from hostledger.notifications.actions import service_activated_notify, trial_started_notify
from hostledger.subscriptions.models import Service, ServiceStatus, ServiceStatusChange

REASON_MAX_LENGTH = ServiceStatusChange._meta.get_field("reason").max_length


def audit(action: str, *, actor, obj, client_id: int, data: dict | None = None) -> None:
    """Record an order or service event in the audit trail (``subscriptions.<event>``)."""
    record_audit_event(
        action=f"subscriptions.{action}",
        actor=actor,
        obj=obj,
        subject_client_id=client_id,
        data=data or {},
    )


def require_services_manage(actor, *, system_allowed: bool) -> None:
    """Staff acting on services need ``services.manage``; ``actor=None`` is the system
    (payments, modules, jobs) and is allowed where ``system_allowed``."""
    if actor is None:
        if system_allowed:
            return
        raise PermissionDenied(_("Only a member of staff can do this."))
    if not perms.has_permission(actor, perms.SERVICES_MANAGE):
        raise PermissionDenied(_("Managing services needs the services.manage permission."))


def clean_reason(reason, *, required: bool) -> str:
    text = reason.strip() if isinstance(reason, str) else ""
    if reason is not None and not isinstance(reason, str):
        raise DomainError(
            "invalid_input", _("reason: give the reason as text."), fields={"reason": "not text"}
        )
    if required and not text:
        raise DomainError(
            "invalid_input",
            _("reason: say why the service changes state."),
            fields={"reason": "This field is required."},
        )
    if len(text) > REASON_MAX_LENGTH or any(ord(char) < 32 and char != "\n" for char in text):
        raise DomainError(
            "invalid_input",
            _("reason: at most %(reason_max_length)s characters of text.")
            % {"reason_max_length": REASON_MAX_LENGTH},
            fields={"reason": f"At most {REASON_MAX_LENGTH} characters of text."},
        )
    return text


def locked_service(service: Service) -> Service:
    """The service's row, re-read and locked until the transaction ends (ORD-02, ORD-05)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Services are locked inside transaction.atomic only.")
    locked = (
        Service.objects.select_for_update(of=("self",))
        .select_related("family", "tariff", "client")
        .filter(pk=getattr(service, "pk", None))
        .first()
    )
    if locked is None:
        raise DomainError("not_found", _("No such service."), status=404)
    return locked


def refuse_transition(service: Service, to_status: str) -> DomainError:
    """The error of a move the state machine of ORD-02 does not allow, naming the status."""
    current = ServiceStatus(service.status).label.lower()
    target = ServiceStatus(to_status).label.lower()
    return DomainError(
        "illegal_transition",
        _("A service that is %(current)s cannot become %(target)s.")
        % {"current": current, "target": target},
        fields={"status": f"is {service.status}, cannot become {to_status}"},
        status=409,
    )


def check_transition(service: Service, to_status: str, *, from_status: str | None = None) -> None:
    """Refuse a move the state machine of ORD-02 does not allow, or one that does not start
    from ``from_status`` when the action names one (only a suspended service is resumed)."""
    if not service.can_become(to_status) or from_status not in (None, service.status):
        raise refuse_transition(service, to_status)


def transition(
    service: Service,
    to_status: str,
    *,
    reason: str,
    actor,
    from_status: str | None = None,
    **fields,
) -> ServiceStatusChange:
    """Move a locked service to ``to_status`` and store the change row (ORD-02).

    ``service`` must come from :func:`locked_service` in the current transaction;
    ``from_status`` restricts the move to services in that state. Other fields to set with
    the move (dates, module data) are given as keyword arguments.
    """
    check_transition(service, to_status, from_status=from_status)
    now = timezone.now()
    from_status = service.status
    service.status = to_status
    service.status_changed_at = now
    for name, value in fields.items():
        setattr(service, name, value)
    service.save(update_fields=["status", "status_changed_at", "updated_at", *fields])
    change = ServiceStatusChange.objects.create(
        service=service,
        from_status=from_status,
        to_status=to_status,
        reason=reason[:REASON_MAX_LENGTH],
        actor=actor,
        changed_at=now,
    )
    audit(
        f"service_{to_status}",
        actor=actor,
        obj=service,
        client_id=service.client_id,
        data={"from": from_status, "to": to_status, "reason": reason[:200]},
    )
    _tell_client(service, from_status, to_status)
    return change


def _tell_client(service: Service, from_status: str, to_status: str) -> None:
    """The messages a move brings the client (NTF-01): a free trial started (CAT-04), a
    service built or a trial paid became active (the welcome)."""
    if to_status == ServiceStatus.TRIAL:
        trial_started_notify(service=service)
    elif to_status == ServiceStatus.ACTIVE and from_status in (
        ServiceStatus.PROVISIONING,
        ServiceStatus.TRIAL,
    ):
        service_activated_notify(service=service)
