"""Upgrades and downgrades of a service's tariff and add-ons, prorated to the day (ORD-04).

A change takes effect the day it is made. Its price is the difference between the monthly
fees of the new and the old plan for each paid period (at the fees in force for that period,
CAT-06), times the period's months, prorated to the days from the change to the period's end
(``hostledger.subscriptions.proration``). An upgrade is billed on a proforma and applies only
once that is paid (ORD-03): at once when the balance covers it, otherwise when a later
payment is applied (``client_payments_apply``). A downgrade applies at once and the
difference goes back to the balance by a credit note on the invoice that billed the period.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.accounts.selectors import check_client_not_restricted
from hostledger.accounts.validation import FieldErrors
from hostledger.catalog.coupons import Discount, coupon_discount
from hostledger.catalog.models import Tariff
from hostledger.catalog.selectors import add_on_price_in_force, price_in_force
from hostledger.core.errors import DomainError
from hostledger.core.money import Money
from hostledger.invoicing.actions import proforma_cancel, proforma_create
from hostledger.invoicing.lines import LineInput
from hostledger.invoicing.models import Invoice
from hostledger.ledger.locks import lock_client_balance
from hostledger.notifications.actions import proforma_issued_notify
from hostledger.provisioning.actions import provisioning_operation_queue
from hostledger.provisioning.modules.interface import Operation
from hostledger.subscriptions.models import (
    Service,
    ServiceAddOn,
    ServiceChange,
    ServicePeriod,
    ServiceStatus,
)
from hostledger.subscriptions.proration import (
    days_between,
    discounted_change_share_minor,
    months_of_period,
    remaining_share_minor,
)

from ._common import audit, locked_service
from ._credits import Portion, credit_back
from .order_input import AddOnChoice, _add_on_choices, clean_order_date, fresh
from .payments import client_payments_apply

CHANGEABLE_STATUSES = (ServiceStatus.ACTIVE, ServiceStatus.PROVISIONING)
"""A plan is changed only on a paid service that is running or being built (ORD-04);
suspended and terminated services are refused."""


def _plan_of(service: Service) -> tuple[Tariff, tuple[AddOnChoice, ...]]:
    add_ons = tuple(
        AddOnChoice(item.add_on, item.quantity)
        for item in ServiceAddOn.objects.filter(service=service).select_related("add_on")
    )
    return service.tariff, add_ons


def _add_ons_record(add_ons: tuple[AddOnChoice, ...]) -> list[dict]:
    return [
        {
            "add_on": choice.add_on.pk,
            "code": choice.add_on.code,
            "name": choice.add_on.name,
            "quantity": choice.quantity,
        }
        for choice in sorted(add_ons, key=lambda choice: choice.add_on.pk)
    ]


def _monthly_minor(tariff: Tariff, add_ons, period_start: date) -> int:
    """The monthly fee of a plan for a period starting on ``period_start`` (CAT-06); an OS
    licence is not part of it, since a plan change keeps the operating system."""
    total = price_in_force(tariff, period_start=period_start).minor
    for choice in add_ons:
        fee = add_on_price_in_force(choice.add_on, period_start=period_start)
        total += fee.minor * choice.quantity
    return total


def service_discount(service: Service) -> Discount | None:
    """The discount of the service's every-period coupon, which its renewals and plan
    changes apply (decision 0055); None without one."""
    coupon = service.coupon if service.coupon_id else None
    if coupon is None or not coupon.is_every_period:
        return None
    return coupon_discount(coupon)


def _plan_text(tariff: Tariff, add_ons) -> str:
    parts = [tariff.name]
    parts.extend(
        f"{choice.quantity} x {choice.add_on.name}" if choice.quantity > 1 else choice.add_on.name
        for choice in add_ons
    )
    return " + ".join(parts)


def _change_lines(service, old_plan, new_plan, *, today: date) -> list[dict]:
    """One line per paid period still running on ``today``: the difference of the whole
    period at the two plans and its share for the days from ``today`` (ORD-04)."""
    lines = []
    periods = ServicePeriod.objects.filter(service=service, ends_on__gte=today).order_by(
        "starts_on"
    )
    discount = service_discount(service)
    for period in periods:
        months = months_of_period(period.starts_on, period.ends_on)
        delta = (
            _monthly_minor(*new_plan, period.starts_on)
            - _monthly_minor(*old_plan, period.starts_on)
        ) * months
        first = max(today, period.starts_on)
        if discount is None:
            amount = remaining_share_minor(
                delta, starts_on=period.starts_on, ends_on=period.ends_on, first=first
            )
        else:
            # The service's every-period coupon lowers the tariff's part, as its renewals
            # do; the prorated difference is computed exactly and rounded once.
            old_tariff = price_in_force(old_plan[0], period_start=period.starts_on).minor * months
            new_tariff = price_in_force(new_plan[0], period_start=period.starts_on).minor * months
            other = delta - (new_tariff - old_tariff)
            amount = discounted_change_share_minor(
                old_tariff,
                new_tariff,
                discount,
                other_delta_minor=other,
                starts_on=period.starts_on,
                ends_on=period.ends_on,
                first=first,
            )
            delta = discount.net_minor(new_tariff) - discount.net_minor(old_tariff) + other
        lines.append(
            {
                "period": period.pk,
                "starts_on": period.starts_on.isoformat(),
                "ends_on": period.ends_on.isoformat(),
                "first": first.isoformat(),
                "days": days_between(first, period.ends_on),
                "period_days": days_between(period.starts_on, period.ends_on),
                "period_delta_minor": delta,
                "amount_minor": amount,
            }
        )
    return lines


def _check_change(locked: Service, tariff, add_ons, *, today: date):
    """The new plan, or a DomainError naming each bad field (nothing is written)."""
    errors = FieldErrors()
    if locked.status not in CHANGEABLE_STATUSES:
        errors.add(
            "service",
            _("The service is %(status)s; its plan cannot be changed.") % {"status": locked.status},
        )
    elif ServiceChange.objects.filter(service=locked, state=ServiceChange.State.PENDING).exists():
        errors.add("service", _("Another change of this service awaits payment."))
    elif not ServicePeriod.objects.filter(
        service=locked, starts_on__lte=today, ends_on__gte=today
    ).exists():
        errors.add("service", _("No paid period of the service runs today."))
    new_tariff = locked.tariff
    if tariff is not None:
        new_tariff = fresh(tariff) if isinstance(tariff, Tariff) else None
        if new_tariff is None:
            errors.add("tariff", _("Choose a tariff of the catalog."))
        elif new_tariff.family_id != locked.family_id:
            errors.add(
                "tariff", _("%(name)s is a tariff of another product.") % {"name": new_tariff.name}
            )
        elif not (new_tariff.is_active and new_tariff.is_published and new_tariff.family.is_active):
            errors.add("tariff", _("%(name)s is not offered.") % {"name": new_tariff.name})
    old_plan = _plan_of(locked)
    if add_ons is None:
        new_add_ons = old_plan[1]
        if new_tariff is not None and "tariff" not in errors.errors:
            _add_on_choices(new_add_ons, new_tariff, errors)
    else:
        offered_with = new_tariff if "tariff" not in errors.errors else None
        new_add_ons = _add_on_choices(add_ons, offered_with, errors)
    errors.raise_if_any()
    new_plan = (new_tariff, tuple(new_add_ons))
    if _add_ons_record(new_plan[1]) == _add_ons_record(old_plan[1]) and (
        new_tariff.pk == old_plan[0].pk
    ):
        raise DomainError(
            "invalid_input",
            _("tariff: the new plan is the same as the current one."),
            fields={"tariff": "nothing changes"},
        )
    return old_plan, new_plan


def _apply(change: ServiceChange, *, actor) -> bool:
    """Put the change's plan on the service (ORD-04): tariff, resources and add-ons; queue
    the module's ``change_plan`` call. A conditional UPDATE applies it once."""
    now = timezone.now()
    moved = ServiceChange.objects.filter(pk=change.pk, state=ServiceChange.State.PENDING).update(
        state=ServiceChange.State.APPLIED, applied_at=now
    )
    if not moved:
        return False
    service = locked_service(change.service)
    tariff = change.to_tariff
    service.tariff = tariff
    service.specs = dict(tariff.specs or {})
    service.save(update_fields=["tariff", "specs", "updated_at"])
    wanted = {row["add_on"]: row["quantity"] for row in change.to_add_ons}
    ServiceAddOn.objects.filter(service=service).exclude(add_on_id__in=wanted).delete()
    for add_on_id, quantity in wanted.items():
        ServiceAddOn.objects.update_or_create(
            service=service, add_on_id=add_on_id, defaults={"quantity": quantity}
        )
    provisioning_operation_queue(
        service=service,
        operation=Operation.CHANGE_PLAN,
        key=f"change_plan:{change.public_id}",
        changes={
            "tariff": tariff.code,
            "specs": dict(tariff.specs or {}),
            "add_ons": {row["code"]: row["quantity"] for row in change.to_add_ons},
        },
    )
    audit(
        "service_plan_changed",
        actor=actor,
        obj=service,
        client_id=service.client_id,
        data={
            "change": change.public_id,
            "direction": change.direction,
            "from_tariff": change.from_tariff.code,
            "to_tariff": tariff.code,
            "effective_on": change.effective_on.isoformat(),
            "amount_minor": change.amount_minor,
        },
    )
    return True


@transaction.atomic
def service_plan_change(
    *, service: Service, tariff=None, add_ons=None, actor, today: date | None = None
) -> ServiceChange:
    """Change a service's tariff and/or add-on quantities from today (ORD-04, ORD-03, BIL-04).

    ``tariff`` (None: keep it) must be an offered tariff of the service's product family;
    ``add_ons`` (None: keep them) is the whole new list, as in an order (``AddOn`` or
    ``AddOnChoice(add_on, quantity)``), each offered with the new tariff. Refused, naming
    the field, for a suspended or terminated service, a service with a change still awaiting
    payment, or no change at all.

    The price difference is prorated to the day for the rest of each paid period. An upgrade
    is billed on a proforma; it is paid from the balance at once when the balance covers it
    and the new plan applies, otherwise the change stays ``pending`` and is applied when a
    later payment pays its proforma. A downgrade applies at once and its difference is
    credited on the invoice that billed the period, back to the balance. The change is stored
    as a ``ServiceChange`` and audited; the service's field history records the new plan.
    """
    today = clean_order_date(today or timezone.localdate())
    if not isinstance(service, Service):
        raise DomainError(
            "invalid_input", _("service: no such service."), fields={"service": "not a service"}
        )
    lock_client_balance(service.client)
    locked = locked_service(service)
    old_plan, new_plan = _check_change(locked, tariff, add_ons, today=today)
    lines = _change_lines(locked, old_plan, new_plan, today=today)
    amount = sum(line["amount_minor"] for line in lines)
    direction = (
        ServiceChange.Direction.UPGRADE
        if amount > 0
        else ServiceChange.Direction.DOWNGRADE
        if amount < 0
        else ServiceChange.Direction.EVEN
    )
    if direction == ServiceChange.Direction.UPGRADE:
        check_client_not_restricted(locked.client, on=today)  # verification overdue (ACC-10)
    change = ServiceChange.objects.create(
        service=locked,
        direction=direction,
        state=ServiceChange.State.PENDING,
        from_tariff=old_plan[0],
        to_tariff=new_plan[0],
        from_add_ons=_add_ons_record(old_plan[1]),
        to_add_ons=_add_ons_record(new_plan[1]),
        effective_on=today,
        lines=lines,
        amount_minor=amount,
        currency=new_plan[0].currency,
        requested_at=timezone.now(),
        requested_by=actor,
    )
    summary = f"{_plan_text(*old_plan)} to {_plan_text(*new_plan)}"
    audit(
        "service_plan_change_requested",
        actor=actor,
        obj=locked,
        client_id=locked.client_id,
        data={"change": change.public_id, "direction": direction, "amount_minor": amount},
    )
    if direction == ServiceChange.Direction.UPGRADE:
        proforma = proforma_create(
            client=locked.client,
            payer=locked.payer,
            actor=actor,
            issued_on=today,
            entity=locked.family.entity,
            lines=[
                LineInput(
                    description=(
                        f"Upgrade of {locked.public_id}: {summary}, {line['first']} to "
                        f"{line['ends_on']} ({line['days']} of {line['period_days']} days)"
                    ),
                    quantity=1,
                    unit_price=Money(line["amount_minor"], change.currency),
                    period_start=date.fromisoformat(line["first"]),
                    period_end=date.fromisoformat(line["ends_on"]),
                )
                for line in lines
                if line["amount_minor"] > 0
            ],
        )
        ServiceChange.objects.filter(pk=change.pk).update(invoice=proforma)
        client_payments_apply(client=locked.client, actor=actor, today=today)
        proforma.refresh_from_db(fields=["status"])
        if proforma.status == Invoice.Status.ISSUED:
            proforma_issued_notify(proforma=proforma)  # the balance did not pay it (NTF-01)
    else:
        _apply(change, actor=actor)
        if direction == ServiceChange.Direction.DOWNGRADE:
            periods = {
                period.pk: period
                for period in ServicePeriod.objects.filter(
                    pk__in=[line["period"] for line in lines]
                ).select_related("invoice")
            }
            credit_back(
                service=locked,
                portions=[
                    Portion(
                        period=periods[line["period"]],
                        first=date.fromisoformat(line["first"]),
                        amount_minor=-line["amount_minor"],
                    )
                    for line in lines
                    if line["amount_minor"] < 0
                ],
                description=f"Downgrade of {locked.public_id}: {summary}",
                reason=f"Downgrade of service {locked.public_id} from {today.isoformat()} "
                "(ORD-04).",
                actor=actor,
                today=today,
                change=change,
            )
    return ServiceChange.objects.select_related("invoice", "service").get(pk=change.pk)


@transaction.atomic
def service_plan_change_withdraw(*, change: ServiceChange, actor) -> ServiceChange:
    """Withdraw a change that still awaits payment (ORD-04, ORD-03): its proforma is
    cancelled and the service keeps its plan. An applied or cancelled change is refused."""
    if not isinstance(change, ServiceChange):
        raise DomainError(
            "invalid_input", _("change: no such change."), fields={"change": "not a change"}
        )
    lock_client_balance(change.service.client)
    current = ServiceChange.objects.select_related("invoice", "service").get(pk=change.pk)
    if current.state != ServiceChange.State.PENDING:
        raise DomainError(
            "change_not_pending",
            _("The change is %(state)s; only a change awaiting payment can be withdrawn.")
            % {"state": current.get_state_display().lower()},
            fields={"change": f"state is {current.state}"},
            status=409,
        )
    pending_changes_cancel(
        service=current.service, actor=actor, reason="The plan change was withdrawn."
    )
    return ServiceChange.objects.get(pk=change.pk)


def pending_changes_settle(client, *, actor) -> list[ServiceChange]:
    """Apply every pending change of the client whose proforma is now paid, and cancel those
    whose proforma was cancelled (ORD-03). Called by ``client_payments_apply``."""
    applied = []
    pending = ServiceChange.objects.filter(
        service__client=client, state=ServiceChange.State.PENDING, invoice__isnull=False
    ).select_related("invoice", "service", "to_tariff", "from_tariff")
    for change in pending.order_by("id"):
        if change.invoice.status == Invoice.Status.PAID and _apply(change, actor=actor):
            applied.append(change)
        elif change.invoice.status == Invoice.Status.CANCELLED:
            ServiceChange.objects.filter(pk=change.pk, state=ServiceChange.State.PENDING).update(
                state=ServiceChange.State.CANCELLED, cancelled_at=timezone.now()
            )
    return applied


def pending_changes_cancel(*, service: Service, actor, reason: str) -> int:
    """Cancel the service's change awaiting payment with its proforma; used when the change
    is withdrawn and when the service ends (ORD-06, ORD-07). In the caller's transaction."""
    cancelled = 0
    pending = ServiceChange.objects.filter(
        service=service, state=ServiceChange.State.PENDING
    ).select_related("invoice")
    for change in pending:
        if change.invoice is not None and change.invoice.status == Invoice.Status.ISSUED:
            proforma_cancel(proforma=change.invoice, actor=actor, reason=reason)
        elif change.invoice is not None and change.invoice.status == Invoice.Status.PAID:
            continue  # paid, applied by the payment run: nothing to cancel
        cancelled += ServiceChange.objects.filter(
            pk=change.pk, state=ServiceChange.State.PENDING
        ).update(state=ServiceChange.State.CANCELLED, cancelled_at=timezone.now())
        audit(
            "service_plan_change_cancelled",
            actor=actor,
            obj=service,
            client_id=service.client_id,
            data={"change": change.public_id, "reason": reason[:200]},
        )
    return cancelled
