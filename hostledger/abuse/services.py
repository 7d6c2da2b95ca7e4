"""Finding the services an abuse report is about (ABU-01): by IP address, by domain or host
name, or by an account or service id the report names.

IP addresses are looked up in the data centre's IP allocations (SUP-06) through
:func:`services_by_ip_address`; an address allocated to no live service opens a case
without a client, for staff to link.
"""

from __future__ import annotations

from hostledger.abuse.models import AbuseCaseService
from hostledger.accounts.models import Client
from hostledger.datacenter.selectors import service_ids_by_ip_address
from hostledger.subscriptions.models import Service, ServiceStatus
from hostledger.subscriptions.selectors import live_services_by_host_name

MatchedBy = AbuseCaseService.MatchedBy


def services_by_ip_address(address: str) -> list[Service]:
    """The live services the IP ``address`` is allocated to (SUP-06)."""
    service_ids = service_ids_by_ip_address(address)
    live = Service.objects.exclude(status__in=[ServiceStatus.PENDING, ServiceStatus.TERMINATED])
    return list(live.filter(pk__in=service_ids).order_by("id")) if service_ids else []


def services_by_account(identifier: str) -> list[Service]:
    """The live services named by a service id (``svc_…``), or every live service of the
    client named by a client id (``cli_…``)."""
    identifier = (identifier or "").strip()
    live = Service.objects.exclude(status__in=[ServiceStatus.PENDING, ServiceStatus.TERMINATED])
    if identifier.startswith("svc_"):
        return list(live.filter(public_id=identifier))
    if identifier.startswith("cli_"):
        client = Client.objects.filter(public_id=identifier).first()
        return list(live.filter(client=client).order_by("id")) if client else []
    return []


def services_for_targets(
    *, ip_addresses: list[str], host_names: list[str], accounts: list[str]
) -> list[tuple[Service, str]]:
    """Every service found for the report's targets, once, with how it was found."""
    found: dict[int, tuple[Service, str]] = {}
    for address in ip_addresses:
        for service in services_by_ip_address(address):
            found.setdefault(service.pk, (service, MatchedBy.IP_ADDRESS))
    for host_name in host_names:
        for service in live_services_by_host_name(host_name):
            found.setdefault(service.pk, (service, MatchedBy.HOST_NAME))
    for identifier in accounts:
        for service in services_by_account(identifier):
            found.setdefault(service.pk, (service, MatchedBy.ACCOUNT))
    return list(found.values())
