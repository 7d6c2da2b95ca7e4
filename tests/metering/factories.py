"""Builders of the metering tests: metered items on the test catalog, a paid VPS service of a
client, and times on the provider's clock. Everything is made through the real actions.

- Traffic: every VPS, 0.0043 EUR per GB, 100 GB included a month.
- CPU time: every VPS, 0.0125 EUR per vCPU-hour, nothing included.
- Large disk: VPS Large only, 0.0001 EUR per GB-hour.
- Cloud disk: cloud pools only, 0.0002 EUR per GB-hour.

A one-month VPS Start with Debian costs 9.90 net, 12.28 gross at Estonia's 24 % VAT.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from django.utils import timezone

from hostledger.catalog import actions as catalog
from hostledger.catalog.models import MeteredItem
from hostledger.subscriptions.actions import order_place
from hostledger.subscriptions.models import Service
from tests.subscriptions.factories import TODAY, Catalog, fund

MARCH_START, MARCH_END = date(2027, 3, 1), date(2027, 3, 31)
APRIL_FIRST = date(2027, 4, 1)
"""A Thursday: the day March's usage is billed."""
APRIL_NOW = datetime(2027, 4, 1, 8, 0, tzinfo=UTC)
ORDER_GROSS = "12.28"


@dataclass
class MeteredItems:
    traffic: MeteredItem
    cpu: MeteredItem
    large_disk: MeteredItem
    cloud_disk: MeteredItem


def add_metered_items(shop: Catalog, actor=None) -> MeteredItems:
    traffic = catalog.metered_item_create(
        family=shop.vps,
        code="vps-traffic",
        name="Traffic",
        unit="GB",
        unit_price="0.0043",
        included_quantity="100",
        actor=actor,
    )
    cpu = catalog.metered_item_create(
        family=shop.vps,
        code="vps-cpu-hours",
        name="CPU time",
        unit="vCPU-hour",
        unit_price="0.0125",
        sort_order=1,
        actor=actor,
    )
    large_disk = catalog.metered_item_create(
        family=shop.vps,
        tariff=shop.vps_large,
        code="vps-large-disk",
        name="Large disk",
        unit="GB-hour",
        unit_price="0.0001",
        actor=actor,
    )
    cloud_disk = catalog.metered_item_create(
        family=shop.cloud,
        code="cloud-disk",
        name="Cloud disk",
        unit="GB-hour",
        unit_price="0.0002",
        actor=actor,
    )
    return MeteredItems(traffic=traffic, cpu=cpu, large_disk=large_disk, cloud_disk=cloud_disk)


def ordered_service(client, payer, *, tariff, os_image=None, on: date | None = None) -> Service:
    """The service of a one-month order of ``tariff`` placed on ``on`` (default: today). It is
    paid from the balance if the balance covers it, else it waits in ``pending``; either way
    it records usage. Note that placing an order pays the client's open proformas, oldest
    first, when the balance covers them (ORD-03)."""
    order = order_place(
        client=client,
        payer=payer,
        tariff=tariff,
        period_months=1,
        os_image=os_image,
        start_at_once=True,  # the consumer asks for an early start (ORD-07)
        actor=client.owner,
        today=on or timezone.localdate(),
    )
    return Service.objects.get(pk=order.service.pk)


def paid_vps(client, payer, shop: Catalog, *, funds: str = ORDER_GROSS, on: date = TODAY):
    """A one-month VPS Start ordered on ``on`` and paid from ``funds`` paid in first; its
    ``provisioning`` service."""
    fund(client, funds, on=on)
    return ordered_service(client, payer, tariff=shop.vps_start, os_image=shop.debian, on=on)


def at(day: date, hour: int = 0, minute: int = 0) -> datetime:
    """``day`` at ``hour:minute`` on the provider's clock (Tallinn)."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def usage(service, item, quantity, start: datetime, end: datetime | None = None, **fields):
    """The fields of one usage record, an hour long unless told otherwise."""
    values = {
        "service": service,
        "metered_item": item,
        "quantity": quantity,
        "window_start": start,
        "window_end": end or start + (at(MARCH_START, 1) - at(MARCH_START)),
        "source": "meter-1",
        "external_id": f"{service.public_id}:{item.code}:{start.isoformat()}",
    }
    values.update(fields)
    return values
