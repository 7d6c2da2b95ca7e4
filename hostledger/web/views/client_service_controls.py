"""The client area's controls of a running service (PRV-01, SUP-02): access details with the
password revealed on request (audited), the power state, power and reboot, a reinstall with
confirmation, a password reset and a console link.

Each button posts a one-time token printed in the page, so a double click queues one module
call. What the module cannot do is filed as an application for staff (SUP-02).
"""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hostledger.accounts.models import AccessGrant
from hostledger.catalog.models import FamilyCode
from hostledger.catalog.selectors import os_images_for_family
from hostledger.core.errors import DomainError
from hostledger.flows.service_controls import (
    CLIENT_CONTROLS,
    service_console_request,
    service_control_request,
)
from hostledger.provisioning.access import access_details, access_for_client, server_access
from hostledger.provisioning.controls import (
    CONTROL_STATUSES,
    operations_offered,
    service_access_reveal,
    service_capabilities,
    service_power_state,
)
from hostledger.provisioning.modules.interface import Capability, Operation
from hostledger.provisioning.selectors import service_operations
from hostledger.subscriptions import selectors
from hostledger.web.decorators import client_area
from hostledger.web.views.common import no_store

SERVICES = AccessGrant.Scope.SERVICES
RECENT_CALLS = 10
CONTROL_LABELS = {
    Operation.POWER_ON: gettext_lazy("Power on"),
    Operation.POWER_OFF: gettext_lazy("Power off"),
    Operation.REBOOT: gettext_lazy("Reboot"),
    Operation.REINSTALL: gettext_lazy("Reinstall"),
    Operation.RESET_PASSWORD: gettext_lazy("Reset password"),
}


OPERATION_LABELS = {
    Operation.CREATE: gettext_lazy("Set up"),
    Operation.SUSPEND: gettext_lazy("Suspend"),
    Operation.RESUME: gettext_lazy("Resume"),
    Operation.TERMINATE: gettext_lazy("Remove"),
    Operation.CHANGE_PLAN: gettext_lazy("Change plan"),
    Operation.REVERSE_DNS: gettext_lazy("Reverse DNS"),
    **CONTROL_LABELS,
}


def controls_context(service, access) -> dict:
    """What the service page shows of the service's access and controls."""
    if service.status not in CONTROL_STATUSES and not service.activated_at:
        return {"controls": None, "server_addresses": {}}
    details = access_details(service)
    server_addresses = (
        {
            server.public_id: server_access(details, server.public_id).get("address", "")
            for server in service.pool_servers.filter(deleted_at__isnull=True)
        }
        if service.family.code == FamilyCode.CLOUD
        else {}
    )
    offered = set(operations_offered(service))
    active = service.status in CONTROL_STATUSES
    images = list(os_images_for_family(service.family))
    return {
        "server_addresses": server_addresses,
        "controls": {
            "active": active,
            "can_manage": access.can_write(SERVICES) and active,
            "access": access_for_client(service),
            "power_state": service_power_state(service) if active else None,
            "buttons": [
                {
                    "operation": operation.value,
                    "label": CONTROL_LABELS[operation],
                    "by_module": operation in offered,
                }
                for operation in CLIENT_CONTROLS
                if operation != Operation.REINSTALL
            ],
            "reinstall_by_module": Operation.REINSTALL in offered,
            "os_images": images,
            "console": Capability.CONSOLE in service_capabilities(service),
            "token": secrets.token_urlsafe(12),
            "calls": [
                (OPERATION_LABELS.get(call.operation, call.operation), call)
                for call in service_operations(service).order_by("-created_at", "-id")[
                    :RECENT_CALLS
                ]
            ],
        },
    }


@require_POST
@client_area(reads=SERVICES)
def service_control(request, access, public_id):
    """Ask for a control of the service: queued for its module, or an application for staff."""
    service = selectors.client_service(access.client, public_id)
    access.require_write(SERVICES)
    operation = request.POST.get("operation", "")
    changes = {}
    if operation == Operation.REINSTALL:
        if request.POST.get("confirm") != "yes":
            messages.error(
                request,
                _("Reinstalling erases the server's disk: tick the confirmation to go ahead."),
            )
            return redirect("web:service_detail", public_id=service.public_id)
        changes["os_image"] = request.POST.get("os_image", "")
    try:
        requested = service_control_request(
            service=service,
            operation=operation,
            token=request.POST.get("token", ""),
            changes=changes,
            access=access,
            actor=request.user,
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if requested.call is not None:
            messages.success(
                request, _("Requested; the server carries it out in a moment (see Recent actions).")
            )
        else:
            messages.success(
                request,
                _(
                    "Application %(id)s filed; staff carry it out and you see the result "
                    "under Applications."
                )
                % {"id": requested.application.public_id},
            )
    return redirect("web:service_detail", public_id=service.public_id)


@require_POST
@client_area(reads=SERVICES)
def service_access_secrets(request, access, public_id):
    """Reveal the service's password (and licence key) to its client; audited (PRV-01)."""
    service = selectors.client_service(access.client, public_id)
    revealed = service_access_reveal(service=service, access=access, actor=request.user)
    response = render(
        request,
        "web/client/services/access_revealed.html",
        {"service": service, "secrets": revealed, "access_details": access_for_client(service)},
    )
    return no_store(response)


@require_POST
@client_area(reads=SERVICES)
def service_console(request, access, public_id):
    """Open a console of the server: a short-lived link from its module (PRV-01)."""
    service = selectors.client_service(access.client, public_id)
    access.require_write(SERVICES)
    try:
        link = service_console_request(service=service, access=access, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("web:service_detail", public_id=service.public_id)
    return no_store(
        render(request, "web/client/services/console.html", {"service": service, "link": link})
    )
