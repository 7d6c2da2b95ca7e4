"""Requests for paper acts posted once a quarter (DOC-03, seed 003 §3.3).

A client asks, per payer, to receive the acts of a quarter on paper; staff post them at the
start of the next quarter and mark the request sent. Whether paper acts are offered at all
and how many months a "quarter" has are provider settings.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError
from hostledger.core.registry import setting_value
from hostledger.invoicing import conf
from hostledger.invoicing.actions.invoices import clean_date
from hostledger.invoicing.acts import paper_period_bounds
from hostledger.invoicing.models import PaperActRequest
from hostledger.invoicing.snapshots import payer_snapshot

MAX_SENT_NOTE_LENGTH = 200


def paper_act_period_months() -> int:
    """How many months one paper-act period has (3: a quarter), from the provider setting."""
    return int(setting_value(conf.PAPER_ACT_PERIOD_MONTHS))


def _check_payer(client, payer) -> None:
    if payer is None or getattr(payer, "client_id", None) != client.pk:
        raise DomainError(
            "invalid_payer",
            _("payer: the payer must be one of the client's billing identities."),
            fields={"payer": "not a payer of this client"},
        )
    if payer.archived_at is not None:
        raise DomainError(
            "payer_archived",
            _("payer: this payer is archived; choose another."),
            fields={"payer": "archived"},
        )


def _duplicate(period_start: date) -> DomainError:
    return DomainError(
        "paper_acts_already_requested",
        _(
            "quarter_of: paper acts of the period from %(date)s are already "
            "requested for this payer."
        )
        % {"date": period_start.isoformat()},
        fields={"quarter_of": "already requested for this payer"},
        status=409,
    )


@transaction.atomic
def paper_act_request_file(
    *, client, payer, actor, quarter_of: date | None = None
) -> PaperActRequest:
    """File a request to receive the acts of one quarter on paper, for one payer (DOC-03).

    ``quarter_of`` is any day of the quarter (today's quarter when omitted); a quarter that
    has not begun is refused. The payer's name and postal address are kept as they are now.
    A payer has one open request per quarter: a second is refused and nothing is written.
    """
    if not setting_value(conf.PAPER_ACTS_OFFERED):
        raise DomainError(
            "paper_acts_not_offered",
            _("paper_acts: the provider does not post paper acts."),
            fields={"paper_acts": "not offered"},
        )
    _check_payer(client, payer)
    now = timezone.now()
    today = timezone.localdate(now)
    quarter_of = clean_date(quarter_of or today, "quarter_of")
    period_start, period_end = paper_period_bounds(quarter_of, paper_act_period_months())
    if period_start > today:
        raise DomainError(
            "future_period",
            _("quarter_of: the period from %(date)s has not begun.")
            % {"date": period_start.isoformat()},
            fields={"quarter_of": "a period that has not begun"},
        )
    open_requests = PaperActRequest.objects.filter(
        payer_id=payer.pk, period_start=period_start, status=PaperActRequest.Status.REQUESTED
    )
    if open_requests.exists():
        raise _duplicate(period_start)
    # The payer as stored now, not as the caller last read it: that is where the post goes.
    payer = type(payer)._default_manager.get(pk=payer.pk)
    try:
        with transaction.atomic():
            request = PaperActRequest.objects.create(
                client=client,
                payer=payer,
                period_start=period_start,
                period_end=period_end,
                postal_snapshot=payer_snapshot(payer),
                requested_by=actor,
                requested_at=now,
            )
    except IntegrityError:
        if open_requests.exists():
            raise _duplicate(period_start) from None
        raise
    return request


def _locked_request(request: PaperActRequest) -> PaperActRequest:
    locked = PaperActRequest.objects.select_for_update().filter(pk=request.pk).first()
    if locked is None:
        raise DomainError("not_found", _("No such paper-act request."), status=404)
    if locked.status != PaperActRequest.Status.REQUESTED:
        raise DomainError(
            "paper_act_request_closed",
            _("request: request %(public_id)s is %(state)s.")
            % {"public_id": locked.public_id, "state": locked.get_status_display().lower()},
            fields={"request": f"status is {locked.status}"},
            status=409,
        )
    return locked


@transaction.atomic
def paper_act_request_mark_sent(
    *, request: PaperActRequest, actor, note: str = ""
) -> PaperActRequest:
    """Staff record that the paper acts of a request were posted (DOC-03); ``note`` may hold
    a tracking number. Only an open request can be marked sent. Audited."""
    note = note.strip() if isinstance(note, str) else ""
    if len(note) > MAX_SENT_NOTE_LENGTH:
        raise DomainError(
            "invalid_note",
            _("note: at most %(max_sent_note_length)s characters.")
            % {"max_sent_note_length": MAX_SENT_NOTE_LENGTH},
            fields={"note": f"at most {MAX_SENT_NOTE_LENGTH} characters"},
        )
    locked = _locked_request(request)
    PaperActRequest.objects.filter(pk=locked.pk, status=PaperActRequest.Status.REQUESTED).update(
        status=PaperActRequest.Status.SENT, sent_by=actor, sent_at=timezone.now(), sent_note=note
    )
    record_audit_event(
        action="paper_act_request.sent",
        actor=actor,
        obj=locked,
        subject_client_id=locked.client_id,
        data={"period_start": locked.period_start.isoformat()},
    )
    locked.refresh_from_db()
    return locked


@transaction.atomic
def paper_act_request_withdraw(*, request: PaperActRequest, actor) -> PaperActRequest:
    """The client withdraws an open paper-act request (DOC-03); a new one for the same
    quarter can then be filed. A request already sent cannot be withdrawn."""
    locked = _locked_request(request)
    PaperActRequest.objects.filter(pk=locked.pk, status=PaperActRequest.Status.REQUESTED).update(
        status=PaperActRequest.Status.WITHDRAWN, withdrawn_at=timezone.now()
    )
    locked.refresh_from_db()
    return locked
