"""Domains: the client's domains at their registries, their name servers, transfer lock and
transfer code, and transfers in (DOM-01, DOM-02, DOM-03).

Clients and their trusted users (ACC-06) read the account's domains; changing them, revealing
the transfer code (recorded in the audit trail) and ordering a transfer need the owner or a
trusted user with the services scope. Another client's domain answers 404. A registry that
refuses answers 400 ``registry_refused`` with its code and words; one that does not answer in
time, 400 ``registry_unavailable`` (try again later). Staff with ``clients.view`` list every
client's domains.
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
from hostledger.api.schemas_domains import (
    AuthCodeOut,
    DomainFilter,
    DomainOut,
    DomainTransferIn,
    LockIn,
    NameServersIn,
    StaffDomainFilter,
    StaffDomainOut,
    domain_out,
    staff_domain_out,
)
from hostledger.api.schemas_money import referenced
from hostledger.api.schemas_orders import OrderOut, order_detail
from hostledger.catalog import selectors as catalog
from hostledger.domains import selectors
from hostledger.flows.domain_controls import (
    domain_auth_code_show,
    domain_check_now,
    domain_lock_set,
    domain_name_servers_change,
)
from hostledger.subscriptions import actions as subscriptions
from hostledger.subscriptions import selectors as subscription_selectors

router = Router(tags=["Domains"])
STAFF_TAGS = ["Staff: orders and services"]
SERVICES_AREA = "services"

DomainId = Annotated[str, Path(**path_id("domain", "dom_3k9d2m7q8w1x4z6v"))]


def _domain(request, acting: ActingClient, domain_id: str, *, writes: bool = False):
    access = accounts.client_access(request.user, acting.client, reads=accounts.SERVICES_SCOPE)
    domain = selectors.client_domain(access.client, domain_id)
    if writes:
        access.require_write(SERVICES_AREA)
    return domain


@router.get(
    "/domains",
    response=responses({200: page_of(DomainOut)}, 400, 401, 403, 404),
    summary="List domains",
)
def domain_list(
    request: HttpRequest,
    acting: Query[ActingClient],
    filters: Query[DomainFilter],
    page: Query[PageParams],
):
    """The client's domains, soonest expiry first, as their registries last reported them
    (DOM-02)."""
    access = accounts.client_access(request.user, acting.client, reads=accounts.SERVICES_SCOPE)
    domains = selectors.client_domains(access.client)
    if filters.status:
        domains = domains.filter(status=filters.status)
    found = paginate(domains, page)
    found["items"] = [domain_out(domain) for domain in found["items"]]
    return found


@router.post(
    "/domains/transfers",
    response=responses({201: OrderOut}, 400, 401, 403, 404),
    summary="Order the transfer of a domain",
)
def domain_transfer(request: HttpRequest, acting: Query[ActingClient], payload: DomainTransferIn):
    """Transfer in a domain held at another registrar, with its transfer code: an order of
    the zone's domain tariff, billed and paid like a registration (ORD-01, ORD-03); once paid
    the registry is asked to transfer it, and the domain is the client's here once the
    registry reports the transfer done (DOM-02). Every bad field is named (400). Needs the
    owner or a trusted user with the services scope."""
    access = accounts.client_access(request.user, acting.client, reads=accounts.SERVICES_SCOPE)
    access.require_write(SERVICES_AREA)
    payer = referenced(lambda: access.payer(payload.payer), "payer")
    tariff = referenced(lambda: catalog.tariff_by_public_id(payload.tariff), "tariff")
    order = subscriptions.order_place(
        client=access.client,
        payer=payer,
        tariff=tariff,
        period_months=payload.period_months,
        host_name=payload.host_name,
        transfer_auth_code=payload.transfer_auth_code,
        domain_admin=payload.domain_admin(),
        start_at_once=payload.start_at_once,
        actor=request.user,
    )
    return Status(
        201, order_detail(subscription_selectors.client_order(access.client, order.public_id))
    )


@router.get(
    "/domains/{domain_id}",
    response=responses({200: DomainOut}, 400, 401, 403, 404),
    summary="Read a domain",
)
def domain_read(request: HttpRequest, domain_id: DomainId, acting: Query[ActingClient]):
    """One of the client's domains: its status, expiry, registry statuses, name servers and
    lock as its registry last reported them (DOM-02)."""
    return domain_out(_domain(request, acting, domain_id))


@router.post(
    "/domains/{domain_id}/check",
    response=responses({200: DomainOut}, 400, 401, 403, 404),
    summary="Ask the registry about a domain now",
)
def domain_check(request: HttpRequest, domain_id: DomainId, acting: Query[ActingClient]):
    """Ask the domain's registry now and store its answer (DOM-02). Needs the owner or a
    trusted user with the services scope."""
    domain = _domain(request, acting, domain_id, writes=True)
    return domain_out(domain_check_now(domain=domain))


@router.post(
    "/domains/{domain_id}/name-servers",
    response=responses({200: DomainOut}, 400, 401, 403, 404),
    summary="Change a domain's name servers",
)
def domain_name_servers(
    request: HttpRequest, domain_id: DomainId, acting: Query[ActingClient], payload: NameServersIn
):
    """Delegate the domain to these name servers at its registry (DOM-02). A locked domain
    must be unlocked first (400 ``domain_locked``). Needs the owner or a trusted user with
    the services scope."""
    domain = _domain(request, acting, domain_id, writes=True)
    changed = domain_name_servers_change(
        domain=domain, name_servers=list(payload.name_servers), actor=request.user
    )
    return domain_out(changed)


@router.post(
    "/domains/{domain_id}/lock",
    response=responses({200: DomainOut}, 400, 401, 403, 404),
    summary="Lock or unlock a domain",
)
def domain_lock(
    request: HttpRequest, domain_id: DomainId, acting: Query[ActingClient], payload: LockIn
):
    """Lock the domain against transfer, deletion and changes at its registry, or unlock it
    (DOM-02). Needs the owner or a trusted user with the services scope."""
    domain = _domain(request, acting, domain_id, writes=True)
    return domain_out(domain_lock_set(domain=domain, locked=payload.locked, actor=request.user))


@router.post(
    "/domains/{domain_id}/auth-code",
    response=responses({200: AuthCodeOut}, 400, 401, 403, 404),
    summary="Reveal a domain's transfer code",
)
def domain_auth_code(request: HttpRequest, domain_id: DomainId, acting: Query[ActingClient]):
    """The domain's transfer (authorisation) code, to move it to another registrar; each
    reveal is recorded in the audit trail. Needs the owner or a trusted user with the
    services scope."""
    domain = _domain(request, acting, domain_id, writes=True)
    return {"auth_code": domain_auth_code_show(domain=domain, actor=request.user)}


@router.get(
    "/staff/domains",
    response=responses({200: page_of(StaffDomainOut)}, 400, 401, 403, 404),
    summary="List domains of all clients",
    tags=STAFF_TAGS,
)
def staff_domain_list(
    request: HttpRequest, filters: Query[StaffDomainFilter], page: Query[PageParams]
):
    """Every client's domains, soonest expiry first, filtered by status and zone (DOM-02).
    Needs clients.view."""
    accounts.require_staff_permission(request.user, perms.CLIENTS_VIEW)
    domains = selectors.domains_for_staff(status=filters.status or "", zone=filters.zone or "")
    found = paginate(domains, page)
    found["items"] = [staff_domain_out(domain) for domain in found["items"]]
    return found
