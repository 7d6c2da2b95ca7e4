"""A zone as PowerDNS RRsets: the SOA and NS every hosted zone carries, then the client's
records grouped by name and type (DOM-04)."""

from __future__ import annotations

from collections.abc import Iterable

from hostledger.dns.models import PRIORITY_TYPES, Record, Zone, ZoneKind
from hostledger.dns.validation import APEX
from hostledger.provisioning.modules.powerdns.client import ZoneDefaults, rrset

REVERSE_ACCOUNT = "hostledger-reverse"
"""The PowerDNS account of the provider's reverse zones (a forward zone's is its service's
public id, as the ``powerdns`` module keeps it)."""


def account_of(zone: Zone) -> str:
    """The PowerDNS account ``zone`` is kept under."""
    if zone.kind == ZoneKind.REVERSE:
        return REVERSE_ACCOUNT
    return zone.service.public_id


def owner_name(zone: Zone, relative: str) -> str:
    """The absolute name of a record named ``relative`` in ``zone``."""
    return f"{zone.name}." if relative == APEX else f"{relative}.{zone.name}."


def record_data(record: Record) -> str:
    """A record's data as PowerDNS takes it: MX and SRV with their priority first."""
    if record.record_type in PRIORITY_TYPES:
        return f"{record.priority} {record.content}"
    return record.content


def wanted_rrsets(zone: Zone, records: Iterable[Record], defaults: ZoneDefaults) -> list[dict]:
    """Every RRset the zone must hold, in a stable order: SOA and NS at the apex (from the
    provider settings, with the zone's serial), then the records by name and type."""
    groups: dict[tuple[str, str], tuple[int, list[str]]] = {}
    for record in records:
        key = (owner_name(zone, record.name), record.record_type)
        ttl, contents = groups.setdefault(key, (record.ttl, []))
        contents.append(record_data(record))
        groups[key] = (min(ttl, record.ttl), contents)
    wanted = defaults.apex_rrsets(f"{zone.name}.", zone.serial)
    for (name, record_type), (ttl, contents) in sorted(groups.items()):
        wanted.append(rrset(name, record_type, ttl, sorted(set(contents))))
    return wanted
