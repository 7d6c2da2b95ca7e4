"""Every write of DNS hosting (DOM-04): zones, records, PTR records of reverse zones, and
the pushes of zones to PowerDNS (PRV-02)."""

from hostledger.dns.actions.pushes import (
    zone_push_queue,
    zone_push_retry,
    zone_push_run,
    zone_pushes_sweep,
)
from hostledger.dns.actions.records import record_create, record_delete, record_update
from hostledger.dns.actions.reverse import ptrs_of_released_allocations_remove, reverse_ptr_set
from hostledger.dns.actions.zones import zone_create, zone_remove, zones_of_ended_services_close

__all__ = [
    "ptrs_of_released_allocations_remove",
    "record_create",
    "record_delete",
    "record_update",
    "reverse_ptr_set",
    "zone_create",
    "zone_push_queue",
    "zone_push_retry",
    "zone_push_run",
    "zone_pushes_sweep",
    "zone_remove",
    "zones_of_ended_services_close",
]
