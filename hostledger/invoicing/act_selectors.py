"""Reads of acts of acceptance and paper-act requests shared by web, API and jobs
(DOC-01, DOC-02, DOC-03; habit 6).

An act's status as shown is derived: an act still ``formed`` after its dispute deadline is
shown as ``accepted`` (003 §3.6) before the periodic job stores it so. Every query here
annotates ``current_status`` with that rule, and :func:`act_status` applies it to one act.

Client-facing code passes the client it obtained from
``hostledger.accounts.selectors.client_access``; look-ups are scoped to that client, so
another client's act or request is ``NotFound`` (404), never a 403.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Case, CharField, F, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.core.errors import DomainError, NotFound
from hostledger.invoicing.acts import month_start
from hostledger.invoicing.models import AcceptanceAct, ActDispute, PaperActRequest


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def derived_act_status(stored_status: str, dispute_deadline: date, today: date) -> str:
    """The status an act has on ``today``: open past its deadline means accepted (DOC-02)."""
    if stored_status == AcceptanceAct.Status.FORMED and today > dispute_deadline:
        return AcceptanceAct.Status.ACCEPTED
    return stored_status


def act_status(act: AcceptanceAct, *, today: date | None = None) -> str:
    """The status of ``act`` as shown today (or on ``today``), whether or not the job that
    accepts overdue acts has run (DOC-02)."""
    return derived_act_status(act.status, act.dispute_deadline, _today(today))


def act_can_be_disputed(act: AcceptanceAct, *, today: date | None = None) -> bool:
    """Whether the client may still dispute (or confirm) ``act`` (DOC-02)."""
    return act_status(act, today=today) == AcceptanceAct.Status.FORMED


def acts_with_status(*, today: date | None = None) -> QuerySet[AcceptanceAct]:
    """Every act, annotated with ``current_status`` as of today (or ``today``)."""
    return AcceptanceAct.objects.annotate(
        current_status=Case(
            When(
                status=AcceptanceAct.Status.FORMED,
                dispute_deadline__lt=_today(today),
                then=Value(AcceptanceAct.Status.ACCEPTED.value),
            ),
            default=F("status"),
            output_field=CharField(),
        )
    )


def _status_filter(status: str | None) -> Q:
    if status is None or status == "":
        return Q()
    if status not in AcceptanceAct.Status.values:
        raise DomainError(
            "invalid_status",
            _("status: '%(status)s' is not a status of acts.") % {"status": status},
            fields={"status": "unknown status"},
        )
    return Q(current_status=status)


def client_acts(
    client, *, status: str | None = None, today: date | None = None
) -> QuerySet[AcceptanceAct]:
    """The client's acts, newest month first, with ``current_status`` (DOC-01)."""
    return (
        acts_with_status(today=today)
        .filter(client_id=client.pk)
        .filter(_status_filter(status))
        .order_by("-period_start", "-id")
    )


def client_act(client, public_id: str, *, today: date | None = None) -> AcceptanceAct:
    """One of the client's acts by its public id; another client's is not found."""
    act = client_acts(client, today=today).filter(public_id=public_id).first()
    if act is None:
        raise NotFound("act")
    return act


def act_lines(act: AcceptanceAct) -> QuerySet:
    """The lines of an act in their printed order."""
    return act.lines.select_related("act").order_by("position", "id")


def dispute_of_act(act: AcceptanceAct) -> ActDispute | None:
    """The act's dispute, open or resolved, or None."""
    return ActDispute.objects.filter(act_id=act.pk).select_related("raised_by").first()


def acts_for_staff(
    *,
    status: str | None = None,
    month: date | None = None,
    client=None,
    payer=None,
    today: date | None = None,
) -> QuerySet[AcceptanceAct]:
    """Acts for the staff list, newest month first, filtered by shown status, month (any
    day of it), client and payer; with ``current_status`` and the dispute, if any."""
    acts = (
        acts_with_status(today=today)
        .filter(_status_filter(status))
        .select_related("client", "payer", "dispute")
        .order_by("-period_start", "-id")
    )
    if month is not None:
        acts = acts.filter(period_start=month_start(month))
    if client is not None:
        acts = acts.filter(client_id=client.pk)
    if payer is not None:
        acts = acts.filter(payer_id=payer.pk)
    return acts


def open_act_disputes_for_staff() -> QuerySet[ActDispute]:
    """Disputes waiting for a staff decision, oldest first (DOC-02)."""
    return (
        ActDispute.objects.filter(outcome="")
        .select_related("act", "act__client", "act__payer", "raised_by")
        .order_by("raised_at", "id")
    )


def client_paper_act_requests(client) -> QuerySet[PaperActRequest]:
    """The client's paper-act requests, newest quarter first (DOC-03)."""
    return PaperActRequest.objects.filter(client_id=client.pk).order_by(
        "-period_start", "-requested_at", "-id"
    )


def client_paper_act_request(client, public_id: str) -> PaperActRequest:
    """One of the client's paper-act requests; another client's is not found."""
    request = client_paper_act_requests(client).filter(public_id=public_id).first()
    if request is None:
        raise NotFound("paper-act request")
    return request


def paper_act_requests_for_staff(
    *, status: str | None = PaperActRequest.Status.REQUESTED, period_start: date | None = None
) -> QuerySet[PaperActRequest]:
    """Paper-act requests for staff, oldest quarter first; open ones by default, all with
    ``status=None``; ``period_start`` is the first day of a quarter (DOC-03)."""
    requests = PaperActRequest.objects.select_related("client", "payer").order_by(
        "period_start", "requested_at", "id"
    )
    if status:
        if status not in PaperActRequest.Status.values:
            raise DomainError(
                "invalid_status",
                _("status: '%(status)s' is not a status of paper-act requests.")
                % {"status": status},
                fields={"status": "unknown status"},
            )
        requests = requests.filter(status=status)
    if period_start is not None:
        requests = requests.filter(period_start=period_start)
    return requests


def acts_of_paper_request(request: PaperActRequest) -> QuerySet[AcceptanceAct]:
    """The payer's acts of the request's quarter, to print and post (DOC-03)."""
    return AcceptanceAct.objects.filter(
        payer_id=request.payer_id,
        period_start__gte=request.period_start,
        period_start__lte=request.period_end,
    ).order_by("period_start", "currency")


# ----------------------------------------------------------------------------- staff look-ups


def act_for_staff(public_id: str, *, today: date | None = None) -> AcceptanceAct:
    """Any client's act by its public id, with ``current_status``, client and payer
    (DOC-01); NotFound for an unknown id."""
    act = (
        acts_with_status(today=today)
        .select_related("client", "payer")
        .filter(public_id=public_id)
        .first()
    )
    if act is None:
        raise NotFound("act")
    return act


def paper_act_request_for_staff(public_id: str) -> PaperActRequest:
    """Any client's paper-act request by its public id (DOC-03); NotFound otherwise."""
    request = (
        PaperActRequest.objects.select_related("client", "payer")
        .filter(public_id=public_id)
        .first()
    )
    if request is None:
        raise NotFound("paper-act request")
    return request


def acts_of_paper_requests(requests) -> dict[int, list[AcceptanceAct]]:
    """The acts of each request's payer and quarter, keyed by the request's id, in one query
    (DOC-03): what staff print and post for it."""
    requests = list(requests)
    if not requests:
        return {}
    acts = (
        AcceptanceAct.objects.filter(
            payer_id__in={request.payer_id for request in requests},
            period_start__gte=min(request.period_start for request in requests),
            period_start__lte=max(request.period_end for request in requests),
        )
        .only(
            "id", "public_id", "payer_id", "period_start", "period_end", "currency", "gross_minor"
        )
        .order_by("period_start", "currency", "id")
    )
    found: dict[int, list[AcceptanceAct]] = {request.pk: [] for request in requests}
    for act in acts:
        for request in requests:
            if (
                request.payer_id == act.payer_id
                and request.period_start <= act.period_start <= request.period_end
            ):
                found[request.pk].append(act)
    return found
