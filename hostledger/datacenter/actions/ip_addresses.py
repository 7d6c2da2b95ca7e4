"""IP address pools, allocations to services, reverse DNS names and reported usage (SUP-06;
seed 003, annex 7 §5.5). Networks are parsed with the standard :mod:`ipaddress` module;
pools never overlap and an allocation lies inside its pool and overlaps no other live
allocation.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from datetime import datetime

import idna
from django.db import transaction
from django.utils import timezone

from hostledger.core.fields import for_subject_of
from hostledger.datacenter.actions._common import (
    audit,
    clean_text,
    invalid,
    require_client_write,
    require_staff,
)
from hostledger.datacenter.models import (
    AllocationStatus,
    IpAllocation,
    IpPool,
    IpUsageReport,
    ReverseDnsRecord,
    UsageSource,
)
from hostledger.subscriptions.models import Service, ServiceStatus

HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
HOST_NAME_MAX = 253
PROBE_ADDRESSES_MAX = 65_536


def parse_network(value, field: str = "network"):
    """A network in CIDR notation (``192.0.2.0/24``, ``2001:db8::/48``), host bits clear;
    a bare address is a /32 or /128."""
    if not isinstance(value, str) or not value.strip():
        raise invalid(field, "Enter a network such as 192.0.2.0/24 or 2001:db8::/48.")
    try:
        return ipaddress.ip_network(value.strip(), strict=True)
    except ValueError as error:
        raise invalid(field, f"Not a network: {error}.") from None


def parse_address(value, field: str = "address"):
    if not isinstance(value, str) or not value.strip():
        raise invalid(field, "Enter an IP address.")
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        raise invalid(field, f"{value.strip()[:64]} is not an IP address.") from None


def clean_host_name(value, field: str = "host_name") -> str:
    """A host name for a PTR record: letters, digits and hyphens in labels of at most 63
    characters, at least two labels, at most 253 characters; internationalised names in
    their ASCII (xn--) form (UTS-46); a trailing dot is dropped."""
    if not isinstance(value, str):
        raise invalid(field, "Enter a host name.")
    name = value.strip().rstrip(".").lower()
    try:
        name = name if name.isascii() else idna.encode(name, uts46=True).decode("ascii")
    except idna.IDNAError:
        raise invalid(field, "Not a valid internationalised host name.") from None
    labels = name.split(".")
    if (
        not name
        or len(name) > HOST_NAME_MAX
        or len(labels) < 2
        or not all(HOST_LABEL.match(label) for label in labels)
        or labels[-1].isdigit()
    ):
        raise invalid(
            field,
            "Enter a host name such as server1.example.com: labels of letters, digits and "
            "hyphens, separated by dots.",
        )
    return name


@transaction.atomic
def ip_pool_create(*, actor, name: str, network: str) -> IpPool:
    """Staff add a block of address space to allocate from (SUP-06); it must not overlap
    another pool."""
    require_staff(actor)
    name = clean_text(name, "name", required=True, max_length=80)
    parsed = parse_network(network)
    for pool in IpPool.objects.select_for_update().filter(version=parsed.version):
        if pool.ip_network.overlaps(parsed):
            raise invalid(
                "network",
                f"{parsed} overlaps the pool {pool.name} ({pool.network}).",
                code="network_overlaps",
            )
    pool = IpPool.objects.create(name=name, network=str(parsed), version=parsed.version)
    audit("ip_pool_created", actor=actor, obj=pool, client_id=None, data={"network": str(parsed)})
    return pool


@transaction.atomic
def ip_allocate(*, actor, pool: IpPool, service: Service, network: str) -> IpAllocation:
    """Allocate a subnet or a single address of ``pool`` to ``service`` (SUP-06, annex 7
    §5.5). It lies inside the pool and overlaps no live allocation; the service is live."""
    require_staff(actor)
    if not isinstance(service, Service) or service.status == ServiceStatus.TERMINATED:
        raise invalid("service", "Choose a live service.")
    parsed = parse_network(network)
    locked_pool = IpPool.objects.select_for_update().get(pk=pool.pk)
    if parsed.version != locked_pool.version or not parsed.subnet_of(locked_pool.ip_network):
        raise invalid(
            "network",
            f"{parsed} is not inside the pool {locked_pool.network}.",
            code="network_outside_pool",
        )
    for other in IpAllocation.objects.filter(
        pool=locked_pool, status=AllocationStatus.ACTIVE
    ).select_related("service"):
        if other.ip_network.overlaps(parsed):
            raise invalid(
                "network",
                f"{parsed} overlaps {other.network}, allocated to {other.service.public_id}.",
                code="network_overlaps",
            )
    allocation = IpAllocation.objects.create(
        pool=locked_pool,
        client_id=service.client_id,
        service=service,
        network=str(parsed),
        allocated_on=timezone.localdate(),
        allocated_by=actor,
    )
    audit(
        "ip_allocated",
        actor=actor,
        obj=allocation,
        client_id=service.client_id,
        data={"network": str(parsed), "service": service.public_id},
    )
    return allocation


def _locked_active(allocation: IpAllocation) -> IpAllocation:
    if not isinstance(allocation, IpAllocation):
        raise invalid("allocation", "No such allocation.")
    locked = IpAllocation.objects.select_for_update().get(pk=allocation.pk)
    if locked.status != AllocationStatus.ACTIVE:
        raise invalid("allocation", f"{locked.network} is released.", code="allocation_released")
    return locked


@transaction.atomic
def ip_allocation_release(*, allocation: IpAllocation, actor, reason: str) -> IpAllocation:
    """Return an allocation's addresses to the pool (annex 7 §5.5: on the client's
    application, or reclaimed for a breach of the terms once staff confirmed it, AUT-06);
    its reverse DNS names go with it. Needs services.manage."""
    require_staff(actor)
    reason = clean_text(reason, "reason", required=True, max_length=500)
    locked = _locked_active(allocation)
    ReverseDnsRecord.objects.filter(allocation=locked).delete()
    IpAllocation.objects.filter(pk=locked.pk).update(
        status=AllocationStatus.RELEASED,
        released_at=timezone.now(),
        release_reason=reason,
        warned_at=None,
    )
    audit(
        "ip_released",
        actor=actor,
        obj=locked,
        client_id=locked.client_id,
        data={"network": locked.network, "reason": reason[:200]},
    )
    return IpAllocation.objects.get(pk=locked.pk)


def _record_usage(locked: IpAllocation, *, in_use: int, source: str, actor, now: datetime):
    IpAllocation.objects.filter(pk=locked.pk).update(
        addresses_in_use=in_use, usage_reported_at=now, usage_source=source
    )
    IpUsageReport.objects.create(
        allocation=locked,
        addresses_in_use=in_use,
        source=source,
        reported_by=actor,
        reported_at=now,
    )
    audit(
        "ip_usage_reported",
        actor=actor,
        obj=locked,
        client_id=locked.client_id,
        data={"in_use": in_use, "source": source},
    )
    return IpAllocation.objects.get(pk=locked.pk)


@transaction.atomic
def ip_usage_report(*, access, actor, allocation: IpAllocation, addresses_in_use) -> IpAllocation:
    """The client reports how many addresses of an allocation are in use (SUP-06). Needs
    the owner or a trusted user with the services scope (ACC-06)."""
    require_client_write(access)
    if allocation.client_id != access.client.pk:
        raise invalid("allocation", "No such allocation.")
    if isinstance(addresses_in_use, bool):
        raise invalid("addresses_in_use", "Enter a whole number.")
    try:
        in_use = int(addresses_in_use)
    except (TypeError, ValueError):
        raise invalid("addresses_in_use", "Enter a whole number.") from None
    locked = _locked_active(allocation)
    if not 0 <= in_use <= locked.size:
        raise invalid("addresses_in_use", f"Between 0 and {locked.size}, the addresses allocated.")
    return _record_usage(
        locked, in_use=in_use, source=UsageSource.CLIENT, actor=actor, now=timezone.now()
    )


@transaction.atomic
def ip_usage_probe_record(
    *, allocation: IpAllocation, addresses_seen: Iterable[str], observed_at: datetime | None = None
) -> IpAllocation:
    """A probe (a scan, the switch's ARP or neighbour table, the hypervisor) reports the
    addresses of an allocation it saw in use; their number becomes the allocation's usage
    (SUP-06). An address that is not an IP address or lies outside the allocation is
    refused, naming it, and nothing is recorded."""
    locked = _locked_active(allocation)
    network = locked.ip_network
    seen = set()
    for value in addresses_seen:
        address = parse_address(value, "addresses_seen")
        if address not in network:
            raise invalid("addresses_seen", f"{address} is not in {network}.")
        seen.add(address)
        if len(seen) > PROBE_ADDRESSES_MAX:
            raise invalid("addresses_seen", f"At most {PROBE_ADDRESSES_MAX} addresses.")
    return _record_usage(
        locked,
        in_use=len(seen),
        source=UsageSource.PROBE,
        actor=None,
        now=observed_at or timezone.now(),
    )


@transaction.atomic
def reverse_dns_set(
    *, access, actor, allocation: IpAllocation, address: str, host_name: str
) -> ReverseDnsRecord | None:
    """Set the reverse DNS name of an address of the client's allocation, or remove it with
    an empty name (SUP-06). The name must be a valid host name."""
    require_client_write(access)
    if allocation.client_id != access.client.pk:
        raise invalid("allocation", "No such allocation.")
    locked = _locked_active(allocation)
    parsed = parse_address(address)
    if parsed not in locked.ip_network:
        raise invalid("address", f"{parsed} is not in {locked.network}.")
    if not (host_name or "").strip():
        ReverseDnsRecord.objects.filter(allocation=locked, address=str(parsed)).delete()
        audit("reverse_dns_removed", actor=actor, obj=locked, client_id=locked.client_id)
        return None
    name = clean_host_name(host_name)
    record = ReverseDnsRecord.objects.filter(allocation=locked, address=str(parsed)).first()
    now = timezone.now()
    if record is None:
        record = ReverseDnsRecord(allocation=locked, address=str(parsed), updated_at=now)
        record.host_name = name
        record.save()
    else:
        ReverseDnsRecord.objects.filter(pk=record.pk).update(
            host_name=for_subject_of(record, name), updated_at=now
        )
    audit(
        "reverse_dns_set",
        actor=actor,
        obj=locked,
        client_id=locked.client_id,
        data={"address": str(parsed)},
    )
    return ReverseDnsRecord.objects.get(allocation=locked, address=str(parsed))


@transaction.atomic
def ip_allocation_warning_mark(*, allocation: IpAllocation, warned_at: datetime | None):
    """Note when the client was warned that an allocation is under-used (SUP-06), or clear
    the note (``None``) once its usage meets the rule again. Written by the daily check."""
    IpAllocation.objects.filter(pk=allocation.pk, status=AllocationStatus.ACTIVE).update(
        warned_at=warned_at
    )
