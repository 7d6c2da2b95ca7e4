"""A consumer's withdrawal from the contract of a service (ORD-07, seed 003 §11.6).

A natural person may withdraw within ``subscriptions.withdrawal_days`` days (default 14) of
the day the contract was concluded, without giving a reason. The service is terminated at
once. If the client asked in the order for the service to start before the withdrawal period
ended (``Order.start_at_once``) and it did start, the days used up to and including the day
of withdrawal are charged and the rest of what was paid is credited back to the balance
(§11.6.1); otherwise everything paid for the service is credited back. Legal persons have no
right of withdrawal.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.accounts.models import Client
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

from ._common import audit, locked_service
from ._credits import credit_back, unused_portions
from .lifecycle import terminate
from .order_input import clean_order_date

ONE_DAY = timedelta(days=1)


def withdrawal_last_day(service: Service) -> date:
    """The last day on which the consumer may withdraw from the service's contract (ORD-07)."""
    return service.contract_started_on + timedelta(days=setting_value(conf.WITHDRAWAL_DAYS))


def _first_refunded_day(service: Service, today: date) -> date:
    """Everything is returned unless the consumer asked for an early start and the service
    started; then the days up to and including today are used (ORD-07)."""
    started_at_request = service.order.start_at_once and service.activated_at is not None
    if not started_at_request:
        first_billed = (
            ServicePeriod.objects.filter(service=service)
            .order_by("starts_on")
            .values_list("starts_on", flat=True)
            .first()
        )
        return min(first_billed or service.contract_started_on, service.contract_started_on)
    return today + ONE_DAY


@transaction.atomic
def service_withdraw(*, service: Service, actor, today: date | None = None) -> ServiceCancellation:
    """A consumer withdraws from the contract of ``service`` (ORD-07, BIL-04).

    Refused, naming the field, for a client who is not a natural person, after the
    withdrawal period, and for a service already terminated; nothing changes then. Open
    cancellations of the service are withdrawn, the service is terminated, and the paid
    amount is credited back to the balance (less the days used when the client asked for an
    early start). Returns the withdrawal, stored as a carried-out ``ServiceCancellation``.
    """
    today = clean_order_date(today or timezone.localdate())
    if not isinstance(service, Service):
        raise DomainError(
            "invalid_input", _("service: no such service."), fields={"service": "not a service"}
        )
    lock_client_balance(service.client)
    locked = locked_service(service)
    if locked.client.kind != Client.Kind.NATURAL:
        raise DomainError(
            "withdrawal_not_available",
            _(
                "client: only a consumer (a natural person) may withdraw from the "
                "contract; a legal person may cancel the service with notice instead."
            ),
            fields={"client": "not a natural person"},
            status=409,
        )
    if locked.status == ServiceStatus.TERMINATED:
        raise DomainError(
            "service_not_cancellable",
            _("service: the service has ended already."),
            fields={"service": "status is terminated"},
            status=409,
        )
    last_day = withdrawal_last_day(locked)
    if today > last_day:
        raise DomainError(
            "withdrawal_period_over",
            _("service: the withdrawal period of this contract ended on %(date)s.")
            % {"date": last_day.isoformat()},
            fields={"service": f"withdrawal period ended on {last_day.isoformat()}"},
            status=409,
        )
    now = timezone.now()
    ServiceCancellation.objects.filter(
        service=locked, state=ServiceCancellation.State.REQUESTED
    ).update(state=ServiceCancellation.State.WITHDRAWN, withdrawn_at=now, withdrawn_by=actor)
    first = _first_refunded_day(locked, today)
    reason = f"Consumer withdrew from the contract on {today.isoformat()} (ORD-07)."
    withdrawal = ServiceCancellation.objects.create(
        service=locked,
        kind=ServiceCancellation.Kind.WITHDRAWAL,
        party=Party.CLIENT,
        state=ServiceCancellation.State.CARRIED_OUT,
        requested_on=today,
        effective_on=today,
        requested_at=now,
        requested_by=actor,
        carried_out_at=now,
        carried_out_by=actor,
        currency=locked.tariff.currency,
    )
    locked = terminate(locked, actor=actor, reason=reason)
    refunded = credit_back(
        service=locked,
        portions=unused_portions(locked, first),
        description=f"Withdrawal from {locked.public_id}",
        reason=reason,
        actor=actor,
        today=today,
        cancellation=withdrawal,
        by_own_share=True,
    )
    ServiceCancellation.objects.filter(pk=withdrawal.pk).update(refund_minor=refunded)
    audit(
        "service_withdrawn",
        actor=actor,
        obj=locked,
        client_id=locked.client_id,
        data={
            "cancellation": withdrawal.public_id,
            "refund_from": first.isoformat(),
            "refund_minor": refunded,
            "started_at_request": first > locked.contract_started_on,
        },
    )
    return ServiceCancellation.objects.get(pk=withdrawal.pk)
