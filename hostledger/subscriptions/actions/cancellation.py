"""Cancelling a service with notice and carrying the cancellation out (ORD-06, CAT-03, CAT-04).

The client files a cancellation in the panel for a day at least
``subscriptions.cancellation_notice_working_days`` working days ahead (seed 003
§2.4.9-2.4.10). On that day the billing run carries it out: the service is deactivated
(terminated) and the money for the paid days from then on goes back to the balance by
credit notes, except for the days that remain of the minimum service period (CAT-03,
seed 003 §7.11, §11.4). Until then the client may withdraw the request. Notices that end
the contract (ORD-08, ``contracts.py``) are carried out the same way.

A cancellation filed while the service is on its free trial is the refusal of the trial
(CAT-04, annex 11 §4.3): it takes effect the day after the trial, without notice, and the
continuation paid ahead comes back in full. The minimum service period of a service that
began as a trial is counted from the first day of its paid continuation.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.catalog.terms import family_terms
from hostledger.core.calendar import add_working_days
from hostledger.core.errors import DomainError
from hostledger.core.registry import setting_value
from hostledger.ledger.locks import lock_client_balance
from hostledger.subscriptions import conf
from hostledger.subscriptions.models import (
    Party,
    Service,
    ServiceCancellation,
    ServicePeriod,
    ServiceStatus,
)

from ._common import audit, locked_service, require_services_manage
from ._credits import credit_back, unused_portions
from .lifecycle import terminate
from .order_input import clean_order_date, period_end

ONE_DAY = timedelta(days=1)


def paid_service_started_on(service: Service) -> date:
    """The day the paid service began: the day the contract was concluded, or for a service
    that began as a free trial the first day of its paid continuation (CAT-04, annex 11
    §4.3: the trial is free and is not part of the paid service)."""
    if not service.is_trial:
        return service.contract_started_on
    first_paid = (
        ServicePeriod.objects.filter(service=service)
        .order_by("starts_on")
        .values_list("starts_on", flat=True)
        .first()
    )
    if first_paid is not None:
        return first_paid
    return (service.trial_ends_on or service.contract_started_on) + ONE_DAY


def minimum_period_last_day(service: Service) -> date:
    """The last day of the service's minimum service period (CAT-03), counted from the day
    the paid service began (:func:`paid_service_started_on`); the day before it when the
    family has none."""
    started_on = paid_service_started_on(service)
    months = family_terms(service.family).minimum_service_months
    if months <= 0:
        return started_on - ONE_DAY
    return period_end(started_on, months)


def trial_refusal_day(service: Service) -> date | None:
    """For a service still on its free trial, the day a refusal takes effect: the first day
    after the trial (CAT-04). None for any other service."""
    if service.status != ServiceStatus.TRIAL or service.trial_ends_on is None:
        return None
    return service.trial_ends_on + ONE_DAY


def earliest_cancellation_day(today: date) -> date:
    """The first day a cancellation filed on ``today`` may take effect (ORD-06)."""
    return add_working_days(today, setting_value(conf.CANCELLATION_NOTICE_WORKING_DAYS))


def refuse_if_cancellation_open(service: Service) -> None:
    """A service has at most one open cancellation (ORD-06, ORD-08)."""
    open_request = ServiceCancellation.objects.filter(
        service=service, state=ServiceCancellation.State.REQUESTED
    ).first()
    if open_request is not None:
        raise DomainError(
            "cancellation_already_requested",
            _("The service is already to end on %(date)s; withdraw that request first.")
            % {"date": open_request.effective_on.isoformat()},
            fields={"service": "a cancellation is already requested"},
            status=409,
        )


def open_cancellation_create(
    service: Service, *, kind: str, party: str, effective_on: date, actor, today: date
) -> ServiceCancellation:
    """Store an open cancellation of a locked service and audit it (ORD-06, ORD-08)."""
    refuse_if_cancellation_open(service)
    cancellation = ServiceCancellation.objects.create(
        service=service,
        kind=kind,
        party=party,
        state=ServiceCancellation.State.REQUESTED,
        requested_on=today,
        effective_on=effective_on,
        requested_at=timezone.now(),
        requested_by=actor,
        currency=service.tariff.currency,
    )
    audit(
        "service_cancellation_requested",
        actor=actor,
        obj=service,
        client_id=service.client_id,
        data={
            "cancellation": cancellation.public_id,
            "kind": kind,
            "party": party,
            "effective_on": effective_on.isoformat(),
        },
    )
    return cancellation


@transaction.atomic
def service_cancellation_request(
    *, service: Service, effective_on, actor, today: date | None = None
) -> ServiceCancellation:
    """File the client's cancellation of a service for ``effective_on`` (ORD-06).

    ``effective_on`` is the day the service is deactivated, at least
    ``subscriptions.cancellation_notice_working_days`` working days (default 10) after
    ``today``. Refused, naming the field, for a date too early, a service that is terminated
    or still awaits its first payment (withdraw the order instead), or one already to end.
    """
    today = clean_order_date(today or timezone.localdate())
    effective_on = clean_order_date(effective_on, "effective_on")
    if not isinstance(service, Service):
        raise DomainError(
            "invalid_input", _("service: no such service."), fields={"service": "not a service"}
        )
    locked = locked_service(service)
    if locked.status in (ServiceStatus.TERMINATED, ServiceStatus.PENDING):
        raise DomainError(
            "service_not_cancellable",
            f"The service is {locked.status}; "
            + (
                "it has ended already."
                if locked.status == ServiceStatus.TERMINATED
                else "withdraw its unpaid order instead."
            ),
            fields={"service": f"status is {locked.status}"},
            status=409,
        )
    refusal_day = trial_refusal_day(locked)
    if refusal_day is not None and effective_on >= today:
        # Refusing a free trial (CAT-04, annex 11 §4.3): it ends with the trial, whatever
        # the day asked, and no notice period applies; what was paid ahead comes back.
        effective_on = min(effective_on, refusal_day)
        earliest = today
    else:
        earliest = earliest_cancellation_day(today)
    if effective_on < earliest:
        raise DomainError(
            "cancellation_notice_too_short",
            _(
                "effective_on: a cancellation filed on %(date)s takes effect on "
                "%(date2)s at the earliest."
            )
            % {"date": today.isoformat(), "date2": earliest.isoformat()},
            fields={"effective_on": f"on or after {earliest.isoformat()}"},
        )
    return open_cancellation_create(
        locked,
        kind=ServiceCancellation.Kind.CANCELLATION,
        party=Party.CLIENT,
        effective_on=effective_on,
        actor=actor,
        today=today,
    )


def _locked_cancellation(cancellation) -> ServiceCancellation:
    if not isinstance(cancellation, ServiceCancellation):
        raise DomainError(
            "invalid_input",
            _("cancellation: no such cancellation."),
            fields={"cancellation": "not a cancellation"},
        )
    lock_client_balance(cancellation.service.client)
    locked = (
        ServiceCancellation.objects.select_for_update(of=("self",))
        .select_related("service")
        .filter(pk=cancellation.pk)
        .first()
    )
    if locked is None:
        raise DomainError("not_found", _("No such cancellation."), status=404)
    return locked


def _refuse_unless_open(cancellation: ServiceCancellation) -> None:
    if cancellation.state != ServiceCancellation.State.REQUESTED:
        raise DomainError(
            "cancellation_not_open",
            _("The cancellation is %(state)s.")
            % {"state": cancellation.get_state_display().lower()},
            fields={"cancellation": f"state is {cancellation.state}"},
            status=409,
        )


@transaction.atomic
def service_cancellation_withdraw(
    *, cancellation: ServiceCancellation, actor, today: date | None = None
) -> ServiceCancellation:
    """Withdraw a cancellation (or a notice that ends the contract) not yet carried out
    (ORD-06, ORD-08): the service goes on, and a contract notice is cleared from it."""
    today = clean_order_date(today or timezone.localdate())
    locked = _locked_cancellation(cancellation)
    _refuse_unless_open(locked)
    ServiceCancellation.objects.filter(
        pk=locked.pk, state=ServiceCancellation.State.REQUESTED
    ).update(
        state=ServiceCancellation.State.WITHDRAWN, withdrawn_at=timezone.now(), withdrawn_by=actor
    )
    service = locked_service(locked.service)
    if locked.kind in (
        ServiceCancellation.Kind.CONTRACT_NOTICE,
        ServiceCancellation.Kind.CONTRACT_TERMINATION,
    ):
        service.notice_kind = ""
        service.notice_party = ""
        service.notice_given_at = None
        service.notice_given_by = None
        service.notice_effective_on = None
        service.save(
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
        "service_cancellation_withdrawn",
        actor=actor,
        obj=service,
        client_id=service.client_id,
        data={"cancellation": locked.public_id, "withdrawn_on": today.isoformat()},
    )
    return ServiceCancellation.objects.get(pk=locked.pk)


@transaction.atomic
def service_cancellation_carry_out(
    *, cancellation: ServiceCancellation, actor=None, today: date | None = None
) -> ServiceCancellation:
    """Carry out a cancellation on or after its day (ORD-06, ORD-08, CAT-03, BIL-04).

    The service is terminated (through the lifecycle of ORD-02, with a change that names the
    cancellation), a plan change awaiting payment is cancelled, and the paid days from the
    later of the cancellation day and the day after the minimum service period are credited
    back to the balance on the invoices that billed them. ``actor=None`` is the billing run;
    staff need ``services.manage``. A cancellation not yet due, withdrawn or carried out is
    refused and nothing changes.
    """
    require_services_manage(actor, system_allowed=True)
    today = clean_order_date(today or timezone.localdate())
    locked = _locked_cancellation(cancellation)
    _refuse_unless_open(locked)
    if today < locked.effective_on:
        raise DomainError(
            "cancellation_not_due",
            _("The cancellation takes effect on %(date)s.")
            % {"date": locked.effective_on.isoformat()},
            fields={"cancellation": f"due on {locked.effective_on.isoformat()}"},
            status=409,
        )
    service = locked_service(locked.service)
    reason = (
        f"{locked.get_kind_display()} {locked.public_id} filed on "
        f"{locked.requested_on.isoformat()}, effective {locked.effective_on.isoformat()}."
    )
    refused_trial = trial_refusal_day(service) is not None
    if service.status != ServiceStatus.TERMINATED:
        service = terminate(service, actor=actor, reason=reason, today=today)
    if refused_trial:
        # The paid service never began: everything paid ahead for it comes back (CAT-04).
        refund_from = locked.effective_on
    else:
        refund_from = max(locked.effective_on, minimum_period_last_day(service) + ONE_DAY)
    refunded = credit_back(
        service=service,
        portions=unused_portions(service, refund_from),
        description=f"Unused days of {service.public_id} after cancellation",
        reason=f"{reason} Unused paid days returned (ORD-06).",
        actor=actor,
        today=today,
        cancellation=locked,
        by_own_share=True,
    )
    ServiceCancellation.objects.filter(
        pk=locked.pk, state=ServiceCancellation.State.REQUESTED
    ).update(
        state=ServiceCancellation.State.CARRIED_OUT,
        carried_out_at=timezone.now(),
        carried_out_by=actor,
        refund_minor=refunded,
    )
    audit(
        "service_cancellation_carried_out",
        actor=actor,
        obj=service,
        client_id=service.client_id,
        data={
            "cancellation": locked.public_id,
            "refund_from": refund_from.isoformat(),
            "refund_minor": refunded,
        },
    )
    return ServiceCancellation.objects.get(pk=locked.pk)
