"""Schemas of the data centre's API (SUP-02, SUP-05, SUP-06) and their conversions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema

from hostledger.api.schemas import InputSchema, text

ApplicationActionName = Literal[
    "reboot",
    "power_off",
    "power_on",
    "network_change",
    "os_reinstall",
    "console_access",
    "part_replacement",
    "password_change",
]
ApplicationStatusName = Literal["submitted", "in_progress", "done", "refused", "failed"]
EquipmentKindName = Literal["server", "storage", "switch", "router", "firewall", "power", "other"]
EquipmentStatusName = Literal["expected", "installed", "removed"]
EXAMPLE_APPLICATION = "eqa_3k9d2m7q8w1x4z6v"
EXAMPLE_ALLOCATION = "ipa_3k9d2m7q8w1x4z6v"


class EquipmentOut(Schema):
    """A piece of the client's equipment in the data centre, by the ID on its label
    (SUP-05)."""

    id: str = Field(examples=["eqp_3k9d2m7q8w1x4z6v"])
    equipment_id: str = Field(description="The ID on the label.", examples=["SRV-0042"])
    kind: EquipmentKindName
    rack: str = Field(examples=["R1"])
    units: str = Field(description="Rack units it takes, e.g. U10-U11.", examples=["U10-U11"])
    power_watts: int | None = Field(examples=[350])
    serial_number: str = Field(examples=["CZ2104ABC"])
    status: EquipmentStatusName
    service: str = Field(description="The service it belongs to.", examples=["svc_3k9d2m7q8w"])


def equipment_row(equipment) -> dict:
    return {
        "id": equipment.public_id,
        "equipment_id": equipment.equipment_id,
        "kind": equipment.kind,
        "rack": equipment.rack,
        "units": equipment.units_text,
        "power_watts": equipment.power_watts,
        "serial_number": equipment.serial_number,
        "status": equipment.status,
        "service": equipment.service.public_id,
    }


class ApplicationOut(Schema):
    """An application for an action on equipment and where it stands (SUP-02)."""

    id: str = Field(examples=[EXAMPLE_APPLICATION])
    action: ApplicationActionName
    service: str | None = Field(
        description="The service it was filed from, when it names no labelled equipment.",
        examples=["svc_3k9d2m7q8w1x4z6v"],
    )
    equipment_ids: list[str] = Field(examples=[["SRV-0042"]])
    details: str
    status: ApplicationStatusName
    result: str = Field(description="What staff (or the provisioning module) did, or why not.")
    filed_at: datetime
    worked_at: datetime | None
    finished_at: datetime | None


class StaffApplicationOut(ApplicationOut):
    client: str = Field(examples=["cli_3k9d2m7q8w1x4z6v"])
    done_by_module: str = Field(description="The provisioning module that did it, if any.")


def application_row(application) -> dict:
    return {
        "id": application.public_id,
        "action": application.action,
        "service": application.service.public_id if application.service_id else None,
        "equipment_ids": [item.equipment.equipment_id for item in application.items.all()],
        "details": application.details,
        "status": application.status,
        "result": application.result,
        "filed_at": application.filed_at,
        "worked_at": application.worked_at,
        "finished_at": application.finished_at,
    }


def staff_application_row(application) -> dict:
    return {
        **application_row(application),
        "client": application.client.public_id,
        "done_by_module": application.done_by_module,
    }


class ApplicationIn(InputSchema):
    action: ApplicationActionName
    equipment_ids: list[
        text(32, "The ID on the label of a piece of the client's equipment.", ["SRV-0042"])
    ] = Field(min_length=1, max_length=20, description="Every piece of equipment it is for.")
    details: text(2000, "What exactly, for a network change or a reinstall.", [""]) = ""


class ApplicationWorkIn(InputSchema):
    status: Literal["in_progress", "done", "refused", "failed"]
    result: text(4000, "What was done, or why it is refused.", ["Rebooted at 10:02."]) = ""


class ReverseDnsOut(Schema):
    address: str = Field(examples=["192.0.2.17"])
    host_name: str = Field(examples=["mail.example.com"])


class AllocationOut(Schema):
    """IP addresses allocated to a service, their usage against the rule of the terms and
    their reverse DNS names (SUP-06)."""

    id: str = Field(examples=[EXAMPLE_ALLOCATION])
    network: str = Field(examples=["192.0.2.16/29"])
    service: str
    allocated_on: date
    addresses_allocated: int = Field(examples=[8])
    addresses_in_use: int = Field(description="The latest usage reported.", examples=[3])
    usage_reported_at: datetime | None
    required_percent: int = Field(
        description="The share that must be in use now (IPv4; annex 7 §5.5).", examples=[25]
    )
    meets_rule: bool = Field(description="Whether enough addresses are in use (IPv6: true).")
    reverse_dns: list[ReverseDnsOut]


def allocation_row(allocation, standing) -> dict:
    return {
        "id": allocation.public_id,
        "network": allocation.network,
        "service": allocation.service.public_id,
        "allocated_on": allocation.allocated_on,
        "addresses_allocated": standing.size,
        "addresses_in_use": allocation.addresses_in_use,
        "usage_reported_at": allocation.usage_reported_at,
        "required_percent": standing.required_percent,
        "meets_rule": not standing.is_short,
        "reverse_dns": [
            {"address": record.address, "host_name": record.host_name}
            for record in allocation.reverse_dns.all()
        ],
    }


class UsageIn(InputSchema):
    addresses_in_use: int = Field(ge=0, le=2**31 - 1, description="Addresses in use now.")


class ReverseDnsIn(InputSchema):
    address: text(64, "An address of the allocation.", ["192.0.2.17"])
    host_name: text(253, "The host name; empty removes it.", ["mail.example.com"]) = ""


class ProbeIn(InputSchema):
    addresses_seen: list[text(64, "An address seen in use.", ["192.0.2.17"])] = Field(
        max_length=65536, description="Every address of the allocation the probe saw in use."
    )
