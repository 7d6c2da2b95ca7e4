"""Helpers shared by the DNS actions: who may change a zone, the serial, audit events."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.accounts import permissions as perms
from hostledger.accounts.models import AccessGrant
from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError, NotFound, PermissionDenied
from hostledger.subscriptions.models import ServiceStatus

SERVICES_AREA = AccessGrant.Scope.SERVICES
EDITABLE_SERVICE_STATUSES = (
    ServiceStatus.TRIAL,
    ServiceStatus.PROVISIONING,
    ServiceStatus.ACTIVE,
)
"""States of a service whose zones the client may change; a suspended service's zones keep
being served but are not changed until it is resumed (docs/decisions/0032-dns-hosting.md)."""


def authorise(*, access, actor, client) -> None:
    """The owner or a trusted user with the services scope acting for ``client`` (ACC-06),
    or staff with ``services.manage`` when no client access is given (ACC-11). Another
    client's object is not found (habit 6)."""
    if access is not None:
        if access.client.pk != getattr(client, "pk", None):
            raise NotFound("zone")
        access.require_write(SERVICES_AREA)
        return
    if actor is None or not perms.has_permission(actor, perms.SERVICES_MANAGE):
        raise PermissionDenied(_("Managing DNS zones needs the services.manage permission."))


def require_editable_service(service, field: str = "zone") -> None:
    """Refuse changes to the zones of a service that is not running (DOM-04)."""
    if service.status == ServiceStatus.SUSPENDED:
        raise DomainError(
            "service_suspended",
            _(
                "%(field)s: the service of this zone is suspended; its records keep being"
                " served and can be changed again once it is resumed."
            )
            % {"field": field},
            fields={field: "the service is suspended"},
            status=409,
        )
    if service.status not in EDITABLE_SERVICE_STATUSES:
        raise DomainError(
            "service_not_running",
            _("%(field)s: the service of this zone is %(state)s.")
            % {"field": field, "state": service.get_status_display().lower()},
            fields={field: f"the service is {service.status}"},
            status=409,
        )


def next_serial(current: int) -> int:
    """The SOA serial after ``current``: today's date with a two-digit counter (RFC 1912),
    and always larger than the one before."""
    dated = int(timezone.localdate().strftime("%Y%m%d")) * 100
    return max(int(current or 0) + 1, dated)


def audit(action: str, *, actor, obj, client_id: int | None, data: dict | None = None) -> None:
    """Record a DNS event in the audit trail (``dns.<event>``); names and records stay out of
    it (they are the client's data), public ids and types go in."""
    record_audit_event(
        action=f"dns.{action}",
        actor=actor,
        obj=obj,
        subject_client_id=client_id,
        data=data or {},
    )
