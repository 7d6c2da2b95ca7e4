"""API v1: the data centre — equipment, applications for actions on it and IP addresses
(SUP-02, SUP-05, SUP-06).

Clients and their trusted users (ACC-06) read their equipment, applications and allocations;
the owner or a trusted user with the services scope files applications, reports IP usage and
sets reverse DNS names. An equipment ID that is not the client's is refused with 400
``equipment_not_yours`` naming it; another client's allocation answers 404 (habit 6). Staff
with ``clients.view`` list applications; working one and recording a probe's measurement need
``services.manage``.
"""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from django.utils import timezone
from ninja import Path, Query, Router
from ninja.responses import Status

from hostledger.accounts import permissions as perms
from hostledger.accounts import selectors as accounts
from hostledger.api.errors import responses
from hostledger.api.schemas import ActingClient, PageParams, page_of, paginate, path_id
from hostledger.api.schemas_datacenter import (
    EXAMPLE_ALLOCATION,
    EXAMPLE_APPLICATION,
    AllocationOut,
    ApplicationIn,
    ApplicationOut,
    ApplicationStatusName,
    ApplicationWorkIn,
    EquipmentOut,
    ProbeIn,
    ReverseDnsIn,
    StaffApplicationOut,
    UsageIn,
    allocation_row,
    application_row,
    equipment_row,
    staff_application_row,
)
from hostledger.datacenter import actions, selectors
from hostledger.flows.reverse_dns import reverse_dns_publish

router = Router(tags=["Data centre"])
STAFF_TAGS = ["Staff: data centre"]
AREA = "services"

ApplicationId = Annotated[str, Path(**path_id("application", EXAMPLE_APPLICATION))]
AllocationId = Annotated[str, Path(**path_id("allocation", EXAMPLE_ALLOCATION))]


def _allocation_answer(client, public_id: str) -> dict:
    allocation = selectors.client_allocation(client, public_id)
    standing = selectors.usage_standing(allocation, on_day=timezone.localdate())
    return allocation_row(allocation, standing)


# ----------------------------------------------------------------------------- clients


@router.get(
    "/equipment",
    response=responses({200: page_of(EquipmentOut)}, 400, 401, 403, 404),
    summary="List the client's equipment",
)
def equipment_list(request: HttpRequest, acting: Query[ActingClient], page: Query[PageParams]):
    """The client's equipment in the data centre by the ID on its label, with its rack,
    units, power, serial number and service (SUP-05)."""
    access = accounts.client_access(request.user, acting.client, reads=AREA)
    found = paginate(selectors.client_equipment(access.client), page)
    found["items"] = [equipment_row(item) for item in found["items"]]
    return found


@router.get(
    "/equipment/applications",
    response=responses({200: page_of(ApplicationOut)}, 400, 401, 403, 404),
    summary="List the client's applications for equipment",
)
def application_list(request: HttpRequest, acting: Query[ActingClient], page: Query[PageParams]):
    """The client's applications for actions on equipment, newest first (SUP-02)."""
    access = accounts.client_access(request.user, acting.client, reads=AREA)
    found = paginate(selectors.client_applications(access.client), page)
    found["items"] = [application_row(item) for item in found["items"]]
    return found


@router.post(
    "/equipment/applications",
    response=responses({201: ApplicationOut}, 400, 401, 403, 404),
    summary="File an application for an action on equipment",
)
def application_file(request: HttpRequest, acting: Query[ActingClient], payload: ApplicationIn):
    """File an application for a reboot, power off or on, network change, OS reinstall,
    console access or part replacement, naming the ID of each piece of equipment (SUP-02).
    An ID that is not the client's answers 400 ``equipment_not_yours`` naming it; equipment
    of a service that is not active 400 ``service_not_active``. Needs the owner or a trusted
    user with the services scope."""
    access = accounts.client_access(request.user, acting.client, reads=AREA)
    application = actions.application_file(
        access=access,
        actor=request.user,
        action=payload.action,
        equipment_ids=list(payload.equipment_ids),
        details=payload.details,
    )
    filed = selectors.client_application(access.client, application.public_id)
    return Status(201, application_row(filed))


@router.get(
    "/ip-allocations",
    response=responses({200: page_of(AllocationOut)}, 400, 401, 403, 404),
    summary="List the client's IP addresses",
)
def allocation_list(request: HttpRequest, acting: Query[ActingClient], page: Query[PageParams]):
    """The IP addresses allocated to the client's services, their usage against the rule of
    the terms (at least 25 % in use at once, 50 % after the first year) and their reverse DNS
    names (SUP-06)."""
    access = accounts.client_access(request.user, acting.client, reads=AREA)
    found = paginate(selectors.client_allocations(access.client), page)
    today, rule = timezone.localdate(), selectors.usage_rule()
    found["items"] = [
        allocation_row(item, selectors.usage_standing(item, on_day=today, rule=rule))
        for item in found["items"]
    ]
    return found


@router.post(
    "/ip-allocations/{allocation_id}/usage",
    response=responses({200: AllocationOut}, 400, 401, 403, 404),
    summary="Report how many addresses are in use",
)
def allocation_usage(
    request: HttpRequest, allocation_id: AllocationId, acting: Query[ActingClient], payload: UsageIn
):
    """Report how many addresses of an allocation are in use (SUP-06); more than it has
    answers 400 naming ``addresses_in_use``."""
    access = accounts.client_access(request.user, acting.client, reads=AREA)
    allocation = selectors.client_allocation(access.client, allocation_id)
    actions.ip_usage_report(
        access=access,
        actor=request.user,
        allocation=allocation,
        addresses_in_use=payload.addresses_in_use,
    )
    return _allocation_answer(access.client, allocation_id)


@router.post(
    "/ip-allocations/{allocation_id}/reverse-dns",
    response=responses({200: AllocationOut}, 400, 401, 403, 404),
    summary="Set the reverse DNS name of an address",
)
def allocation_reverse_dns(
    request: HttpRequest,
    allocation_id: AllocationId,
    acting: Query[ActingClient],
    payload: ReverseDnsIn,
):
    """Set the reverse DNS name (PTR) of an address of the allocation, or remove it with an
    empty ``host_name`` (SUP-06). Not a valid host name, or an address outside the
    allocation, answers 400 naming the field."""
    access = accounts.client_access(request.user, acting.client, reads=AREA)
    allocation = selectors.client_allocation(access.client, allocation_id)
    reverse_dns_publish(
        access=access,
        actor=request.user,
        allocation=allocation,
        address=payload.address,
        host_name=payload.host_name,
    )
    return _allocation_answer(access.client, allocation_id)


# ----------------------------------------------------------------------------- staff


@router.get(
    "/staff/equipment-applications",
    response=responses({200: page_of(StaffApplicationOut)}, 400, 401, 403, 404),
    summary="List applications for equipment",
    tags=STAFF_TAGS,
)
def staff_application_list(
    request: HttpRequest,
    page: Query[PageParams],
    status: ApplicationStatusName | None = None,
):
    """Applications of every client, newest first, optionally of one status (SUP-02).
    Needs clients.view."""
    accounts.require_staff_permission(request.user, perms.CLIENTS_VIEW)
    found = paginate(selectors.applications_for_staff(status=status or ""), page)
    found["items"] = [staff_application_row(item) for item in found["items"]]
    return found


@router.post(
    "/staff/equipment-applications/{application_id}/work",
    response=responses({200: StaffApplicationOut}, 400, 401, 403, 404),
    summary="Record where an application stands",
    tags=STAFF_TAGS,
)
def staff_application_work(
    request: HttpRequest, application_id: ApplicationId, payload: ApplicationWorkIn
):
    """Set an open application in progress, or finish it as done, refused or failed with the
    result in words (SUP-02). A finished application answers 400 ``application_closed``.
    Needs services.manage."""
    accounts.require_staff_permission(request.user, perms.SERVICES_MANAGE)
    application = selectors.staff_application(application_id)
    actions.application_work(
        application=application, actor=request.user, status=payload.status, result=payload.result
    )
    return staff_application_row(selectors.staff_application(application_id))


@router.post(
    "/staff/ip-allocations/{allocation_id}/probe",
    response=responses({200: AllocationOut}, 400, 401, 403, 404),
    summary="Record the addresses a probe saw in use",
    tags=STAFF_TAGS,
)
def staff_allocation_probe(request: HttpRequest, allocation_id: AllocationId, payload: ProbeIn):
    """A probe (a scan, the switch's neighbour table) reports the addresses of an allocation
    it saw in use; their number becomes its usage (SUP-06). An address outside the
    allocation answers 400 naming it. Needs services.manage."""
    accounts.require_staff_permission(request.user, perms.SERVICES_MANAGE)
    allocation = selectors.staff_allocation(allocation_id)
    updated = actions.ip_usage_probe_record(
        allocation=allocation, addresses_seen=list(payload.addresses_seen)
    )
    standing = selectors.usage_standing(updated, on_day=timezone.localdate())
    return allocation_row(selectors.staff_allocation(allocation_id), standing)
