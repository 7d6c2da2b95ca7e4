"""What clients and staff do with a running service through its module (PRV-01): its access
details, its power, a reinstall, a console, reverse DNS (seed 003 annex 5, annex 7 §5.6).

Access details (address, user name, password, control-panel URL, a dedicated server's BMC)
are kept encrypted in :class:`~hostledger.provisioning.models.ServiceAccess`: written by a
module's answer or by staff who activate a service by hand, shown to the client without the
secrets, and revealed only on request, each reveal audited. Never mailed.

Controls are module calls like any other: queued as jobs in the transaction that asks for
them (so a double click queues one call, keyed by the request's token) and run by a worker;
a module is asked only what it declared it can do (``capabilities``). What the module cannot
do becomes an application for staff (SUP-02) in the flows layer.
"""

from __future__ import annotations

import logging
import re

from django.db import transaction
from django.utils.translation import gettext as _

from hostledger.accounts import permissions as perms
from hostledger.accounts.models import AccessGrant
from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError, PermissionDenied
from hostledger.provisioning.access import (
    access_details,
    secret_field,
    service_access_merge,
)
from hostledger.provisioning.actions import provisioning_operation_queue, service_request
from hostledger.provisioning.models import ProvisioningOperation
from hostledger.provisioning.modules.interface import (
    CONTROL_OPERATIONS,
    Capability,
    ConsoleLink,
    ControlModule,
    ModuleError,
    Operation,
    PowerState,
    ServiceRequest,
    capabilities_of,
)
from hostledger.provisioning.modules.registry import get_module

logger = logging.getLogger("hostledger.provisioning")

CONTROL_STATUSES = ("active",)
"""Service statuses in which a client may use the controls (annex 7 §5.11: refused while
suspended)."""

TOKEN = re.compile(r"^[A-Za-z0-9_-]{8,40}$")
SERVICES_AREA = AccessGrant.Scope.SERVICES


def _invalid(field: str, problem: str, code: str = "invalid_input") -> DomainError:
    return DomainError(
        code,
        _("%(field)s: %(problem)s") % {"field": field, "problem": problem},
        fields={field: problem},
    )


@transaction.atomic
def service_access_set(*, service, details, actor) -> dict[str, str]:
    """Staff enter or correct the access details of a service (PRV-01); audited without the
    values. Needs ``services.manage``."""
    if actor is None or not perms.has_permission(actor, perms.SERVICES_MANAGE):
        raise PermissionDenied(_("Setting access details needs the services.manage permission."))
    merged = service_access_merge(service=service, details=details)
    record_audit_event(
        action="provisioning.access_set",
        actor=actor,
        obj=service,
        subject_client_id=service.client_id,
        data={"fields": sorted(details)},  # checked by the merge above
    )
    return merged


@transaction.atomic
def service_access_reveal(*, service, access, actor) -> dict[str, str]:
    """The secrets of the service's access details for its client (the owner or a trusted
    user with the services scope, ACC-06): ``password``, ``licence_key``, and for a cloud pool
    ``<server id>.password`` of each server; every reveal is audited (PRV-01)."""
    if service.client_id != access.client.pk:
        raise DomainError("not_found", _("No such service."), status=404)
    if not access.can_read(SERVICES_AREA):
        raise PermissionDenied(_("Your access to this account does not include services."))
    details = access_details(service)
    secrets = {key: value for key, value in details.items() if secret_field(key) and value}
    record_audit_event(
        action="provisioning.access_revealed",
        actor=actor,
        obj=service,
        subject_client_id=service.client_id,
        data={"fields": sorted(secrets)},
    )
    return secrets


def request_for_service(service, operation: Operation = Operation.CREATE) -> ServiceRequest:
    """A request describing ``service`` as stored, for capability queries and the calls that
    run at once (power state, console)."""
    probe = ProvisioningOperation(
        service=service, operation=operation.value, module_name=service.module_name
    )
    probe.public_id = f"query-{service.public_id}"
    return service_request(probe)


def service_capabilities(service) -> frozenset[Capability]:
    """What the module of ``service`` can do for it (no outbound call)."""
    try:
        module = get_module(service.module_name)
    except DomainError:
        return frozenset()
    return capabilities_of(module, request_for_service(service))


def operations_offered(service) -> list[Operation]:
    """The control calls the module of ``service`` can make for it, in a fixed order."""
    capabilities = service_capabilities(service)
    return [op for op, needed in CONTROL_OPERATIONS.items() if needed in capabilities]


def _check_control(service, operation: Operation, changes: dict) -> dict:
    if service.status not in CONTROL_STATUSES:
        raise _invalid(
            "service",
            f"the service is {service.get_status_display().lower()}; its controls are "
            "available while it is active (annex 7 §5.11).",
            code="service_not_active",
        )
    if operation == Operation.REINSTALL:
        os_image = str(changes.get("os_image") or "").strip()
        if not os_image:
            raise _invalid("os_image", "choose the operating system to install.")
        return {"os_image": os_image}
    if operation == Operation.REVERSE_DNS:
        return {
            "address": str(changes.get("address") or "").strip(),
            "host_name": str(changes.get("host_name") or "").strip(),
        }
    return {}


def service_control_queue(
    *, service, operation, token: str, changes=None, actor
) -> ProvisioningOperation:
    """Queue the control call ``operation`` for ``service`` (PRV-01), in the caller's
    transaction. ``token`` comes from the form or the API request (an idempotency key), so
    the same request delivered twice queues one call. Refused when the module did not declare
    the capability: the caller then files an application for staff (SUP-02)."""
    try:
        operation = Operation(operation)
    except ValueError:
        raise _invalid("operation", "not a control of a service.") from None
    if operation not in CONTROL_OPERATIONS:
        raise _invalid("operation", "not a control of a service.")
    if not isinstance(token, str) or not TOKEN.match(token):
        raise _invalid("token", "8 to 40 letters, digits, '-' or '_'.")
    checked = _check_control(service, operation, dict(changes or {}))
    if CONTROL_OPERATIONS[operation] not in service_capabilities(service):
        raise DomainError(
            "module_cannot",
            _("operation: the module of this service cannot %(value)s.")
            % {"value": operation.value.replace("_", " ")},
            fields={"operation": "not offered for this service"},
            status=409,
        )
    queued = provisioning_operation_queue(
        service=service, operation=operation, key=f"{operation.value}:{token}", changes=checked
    )
    record_audit_event(
        action="provisioning.control_requested",
        actor=actor,
        obj=service,
        subject_client_id=service.client_id,
        data={"operation": operation.value, "call": queued.public_id},
    )
    return queued


def service_power_state(service) -> PowerState:
    """The power state the module reads now (a bounded outbound call); unknown when the
    module cannot tell or does not answer."""
    if Capability.POWER not in service_capabilities(service):
        return PowerState.UNKNOWN
    module = get_module(service.module_name)
    try:
        return PowerState(module.power_state(request_for_service(service)))
    except Exception:
        logger.warning("Power state of %s could not be read", service.public_id, exc_info=True)
        return PowerState.UNKNOWN


def service_console_open(*, service, actor) -> ConsoleLink:
    """A short-lived console link from the module (PRV-01), audited. Refused when the module
    offers no console or the service is not active; a module failure is a clear error."""
    _check_control(service, Operation.REBOOT, {})
    if Capability.CONSOLE not in service_capabilities(service):
        raise DomainError(
            "module_cannot",
            _("operation: the module of this service offers no console."),
            fields={"operation": "not offered for this service"},
            status=409,
        )
    module = get_module(service.module_name)
    if not isinstance(module, ControlModule):
        raise DomainError("module_cannot", _("operation: this module offers no console."))
    try:
        link = module.console(request_for_service(service))
    except ModuleError as error:
        raise DomainError(
            "module_error",
            _("console: %(message)s") % {"message": error.message},
            fields={"console": error.message},
        ) from None
    record_audit_event(
        action="provisioning.console_opened",
        actor=actor,
        obj=service,
        subject_client_id=service.client_id,
        data={"expires_at": link.expires_at.isoformat() if link.expires_at else ""},
    )
    return link
