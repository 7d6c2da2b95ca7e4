"""Reads of usage shared by the client area, the staff area, the API and jobs (BIL-08, CAT-02).

Client-facing code passes a service it loaded through
``hostledger.subscriptions.selectors.client_service`` (another client's service is a 404);
nothing here widens that scope. A billed period is read from its stored charges, never
recomputed (habit 1); a period not billed yet shows the usage so far, priced as it would be
billed today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone

from hostledger.catalog.models import MeteredItem, from_micro
from hostledger.catalog.pricing import CATALOG_CURRENCY, metered_charge
from hostledger.core.money import Money
from hostledger.metering.models import UsageCharge, UsageRecord
from hostledger.metering.periods import UsagePeriod, usage_period_of
from hostledger.subscriptions.models import Service


@dataclass(frozen=True)
class UsageLine:
    """One metered item's usage in a period: used, included, billable and its amount.

    ``charge`` is the stored charge once the period was billed for the item; its figures are
    then those billed. Quantities are micro-units of the item's unit.
    """

    metered_item: MeteredItem
    used_micro: int
    included_micro: int
    billable_micro: int
    unit_price_micro: int
    amount: Money
    charge: UsageCharge | None

    @property
    def used(self) -> Decimal:
        return from_micro(self.used_micro)

    @property
    def included(self) -> Decimal:
        return from_micro(self.included_micro)

    @property
    def billable(self) -> Decimal:
        return from_micro(self.billable_micro)

    @property
    def is_billed(self) -> bool:
        return self.charge is not None


@dataclass(frozen=True)
class ServiceUsage:
    """A service's usage in one period, one line per metered item of its tariff and per
    item it used, in catalog order; ``total`` is the sum of the lines' amounts (net)."""

    service: Service
    period: UsagePeriod
    lines: list[UsageLine]
    total: Money

    @property
    def is_billed(self) -> bool:
        """Whether every item used in the period was billed (an empty period is not)."""
        used = [line for line in self.lines if line.used_micro or line.is_billed]
        return bool(used) and all(line.is_billed for line in used)


def current_usage_period(*, today: date | None = None) -> UsagePeriod:
    """The usage period (calendar month) running today."""
    return usage_period_of(today or timezone.localdate())


def usage_totals(service: Service, period: UsagePeriod) -> dict[int, int]:
    """Micro-units used per metered item id in the period: records whose window starts in
    it, on the provider's clock."""
    rows = (
        UsageRecord.objects.filter(
            client_id=service.client_id,
            service_id=service.pk,
            window_start__gte=period.starts_at,
            window_start__lt=period.ends_before,
        )
        .values("metered_item_id")
        .annotate(total=Sum("quantity_micro"))
        .order_by("metered_item_id")
    )
    return {row["metered_item_id"]: row["total"] for row in rows}


def usage_charges_of(service: Service, period: UsagePeriod) -> dict[int, UsageCharge]:
    """The stored charges of the period by metered item id."""
    charges = UsageCharge.objects.filter(
        client_id=service.client_id, service_id=service.pk, period_start=period.start
    ).select_related("invoice")
    return {charge.metered_item_id: charge for charge in charges}


def _items_of(service: Service, extra_ids: set[int]) -> list[MeteredItem]:
    """The active metered items of the service's tariff, and any other item it used."""
    offered = Q(family_id=service.family_id, is_active=True) & (
        Q(tariff__isnull=True) | Q(tariff_id=service.tariff_id)
    )
    return list(
        MeteredItem.objects.filter(offered | Q(pk__in=extra_ids)).order_by("sort_order", "id")
    )


def service_usage(service: Service, *, period: UsagePeriod) -> ServiceUsage:
    """The service's usage in ``period`` per metered item, with what the fee includes and
    what is billable so far (BIL-08, CAT-02). Four queries, whatever the number of records."""
    totals = usage_totals(service, period)
    charges = usage_charges_of(service, period)
    lines = []
    for item in _items_of(service, set(totals) | set(charges)):
        charge = charges.get(item.pk)
        if charge is not None:
            lines.append(
                UsageLine(
                    metered_item=item,
                    used_micro=charge.total_quantity_micro,
                    included_micro=charge.included_quantity_micro,
                    billable_micro=charge.billable_quantity_micro,
                    unit_price_micro=charge.unit_price_micro,
                    amount=charge.amount,
                    charge=charge,
                )
            )
            continue
        used = totals.get(item.pk, 0)
        lines.append(
            UsageLine(
                metered_item=item,
                used_micro=used,
                included_micro=item.included_quantity_micro,
                billable_micro=max(used - item.included_quantity_micro, 0),
                unit_price_micro=item.unit_price_micro,
                amount=metered_charge(item, quantity=from_micro(used)),
                charge=None,
            )
        )
    total = Money.total((line.amount for line in lines), CATALOG_CURRENCY)
    return ServiceUsage(service=service, period=period, lines=lines, total=total)


def last_window_end(service: Service, *, source: str):
    """The end of the latest usage window recorded for ``service`` from ``source``, or None:
    where a collector resumes (BIL-08)."""
    return (
        UsageRecord.objects.filter(service=service, source=source)
        .order_by("-window_end")
        .values_list("window_end", flat=True)
        .first()
    )
