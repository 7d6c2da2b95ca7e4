"""Reads of data-subject requests (GDPR-07) shared by web, API and jobs.

Client-facing reads are scoped to the client, so another client's request is a 404
(habit 6); the staff queue is ordered by the day each request is due.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Case, DateField, F, QuerySet, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from hostledger.accounts.models import Client, Contact, Payer
from hostledger.core.errors import NotFound
from hostledger.core.registry import setting_value
from hostledger.privacy import conf
from hostledger.privacy.models import DataSubjectRequest, Objection

STAFF_LIST_LIMIT = 200
Status = DataSubjectRequest.Status


def client_requests(client) -> QuerySet[DataSubjectRequest]:
    """The client's requests, newest first."""
    return DataSubjectRequest.objects.filter(client=client).order_by("-received_at", "-id")


def client_request(client, public_id: str) -> DataSubjectRequest:
    """One of the client's requests; NotFound for any other."""
    request = DataSubjectRequest.objects.filter(client=client, public_id=public_id).first()
    if request is None:
        raise NotFound("request")
    return request


def staff_request(public_id: str) -> DataSubjectRequest:
    request = (
        DataSubjectRequest.objects.select_related(
            "client", "filed_by", "verified_by", "responded_by", "recorded_by"
        )
        .filter(public_id=public_id)
        .first()
    )
    if request is None:
        raise NotFound("request")
    return request


def requests_for_staff(
    *, status: str | None = None, kind: str | None = None, client=None, open_only: bool = True
) -> QuerySet[DataSubjectRequest]:
    """The queue: open requests (or all) ordered by the day they are due, soonest first."""
    requests = DataSubjectRequest.objects.select_related("client").annotate(
        due=Coalesce(F("extended_until"), F("deadline_on"), output_field=DateField()),
        open_first=Case(
            When(status__in=DataSubjectRequest.OPEN_STATUSES, then=0),
            default=1,
        ),
    )
    if status:
        requests = requests.filter(status=status)
    elif open_only:
        requests = requests.filter(status__in=DataSubjectRequest.OPEN_STATUSES)
    if kind:
        requests = requests.filter(kind=kind)
    if client is not None:
        requests = requests.filter(client=client)
    return requests.order_by("open_first", "due", "id")


@dataclass(frozen=True)
class Urgency:
    days_left: int | None
    overdue: bool
    due_soon: bool

    @property
    def days_late(self) -> int:
        return -self.days_left if self.overdue and self.days_left is not None else 0


def urgency(request: DataSubjectRequest, *, today: date | None = None) -> Urgency:
    """How many days are left until ``request`` is due; overdue or due within
    ``privacy.request_reminder_days``. Closed requests have no urgency."""
    if not request.is_open:
        return Urgency(None, False, False)
    today = today or timezone.localdate()
    days_left = (request.due_on - today).days
    return Urgency(
        days_left,
        days_left < 0,
        0 <= days_left <= setting_value(conf.REQUEST_REMINDER_DAYS),
    )


def rectification_target(client: Client, public_id: str | None):
    """What a staff correction addresses: the client itself (no id or its own), or one of
    its payers or contact persons; NotFound for anything else."""
    if not public_id or public_id == client.public_id:
        return client
    for model in (Payer, Contact):
        found = model.objects.filter(client=client, public_id=public_id).first()
        if found is not None:
            return found
    raise NotFound("payer or contact")


def rectification_targets(client: Client) -> list:
    """The client, then its current payers and contact persons, for the correction page."""
    return [
        client,
        *Payer.objects.filter(client=client, archived_at__isnull=True).order_by("id"),
        *Contact.objects.filter(client=client, archived_at__isnull=True).order_by("id"),
    ]


def open_rectification_request(client: Client, public_id: str | None):
    """The client's rectification request ``public_id``, or None when none is named."""
    if not public_id:
        return None
    return client_request(client, public_id)


def objects_to(client, processing: str) -> bool:
    """Whether ``client`` objects, now, to ``processing`` (GDPR-06): a marketing, profiling or
    legitimate-interest use of their data asks this first."""
    return Objection.objects.filter(
        client=client, processing=processing, withdrawn_at__isnull=True
    ).exists()


def client_objections(client) -> QuerySet[Objection]:
    """The client's objections, newest first, those in force and those lifted."""
    return Objection.objects.filter(client=client).order_by("-objected_at", "-id")
