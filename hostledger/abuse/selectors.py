"""Reads of abuse cases shared by the web pages and the API (ABU-01).

Client reads take the client and return only its cases (another client's case is not
found, habit 6); the staff queue orders the open cases by their next deadline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, F, QuerySet, When
from django.db.models.functions import Coalesce

from hostledger.abuse.models import (
    OPEN_STATUSES,
    AbuseCase,
    AbuseCaseEvent,
    AbuseCaseService,
    AbuseEvidence,
    CaseStatus,
)
from hostledger.core.errors import NotFound

STAFF_LIST_LIMIT = 200


def _cases() -> QuerySet[AbuseCase]:
    return AbuseCase.objects.select_related("client", "reporter")


def staff_case_queue(*, status: str = "", category: str = "") -> QuerySet[AbuseCase]:
    """Cases for staff (open ones unless ``status`` says otherwise) by their next deadline:
    the lift after a claimed remedy, the suspension of a notified case, the termination
    proposal of a suspended one; a new case by the time it arrived."""
    cases = _cases()
    cases = cases.filter(status=status) if status else cases.filter(status__in=OPEN_STATUSES)
    if category:
        cases = cases.filter(category=category)
    next_deadline = Case(
        When(status=CaseStatus.REMEDY_CLAIMED, then=F("lift_due_at")),
        When(status=CaseStatus.NOTIFIED, then=F("suspend_due_at")),
        When(status=CaseStatus.SUSPENDED, then=F("terminate_due_at")),
        default=None,
    )
    # A new case waits for staff to read it since it arrived: it sorts by that moment.
    return cases.annotate(
        next_deadline=next_deadline,
        sort_moment=Coalesce(next_deadline, "opened_at"),
    ).order_by(F("sort_moment").asc(nulls_last=True), "-id")


def staff_case(public_id: str) -> AbuseCase:
    case = _cases().filter(public_id=public_id).first()
    if case is None:
        raise NotFound("abuse case")
    return case


VISIBLE_TO_CLIENT = (
    CaseStatus.NOTIFIED,
    CaseStatus.REMEDY_CLAIMED,
    CaseStatus.SUSPENDED,
    CaseStatus.RESOLVED,
)
"""A client sees a case once staff notified it (a new case may be unfounded; a dismissed
one never concerned it in the end)."""


def client_cases(client) -> QuerySet[AbuseCase]:
    return (
        AbuseCase.objects.filter(client=client, notified_at__isnull=False)
        .filter(status__in=VISIBLE_TO_CLIENT)
        .order_by("-opened_at", "-id")
    )


def client_case(client, public_id: str) -> AbuseCase:
    case = client_cases(client).filter(public_id=public_id).first()
    if case is None:
        raise NotFound("abuse case")
    return case


def case_services(case: AbuseCase) -> list[AbuseCaseService]:
    return list(
        AbuseCaseService.objects.filter(case=case)
        .select_related("service", "service__tariff")
        .order_by("id")
    )


def case_evidence(case: AbuseCase) -> list[AbuseEvidence]:
    """The evidence of a case, oldest first, without the file bytes."""
    return list(AbuseEvidence.objects.filter(case=case).defer("content").order_by("id"))


def case_timeline(case: AbuseCase) -> list[AbuseCaseEvent]:
    return list(AbuseCaseEvent.objects.filter(case=case).select_related("actor"))


def case_evidence_file(case: AbuseCase, sha256: str) -> AbuseEvidence:
    evidence = AbuseEvidence.objects.filter(
        case=case, kind=AbuseEvidence.Kind.FILE, sha256=sha256
    ).first()
    if evidence is None:
        raise NotFound("evidence file")
    return evidence


@dataclass(frozen=True)
class QueueCounts:
    open: int
    overdue_lifts: int


def queue_counts(now: datetime) -> QueueCounts:
    return QueueCounts(
        open=AbuseCase.objects.filter(status__in=OPEN_STATUSES).count(),
        overdue_lifts=AbuseCase.objects.filter(
            status=CaseStatus.REMEDY_CLAIMED, lift_due_at__lt=now
        ).count(),
    )
