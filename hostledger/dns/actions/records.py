"""Records of a client's zone: add, change, delete, each checked with dnspython among the
zone's other records and pushed to PowerDNS after the commit (DOM-04)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from hostledger.core.errors import DomainError
from hostledger.dns.actions._common import (
    audit,
    authorise,
    next_serial,
    require_editable_service,
)
from hostledger.dns.actions.pushes import zone_push_queue
from hostledger.dns.models import Record, Zone, ZoneKind, ZoneStatus
from hostledger.dns.names import invalid
from hostledger.dns.validation import CleanRecord, check_zone_rules, clean_record


def as_clean(record: Record) -> CleanRecord:
    return CleanRecord(
        name=record.name,
        record_type=record.record_type,
        content=record.content,
        ttl=record.ttl,
        priority=record.priority,
    )


def locked_zone(zone: Zone) -> Zone:
    return (
        Zone.objects.select_for_update(of=("self",))
        .select_related("service", "client")
        .get(pk=zone.pk)
    )


def zone_changed(zone: Zone) -> Zone:
    """Raise the zone's serial and queue its push, in the caller's transaction."""
    serial = next_serial(zone.serial)
    Zone.objects.filter(pk=zone.pk).update(serial=serial, updated_at=timezone.now())
    zone.serial = serial
    zone_push_queue(zone=zone)
    return zone


def _writable(zone: Zone, *, access, actor) -> Zone:
    if not isinstance(zone, Zone):
        raise invalid("zone", "No such zone.")
    authorise(access=access, actor=actor, client=zone.client)
    locked = locked_zone(zone)
    if locked.kind != ZoneKind.FORWARD:
        raise DomainError(
            "reverse_zone",
            gettext(
                "zone: the records of a reverse zone are the reverse DNS names of IP "
                "addresses; set them on the IP addresses page."
            ),
            fields={"zone": "reverse zone"},
            status=409,
        )
    if locked.status != ZoneStatus.ACTIVE:
        raise DomainError(
            "zone_removed",
            gettext("zone: the zone is removed."),
            fields={"zone": "removed"},
            status=409,
        )
    require_editable_service(locked.service)
    return locked


def _share_ttl(zone: Zone, clean: CleanRecord, records: list[Record]) -> None:
    """Records of one name and type form one RRset with one TTL: the new TTL is theirs too."""
    siblings = [
        record.pk
        for record in records
        if record.name == clean.name
        and record.record_type == clean.record_type
        and record.ttl != clean.ttl
    ]
    if siblings:
        Record.objects.filter(pk__in=siblings).update(ttl=clean.ttl, updated_at=timezone.now())


def _checked(zone: Zone, others: list[Record], **fields) -> CleanRecord:
    clean = clean_record(zone_name=zone.name, **fields)
    check_zone_rules(
        zone_name=zone.name,
        record=clean,
        others=[as_clean(record) for record in others],
        records_in_zone=len(others) + 1,
    )
    return clean


@transaction.atomic
def record_create(
    *, zone: Zone, actor, access=None, name, record_type, content, ttl=None, priority=None
) -> Record:
    """Add a record to a client's zone (DOM-04); see :mod:`hostledger.dns.validation` for the
    checks, each refusal naming the field. The owner or a trusted user with the services
    scope (ACC-06), or staff with ``services.manage``; not while the service is suspended."""
    locked = _writable(zone, access=access, actor=actor)
    records = list(locked.records.all())
    clean = _checked(
        locked,
        records,
        name=name,
        record_type=record_type,
        content=content,
        ttl=ttl,
        priority=priority,
    )
    record = Record(
        zone=locked,
        client_id=locked.client_id,
        name=clean.name,
        record_type=clean.record_type,
        content=clean.content,
        ttl=clean.ttl,
        priority=clean.priority,
    )
    record.save()
    _share_ttl(locked, clean, records)
    zone_changed(locked)
    audit(
        "record_created",
        actor=actor,
        obj=record,
        client_id=locked.client_id,
        data={"zone": locked.public_id, "type": clean.record_type},
    )
    return record


@transaction.atomic
def record_update(
    *, record: Record, actor, access=None, name, record_type, content, ttl=None, priority=None
) -> Record:
    """Change a record of a client's zone, checked as a new one among the others (DOM-04)."""
    if not isinstance(record, Record):
        raise invalid("record", "No such record.")
    locked = _writable(record.zone, access=access, actor=actor)
    records = list(locked.records.all())
    current = next((item for item in records if item.pk == record.pk), None)
    if current is None:
        raise invalid("record", "No such record.")
    others = [item for item in records if item.pk != record.pk]
    clean = _checked(
        locked,
        others,
        name=name,
        record_type=record_type,
        content=content,
        ttl=ttl,
        priority=priority,
    )
    current.name = clean.name
    current.record_type = clean.record_type
    current.content = clean.content
    current.ttl = clean.ttl
    current.priority = clean.priority
    current.save()
    _share_ttl(locked, clean, others)
    zone_changed(locked)
    audit(
        "record_changed",
        actor=actor,
        obj=current,
        client_id=locked.client_id,
        data={"zone": locked.public_id, "type": clean.record_type},
    )
    return current


@transaction.atomic
def record_delete(*, record: Record, actor, access=None) -> None:
    """Delete a record of a client's zone; PowerDNS stops serving it after the commit."""
    if not isinstance(record, Record):
        raise invalid("record", "No such record.")
    locked = _writable(record.zone, access=access, actor=actor)
    deleted, _ = Record.objects.filter(pk=record.pk, zone=locked).delete()
    if not deleted:
        raise invalid("record", "No such record.")
    zone_changed(locked)
    audit(
        "record_deleted",
        actor=actor,
        obj=record,
        client_id=locked.client_id,
        data={"zone": locked.public_id, "type": record.record_type},
    )
