"""Extending a service's paid period for time the provider owes it (SUP-07).

A dedicated server whose failed parts took longer than the term to repair has its paid
period extended by the repair time (seed 003 annex 6 §2.5). The extension moves the last day
paid and the last day billed on by the same number of days, so the next renewal starts that
much later, and is written into the service's history with its reason. A renewal already
invoiced keeps the dates it was issued with (issued documents never change, BIL-04); the days
are added after it, and the service is not suspended for them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.core.errors import DomainError
from hostledger.subscriptions.actions._common import (
    REASON_MAX_LENGTH,
    audit,
    clean_reason,
    locked_service,
)
from hostledger.subscriptions.models import Service, ServiceStatus, ServiceStatusChange

MAXIMUM_EXTENSION_DAYS = 366


@transaction.atomic
def service_paid_period_extend(
    *, service: Service, days: int, reason: str, actor, now: datetime | None = None
) -> Service:
    """Extend the service's paid period by ``days`` whole days (SUP-07): ``paid_through``
    and ``invoiced_through`` move on by ``days`` and the service history records the reason
    (ORD-02). The caller (a repair recorded by staff with services.manage) decides the days;
    a terminated service, or one never paid, is refused."""
    if (
        isinstance(days, bool)
        or not isinstance(days, int)
        or not 0 < days <= MAXIMUM_EXTENSION_DAYS
    ):
        raise DomainError(
            "invalid_input",
            _("days: a whole number of days from 1 to %(maximum_extension_days)s.")
            % {"maximum_extension_days": MAXIMUM_EXTENSION_DAYS},
            fields={"days": "out of range"},
        )
    reason = clean_reason(reason, required=True)
    now = now or timezone.now()
    locked = locked_service(service)
    if locked.status == ServiceStatus.TERMINATED or locked.paid_through is None:
        raise DomainError(
            "service_not_paid",
            _("service: only a live service with a paid period can be extended."),
            fields={"service": "terminated or never paid"},
        )
    before = locked.paid_through
    invoiced = locked.invoiced_through or before
    Service.objects.filter(pk=locked.pk).update(
        paid_through=before + timedelta(days=days),
        invoiced_through=invoiced + timedelta(days=days),
        updated_at=now,
    )
    ServiceStatusChange.objects.create(
        service=locked,
        from_status=locked.status,
        to_status=locked.status,
        reason=reason[:REASON_MAX_LENGTH],
        actor=actor,
        changed_at=now,
    )
    audit(
        "paid_period_extended",
        actor=actor,
        obj=locked,
        client_id=locked.client_id,
        data={"days": days, "paid_through_before": before.isoformat()},
    )
    locked.refresh_from_db()
    return locked
