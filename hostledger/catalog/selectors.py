"""Reads of the catalog shared by the client area, the staff area, the API and billing (CAT).

Clients browse with :func:`catalog_for_browsing` (a fixed handful of queries however large
the catalog) and look items up by their public ids; billing asks :func:`price_in_force` for
the fee of a period (CAT-06) and prices usage with ``hostledger.catalog.pricing``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.core.errors import DomainError, NotFound
from hostledger.core.money import Money
from hostledger.core.registry import current_values

from .models import (
    AddOn,
    MeteredItem,
    OsImage,
    PriceVersion,
    ProductFamily,
    PublicationStatus,
    Tariff,
)
from .pricing import metered_charge, price_quantity  # noqa: F401  (re-exported for callers)
from .terms import (  # noqa: F401  (re-exported for callers)
    FamilyTerms,
    TrialTerms,
    check_trial_request,
    commencement_deadline,
    family_terms,
    trial_terms,
)

# Price versions ----------------------------------------------------------------------------


def _as_date(value: date | datetime, field: str) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, date):
        return value
    raise DomainError(
        "invalid_date",
        _("%(field)s: a date is required.") % {"field": field},
        fields={field: "a date is required"},
    )


def _live_versions() -> QuerySet[PriceVersion]:
    """Published, not withdrawn price versions: drafts apply to nobody (CAT-06)."""
    return PriceVersion.objects.filter(
        status=PublicationStatus.PUBLISHED, withdrawn_at__isnull=True
    )


def _in_force_order() -> list[str]:
    """The version that applies is the one with the latest date; of two announced for the
    same date, the later announcement."""
    return ["-effective_from", "-announced_at", "-id"]


def price_in_force(tariff: Tariff, *, period_start: date | datetime) -> Money:
    """The monthly fee of ``tariff`` for a billing period starting on ``period_start`` (CAT-06).

    A price change applies from the first period that starts on or after its effective date,
    so a period that began earlier keeps the fee it began with.
    """
    start = _as_date(period_start, "period_start")
    version = (
        _live_versions()
        .filter(tariff=tariff, effective_from__lte=start)
        .order_by(*_in_force_order())
        .first()
    )
    return version.monthly_fee if version is not None else tariff.monthly_fee


def add_on_price_in_force(add_on: AddOn, *, period_start: date | datetime) -> Money:
    """The monthly fee of ``add_on`` for a billing period starting on ``period_start`` (CAT-06)."""
    start = _as_date(period_start, "period_start")
    version = (
        _live_versions()
        .filter(add_on=add_on, effective_from__lte=start)
        .order_by(*_in_force_order())
        .first()
    )
    return version.monthly_fee if version is not None else add_on.monthly_fee


def fees_in_force(
    *, period_start: date | datetime, tariff_ids=(), add_on_ids=()
) -> dict[tuple[str, int], Money]:
    """The monthly fees of many tariffs and add-ons for periods starting on ``period_start``.

    Keyed ``("tariff", id)`` and ``("add_on", id)``; one query per kind, for billing runs
    that price thousands of services at once (CAT-06, habit 3). Same rule as
    :func:`price_in_force`.
    """
    start = _as_date(period_start, "period_start")
    fees: dict[tuple[str, int], Money] = {}
    for kind, model, ids in (("tariff", Tariff, tariff_ids), ("add_on", AddOn, add_on_ids)):
        ids = list(ids)
        if not ids:
            continue
        rows = _with_fees(model.objects.filter(pk__in=ids), kind, start).values_list(
            "pk", "fee_in_force_minor", "currency"
        )
        fees.update({(kind, pk): Money(minor, currency) for pk, minor, currency in rows})
    return fees


def price_versions_of(*, tariff: Tariff | None = None, add_on: AddOn | None = None):
    """Every price version of a tariff or add-on, withdrawn ones included, oldest first."""
    if (tariff is None) == (add_on is None):
        raise DomainError(
            "invalid_price_target",
            _("Name either a tariff or an add-on."),
            fields={"tariff": "give a tariff or an add-on"},
        )
    target = {"tariff": tariff} if tariff is not None else {"add_on": add_on}
    return list(PriceVersion.objects.filter(**target).select_related("announced_by"))


def upcoming_price_changes(*, today: date | None = None) -> list[PriceVersion]:
    """Announced, not withdrawn changes that take effect after ``today`` (CAT-06), soonest
    first, with their tariff or add-on loaded; for the notices clients receive."""
    today = today or timezone.localdate()
    return list(
        _live_versions()
        .filter(effective_from__gt=today)
        .select_related("tariff__family", "add_on__family")
        .order_by("effective_from", "announced_at", "id")
    )


def _with_fees(queryset: QuerySet, target: str, today: date) -> QuerySet:
    """Annotate the fee in force today and the next announced change (fee and date)."""
    versions = _live_versions().filter(**{target: OuterRef("pk")})
    in_force = versions.filter(effective_from__lte=today).order_by(*_in_force_order())
    upcoming = versions.filter(effective_from__gt=today).order_by(
        "effective_from", "-announced_at", "-id"
    )
    return queryset.annotate(
        fee_in_force_minor=Coalesce(
            Subquery(in_force.values("monthly_fee_minor")[:1]), F("monthly_fee_minor")
        ),
        next_fee_minor=Subquery(upcoming.values("monthly_fee_minor")[:1]),
        next_fee_from=Subquery(upcoming.values("effective_from")[:1]),
    )


# Browsing ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PriceChange:
    """An announced fee and the date from which it applies (CAT-06)."""

    monthly_fee: Money
    effective_from: date


@dataclass(frozen=True, slots=True)
class OfferedAddOn:
    add_on: AddOn
    monthly_fee: Money
    next_change: PriceChange | None


@dataclass(frozen=True, slots=True)
class OfferedTariff:
    """An active tariff with its fee today, its next announced change, and what it offers."""

    tariff: Tariff
    monthly_fee: Money
    next_change: PriceChange | None
    add_ons: list[OfferedAddOn]
    metered_items: list[MeteredItem]


@dataclass(frozen=True, slots=True)
class OfferedFamily:
    """An active family as clients see it: its terms, trial, tariffs and OS images."""

    family: ProductFamily
    terms: FamilyTerms
    trial: TrialTerms | None
    tariffs: list[OfferedTariff]
    os_images: list[OsImage]


def _next_change(row) -> PriceChange | None:
    if row.next_fee_minor is None:
        return None
    return PriceChange(Money(row.next_fee_minor, row.currency), row.next_fee_from)


def _offered(row, fee_field: str = "fee_in_force_minor") -> tuple[Money, PriceChange | None]:
    return Money(getattr(row, fee_field), row.currency), _next_change(row)


def catalog_for_browsing(*, today: date | None = None) -> list[OfferedFamily]:
    """Every active family with its active tariffs, add-ons, metered items and OS images.

    Fees are those in force ``today`` (default: the local date) with the next announced
    change (CAT-06). Six queries whatever the size of the catalog: the settings, the
    families, and one each for tariffs, add-ons, metered items and OS images.
    """
    today = today or timezone.localdate()
    values = current_values()
    tariffs = _with_fees(
        Tariff.objects.filter(is_active=True, status=PublicationStatus.PUBLISHED), "tariff", today
    ).order_by("sort_order", "monthly_fee_minor", "id")
    add_ons = _with_fees(AddOn.objects.filter(is_active=True), "add_on", today)
    families = ProductFamily.objects.filter(is_active=True).prefetch_related(
        Prefetch("tariffs", queryset=tariffs, to_attr="active_tariffs"),
        Prefetch("add_ons", queryset=add_ons, to_attr="active_add_ons"),
        Prefetch(
            "metered_items",
            queryset=MeteredItem.objects.filter(is_active=True),
            to_attr="active_metered_items",
        ),
        Prefetch(
            "os_images",
            queryset=OsImage.objects.filter(is_active=True),
            to_attr="active_os_images",
        ),
    )
    offered = []
    for family in families:
        offered_tariffs = []
        for tariff in family.active_tariffs:
            fee, change = _offered(tariff)
            offered_tariffs.append(
                OfferedTariff(
                    tariff=tariff,
                    monthly_fee=fee,
                    next_change=change,
                    add_ons=[
                        OfferedAddOn(item, *_offered(item))
                        for item in family.active_add_ons
                        if item.tariff_id in (None, tariff.pk)
                    ],
                    metered_items=[
                        item
                        for item in family.active_metered_items
                        if item.tariff_id in (None, tariff.pk)
                    ],
                )
            )
        offered.append(
            OfferedFamily(
                family=family,
                terms=family_terms(family, values=values),
                trial=trial_terms(family.code, values=values),
                tariffs=offered_tariffs,
                os_images=list(family.active_os_images) if family.offers_os_images else [],
            )
        )
    return offered


# Look-ups ----------------------------------------------------------------------------------


def family_by_code(code: str, *, include_inactive: bool = False) -> ProductFamily:
    """The family with ``code`` (CAT-01); NotFound when absent or, unless asked, inactive."""
    families = ProductFamily.objects.all()
    if not include_inactive:
        families = families.filter(is_active=True)
    family = families.filter(code=code).first()
    if family is None:
        raise NotFound("product family")
    return family


def families_for_staff() -> list[ProductFamily]:
    """All eight families, inactive ones included, in display order."""
    return list(ProductFamily.objects.all())


def tariff_by_public_id(public_id: str, *, include_inactive: bool = False) -> Tariff:
    """The tariff with ``public_id`` and its family; clients see active, published tariffs
    only (a draft is a 404 to them)."""
    tariffs = Tariff.objects.select_related("family")
    if not include_inactive:
        tariffs = tariffs.filter(
            is_active=True, status=PublicationStatus.PUBLISHED, family__is_active=True
        )
    tariff = tariffs.filter(public_id=public_id).first()
    if tariff is None:
        raise NotFound("tariff")
    return tariff


def tariff_by_code(code: str, *, include_inactive: bool = False) -> Tariff:
    tariffs = Tariff.objects.select_related("family")
    if not include_inactive:
        tariffs = tariffs.filter(
            is_active=True, status=PublicationStatus.PUBLISHED, family__is_active=True
        )
    tariff = tariffs.filter(code=code).first()
    if tariff is None:
        raise NotFound("tariff")
    return tariff


def _by_public_id(model, public_id: str, what: str, include_inactive: bool):
    rows = model.objects.all()
    if not include_inactive:
        rows = rows.filter(is_active=True)
    row = rows.filter(public_id=public_id).first()
    if row is None:
        raise NotFound(what)
    return row


def add_on_by_public_id(public_id: str, *, include_inactive: bool = False) -> AddOn:
    return _by_public_id(AddOn, public_id, "add-on", include_inactive)


def metered_item_by_public_id(public_id: str, *, include_inactive: bool = False) -> MeteredItem:
    return _by_public_id(MeteredItem, public_id, "metered item", include_inactive)


def os_image_by_public_id(public_id: str, *, include_inactive: bool = False) -> OsImage:
    return _by_public_id(OsImage, public_id, "OS image", include_inactive)


def tariffs_for_staff(*, family: ProductFamily | None = None) -> list[Tariff]:
    """Every tariff, inactive ones included, with its family; optionally of one family."""
    tariffs = Tariff.objects.select_related("family")
    if family is not None:
        tariffs = tariffs.filter(family=family)
    return list(tariffs)


def _offered_with(tariff: Tariff) -> Q:
    return Q(family_id=tariff.family_id, is_active=True) & (
        Q(tariff__isnull=True) | Q(tariff_id=tariff.pk)
    )


def add_ons_for_tariff(tariff: Tariff) -> list[AddOn]:
    """The active add-ons a client may choose with ``tariff``: family-wide and its own."""
    return list(AddOn.objects.filter(_offered_with(tariff)))


def metered_items_for_tariff(tariff: Tariff) -> list[MeteredItem]:
    """The active metered items billed with ``tariff``: family-wide and its own (CAT-02)."""
    return list(MeteredItem.objects.filter(_offered_with(tariff)))


def os_images_for_family(family: ProductFamily) -> list[OsImage]:
    """The active OS images offered for ``family`` (CAT-05); none for families without."""
    if not family.offers_os_images:
        return []
    return list(family.os_images.filter(is_active=True))


def check_add_on_offered(*, tariff: Tariff, add_on: AddOn) -> None:
    """Refuse an add-on that is inactive or not offered with ``tariff`` (CAT-02)."""
    if (
        not add_on.is_active
        or add_on.family_id != tariff.family_id
        or (add_on.tariff_id not in (None, tariff.pk))
    ):
        raise DomainError(
            "add_on_not_offered",
            _("%(name)s is not offered with %(name2)s.")
            % {"name": add_on.name, "name2": tariff.name},
            fields={"add_on": "not offered with this tariff"},
        )


def check_os_image_offered(*, family: ProductFamily, os_image: OsImage) -> None:
    """Refuse an OS image that is inactive or not offered for ``family`` (CAT-05)."""
    offered = os_image.is_active and os_image.families.filter(pk=family.pk).exists()
    if not offered:
        raise DomainError(
            "os_image_not_offered",
            _("%(name)s is not offered for %(name2)s.")
            % {"name": os_image.name, "name2": family.name},
            fields={"os_image": "not offered for this product"},
        )
