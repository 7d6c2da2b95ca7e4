"""Schemas of interruptions, their compensation and planned maintenance (SUP-03, SUP-04,
BIL-09) and the conversions that fill them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import AfterValidator, AwareDatetime

from hostledger.api.schemas import PUBLIC_ID_PATTERN, InputSchema
from hostledger.api.schemas_money import MoneyOut
from hostledger.incidents.models import (
    DedicatedRepair,
    Interruption,
    InterruptionCompensation,
    InterruptionStatus,
    MaintenanceScope,
    MaintenanceWindow,
    RepairOutcome,
)
from hostledger.incidents.selectors import interruption_seconds

StatusName = Literal[tuple(InterruptionStatus.values)]
ScopeName = Literal[tuple(MaintenanceScope.values)]
OutcomeName = Literal[tuple(RepairOutcome.values)]


def _plausible_moment(value: datetime) -> datetime:
    if not 2000 <= value.year <= 2999:
        raise ValueError("A time between the years 2000 and 2999.")
    return value


Moment = Annotated[AwareDatetime, AfterValidator(_plausible_moment)]
"""A moment in a request, with its time zone."""
PublicIds = Annotated[
    list[Annotated[str, Field(max_length=40)]], Field(default_factory=list, max_length=200)
]


class TranslationIn(InputSchema):
    subject: str = Field("", max_length=200)
    body: str = Field("", max_length=5000)


class MaintenanceWindowIn(InputSchema):
    """A planned maintenance window and what it affects (SUP-04): the live services of given
    products (family codes), tariffs or services (public ids), as ``scope`` says."""

    title: str = Field(min_length=1, max_length=200, examples=["Core switch replacement"])
    description: str = Field(min_length=1, max_length=5000)
    starts_at: Moment = Field(description="At least the notice of the setting from now.")
    ends_at: Moment
    scope: ScopeName
    family_codes: PublicIds = Field(description="Product family codes (scope families).")
    tariff_ids: PublicIds = Field(description="Tariff public ids (scope tariffs).")
    service_ids: PublicIds = Field(description="Service public ids (scope services).")
    translations: dict[Literal["et", "ru"], TranslationIn] = Field(
        default_factory=dict, description="Title (subject) and text (body) per language."
    )


class RepairIn(InputSchema):
    """A finished part repair of a dedicated server (SUP-07)."""

    service: str = Field(pattern=PUBLIC_ID_PATTERN, examples=["svc_3k9d2m7q8w1x4z6v"])
    part: str = Field(min_length=1, max_length=200, examples=["RAID controller"])
    started_at: Moment = Field(description="When the part failed.")
    ended_at: Moment = Field(description="When the repair ended; not in the future.")


class RepairOut(Schema):
    id: str = Field(examples=["rep_3k9d2m7q8w1x4z6v"])
    service_id: str
    part: str
    started_at: datetime
    ended_at: datetime
    outcome: OutcomeName
    extension_days: int = Field(description="Days the paid period was extended by.")
    paid_through_before: date | None
    paid_through_after: date | None


class InterruptionIn(InputSchema):
    """A report that one of your live services is interrupted (SUP-03)."""

    service: str = Field(
        pattern=PUBLIC_ID_PATTERN,
        description="Public id of one of your live services.",
        examples=["svc_3k9d2m7q8w1x4z6v"],
    )
    description: str = Field(
        min_length=1,
        max_length=4000,
        description="What is wrong and since when, in your own words.",
        examples=["The server does not answer ping since 08:55."],
    )


class InterruptionRejectIn(InputSchema):
    """Why staff do not confirm a report; the client reads it."""

    reason: str = Field(min_length=1, max_length=1000, examples=["Monitoring saw no outage."])


class StaffInterruptionFilter(Schema):
    status: StatusName | None = Field(None, description="Only interruptions in this status.")


class InterruptionOut(Schema):
    """One interruption report and how long it has counted (SUP-03)."""

    id: str = Field(examples=["int_3k9d2m7q8w1x4z6v"])
    service_id: str = Field(examples=["svc_3k9d2m7q8w1x4z6v"])
    status: StatusName
    description: str
    reported_at: datetime
    confirmed_at: datetime | None = Field(description="When the count started.")
    fix_due_on: date | None = Field(description="Last day of the term to fix it (§2.1.4).")
    restored_at: datetime | None = Field(description="When the count ended.")
    rejected_at: datetime | None
    rejection_reason: str = Field(description="Why it was not confirmed; empty otherwise.")
    counted_seconds: int | None = Field(
        description="Seconds counted from confirmation to restoration (or to now while open)."
    )


class StaffInterruptionOut(InterruptionOut):
    client_id: str = Field(examples=["cli_3k9d2m7q8w1x4z6v"])


class CompensationOut(Schema):
    """The compensation of one service for one calendar month (BIL-09)."""

    id: str = Field(examples=["cmp_3k9d2m7q8w1x4z6v"])
    service_id: str
    month: date = Field(description="First day of the month the interruptions fell in.")
    downtime_seconds: int
    availability_percent: str = Field(examples=["98.3870"])
    percent: str = Field(description="The SLA table's band for that availability.")
    charge: MoneyOut = Field(description="The service's charge for the month.")
    computed: MoneyOut = Field(description="The band's percent of the charge.")
    granted: MoneyOut = Field(description="What was credited, after the cap of BIL-09.")


class MaintenanceOut(Schema):
    """A planned maintenance window affecting the service (SUP-04)."""

    id: str = Field(examples=["mnt_3k9d2m7q8w1x4z6v"])
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime


class MaintenanceWindowOut(MaintenanceOut):
    scope: ScopeName
    family_codes: list[str]
    tariff_ids: list[str]
    service_ids: list[str]
    recipient_count: int = Field(description="Clients told.")


def interruption_row(row: Interruption) -> dict:
    return {
        "id": row.public_id,
        "service_id": row.service.public_id,
        "status": row.status,
        "description": row.description,
        "reported_at": row.reported_at,
        "confirmed_at": row.confirmed_at,
        "fix_due_on": row.fix_due_on,
        "restored_at": row.restored_at,
        "rejected_at": row.rejected_at,
        "rejection_reason": row.rejection_reason or "",
        "counted_seconds": interruption_seconds(row),
    }


def staff_interruption_row(row: Interruption) -> dict:
    return {**interruption_row(row), "client_id": row.client.public_id}


def compensation_row(row: InterruptionCompensation) -> dict:
    return {
        "id": row.public_id,
        "service_id": row.service.public_id,
        "month": row.month,
        "downtime_seconds": row.downtime_seconds,
        "availability_percent": f"{row.availability_percent:f}",
        "percent": f"{row.percent:f}",
        "charge": row.charge,
        "computed": row.computed,
        "granted": row.granted,
    }


def maintenance_row(window: MaintenanceWindow) -> dict:
    return {
        "id": window.public_id,
        "title": window.title,
        "description": window.description,
        "starts_at": window.starts_at,
        "ends_at": window.ends_at,
    }


def maintenance_window_row(window: MaintenanceWindow) -> dict:
    return {
        **maintenance_row(window),
        "scope": window.scope,
        "family_codes": window.family_codes,
        "tariff_ids": window.tariff_ids,
        "service_ids": window.service_ids,
        "recipient_count": window.recipient_count,
    }


def repair_row(repair: DedicatedRepair) -> dict:
    return {
        "id": repair.public_id,
        "service_id": repair.service.public_id,
        "part": repair.part,
        "started_at": repair.started_at,
        "ended_at": repair.ended_at,
        "outcome": repair.outcome,
        "extension_days": repair.extension_days,
        "paid_through_before": repair.paid_through_before,
        "paid_through_after": repair.paid_through_after,
    }
