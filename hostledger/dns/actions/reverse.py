"""PTR records of the provider's reverse zones, following the reverse DNS names clients set
for their addresses (SUP-06, DOM-04).

The datacenter app keeps the reverse DNS names (``ReverseDnsRecord``); the flow
:mod:`hostledger.flows.reverse_dns` stores a name there and then calls
:func:`reverse_ptr_set` here, in the same transaction, so the PTR record follows. The reverse
zone of the address (its ``/24`` in ``in-addr.arpa`` or its ``/48`` in ``ip6.arpa`` by
default, see ``dns.reverse_zone_prefix_*``) is created on first use.
"""

from __future__ import annotations

import ipaddress

from django.db import transaction
from django.db.models import Q

from hostledger.core.registry import setting_value
from hostledger.datacenter.models import AllocationStatus
from hostledger.dns import conf
from hostledger.dns.actions._common import audit
from hostledger.dns.actions.records import locked_zone, zone_changed
from hostledger.dns.actions.zones import name_index, new_zone
from hostledger.dns.models import Record, RecordType, Zone, ZoneKind, ZoneStatus
from hostledger.dns.names import ZoneName, invalid, reverse_place
from hostledger.dns.validation import check_zone_rules, clean_record


def _reverse_zone(zone_name: ZoneName, actor) -> Zone:
    """The live reverse zone of ``zone_name``, created (and pushed) on first use; locked."""
    live = Zone.objects.filter(
        status=ZoneStatus.ACTIVE, kind=ZoneKind.REVERSE, name_index=name_index(zone_name.ascii)
    )
    zone = live.first()
    if zone is None:
        zone = new_zone(kind=ZoneKind.REVERSE, zone_name=zone_name, actor=actor)
    return locked_zone(zone)


def reverse_zone_of(address: str) -> tuple[ZoneName, str]:
    """The reverse zone holding the PTR record of ``address``, and the record's name in it."""
    try:
        ip = ipaddress.ip_address(str(address).strip())
    except ValueError:
        raise invalid("address", f"{str(address)[:64]} is not an IP address.") from None
    return reverse_place(
        ip,
        prefix_v4=int(setting_value(conf.REVERSE_PREFIX_V4)),
        prefix_v6=int(setting_value(conf.REVERSE_PREFIX_V6)),
    )


@transaction.atomic
def reverse_ptr_set(*, allocation, address: str, host_name: str, actor) -> Record | None:
    """Make the PTR record of ``address`` (an address of ``allocation``, checked and stored
    by the datacenter app) point at ``host_name``, or remove it when the name is empty; the
    reverse zone is pushed to PowerDNS after the commit (SUP-06, DOM-04)."""
    zone_name, relative = reverse_zone_of(address)
    zone = _reverse_zone(zone_name, actor)
    records = list(zone.records.filter(record_type=RecordType.PTR))
    at_address = [record for record in records if record.name == relative]
    if not (host_name or "").strip():
        if not at_address:
            return None
        Record.objects.filter(pk__in=[record.pk for record in at_address]).delete()
        zone_changed(zone)
        audit("ptr_removed", actor=actor, obj=zone, client_id=allocation.client_id)
        return None
    clean = clean_record(
        zone_name=zone.name,
        name=relative,
        record_type=RecordType.PTR,
        content=host_name.strip().rstrip(".") + ".",
    )
    others = [record for record in records if record.name != relative]
    check_zone_rules(
        zone_name=zone.name,
        record=clean,
        others=[],
        records_in_zone=len(others) + 1,
    )
    record = at_address[0] if at_address else Record(zone=zone, record_type=RecordType.PTR)
    record.client_id = allocation.client_id
    record.allocation = allocation
    record.name = clean.name
    record.content = clean.content
    record.ttl = clean.ttl
    record.save()
    Record.objects.filter(pk__in=[item.pk for item in at_address[1:]]).delete()
    zone_changed(zone)
    audit(
        "ptr_set",
        actor=actor,
        obj=record,
        client_id=allocation.client_id,
        data={"zone": zone.public_id},
    )
    return record


def ptrs_of_released_allocations_remove() -> int:
    """Delete the PTR records of addresses whose allocation was released (its reverse DNS
    names went with it, SUP-06) and push their zones; return how many went. Safe to run
    twice."""
    gone = Record.objects.filter(
        Q(allocation__status=AllocationStatus.RELEASED)
        | Q(allocation__isnull=True, zone__kind=ZoneKind.REVERSE),
        record_type=RecordType.PTR,
    )
    removed = 0
    for zone_id in sorted(set(gone.values_list("zone_id", flat=True))):
        with transaction.atomic():
            zone = locked_zone(Zone(pk=zone_id))
            deleted, _ = gone.filter(zone=zone).delete()
            if deleted:
                zone_changed(zone)
                audit("ptrs_removed", actor=None, obj=zone, client_id=None)
                removed += deleted
    return removed
