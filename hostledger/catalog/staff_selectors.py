"""Reads of the catalog for the staff area: every item, offered or not (CAT-01 … CAT-06).

Clients see active items only (``selectors.catalog_for_browsing``); staff manage inactive
ones too, with the fee in force today and the next announced change (CAT-06). Each function
costs a fixed number of queries whatever the size of the catalog.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from hostledger.core.errors import NotFound
from hostledger.core.money import Money
from hostledger.core.registry import current_values

from .models import AddOn, MeteredItem, OsImage, PriceVersion, ProductFamily, Tariff
from .selectors import _with_fees
from .terms import FamilyTerms, family_terms


@dataclass(frozen=True, slots=True)
class FamilyOverview:
    """A family with the terms in force (CAT-03) and how many items it holds."""

    family: ProductFamily
    terms: FamilyTerms
    tariffs: int
    active_tariffs: int
    add_ons: int
    metered_items: int


def _priced(rows) -> list:
    """The rows with ``fee_in_force`` (Money) and ``next_fee`` (Money or None) set from
    their fee annotations; ``next_fee_from`` is the date of the next change."""
    rows = list(rows)
    for row in rows:
        row.fee_in_force = Money(row.fee_in_force_minor, row.currency)
        row.next_fee = (
            Money(row.next_fee_minor, row.currency) if row.next_fee_minor is not None else None
        )
    return rows


def family_overviews() -> list[FamilyOverview]:
    """All eight families with their terms and item counts: two queries (settings, families)."""
    values = current_values()
    families = ProductFamily.objects.annotate(
        tariff_count=Count("tariffs", distinct=True),
        active_tariff_count=Count("tariffs", filter=Q(tariffs__is_active=True), distinct=True),
        add_on_count=Count("add_ons", distinct=True),
        metered_item_count=Count("metered_items", distinct=True),
    ).order_by("sort_order", "id")  # Meta.ordering does not apply to grouped queries
    return [
        FamilyOverview(
            family=family,
            terms=family_terms(family, values=values),
            tariffs=family.tariff_count,
            active_tariffs=family.active_tariff_count,
            add_ons=family.add_on_count,
            metered_items=family.metered_item_count,
        )
        for family in families
    ]


def family_for_staff(code: str) -> ProductFamily:
    """The family with ``code``, offered or not; NotFound for an unknown code."""
    family = ProductFamily.objects.filter(code=code).first()
    if family is None:
        raise NotFound("product family")
    return family


def tariffs_with_fees(family: ProductFamily) -> list[Tariff]:
    """Every tariff of ``family``, inactive ones included, with the fee in force today
    (``fee_in_force``) and the next announced change (``next_fee`` from ``next_fee_from``)
    (CAT-02, CAT-06). One query."""
    rows = Tariff.objects.filter(family=family).select_related("family")
    return _priced(_with_fees(rows, "tariff", timezone.localdate()))


def add_ons_for_staff(family: ProductFamily) -> list[AddOn]:
    """Every add-on of ``family``, inactive ones included, with its tariff and fees as in
    :func:`tariffs_with_fees`. One query."""
    rows = AddOn.objects.filter(family=family).select_related("tariff", "family")
    return _priced(_with_fees(rows, "add_on", timezone.localdate()))


def add_on_with_fees(public_id: str) -> AddOn:
    """One add-on, offered or not, with its family, tariff and fees; NotFound otherwise."""
    rows = AddOn.objects.filter(public_id=public_id).select_related("tariff", "family")
    found = _priced(_with_fees(rows, "add_on", timezone.localdate())[:1])
    if not found:
        raise NotFound("add-on")
    return found[0]


def tariff_with_fees(public_id: str) -> Tariff:
    """One tariff, offered or not, with its family and fees; NotFound otherwise."""
    rows = Tariff.objects.filter(public_id=public_id).select_related("family")
    found = _priced(_with_fees(rows, "tariff", timezone.localdate())[:1])
    if not found:
        raise NotFound("tariff")
    return found[0]


def metered_items_for_staff(family: ProductFamily) -> list[MeteredItem]:
    """Every metered item of ``family``, inactive ones included, with its tariff. One query."""
    return list(MeteredItem.objects.filter(family=family).select_related("tariff", "family"))


def metered_item_for_staff(public_id: str) -> MeteredItem:
    item = MeteredItem.objects.filter(public_id=public_id).select_related("tariff", "family")
    found = item.first()
    if found is None:
        raise NotFound("metered item")
    return found


def os_images_for_staff() -> list[OsImage]:
    """Every OS image, inactive ones included, with its families (CAT-05). Two queries."""
    families = Prefetch("families", queryset=ProductFamily.objects.order_by("sort_order", "id"))
    return list(OsImage.objects.prefetch_related(families))


def os_image_for_staff(public_id: str) -> OsImage:
    image = OsImage.objects.filter(public_id=public_id).prefetch_related("families").first()
    if image is None:
        raise NotFound("OS image")
    return image


def price_version_of(
    public_id: str, *, tariff: Tariff | None = None, add_on: AddOn | None = None
) -> PriceVersion:
    """The price version ``public_id`` of ``tariff`` or ``add_on`` (CAT-06); NotFound when it
    belongs to neither."""
    if (tariff is None) == (add_on is None):
        raise NotFound("price change")
    target = {"tariff": tariff} if tariff is not None else {"add_on": add_on}
    version = PriceVersion.objects.filter(public_id=public_id, **target).first()
    if version is None:
        raise NotFound("price change")
    return version


def price_version_by_public_id(public_id: str) -> PriceVersion:
    """The price version ``public_id`` with its tariff or add-on (CAT-06); NotFound otherwise."""
    version = (
        PriceVersion.objects.select_related("tariff", "add_on").filter(public_id=public_id).first()
    )
    if version is None:
        raise NotFound("price change")
    return version
