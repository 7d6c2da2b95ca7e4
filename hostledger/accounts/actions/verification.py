# ruff: noqa: S608 - table names come from model metadata and every value is a parameter
"""Data verification requests (ACC-10, 003 §2.2.9).

Staff who doubt a client's data ask a question; it goes to the client by email and shows in
the client area. The client has ``accounts.verification_answer_days`` calendar days to
answer; after that the client cannot order, upgrade or extend services (enforced through
:func:`hostledger.accounts.selectors.check_client_not_restricted`) and staff may suspend
services. Staff accept the answer (the restriction lifts at once) or reject it, which asks
again with a new deadline; without a decision, the restriction lifts
``accounts.verification_lift_working_days`` working days after the answer. Unanswered for
``accounts.verification_termination_days`` calendar days from the first request, the
contract may be terminated: :func:`verification_termination_candidates` lists those requests
for the billing run, which proposes the termination to staff.

Every action is one transaction, audited, and refuses bad input with a DomainError naming
the field. :func:`verification_deadlines_apply` is the set-based daily step.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.accounts import conf
from hostledger.accounts import permissions as perms
from hostledger.accounts.models import Client, User, VerificationRequest
from hostledger.core.audit import record_audit_event
from hostledger.core.calendar import add_working_days
from hostledger.core.errors import DomainError, PermissionDenied
from hostledger.core.registry import setting_value
from hostledger.core.selections import SelectionPurpose, client_selection
from hostledger.notifications.actions import notification_enqueue
from hostledger.notifications.bulk import notifications_enqueue_select

MAX_QUESTION_LENGTH = 2000
MAX_ANSWER_LENGTH = 5000
MAX_NOTE_LENGTH = 2000

REQUESTED_EVENT = "verification_requested"
OVERDUE_EVENT = "verification_overdue"

State = VerificationRequest.State


def notification_key(event: str, request: VerificationRequest | str, round_number: int) -> str:
    """The idempotency key of a verification message: one per request, kind and asking."""
    public_id = request if isinstance(request, str) else request.public_id
    return f"{event}:{public_id}:{round_number}"


def _now(now: datetime | None) -> datetime:
    return now if now is not None else timezone.now()


def _day_of(moment: datetime) -> date:
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def _clean_text(value, field: str, max_length: int, *, required: bool) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise DomainError(
            "invalid_input",
            _("%(field)s: expected text.") % {"field": field},
            fields={field: "must be text"},
        )
    value = value.strip()
    if required and not value:
        raise DomainError(
            "invalid_input",
            _("%(field)s: this is required.") % {"field": field},
            fields={field: "required"},
        )
    if len(value) > max_length:
        raise DomainError(
            "invalid_input",
            _("%(field)s: at most %(max_length)s characters.")
            % {"field": field, "max_length": max_length},
            fields={field: f"at most {max_length} characters"},
        )
    return value


def _require_staff(actor) -> None:
    """Opening and deciding verification requests is for staff who may correct clients'
    data (``clients.edit``, ACC-11)."""
    if not perms.has_permission(actor, perms.CLIENTS_EDIT):
        raise PermissionDenied(_("Verification requests need the clients.edit permission."))


def _locked(request) -> VerificationRequest:
    if not isinstance(request, VerificationRequest):
        raise DomainError(
            "invalid_input",
            _("request: no such verification request."),
            fields={"request": "not a verification request"},
        )
    return VerificationRequest.objects.select_for_update().get(pk=request.pk)


def _refuse_state(request: VerificationRequest, allowed: tuple[str, ...], doing: str) -> None:
    if request.state not in allowed:
        raise DomainError(
            "verification_state",
            _("request: the request is %(state)s; it cannot be %(doing)s.")
            % {"state": request.get_state_display().lower(), "doing": doing},
            fields={"request": f"is {request.state}"},
        )


def _audit(action: str, request: VerificationRequest, *, actor, data: dict | None = None):
    record_audit_event(
        action=f"verification_request.{action}",
        actor=actor,
        obj=request,
        subject_client_id=request.client_id,
        data={"state": request.state, "round": request.round, **(data or {})},
    )


def _ask(request: VerificationRequest, *, now: datetime, note: str = "") -> None:
    """Send the question of the current asking to the client, once per asking."""
    question = request.question if not note else f"{request.question}\n\n{note}"
    notification_enqueue(
        key=notification_key(REQUESTED_EVENT, request, request.round),
        client=request.client,
        event=REQUESTED_EVENT,
        on_date=request.answer_due_on,
        context={"question": question, "request_id": request.public_id},
        now=now,
    )


@transaction.atomic
def verification_request_open(
    *, client: Client, question: str, actor: User, now: datetime | None = None
) -> VerificationRequest:
    """Ask ``client`` to confirm or complete their data (ACC-10, 003 §2.2.9).

    The answer is due within ``accounts.verification_answer_days`` calendar days of today;
    unanswered, the contract may be terminated from ``accounts.verification_termination_days``
    days after today. The question is sent by email and shown in the client area.
    """
    if not isinstance(client, Client):
        raise DomainError(
            "invalid_input", _("client: no such client."), fields={"client": "not a client"}
        )
    _require_staff(actor)
    question = _clean_text(question, "question", MAX_QUESTION_LENGTH, required=True)
    now = _now(now)
    today = _day_of(now)
    request = VerificationRequest.objects.create(
        client=client,
        question=question,
        state=State.OPEN,
        opened_at=now,
        opened_by=actor,
        opened_on=today,
        answer_due_on=today + timedelta(days=setting_value(conf.VERIFICATION_ANSWER_DAYS)),
        terminable_on=today + timedelta(days=setting_value(conf.VERIFICATION_TERMINATION_DAYS)),
    )
    _audit(
        "opened",
        request,
        actor=actor,
        data={
            "answer_due_on": request.answer_due_on.isoformat(),
            "terminable_on": request.terminable_on.isoformat(),
        },
    )
    _ask(request, now=now)
    return request


@transaction.atomic
def verification_request_answer(
    *, request: VerificationRequest, answer: str, actor: User, now: datetime | None = None
) -> VerificationRequest:
    """The client's answer to a request that awaits one (ACC-10).

    The account owner answers; staff with ``clients.edit`` may record an answer the client
    sent by other means. A restriction of an overdue request lifts when staff accept the
    answer, at the latest ``accounts.verification_lift_working_days`` working days after it.
    """
    locked = _locked(request)
    if actor is None or (actor.pk != locked.client.owner_id and not actor.is_staff):
        raise PermissionDenied(_("Only the account owner can answer a verification request."))
    if actor.pk != locked.client.owner_id:
        _require_staff(actor)
    _refuse_state(locked, VerificationRequest.AWAITING_ANSWER, "answered")
    answer = _clean_text(answer, "answer", MAX_ANSWER_LENGTH, required=True)
    now = _now(now)
    today = _day_of(now)
    locked.answer = answer
    locked.state = State.ANSWERED
    locked.answered_at = now
    locked.answered_by = actor
    locked.answered_on = today
    locked.lift_due_on = add_working_days(today, setting_value(conf.VERIFICATION_LIFT_WORKING_DAYS))
    locked.save()
    _audit(
        "answered",
        locked,
        actor=actor,
        data={
            "late": today > locked.answer_due_on,
            "lift_due_on": locked.lift_due_on.isoformat(),
        },
    )
    return locked


def _lift(locked: VerificationRequest, now: datetime) -> None:
    if locked.restricted_at is not None and locked.restriction_lifted_at is None:
        locked.restriction_lifted_at = now


@transaction.atomic
def verification_request_accept(
    *, request: VerificationRequest, actor: User, note: str = "", now: datetime | None = None
) -> VerificationRequest:
    """Accept the client's answer: the request is settled and any restriction it caused
    lifts at once (ACC-10)."""
    _require_staff(actor)
    locked = _locked(request)
    _refuse_state(locked, (State.ANSWERED,), "accepted")
    note = _clean_text(note, "note", MAX_NOTE_LENGTH, required=False)
    now = _now(now)
    locked.state = State.ACCEPTED
    locked.staff_note = note
    locked.resolved_at = now
    locked.resolved_by = actor
    _lift(locked, now)
    locked.save()
    _audit("accepted", locked, actor=actor)
    return locked


@transaction.atomic
def verification_request_reject(
    *, request: VerificationRequest, actor: User, note: str, now: datetime | None = None
) -> VerificationRequest:
    """Reject the client's answer and ask again (ACC-10).

    ``note`` says what is still missing; it is sent to the client with the question. The new
    answer is due ``accounts.verification_answer_days`` calendar days from today. The
    contract stays terminable from the date counted from the first request (003 §2.2.9),
    but never before the new deadline has passed.
    """
    _require_staff(actor)
    locked = _locked(request)
    _refuse_state(locked, (State.ANSWERED,), "rejected")
    note = _clean_text(note, "note", MAX_NOTE_LENGTH, required=True)
    now = _now(now)
    today = _day_of(now)
    locked.state = State.REJECTED
    locked.round += 1
    locked.staff_note = note
    locked.answer_due_on = today + timedelta(days=setting_value(conf.VERIFICATION_ANSWER_DAYS))
    locked.terminable_on = max(locked.terminable_on, locked.answer_due_on + timedelta(days=1))
    locked.lift_due_on = None
    locked.restricted_at = None
    locked.restriction_lifted_at = None
    locked.save()
    _audit(
        "rejected",
        locked,
        actor=actor,
        data={
            "answer_due_on": locked.answer_due_on.isoformat(),
            "terminable_on": locked.terminable_on.isoformat(),
        },
    )
    _ask(locked, now=now, note=note)
    return locked


@transaction.atomic
def verification_request_withdraw(
    *, request: VerificationRequest, actor: User, note: str = "", now: datetime | None = None
) -> VerificationRequest:
    """Withdraw a request that is not settled: nothing more is asked and any restriction it
    caused lifts at once (ACC-10)."""
    _require_staff(actor)
    locked = _locked(request)
    _refuse_state(locked, (State.OPEN, State.ANSWERED, State.REJECTED), "withdrawn")
    note = _clean_text(note, "note", MAX_NOTE_LENGTH, required=False)
    now = _now(now)
    locked.state = State.WITHDRAWN
    if note:
        locked.staff_note = note
    locked.resolved_at = now
    locked.resolved_by = actor
    _lift(locked, now)
    locked.save()
    _audit("withdrawn", locked, actor=actor)
    return locked


# ----------------------------------------------------------------------------- deadlines


@client_selection(
    SelectionPurpose.CONTRACT,
    "overdue data verification notices: carrying out the contract",
)
@transaction.atomic
def verification_deadlines_apply(*, as_of: datetime) -> dict[str, int]:
    """The daily step of verification deadlines, in three statements whatever the number of
    requests (ACC-10, habit 3):

    1. requests still awaiting an answer after their last day to answer are marked
       restricted (``restricted_at``);
    2. each restricted request of the current asking gets one ``verification_overdue``
       message (keyed by request and asking, so a re-run adds none);
    3. answered requests whose ``lift_due_on`` has come have their restriction lifted.

    Running it again for the same ``as_of`` changes nothing. Whether a client is restricted
    is read from the dates (``selectors.client_is_restricted``); this step records when the
    restriction started and ended and tells the client.
    """
    today = _day_of(as_of)
    awaiting = list(VerificationRequest.AWAITING_ANSWER)
    restricted = VerificationRequest.objects.filter(
        state__in=awaiting, answer_due_on__lt=today, restricted_at__isnull=True
    ).update(restricted_at=as_of)
    table = VerificationRequest._meta.db_table
    overdue_notices = notifications_enqueue_select(
        event=OVERDUE_EVENT,
        select_sql=(
            f"SELECT %s || v.public_id || ':' || CAST(v.round AS text), v.client_id, NULL, "
            f"NULL, NULL, v.terminable_on FROM {table} v "
            "WHERE v.state IN (%s, %s) AND v.restricted_at IS NOT NULL "
            "AND v.answer_due_on < %s"
        ),
        params=[f"{OVERDUE_EVENT}:", *awaiting, today.isoformat()],
        now=as_of,
    )
    lifted = VerificationRequest.objects.filter(
        state=State.ANSWERED,
        restricted_at__isnull=False,
        restriction_lifted_at__isnull=True,
        lift_due_on__lte=today,
    ).update(restriction_lifted_at=as_of)
    counts = {"restricted": restricted, "overdue_notices": overdue_notices, "lifted": lifted}
    if restricted or lifted or overdue_notices:
        record_audit_event(
            action="verification_request.deadlines_applied",
            actor=None,
            data={**counts, "as_of": as_of.isoformat()},
        )
    return counts


def verification_termination_candidates(*, as_of: datetime) -> QuerySet[VerificationRequest]:
    """Requests still unanswered on their ``terminable_on`` day or later: their client's
    contract may be terminated (ACC-10, 003 §2.2.9). The billing run reads them and proposes
    the termination to staff; nothing here terminates anything."""
    return (
        VerificationRequest.objects.filter(
            state__in=VerificationRequest.AWAITING_ANSWER, terminable_on__lte=_day_of(as_of)
        )
        .select_related("client")
        .order_by("terminable_on", "id")
    )
