"""Zones of clients' domains: created under a service that carries DNS hosting, removed by
the client or staff, closed when their service ended (DOM-04, DOM-01)."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.core.errors import DomainError
from hostledger.core.registry import setting_value
from hostledger.dns import conf
from hostledger.dns.actions._common import (
    audit,
    authorise,
    next_serial,
    require_editable_service,
)
from hostledger.dns.actions.pushes import zone_push_queue
from hostledger.dns.models import Zone, ZoneKind, ZoneStatus
from hostledger.dns.names import ZoneName, ancestors, clean_zone_name, invalid
from hostledger.dns.selectors import service_carries_dns_hosting
from hostledger.subscriptions.models import Service, ServiceStatus


def name_index(ascii_name: str) -> str:
    """The keyed hash a zone of this name is found by."""
    return Zone._meta.get_field("name_index").index_of(ascii_name)


def ancestor_indexes(ascii_name: str) -> str:
    return " ".join(name_index(name) for name in ancestors(ascii_name))


def first_serial() -> int:
    return next_serial(0)


def check_zone_name_free(zone_name: ZoneName, *, client_id: int | None) -> None:
    """Refuse a name already hosted, or one inside or around a zone of another account: a
    zone below another's domain would answer for it on these name servers (DOM-04)."""
    index = name_index(zone_name.ascii)
    live = Zone.objects.filter(status=ZoneStatus.ACTIVE)
    if live.filter(name_index=index).exists():
        raise invalid("name", "This zone is already hosted here.", code="zone_taken")
    others = live.exclude(client_id=client_id) if client_id is not None else live
    if others.filter(name_index__in=ancestors_of(zone_name)).exists():
        raise invalid(
            "name", "This name lies inside a zone another account hosts here.", code="zone_taken"
        )
    if others.filter(ancestor_indexes__contains=index).exists():
        raise invalid("name", "Another account hosts a zone inside this name.", code="zone_taken")


def ancestors_of(zone_name: ZoneName) -> list[str]:
    return [name_index(name) for name in ancestors(zone_name.ascii)]


def new_zone(*, kind: str, zone_name: ZoneName, service=None, client=None, actor=None) -> Zone:
    """Store a zone and queue its first push, in the caller's transaction."""
    zone = Zone(
        kind=kind,
        client=client,
        service=service,
        name=zone_name.ascii,
        name_unicode=zone_name.unicode,
        ancestor_indexes=ancestor_indexes(zone_name.ascii),
        serial=first_serial(),
        created_by=actor,
    )
    try:
        with transaction.atomic():
            zone.save()
    except IntegrityError:
        raise invalid("name", "This zone is already hosted here.", code="zone_taken") from None
    zone_push_queue(zone=zone)
    return zone


@transaction.atomic
def zone_create(*, service: Service, name: str, actor, access=None) -> Zone:
    """Host a zone for one of the client's domains under ``service`` (DOM-04).

    The service is live and carries DNS hosting (a DNS hosting add-on, or provisioned by the
    powerdns module) and hosts fewer than ``dns.zones_per_service`` zones; the name is a
    domain (DOM-01: Unicode kept with its punycode), not hosted yet, and neither inside nor
    around another account's zone. The zone is created in PowerDNS after the commit with the
    provider's name servers and SOA. The owner or a trusted user with the services scope
    (ACC-06), or staff with ``services.manage``.
    """
    if not isinstance(service, Service):
        raise invalid("service", "Choose one of your services.")
    authorise(access=access, actor=actor, client=service.client)
    locked = Service.objects.select_for_update().get(pk=service.pk)
    if not service_carries_dns_hosting(locked):
        raise invalid(
            "service",
            "This service carries no DNS hosting; order the DNS hosting add-on for it.",
            code="no_dns_hosting",
        )
    require_editable_service(locked, field="service")
    zone_name = clean_zone_name(name)
    limit = setting_value(conf.ZONES_PER_SERVICE)
    if Zone.objects.filter(service=locked, status=ZoneStatus.ACTIVE).count() >= limit:
        raise invalid("service", f"A service hosts at most {limit} zones.", code="zone_limit")
    check_zone_name_free(zone_name, client_id=locked.client_id)
    zone = new_zone(
        kind=ZoneKind.FORWARD,
        zone_name=zone_name,
        service=locked,
        client=locked.client,
        actor=actor,
    )
    audit(
        "zone_created",
        actor=actor,
        obj=zone,
        client_id=locked.client_id,
        data={"service": locked.public_id},
    )
    return zone


def _close(zone: Zone, *, actor, event: str, now: datetime) -> Zone:
    Zone.objects.filter(pk=zone.pk).update(
        status=ZoneStatus.REMOVED,
        removed_at=now,
        serial=next_serial(zone.serial),
        updated_at=now,
    )
    zone.refresh_from_db()
    zone_push_queue(zone=zone)
    audit(event, actor=actor, obj=zone, client_id=zone.client_id)
    return zone


@transaction.atomic
def zone_remove(*, zone: Zone, actor, access=None) -> Zone:
    """Stop hosting a client's zone: it is deleted from PowerDNS after the commit, its records
    go with it (DOM-04). The owner or a trusted user with the services scope, or staff with
    ``services.manage``; reverse zones are the provider's and are not removed here."""
    if not isinstance(zone, Zone):
        raise invalid("zone", "No such zone.")
    authorise(access=access, actor=actor, client=zone.client)
    if zone.kind != ZoneKind.FORWARD:
        raise invalid(
            "zone", "Reverse zones follow the reverse DNS names of addresses.", code="reverse_zone"
        )
    locked = Zone.objects.select_for_update().get(pk=zone.pk)
    if locked.status != ZoneStatus.ACTIVE:
        raise DomainError(
            "zone_removed", _("zone: already removed."), fields={"zone": "removed"}, status=409
        )
    return _close(locked, actor=actor, event="zone_removed", now=timezone.now())


def zones_of_ended_services_close(*, now: datetime | None = None) -> int:
    """Remove the zones of terminated services from PowerDNS and from the client's list,
    whatever module ran the service (DOM-04); return how many were closed. Safe to run
    twice."""
    now = now or timezone.now()
    closing = Zone.objects.filter(
        status=ZoneStatus.ACTIVE,
        kind=ZoneKind.FORWARD,
        service__status=ServiceStatus.TERMINATED,
    ).values_list("pk", flat=True)
    closed = 0
    for zone_id in list(closing):
        with transaction.atomic():
            locked = (
                Zone.objects.select_for_update()
                .filter(pk=zone_id, status=ZoneStatus.ACTIVE)
                .first()
            )
            if locked is not None:
                _close(locked, actor=None, event="zone_closed", now=now)
                closed += 1
    return closed
