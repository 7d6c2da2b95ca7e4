"""Acts of acceptance: forming, confirming, disputing and resolving disputes (DOC-01, DOC-02).

Forming reads every paid invoice line and credit-note line of a month in two queries, groups
them per payer and currency in Python and inserts one act per group; the unique key (payer,
month, currency) makes a second run, or a run at the same time, form nothing new. Which line
goes into which act, and how a line spanning months is split, is explained in
:mod:`hostledger.invoicing.acts`. Paper-act requests are in :mod:`.paper_acts`.

Permission checks stay in web and API: client-facing callers load the act through
``hostledger.invoicing.act_selectors.client_act`` (another client's act is NotFound) and
pass it here with the acting user as ``actor``.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext

from hostledger.accounts.models import Payer
from hostledger.core.audit import record_audit_event
from hostledger.core.calendar import add_working_days
from hostledger.core.errors import DomainError
from hostledger.core.fields import for_subject_of
from hostledger.core.registry import setting_value
from hostledger.invoicing import conf
from hostledger.invoicing.actions.invoices import clean_date
from hostledger.invoicing.acts import (
    act_month_of_part,
    line_parts,
    month_end,
    month_start,
    next_month_start,
    previous_month_start,
)
from hostledger.invoicing.models import (
    AcceptanceAct,
    AcceptanceActLine,
    ActDispute,
    CreditNote,
    CreditNoteLine,
    Invoice,
    InvoiceLine,
)
from hostledger.invoicing.snapshots import payer_snapshot, provider_snapshot

MAX_REASONS_LENGTH = 4000
MAX_NOTE_LENGTH = 2000
# Columns of invoices and credit notes forming never reads: left unloaded (and undecrypted).
_UNUSED_DOCUMENT_FIELDS = ("payer_snapshot", "provider_snapshot")


def _clean_text(value, field: str, what: str, max_length: int) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text or len(text) > max_length:
        raise DomainError(
            f"invalid_{field}",
            gettext("%(field)s: %(what)s (at most %(max_length)s characters).")
            % {"field": field, "what": what, "max_length": max_length},
            fields={field: f"required, at most {max_length} characters"},
        )
    return text


def _clean_now(now) -> datetime:
    if now is None:
        return timezone.now()
    if not isinstance(now, datetime) or timezone.is_naive(now):
        raise DomainError(
            "invalid_time",
            gettext("now: expected an aware date and time."),
            fields={"now": "not aware"},
        )
    return now


def _invoice_rows(month: date, payer) -> list[dict]:
    """The monthly parts of paid invoice lines that belong in ``month``'s acts."""
    last_day = month_end(month)
    lines = (
        InvoiceLine.objects.filter(
            invoice__kind=Invoice.Kind.FINAL,
            invoice__status=Invoice.Status.PAID,
            invoice__finalised_on__lte=last_day,
        )
        .filter(
            Q(invoice__finalised_on__gte=month)
            | Q(period_start__lte=last_day, period_end__gte=month)
        )
        .select_related("invoice")
        .defer(*(f"invoice__{name}" for name in _UNUSED_DOCUMENT_FIELDS))
        .order_by("invoice__finalised_on", "invoice__number_display", "position", "id")
    )
    if payer is not None:
        lines = lines.filter(invoice__payer_id=payer.pk)
    rows = []
    for line in lines:
        invoice = line.invoice
        parts = line_parts(
            net_minor=line.net_minor,
            vat_minor=line.vat_minor,
            currency=invoice.currency,
            period_start=line.period_start,
            period_end=line.period_end,
            fallback_day=invoice.finalised_on,
        )
        for part in parts:
            if act_month_of_part(part, invoice.finalised_on) != month:
                continue
            rows.append(
                {
                    "key": (invoice.payer_id, invoice.currency),
                    "invoice_line": line,
                    "credit_note_line": None,
                    "document_number": invoice.number_display,
                    "description": line.description,
                    "service_month": part.service_month,
                    "period_start": part.period_start,
                    "period_end": part.period_end,
                    "vat_rate": line.vat_rate,
                    "net_minor": part.net_minor,
                    "vat_minor": part.vat_minor,
                }
            )
    return rows


def _credit_rows(month: date, payer) -> list[dict]:
    """The credit-note lines issued in ``month``, subtracted whole (negative amounts)."""
    lines = (
        CreditNoteLine.objects.filter(
            credit_note__status=CreditNote.Status.ISSUED,
            credit_note__issued_on__gte=month,
            credit_note__issued_on__lte=month_end(month),
        )
        .select_related("credit_note__invoice")
        .defer(
            *(f"credit_note__{name}" for name in _UNUSED_DOCUMENT_FIELDS),
            *(f"credit_note__invoice__{name}" for name in _UNUSED_DOCUMENT_FIELDS),
        )
        .order_by("credit_note__issued_on", "credit_note__number_display", "position", "id")
    )
    if payer is not None:
        lines = lines.filter(credit_note__invoice__payer_id=payer.pk)
    return [
        {
            "key": (line.credit_note.invoice.payer_id, line.credit_note.currency),
            "invoice_line": None,
            "credit_note_line": line,
            "document_number": line.credit_note.number_display,
            "description": line.description,
            "service_month": month,
            "period_start": line.period_start,
            "period_end": line.period_end,
            "vat_rate": line.vat_rate,
            "net_minor": line.net_minor,
            "vat_minor": line.vat_minor,
        }
        for line in lines
    ]


@transaction.atomic
def acts_form(
    *, month: date, actor=None, payer=None, now: datetime | None = None
) -> list[AcceptanceAct]:
    """Form the acts of acceptance of ``month`` (any day of it) for every payer (DOC-01).

    One act per payer and currency lists the services rendered in the month — the month's
    parts of the lines of paid final invoices (see :mod:`hostledger.invoicing.acts`) — and
    subtracts the credit notes issued in it, with net, VAT and gross per line and in total,
    the payer's and the provider's data as they are now, and a dispute deadline
    ``invoicing.act_dispute_working_days`` working days after forming (DOC-02). A payer with
    nothing in the month gets no act. The month must be over. Forming a month again forms
    only the acts still missing, so the job and a catch-up call are safe to repeat; form
    missed months oldest first. ``payer`` limits the run to one payer. Returns the acts
    formed by this call.
    """
    now = _clean_now(now)
    month = month_start(clean_date(month, "month"))
    formed_on = timezone.localdate(now)
    if month_end(month) >= formed_on:
        raise DomainError(
            "month_not_over",
            gettext("month: the acts of %(month)s are formed after the month ends.")
            % {"month": f"{month:%Y-%m}"},
            fields={"month": f"ends on {month_end(month).isoformat()}"},
        )
    rows = _invoice_rows(month, payer) + _credit_rows(month, payer)
    groups: dict[tuple[int, str], list[dict]] = defaultdict(list)
    for row in rows:
        groups[row["key"]].append(row)
    existing = set(
        AcceptanceAct.objects.filter(
            period_start=month, payer_id__in={payer_id for payer_id, _ in groups}
        ).values_list("payer_id", "currency")
    )
    wanted = {key: group for key, group in groups.items() if key not in existing}
    if not wanted:
        return []
    payers = Payer.objects.in_bulk({payer_id for payer_id, _ in wanted})
    provider = provider_snapshot()
    deadline = add_working_days(formed_on, setting_value(conf.ACT_DISPUTE_WORKING_DAYS))
    formed: list[AcceptanceAct] = []
    line_rows: list[AcceptanceActLine] = []
    for (payer_id, currency), group in sorted(wanted.items()):
        act = _act_create(
            payer=payers[payer_id],
            currency=currency,
            month=month,
            group=group,
            provider=provider,
            now=now,
            formed_on=formed_on,
            deadline=deadline,
        )
        if act is None:
            continue
        formed.append(act)
        line_rows.extend(
            AcceptanceActLine(
                act=act,
                position=position,
                **{name: value for name, value in row.items() if name != "key"},
            )
            for position, row in enumerate(group, start=1)
        )
    AcceptanceActLine.objects.bulk_create(line_rows, batch_size=1000)
    if formed:
        record_audit_event(
            action="acts.formed",
            actor=actor,
            data={"month": f"{month:%Y-%m}", "acts": len(formed)},
        )
    return formed


def _act_create(
    *, payer, currency, month, group, provider, now, formed_on, deadline
) -> AcceptanceAct | None:
    """Insert one act; None when another run formed it a moment ago."""
    net_minor = sum(row["net_minor"] for row in group)
    vat_minor = sum(row["vat_minor"] for row in group)
    try:
        with transaction.atomic():
            return AcceptanceAct.objects.create(
                client_id=payer.client_id,
                payer=payer,
                period_start=month,
                period_end=month_end(month),
                currency=currency,
                net_minor=net_minor,
                vat_minor=vat_minor,
                gross_minor=net_minor + vat_minor,
                payer_snapshot=payer_snapshot(payer),
                provider_snapshot=provider,
                formed_on=formed_on,
                formed_at=now,
                dispute_deadline=deadline,
            )
    except IntegrityError:
        if AcceptanceAct.objects.filter(
            payer=payer, period_start=month, currency=currency
        ).exists():
            return None
        raise


def _locked_act(act: AcceptanceAct) -> AcceptanceAct:
    locked = AcceptanceAct.objects.select_for_update().filter(pk=act.pk).first()
    if locked is None:
        raise DomainError("not_found", gettext("No such act."), status=404)
    return locked


def _refuse_unless_open(act: AcceptanceAct, today: date) -> None:
    """Refuse a dispute or confirmation of an act that is no longer open (DOC-02)."""
    if act.status in (AcceptanceAct.Status.DISPUTED, AcceptanceAct.Status.DISPUTE_UPHELD):
        raise DomainError(
            "act_disputed",
            gettext("act: act %(public_id)s is already disputed.") % {"public_id": act.public_id},
            fields={"act": "already disputed"},
            status=409,
        )
    if act.status == AcceptanceAct.Status.ACCEPTED:
        raise DomainError(
            "act_accepted",
            gettext("act: act %(public_id)s is already accepted.") % {"public_id": act.public_id},
            fields={"act": "already accepted"},
            status=409,
        )
    if today > act.dispute_deadline:
        deadline = act.dispute_deadline.isoformat()
        raise DomainError(
            "dispute_period_over",
            gettext(
                "dispute_deadline: act %(public_id)s could be disputed until "
                "%(deadline)s; without a dispute it counts as accepted."
            )
            % {"public_id": act.public_id, "deadline": deadline},
            fields={"dispute_deadline": f"passed on {deadline}"},
            status=409,
        )


@transaction.atomic
def act_dispute(*, act: AcceptanceAct, reasons: str, actor) -> ActDispute:
    """Dispute an act with reasons, by its dispute deadline (DOC-02).

    The deadline is ``invoicing.act_dispute_working_days`` working days after forming,
    fixed on the act when it was formed; a dispute after it, or of an act already accepted
    or disputed, is refused and nothing is written. The act stays disputed until staff
    resolve the dispute with :func:`act_dispute_resolve`.
    """
    reasons = _clean_text(
        reasons, "reasons", "say why the services are not accepted", MAX_REASONS_LENGTH
    )
    now = timezone.now()
    locked = _locked_act(act)
    _refuse_unless_open(locked, timezone.localdate(now))
    dispute = ActDispute.objects.create(act=locked, reasons=reasons, raised_by=actor, raised_at=now)
    AcceptanceAct.objects.filter(pk=locked.pk, status=AcceptanceAct.Status.FORMED).update(
        status=AcceptanceAct.Status.DISPUTED
    )
    record_audit_event(
        action="act.disputed",
        actor=actor,
        obj=locked,
        subject_client_id=locked.client_id,
        data={"dispute": dispute.public_id, "month": f"{locked.period_start:%Y-%m}"},
    )
    return dispute


@transaction.atomic
def act_confirm(*, act: AcceptanceAct, actor) -> AcceptanceAct:
    """Accept an act before its dispute deadline, as signing it would (003 §3.5, DOC-02).

    Refused, with nothing written, for an act already disputed or accepted, or past its
    deadline (it counts as accepted then anyway).
    """
    now = timezone.now()
    locked = _locked_act(act)
    _refuse_unless_open(locked, timezone.localdate(now))
    AcceptanceAct.objects.filter(pk=locked.pk, status=AcceptanceAct.Status.FORMED).update(
        status=AcceptanceAct.Status.ACCEPTED,
        acceptance=AcceptanceAct.Acceptance.CONFIRMED_BY_CLIENT,
        accepted_at=now,
        accepted_by=actor,
    )
    record_audit_event(
        action="act.confirmed",
        actor=actor,
        obj=locked,
        subject_client_id=locked.client_id,
        data={"month": f"{locked.period_start:%Y-%m}"},
    )
    locked.refresh_from_db()
    return locked


@transaction.atomic
def act_dispute_resolve(*, act: AcceptanceAct, outcome: str, note: str, actor) -> ActDispute:
    """Staff decide an open dispute of an act, with a note (DOC-02).

    ``outcome="upheld"``: the client is right; the act is marked ``dispute_upheld`` and staff
    correct the services with a credit note (:func:`credit_note_issue`, a separate step —
    this only records the decision). ``outcome="rejected"``: the act is accepted. Audited.
    """
    if outcome not in ActDispute.Outcome.values:
        raise DomainError(
            "invalid_outcome",
            gettext("outcome: choose upheld or rejected."),
            fields={"outcome": "upheld or rejected"},
        )
    note = _clean_text(note, "note", "explain the decision", MAX_NOTE_LENGTH)
    now = timezone.now()
    locked = _locked_act(act)
    dispute = ActDispute.objects.filter(act=locked).first()
    if locked.status != AcceptanceAct.Status.DISPUTED or dispute is None or not dispute.is_open:
        raise DomainError(
            "act_not_disputed",
            gettext("act: act %(public_id)s has no open dispute.")
            % {"public_id": locked.public_id},
            fields={"act": "no open dispute"},
            status=409,
        )
    ActDispute.objects.filter(pk=dispute.pk, outcome="").update(
        outcome=outcome,
        resolution_note=for_subject_of(dispute, note),
        resolved_by=actor,
        resolved_at=now,
    )
    if outcome == ActDispute.Outcome.UPHELD:
        changes = {"status": AcceptanceAct.Status.DISPUTE_UPHELD}
    else:
        changes = {
            "status": AcceptanceAct.Status.ACCEPTED,
            "acceptance": AcceptanceAct.Acceptance.DISPUTE_REJECTED,
            "accepted_at": now,
            "accepted_by": actor,
        }
    AcceptanceAct.objects.filter(pk=locked.pk, status=AcceptanceAct.Status.DISPUTED).update(
        **changes
    )
    record_audit_event(
        action="act.dispute_resolved",
        actor=actor,
        obj=locked,
        subject_client_id=locked.client_id,
        data={"dispute": dispute.public_id, "outcome": outcome},
    )
    dispute.refresh_from_db()
    return dispute


@transaction.atomic
def acts_accept_overdue(*, today: date | None = None) -> int:
    """Mark accepted every act still open after its dispute deadline (DOC-02, 003 §3.6).

    One conditional UPDATE, so running it again, or at the same time as a dispute, changes
    nothing twice; the selectors show these acts as accepted even before it runs. Returns
    how many acts it marked.
    """
    today = clean_date(today or timezone.localdate(), "today")
    return AcceptanceAct.objects.filter(
        status=AcceptanceAct.Status.FORMED, dispute_deadline__lt=today
    ).update(
        status=AcceptanceAct.Status.ACCEPTED,
        acceptance=AcceptanceAct.Acceptance.DEADLINE_PASSED,
        accepted_at=timezone.now(),
    )


def _first_billed_month() -> date | None:
    """The first month anything an act lists happened in: a billed period of a final
    invoice's line, a final invoice or a credit note. None before the first."""
    days = [
        InvoiceLine.objects.filter(invoice__kind=Invoice.Kind.FINAL).aggregate(
            day=Min("period_start")
        )["day"],
        Invoice.objects.filter(kind=Invoice.Kind.FINAL).aggregate(day=Min("finalised_on"))["day"],
        CreditNote.objects.aggregate(day=Min("issued_on"))["day"],
    ]
    days = [day for day in days if day is not None]
    return month_start(min(days)) if days else None


def acts_form_missing(
    *, formed_through: date | None, now: datetime | None = None
) -> tuple[list[AcceptanceAct], date | None]:
    """Form the acts of every finished month after ``formed_through`` (the first day of the
    last month already formed, or None: from the first month anything was billed), oldest
    first, up to the month before the one ``now`` falls in (DOC-01). A month the scheduler
    or the billing run missed is formed late rather than never. Returns the acts formed and
    the first day of the last finished month, to pass as ``formed_through`` next time."""
    now = _clean_now(now)
    last = previous_month_start(timezone.localdate(now))
    month = next_month_start(formed_through) if formed_through else _first_billed_month()
    if month is None:
        return [], formed_through
    formed: list[AcceptanceAct] = []
    while month <= last:
        formed.extend(acts_form(month=month, now=now))
        month = next_month_start(month)
    return formed, max(last, formed_through) if formed_through else last
