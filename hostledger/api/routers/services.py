"""Services: the life of each ordered service (ORD-02, ORD-03, CAT-03, CAT-04) and the servers
inside a cloud data-center pool (ORD-05).

Clients and their trusted users (ACC-06) read the account's services with their status
history and paid periods; ordering the paid continuation of a free trial and managing pool
servers needs the owner or a trusted user with the services scope. Staff with
``clients.view`` read every service and the activation queue; activating, suspending,
resuming and terminating needs ``services.manage``, and every move is stored with its
reason, actor and time (ORD-02).
"""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import Path, Query, Router
from ninja.responses import Status

from hostledger.accounts import permissions as perms
from hostledger.accounts import selectors as accounts
from hostledger.api.errors import responses
from hostledger.api.schemas import ActingClient, PageParams, page_of, paginate, path_id
from hostledger.api.schemas_money import referenced
from hostledger.api.schemas_orders import (
    ActivationQueueItemOut,
    OrderOut,
    PoolServerCreateIn,
    PoolServerOut,
    PoolServerResizeIn,
    ServiceActivateIn,
    ServiceChangeIn,
    ServiceFilter,
    ServiceOut,
    ServiceSummaryOut,
    StaffServiceFilter,
    StaffServiceOut,
    StaffServiceSummaryOut,
    TrialContinuationIn,
    order_detail,
    pool_server_row,
    service_detail,
    service_summary,
    staff_service_detail,
    staff_service_summary,
)
from hostledger.catalog import selectors as catalog
from hostledger.catalog.models import FamilyCode
from hostledger.core.errors import NotFound
from hostledger.flows.service_activation import service_activate_with_access
from hostledger.subscriptions import actions, selectors

router = Router(tags=["Services"])
STAFF_TAGS = ["Staff: orders and services"]
SERVICES_AREA = "services"

ServiceId = Annotated[str, Path(**path_id("service", "svc_3k9d2m7q8w1x4z6v"))]
ServerId = Annotated[str, Path(**path_id("server", "vsr_3k9d2m7q8w1x4z6v"))]


def _parts(service) -> dict:
    """The status history, paid periods and pool usage of a service's detail."""
    is_pool = service.family.code == FamilyCode.CLOUD
    return {
        "history": selectors.service_history(service),
        "periods": selectors.service_periods(service),
        "pool": selectors.pool_usage(service) if is_pool else None,
    }


def _detail(service) -> dict:
    return service_detail(service, **_parts(service))


def _staff_detail(public_id: str) -> dict:
    service = selectors.staff_service(public_id)
    return staff_service_detail(service, **_parts(service))


def _server_of(client, service, server_id: str):
    """A live server of ``service``; one of another pool (or client) is not found."""
    server = selectors.client_pool_server(client, server_id)
    if server.service_id != service.pk:
        raise NotFound("server")
    return server


# ----------------------------------------------------------------------------- clients


@router.get(
    "/services",
    response=responses({200: page_of(ServiceSummaryOut)}, 400, 401, 403, 404),
    summary="List services",
)
def service_list(
    request: HttpRequest,
    acting: Query[ActingClient],
    filters: Query[ServiceFilter],
    page: Query[PageParams],
):
    """The client's services, newest first, terminated ones included (ORD-02)."""
    access = accounts.client_access(request.user, acting.client, reads=accounts.SERVICES_SCOPE)
    services = selectors.client_services(access.client)
    if filters.status:
        services = services.filter(status=filters.status)
    found = paginate(services, page)
    found["items"] = [service_summary(service) for service in found["items"]]
    return found


@router.get(
    "/services/{service_id}",
    response=responses({200: ServiceOut}, 400, 401, 403, 404),
    summary="Read a service",
)
def service_read(request: HttpRequest, service_id: ServiceId, acting: Query[ActingClient]):
    """One of the client's services with every change of its status, with reason, who made
    it and when (ORD-02), the periods billed and paid (ORD-03), its commencement deadline
    (CAT-03) and, for a cloud pool, what its servers take (ORD-05)."""
    access = accounts.client_access(request.user, acting.client, reads=accounts.SERVICES_SCOPE)
    return _detail(selectors.client_service(access.client, service_id))


@router.post(
    "/services/{service_id}/trial-continuation",
    response=responses({201: OrderOut}, 400, 401, 403, 404),
    summary="Order the paid continuation of a free trial",
)
def service_trial_continue(
    request: HttpRequest,
    service_id: ServiceId,
    acting: Query[ActingClient],
    payload: TrialContinuationIn,
):
    """Order a service on a free trial for a paid period (CAT-04, ORD-01): the order repeats
    its tariff, add-ons and OS image at the fees in force for the period, which starts the
    day after the trial. Once paid, the service goes ``trial → active`` and keeps its
    resource (ORD-02). Needs the owner or a trusted user with the services scope."""
    access = accounts.client_access(request.user, acting.client, reads=accounts.SERVICES_SCOPE)
    service = selectors.client_service(access.client, service_id)
    access.require_write(SERVICES_AREA)
    payer = referenced(lambda: access.payer(payload.payer), "payer")
    order = actions.order_place_for_trial(
        service=service, payer=payer, period_months=payload.period_months, actor=request.user
    )
    return Status(201, order_detail(selectors.client_order(access.client, order.public_id)))


@router.get(
    "/services/{service_id}/servers",
    response=responses({200: page_of(PoolServerOut)}, 400, 401, 403, 404),
    summary="List the servers of a cloud pool",
)
def pool_server_list(
    request: HttpRequest,
    service_id: ServiceId,
    acting: Query[ActingClient],
    page: Query[PageParams],
):
    """The live servers inside a cloud data-center pool, by name (ORD-05); empty for a
    service that is not a pool."""
    access = accounts.client_access(request.user, acting.client, reads=accounts.SERVICES_SCOPE)
    service = selectors.client_service(access.client, service_id)
    found = paginate(selectors.pool_servers(service).select_related("service"), page)
    found["items"] = [pool_server_row(server) for server in found["items"]]
    return found


@router.post(
    "/services/{service_id}/servers",
    response=responses({201: PoolServerOut}, 400, 401, 403, 404),
    summary="Create a server in a cloud pool",
)
def pool_server_create(
    request: HttpRequest,
    service_id: ServiceId,
    acting: Query[ActingClient],
    payload: PoolServerCreateIn,
):
    """Create a virtual server inside an active cloud pool (ORD-05). Its CPU, memory and disk
    must fit in what the pool's other servers leave free: otherwise 400 ``pool_exceeded``
    naming each resource short. A service that is not a pool answers 400 ``not_a_pool``; a
    pool that is not active 400 ``pool_not_active``. Needs the owner or a trusted user with
    the services scope."""
    access = accounts.client_access(request.user, acting.client, reads=accounts.SERVICES_SCOPE)
    service = selectors.client_service(access.client, service_id)
    access.require_write(SERVICES_AREA)
    os_image = referenced(lambda: catalog.os_image_by_public_id(payload.os_image), "os_image")
    server = actions.pool_server_create(
        service=service,
        name=payload.name,
        cpu=payload.cpu,
        ram_gb=payload.ram_gb,
        disk_gb=payload.disk_gb,
        os_image=os_image,
        actor=request.user,
    )
    return Status(201, pool_server_row(server))


@router.patch(
    "/services/{service_id}/servers/{server_id}",
    response=responses({200: PoolServerOut}, 400, 401, 403, 404),
    summary="Resize a server in a cloud pool",
)
def pool_server_resize(
    request: HttpRequest,
    service_id: ServiceId,
    server_id: ServerId,
    acting: Query[ActingClient],
    payload: PoolServerResizeIn,
):
    """Change a server's CPU, memory or disk (ORD-05); those not sent stay. The pool's sums
    still may not exceed it (400 ``pool_exceeded``). Needs the owner or a trusted user with
    the services scope."""
    access = accounts.client_access(request.user, acting.client, reads=accounts.SERVICES_SCOPE)
    service = selectors.client_service(access.client, service_id)
    server = _server_of(access.client, service, server_id)
    access.require_write(SERVICES_AREA)
    resized = actions.pool_server_resize(server=server, actor=request.user, **payload.changes())
    return pool_server_row(resized)


@router.delete(
    "/services/{service_id}/servers/{server_id}",
    response=responses({200: PoolServerOut}, 400, 401, 403, 404),
    summary="Delete a server of a cloud pool",
)
def pool_server_delete(
    request: HttpRequest, service_id: ServiceId, server_id: ServerId, acting: Query[ActingClient]
):
    """Delete a server of a cloud pool; its resources are free again at once (ORD-05). Needs
    the owner or a trusted user with the services scope."""
    access = accounts.client_access(request.user, acting.client, reads=accounts.SERVICES_SCOPE)
    service = selectors.client_service(access.client, service_id)
    server = _server_of(access.client, service, server_id)
    access.require_write(SERVICES_AREA)
    return pool_server_row(actions.pool_server_delete(server=server, actor=request.user))


# ----------------------------------------------------------------------------- staff


@router.get(
    "/staff/services",
    response=responses({200: page_of(StaffServiceSummaryOut)}, 400, 401, 403, 404),
    summary="List services of all clients",
    tags=STAFF_TAGS,
)
def staff_service_list(
    request: HttpRequest, filters: Query[StaffServiceFilter], page: Query[PageParams]
):
    """Services of every client, newest first, filtered by status, product family and client
    (ORD-02). Needs clients.view."""
    accounts.require_staff_permission(request.user, perms.CLIENTS_VIEW)
    client = accounts.staff_client(filters.client) if filters.client else None
    services = selectors.services_for_staff(
        status=filters.status, family=filters.family, client=client
    )
    found = paginate(services, page)
    found["items"] = [staff_service_summary(service) for service in found["items"]]
    return found


@router.get(
    "/staff/services/activation-queue",
    response=responses({200: page_of(ActivationQueueItemOut)}, 400, 401, 403),
    summary="List services awaiting activation",
    tags=STAFF_TAGS,
)
def staff_activation_queue(request: HttpRequest, page: Query[PageParams]):
    """Paid and trial services whose resource is not up yet: overdue first, then by the
    commencement deadline, soonest first, with the working days left (CAT-03, PRV-01).
    Needs clients.view."""
    accounts.require_staff_permission(request.user, perms.CLIENTS_VIEW)
    found = paginate(selectors.services_awaiting_activation(), page)
    found["items"] = [
        {
            "service": staff_service_summary(row.service),
            "commencement_deadline": row.commencement_deadline,
            "working_days_left": row.working_days_left,
            "is_overdue": row.is_overdue,
        }
        for row in found["items"]
    ]
    return found


@router.get(
    "/staff/services/{service_id}",
    response=responses({200: StaffServiceOut}, 400, 401, 403, 404),
    summary="Read any client's service",
    tags=STAFF_TAGS,
)
def staff_service_read(request: HttpRequest, service_id: ServiceId):
    """One service with its status history (ORD-02), paid periods (ORD-03), provisioning
    module and, for a cloud pool, its usage (ORD-05). Needs clients.view."""
    accounts.require_staff_permission(request.user, perms.CLIENTS_VIEW)
    return _staff_detail(service_id)


@router.post(
    "/staff/services/{service_id}/activate",
    response=responses({200: StaffServiceOut}, 400, 401, 403, 404),
    summary="Activate a service built by hand",
    tags=STAFF_TAGS,
)
def staff_service_activate(request: HttpRequest, service_id: ServiceId, payload: ServiceActivateIn):
    """Record that staff built a paid or trial service by hand (ORD-02, CAT-03): a
    ``provisioning`` service becomes ``active``; whether the commencement deadline was met
    is stored with the change. Any other state answers 400 ``illegal_transition``. Needs
    services.manage."""
    accounts.require_staff_permission(request.user, perms.SERVICES_MANAGE)
    service = selectors.staff_service(service_id)
    service_activate_with_access(
        service=service,
        actor=request.user,
        note=payload.note,
        access=payload.access.model_dump() if payload.access else None,
    )
    return _staff_detail(service_id)


@router.post(
    "/staff/services/{service_id}/suspend",
    response=responses({200: StaffServiceOut}, 400, 401, 403, 404),
    summary="Suspend a service",
    tags=STAFF_TAGS,
)
def staff_service_suspend(request: HttpRequest, service_id: ServiceId, payload: ServiceChangeIn):
    """Suspend an active service, with a reason (ORD-02); the provisioning module is asked to
    stop it. A service that is not active answers 400 ``illegal_transition``. Needs
    services.manage."""
    accounts.require_staff_permission(request.user, perms.SERVICES_MANAGE)
    service = selectors.staff_service(service_id)
    actions.service_suspend(service=service, actor=request.user, reason=payload.reason)
    return _staff_detail(service_id)


@router.post(
    "/staff/services/{service_id}/resume",
    response=responses({200: StaffServiceOut}, 400, 401, 403, 404),
    summary="Resume a suspended service",
    tags=STAFF_TAGS,
)
def staff_service_resume(request: HttpRequest, service_id: ServiceId, payload: ServiceChangeIn):
    """Resume a suspended service, with a reason (ORD-02). A service that is not suspended
    answers 400 ``illegal_transition``. Needs services.manage."""
    accounts.require_staff_permission(request.user, perms.SERVICES_MANAGE)
    service = selectors.staff_service(service_id)
    actions.service_resume(service=service, actor=request.user, reason=payload.reason)
    return _staff_detail(service_id)


@router.post(
    "/staff/services/{service_id}/terminate",
    response=responses({200: StaffServiceOut}, 400, 401, 403, 404),
    summary="Terminate a service",
    tags=STAFF_TAGS,
)
def staff_service_terminate(request: HttpRequest, service_id: ServiceId, payload: ServiceChangeIn):
    """Terminate a service for good, with a reason (ORD-02): unpaid orders of it are
    withdrawn with their proformas and the servers of a cloud pool deleted. Money already
    paid is not touched here (ORD-06). A terminated service answers 400
    ``illegal_transition``. Needs services.manage."""
    accounts.require_staff_permission(request.user, perms.SERVICES_MANAGE)
    service = selectors.staff_service(service_id)
    actions.service_terminate(service=service, actor=request.user, reason=payload.reason)
    return _staff_detail(service_id)
