"""Access details and controls of a running service (PRV-01, SUP-02).

Clients read how to reach a service (address, user name; never the password unless they ask
to reveal it, which is audited), its power state and which controls its module carries out;
they power it on or off, reboot or reinstall it and reset its password — each a module call
queued once per ``token``, or, where the module cannot, an application for staff. Staff enter
access details for services they build by hand.
"""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router
from ninja.responses import Status

from hostledger.accounts import permissions as perms
from hostledger.accounts import selectors as accounts
from hostledger.api.errors import responses
from hostledger.api.schemas import ActingClient, PageParams, page_of, paginate, path_id
from hostledger.api.schemas_controls import (
    ConsoleOut,
    ModuleCallOut,
    ServiceAccessOut,
    ServiceControlIn,
    ServiceControlOut,
    ServiceSecretsOut,
    StaffServiceAccessIn,
    call_row,
)
from hostledger.api.schemas_datacenter import application_row
from hostledger.core.errors import DomainError
from hostledger.flows.service_controls import service_console_request, service_control_request
from hostledger.provisioning.access import access_for_client
from hostledger.provisioning.controls import (
    CONTROL_STATUSES,
    operations_offered,
    service_access_reveal,
    service_access_set,
    service_capabilities,
    service_power_state,
)
from hostledger.provisioning.modules.interface import Capability
from hostledger.provisioning.selectors import service_operations
from hostledger.subscriptions import selectors

router = Router(tags=["Service controls"])
STAFF_TAGS = ["Staff: orders and services"]
SERVICES_AREA = "services"

ServiceId = Annotated[str, Path(**path_id("service", "svc_3k9d2m7q8w1x4z6v"))]


def _access_out(service) -> dict:
    shown = access_for_client(service)
    active = service.status in CONTROL_STATUSES
    return {
        "address": shown.get("address", ""),
        "username": shown.get("username", ""),
        "panel_url": shown.get("panel_url", ""),
        "secrets": shown["secrets"],
        "power_state": service_power_state(service).value if active else None,
        "controls_by_module": [op.value for op in operations_offered(service)],
        "console": Capability.CONSOLE in service_capabilities(service),
    }


@router.get(
    "/services/{service_id}/access",
    response=responses({200: ServiceAccessOut}, 400, 401, 403, 404),
    summary="Read how to reach a service and what can be done with it",
)
def service_access_read(request: HttpRequest, service_id: ServiceId, acting: Query[ActingClient]):
    """The service's address and user name (never its password), its power state read from
    the module, and the controls the module carries out itself (PRV-01)."""
    access = accounts.client_access(request.user, acting.client, reads=accounts.SERVICES_SCOPE)
    return _access_out(selectors.client_service(access.client, service_id))


@router.post(
    "/services/{service_id}/access/reveal",
    response=responses({200: ServiceSecretsOut}, 400, 401, 403, 404),
    summary="Reveal a service's password",
)
def service_access_secrets(
    request: HttpRequest, service_id: ServiceId, acting: Query[ActingClient]
):
    """The password (and licence key) of the service. Every reveal is recorded in the
    account's audit trail (PRV-01)."""
    access = accounts.client_access(request.user, acting.client, reads=accounts.SERVICES_SCOPE)
    service = selectors.client_service(access.client, service_id)
    revealed = service_access_reveal(service=service, access=access, actor=request.user)
    servers: dict[str, dict[str, str]] = {}
    for key, value in revealed.items():
        server_id, dot, field = key.partition(".")
        if dot:
            servers.setdefault(server_id, {})[field] = value
    return {
        "password": revealed.get("password"),
        "licence_key": revealed.get("licence_key"),
        "servers": servers,
    }


@router.post(
    "/services/{service_id}/controls",
    response=responses({202: ServiceControlOut}, 400, 401, 403, 404),
    summary="Power, reboot, reinstall or reset the password of a service",
)
def service_control(
    request: HttpRequest,
    service_id: ServiceId,
    acting: Query[ActingClient],
    payload: ServiceControlIn,
):
    """Queue the control for the service's module, once per ``token``; where the module cannot
    do it, file an application for staff (SUP-02) — one open application per service and
    action. A reinstall needs ``os_image`` and ``confirm: true``. A service that is not active
    answers 400 ``service_not_active``. Needs the owner or a trusted user with the services
    scope."""
    access = accounts.client_access(request.user, acting.client, reads=accounts.SERVICES_SCOPE)
    service = selectors.client_service(access.client, service_id)
    access.require_write(SERVICES_AREA)
    changes = {}
    if payload.operation == "reinstall":
        if not payload.confirm:
            raise DomainError(
                "invalid_input",
                _("confirm: a reinstall erases the disk; send confirm: true."),
                fields={"confirm": "must be true for a reinstall"},
            )
        changes["os_image"] = payload.os_image
    requested = service_control_request(
        service=service,
        operation=payload.operation,
        token=payload.token,
        changes=changes,
        access=access,
        actor=request.user,
    )
    return Status(
        202,
        {
            "call": call_row(requested.call) if requested.call else None,
            "application": application_row(requested.application)
            if requested.application
            else None,
        },
    )


@router.post(
    "/services/{service_id}/console",
    response=responses({200: ConsoleOut}, 400, 401, 403, 404),
    summary="Open a console of a service",
)
def service_console(request: HttpRequest, service_id: ServiceId, acting: Query[ActingClient]):
    """A short-lived console link from the service's module; 400 ``module_cannot`` when the
    module offers none. Audited. Needs the owner or a trusted user with the services scope."""
    access = accounts.client_access(request.user, acting.client, reads=accounts.SERVICES_SCOPE)
    service = selectors.client_service(access.client, service_id)
    access.require_write(SERVICES_AREA)
    link = service_console_request(service=service, access=access, actor=request.user)
    return {"url": link.url, "expires_at": link.expires_at}


@router.get(
    "/services/{service_id}/calls",
    response=responses({200: page_of(ModuleCallOut)}, 400, 401, 403, 404),
    summary="List the module calls of a service",
)
def service_calls(
    request: HttpRequest,
    service_id: ServiceId,
    acting: Query[ActingClient],
    page: Query[PageParams],
):
    """What was asked of the service's module and how it went, newest first (PRV-02)."""
    access = accounts.client_access(request.user, acting.client, reads=accounts.SERVICES_SCOPE)
    service = selectors.client_service(access.client, service_id)
    found = paginate(service_operations(service).order_by("-created_at", "-id"), page)
    found["items"] = [call_row(call) for call in found["items"]]
    return found


@router.put(
    "/staff/services/{service_id}/access",
    response=responses({200: ServiceAccessOut}, 400, 401, 403, 404),
    summary="Enter the access details of a service",
    tags=STAFF_TAGS,
)
def staff_service_access_set(
    request: HttpRequest, service_id: ServiceId, payload: StaffServiceAccessIn
):
    """Store access details of a service built by hand, encrypted; an empty string removes
    one (PRV-01). Audited without the values. Needs services.manage."""
    accounts.require_staff_permission(request.user, perms.SERVICES_MANAGE)
    service = selectors.staff_service(service_id)
    details = {key: value for key, value in payload.model_dump().items() if value is not None}
    service_access_set(service=service, details=details, actor=request.user)
    return _access_out(service)
