"""What staff and clients do with an abuse case (ABU-01 … ABU-03), each an atomic action
that checks who acts and where the case stands, and writes the case's timeline.

Staff (``abuse.manage``) notify the client, which starts the suspension deadline — hours
for a violation by its category (ABU-02), working days of the provider's calendar for a
third party's claim (ABU-03, AUT-05); they add evidence and notes, link services, check a
claimed remedy and lift or dismiss the case, which resumes the services the case
suspended. The client reads its cases and answers them, optionally saying the violation is
remedied, which holds the suspension until staff have looked (annex 10 §5: a block lifts
within a day of proof of remedy). The deadlines themselves fire in
:mod:`hostledger.abuse.deadlines`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.abuse import conf
from hostledger.abuse.intake import (
    EvidenceFile,
    checked_files,
    clean_category,
    clean_text,
    event_record,
    evidence_store,
    long_text,
    services_link,
)
from hostledger.abuse.models import (
    OPEN_STATUSES,
    AbuseCase,
    AbuseCaseEvent,
    AbuseCaseService,
    AbuseReporter,
    CaseStatus,
    Category,
)
from hostledger.abuse.notices import case_lifted_notify, case_notified_notify
from hostledger.accounts import permissions as perms
from hostledger.automation.actions import abuse_terminations_lapse
from hostledger.core.audit import record_audit_event
from hostledger.core.calendar import add_working_days
from hostledger.core.crypto import blind_index
from hostledger.core.errors import DomainError, NotFound, PermissionDenied
from hostledger.core.registry import setting_value
from hostledger.subscriptions.actions.lifecycle import service_resume
from hostledger.subscriptions.models import Service, ServiceStatus

NOTE_MAX = 5000

GRACE_SETTING = {
    Category.SPAM: conf.GRACE_HOURS_SPAM,
    Category.PROHIBITED_CONTENT: conf.GRACE_HOURS_PROHIBITED_CONTENT,
    Category.RESOURCE_OVERUSE: conf.GRACE_HOURS_RESOURCE_OVERUSE,
    Category.SECURITY_THREAT: conf.GRACE_HOURS_SECURITY_THREAT,
    Category.AUTHORITY_ORDER: conf.GRACE_HOURS_AUTHORITY_ORDER,
}
"""The provider setting of the hours to remedy each kind of violation (ABU-02); a third
party's claim counts working days instead (ABU-03)."""


def require_abuse_manage(actor) -> None:
    if actor is None or not perms.has_permission(actor, perms.ABUSE_MANAGE):
        raise PermissionDenied(_("Handling abuse cases needs the abuse.manage permission."))


def _locked(case: AbuseCase) -> AbuseCase:
    if not isinstance(case, AbuseCase):
        raise NotFound("abuse case")
    return AbuseCase.objects.select_for_update().get(pk=case.pk)


def _require_open(case: AbuseCase, *allowed: str) -> None:
    allowed = allowed or OPEN_STATUSES
    if case.status not in allowed:
        raise DomainError(
            "case_not_open",
            _("This case is %(state)s; that cannot be done now.")
            % {"state": case.get_status_display().lower()},
            fields={"case": f"status is {case.status}"},
            status=409,
        )


def suspension_deadline(*, category: str, notified_at: datetime) -> datetime:
    """When the services are suspended unless remedied: ``notified_at`` plus the hours of
    the category (ABU-02), or, for a third party's claim, the same time of day on the
    ``abuse.third_party_claim_working_days``-th working day after the notice, by the
    provider's calendar (ABU-03, AUT-05)."""
    if category == Category.THIRD_PARTY_CLAIM:
        local = timezone.localtime(notified_at)
        day = add_working_days(local.date(), setting_value(conf.CLAIM_WORKING_DAYS))
        return timezone.make_aware(datetime.combine(day, local.time()), local.tzinfo)
    return notified_at + timedelta(hours=setting_value(GRACE_SETTING[category]))


@transaction.atomic
def abuse_case_notify(
    *, case: AbuseCase, actor, note: str = "", category: str | None = None, now=None
) -> AbuseCase:
    """Staff send the complaint to the client (ABU-02, ABU-03): the deadline to remedy it
    starts now; the client is told by the notifications app with the case and the deadline,
    and reads the report on the case's page. The case must have a client; ``category`` may
    correct the one the report suggested."""
    require_abuse_manage(actor)
    now = now or timezone.now()
    note = clean_text(note, "note", maximum=NOTE_MAX)
    locked = _locked(case)
    _require_open(locked, CaseStatus.NEW)
    if category is not None:
        locked.category = clean_category(category)
    if locked.client_id is None:
        raise DomainError(
            "no_client",
            _("Link the case to a client's service before notifying the client."),
            fields={"case": "no client"},
        )
    locked.status = CaseStatus.NOTIFIED
    locked.notified_at = now
    locked.suspend_due_at = suspension_deadline(category=locked.category, notified_at=now)
    locked.save(update_fields=["category", "status", "notified_at", "suspend_due_at"])
    event_record(
        locked,
        key=f"{locked.public_id}:notified",
        kind=AbuseCaseEvent.Kind.CLIENT_NOTIFIED,
        now=now,
        actor=actor,
        note=note or f"Deadline {timezone.localtime(locked.suspend_due_at):%Y-%m-%d %H:%M}.",
    )
    case_notified_notify(case=locked)
    record_audit_event(
        action="abuse.client_notified",
        actor=actor,
        obj=locked,
        subject_client_id=locked.client_id,
        data={"category": locked.category},
    )
    return locked


@transaction.atomic
def abuse_case_service_link(*, case: AbuseCase, actor, service_public_id: str, now=None):
    """Staff link a service to the case (ABU-01); the first link gives the case its
    client, and every later one must be of that client."""
    require_abuse_manage(actor)
    now = now or timezone.now()
    locked = _locked(case)
    _require_open(locked)
    service_public_id = clean_text(service_public_id, "service", maximum=40, required=True)
    service = Service.objects.filter(public_id=service_public_id).first()
    if service is None:
        raise DomainError(
            "invalid_input", _("service: no such service."), fields={"service": "no such service"}
        )
    if locked.client_id is not None and service.client_id != locked.client_id:
        raise DomainError(
            "invalid_input",
            _("service: it belongs to another client than the case's."),
            fields={"service": "of another client"},
        )
    linked = services_link(locked, [(service, AbuseCaseService.MatchedBy.STAFF)], now=now)
    if linked:
        event_record(
            locked,
            key=f"{locked.public_id}:link:{service.public_id}",
            kind=AbuseCaseEvent.Kind.CLIENT_FOUND,
            now=now,
            actor=actor,
            note=f"Service {service.public_id} linked by staff.",
        )
    return AbuseCase.objects.get(pk=locked.pk)


@transaction.atomic
def abuse_case_note_add(
    *, case: AbuseCase, actor, note: str = "", files: list[EvidenceFile] = (), now=None
) -> AbuseCase:
    """Staff add a note or evidence files to the case (ABU-01)."""
    require_abuse_manage(actor)
    now = now or timezone.now()
    text = clean_text(note, "note", maximum=NOTE_MAX)
    files = checked_files(files)
    if not text and not files:
        raise DomainError("invalid_input", _("note: write a note."), fields={"note": "required"})
    locked = _locked(case)
    evidence_store(locked, now=now, files=files)
    event_record(
        locked,
        key=f"{locked.public_id}:note:{now.isoformat()}",
        kind=AbuseCaseEvent.Kind.NOTE if text else AbuseCaseEvent.Kind.EVIDENCE_ADDED,
        now=now,
        actor=actor,
        note=text,
    )
    return locked


@transaction.atomic
def abuse_case_answer(
    *,
    case: AbuseCase,
    client,
    author,
    text: str,
    remedied: bool = False,
    files: list[EvidenceFile] = (),
    now=None,
) -> AbuseCase:
    """The client answers a case about its services (ABU-02). ``remedied`` says the
    violation is remedied: the suspension deadline is held and staff are given
    ``abuse.lift_within_hours`` to check the proof and lift (annex 10 §5)."""
    now = now or timezone.now()
    text, cut = long_text(text, "text")
    if not text.strip():
        raise DomainError(
            "invalid_input", _("text: write your answer."), fields={"text": "required"}
        )
    files = checked_files(files)
    locked = _locked(case)
    if locked.client_id != getattr(client, "pk", None):
        raise NotFound("abuse case")
    _require_open(locked, CaseStatus.NOTIFIED, CaseStatus.SUSPENDED, CaseStatus.REMEDY_CLAIMED)
    evidence_store(locked, now=now, text=text, truncated=cut, files=files)
    kind = AbuseCaseEvent.Kind.CLIENT_ANSWERED
    if remedied and locked.status != CaseStatus.REMEDY_CLAIMED:
        kind = AbuseCaseEvent.Kind.REMEDY_CLAIMED
        locked.status = CaseStatus.REMEDY_CLAIMED
        locked.remedy_claimed_at = now
        locked.lift_due_at = now + timedelta(hours=setting_value(conf.LIFT_WITHIN_HOURS))
        locked.save(update_fields=["status", "remedy_claimed_at", "lift_due_at"])
    event_record(
        locked,
        key=f"{locked.public_id}:answer:{now.isoformat()}",
        kind=kind,
        now=now,
        actor=author,
        by_client=True,
        note=text[:NOTE_MAX],
    )
    return locked


@transaction.atomic
def abuse_remedy_reject(*, case: AbuseCase, actor, note: str, now=None) -> AbuseCase:
    """Staff find the claimed remedy insufficient: the case goes back to where it stood,
    with its original deadline (already passed: the deadline job suspends at its next
    run)."""
    require_abuse_manage(actor)
    now = now or timezone.now()
    note = clean_text(note, "note", maximum=NOTE_MAX, required=True)
    locked = _locked(case)
    _require_open(locked, CaseStatus.REMEDY_CLAIMED)
    locked.status = CaseStatus.SUSPENDED if locked.suspended_at else CaseStatus.NOTIFIED
    locked.lift_due_at = None
    locked.save(update_fields=["status", "lift_due_at"])
    event_record(
        locked,
        key=f"{locked.public_id}:remedy_rejected:{now.isoformat()}",
        kind=AbuseCaseEvent.Kind.NOTE,
        now=now,
        actor=actor,
        note="Remedy not accepted: " + note,
    )
    return locked


def _services_resume(case: AbuseCase, *, reason: str) -> int:
    """Resume the services this case suspended, unless another open case suspended them
    too; returns how many resumed."""
    resumed = 0
    links = AbuseCaseService.objects.filter(case=case, suspended_by_case=True).select_related(
        "service"
    )
    for link in links.order_by("id"):
        still_held = (
            AbuseCaseService.objects.filter(
                service_id=link.service_id,
                suspended_by_case=True,
                case__status__in=OPEN_STATUSES,
            )
            .exclude(case=case)
            .exists()
        )
        if link.service.status == ServiceStatus.SUSPENDED and not still_held:
            service_resume(service=link.service, actor=None, reason=reason, notify=False)
            resumed += 1
    links.update(suspended_by_case=False)
    return resumed


def _close(case: AbuseCase, *, status: str, kind: str, actor, note: str, now) -> AbuseCase:
    locked = _locked(case)
    _require_open(locked)
    reason = f"Abuse case {locked.public_id} {'lifted' if kind == 'lifted' else 'dismissed'}."
    resumed = _services_resume(locked, reason=reason)
    locked.status = status
    locked.closed_at = now
    locked.lift_due_at = None
    locked.save(update_fields=["status", "closed_at", "lift_due_at"])
    abuse_terminations_lapse(case_public_id=locked.public_id, note=reason)
    event_record(
        locked,
        key=f"{locked.public_id}:{kind}",
        kind=kind,
        now=now,
        actor=actor,
        note=(note + f" ({resumed} service(s) resumed.)").strip(),
    )
    if locked.client_id is not None and locked.notified_at is not None:
        case_lifted_notify(case=locked)
    record_audit_event(
        action=f"abuse.case_{kind}",
        actor=actor,
        obj=locked,
        subject_client_id=locked.client_id,
        data={"resumed": resumed},
    )
    return locked


@transaction.atomic
def abuse_case_lift(*, case: AbuseCase, actor, note: str = "", now=None) -> AbuseCase:
    """Staff lift the case: the violation is remedied (ABU-02, annex 10 §5). Every service
    the case suspended resumes, a termination proposal still waiting lapses, and the client
    is told."""
    require_abuse_manage(actor)
    note = clean_text(note, "note", maximum=NOTE_MAX)
    return _close(
        case,
        status=CaseStatus.RESOLVED,
        kind=AbuseCaseEvent.Kind.LIFTED,
        actor=actor,
        note=note,
        now=now or timezone.now(),
    )


@transaction.atomic
def abuse_case_dismiss(*, case: AbuseCase, actor, note: str, now=None) -> AbuseCase:
    """Staff dismiss the case: no violation, or no service of the provider is concerned
    (ABU-01); the reason is required. Like a lift, anything it suspended resumes."""
    require_abuse_manage(actor)
    note = clean_text(note, "note", maximum=NOTE_MAX, required=True)
    return _close(
        case,
        status=CaseStatus.DISMISSED,
        kind=AbuseCaseEvent.Kind.DISMISSED,
        actor=actor,
        note=note,
        now=now or timezone.now(),
    )


@transaction.atomic
def abuse_reporter_erase(*, email: str, actor, now=None) -> int:
    """Erase the name and e-mail address of every report by the reporter at ``email``, on
    their request (GDPR art. 17); the cases and their evidence stay. Returns how many
    reporter records were erased."""
    require_abuse_manage(actor)
    now = now or timezone.now()
    email = clean_text(email, "email", maximum=254, required=True).lower()
    index = blind_index(email, purpose="abuse-reporter-email")
    erased = AbuseReporter.objects.filter(email_index=index, erased_at__isnull=True).update(
        name="", email="", email_index="", erased_at=now
    )
    record_audit_event(action="abuse.reporter_erased", actor=actor, data={"records": erased})
    return erased
