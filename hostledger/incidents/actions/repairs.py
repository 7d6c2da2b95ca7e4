"""Part repairs of dedicated servers and the paid days they give back (SUP-07).

Staff record the failure and the end of the repair of a dedicated server's parts. When more
than ``incidents.repair_extension_after_hours`` passed from the failure to the end of the
repair, the term of the service is postponed by the repair time (seed 003 annex 6 §2.5): the
paid period is extended by the repair time in whole days, rounded up in the client's favour,
through the subscriptions app, which writes it into the service history. The next renewal
invoice says so in a line of its own (:func:`repair_notes_mark_invoiced`).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.catalog.models import FamilyCode
from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError
from hostledger.core.registry import setting_value
from hostledger.incidents.actions._common import clean_moment, clean_text, require_services_manage
from hostledger.incidents.conf import REPAIR_EXTENSION_AFTER_HOURS
from hostledger.incidents.models import DedicatedRepair, RepairOutcome
from hostledger.subscriptions.actions import service_paid_period_extend

PART_MAX_LENGTH = 200


def extension_days(started_at: datetime, ended_at: datetime) -> int:
    """The whole days a repair from ``started_at`` to ``ended_at`` extends the paid period
    by: none up to the term, else the repair time rounded up to whole days (SUP-07)."""
    length = ended_at - started_at
    if length <= timedelta(hours=setting_value(REPAIR_EXTENSION_AFTER_HOURS)):
        return 0
    return math.ceil(length / timedelta(days=1))


@transaction.atomic
def repair_record(
    *,
    service,
    part: str,
    started_at: datetime,
    ended_at: datetime,
    actor,
    now: datetime | None = None,
) -> DedicatedRepair:
    """Record a finished part repair of a dedicated server (SUP-07) and, when it lasted
    longer than the term, extend the service's paid period by it. The service must be a live
    dedicated server; the repair must end after it started and not in the future. Needs
    services.manage."""
    require_services_manage(actor)
    now = now or timezone.now()
    part = clean_text(part, "part", max_length=PART_MAX_LENGTH)
    started_at = clean_moment(started_at, "started_at")
    ended_at = clean_moment(ended_at, "ended_at")
    if service.family.code != FamilyCode.DEDICATED:
        raise DomainError(
            "not_dedicated",
            _("service: repairs are recorded for dedicated servers."),
            fields={"service": "not a dedicated server"},
        )
    if ended_at <= started_at:
        raise DomainError(
            "invalid_repair",
            _("ended_at: the repair must end after the failure."),
            fields={"ended_at": "not after the start"},
        )
    if ended_at > now:
        raise DomainError(
            "invalid_repair",
            _("ended_at: record a repair once it has ended."),
            fields={"ended_at": "in the future"},
        )
    days = extension_days(started_at, ended_at)
    repair = DedicatedRepair(
        client_id=service.client_id,
        service=service,
        part=part,
        started_at=started_at,
        ended_at=ended_at,
        outcome=RepairOutcome.EXTENDED if days else RepairOutcome.WITHIN_TERM,
        extension_days=days,
        paid_through_before=service.paid_through,
        recorded_at=now,
        recorded_by=actor,
    )
    if days:
        hours = (ended_at - started_at) / timedelta(hours=1)
        extended = service_paid_period_extend(
            service=service,
            days=days,
            reason=(
                f"Paid period extended by {days} day{'s' if days != 1 else ''}: repair of "
                f"{part} took {hours:.1f} hours (SUP-07)."
            ),
            actor=actor,
            now=now,
        )
        repair.paid_through_before = extended.paid_through - timedelta(days=days)
        repair.paid_through_after = extended.paid_through
    repair.save()
    record_audit_event(
        action="incidents.repair_recorded",
        actor=actor,
        obj=repair,
        subject_client_id=service.client_id,
        data={"service": service.public_id, "extension_days": days},
    )
    return repair


def repair_invoice_note(repair: DedicatedRepair) -> str:
    """The line the next renewal invoice carries about an extension (SUP-07)."""
    return (
        f"Paid period extended by {repair.extension_days} "
        f"day{'s' if repair.extension_days != 1 else ''} for the repair of {repair.part} "
        f"({timezone.localtime(repair.started_at):%Y-%m-%d %H:%M} to "
        f"{timezone.localtime(repair.ended_at):%Y-%m-%d %H:%M}); "
        f"paid through {repair.paid_through_after:%Y-%m-%d}"
    )


@transaction.atomic
def repair_notes_mark_invoiced(*, repair_ids: list[int], invoice_ids: dict[int, int]) -> int:
    """Record which renewal invoice carried the note of each extension (SUP-07), so that
    only the next invoice does. ``invoice_ids`` maps a repair id to its invoice id."""
    marked = 0
    for repair_id in repair_ids:
        invoice_id = invoice_ids.get(repair_id)
        if invoice_id is None:
            continue
        marked += DedicatedRepair.objects.filter(
            pk=repair_id, noted_invoice_id__isnull=True
        ).update(noted_invoice_id=invoice_id)
    return marked
