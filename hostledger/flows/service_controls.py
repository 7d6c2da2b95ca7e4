"""A client uses the controls of a running service (PRV-01, SUP-02).

The service page and the API offer power, reboot, reinstall, a password reset and a console.
Where the service's provisioning module declared it can do the control, it is queued as a
module call (a job, keyed by the request's token); where it cannot, the same request becomes
an application for staff, who carry it out by hand and record the result (SUP-02). One
open application per service and action: asking twice while staff work on it files nothing
new.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from hostledger.accounts.models import AccessGrant
from hostledger.core.errors import DomainError, PermissionDenied
from hostledger.datacenter.actions.applications import application_file_for_service
from hostledger.datacenter.models import ApplicationAction, EquipmentApplication
from hostledger.datacenter.selectors import open_service_application
from hostledger.provisioning.controls import (
    operations_offered,
    service_console_open,
    service_control_queue,
)
from hostledger.provisioning.models import ProvisioningOperation
from hostledger.provisioning.modules.interface import ConsoleLink, Operation

APPLICATION_OF: dict[Operation, str] = {
    Operation.POWER_ON: ApplicationAction.POWER_ON,
    Operation.POWER_OFF: ApplicationAction.POWER_OFF,
    Operation.REBOOT: ApplicationAction.REBOOT,
    Operation.REINSTALL: ApplicationAction.OS_REINSTALL,
    Operation.RESET_PASSWORD: ApplicationAction.PASSWORD_CHANGE,
}
"""The application staff get when the module cannot do a control itself (SUP-02)."""

CLIENT_CONTROLS = tuple(APPLICATION_OF)
"""The controls offered to every client of an active server, by module or by staff."""


@dataclass(frozen=True)
class ControlRequested:
    """What became of a client's request: a queued module call, or an application."""

    call: ProvisioningOperation | None = None
    application: EquipmentApplication | None = None


def _check_access(service, access) -> None:
    if service.client_id != access.client.pk:
        raise DomainError("not_found", _("No such service."), status=404)
    if not access.can_write(AccessGrant.Scope.SERVICES):
        raise PermissionDenied(_("Your access to this account does not allow this change."))


def _details(operation: Operation, changes: dict) -> str:
    if operation == Operation.REINSTALL:
        return str(changes.get("os_image") or "")
    return ""


def service_control_request(
    *, service, operation, token: str, changes=None, access, actor
) -> ControlRequested:
    """Carry out the client's request for a control of ``service``: queued for its module when
    the module can do it, otherwise filed as an application for staff (PRV-01, SUP-02)."""
    _check_access(service, access)
    try:
        operation = Operation(operation)
    except ValueError:
        operation = None
    if operation not in CLIENT_CONTROLS:
        raise DomainError(
            "invalid_input",
            "operation: choose one of " + ", ".join(op.value for op in CLIENT_CONTROLS) + ".",
            fields={"operation": "not a control of a service"},
        )
    changes = dict(changes or {})
    with transaction.atomic():
        if operation in operations_offered(service):
            call = service_control_queue(
                service=service, operation=operation, token=token, changes=changes, actor=actor
            )
            return ControlRequested(call=call)
        if operation == Operation.REINSTALL and not _details(operation, changes).strip():
            raise DomainError(
                "invalid_input",
                _("os_image: choose the operating system to install."),
                fields={"os_image": "choose the operating system to install."},
            )
        action = APPLICATION_OF[operation]
        open_one = open_service_application(service, action)
        if open_one is not None:
            return ControlRequested(application=open_one)
        application = application_file_for_service(
            access=access,
            actor=actor,
            action=action,
            service=service,
            details=_details(operation, changes),
        )
        return ControlRequested(application=application)


def service_console_request(*, service, access, actor) -> ConsoleLink:
    """A console link for the client of ``service`` (PRV-01)."""
    _check_access(service, access)
    return service_console_open(service=service, actor=actor)
