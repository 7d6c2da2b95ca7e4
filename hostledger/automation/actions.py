"""Decisions the billing run proposes or makes, and what staff and clients do with them
(AUT-06, AUT-02; seed 002: no decision with legal effect by automatic processing alone).

A termination for debt ends the service's contract; the debt remains: the unpaid renewal
invoices of periods already begun stay open, only the proformas of periods not yet begun are
withdrawn. Every move is a conditional UPDATE of the decision's state, audited.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.automation.dunning import penalty_settle_at
from hostledger.automation.models import AutomatedDecision, BillingClock, ServiceRenewal
from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError
from hostledger.datacenter.actions import ip_allocation_release
from hostledger.datacenter.selectors import allocation_by_public_id, allocation_is_short
from hostledger.invoicing.actions import proforma_cancel, proforma_lines_reduce
from hostledger.invoicing.models import Invoice
from hostledger.ledger.locks import lock_client_balance
from hostledger.subscriptions.actions._common import require_services_manage
from hostledger.subscriptions.actions.lifecycle import terminate
from hostledger.subscriptions.models import ServiceStatus
from hostledger.subscriptions.proration import remaining_share_minor

NOTE_MAX = 2000
LAPSED_NOTE = "No longer holds: the debt was paid or the client answered."


def _clean_text(value, field: str, *, required: bool) -> str:
    text = (value or "").strip() if isinstance(value, str | type(None)) else None
    if text is None:
        raise DomainError(
            "invalid_input",
            _("%(field)s: expected text.") % {"field": field},
            fields={field: "text"},
        )
    if required and not text:
        raise DomainError(
            "invalid_input",
            _("%(field)s: please say why.") % {"field": field},
            fields={field: "required"},
        )
    if len(text) > NOTE_MAX:
        raise DomainError(
            "invalid_input",
            _("%(field)s: at most %(note_max)s characters.")
            % {"field": field, "note_max": NOTE_MAX},
            fields={field: f"longer than {NOTE_MAX} characters"},
        )
    return text


def _locked(decision: AutomatedDecision) -> AutomatedDecision:
    if not isinstance(decision, AutomatedDecision):
        raise DomainError(
            "invalid_input", _("decision: no such decision."), fields={"decision": "not found"}
        )
    return AutomatedDecision.objects.select_for_update().get(pk=decision.pk)


def verification_terminations_propose(candidates, *, as_of) -> int:
    """Propose ending the contract of each client whose data verification request is still
    unanswered on its termination day (ACC-10, AUT-06), once per request, with the facts it
    rests on; applied at once where the provider made it automatic. Returns how many are
    new."""
    from hostledger.automation import conf
    from hostledger.core.registry import setting_value

    automatic = setting_value(conf.AUTO_TERMINATE_FOR_VERIFICATION)
    made = 0
    for request in candidates:
        decision, created = AutomatedDecision.objects.get_or_create(
            kind=AutomatedDecision.Kind.TERMINATE_FOR_VERIFICATION,
            subject_key=f"verification:{request.public_id}",
            defaults={
                "client": request.client,
                "state": AutomatedDecision.State.PROPOSED,
                "automatic": automatic,
                "proposed_at": timezone.now(),
                "inputs": {
                    "verification_request": request.public_id,
                    "opened_on": request.opened_on.isoformat(),
                    "answer_due_on": request.answer_due_on.isoformat(),
                    "terminable_on": request.terminable_on.isoformat(),
                    "as_of": as_of.isoformat(),
                },
            },
        )
        if created:
            made += 1
            record_audit_event(
                action="automation.decision_proposed",
                obj=decision,
                subject_client_id=decision.client_id,
                data={"kind": decision.kind},
            )
    return made


@transaction.atomic
def abuse_termination_propose(
    *, case_public_id: str, client, service, inputs: dict, as_of
) -> tuple[AutomatedDecision, bool]:
    """Propose ending the contract of ``service`` because the abuse case ``case_public_id``
    was not remedied in time (ABU-02, 003 §7.5), for staff to confirm (AUT-06): never
    automatic. Once per (case, service); returns the decision and whether it is new."""
    decision, created = AutomatedDecision.objects.get_or_create(
        kind=AutomatedDecision.Kind.TERMINATE_FOR_ABUSE,
        subject_key=f"abuse:{case_public_id}:{service.public_id}",
        defaults={
            "client": client,
            "service": service,
            "state": AutomatedDecision.State.PROPOSED,
            "automatic": False,
            "proposed_at": as_of,
            "inputs": {"abuse_case": case_public_id, **inputs, "as_of": as_of.isoformat()},
        },
    )
    if created:
        record_audit_event(
            action="automation.decision_proposed",
            obj=decision,
            subject_client_id=decision.client_id,
            data={"kind": decision.kind},
        )
    return decision, created


@transaction.atomic
def abuse_terminations_lapse(*, case_public_id: str, note: str) -> int:
    """The abuse case ``case_public_id`` was lifted or dismissed: its termination proposals
    still waiting for staff no longer hold (ABU-02, AUT-06). Returns how many lapsed."""
    lapsed = 0
    pending = AutomatedDecision.objects.select_for_update().filter(
        kind=AutomatedDecision.Kind.TERMINATE_FOR_ABUSE,
        subject_key__startswith=f"abuse:{case_public_id}:",
        state=AutomatedDecision.State.PROPOSED,
    )
    for decision in pending.order_by("id"):
        _settle(decision, AutomatedDecision.State.LAPSED, None, note)
        lapsed += 1
    return lapsed


def ip_reclaim_propose(*, allocation, standing, warned_at, remedy_by, as_of) -> bool:
    """Propose to staff taking back an IP allocation still under-used after the client was
    warned and its time to remedy ran out (SUP-06, annex 7 §5.5; AUT-06). Never automatic:
    staff confirm or reject it. Once per allocation and warning, with the facts it rests on;
    returns whether it is new. Runs in the caller's transaction."""
    decision, created = AutomatedDecision.objects.get_or_create(
        kind=AutomatedDecision.Kind.RECLAIM_IP_ADDRESSES,
        subject_key=f"ip:{allocation.public_id}:{warned_at.date().isoformat()}",
        defaults={
            "client_id": allocation.client_id,
            "service_id": allocation.service_id,
            "state": AutomatedDecision.State.PROPOSED,
            "automatic": False,
            "proposed_at": timezone.now(),
            "inputs": {
                "allocation": allocation.public_id,
                "network": allocation.network,
                "service": allocation.service.public_id,
                "allocated_on": allocation.allocated_on.isoformat(),
                "addresses_allocated": standing.size,
                "addresses_in_use": standing.in_use,
                "required_percent": standing.required_percent,
                "warned_on": warned_at.date().isoformat(),
                "remedy_by": remedy_by.isoformat(),
                "checked_on": as_of.isoformat(),
            },
        },
    )
    if created:
        record_audit_event(
            action="automation.decision_proposed",
            obj=decision,
            subject_client_id=decision.client_id,
            data={"kind": decision.kind},
        )
    return created


def _reclaimed_allocation(decision: AutomatedDecision):
    inputs = decision.inputs if isinstance(decision.inputs, dict) else {}
    return allocation_by_public_id(str(inputs.get("allocation", "")))


def _services_of(decision: AutomatedDecision):
    """The live services a decision ends: its own service, or every service of the client
    when the whole contract ends (unanswered data verification)."""
    from hostledger.subscriptions.models import Service

    if decision.service_id is not None:
        return [decision.service]
    return list(
        Service.objects.filter(client_id=decision.client_id)
        .exclude(status__in=[ServiceStatus.TERMINATED, ServiceStatus.PENDING])
        .order_by("id")
    )


def _carry_out(decision: AutomatedDecision, *, actor, today: date) -> None:
    """End the contract for the decision's reason, any debt remaining; or, for under-used IP
    addresses, return them to the pool (SUP-06)."""
    if decision.kind == AutomatedDecision.Kind.RECLAIM_IP_ADDRESSES:
        allocation = _reclaimed_allocation(decision)
        ip_allocation_release(
            allocation=allocation,
            actor=actor,
            reason=f"Reclaimed: too few addresses in use (decision {decision.public_id}).",
        )
        return
    reason = (
        f"{decision.get_kind_display()} (decision {decision.public_id}, "
        f"{'automatic' if decision.automatic else 'confirmed by staff'})."
    )
    for service in _services_of(decision):
        if service.status != ServiceStatus.TERMINATED:
            _service_end(service, actor=actor, reason=reason, today=today)


def _service_end(service, *, actor, reason: str, today: date) -> None:
    lock_client_balance(service.client)
    terminate(service, actor=actor, reason=reason, today=today)


def begun_renewals_end(*, service, actor, reason: str, ended_on: date) -> int:
    """Keep as the debt of the terminated ``service`` what its unpaid renewals of periods
    already begun are owed on ``ended_on`` (AUT-02; 003 §2.2.5: the client is not exempt from
    the debt; §2.2.10: the suspended time is payable): each proforma is reduced to the days
    from its period's start to the day before the termination, prorated to the day, and its
    late-payment penalty is worked out to the termination day and kept with it, to be
    posted when the debt is paid (BIL-07). A period that begins on the termination day owes
    nothing and its proforma is withdrawn. Runs in the caller's transaction, which holds the
    client's balance. Returns how many renewals were kept as debt."""
    begun = ServiceRenewal.objects.filter(
        service=service,
        state=ServiceRenewal.State.INVOICED,
        starts_on__lte=ended_on,
        invoice__status=Invoice.Status.ISSUED,
    ).select_related("invoice")
    kept = 0
    for renewal in begun.order_by("starts_on"):
        last_day = min(ended_on - timedelta(days=1), renewal.ends_on)
        if last_day < renewal.starts_on:
            proforma_cancel(proforma=renewal.invoice, actor=actor, reason=reason)
            ServiceRenewal.objects.filter(pk=renewal.pk).update(
                state=ServiceRenewal.State.CANCELLED
            )
            continue
        first_unused = last_day + timedelta(days=1)
        invoice = proforma_lines_reduce(
            proforma=renewal.invoice,
            nets={
                line.pk: line.net_minor
                - remaining_share_minor(
                    line.net_minor,
                    starts_on=renewal.starts_on,
                    ends_on=renewal.ends_on,
                    first=first_unused,
                )
                for line in renewal.invoice.lines.all()
            },
            period_end=last_day,
            note=f"{renewal.starts_on.isoformat()} to {last_day.isoformat()}, until termination",
            actor=actor,
        )
        ServiceRenewal.objects.filter(pk=renewal.pk).update(
            ends_on=last_day, net_minor=invoice.net_minor
        )
        penalty_settle_at(invoice=invoice, through=ended_on)
        kept += 1
    return kept


def future_renewals_cancel(*, service, actor, reason: str, today: date | None = None) -> int:
    """Withdraw the unpaid renewal proformas of periods the terminated ``service`` will not
    reach; those of periods already begun stay open as the debt (AUT-02). Runs in the
    caller's transaction. Returns how many were withdrawn."""
    today = today or timezone.localdate()
    future = ServiceRenewal.objects.filter(
        service=service, state=ServiceRenewal.State.INVOICED, starts_on__gt=today
    ).select_related("invoice")
    withdrawn = 0
    for renewal in future.order_by("starts_on"):
        if renewal.invoice.status == Invoice.Status.ISSUED:
            proforma_cancel(proforma=renewal.invoice, actor=actor, reason=reason)
        withdrawn += ServiceRenewal.objects.filter(
            pk=renewal.pk, state=ServiceRenewal.State.INVOICED
        ).update(state=ServiceRenewal.State.CANCELLED)
    return withdrawn


def billing_today() -> date:
    """The day a staff decision takes effect: the local date, or the billing run's day when
    the run has been made as of a later moment (a catch-up, a scenario driven by ``as_of``),
    so that a termination never ends periods the run has already begun (AUT-02)."""
    today = timezone.localdate()
    as_of = BillingClock.objects.filter(as_of__isnull=False).values_list("as_of", flat=True)
    latest = as_of.first()
    return max(today, timezone.localtime(latest).date()) if latest else today


def _still_owed(decision: AutomatedDecision) -> bool:
    """Whether the ground of the decision still stands: the invoice unpaid, or the
    verification request still unanswered."""
    if decision.kind == AutomatedDecision.Kind.RECLAIM_IP_ADDRESSES:
        allocation = _reclaimed_allocation(decision)
        return allocation is not None and allocation_is_short(
            allocation.pk, on_day=timezone.localdate()
        )
    if decision.kind == AutomatedDecision.Kind.TERMINATE_FOR_VERIFICATION:
        from hostledger.accounts.models import VerificationRequest

        public_id = decision.subject_key.split(":", 1)[1]
        return VerificationRequest.objects.filter(
            public_id=public_id, state__in=VerificationRequest.AWAITING_ANSWER
        ).exists()
    if decision.invoice_id is None:
        return True
    return Invoice.objects.filter(pk=decision.invoice_id, status=Invoice.Status.ISSUED).exists()


def decisions_apply_automatic(*, today: date) -> int:
    """Carry out the terminations the run made with the provider's automatic setting on
    (AUT-06); one transaction each. Returns how many services were terminated."""
    done = 0
    pending = AutomatedDecision.objects.filter(
        automatic=True, state=AutomatedDecision.State.PROPOSED
    ).order_by("id")
    for decision_id in pending.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            decision = AutomatedDecision.objects.select_for_update().get(pk=decision_id)
            if decision.state != AutomatedDecision.State.PROPOSED:
                continue
            if not _still_owed(decision):
                _settle(decision, AutomatedDecision.State.LAPSED, None, LAPSED_NOTE)
                continue
            _carry_out(decision, actor=None, today=today)
            _settle(decision, AutomatedDecision.State.APPLIED, None, "Applied automatically.")
            done += 1
    return done


def _settle(decision, state: str, actor, note: str) -> None:
    AutomatedDecision.objects.filter(pk=decision.pk, state=decision.state).update(
        state=state, decided_at=timezone.now(), decided_by=actor, decision_note=note
    )
    record_audit_event(
        action=f"automation.decision_{state}",
        actor=actor,
        obj=decision,
        subject_client_id=decision.client_id,
        data={"kind": decision.kind, "note": note[:200]},
    )


@transaction.atomic
def decision_confirm(*, decision: AutomatedDecision, actor, note: str = "", today=None):
    """Staff confirm a proposed termination and it is carried out (AUT-06). If its ground
    no longer holds (the debt was paid, the client answered), nothing is terminated and the
    decision is returned lapsed."""
    require_services_manage(actor, system_allowed=False)
    note = _clean_text(note, "note", required=False)
    locked = _locked(decision)
    if locked.state != AutomatedDecision.State.PROPOSED:
        raise DomainError(
            "decision_not_open",
            _("This decision is %(state)s.") % {"state": locked.get_state_display().lower()},
            fields={"decision": f"state is {locked.state}"},
            status=409,
        )
    if not _still_owed(locked):
        # Nothing to carry out: the decision lapses, which the caller sees in its state.
        _settle(locked, AutomatedDecision.State.LAPSED, actor, LAPSED_NOTE)
        return AutomatedDecision.objects.get(pk=locked.pk)
    _carry_out(locked, actor=actor, today=today or billing_today())
    _settle(locked, AutomatedDecision.State.APPLIED, actor, note or "Confirmed by staff.")
    return AutomatedDecision.objects.get(pk=locked.pk)


@transaction.atomic
def decision_reject(*, decision: AutomatedDecision, actor, note: str):
    """Staff decline a proposed termination; the reason is required (AUT-06)."""
    require_services_manage(actor, system_allowed=False)
    note = _clean_text(note, "note", required=True)
    locked = _locked(decision)
    if locked.state != AutomatedDecision.State.PROPOSED:
        raise DomainError(
            "decision_not_open",
            _("This decision is %(state)s.") % {"state": locked.get_state_display().lower()},
            fields={"decision": f"state is {locked.state}"},
            status=409,
        )
    _settle(locked, AutomatedDecision.State.REJECTED, actor, note)
    return AutomatedDecision.objects.get(pk=locked.pk)


@transaction.atomic
def decision_review_request(*, decision: AutomatedDecision, client, reason: str):
    """The client asks for a person to review a decision about them (AUT-06, GDPR art. 22)."""
    reason = _clean_text(reason, "reason", required=True)
    locked = _locked(decision)
    if locked.client_id != getattr(client, "pk", None):
        raise DomainError("not_found", _("No such decision."), status=404)
    if locked.review_requested_at is not None:
        raise DomainError(
            "review_already_requested",
            _("A review of this decision has already been asked for."),
            fields={"decision": "review requested"},
            status=409,
        )
    AutomatedDecision.objects.filter(pk=locked.pk, review_requested_at__isnull=True).update(
        review_requested_at=timezone.now(), review_reason=reason
    )
    record_audit_event(
        action="automation.decision_review_requested",
        obj=locked,
        subject_client_id=locked.client_id,
        data={"kind": locked.kind},
    )
    return AutomatedDecision.objects.get(pk=locked.pk)


@transaction.atomic
def decision_review_answer(*, decision: AutomatedDecision, actor, outcome: str):
    """Staff answer a client's review request with the outcome, in words (AUT-06)."""
    require_services_manage(actor, system_allowed=False)
    outcome = _clean_text(outcome, "outcome", required=True)
    locked = _locked(decision)
    if locked.review_requested_at is None or locked.reviewed_at is not None:
        raise DomainError(
            "no_open_review",
            _("There is no open review request on this decision."),
            fields={"decision": "no open review"},
            status=409,
        )
    AutomatedDecision.objects.filter(pk=locked.pk, reviewed_at__isnull=True).update(
        reviewed_at=timezone.now(), reviewed_by=actor, review_outcome=outcome
    )
    record_audit_event(
        action="automation.decision_reviewed",
        actor=actor,
        obj=locked,
        subject_client_id=locked.client_id,
        data={"kind": locked.kind},
    )
    return AutomatedDecision.objects.get(pk=locked.pk)
