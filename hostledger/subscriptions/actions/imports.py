"""Services imported from another billing system (ORD-01, ORD-02, ORD-08;
docs/decisions/0040-importing-from-whmcs.md).

The other system sold the service, so the import records what it sold as a paid order of
its own (numbered with the source's order, not from this provider's order series) and the
service in the state the source gave, paid up to the day before its next due date there. From
then on the billing run renews it like any other service, at its tariff's price.
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.accounts.validation import FieldErrors
from hostledger.core.errors import DomainError
from hostledger.core.registry import setting_value
from hostledger.provisioning.modules.registry import module_for
from hostledger.subscriptions import conf
from hostledger.subscriptions.models import (
    Order,
    OrderItem,
    Service,
    ServiceStatus,
    ServiceStatusChange,
    SuspensionReason,
)

from ._common import audit
from .contracts import next_term_end
from .order_input import check_period, period_end

IMPORTED_STATUSES = (
    ServiceStatus.PENDING,
    ServiceStatus.ACTIVE,
    ServiceStatus.SUSPENDED,
    ServiceStatus.TERMINATED,
)


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


@transaction.atomic
def service_import(
    *,
    client,
    payer,
    tariff,
    status: str,
    started_on: date,
    renewal_months: int,
    paid_through: date | None,
    monthly_fee_minor: int,
    order_reference: str,
    source: str,
    host_name: str = "",
    reason: str = "",
    today: date | None = None,
    actor=None,
) -> Service:
    """Record a service sold by another system (ORD-01, ORD-02).

    A paid order ``order_reference`` (the source's order, e.g. ``WHMCS-1042``) for ``tariff``
    over ``renewal_months`` (one of the periods offered here, ORD-01) from ``started_on``,
    and its service in ``status`` (pending, active, suspended or terminated), paid through
    ``paid_through`` (none for a pending one). The contract term (ORD-08) runs from
    ``started_on`` and is renewed up to the term that holds ``today``. The status history
    has one row saying where the service came from. Nothing is charged and nothing is sent
    to the client: the money of the source's invoices is imported with them.
    """
    today = today or timezone.localdate()
    errors = FieldErrors()
    if status not in IMPORTED_STATUSES:
        errors.add("status", _("An imported service is pending, active, suspended or terminated."))
    months = check_period(renewal_months, errors)
    if payer.client_id != client.pk:
        errors.add("payer", _("Not this client's payer."))
    if status != ServiceStatus.PENDING and paid_through is None:
        errors.add("paid_through", _("A service that ran is paid through some day."))
    if not (order_reference or "").strip() or len(order_reference) > 20:
        errors.add("order_reference", _("The source's order, at most 20 characters."))
    if monthly_fee_minor < 0:
        errors.add("monthly_fee_minor", _("Zero or more."))
    errors.raise_if_any()
    if started_on > today:
        raise DomainError(
            "invalid_date",
            _("started_on: an imported service started in the past."),
            fields={"started_on": "in the future"},
        )
    placed_at = _moment(started_on)
    order = Order.objects.create(
        number=order_reference.strip(),
        client=client,
        payer=payer,
        family=tariff.family,
        tariff=tariff,
        tariff_specs=dict(tariff.specs or {}),
        period_months=months,
        period_starts_on=started_on,
        period_ends_on=period_end(started_on, months),
        currency=tariff.currency,
        net_minor=monthly_fee_minor * months,
        status=Order.Status.PAID,
        placed_at=placed_at,
        placed_by=actor,
    )
    OrderItem.objects.create(
        order=order,
        position=1,
        kind=OrderItem.Kind.TARIFF,
        tariff=tariff,
        code=tariff.code,
        name=tariff.name,
        monthly_fee_minor=monthly_fee_minor,
        currency=tariff.currency,
        months=months,
        amount_minor=monthly_fee_minor * months,
    )
    term_end = period_end(started_on, setting_value(conf.CONTRACT_TERM_MONTHS))
    while term_end < today:
        term_end = next_term_end(term_end)
    now = timezone.now()
    service = Service.objects.create(
        client=client,
        payer=payer,
        order=order,
        family=tariff.family,
        tariff=tariff,
        specs=dict(tariff.specs or {}),
        status=status,
        status_changed_at=now,
        contract_started_on=started_on,
        contract_ends_on=term_end,
        activated_at=placed_at if status != ServiceStatus.PENDING else None,
        terminated_at=now if status == ServiceStatus.TERMINATED else None,
        renewal_months=months,
        invoiced_through=paid_through,
        paid_through=paid_through,
        suspension_reason=SuspensionReason.OTHER if status == ServiceStatus.SUSPENDED else "",
        module_name=module_for(tariff.family.code).name,
        host_name=(host_name or "").strip(),
    )
    ServiceStatusChange.objects.create(
        service=service,
        from_status="",
        to_status=status,
        reason=(reason or f"Imported from {source} ({order_reference}).")[:500],
        actor=actor,
        changed_at=now,
    )
    audit(
        "service.imported",
        actor=actor,
        obj=service,
        client_id=client.pk,
        data={"source": source, "order": order.number, "status": status},
    )
    return service
