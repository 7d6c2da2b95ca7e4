"""API v1: DNS hosting (DOM-04) — the client's zones and their records — and the pushes of
zones to the name servers that staff look after (PRV-02).

Clients and their trusted users (ACC-06) read the zones and records of their account with the
services scope; the owner or a trusted user with the services scope (not read-only) hosts and
removes zones and adds, changes and deletes records. Every record is checked with dnspython,
and a refusal answers 400 naming the field. Another client's zone or record answers 404, even
with its ids (habit 6). Staff with ``clients.view`` list failed pushes; sending one again
needs ``services.manage``.
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
from hostledger.api.schemas_dns import (
    EXAMPLE_PUSH,
    EXAMPLE_RECORD,
    EXAMPLE_ZONE,
    PushOut,
    RecordIn,
    RecordOut,
    RecordPatchIn,
    ZoneIn,
    ZoneOut,
    push_row,
    record_row,
    zone_row,
)
from hostledger.core.errors import DomainError, NotFound
from hostledger.dns import actions, selectors
from hostledger.subscriptions.selectors import client_service

router = Router(tags=["DNS hosting"])
STAFF_TAGS = ["Staff: DNS hosting"]
AREA = "services"

ZoneId = Annotated[str, Path(**path_id("zone", EXAMPLE_ZONE))]
RecordId = Annotated[str, Path(**path_id("record", EXAMPLE_RECORD))]
PushId = Annotated[str, Path(**path_id("push", EXAMPLE_PUSH))]


def _zone(request, acting: ActingClient, zone_id: str):
    access = accounts.client_access(request.user, acting.client, reads=AREA)
    return access, selectors.client_zone(access.client, zone_id)


@router.get(
    "/dns/zones",
    response=responses({200: page_of(ZoneOut)}, 400, 401, 403, 404),
    summary="List the client's DNS zones",
)
def dns_zone_list(request: HttpRequest, acting: Query[ActingClient], page: Query[PageParams]):
    """The zones hosted for the client on the provider's name servers, by name (DOM-04)."""
    access = accounts.client_access(request.user, acting.client, reads=AREA)
    found = paginate(selectors.client_zones(access.client), page)
    found["items"] = [zone_row(zone) for zone in found["items"]]
    return found


@router.post(
    "/dns/zones",
    response=responses({201: ZoneOut}, 400, 401, 403, 404),
    summary="Host a DNS zone",
)
def dns_zone_create(request: HttpRequest, acting: Query[ActingClient], payload: ZoneIn):
    """Host a zone for one of the client's domains under a service that carries DNS hosting
    (DOM-04). A service that is not the client's, or carries no DNS hosting, answers 400
    naming ``service``; a name that is not a domain, already hosted, or inside another
    account's zone answers 400 naming ``name``."""
    access = accounts.client_access(request.user, acting.client, reads=AREA)
    try:
        service = client_service(access.client, payload.service)
    except NotFound:
        raise DomainError(
            "invalid_input", _("service: no such service."), fields={"service": "No such service."}
        ) from None
    zone = actions.zone_create(
        service=service, name=payload.name, actor=request.user, access=access
    )
    return Status(201, zone_row(selectors.client_zone(access.client, zone.public_id)))


@router.get(
    "/dns/zones/{zone_id}",
    response=responses({200: ZoneOut}, 400, 401, 403, 404),
    summary="Read a DNS zone",
)
def dns_zone_read(request: HttpRequest, zone_id: ZoneId, acting: Query[ActingClient]):
    """One hosted zone of the client, with its serial and whether the name servers have it."""
    _access, zone = _zone(request, acting, zone_id)
    return zone_row(zone)


@router.delete(
    "/dns/zones/{zone_id}",
    response=responses({200: ZoneOut}, 400, 401, 403, 404),
    summary="Stop hosting a DNS zone",
)
def dns_zone_remove(request: HttpRequest, zone_id: ZoneId, acting: Query[ActingClient]):
    """The name servers stop answering for the zone and its records are deleted (DOM-04)."""
    access, zone = _zone(request, acting, zone_id)
    return zone_row(actions.zone_remove(zone=zone, actor=request.user, access=access))


@router.get(
    "/dns/zones/{zone_id}/records",
    response=responses({200: page_of(RecordOut)}, 400, 401, 403, 404),
    summary="List the records of a DNS zone",
)
def dns_record_list(
    request: HttpRequest, zone_id: ZoneId, acting: Query[ActingClient], page: Query[PageParams]
):
    """The zone's records by name (the zone itself first), type and data (DOM-04)."""
    _access, zone = _zone(request, acting, zone_id)
    found = paginate(selectors.zone_records(zone), page)
    found["items"] = [record_row(record) for record in found["items"]]
    return found


@router.post(
    "/dns/zones/{zone_id}/records",
    response=responses({201: RecordOut}, 400, 401, 403, 404),
    summary="Add a record to a DNS zone",
)
def dns_record_create(
    request: HttpRequest, zone_id: ZoneId, acting: Query[ActingClient], payload: RecordIn
):
    """Add a record (DOM-04). The data is parsed with dnspython for its type; MX, SRV, NS and
    PTR point at host names; a CNAME stands alone at its name and never at the zone itself;
    CAA uses a known property; TXT text is split into strings of 255 bytes; the TTL lies within
    the provider's bounds. Each refusal answers 400 naming the field, as does a change to
    the zone of a suspended service (``service_suspended``)."""
    access, zone = _zone(request, acting, zone_id)
    record = actions.record_create(
        zone=zone,
        actor=request.user,
        access=access,
        name=payload.name,
        record_type=payload.type,
        content=payload.content,
        ttl=payload.ttl,
        priority=payload.priority,
    )
    return Status(201, record_row(record))


@router.patch(
    "/dns/zones/{zone_id}/records/{record_id}",
    response=responses({200: RecordOut}, 400, 401, 403, 404),
    summary="Change a record of a DNS zone",
)
def dns_record_update(
    request: HttpRequest,
    zone_id: ZoneId,
    record_id: RecordId,
    acting: Query[ActingClient],
    payload: RecordPatchIn,
):
    """Change the fields sent; the record is checked again as a whole (DOM-04)."""
    access, zone = _zone(request, acting, zone_id)
    record = selectors.zone_record(zone, record_id)
    values = {
        "name": record.name,
        "record_type": record.record_type,
        "content": record.content,
        "ttl": record.ttl,
        "priority": record.priority,
    }
    for field, value in payload.changes().items():
        key = "record_type" if field == "type" else field
        if value is not None or key in ("ttl", "priority"):  # null ttl: the default
            values[key] = value
    changed = actions.record_update(record=record, actor=request.user, access=access, **values)
    return record_row(changed)


@router.delete(
    "/dns/zones/{zone_id}/records/{record_id}",
    response=responses({200: RecordOut}, 400, 401, 403, 404),
    summary="Delete a record of a DNS zone",
)
def dns_record_delete(
    request: HttpRequest, zone_id: ZoneId, record_id: RecordId, acting: Query[ActingClient]
):
    """The name servers stop serving the record once the zone's push has run; answers the
    record as it was."""
    access, zone = _zone(request, acting, zone_id)
    record = selectors.zone_record(zone, record_id)
    answer = record_row(record)
    actions.record_delete(record=record, actor=request.user, access=access)
    return answer


@router.get(
    "/staff/dns/pushes",
    response=responses({200: page_of(PushOut)}, 400, 401, 403, 404),
    summary="List pushes of zones that failed",
    tags=STAFF_TAGS,
)
def staff_dns_push_list(request: HttpRequest, page: Query[PageParams]):
    """Pushes of zones to the name servers that failed or wait for a retry, oldest first
    (PRV-02). Needs clients.view."""
    accounts.require_staff_permission(request.user, perms.CLIENTS_VIEW)
    found = paginate(selectors.pushes_needing_staff(), page)
    found["items"] = [push_row(push) for push in found["items"]]
    return found


@router.post(
    "/staff/dns/pushes/{push_id}/retry",
    response=responses({200: PushOut}, 400, 401, 403, 404),
    summary="Send a failed push of a zone again",
    tags=STAFF_TAGS,
)
def staff_dns_push_retry(request: HttpRequest, push_id: PushId):
    """Send a failed push to the name servers again, with a fresh count of attempts (PRV-02).
    A push that did not fail answers 400 ``push_not_failed``. Needs services.manage."""
    accounts.require_staff_permission(request.user, perms.SERVICES_MANAGE)
    push = actions.zone_push_retry(push=selectors.staff_push(push_id), actor=request.user)
    return push_row(push)
