"""API v1: interruptions of services, their compensation, planned maintenance and
dedicated-server repairs (SUP-03, SUP-04, SUP-07, BIL-09).

Clients and their trusted users whose grant reads services (ACC-06) list their interruption
reports, the compensation computed for their services and the maintenance planned on a
service; reporting needs the owner or a trusted user with the services scope. Another
client's interruption or service answers 404 (habit 6). Staff with ``services.manage`` list
every report and confirm (the count starts), reject with a reason, or mark restored; they
announce maintenance windows and record repairs. The
compensation itself is computed by the incidents job once a month has ended; no operation
takes an amount.
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
from hostledger.api.schemas_incidents import (
    CompensationOut,
    InterruptionIn,
    InterruptionOut,
    InterruptionRejectIn,
    MaintenanceOut,
    MaintenanceWindowIn,
    MaintenanceWindowOut,
    RepairIn,
    RepairOut,
    StaffInterruptionFilter,
    StaffInterruptionOut,
    compensation_row,
    interruption_row,
    maintenance_row,
    maintenance_window_row,
    repair_row,
    staff_interruption_row,
)
from hostledger.core.audit import record_personal_data_read
from hostledger.incidents import actions, selectors
from hostledger.subscriptions.selectors import client_service, staff_service

router = Router(tags=["Interruptions"])
STAFF_TAGS = ["Staff: interruptions"]
SERVICES_AREA = "services"

InterruptionId = Annotated[str, Path(**path_id("interruption", "int_3k9d2m7q8w1x4z6v"))]
ServiceId = Annotated[str, Path(**path_id("service", "svc_3k9d2m7q8w1x4z6v"))]


def _reader(request: HttpRequest, acting: ActingClient):
    return accounts.client_access(request.user, acting.client, reads=accounts.SERVICES_SCOPE)


@router.get(
    "/interruptions",
    response=responses({200: page_of(InterruptionOut)}, 400, 401, 403, 404),
    summary="List your interruption reports",
)
def interruption_list(request: HttpRequest, acting: Query[ActingClient], page: Query[PageParams]):
    """Your interruption reports, newest first, each with how long it counted: from staff
    confirmation to restoration (SUP-03)."""
    access = _reader(request, acting)
    found = paginate(selectors.client_interruptions(access.client), page)
    found["items"] = [interruption_row(row) for row in found["items"]]
    return found


@router.post(
    "/interruptions",
    response=responses({201: InterruptionOut}, 400, 401, 403, 404),
    summary="Report an interruption of a service",
)
def interruption_report(request: HttpRequest, acting: Query[ActingClient], payload: InterruptionIn):
    """Report that one of your live services is interrupted (SUP-03). It counts once staff
    confirm it. 404 for a service that is not yours; 400 ``interruption_open`` when the
    service already has an open report, ``service_not_live`` for a terminated one. Needs the
    owner or a trusted user with the services scope."""
    access = _reader(request, acting)
    service = client_service(access.client, payload.service)
    access.require_write(SERVICES_AREA)
    interruption = actions.interruption_report(
        client=access.client,
        service=service,
        description=payload.description,
        actor=request.user,
    )
    return Status(201, interruption_row(interruption))


@router.get(
    "/interruptions/{interruption_id}",
    response=responses({200: InterruptionOut}, 400, 401, 403, 404),
    summary="Read an interruption report",
)
def interruption_read(
    request: HttpRequest, interruption_id: InterruptionId, acting: Query[ActingClient]
):
    """One of your interruption reports (SUP-03); another client's answers 404."""
    access = _reader(request, acting)
    return interruption_row(selectors.client_interruption(access.client, interruption_id))


@router.get(
    "/compensations",
    response=responses({200: page_of(CompensationOut)}, 400, 401, 403, 404),
    summary="List the compensation of your services",
)
def compensation_list(request: HttpRequest, acting: Query[ActingClient], page: Query[PageParams]):
    """The compensation computed for your services, one per service and calendar month with
    confirmed interruption time, newest month first: the availability, the SLA table's band,
    the month's charge, what the band gives and what was credited after the cap of the
    previous month's charges (BIL-09)."""
    access = _reader(request, acting)
    found = paginate(selectors.client_compensations(access.client), page)
    found["items"] = [compensation_row(row) for row in found["items"]]
    return found


@router.get(
    "/services/{service_id}/maintenance",
    response=responses({200: list[MaintenanceOut]}, 400, 401, 403, 404),
    summary="List the maintenance planned on a service",
)
def service_maintenance(request: HttpRequest, service_id: ServiceId, acting: Query[ActingClient]):
    """Maintenance windows not yet over that affect the service, soonest first (SUP-04)."""
    access = _reader(request, acting)
    service = client_service(access.client, service_id)
    return [maintenance_row(window) for window in selectors.service_upcoming_maintenance(service)]


# ----------------------------------------------------------------------------- staff


@router.get(
    "/staff/interruptions",
    response=responses({200: page_of(StaffInterruptionOut)}, 400, 401, 403),
    summary="List interruption reports",
    tags=STAFF_TAGS,
)
def staff_interruption_list(
    request: HttpRequest, filters: Query[StaffInterruptionFilter], page: Query[PageParams]
):
    """Every client's interruption reports, by status and then oldest first (SUP-03); the
    read of each client's reports is audited (GDPR-12). Needs services.manage."""
    accounts.require_staff_permission(request.user, perms.SERVICES_MANAGE)
    found = paginate(selectors.staff_interruptions(filters.status), page)
    for client in {row.client_id: row.client for row in found["items"]}.values():
        record_personal_data_read(
            actor=request.user, client=client, what="interruption reports", request=request
        )
    found["items"] = [staff_interruption_row(row) for row in found["items"]]
    return found


def _staff_interruption(request: HttpRequest, interruption_id: str):
    accounts.require_staff_permission(request.user, perms.SERVICES_MANAGE)
    return selectors.staff_interruption(interruption_id)


@router.post(
    "/staff/interruptions/{interruption_id}/confirm",
    response=responses({200: StaffInterruptionOut}, 400, 401, 403, 404),
    summary="Confirm an interruption report",
    tags=STAFF_TAGS,
)
def staff_interruption_confirm(request: HttpRequest, interruption_id: InterruptionId):
    """Confirm a reported interruption: it counts from now, and the malfunction is due within
    the working days of the setting (SUP-03). 400 ``interruption_not_open`` unless it awaits
    confirmation. Needs services.manage."""
    interruption = _staff_interruption(request, interruption_id)
    done = actions.interruption_confirm(interruption=interruption, actor=request.user)
    return staff_interruption_row(selectors.staff_interruption(done.public_id))


@router.post(
    "/staff/interruptions/{interruption_id}/reject",
    response=responses({200: StaffInterruptionOut}, 400, 401, 403, 404),
    summary="Reject an interruption report",
    tags=STAFF_TAGS,
)
def staff_interruption_reject(
    request: HttpRequest, interruption_id: InterruptionId, payload: InterruptionRejectIn
):
    """Do not confirm a report, with a reason the client reads; it counts nothing (SUP-03).
    400 ``interruption_not_open`` unless it awaits confirmation. Needs services.manage."""
    interruption = _staff_interruption(request, interruption_id)
    done = actions.interruption_reject(
        interruption=interruption, reason=payload.reason, actor=request.user
    )
    return staff_interruption_row(selectors.staff_interruption(done.public_id))


@router.post(
    "/staff/interruptions/{interruption_id}/restore",
    response=responses({200: StaffInterruptionOut}, 400, 401, 403, 404),
    summary="Mark an interruption restored",
    tags=STAFF_TAGS,
)
def staff_interruption_restore(request: HttpRequest, interruption_id: InterruptionId):
    """Tell the client the service is back: the interruption stops counting now (SUP-03).
    400 ``interruption_not_open`` unless it is confirmed. Needs services.manage."""
    interruption = _staff_interruption(request, interruption_id)
    done = actions.interruption_restore(interruption=interruption, actor=request.user)
    return staff_interruption_row(selectors.staff_interruption(done.public_id))


@router.get(
    "/staff/maintenance-windows",
    response=responses({200: page_of(MaintenanceWindowOut)}, 400, 401, 403),
    summary="List maintenance windows",
    tags=STAFF_TAGS,
)
def staff_maintenance_list(request: HttpRequest, page: Query[PageParams]):
    """Every maintenance window, soonest first, with how many clients were told (SUP-04).
    Needs services.manage."""
    accounts.require_staff_permission(request.user, perms.SERVICES_MANAGE)
    found = paginate(selectors.maintenance_windows(), page)
    found["items"] = [maintenance_window_row(window) for window in found["items"]]
    return found


@router.post(
    "/staff/maintenance-windows",
    response=responses({201: MaintenanceWindowOut}, 400, 401, 403),
    summary="Announce a maintenance window",
    tags=STAFF_TAGS,
)
def staff_maintenance_announce(request: HttpRequest, payload: MaintenanceWindowIn):
    """Record a maintenance window and tell every client with an affected live service once,
    restricted clients included (SUP-04). 400 ``notice_too_short`` for a start sooner than
    the notice of the setting (or in the past), ``invalid_window`` for an end not after the
    start, ``invalid_audience`` naming unknown products, tariffs or services. Needs
    services.manage."""
    accounts.require_staff_permission(request.user, perms.SERVICES_MANAGE)
    window = actions.maintenance_window_announce(
        title=payload.title,
        description=payload.description,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        scope=payload.scope,
        family_codes=payload.family_codes,
        tariff_ids=payload.tariff_ids,
        service_ids=payload.service_ids,
        translations={
            language: text.model_dump() for language, text in payload.translations.items()
        },
        actor=request.user,
    )
    return Status(201, maintenance_window_row(window))


@router.post(
    "/staff/repairs",
    response=responses({201: RepairOut}, 400, 401, 403, 404),
    summary="Record a dedicated server repair",
    tags=STAFF_TAGS,
)
def staff_repair_record(request: HttpRequest, payload: RepairIn):
    """Record a finished part repair of a dedicated server (SUP-07): longer than the term of
    the setting (24 hours), it extends the paid period by the repair time in whole days, in
    the service history and on the next renewal invoice. 404 for an unknown service; 400
    ``not_dedicated`` for another product, ``invalid_repair`` for an end not after the
    failure or in the future. Needs services.manage."""
    accounts.require_staff_permission(request.user, perms.SERVICES_MANAGE)
    service = staff_service(payload.service)
    repair = actions.repair_record(
        service=service,
        part=payload.part,
        started_at=payload.started_at,
        ended_at=payload.ended_at,
        actor=request.user,
    )
    return Status(201, repair_row(repair))
