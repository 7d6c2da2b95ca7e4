"""Applying payments to orders (ORD-03) and withdrawing unpaid orders (ORD-01).

:func:`client_payments_apply` is the one entry point every payment path calls after money
arrives: it pays open proformas from the balance and starts provisioning every service whose
order is now paid, storing the billed period once (habit 1).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.accounts.models import Client
from hostledger.core.errors import DomainError
from hostledger.invoicing.actions import (
    client_proformas_settle,
    invoice_pay_from_balance,
    proforma_cancel,
)
from hostledger.invoicing.models import Invoice
from hostledger.ledger.locks import lock_client_balance
from hostledger.subscriptions.models import Order, Service, ServicePeriod, ServiceStatus

from ._common import audit, clean_reason, locked_service, transition
from .lifecycle import service_provisioning_start
from .order_input import clean_order_date


def _period_record(service: Service, order: Order) -> None:
    """Store the period the order billed, once per (service, start) (habit 1), and make the
    billing run renew it from the end of that period (AUT-01)."""
    Service.objects.filter(pk=service.pk).update(
        renewal_months=order.period_months,
        invoiced_through=Greatest(
            Coalesce("invoiced_through", Value(order.period_ends_on)), Value(order.period_ends_on)
        ),
        paid_through=Greatest(
            Coalesce("paid_through", Value(order.period_ends_on)), Value(order.period_ends_on)
        ),
        billing_invoice_id=order.proforma_id,
    )
    service.refresh_from_db(fields=["renewal_months", "invoiced_through", "paid_through"])
    ServicePeriod.objects.get_or_create(
        service=service,
        starts_on=order.period_starts_on,
        defaults={
            "ends_on": order.period_ends_on,
            "invoice_id": order.proforma_id,
            "order": order,
            "amount_minor": order.net_minor,
            "currency": order.currency,
        },
    )


def _order_paid(order: Order, *, actor, today: date) -> list[Service]:
    """Apply a paid order: record the period and start (or continue) its service."""
    paid_on = order.proforma.finalised_on or today
    started = []
    if order.trial_service_id is not None:
        service = locked_service(order.trial_service)
        _period_record(service, order)
        # A trial paid before it ends stays a trial for its free days (ORD-02, CAT-04); the
        # billing run makes it active the day its paid period starts.
        if service.status == ServiceStatus.TRIAL and order.period_starts_on <= today:
            transition(
                service,
                ServiceStatus.ACTIVE,
                reason=f"Free trial paid by order {order.public_id}.",
                actor=None,
            )
            started.append(service)
        return started
    for service in order.services.filter(status=ServiceStatus.PENDING).order_by("id"):
        _period_record(service, order)
        if order.period_starts_on > today:
            continue  # a consumer's service waits for the withdrawal period (ORD-07)
        started.append(service_provisioning_start(service=service, paid_on=paid_on, actor=None))
    return started


@transaction.atomic
def paid_services_start(*, today: date) -> list[Service]:
    """Start provisioning the paid services whose period begins by ``today``: a consumer's
    service that waited for the end of the withdrawal period (ORD-07, 003 §11.6). Called by
    the billing run; a second call starts nothing more. Returns the services started."""
    waiting = Service.objects.filter(
        status=ServiceStatus.PENDING,
        order__status=Order.Status.PAID,
        order__period_starts_on__lte=today,
    ).select_related("order")
    started = []
    for service in waiting.order_by("client_id", "id"):
        lock_client_balance(service.client)
        locked = locked_service(service)
        if locked.status == ServiceStatus.PENDING:
            started.append(
                service_provisioning_start(
                    service=locked, paid_on=service.order.period_starts_on, actor=None
                )
            )
    return started


def _order_mark_cancelled(order: Order, *, actor, reason: str) -> bool:
    moved = Order.objects.filter(pk=order.pk, status=Order.Status.PLACED).update(
        status=Order.Status.CANCELLED, cancelled_at=timezone.now()
    )
    if not moved:
        return False
    for service in order.services.filter(status=ServiceStatus.PENDING).order_by("id"):
        transition(
            locked_service(service),
            ServiceStatus.TERMINATED,
            reason=reason,
            actor=actor,
            terminated_at=timezone.now(),
        )
    audit("order_cancelled", actor=actor, obj=order, client_id=order.client_id, data={})
    return True


def _payments_apply(client, *, actor, today: date) -> list[Service]:
    client_proformas_settle(client=client, actor=actor, today=today)
    started: list[Service] = []
    now = timezone.now()
    paid = Order.objects.filter(
        client=client, status=Order.Status.PLACED, proforma__status=Invoice.Status.PAID
    ).select_related("proforma", "trial_service")
    for order in paid.order_by("id"):
        moved = Order.objects.filter(pk=order.pk, status=Order.Status.PLACED).update(
            status=Order.Status.PAID, paid_at=now
        )
        if moved:
            started.extend(_order_paid(order, actor=actor, today=today))
    withdrawn = Order.objects.filter(
        client=client, status=Order.Status.PLACED, proforma__status=Invoice.Status.CANCELLED
    )
    for order in withdrawn.order_by("id"):
        _order_mark_cancelled(order, actor=None, reason="The order's proforma was cancelled.")
    from .changes import pending_changes_settle

    pending_changes_settle(client, actor=actor)  # upgrades whose proforma is now paid (ORD-04)
    from hostledger.automation.run import client_renewals_apply

    client_renewals_apply(client=client, today=today)  # renewals paid, debt cleared (AUT-03)
    return started


@transaction.atomic
def client_payments_apply(*, client, actor=None, today: date | None = None) -> list[Service]:
    """Apply the client's balance to what they ordered (ORD-03, BIL-03, BIL-04).

    The one entry point to call after money arrives (the web, the API, the gateway webhook,
    the bank import): open proformas are paid from the balance oldest first, and every
    service whose order is now paid has its period stored and starts provisioning (a paid
    trial becomes active). Orders whose proforma was cancelled are cancelled with their
    pending services. Plan changes awaiting payment whose proforma is now paid are applied
    (ORD-04). Returns the services started now; calling it again does nothing more.
    """
    if not isinstance(client, Client):
        raise DomainError(
            "invalid_input", _("client: no such client."), fields={"client": "not a client"}
        )
    today = clean_order_date(today or timezone.localdate())
    return _payments_apply(client, actor=actor, today=today)


@transaction.atomic
def proforma_pay_from_balance(*, proforma: Invoice, actor=None, today: date | None = None):
    """Pay the proforma the client chose from the balance, then apply the balance as after
    any payment (ORD-03, BIL-01, BIL-04).

    The client may pay a proforma out of turn; what it billed follows at once: an order now
    paid has its period stored and starts provisioning, a plan change now paid is applied.
    A balance that does not cover the proforma refuses it and changes nothing. Returns the
    final invoice.
    """
    today = clean_order_date(today or timezone.localdate())
    paid = invoice_pay_from_balance(proforma=proforma, actor=actor, paid_on=today)
    _payments_apply(paid.client, actor=actor, today=today)
    return paid


def open_orders_cancel(*, service: Service, actor, reason: str) -> int:
    """Cancel the unpaid orders of ``service`` and their proformas; used when the service is
    terminated. Runs in the caller's transaction (which holds the client's balance lock)."""
    orders = Order.objects.filter(status=Order.Status.PLACED).filter(
        pk__in=[service.order_id, *service.conversion_orders.values_list("pk", flat=True)]
    )
    cancelled = 0
    for order in orders.select_related("proforma").order_by("id"):
        if order.proforma is not None and order.proforma.status == Invoice.Status.ISSUED:
            proforma_cancel(proforma=order.proforma, actor=actor, reason=reason)
        if order.proforma is not None and order.proforma.status == Invoice.Status.PAID:
            continue  # paid but not yet applied: the money question belongs to ORD-06
        cancelled += _order_mark_cancelled(order, actor=actor, reason=reason)
    from .changes import pending_changes_cancel

    pending_changes_cancel(service=service, actor=actor, reason=reason)  # ORD-04
    return cancelled


@transaction.atomic
def order_cancel(*, order: Order, actor, reason: str = "") -> Order:
    """Withdraw an order that is not paid yet (ORD-01): its proforma is cancelled and its
    pending service terminated. A paid order is refused (ORD-06 cancels services)."""
    reason = clean_reason(reason, required=False) or "The order was withdrawn before payment."
    if not isinstance(order, Order):
        raise DomainError(
            "invalid_input", _("order: no such order."), fields={"order": "not an order"}
        )
    lock_client_balance(order.client)
    current = Order.objects.select_related("proforma").get(pk=order.pk)
    if current.status != Order.Status.PLACED:
        raise DomainError(
            "order_not_open",
            _("The order is %(state)s; only an unpaid order can be withdrawn.")
            % {"state": current.get_status_display().lower()},
            fields={"order": f"status is {current.status}"},
            status=409,
        )
    if current.proforma is not None:
        proforma_cancel(proforma=current.proforma, actor=actor, reason=reason)
    _order_mark_cancelled(current, actor=actor, reason=reason)
    return Order.objects.get(pk=order.pk)
