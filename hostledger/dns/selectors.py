"""Reads of DNS hosting for the web pages, the API and jobs (DOM-04).

Client reads take the client and return only its zones and their records, so another
client's zone or record is not found (habit 6). Zone names and records are encrypted, so
lists are put in order here, after reading, not by the database.
"""

from __future__ import annotations

from django.db.models import QuerySet

from hostledger.core.errors import NotFound
from hostledger.core.registry import setting_value
from hostledger.dns import conf
from hostledger.dns.models import (
    PushStatus,
    Record,
    Zone,
    ZoneKind,
    ZonePush,
    ZoneStatus,
)
from hostledger.provisioning.modules.powerdns.module import PowerDnsModule
from hostledger.subscriptions.models import Service, ServiceStatus

STAFF_LIST_LIMIT = 500
LIVE_SERVICE_STATUSES = (ServiceStatus.TRIAL, ServiceStatus.PROVISIONING, ServiceStatus.ACTIVE)


def hosting_add_on_codes() -> list[str]:
    return [code for code in str(setting_value(conf.HOSTING_ADD_ONS)).split(",") if code]


def service_carries_dns_hosting(service: Service) -> bool:
    """Whether ``service`` gives DNS hosting (DOM-04): it is provisioned by the powerdns
    module, or has one of the add-ons of ``dns.hosting_add_ons``."""
    if service.module_name == PowerDnsModule.name:
        return True
    return service.add_ons.filter(add_on__code__in=hosting_add_on_codes()).exists()


def hosting_services(client) -> list[Service]:
    """The client's live services that carry DNS hosting, for the form that adds a zone."""
    services = (
        Service.objects.filter(client=client, status__in=LIVE_SERVICE_STATUSES)
        .select_related("tariff", "family")
        .order_by("created_at", "id")
    )
    codes = hosting_add_on_codes()
    return [
        service
        for service in services.prefetch_related("add_ons__add_on")
        if service.module_name == PowerDnsModule.name
        or any(item.add_on.code in codes for item in service.add_ons.all())
    ]


def _zones() -> QuerySet[Zone]:
    return Zone.objects.select_related("service__tariff", "client")


def _by_name(zones) -> list[Zone]:
    return sorted(zones, key=lambda zone: (zone.name.split(".")[::-1], zone.pk))


def client_zones(client) -> list[Zone]:
    """The client's hosted zones, by name (DOM-04)."""
    return _by_name(_zones().filter(client=client, status=ZoneStatus.ACTIVE))


def client_zone(client, public_id: str) -> Zone:
    zone = _zones().filter(client=client, public_id=public_id, status=ZoneStatus.ACTIVE).first()
    if zone is None:
        raise NotFound("zone")
    return zone


def zone_records(zone: Zone) -> list[Record]:
    """The records of a zone, by name (the apex first), type and data."""
    records = list(Record.objects.filter(zone=zone).select_related("zone"))
    return sorted(
        records,
        key=lambda record: (
            record.name != "@",
            record.name.split(".")[::-1],
            record.record_type,
            record.priority or 0,
            record.content,
        ),
    )


def zone_record(zone: Zone, public_id: str) -> Record:
    """One record of ``zone`` (already loaded through the client's scope)."""
    record = Record.objects.filter(zone=zone, public_id=public_id).select_related("zone").first()
    if record is None:
        raise NotFound("record")
    return record


def zones_for_staff(*, kind: str = "", status: str = ZoneStatus.ACTIVE) -> list[Zone]:
    """Every zone of a kind and status, by name, at most ``STAFF_LIST_LIMIT``."""
    zones = _zones().order_by("-created_at", "-id")
    if kind:
        zones = zones.filter(kind=kind)
    if status:
        zones = zones.filter(status=status)
    return _by_name(zones[:STAFF_LIST_LIMIT])


def staff_zone(public_id: str) -> Zone:
    zone = _zones().filter(public_id=public_id).first()
    if zone is None:
        raise NotFound("zone")
    return zone


def zone_pushes(zone: Zone, *, limit: int = 20) -> list[ZonePush]:
    """The latest pushes of a zone, newest first."""
    return list(zone.pushes.select_related("retried_by").order_by("-created_at", "-id")[:limit])


def pushes_needing_staff() -> QuerySet[ZonePush]:
    """Pushes that failed or wait for a retry, oldest first (PRV-02)."""
    return (
        ZonePush.objects.filter(status__in=(PushStatus.FAILED, PushStatus.RETRYING))
        .select_related("zone__client")
        .order_by("created_at", "id")
    )


def staff_push(public_id: str) -> ZonePush:
    push = ZonePush.objects.filter(public_id=public_id).select_related("zone").first()
    if push is None:
        raise NotFound("push")
    return push


def is_reverse(zone: Zone) -> bool:
    return zone.kind == ZoneKind.REVERSE
