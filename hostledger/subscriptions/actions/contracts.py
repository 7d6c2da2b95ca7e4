"""The contract term: renewal, notice against renewal, termination with notice (ORD-08).

A contract runs ``subscriptions.contract_term_months`` (default 12) from the day it was
concluded (seed 003 §11.1) and is extended by one term when neither party gave notice at
least ``subscriptions.renewal_notice_days`` (default 30) days before it ends (§11.2); a later
notice ends it at the end of the following term. Either party may also terminate it early
with ``subscriptions.termination_notice_months`` (default 1) months' notice (§11.3). A notice
is stored on the service and as an open ``ServiceCancellation`` for its effective day, which
the billing run carries out like a cancellation (``cancellation.py``: unused paid days back,
except the rest of the minimum service period, §11.4).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError
from hostledger.core.registry import setting_value
from hostledger.subscriptions import conf
from hostledger.subscriptions.models import (
    NoticeKind,
    Party,
    Service,
    ServiceCancellation,
    ServiceStatus,
)

from ._common import audit, locked_service, require_services_manage
from .cancellation import open_cancellation_create
from .order_input import add_months, clean_order_date, period_end

ONE_DAY = timedelta(days=1)


def next_term_end(last_day: date) -> date:
    """The last day of the term that follows a term ending on ``last_day`` (ORD-08)."""
    return period_end(last_day + ONE_DAY, setting_value(conf.CONTRACT_TERM_MONTHS))


def current_term_end(service: Service, today: date) -> date:
    """The last day of the term the contract is in on ``today``, counting renewals the
    billing run has not recorded yet (ORD-08)."""
    last_day = service.contract_ends_on or period_end(
        service.contract_started_on, setting_value(conf.CONTRACT_TERM_MONTHS)
    )
    while last_day < today:
        last_day = next_term_end(last_day)
    return last_day


def _give_notice(
    service: Service, *, party, kind: str, actor, today: date, effective_on_for
) -> ServiceCancellation:
    if party not in Party.values:
        raise DomainError(
            "invalid_input",
            _("party: the client or the provider gives notice."),
            fields={"party": "client or provider"},
        )
    if party == Party.PROVIDER:
        require_services_manage(actor, system_allowed=True)
    if not isinstance(service, Service):
        raise DomainError(
            "invalid_input", _("service: no such service."), fields={"service": "not a service"}
        )
    locked = locked_service(service)
    if locked.status == ServiceStatus.TERMINATED:
        raise DomainError(
            "service_not_cancellable",
            _("service: the service has ended already."),
            fields={"service": "status is terminated"},
            status=409,
        )
    effective_on = effective_on_for(locked)
    cancellation = open_cancellation_create(
        locked,
        kind=(
            ServiceCancellation.Kind.CONTRACT_NOTICE
            if kind == NoticeKind.NON_RENEWAL
            else ServiceCancellation.Kind.CONTRACT_TERMINATION
        ),
        party=party,
        effective_on=effective_on,
        actor=actor,
        today=today,
    )
    locked.notice_kind = kind
    locked.notice_party = party
    locked.notice_given_at = timezone.now()
    locked.notice_given_by = actor
    locked.notice_effective_on = effective_on
    locked.save(
        update_fields=[
            "notice_kind",
            "notice_party",
            "notice_given_at",
            "notice_given_by",
            "notice_effective_on",
            "updated_at",
        ]
    )
    audit(
        "contract_notice_given",
        actor=actor,
        obj=locked,
        client_id=locked.client_id,
        data={"kind": kind, "party": party, "effective_on": effective_on.isoformat()},
    )
    return cancellation


@transaction.atomic
def contract_notice_give(
    *, service: Service, party, actor, today: date | None = None
) -> ServiceCancellation:
    """A party gives notice against the renewal of the service's contract (ORD-08, §11.2).

    Given at least ``subscriptions.renewal_notice_days`` days before the current term ends,
    the contract ends with that term; given later, it ends with the following term. The
    service is deactivated on the day after (an open cancellation for that day, carried out
    by the billing run). ``party`` is ``"client"`` or ``"provider"`` (staff with
    ``services.manage``, or the system). Refused for a terminated service or one already to
    end.
    """
    today = clean_order_date(today or timezone.localdate())

    def effective_on_for(locked: Service) -> date:
        last_day = current_term_end(locked, today)
        if (last_day - today).days < setting_value(conf.RENEWAL_NOTICE_DAYS):
            last_day = next_term_end(last_day)
        return last_day + ONE_DAY

    return _give_notice(
        service,
        party=party,
        kind=NoticeKind.NON_RENEWAL,
        actor=actor,
        today=today,
        effective_on_for=effective_on_for,
    )


@transaction.atomic
def contract_termination_notice_give(
    *, service: Service, party, actor, today: date | None = None
) -> ServiceCancellation:
    """A party terminates the service's contract early without a reason (ORD-08, §11.3):
    the service is deactivated ``subscriptions.termination_notice_months`` months (default
    one) after ``today``, through an open cancellation for that day."""
    today = clean_order_date(today or timezone.localdate())
    months = setting_value(conf.TERMINATION_NOTICE_MONTHS)
    return _give_notice(
        service,
        party=party,
        kind=NoticeKind.TERMINATION,
        actor=actor,
        today=today,
        effective_on_for=lambda locked: add_months(today, months),
    )


@transaction.atomic
def contracts_renew(*, today: date) -> int:
    """Extend by one term every contract whose term ended before ``today`` without a notice
    that ends it then (ORD-08, §11.2); returns how many terms were added.

    Set-based (habit 3): one UPDATE per distinct end date among the contracts due, which is
    one or two statements on a daily run however many services there are; contracts missed
    for several terms are moved on term by term. A contract with a notice effective the day
    after its term is not renewed; a late notice (effective after the following term) is.
    Running it again on the same day adds nothing.
    """
    today = clean_order_date(today, "today")
    renewed = 0
    live = Service.objects.exclude(status=ServiceStatus.TERMINATED)
    while True:
        ends = list(
            live.filter(contract_ends_on__lt=today)
            .order_by()
            .values_list("contract_ends_on", flat=True)
            .distinct()
        )
        added = 0
        for last_day in sorted(ends):
            added += (
                live.filter(contract_ends_on=last_day)
                .filter(
                    Q(notice_effective_on__isnull=True)
                    | Q(notice_effective_on__gt=last_day + ONE_DAY)
                )
                .update(contract_ends_on=next_term_end(last_day), updated_at=timezone.now())
            )
        renewed += added
        if not added:
            break
    if renewed:
        record_audit_event(
            action="subscriptions.contracts_renewed",
            data={"today": today.isoformat(), "terms_added": renewed},
        )
    return renewed
