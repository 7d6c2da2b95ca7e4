"""Schemas of the DNS hosting API (DOM-04, PRV-02) and their conversions."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from hostledger.api.schemas import PUBLIC_ID_PATTERN, InputSchema, text

RecordTypeName = Literal["A", "AAAA", "CNAME", "MX", "TXT", "SRV", "CAA", "NS", "PTR"]
ZoneKindName = Literal["forward", "reverse"]
PushStatusName = Literal["queued", "running", "retrying", "done", "superseded", "failed"]
EXAMPLE_ZONE = "dnz_3k9d2m7q8w1x4z6v"
EXAMPLE_RECORD = "dnr_3k9d2m7q8w1x4z6v"
EXAMPLE_PUSH = "dnp_3k9d2m7q8w1x4z6v"
TTL_MAX = 2_147_483_647


class ZoneOut(Schema):
    """A zone hosted on the provider's name servers (DOM-04)."""

    id: str = Field(examples=[EXAMPLE_ZONE])
    name: str = Field(description="The zone in ASCII (punycode).", examples=["xn--bcher-kva.de"])
    name_unicode: str = Field(description="The zone in Unicode.", examples=["bücher.de"])
    kind: ZoneKindName
    service: str = Field(description="The service that carries its DNS hosting.")
    serial: int = Field(description="SOA serial of the latest change.", examples=[2027030101])
    published_serial: int = Field(
        description="The latest serial the name servers have.", examples=[2027030101]
    )
    published: bool = Field(description="Whether the name servers have the latest change.")
    created_at: datetime


def zone_row(zone) -> dict:
    return {
        "id": zone.public_id,
        "name": zone.name,
        "name_unicode": zone.name_unicode,
        "kind": zone.kind,
        "service": zone.service.public_id if zone.service_id else "",
        "serial": zone.serial,
        "published_serial": zone.published_serial,
        "published": zone.is_published,
        "created_at": zone.created_at,
    }


class ZoneIn(InputSchema):
    service: str = Field(
        pattern=PUBLIC_ID_PATTERN,
        description="A service of the client that carries DNS hosting.",
        examples=["svc_3k9d2m7q8w1x4z6v"],
    )
    name: text(253, "The domain; Unicode is welcome.", ["bücher.de"])


class RecordOut(Schema):
    """A record of a zone (DOM-04): ``name`` relative to the zone (``@`` for the zone
    itself), ``content`` in zone-file form with absolute names."""

    id: str = Field(examples=[EXAMPLE_RECORD])
    name: str = Field(examples=["www"])
    type: RecordTypeName
    content: str = Field(examples=["192.0.2.10"])
    ttl: int = Field(examples=[3600])
    priority: int | None = Field(description="MX and SRV only.", examples=[None])


def record_row(record) -> dict:
    return {
        "id": record.public_id,
        "name": record.name,
        "type": record.record_type,
        "content": record.content,
        "ttl": record.ttl,
        "priority": record.priority,
    }


class RecordIn(InputSchema):
    name: text(253, "Relative to the zone, or @ for the zone itself.", ["www"]) = "@"
    type: RecordTypeName
    content: text(
        4000,
        "The data: an address, a name, TXT text (split for you), CAA flag, tag and value.",
        ["192.0.2.10"],
    )
    ttl: int | None = Field(None, ge=0, le=TTL_MAX, description="Seconds; empty for default.")
    priority: int | None = Field(None, ge=0, le=65535, description="MX and SRV only.")


class RecordPatchIn(InputSchema):
    """Only the fields sent change; the record is checked again as a whole."""

    name: text(253, "Relative to the zone, or @ for the zone itself.", ["www"]) | None = None
    type: RecordTypeName | None = None
    content: text(4000, "The record's data.", ["192.0.2.11"]) | None = None
    ttl: int | None = Field(None, ge=0, le=TTL_MAX, description="Seconds.")
    priority: int | None = Field(None, ge=0, le=65535, description="MX and SRV only.")


class PushOut(Schema):
    """A push of a zone to the name servers that failed or waits for a retry (PRV-02)."""

    id: str = Field(examples=[EXAMPLE_PUSH])
    zone: str = Field(examples=[EXAMPLE_ZONE])
    zone_name: str = Field(examples=["example.com"])
    serial: int
    status: PushStatusName
    attempts: int
    retry_can_help: bool
    message: str = Field(description="What PowerDNS answered.")
    next_attempt_at: datetime | None
    created_at: datetime


def push_row(push) -> dict:
    return {
        "id": push.public_id,
        "zone": push.zone.public_id,
        "zone_name": push.zone.name,
        "serial": push.serial,
        "status": push.status,
        "attempts": push.attempts,
        "retry_can_help": push.retry_can_help,
        "message": push.message,
        "next_attempt_at": push.next_attempt_at,
        "created_at": push.created_at,
    }
