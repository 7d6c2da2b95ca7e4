"""Data-subject requests (GDPR-07): filed, verified, extended, answered, refused, withdrawn.

A client files a request in the client area, after re-authenticating (with the second factor
when the client has one), or through the API, where no fresh re-authentication is possible:
such a request waits until the client confirms it in the client area, or staff verify the
client's identity another way and record how. Staff record requests that came by letter or
e-mail, with how the identity was verified. Each request is due one calendar month after
receipt (``privacy.request_response_months``); staff may extend it, before it is due, by at
most ``privacy.request_extension_max_months`` further months in all, and the client is told
why (GDPR art. 12(3)).

Every action is one transaction, audited, and refuses bad input with a DomainError naming the
field. Fulfilment of access, portability, erasure and restriction requests is done by the
handlers of :mod:`hostledger.flows.privacy_requests`, which then call
:func:`request_respond`.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from hostledger.accounts import permissions as perms
from hostledger.accounts.models import Client, User
from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError, PermissionDenied
from hostledger.core.jobs import enqueue_in_transaction
from hostledger.core.registry import setting_value
from hostledger.notifications.actions import notification_enqueue
from hostledger.notifications.events import (
    PRIVACY_REQUEST_COMPLETED,
    PRIVACY_REQUEST_EXTENDED,
    PRIVACY_REQUEST_RECEIVED,
    PRIVACY_REQUEST_REFUSED,
)
from hostledger.privacy import conf
from hostledger.privacy.models import DataSubjectRequest, DataSubjectRequestReminder
from hostledger.privacy.tasks import send_staff_request_reminder

DETAILS_MAX = 5000
NOTE_MAX = 2000
RESPONSE_MAX = 20000

Kind = DataSubjectRequest.Kind
Status = DataSubjectRequest.Status
Channel = DataSubjectRequest.Channel
Method = DataSubjectRequest.VerificationMethod

CLIENT_CHANNELS = (Channel.CLIENT_AREA, Channel.API)
STAFF_CHANNELS = (Channel.LETTER, Channel.EMAIL)
REAUTHENTICATION_METHODS = (Method.SECOND_FACTOR, Method.PASSWORD)


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months; a day the month lacks becomes its last day
    (31 January + 1 month = 28 or 29 February), as periods in months are counted."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _now(now: datetime | None) -> datetime:
    return now if now is not None else timezone.now()


def _day_of(moment: datetime) -> date:
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def clean_text(value, field: str, max_length: int, *, required: bool) -> str:
    """``value`` stripped; DomainError naming ``field`` when missing, too long or not text."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise DomainError(
            "invalid_input",
            gettext("%(field)s: expected text.") % {"field": field},
            fields={field: "must be text"},
        )
    value = value.strip()
    if required and not value:
        raise DomainError(
            "invalid_input",
            gettext("%(field)s: this is required.") % {"field": field},
            fields={field: "required"},
        )
    if len(value) > max_length:
        raise DomainError(
            "invalid_input",
            gettext("%(field)s: at most %(max_length)s characters.")
            % {"field": field, "max_length": max_length},
            fields={field: f"at most {max_length} characters"},
        )
    return value


def _clean_choice(value, field: str, allowed, words: str) -> str:
    if value not in tuple(allowed):
        raise DomainError(
            "invalid_input",
            gettext("%(field)s: choose one of %(value)s.")
            % {"field": field, "value": ", ".join(str(item) for item in allowed)},
            fields={field: f"not {words}"},
        )
    return value


def require_privacy_staff(actor) -> None:
    """Handling requests is for staff with ``privacy.manage`` (ACC-11)."""
    if not perms.has_permission(actor, perms.PRIVACY_MANAGE):
        raise PermissionDenied(gettext("Data-subject requests need the privacy.manage permission."))


def _require_owner(client: Client, actor) -> None:
    """Only the data subject, the account's owner, files or withdraws a request about the
    account; a trusted user acts for the account, not as its subject."""
    if actor is None or client.owner_id != actor.pk:
        raise PermissionDenied(
            gettext("Only the account's owner can file or withdraw a privacy request.")
        )


def _locked(request) -> DataSubjectRequest:
    if not isinstance(request, DataSubjectRequest):
        raise DomainError(
            "invalid_input",
            gettext("request: no such data-subject request."),
            fields={"request": "not a data-subject request"},
        )
    return (
        DataSubjectRequest.objects.select_for_update().select_related("client").get(pk=request.pk)
    )


def _refuse_status(request: DataSubjectRequest, allowed: tuple[str, ...], doing: str) -> None:
    if request.status not in allowed:
        raise DomainError(
            "request_status",
            gettext("request: the request is %(state)s; it cannot be %(doing)s.")
            % {"state": request.get_status_display().lower(), "doing": doing},
            fields={"request": f"is {request.status}"},
        )


def _audit(action: str, request: DataSubjectRequest, *, actor, data: dict | None = None):
    record_audit_event(
        action=f"privacy_request.{action}",
        actor=actor,
        obj=request,
        subject_client_id=request.client_id,
        data={"kind": request.kind, "status": request.status, **(data or {})},
    )


def _tell_client(request: DataSubjectRequest, event: str, *, now: datetime, step: str, **extra):
    notification_enqueue(
        key=f"{event}:{request.public_id}:{step}",
        client=request.client,
        event=event,
        on_date=request.due_on,
        context={"request_id": request.public_id, **extra},
        now=now,
    )


def _open_of_kind(client: Client, kind: str) -> None:
    if DataSubjectRequest.objects.filter(
        client=client, kind=kind, status__in=DataSubjectRequest.OPEN_STATUSES
    ).exists():
        raise DomainError(
            "request_already_open",
            gettext("kind: a request of this kind is already open; it is answered first."),
            fields={"kind": "already open"},
        )


def _new_request(
    *,
    client: Client,
    kind: str,
    channel: str,
    details: str,
    received_at: datetime,
    filed_by=None,
    recorded_by=None,
) -> DataSubjectRequest:
    months = setting_value(conf.REQUEST_RESPONSE_MONTHS)
    return DataSubjectRequest(
        client=client,
        kind=kind,
        channel=channel,
        details=details,
        filed_by=filed_by,
        recorded_by=recorded_by,
        status=Status.AWAITING_VERIFICATION,
        received_at=received_at,
        deadline_on=add_months(_day_of(received_at), months),
    )


def _verified(request: DataSubjectRequest, *, method: str, by, now: datetime, note: str = ""):
    request.status = Status.IN_PROGRESS
    request.verification_method = method
    request.verification_note = note
    request.verified_at = now
    request.verified_by = by


@transaction.atomic
def request_file(
    *,
    client: Client,
    actor: User,
    kind: str,
    details: str = "",
    channel: str = Channel.CLIENT_AREA,
    reauthentication: str | None = None,
    now: datetime | None = None,
) -> DataSubjectRequest:
    """File a request of the account's owner about their own data (GDPR-07).

    ``reauthentication`` is how the client proved, just now, who they are: the client area
    passes ``second_factor_reauthentication`` or ``password_reauthentication`` after
    allauth's re-authentication; the request is then verified at once. Without it (the API,
    where a token cannot re-authenticate) the request waits for the client's confirmation in
    the client area or staff's verification. One open request per kind.
    """
    now = _now(now)
    _require_owner(client, actor)
    kind = _clean_choice(kind, "kind", Kind.values, "a kind of request")
    channel = _clean_choice(channel, "channel", CLIENT_CHANNELS, "a client channel")
    details = clean_text(details, "details", DETAILS_MAX, required=False)
    if reauthentication is not None:
        _clean_choice(
            reauthentication, "reauthentication", REAUTHENTICATION_METHODS, "a re-authentication"
        )
    _open_of_kind(client, kind)
    request = _new_request(
        client=client,
        kind=kind,
        channel=channel,
        details=details,
        received_at=now,
        filed_by=actor,
    )
    if reauthentication is not None:
        _verified(request, method=reauthentication, by=actor, now=now)
    request.save()
    _audit("filed", request, actor=actor, data={"channel": channel})
    _tell_client(request, PRIVACY_REQUEST_RECEIVED, now=now, step="received")
    return request


@transaction.atomic
def request_confirm(
    *, request: DataSubjectRequest, actor: User, reauthentication: str, now: datetime | None = None
) -> DataSubjectRequest:
    """The owner confirms a request filed through the API, after re-authenticating in the
    client area; the identity is then verified (GDPR-07)."""
    now = _now(now)
    locked = _locked(request)
    _require_owner(locked.client, actor)
    _clean_choice(
        reauthentication, "reauthentication", REAUTHENTICATION_METHODS, "a re-authentication"
    )
    _refuse_status(locked, (Status.AWAITING_VERIFICATION,), "confirmed")
    _verified(locked, method=reauthentication, by=actor, now=now)
    locked.save()
    _audit("verified", locked, actor=actor, data={"method": reauthentication})
    return locked


def _received_at(value, now: datetime) -> datetime:
    if value is None:
        return now
    if isinstance(value, datetime):
        moment = value if timezone.is_aware(value) else timezone.make_aware(value)
    elif isinstance(value, date):
        moment = timezone.make_aware(datetime.combine(value, datetime.min.time()))
    else:
        raise DomainError(
            "invalid_input",
            gettext("received_on: expected a date."),
            fields={"received_on": "not a date"},
        )
    if moment > now:
        raise DomainError(
            "invalid_input",
            gettext("received_on: a request cannot be received in the future."),
            fields={"received_on": "in the future"},
        )
    if _day_of(moment) < _day_of(now) - timedelta(days=366):
        raise DomainError(
            "invalid_input",
            gettext("received_on: more than a year ago."),
            fields={"received_on": "more than a year ago"},
        )
    return moment


@transaction.atomic
def request_record_by_staff(
    *,
    client: Client,
    actor: User,
    kind: str,
    channel: str,
    details: str = "",
    received_on: date | datetime | None = None,
    verification_note: str = "",
    now: datetime | None = None,
) -> DataSubjectRequest:
    """Record a request that came by letter or e-mail (GDPR-07). Its deadline counts from
    the day it was received. With ``verification_note`` (how staff verified the identity:
    a signed letter matching the contract, a call back to the number on file, …) it is
    verified at once; otherwise it waits for :func:`request_verify`."""
    now = _now(now)
    require_privacy_staff(actor)
    if not isinstance(client, Client):
        raise DomainError(
            "invalid_input", gettext("client: no such client."), fields={"client": "unknown"}
        )
    kind = _clean_choice(kind, "kind", Kind.values, "a kind of request")
    channel = _clean_choice(channel, "channel", STAFF_CHANNELS, "letter or email")
    details = clean_text(details, "details", DETAILS_MAX, required=False)
    note = clean_text(verification_note, "verification_note", NOTE_MAX, required=False)
    received_at = _received_at(received_on, now)
    _open_of_kind(client, kind)
    request = _new_request(
        client=client,
        kind=kind,
        channel=channel,
        details=details,
        received_at=received_at,
        recorded_by=actor,
    )
    if note:
        _verified(request, method=Method.STAFF_RECORDED, by=actor, now=now, note=note)
    request.save()
    _audit("recorded", request, actor=actor, data={"channel": channel, "verified": bool(note)})
    _tell_client(request, PRIVACY_REQUEST_RECEIVED, now=now, step="received")
    return request


@transaction.atomic
def request_verify(
    *, request: DataSubjectRequest, actor: User, note: str, now: datetime | None = None
) -> DataSubjectRequest:
    """Staff record how they verified the requester's identity (GDPR-07); the request is
    then in progress. The note says how, for anyone who later asks."""
    now = _now(now)
    require_privacy_staff(actor)
    note = clean_text(note, "note", NOTE_MAX, required=True)
    locked = _locked(request)
    _refuse_status(locked, (Status.AWAITING_VERIFICATION,), "verified")
    _verified(locked, method=Method.STAFF_RECORDED, by=actor, now=now, note=note)
    locked.save()
    _audit("verified", locked, actor=actor, data={"method": Method.STAFF_RECORDED})
    return locked


@transaction.atomic
def request_extend(
    *,
    request: DataSubjectRequest,
    actor: User,
    months: int,
    reason: str,
    now: datetime | None = None,
) -> DataSubjectRequest:
    """Extend the deadline to ``months`` months after the original one, telling the client
    why (GDPR art. 12(3)). Only before the original deadline, at most
    ``privacy.request_extension_max_months`` months in all; a second extension may lengthen
    the first, never shorten it."""
    now = _now(now)
    require_privacy_staff(actor)
    reason = clean_text(reason, "reason", NOTE_MAX, required=True)
    longest = setting_value(conf.REQUEST_EXTENSION_MAX_MONTHS)
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= longest:
        raise DomainError(
            "invalid_input",
            gettext("months: between 1 and %(longest)s.") % {"longest": longest},
            fields={"months": f"between 1 and {longest}"},
        )
    locked = _locked(request)
    _refuse_status(locked, DataSubjectRequest.OPEN_STATUSES, "extended")
    if _day_of(now) > locked.deadline_on:
        raise DomainError(
            "extension_too_late",
            gettext(
                "months: the deadline has passed; an extension is told to the client "
                "within the first month."
            ),
            fields={"months": "deadline passed"},
        )
    until = add_months(locked.deadline_on, months)
    if locked.extended_until is not None and until <= locked.extended_until:
        raise DomainError(
            "invalid_input",
            gettext("months: the request is already extended to %(extended_until)s.")
            % {"extended_until": f"{locked.extended_until:%Y-%m-%d}"},
            fields={"months": "not longer than the current extension"},
        )
    locked.extended_until = until
    locked.extension_reason = reason
    locked.save(update_fields=["extended_until", "extension_reason"])
    _audit("extended", locked, actor=actor, data={"until": until.isoformat(), "months": months})
    _tell_client(
        locked, PRIVACY_REQUEST_EXTENDED, now=now, step=f"extended-{until:%Y%m%d}", reason=reason
    )
    return locked


@transaction.atomic
def request_respond(
    *, request: DataSubjectRequest, actor: User, response: str, now: datetime | None = None
) -> DataSubjectRequest:
    """Answer a verified request and close it as completed (GDPR-07); the client reads the
    answer in the client area and is told by message. Access, portability, erasure and
    restriction requests are completed through
    :func:`hostledger.flows.privacy_requests.request_complete`, which carries them out
    first."""
    now = _now(now)
    require_privacy_staff(actor)
    response = clean_text(response, "response", RESPONSE_MAX, required=True)
    locked = _locked(request)
    _refuse_status(locked, (Status.IN_PROGRESS,), "answered before the identity is verified")
    locked.status = Status.COMPLETED
    locked.response = response
    locked.responded_at = locked.closed_at = now
    locked.responded_by = actor
    locked.save()
    overdue = _day_of(now) > locked.due_on
    _audit("completed", locked, actor=actor, data={"overdue": overdue})
    _tell_client(locked, PRIVACY_REQUEST_COMPLETED, now=now, step="completed")
    return locked


@transaction.atomic
def request_refuse(
    *, request: DataSubjectRequest, actor: User, reason: str, now: datetime | None = None
) -> DataSubjectRequest:
    """Refuse an open request, saying why (manifestly unfounded or excessive, identity not
    verified, a legal duty to keep the data; GDPR art. 12(4)-(6)); the client is told why
    and of the right to complain."""
    now = _now(now)
    require_privacy_staff(actor)
    reason = clean_text(reason, "reason", NOTE_MAX, required=True)
    locked = _locked(request)
    _refuse_status(locked, DataSubjectRequest.OPEN_STATUSES, "refused")
    locked.status = Status.REFUSED
    locked.response = reason
    locked.responded_at = locked.closed_at = now
    locked.responded_by = actor
    locked.save()
    _audit("refused", locked, actor=actor)
    _tell_client(locked, PRIVACY_REQUEST_REFUSED, now=now, step="refused", reason=reason)
    return locked


@transaction.atomic
def request_withdraw(
    *, request: DataSubjectRequest, actor: User, now: datetime | None = None
) -> DataSubjectRequest:
    """The owner withdraws an open request; nothing more is done with it."""
    now = _now(now)
    locked = _locked(request)
    _require_owner(locked.client, actor)
    _refuse_status(locked, DataSubjectRequest.OPEN_STATUSES, "withdrawn")
    locked.status = Status.WITHDRAWN
    locked.closed_at = now
    locked.save(update_fields=["status", "closed_at"])
    _audit("withdrawn", locked, actor=actor)
    return locked


# ----------------------------------------------------------------------------- reminders


def _privacy_staff() -> list[User]:
    staff = User.objects.filter(is_active=True, is_staff=True).prefetch_related("staff_roles")
    return [
        member
        for member in staff.order_by("id")
        if perms.has_permission(member, perms.PRIVACY_MANAGE)
    ]


@transaction.atomic
def request_reminders_send(*, now: datetime | None = None) -> dict[str, int]:
    """Remind staff with ``privacy.manage`` of open requests due within
    ``privacy.request_reminder_days`` days and of those overdue (GDPR-07).

    Each request is reminded of once per threshold and due day (an extension arms the
    reminders again): the reminder rows are the idempotency keys. One mail per staff member
    lists the requests by id, kind and due day; it names no personal data.
    """
    now = _now(now)
    today = _day_of(now)
    soon = today + timedelta(days=setting_value(conf.REQUEST_REMINDER_DAYS))
    open_requests = DataSubjectRequest.objects.filter(
        status__in=DataSubjectRequest.OPEN_STATUSES
    ).select_related("client")
    due: dict[str, list[DataSubjectRequest]] = defaultdict(list)
    for request in open_requests.order_by("deadline_on", "id"):
        if request.due_on < today:
            threshold = DataSubjectRequestReminder.Threshold.OVERDUE
        elif request.due_on <= soon:
            threshold = DataSubjectRequestReminder.Threshold.DUE_SOON
        else:
            continue
        _, created = DataSubjectRequestReminder.objects.get_or_create(
            request=request, threshold=threshold, due_on=request.due_on, defaults={"sent_at": now}
        )
        if created:
            due[threshold].append(request)
    counts = {threshold: len(items) for threshold, items in due.items()}
    if not due:
        return counts
    lines = []
    for threshold, title in (
        (DataSubjectRequestReminder.Threshold.OVERDUE, "Overdue"),
        (DataSubjectRequestReminder.Threshold.DUE_SOON, "Due soon"),
    ):
        if due.get(threshold):
            lines.append(f"{title}:")
            lines.extend(
                f"  {item.public_id}  {item.get_kind_display()}  client {item.client.public_id}"
                f"  due {item.due_on:%Y-%m-%d} ({(item.due_on - today).days} days)"
                for item in due[threshold]
            )
            lines.append("")
    body = "\n".join(
        ["Data-subject requests need an answer:", "", *lines, "Open the privacy request queue."]
    )
    subject = f"[HostLedger] Data-subject requests: {sum(counts.values())} need attention"
    for member in _privacy_staff():
        enqueue_in_transaction(send_staff_request_reminder, member.email, subject, body)
    record_audit_event(
        action="privacy_request.reminders_sent",
        data={"due_soon": counts.get("due_soon", 0), "overdue": counts.get("overdue", 0)},
    )
    return counts
