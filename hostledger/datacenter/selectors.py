"""Reads of the data centre for the web pages, the API, jobs and flows (SUP-02, SUP-05,
SUP-06).

Client reads take the client and return only its rows, so another client's equipment,
application, representative or allocation is not found (habit 6). The IP usage rule of
annex 7 §5.5 is worked out here, once, for the daily check, the pages and the decision it
may lead to.
"""

from __future__ import annotations

import calendar
import ipaddress
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Prefetch, QuerySet

from hostledger.core.errors import NotFound
from hostledger.core.registry import setting_value
from hostledger.datacenter import conf
from hostledger.datacenter.models import (
    OPEN_APPLICATION_STATUSES,
    AccessLogEntry,
    AllocationStatus,
    ApplicationItem,
    Equipment,
    EquipmentApplication,
    EquipmentMovement,
    EquipmentStatus,
    IpAllocation,
    IpPool,
    Representative,
    ReverseDnsRecord,
    VisitRequest,
    VisitStatus,
)

STAFF_LIST_LIMIT = 200


# Equipment ------------------------------------------------------------------------------------


def _equipment() -> QuerySet[Equipment]:
    return Equipment.objects.select_related("service__tariff", "service__family", "client")


def client_equipment(client) -> QuerySet[Equipment]:
    """The client's equipment, by ID (SUP-05)."""
    return _equipment().filter(client=client)


def client_equipment_item(client, public_id: str) -> Equipment:
    equipment = client_equipment(client).filter(public_id=public_id).first()
    if equipment is None:
        raise NotFound("equipment")
    return equipment


def equipment_for_staff(*, query: str = "", status: str = "") -> QuerySet[Equipment]:
    """Every piece of equipment, by ID, narrowed to an ID, rack or serial number prefix and
    a status."""
    equipment = _equipment()
    if status:
        equipment = equipment.filter(status=status)
    if query:
        text = query.strip()
        equipment = (
            equipment.filter(equipment_id__istartswith=text)
            | equipment.filter(rack__iexact=text)
            | equipment.filter(serial_number__iexact=text)
        )
    return equipment.order_by("equipment_id")


def staff_equipment_item(public_id: str) -> Equipment:
    equipment = _equipment().filter(public_id=public_id).first()
    if equipment is None:
        raise NotFound("equipment")
    return equipment


def equipment_movements(equipment: Equipment) -> list[EquipmentMovement]:
    return list(equipment.movements.select_related("recorded_by").order_by("moved_on", "id"))


def service_equipment(service) -> list[Equipment]:
    return list(_equipment().filter(service=service).exclude(status=EquipmentStatus.REMOVED))


# Applications ---------------------------------------------------------------------------------


def _applications() -> QuerySet[EquipmentApplication]:
    return EquipmentApplication.objects.select_related(
        "client", "service", "filed_by", "worked_by"
    ).prefetch_related(
        Prefetch(
            "items",
            queryset=ApplicationItem.objects.select_related("equipment").order_by("id"),
        )
    )


def client_applications(client) -> QuerySet[EquipmentApplication]:
    """The client's applications, newest first (SUP-02)."""
    return _applications().filter(client=client)


def open_service_application(service, action: str) -> EquipmentApplication | None:
    """The application for ``action`` filed from ``service``'s page that staff have not
    finished yet, if any (SUP-02)."""
    return (
        EquipmentApplication.objects.filter(
            service=service, action=action, status__in=OPEN_APPLICATION_STATUSES
        )
        .order_by("id")
        .first()
    )


def client_application(client, public_id: str) -> EquipmentApplication:
    application = client_applications(client).filter(public_id=public_id).first()
    if application is None:
        raise NotFound("application")
    return application


def applications_for_staff(*, status: str = "") -> QuerySet[EquipmentApplication]:
    """Every application; open ones (submitted, in progress) oldest first, others newest
    first."""
    applications = _applications()
    if status:
        applications = applications.filter(status=status)
    return applications.order_by("-filed_at", "-id")


def staff_application(public_id: str) -> EquipmentApplication:
    application = _applications().filter(public_id=public_id).first()
    if application is None:
        raise NotFound("application")
    return application


# Colocation -----------------------------------------------------------------------------------


def client_representatives(client, *, include_removed: bool = False) -> QuerySet[Representative]:
    representatives = Representative.objects.filter(client=client)
    return representatives if include_removed else representatives.filter(removed_at__isnull=True)


def client_representative(client, public_id: str) -> Representative:
    representative = client_representatives(client).filter(public_id=public_id).first()
    if representative is None:
        raise NotFound("representative")
    return representative


def client_visits(client) -> QuerySet[VisitRequest]:
    return VisitRequest.objects.select_related("representative").filter(client=client)


def client_access_log(client) -> QuerySet[AccessLogEntry]:
    return AccessLogEntry.objects.select_related("representative").filter(client=client)


def visits_for_staff(*, status: str = "") -> QuerySet[VisitRequest]:
    visits = VisitRequest.objects.select_related("representative", "client", "decided_by")
    if status:
        visits = visits.filter(status=status)
    return visits.order_by("starts_at", "id")


def staff_visit(public_id: str) -> VisitRequest:
    visit = visits_for_staff().filter(public_id=public_id).first()
    if visit is None:
        raise NotFound("visit")
    return visit


def access_log_for_staff() -> QuerySet[AccessLogEntry]:
    return AccessLogEntry.objects.select_related(
        "representative", "client", "visit", "escorted_by"
    ).order_by("-entered_at", "-id")


def staff_access_entry(public_id: str) -> AccessLogEntry:
    entry = access_log_for_staff().filter(public_id=public_id).first()
    if entry is None:
        raise NotFound("access log entry")
    return entry


def approved_visits_waiting() -> QuerySet[VisitRequest]:
    """Approved visits, soonest first, for the door."""
    return visits_for_staff(status=VisitStatus.APPROVED)


# IP addresses ---------------------------------------------------------------------------------


def ip_pools() -> QuerySet[IpPool]:
    return IpPool.objects.order_by("version", "network")


def staff_ip_pool(public_id: str) -> IpPool:
    pool = IpPool.objects.filter(public_id=public_id).first()
    if pool is None:
        raise NotFound("pool")
    return pool


def _allocations() -> QuerySet[IpAllocation]:
    return IpAllocation.objects.select_related(
        "pool", "service__tariff", "client"
    ).prefetch_related(
        Prefetch("reverse_dns", queryset=ReverseDnsRecord.objects.order_by("address"))
    )


def client_allocations(client) -> QuerySet[IpAllocation]:
    """The client's live allocations (SUP-06)."""
    return _allocations().filter(client=client, status=AllocationStatus.ACTIVE)


def client_allocation(client, public_id: str) -> IpAllocation:
    allocation = client_allocations(client).filter(public_id=public_id).first()
    if allocation is None:
        raise NotFound("allocation")
    return allocation


def allocations_for_staff(*, status: str = AllocationStatus.ACTIVE) -> QuerySet[IpAllocation]:
    allocations = _allocations()
    if status:
        allocations = allocations.filter(status=status)
    return allocations.order_by("pool__version", "network", "id")


def staff_allocation(public_id: str) -> IpAllocation:
    allocation = _allocations().filter(public_id=public_id).first()
    if allocation is None:
        raise NotFound("allocation")
    return allocation


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day where it has no such day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class UsageStanding:
    """How an allocation stands against the usage rule of annex 7 §5.5 on a day (SUP-06).

    ``required_percent`` is the share due on ``on_day``: the at-once share until the first
    period after allocation has passed, the higher share from then on. ``applies`` is false
    for IPv6, whose allocations are not measured in addresses.
    """

    allocation: IpAllocation
    on_day: date
    size: int
    in_use: int
    required_percent: int
    period_ends_on: date
    applies: bool

    @property
    def percent_in_use(self) -> float:
        return round(100 * self.in_use / self.size, 1) if self.size else 0.0

    @property
    def required_addresses(self) -> int:
        """The fewest addresses in use that meet the rule (rounded up)."""
        return -(-self.required_percent * self.size // 100)

    @property
    def is_short(self) -> bool:
        return self.applies and self.in_use * 100 < self.required_percent * self.size


@dataclass(frozen=True)
class UsageRule:
    """The provider's settings of the usage rule (annex 7 §5.5, SUP-06), read once for a
    page or a run."""

    at_once_percent: int
    within_period_percent: int
    period_months: int


def usage_rule() -> UsageRule:
    return UsageRule(
        at_once_percent=int(setting_value(conf.IP_USAGE_AT_ONCE_PERCENT)),
        within_period_percent=int(setting_value(conf.IP_USAGE_WITHIN_PERIOD_PERCENT)),
        period_months=int(setting_value(conf.IP_USAGE_PERIOD_MONTHS)),
    )


def usage_standing(
    allocation: IpAllocation, *, on_day: date, rule: UsageRule | None = None
) -> UsageStanding:
    """Where ``allocation`` stands against the usage rule on ``on_day`` (SUP-06): at least
    ``datacenter.ip_usage_at_once_percent`` of its addresses in use from the day of
    allocation, and ``datacenter.ip_usage_within_period_percent`` once
    ``datacenter.ip_usage_period_months`` months have passed. Pass ``rule`` when working out
    many allocations, so that the settings are read once."""
    rule = rule or usage_rule()
    period_ends_on = add_months(allocation.allocated_on, rule.period_months)
    required = rule.within_period_percent if on_day >= period_ends_on else rule.at_once_percent
    return UsageStanding(
        allocation=allocation,
        on_day=on_day,
        size=allocation.size,
        in_use=allocation.addresses_in_use,
        required_percent=required,
        period_ends_on=period_ends_on,
        applies=allocation.ip_network.version == 4,
    )


def active_ipv4_allocations() -> QuerySet[IpAllocation]:
    """Every live IPv4 allocation with its client and service, for the daily check."""
    return (
        IpAllocation.objects.select_related("client", "service")
        .filter(status=AllocationStatus.ACTIVE, pool__version=4)
        .order_by("id")
    )


def allocation_by_public_id(public_id: str) -> IpAllocation | None:
    """An allocation of any client by its public id, or None (for the decision that may
    reclaim it)."""
    return _allocations().filter(public_id=public_id).first()


def allocation_is_short(allocation_id: int, *, on_day: date) -> bool:
    """Whether the allocation is live and still below the rule on ``on_day`` (the ground of a
    reclaim decision, AUT-06)."""
    allocation = IpAllocation.objects.filter(
        pk=allocation_id, status=AllocationStatus.ACTIVE
    ).first()
    return allocation is not None and usage_standing(allocation, on_day=on_day).is_short


def remedy_deadline(warned_at: datetime) -> datetime:
    """The moment the client's time to remedy an under-used allocation runs out."""
    return warned_at + timedelta(days=int(setting_value(conf.IP_USAGE_REMEDY_DAYS)))


def service_ids_by_ip_address(address: str) -> list[int]:
    """The services an IP address is allocated to now (SUP-06), for the abuse desk's look-up
    of a reported address (ABU-01): the pools that hold the address, then their active
    allocations whose network holds it. An address that is not one gives nothing."""
    try:
        wanted = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return []
    pools = [
        pool_id
        for pool_id, network in IpPool.objects.filter(version=wanted.version).values_list(
            "id", "network"
        )
        if wanted in ipaddress.ip_network(network)
    ]
    allocations = IpAllocation.objects.filter(
        pool_id__in=pools, status=AllocationStatus.ACTIVE
    ).values_list("service_id", "network")
    return sorted(
        {
            service_id
            for service_id, network in allocations
            if wanted in ipaddress.ip_network(network)
        }
    )
