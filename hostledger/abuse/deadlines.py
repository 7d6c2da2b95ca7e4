"""The deadlines of abuse cases, fired by the hourly job ``abuse.deadlines`` as of a moment
(ABU-02, ABU-03, AUT-06).

* A case notified to its client whose ``suspend_due_at`` has passed, still unremedied
  (status ``notified``), has its live services suspended through the services' lifecycle
  actions and the client told; the case becomes ``suspended``.
* A suspended case whose ``terminate_due_at`` (``abuse.termination_after_days`` after the
  report, 003 §7.5) has passed gets, per suspended service, a termination proposal for
  staff to confirm on the decisions page — never carried out here (AUT-06).
* Reporters' contact details are erased ``abuse.reporter_retention_days`` after their case
  closed, and the public form's address hashes older than a day are deleted.

Each step writes its timeline event under a unique key (case and deadline) in the same
transaction as its effect, so running the job twice, or two jobs at once, acts once (habit 2).
A case whose client claimed a remedy is held until staff decide (annex 10 §5).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext

from hostledger.abuse import conf
from hostledger.abuse.actions import require_abuse_manage
from hostledger.abuse.intake import event_record
from hostledger.abuse.models import (
    OPEN_STATUSES,
    AbuseCase,
    AbuseCaseEvent,
    AbuseCaseService,
    AbuseIntakeAttempt,
    AbuseReporter,
    CaseStatus,
)
from hostledger.abuse.notices import case_suspended_notify
from hostledger.automation.actions import abuse_termination_propose
from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError
from hostledger.core.registry import setting_value
from hostledger.subscriptions.actions.lifecycle import service_suspend
from hostledger.subscriptions.models import ServiceStatus

INTAKE_KEPT = timedelta(days=1)


@dataclass
class DeadlineCounts:
    suspended: int = 0
    services_suspended: int = 0
    terminations_proposed: int = 0
    reporters_erased: int = 0
    intake_hashes_deleted: int = 0


def _case_suspend(case_id: int, *, now: datetime, counts: DeadlineCounts) -> None:
    """Suspend the live services of one case whose deadline passed (ABU-02, ABU-03)."""
    case = AbuseCase.objects.select_for_update().get(pk=case_id)
    if case.status != CaseStatus.NOTIFIED or case.suspend_due_at is None:
        return
    if case.suspend_due_at > now:
        return
    event = event_record(
        case,
        key=f"{case.public_id}:suspended",
        kind=AbuseCaseEvent.Kind.SUSPENDED,
        now=now,
        note=f"Deadline {case.suspend_due_at.isoformat()} passed unremedied.",
    )
    if event is None:
        return
    reason = f"Abuse case {case.public_id}: {case.get_category_display()}, not remedied in time."
    links = AbuseCaseService.objects.filter(case=case).select_related("service")
    for link in links.order_by("id"):
        if link.service.status != ServiceStatus.ACTIVE:
            continue
        service_suspend(service=link.service, actor=None, reason=reason, notify=False)
        AbuseCaseService.objects.filter(pk=link.pk).update(suspended_by_case=True)
        counts.services_suspended += 1
    case.status = CaseStatus.SUSPENDED
    case.suspended_at = now
    case.save(update_fields=["status", "suspended_at"])
    case_suspended_notify(case=case)
    record_audit_event(
        action="abuse.services_suspended", obj=case, subject_client_id=case.client_id
    )
    counts.suspended += 1


def _case_termination_propose(case_id: int, *, now: datetime, counts: DeadlineCounts) -> None:
    """Propose ending each service a still-suspended case suspended (003 §7.5, AUT-06)."""
    case = AbuseCase.objects.select_for_update().get(pk=case_id)
    if case.status != CaseStatus.SUSPENDED or case.terminate_due_at is None:
        return
    if case.terminate_due_at > now:
        return
    event = event_record(
        case,
        key=f"{case.public_id}:termination_proposed",
        kind=AbuseCaseEvent.Kind.TERMINATION_PROPOSED,
        now=now,
        note="Not remedied within the term; termination proposed for staff to confirm.",
    )
    if event is None:
        return
    first = None
    links = AbuseCaseService.objects.filter(case=case, suspended_by_case=True)
    for link in links.select_related("service").order_by("id"):
        decision, created = abuse_termination_propose(
            case_public_id=case.public_id,
            client=case.client,
            service=link.service,
            as_of=now,
            inputs={
                "service": link.service.public_id,
                "category": case.get_category_display(),
                "opened_at": case.opened_at.isoformat(),
                "suspended_at": case.suspended_at.isoformat() if case.suspended_at else "",
            },
        )
        first = first or decision
        counts.terminations_proposed += int(created)
    if first is not None:
        AbuseCase.objects.filter(pk=case.pk).update(termination_decision=first)


def _reporters_erase(*, now: datetime) -> int:
    """Erase the contact details of reporters whose every case closed more than
    ``abuse.reporter_retention_days`` ago (GDPR-08)."""
    cutoff = now - timedelta(days=setting_value(conf.REPORTER_RETENTION_DAYS))
    stale = (
        AbuseReporter.objects.filter(erased_at__isnull=True)
        .exclude(cases__status__in=OPEN_STATUSES)
        .annotate(last_closed=Max("cases__closed_at"))
        .filter(last_closed__lt=cutoff)
        .values_list("pk", flat=True)
    )
    return AbuseReporter.objects.filter(pk__in=list(stale)).update(
        name="", email="", email_index="", erased_at=now
    )


def abuse_deadlines_run(*, now: datetime) -> DeadlineCounts:
    """Fire every abuse deadline that has passed as of ``now``; one transaction per case
    (ABU-02, ABU-03, AUT-06). Returns what it did."""
    counts = DeadlineCounts()
    due = AbuseCase.objects.filter(status=CaseStatus.NOTIFIED, suspend_due_at__lte=now)
    for case_id in list(due.order_by("suspend_due_at", "id").values_list("pk", flat=True)):
        with transaction.atomic():
            _case_suspend(case_id, now=now, counts=counts)
    due = AbuseCase.objects.filter(
        status=CaseStatus.SUSPENDED,
        terminate_due_at__lte=now,
        termination_decision__isnull=True,
    )
    for case_id in list(due.order_by("terminate_due_at", "id").values_list("pk", flat=True)):
        with transaction.atomic():
            _case_termination_propose(case_id, now=now, counts=counts)
    with transaction.atomic():
        counts.reporters_erased = _reporters_erase(now=now)
        counts.intake_hashes_deleted, _ = AbuseIntakeAttempt.objects.filter(
            attempted_at__lt=now - INTAKE_KEPT
        ).delete()
    return counts


@transaction.atomic
def abuse_termination_propose_now(*, case: AbuseCase, actor, now: datetime | None = None):
    """Staff ask for the termination proposal of a suspended case whose 20 days (003 §7.5)
    have passed, without waiting for the hourly job (ABU-02, AUT-06): each service the case
    suspended gets a decision for staff with ``services.manage`` to confirm or reject.
    Refused before the term, or when the case is not suspended; returns the case."""
    require_abuse_manage(actor)
    now = now or timezone.now()
    locked = AbuseCase.objects.select_for_update().get(pk=case.pk)
    if locked.status != CaseStatus.SUSPENDED:
        raise DomainError(
            "case_not_suspended",
            gettext("A termination can be proposed only for a case whose services are suspended."),
            fields={"case": f"status is {locked.status}"},
            status=409,
        )
    if locked.terminate_due_at is None or locked.terminate_due_at > now:
        raise DomainError(
            "too_early",
            gettext(
                "The terms allow termination only after %(termination_after_days)s days "
                "from the violation (from %(terminate_due_at)s)."
            )
            % {
                "termination_after_days": setting_value(conf.TERMINATION_AFTER_DAYS),
                "terminate_due_at": f"{timezone.localtime(locked.terminate_due_at):%Y-%m-%d %H:%M}",
            },
            fields={"case": "termination term not reached"},
            status=409,
        )
    _case_termination_propose(locked.pk, now=now, counts=DeadlineCounts())
    return AbuseCase.objects.get(pk=locked.pk)
