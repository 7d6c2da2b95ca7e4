"""The catalog as clients see it: what may be ordered (CAT-01 … CAT-06).

Anyone signed in browses the active families with their tariffs, add-ons, metered items and
OS images, each with the fee in force today and the next announced change (CAT-06). Staff
manage the catalog through :mod:`hostledger.api.routers.catalog_staff`.
"""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import Path, Query, Router

from hostledger.api.errors import responses
from hostledger.api.schemas import PageParams, page_of, paginate, path_id
from hostledger.api.schemas_catalog import (
    OfferedFamilyOut,
    OfferedTariffDetailOut,
    PriceChangeNoticeOut,
    SellerOut,
    offered_family,
    offered_tariff_detail,
    price_change_notice,
    seller,
)
from hostledger.catalog import selectors
from hostledger.catalog.models import ProductFamily
from hostledger.core.errors import NotFound
from hostledger.invoicing.snapshots import provider_snapshot
from hostledger.providers.selectors import provider_entities

router = Router(tags=["Catalog"])

TariffId = Annotated[str, Path(**path_id("tariff", "trf_3k9d2m7q8w1x4z6v"))]


# ----------------------------------------------------------------------------- clients


@router.get(
    "/catalog/sellers",
    response=responses({200: page_of(SellerOut)}, 400, 401, 403),
    summary="List the sellers",
)
def catalog_seller_list(request: HttpRequest, page: Query[PageParams]):
    """The provider entities that sell the catalog, the default first: each with the legal
    details its invoices print and the codes of the active product families it sells."""
    families: dict[int, list[str]] = {}
    for entity_id, code in ProductFamily.objects.filter(is_active=True).values_list(
        "entity_id", "code"
    ):
        families.setdefault(entity_id, []).append(code)
    sellers = [
        seller(entity, provider_snapshot(entity), sorted(families.get(entity.pk, [])))
        for entity in provider_entities()
    ]
    return paginate(sellers, page)


@router.get(
    "/catalog/families",
    response=responses({200: page_of(OfferedFamilyOut)}, 400, 401, 403),
    summary="Browse the catalog",
)
def catalog_family_list(request: HttpRequest, page: Query[PageParams]):
    """The active product families in display order (CAT-01), each with its terms (CAT-03),
    free trial (CAT-04), active tariffs with their add-ons and metered items (CAT-02) and OS
    images (CAT-05). Fees are those in force today, with the next announced change (CAT-06).
    """
    offered = [offered_family(item) for item in selectors.catalog_for_browsing()]
    return paginate(offered, page)


@router.get(
    "/catalog/tariffs/{tariff_id}",
    response=responses({200: OfferedTariffDetailOut}, 400, 401, 403, 404),
    summary="Read a tariff",
)
def catalog_tariff_read(request: HttpRequest, tariff_id: TariffId):
    """One active tariff with its fee in force, next announced change (CAT-06), add-ons and
    metered items (CAT-02) and the OS images of its family (CAT-05)."""
    for family in selectors.catalog_for_browsing():
        for offered in family.tariffs:
            if offered.tariff.public_id == tariff_id:
                return offered_tariff_detail(family, offered)
    raise NotFound("tariff")


@router.get(
    "/catalog/price-changes",
    response=responses({200: page_of(PriceChangeNoticeOut)}, 400, 401, 403),
    summary="List announced price changes",
)
def catalog_price_change_list(request: HttpRequest, page: Query[PageParams]):
    """Announced changes of tariff and add-on fees that take effect after today, soonest
    first (CAT-06). A change applies from the first billing period starting on or after its
    date; a client who does not accept it may terminate before then."""
    notices = [price_change_notice(version) for version in selectors.upcoming_price_changes()]
    return paginate(notices, page)
