"""Reads of licence rental for the staff pages, the API and the provisioning module (CAT-01,
PRV-01; seed 003, annex 9): which product a tariff draws its keys from, the pool of each
product, a product's keys, and the monthly usage report the provider owes its licensor.

The usage report is worked out from the append-only allocation history: a key counts for a
month when it was allocated at any moment of it, and for each day on which it was allocated
at any moment (a "key-day", local dates).
"""

from __future__ import annotations

import calendar
import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext

from hostledger.catalog import selectors as catalog
from hostledger.catalog.models import FamilyCode
from hostledger.core.errors import DomainError, NotFound
from hostledger.core.registry import setting_value
from hostledger.licences import conf
from hostledger.licences.models import (
    LicenceEventKind,
    LicenceKey,
    LicenceKeyEvent,
    LicenceKeyStatus,
    LicenceProduct,
)

STAFF_LIST_LIMIT = 500
KEY_HINT_CHARS = 5
MONTH = re.compile(r"^(\d{4})-(\d{2})$")
EARLIEST_YEAR = 2000


# Which product a tariff draws from --------------------------------------------------------


def tariff_products() -> dict[str, str]:
    """The tariff → product pairs the provider set in ``licences.tariff_products``."""
    try:
        return conf.parse_tariff_products(str(setting_value(conf.TARIFF_PRODUCTS)))
    except ValueError as error:
        raise DomainError(
            "invalid_setting",
            gettext("%(tariff_products)s: %(error)s")
            % {"tariff_products": conf.TARIFF_PRODUCTS, "error": error},
            fields={conf.TARIFF_PRODUCTS: str(error)},
        ) from None


def product_code_for_tariff(tariff_code: str) -> str:
    """The code of the product whose keys a service of the tariff ``tariff_code`` gets: the
    one ``licences.tariff_products`` names, else the tariff's own code (CAT-01)."""
    return tariff_products().get(tariff_code, tariff_code)


@dataclass(frozen=True)
class TariffPool:
    """A tariff of the licence family and the product it draws keys from; ``defined`` is
    False while no key of that product was ever uploaded (orders of it cannot be
    provisioned)."""

    tariff_code: str
    tariff_name: str
    product_code: str
    defined: bool


def licence_tariffs() -> list[TariffPool]:
    """Every tariff of the licence family (CAT-01), with its product."""
    try:
        family = catalog.family_by_code(FamilyCode.LICENCE, include_inactive=True)
    except NotFound:
        return []
    pairs = tariff_products()
    defined = set(LicenceProduct.objects.values_list("code", flat=True))
    rows = []
    for tariff in catalog.tariffs_for_staff(family=family):
        product = pairs.get(tariff.code, tariff.code)
        rows.append(TariffPool(tariff.code, tariff.name, product, product in defined))
    return rows


# The pool ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProductPool:
    """A product and how many of its keys are free, allocated and retired."""

    product: LicenceProduct
    available: int
    allocated: int
    retired: int
    tariffs: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        return self.available + self.allocated + self.retired


def _counted(products: QuerySet[LicenceProduct]) -> QuerySet[LicenceProduct]:
    return products.annotate(
        available_keys=Count("keys", filter=Q(keys__status=LicenceKeyStatus.AVAILABLE)),
        allocated_keys=Count("keys", filter=Q(keys__status=LicenceKeyStatus.ALLOCATED)),
        retired_keys=Count("keys", filter=Q(keys__status=LicenceKeyStatus.RETIRED)),
    ).order_by("code")


def _pool_of(product, tariffs: dict[str, list[str]]) -> ProductPool:
    return ProductPool(
        product=product,
        available=product.available_keys,
        allocated=product.allocated_keys,
        retired=product.retired_keys,
        tariffs=tuple(sorted(tariffs.get(product.code, ()))),
    )


def _tariffs_by_product() -> dict[str, list[str]]:
    tariffs: dict[str, list[str]] = defaultdict(list)
    for row in licence_tariffs():
        tariffs[row.product_code].append(row.tariff_code)
    return tariffs


def pool_counts() -> list[ProductPool]:
    """Every product with the counts of its keys by state and the licence tariffs drawing
    from it, by code; one query for the counts."""
    tariffs = _tariffs_by_product()
    return [_pool_of(product, tariffs) for product in _counted(LicenceProduct.objects.all())]


def pool_counts_of(product: LicenceProduct) -> ProductPool:
    """The counts of one product's keys and the tariffs drawing from it."""
    counted = _counted(LicenceProduct.objects.filter(pk=product.pk)).get()
    return _pool_of(counted, _tariffs_by_product())


def product_by_code(code: str) -> LicenceProduct | None:
    return LicenceProduct.objects.filter(code=str(code)).first()


def allocated_keys_count() -> int:
    """How many keys services hold now."""
    return LicenceKey.objects.filter(status=LicenceKeyStatus.ALLOCATED).count()


def staff_product(public_id: str) -> LicenceProduct:
    product = LicenceProduct.objects.filter(public_id=str(public_id)).first()
    if product is None:
        raise NotFound("licence product")
    return product


def staff_key(public_id: str) -> LicenceKey:
    key = LicenceKey.objects.select_related("product").filter(public_id=str(public_id)).first()
    if key is None:
        raise NotFound("licence key")
    return key


def product_keys(product: LicenceProduct, *, status: str = "") -> QuerySet[LicenceKey]:
    """The keys of ``product``, oldest first, optionally of one state."""
    keys = LicenceKey.objects.filter(product=product).select_related("product").order_by("id")
    if status:
        keys = keys.filter(status=status)
    return keys


def key_hint(key: LicenceKey) -> str:
    """The last characters of a key, for staff to tell keys apart without showing them."""
    return "…" + key.key_text[-KEY_HINT_CHARS:] if key.key_text else ""


def key_held_by(service_id: str) -> LicenceKey | None:
    """The key the service ``service_id`` holds now, if any."""
    return (
        LicenceKey.objects.select_related("product")
        .filter(service_public_id=str(service_id), status=LicenceKeyStatus.ALLOCATED)
        .first()
    )


# The monthly usage report -----------------------------------------------------------------


def clean_month(value, *, today: date | None = None) -> date:
    """The first day of the month ``value`` names (``YYYY-MM``; empty: this month); a
    DomainError naming ``month`` for anything else or a month after this one."""
    today = today or timezone.localdate()
    text = (value or "").strip() if isinstance(value, str) else value
    if text in (None, ""):
        return today.replace(day=1)
    match = MONTH.match(text) if isinstance(text, str) else None
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise DomainError(
            "invalid_input", gettext("month: give a month as YYYY-MM."), fields={"month": "YYYY-MM"}
        )
    month = date(int(match.group(1)), int(match.group(2)), 1)
    if month.year < EARLIEST_YEAR or month > today.replace(day=1):
        raise DomainError(
            "invalid_input",
            gettext("month: a month from 2000 up to this one."),
            fields={"month": "not a month that has begun"},
        )
    return month


@dataclass(frozen=True)
class ProductUsage:
    """A product in a month: ``keys`` allocated at any moment of it, ``key_days`` the days
    on which each key was allocated (a key counts once a day), ``services`` holding one."""

    product_code: str
    product_name: str
    keys: int
    key_days: int
    services: int


@dataclass(frozen=True)
class ServiceUsage:
    """A service's keys of a product in a month; a key that changed hands during a day
    counts that day for both services (and once for the product)."""

    product_code: str
    client_public_id: str
    service_public_id: str
    keys: int
    key_days: int
    first_day: date
    last_day: date


@dataclass(frozen=True)
class UsageReport:
    month: date
    counted_until: date
    products: list[ProductUsage]
    services: list[ServiceUsage]

    @property
    def label(self) -> str:
        return f"{self.month:%Y-%m}"


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _days_held(allocated_at: datetime, released_at: datetime | None, *, now: datetime) -> tuple:
    """The first and last local day of an allocation [allocated_at, released_at): a release
    exactly at midnight does not count the day it opens."""
    first = timezone.localdate(allocated_at)
    if released_at is None:
        last = timezone.localdate(now)
    else:
        last = timezone.localdate(max(released_at - timedelta(microseconds=1), allocated_at))
    return first, max(first, last)


def usage_report(*, month: date, now: datetime | None = None) -> UsageReport:
    """How each product's keys were used in ``month`` (its first day), per product and per
    client and service, up to ``now`` for a month still running (annex 9; CAT-01).

    One query reads the allocations that overlap the month, each with the release that ended
    it (the key's next ``released`` event); days are local dates.
    """
    now = now or timezone.now()
    first_day = month.replace(day=1)
    last_day = first_day.replace(day=calendar.monthrange(first_day.year, first_day.month)[1])
    starts = _local_midnight(first_day)
    ends = _local_midnight(last_day + timedelta(days=1))
    counted_until = min(last_day, timezone.localdate(now))
    release = (
        LicenceKeyEvent.objects.filter(
            key=OuterRef("key"), kind=LicenceEventKind.RELEASED, id__gt=OuterRef("id")
        )
        .order_by("id")
        .values("occurred_at")[:1]
    )
    allocations = (
        LicenceKeyEvent.objects.filter(
            kind=LicenceEventKind.ALLOCATED, occurred_at__lt=ends, occurred_at__lte=now
        )
        .annotate(ended_at=Subquery(release))
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=starts))
        .values_list(
            "key_id",
            "product_id",
            "service_public_id",
            "client_public_id",
            "occurred_at",
            "ended_at",
        )
        .order_by("id")
    )
    product_keys_used: dict[int, set] = defaultdict(set)
    product_key_days: dict[int, set] = defaultdict(set)
    product_services: dict[int, set] = defaultdict(set)
    service_keys: dict[tuple, set] = defaultdict(set)
    service_key_days: dict[tuple, set] = defaultdict(set)
    for key_id, product_id, service, client, allocated_at, ended_at in allocations:
        held_from, held_until = _days_held(allocated_at, ended_at, now=now)
        day = max(held_from, first_day)
        last = min(held_until, counted_until)
        if day > last:
            continue
        row = (product_id, client, service)
        product_keys_used[product_id].add(key_id)
        product_services[product_id].add(service)
        service_keys[row].add(key_id)
        while day <= last:
            product_key_days[product_id].add((key_id, day))
            service_key_days[row].add((key_id, day))
            day += timedelta(days=1)
    products = list(LicenceProduct.objects.order_by("code"))
    codes = {product.pk: product.code for product in products}
    product_rows = [
        ProductUsage(
            product_code=product.code,
            product_name=product.name,
            keys=len(product_keys_used[product.pk]),
            key_days=len(product_key_days[product.pk]),
            services=len(product_services[product.pk]),
        )
        for product in products
    ]
    service_rows = sorted(
        (
            ServiceUsage(
                product_code=codes[product_id],
                client_public_id=client,
                service_public_id=service,
                keys=len(service_keys[(product_id, client, service)]),
                key_days=len(days),
                first_day=min(day for _, day in days),
                last_day=max(day for _, day in days),
            )
            for (product_id, client, service), days in service_key_days.items()
        ),
        key=lambda row: (row.product_code, row.client_public_id, row.service_public_id),
    )
    return UsageReport(first_day, counted_until, product_rows, service_rows)


CSV_COLUMNS = ("month", "row", "product", "product_name", "client", "service", "keys", "key_days")


def _safe_cell(value) -> str:
    """A cell a spreadsheet shows as text: a leading =, +, - or @ would make it a formula."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def usage_report_csv(report: UsageReport) -> str:
    """The report as CSV: for each product a ``product`` row of its totals, then a
    ``service`` row for each service that held one of its keys."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    by_product: dict[str, list[ServiceUsage]] = defaultdict(list)
    for row in report.services:
        by_product[row.product_code].append(row)
    for product in report.products:
        writer.writerow(
            [
                _safe_cell(cell)
                for cell in (
                    report.label,
                    "product",
                    product.product_code,
                    product.product_name,
                    "",
                    "",
                    product.keys,
                    product.key_days,
                )
            ]
        )
        for row in by_product[product.product_code]:
            writer.writerow(
                [
                    _safe_cell(cell)
                    for cell in (
                        report.label,
                        "service",
                        row.product_code,
                        product.product_name,
                        row.client_public_id,
                        row.service_public_id,
                        row.keys,
                        row.key_days,
                    )
                ]
            )
    return out.getvalue()
