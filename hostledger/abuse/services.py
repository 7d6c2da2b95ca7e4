"""Finding the services an abuse report is about (ABU-01): by IP address, by domain or host
name, or by an account or service id the report names.

IP addresses are looked up through :func:`services_by_ip_address`. HostLedger does not yet
keep which addresses are allocated to which service (IP address management arrives with the
support desk's address pools, SUP-06), so today it finds nothing and an IP-only report opens
a case without a client, for staff to link. When the allocations exist, this one function
asks them, and every intake path (form, mail, staff) finds services by IP with no other
change.
"""

from __future__ import annotations

import ipaddress

from hostledger.abuse.models import AbuseCaseService
from hostledger.accounts.models import Client
from hostledger.subscriptions.models import Service, ServiceStatus
from hostledger.subscriptions.selectors import live_services_by_host_name

MatchedBy = AbuseCaseService.MatchedBy


def services_by_ip_address(address: str) -> list[Service]:
    """The live services the IP ``address`` is allocated to. Returns nothing until IP
    allocations are kept (SUP-06); see the module's docstring."""
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return []
    return []


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
