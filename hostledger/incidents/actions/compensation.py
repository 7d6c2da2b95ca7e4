"""Compensation of confirmed interruptions, once per service and month (BIL-09, SUP-03).

The contract makes compensation a recalculation of the payment of the period that follows
(seed 003 §7.8), capped at 100 % of the previous period's charges (§7.6). HostLedger's
reporting period is the calendar month (DOC-01), so once a month has ended every service with
confirmed interruption time in it gets one :class:`InterruptionCompensation` row: the
availability the confirmed time left, the SLA table's percent for it, that percent of the
service's charge for the month, and what of it the cap lets through. What is granted is
credited to the client's balance by the ledger's own action, keyed by service and month, so
it pays part of the next period's charge; nobody computes anything by hand, and a re-run, a
crash or two runs at once never credit a month twice.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from hostledger.core.audit import record_audit_event
from hostledger.core.money import Money
from hostledger.incidents import sla
from hostledger.incidents.models import Interruption, InterruptionCompensation
from hostledger.ledger.actions import compensation_credit_post, compensation_room
from hostledger.ledger.locks import lock_client_balance
from hostledger.subscriptions.selectors import service_periods


def compensation_key(service, month: date) -> str:
    """The ledger key of a service's compensation for a month: one credit per (service,
    month), whoever runs the computation and however often."""
    return f"interruption-compensation:{service.public_id}:{month:%Y-%m}"


def _confirmed_spans(service, start: datetime, end: datetime, now: datetime):
    """(from, to) of each confirmed interruption of the service that overlaps [start, end);
    one still open counts up to ``now``."""
    rows = Interruption.objects.filter(
        service=service, confirmed_at__isnull=False, confirmed_at__lt=end
    ).filter(Q(restored_at__isnull=True) | Q(restored_at__gt=start))
    return [(row.confirmed_at, row.restored_at or now) for row in rows]


@transaction.atomic
def service_month_compensate(
    *, service, month: date, now: datetime | None = None
) -> InterruptionCompensation:
    """Compute and grant the compensation of ``service`` for ``month`` (a first day), once
    (BIL-09, SUP-03): the month must have ended. Returns the stored row; a month already
    computed returns its row unchanged."""
    now = now or timezone.now()
    month = sla.month_start(month)
    start, end = sla.month_bounds(month)
    if end > now:
        raise ValueError(f"The month {month:%Y-%m} has not ended yet.")
    existing = InterruptionCompensation.objects.filter(service=service, month=month).first()
    if existing is not None:
        return existing
    lock_client_balance(service.client)  # the ledger's lock order: the balance first
    existing = InterruptionCompensation.objects.filter(service=service, month=month).first()
    if existing is not None:
        return existing
    downtime = sla.downtime_seconds(_confirmed_spans(service, start, end, now), start, end)
    share = sla.availability_share(downtime, month)
    percent = sla.compensation_percent(share)
    charge = sla.month_charge(service_periods(service), month)
    computed = charge.percentage(percent) if charge.is_positive() else Money.zero(charge.currency)
    # The cap as the ledger's own action checks it: this calendar month against the last.
    room = compensation_room(service.client, today=timezone.localdate())
    granted = min(computed, room) if computed.is_positive() else computed
    posted = None
    if granted.is_positive():
        posted = compensation_credit_post(
            client=service.client,
            amount=granted,
            reason=(
                f"interruptions of service {service.public_id} in {month:%m/%Y}, "
                f"availability {sla.availability_percent_stored(share)} %"
            ),
            idempotency_key=compensation_key(service, month),
        )
    try:
        with transaction.atomic():
            row = InterruptionCompensation.objects.create(
                client_id=service.client_id,
                service=service,
                month=month,
                downtime_seconds=downtime,
                availability_percent=sla.availability_percent_stored(share),
                percent=percent,
                charge_minor=charge.minor,
                computed_minor=computed.minor,
                granted_minor=granted.minor,
                currency=charge.currency,
                ledger_transaction_id=posted.pk if posted is not None else None,
                created_at=now,
            )
    except IntegrityError:
        # Another run stored this month first; its row, and its single credit, stand.
        return InterruptionCompensation.objects.get(service=service, month=month)
    record_audit_event(
        action="incidents.compensation_granted",
        obj=row,
        subject_client_id=service.client_id,
        data={
            "month": f"{month:%Y-%m}",
            "downtime_seconds": downtime,
            "percent": str(percent),
            "computed_minor": computed.minor,
            "granted_minor": granted.minor,
        },
    )
    return row


def compensations_grant(*, now: datetime | None = None) -> int:
    """Compensate every service for every ended month in which it had confirmed interruption
    time and that has no compensation yet (BIL-09): the month just ended, and any earlier one
    a stopped scheduler missed. Each (service, month) is its own transaction. Returns how
    many were computed now."""
    now = now or timezone.now()
    this_month_start, _ = sla.month_bounds(sla.month_start(timezone.localtime(now).date()))
    rows = list(
        Interruption.objects.filter(
            confirmed_at__isnull=False, confirmed_at__lt=this_month_start
        ).values_list("service_id", "confirmed_at", "restored_at")
    )
    done = set(
        InterruptionCompensation.objects.filter(
            service_id__in={service_id for service_id, _, _ in rows}
        ).values_list("service_id", "month")
    )
    wanted: set[tuple[int, date]] = set()
    for service_id, confirmed_at, restored_at in rows:
        end = min(restored_at or now, this_month_start)
        if end <= confirmed_at:
            continue
        for month in sla.months_touched(confirmed_at, end):
            if (service_id, month) not in done:
                wanted.add((service_id, month))
    services = {
        interruption.service_id: interruption.service
        for interruption in Interruption.objects.filter(
            service_id__in={service_id for service_id, _ in wanted}
        ).select_related("service", "service__client")
    }
    for service_id, month in sorted(wanted):
        service_month_compensate(service=services[service_id], month=month, now=now)
    return len(wanted)
