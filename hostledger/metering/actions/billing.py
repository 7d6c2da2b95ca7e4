"""Billing usage beyond the ordered amount (BIL-08, CAT-02, BIL-01…04, seed 003 §2.2.4, §4.2).

For one service and one closed usage period (a calendar month), the usage of each metered
item is summed, the quantity the fee includes is free, and the excess is priced with
:func:`hostledger.catalog.pricing.metered_charge` (rounded once, half up, to cents). The
billable items go on one proforma for the service, paid at once from the prepaid balance when
it covers it; otherwise it waits like any proforma, due in ``invoicing.due_working_days``
working days (seed 003 §5.3). A :class:`~hostledger.metering.models.UsageCharge` row per item
records the period as billed — also when nothing was billable — so a second run bills nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Exists, OuterRef, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.accounts.models import Payer
from hostledger.catalog.models import MeteredItem, from_micro
from hostledger.catalog.pricing import metered_charge
from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError
from hostledger.invoicing.actions import invoice_pay_from_balance, proforma_create
from hostledger.invoicing.actions.invoices import clean_date
from hostledger.invoicing.lines import LineInput
from hostledger.invoicing.models import Invoice
from hostledger.ledger.locks import lock_client_balance
from hostledger.metering.locks import lock_service
from hostledger.metering.models import UsageCharge, UsageRecord
from hostledger.metering.periods import UsagePeriod, check_usage_period
from hostledger.subscriptions.models import Service

logger = logging.getLogger("hostledger.metering")


@dataclass(frozen=True)
class UsageBill:
    """The outcome of billing one service's usage period.

    ``charges`` are the period's charges of the service, ``billed_now`` those written by this
    call (none when the period was billed before); ``invoice`` is the proforma issued now
    (the final invoice once ``paid``), or None when nothing was billable or billed now.
    """

    service: Service
    period: UsagePeriod
    charges: list[UsageCharge]
    billed_now: list[UsageCharge]
    invoice: Invoice | None
    paid: bool


@dataclass(frozen=True)
class UsageBillRun:
    """The outcome of :func:`usage_bill_due`: each service billed, and each refused with why."""

    period: UsagePeriod
    bills: list[UsageBill] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)


def _quantity_text(micro: int) -> str:
    """A quantity for people: ``1234.5`` rather than ``1234.500000``."""
    text = f"{from_micro(micro):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _line(charge: UsageCharge) -> LineInput:
    """One proforma line: the item's excess usage as one amount, because a unit price finer
    than a cent cannot be a line's unit price; the description gives the figures."""
    item = charge.metered_item
    unit_price = f"{from_micro(charge.unit_price_micro):f}".rstrip("0").rstrip(".")
    return LineInput(
        description=(
            f"{item.name}: {_quantity_text(charge.total_quantity_micro)} {item.unit} used, "
            f"{_quantity_text(charge.included_quantity_micro)} included, "
            f"{_quantity_text(charge.billable_quantity_micro)} billed at {unit_price} "
            f"{charge.currency} per {item.unit}"
        ),
        quantity=1,
        unit_price=charge.amount,
        period_start=charge.period_start,
        period_end=charge.period_end,
    )


def _payer_of(service: Service) -> Payer:
    """The service's payer, or the client's default payer if that one was archived since."""
    payer = Payer.objects.filter(pk=service.payer_id, archived_at__isnull=True).first()
    if payer is None:
        payer = (
            Payer.objects.filter(client_id=service.client_id, archived_at__isnull=True)
            .order_by("-is_default", "created_at", "id")
            .first()
        )
    if payer is None:
        raise DomainError(
            "no_payer",
            _("The client has no payer to bill the usage to; add one first."),
            fields={"payer": "the client has no active payer"},
        )
    return payer


def _usage_sums(service: Service, period: UsagePeriod) -> dict[int, int]:
    """Total quantity (micro-units) used per metered item in the period, by item id."""
    sums = (
        UsageRecord.objects.filter(
            client_id=service.client_id,
            service=service,
            window_start__gte=period.starts_at,
            window_start__lt=period.ends_before,
        )
        .values("metered_item_id")
        .annotate(total=Sum("quantity_micro"))
        .order_by("metered_item_id")
    )
    return {row["metered_item_id"]: row["total"] for row in sums}


def _charges(
    service: Service, period: UsagePeriod, totals: dict[int, int], *, actor, now
) -> list[UsageCharge]:
    """The unsaved charge rows of the items used: ``totals`` is micro-units by item id."""
    items = {item.pk: item for item in MeteredItem.objects.filter(pk__in=totals)}
    charges = []
    for item_id, total in totals.items():
        item = items[item_id]
        amount = metered_charge(item, quantity=from_micro(total))
        charges.append(
            UsageCharge(
                client_id=service.client_id,
                service=service,
                metered_item=item,
                period_start=period.start,
                period_end=period.end,
                total_quantity_micro=total,
                included_quantity_micro=item.included_quantity_micro,
                billable_quantity_micro=max(total - item.included_quantity_micro, 0),
                unit_price_micro=item.unit_price_micro,
                amount_minor=amount.minor,
                currency=amount.currency,
                billed_at=now,
                billed_by=actor,
            )
        )
    charges.sort(key=lambda charge: (charge.metered_item.sort_order, charge.metered_item_id))
    return charges


def _period_charges(service: Service, period: UsagePeriod) -> list[UsageCharge]:
    return list(
        UsageCharge.objects.filter(
            client_id=service.client_id, service=service, period_start=period.start
        )
        .select_related("metered_item", "invoice")
        .order_by("metered_item__sort_order", "metered_item_id")
    )


def _clean_today(today) -> date:
    return clean_date(today or timezone.localdate(), "today")


def _refuse_open_period(period: UsagePeriod, today: date) -> None:
    if period.end >= today:
        raise DomainError(
            "usage_period_not_over",
            _("period_end: the usage of %(label)s is billed after the month ends.")
            % {"label": period.label},
            fields={"period_end": f"the period ends on {period.end.isoformat()}"},
        )


@transaction.atomic
def usage_bill_period(
    *, service, period_start, period_end, actor=None, today: date | None = None
) -> UsageBill:
    """Bill a service's usage beyond the ordered amount for one closed period (BIL-08,
    CAT-02, BIL-01, BIL-02, BIL-03, BIL-04; seed 003 §2.2.4, §4.2).

    The period is one calendar month (``period_start`` its first day, ``period_end`` its
    last) that ended before ``today``. For each metered item the service used in it, the
    usage is summed, the item's included quantity is free and the excess is priced and
    rounded once, half up, to cents. The items with an amount go as one line each on ONE
    proforma to the service's payer (VAT by BIL-05), paid at once from the balance if the
    balance covers its gross amount; otherwise it stays open. A charge row per item stores
    the figures and marks the period billed, also when nothing was billable (then no
    proforma is issued). Billing the same period again bills only items not billed yet — so
    running it twice bills once. The client's balance is locked first, then the service.
    """
    today = _clean_today(today)
    period = check_usage_period(period_start, period_end)
    _refuse_open_period(period, today)
    if not isinstance(service, Service) or service.pk is None:
        raise DomainError(
            "invalid_input", _("service: no such service."), fields={"service": "not a service"}
        )
    lock_client_balance(service.client)
    locked = lock_service(service)
    if locked is None:
        raise DomainError("not_found", _("No such service."), status=404)
    billed_items = {charge.metered_item_id for charge in _period_charges(locked, period)}
    to_bill = {
        item_id: total
        for item_id, total in _usage_sums(locked, period).items()
        if item_id not in billed_items
    }
    if not to_bill:
        charges = _period_charges(locked, period)
        return UsageBill(
            service=locked, period=period, charges=charges, billed_now=[], invoice=None, paid=False
        )
    now = timezone.now()
    charges = _charges(locked, period, to_bill, actor=actor, now=now)
    billable = [charge for charge in charges if charge.amount_minor > 0]
    proforma = None
    if billable:
        proforma = proforma_create(
            client=locked.client,
            payer=_payer_of(locked),
            lines=[_line(charge) for charge in billable],
            actor=actor,
            issued_on=today,
            entity=locked.family.entity,
        )
        for charge in billable:
            charge.invoice = proforma
    UsageCharge.objects.bulk_create(charges)
    record_audit_event(
        action="metering.usage_billed",
        actor=actor,
        obj=locked,
        subject_client_id=locked.client_id,
        data={
            "period": period.label,
            "items": len(charges),
            "net_minor": sum(charge.amount_minor for charge in charges),
            "invoice": proforma.public_id if proforma else None,
        },
    )
    paid = False
    if proforma is not None:
        balance = lock_client_balance(locked.client)
        if balance.balance_minor >= proforma.gross_minor:
            proforma = invoice_pay_from_balance(proforma=proforma, actor=actor, paid_on=today)
            paid = True
    billed_now = {charge.pk for charge in charges}
    period_charges = _period_charges(locked, period)
    return UsageBill(
        service=locked,
        period=period,
        charges=period_charges,
        billed_now=[charge for charge in period_charges if charge.pk in billed_now],
        invoice=proforma,
        paid=paid,
    )


def usage_bill_due(*, period_end, actor=None, today: date | None = None) -> UsageBillRun:
    """Bill the usage of every service that has unbilled usage in the closed calendar month
    ending ``period_end`` (BIL-08).

    Each service is billed by :func:`usage_bill_period` in a transaction of its own, so a
    service that cannot be billed (no active payer, for example) does not hold back the
    others: its refusal is returned and logged, and a later run bills it. Running it again
    bills nothing more.
    """
    today = _clean_today(today)
    period_end = clean_date(period_end, "period_end")
    period = check_usage_period(period_end.replace(day=1), period_end)
    _refuse_open_period(period, today)
    already_billed = UsageCharge.objects.filter(
        client_id=OuterRef("client_id"),
        service_id=OuterRef("service_id"),
        metered_item_id=OuterRef("metered_item_id"),
        period_start=period.start,
    )
    service_ids = (
        UsageRecord.objects.filter(
            window_start__gte=period.starts_at, window_start__lt=period.ends_before
        )
        .filter(~Exists(already_billed))
        .values_list("service_id", flat=True)
        .distinct()
        .order_by("service_id")
    )
    run = UsageBillRun(period=period)
    for service in Service.objects.filter(pk__in=list(service_ids)).select_related("client"):
        try:
            run.bills.append(
                usage_bill_period(
                    service=service,
                    period_start=period.start,
                    period_end=period.end,
                    actor=actor,
                    today=today,
                )
            )
        except DomainError as refused:
            logger.warning("Usage of %s for %s not billed: %s", service, period.label, refused)
            run.refused[service.public_id] = refused.message
    return run
