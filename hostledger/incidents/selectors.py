"""Reads of interruptions, compensations, maintenance windows and repairs shared by the web
pages, the API and jobs (SUP-03, SUP-04, SUP-07, BIL-09).

Client-facing reads take the client (from its ClientAccess) and find only its own rows, so
another client's interruption is not found (habit 6)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from hostledger.core.errors import NotFound
from hostledger.incidents.models import (
    DedicatedRepair,
    Interruption,
    InterruptionCompensation,
    InterruptionStatus,
    MaintenanceScope,
    MaintenanceWindow,
)


def client_interruptions(client) -> QuerySet[Interruption]:
    """The client's interruption reports, newest first (SUP-03)."""
    return Interruption.objects.filter(client=client).select_related("service", "service__tariff")


def client_interruption(client, public_id: str) -> Interruption:
    interruption = client_interruptions(client).filter(public_id=public_id).first()
    if interruption is None:
        raise NotFound("interruption")
    return interruption


def client_compensations(client) -> QuerySet[InterruptionCompensation]:
    """The compensation computed for the client's services, newest month first (BIL-09)."""
    return InterruptionCompensation.objects.filter(client=client).select_related("service")


def service_compensations(service) -> QuerySet[InterruptionCompensation]:
    return InterruptionCompensation.objects.filter(service=service)


def staff_interruptions(status: str | None = None) -> QuerySet[Interruption]:
    """Interruptions for staff, those awaiting confirmation first, then the oldest open."""
    rows = Interruption.objects.select_related("client", "service", "service__tariff")
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("status", "reported_at", "id")


def staff_interruption(public_id: str) -> Interruption:
    interruption = (
        Interruption.objects.select_related("client", "service", "service__tariff")
        .filter(public_id=public_id)
        .first()
    )
    if interruption is None:
        raise NotFound("interruption")
    return interruption


def interruption_seconds(interruption: Interruption, now: datetime | None = None) -> int | None:
    """How long the interruption has counted: from confirmation to restoration, or to now
    while it lasts; None before confirmation or when rejected."""
    if interruption.confirmed_at is None:
        return None
    end = interruption.restored_at or now or timezone.now()
    return max(int((end - interruption.confirmed_at).total_seconds()), 0)


def fix_overdue(interruption: Interruption, today=None) -> bool:
    """Whether a confirmed malfunction is past its term of working days (§2.1.4)."""
    today = today or timezone.localdate()
    return (
        interruption.status == InterruptionStatus.CONFIRMED
        and interruption.fix_due_on is not None
        and today > interruption.fix_due_on
    )


def maintenance_windows(*, upcoming_only: bool = False) -> QuerySet[MaintenanceWindow]:
    windows = MaintenanceWindow.objects.all()
    if upcoming_only:
        windows = windows.filter(ends_at__gt=timezone.now())
    return windows


def staff_maintenance_window(public_id: str) -> MaintenanceWindow:
    window = MaintenanceWindow.objects.filter(public_id=public_id).first()
    if window is None:
        raise NotFound("maintenance window")
    return window


def window_affects(window: MaintenanceWindow, service) -> bool:
    if window.scope == MaintenanceScope.FAMILIES:
        return service.family.code in window.family_codes
    if window.scope == MaintenanceScope.TARIFFS:
        return service.tariff.public_id in window.tariff_ids
    return service.public_id in window.service_ids


def service_upcoming_maintenance(service, now: datetime | None = None) -> list[MaintenanceWindow]:
    """The maintenance windows not yet over that affect the service, soonest first (SUP-04)."""
    now = now or timezone.now()
    return [
        window
        for window in MaintenanceWindow.objects.filter(ends_at__gt=now).order_by("starts_at")
        if window_affects(window, service)
    ]


def client_upcoming_maintenance(services, now: datetime | None = None):
    """(window, [affected services]) for the windows not yet over that affect any of
    ``services``, soonest first (SUP-04)."""
    now = now or timezone.now()
    services = list(services)
    found = []
    for window in MaintenanceWindow.objects.filter(ends_at__gt=now).order_by("starts_at"):
        affected = [service for service in services if window_affects(window, service)]
        if affected:
            found.append((window, affected))
    return found


def service_repairs(service) -> QuerySet[DedicatedRepair]:
    return DedicatedRepair.objects.filter(service=service)


def staff_repairs() -> QuerySet[DedicatedRepair]:
    return DedicatedRepair.objects.select_related("service", "client", "service__tariff")


def repairs_to_note(service_ids) -> dict[int, list[DedicatedRepair]]:
    """Extensions not yet told on an invoice, by service id, oldest first (SUP-07)."""
    notes: dict[int, list[DedicatedRepair]] = {}
    rows = DedicatedRepair.objects.filter(
        service_id__in=list(service_ids), extension_days__gt=0, noted_invoice_id__isnull=True
    ).order_by("started_at", "id")
    for repair in rows:
        notes.setdefault(repair.service_id, []).append(repair)
    return notes


def duration_text(seconds: int | None) -> str:
    """A counted time for people: "2 d 3 h 05 min", "12 h 00 min", "—" when none."""
    if seconds is None:
        return "—"
    minutes = seconds // 60
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    return f"{days} d {hours} h {minutes:02d} min" if days else f"{hours} h {minutes:02d} min"
