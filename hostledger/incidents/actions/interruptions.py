"""Interruptions reported by clients and handled by staff (SUP-03).

A client (the owner or a trusted user with the services scope, ACC-06) reports that one of
its live services is interrupted; staff confirm the report, from which moment the
interruption counts, or reject it with a reason the client reads; staff mark the service
restored when they tell the client it is back (seed 003 §3.2). Confirmed time is what the
compensation of the month is computed from (BIL-09, :mod:`.compensation`).
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.core.audit import record_audit_event
from hostledger.core.calendar import add_working_days
from hostledger.core.errors import DomainError
from hostledger.core.fields import for_subject_of
from hostledger.core.registry import setting_value
from hostledger.incidents.actions._common import clean_text, require_services_manage
from hostledger.incidents.conf import MALFUNCTION_FIX_WORKING_DAYS
from hostledger.incidents.models import Interruption, InterruptionStatus
from hostledger.notifications.actions import (
    interruption_confirmed_notify,
    interruption_rejected_notify,
    interruption_restored_notify,
)
from hostledger.subscriptions.models import ServiceStatus

DESCRIPTION_MAX_LENGTH = 4000
REASON_MAX_LENGTH = 1000


def _audit(action: str, interruption: Interruption, actor, data: dict | None = None) -> None:
    record_audit_event(
        action=f"incidents.{action}",
        actor=actor,
        obj=interruption,
        subject_client_id=interruption.client_id,
        data=data or {},
    )


def _locked(interruption: Interruption) -> Interruption:
    return Interruption.objects.select_for_update().get(pk=interruption.pk)


def _refuse_unless(interruption: Interruption, *statuses: str, doing: str) -> None:
    if interruption.status not in statuses:
        raise DomainError(
            "interruption_not_open",
            _("This interruption is %(state)s; it cannot be %(doing)s.")
            % {"state": interruption.get_status_display().lower(), "doing": doing},
            fields={"status": interruption.status},
        )


@transaction.atomic
def interruption_report(
    *, client, service, description: str, actor, now: datetime | None = None
) -> Interruption:
    """Record a client's report that ``service`` is interrupted (SUP-03). The service must be
    the client's and live; a service with a report still open (awaiting confirmation or
    confirmed and not restored) is refused, so one outage is one record. Nothing counts until
    staff confirm it."""
    now = now or timezone.now()
    text = clean_text(description, "description", max_length=DESCRIPTION_MAX_LENGTH)
    if service.client_id != client.pk:
        raise DomainError(
            "invalid_service",
            _("service: not one of your services."),
            fields={"service": "unknown"},
        )
    if service.status in (ServiceStatus.PENDING, ServiceStatus.TERMINATED):
        raise DomainError(
            "service_not_live",
            _("service: only a service that has been set up or is running can be interrupted."),
            fields={"service": service.status},
        )
    interruption = Interruption(
        client=client,
        service=service,
        status=InterruptionStatus.REPORTED,
        reported_at=now,
        reported_by=actor,
    )
    interruption.description = for_subject_of(interruption, text)
    try:
        with transaction.atomic():
            interruption.save()
    except IntegrityError as error:  # the one open report per service (the model's constraint)
        raise DomainError(
            "interruption_open",
            _("service: an interruption of this service is already reported and open."),
            fields={"service": "already reported"},
        ) from error
    _audit("interruption_reported", interruption, actor, {"service": service.public_id})
    return interruption


@transaction.atomic
def interruption_confirm(
    *, interruption: Interruption, actor, now: datetime | None = None
) -> Interruption:
    """Staff confirm a reported interruption (SUP-03): it counts from now, and the malfunction
    is due to be fixed within ``incidents.malfunction_fix_working_days`` working days
    (§2.1.4); the client is told. Needs services.manage; a report that is not awaiting
    confirmation is refused."""
    require_services_manage(actor)
    now = now or timezone.now()
    locked = _locked(interruption)
    _refuse_unless(locked, InterruptionStatus.REPORTED, doing="confirmed")
    locked.status = InterruptionStatus.CONFIRMED
    locked.confirmed_at = now
    locked.confirmed_by = actor
    locked.fix_due_on = add_working_days(
        timezone.localtime(now).date(), setting_value(MALFUNCTION_FIX_WORKING_DAYS)
    )
    locked.save(update_fields=["status", "confirmed_at", "confirmed_by", "fix_due_on"])
    interruption_confirmed_notify(interruption=locked)
    _audit("interruption_confirmed", locked, actor)
    return locked


@transaction.atomic
def interruption_reject(
    *, interruption: Interruption, reason: str, actor, now: datetime | None = None
) -> Interruption:
    """Staff do not confirm a reported interruption, saying why (SUP-03): it counts nothing.
    Needs services.manage; the reason is required, shown to the client and sent to it."""
    require_services_manage(actor)
    text = clean_text(reason, "reason", max_length=REASON_MAX_LENGTH)
    now = now or timezone.now()
    locked = _locked(interruption)
    _refuse_unless(locked, InterruptionStatus.REPORTED, doing="rejected")
    locked.status = InterruptionStatus.REJECTED
    locked.rejected_at = now
    locked.rejected_by = actor
    locked.rejection_reason = for_subject_of(locked, text)
    locked.save(update_fields=["status", "rejected_at", "rejected_by", "rejection_reason"])
    interruption_rejected_notify(interruption=locked, reason=text)
    _audit("interruption_rejected", locked, actor)
    return locked


@transaction.atomic
def interruption_restore(
    *, interruption: Interruption, actor, now: datetime | None = None
) -> Interruption:
    """Staff tell the client the service is back (SUP-03, seed 003 §3.2): the notice of
    resumption is queued in this transaction and the interruption stops counting now. Needs
    services.manage; only a confirmed interruption is restored."""
    require_services_manage(actor)
    now = now or timezone.now()
    locked = _locked(interruption)
    _refuse_unless(locked, InterruptionStatus.CONFIRMED, doing="marked restored")
    locked.status = InterruptionStatus.RESTORED
    locked.restored_at = now
    locked.restored_by = actor
    locked.save(update_fields=["status", "restored_at", "restored_by"])
    interruption_restored_notify(interruption=locked)
    _audit(
        "interruption_restored",
        locked,
        actor,
        {"seconds": int((now - locked.confirmed_at).total_seconds())},
    )
    return locked
