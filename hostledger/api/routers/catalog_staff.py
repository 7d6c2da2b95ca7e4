"""Staff management of the catalog (CAT-01 … CAT-06): staff with ``catalog.manage`` list,
create, change, stop and resume offering tariffs, add-ons, metered items and OS images, and
announce price changes. Each change is one catalog action, recorded in the audit trail.
"""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema
from ninja.responses import Status

from hostledger.accounts import permissions as perms
from hostledger.accounts.selectors import require_staff_permission
from hostledger.api.errors import responses
from hostledger.api.schemas import PageParams, page_of, paginate, path_id
from hostledger.api.schemas_catalog import (
    AddOnCreateIn,
    AddOnPatchIn,
    FamilyCode,
    MeteredItemCreateIn,
    MeteredItemPatchIn,
    OsImageCreateIn,
    OsImagePatchIn,
    PriceVersionCreateIn,
    PriceVersionOut,
    StaffAddOnOut,
    StaffMeteredItemOut,
    StaffOsImageOut,
    StaffTariffOut,
    TariffCreateIn,
    TariffPatchIn,
    price_version_row,
    staff_add_on,
    staff_metered_item,
    staff_tariff,
    staff_tariffs,
)
from hostledger.api.schemas_money import MoneyIn, referenced, staff_money
from hostledger.catalog import actions, selectors, staff_selectors
from hostledger.core.errors import DomainError
from hostledger.core.limits import staff_price_confirm_threshold, staff_price_maximum
from hostledger.core.money import Money

router = Router(tags=["Staff: catalog"])

TariffId = Annotated[str, Path(**path_id("tariff", "trf_3k9d2m7q8w1x4z6v"))]
PriceVersionId = Annotated[str, Path(**path_id("price version", "prv_2q8w1x4z6v3k9d7m"))]
AddOnId = Annotated[str, Path(**path_id("add-on", "add_3k9d2m7q8w1x4z6v"))]
MeteredItemId = Annotated[str, Path(**path_id("metered item", "met_3k9d2m7q8w1x4z6v"))]
OsImageId = Annotated[str, Path(**path_id("OS image", "osi_3k9d2m7q8w1x4z6v"))]


class TariffFilter(Schema):
    family: FamilyCode | None = Field(None, description="Only tariffs of this family.")


class FamilyFilter(Schema):
    family: FamilyCode = Field(description="The product family.", examples=["vps"])


class PriceVersionFilter(Schema):
    """Exactly one of ``tariff`` and ``add_on``."""

    tariff: str | None = Field(
        None,
        pattern=r"^[a-z]{3}_[0-9a-z]{16}$",
        description="Public id of the tariff.",
        examples=["trf_3k9d2m7q8w1x4z6v"],
    )
    add_on: str | None = Field(
        None,
        pattern=r"^[a-z]{3}_[0-9a-z]{16}$",
        description="Public id of the add-on.",
        examples=["add_3k9d2m7q8w1x4z6v"],
    )


def _price_target(tariff_id: str | None, add_on_id: str | None) -> dict:
    """The tariff or add-on a price version belongs to; exactly one must be named."""
    if (tariff_id is None) == (add_on_id is None):
        raise DomainError(
            "invalid_price_target",
            _("tariff: name either a tariff or an add-on."),
            fields={"tariff": "Give either tariff or add_on."},
        )
    if tariff_id is not None:
        return {
            "tariff": referenced(
                lambda: selectors.tariff_by_public_id(tariff_id, include_inactive=True), "tariff"
            )
        }
    return {
        "add_on": referenced(
            lambda: selectors.add_on_by_public_id(add_on_id, include_inactive=True), "add_on"
        )
    }


def _family(code: str):
    return selectors.family_by_code(code, include_inactive=True)


def _tariff_of_family(tariff_id: str | None):
    if tariff_id is None:
        return None
    return referenced(
        lambda: selectors.tariff_by_public_id(tariff_id, include_inactive=True), "tariff"
    )


# ----------------------------------------------------------------------------- staff: tariffs


def _fee(value: MoneyIn, field: str, confirmed: bool) -> Money:
    """A monthly fee staff send: read strictly, at most ``core.staff_price_maximum`` and, above
    ``core.staff_price_confirm_above``, only with ``confirm: true``."""
    return staff_money(
        value,
        field,
        maximum=staff_price_maximum(),
        threshold=staff_price_confirm_threshold(),
        confirmed=confirmed,
    )


@router.get(
    "/staff/catalog/tariffs",
    response=responses({200: page_of(StaffTariffOut)}, 400, 401, 403),
    summary="List all tariffs",
)
def staff_tariff_list(request: HttpRequest, filters: Query[TariffFilter], page: Query[PageParams]):
    """Every tariff, inactive ones included, in display order, with the fee in force today.
    Needs catalog.manage."""
    require_staff_permission(request.user, perms.CATALOG_MANAGE)
    family = _family(filters.family) if filters.family else None
    found = paginate(selectors.tariffs_for_staff(family=family), page)
    found["items"] = staff_tariffs(found["items"])
    return found


@router.post(
    "/staff/catalog/tariffs",
    response=responses({201: StaffTariffOut}, 400, 401, 403),
    summary="Create a tariff",
)
def staff_tariff_create(request: HttpRequest, payload: TariffCreateIn):
    """Add a tariff with its fixed monthly fee in EUR (CAT-01, CAT-02). VPS and cloud
    tariffs state cpu, ram_gb and disk_gb in specs. Needs catalog.manage."""
    require_staff_permission(request.user, perms.CATALOG_MANAGE)
    tariff = actions.tariff_create(
        family=_family(payload.family),
        code=payload.code,
        name=payload.name,
        monthly_fee=_fee(payload.monthly_fee, "monthly_fee", payload.confirm),
        description=payload.description,
        specs=payload.specs,
        sort_order=payload.sort_order,
        is_active=payload.is_active,
        actor=request.user,
    )
    return Status(201, staff_tariff(tariff))


@router.patch(
    "/staff/catalog/tariffs/{tariff_id}",
    response=responses({200: StaffTariffOut}, 400, 401, 403, 404),
    summary="Change a tariff",
)
def staff_tariff_update(request: HttpRequest, tariff_id: TariffId, payload: TariffPatchIn):
    """Change a tariff's name, description, resources or order (CAT-02). The fee changes
    only by an announced price version (CAT-06). Needs catalog.manage."""
    require_staff_permission(request.user, perms.CATALOG_MANAGE)
    tariff = selectors.tariff_by_public_id(tariff_id, include_inactive=True)
    changes = payload.changes()
    confirmed = changes.pop("confirm", False)
    if changes.get("monthly_fee") is not None:
        changes["monthly_fee"] = _fee(payload.monthly_fee, "monthly_fee", confirmed)
    updated = actions.tariff_update(tariff=tariff, data=changes, actor=request.user)
    return staff_tariff(updated)


@router.post(
    "/staff/catalog/tariffs/{tariff_id}/publish",
    response=responses({200: StaffTariffOut}, 400, 401, 403, 404),
    summary="Publish a tariff",
)
def staff_tariff_publish(request: HttpRequest, tariff_id: TariffId):
    """Make a draft tariff live: clients see and order it from now on (CAT-02). Publishing
    a published tariff changes nothing. Needs catalog.manage."""
    require_staff_permission(request.user, perms.CATALOG_MANAGE)
    tariff = selectors.tariff_by_public_id(tariff_id, include_inactive=True)
    return staff_tariff(actions.tariff_publish(tariff=tariff, actor=request.user))


@router.post(
    "/staff/catalog/tariffs/{tariff_id}/deactivate",
    response=responses({200: StaffTariffOut}, 400, 401, 403, 404),
    summary="Stop offering a tariff",
)
def staff_tariff_deactivate(request: HttpRequest, tariff_id: TariffId):
    """Stop offering a tariff to new orders (CAT-02); running services keep it and its
    price. Needs catalog.manage."""
    require_staff_permission(request.user, perms.CATALOG_MANAGE)
    tariff = selectors.tariff_by_public_id(tariff_id, include_inactive=True)
    return staff_tariff(actions.tariff_deactivate(tariff=tariff, actor=request.user))


@router.post(
    "/staff/catalog/tariffs/{tariff_id}/activate",
    response=responses({200: StaffTariffOut}, 400, 401, 403, 404),
    summary="Offer a tariff again",
)
def staff_tariff_activate(request: HttpRequest, tariff_id: TariffId):
    """Offer a deactivated tariff again (CAT-02); refused while its family is not offered.
    Needs catalog.manage."""
    require_staff_permission(request.user, perms.CATALOG_MANAGE)
    tariff = selectors.tariff_by_public_id(tariff_id, include_inactive=True)
    return staff_tariff(actions.tariff_activate(tariff=tariff, actor=request.user))


# ----------------------------------------------------------------------------- staff: add-ons


@router.get(
    "/staff/catalog/add-ons",
    response=responses({200: page_of(StaffAddOnOut)}, 400, 401, 403),
    summary="List the add-ons of a family",
)
def staff_add_on_list(request: HttpRequest, filters: Query[FamilyFilter], page: Query[PageParams]):
    """Every add-on of a family, inactive ones included, in display order, with the fee in
    force today (CAT-02, CAT-06). Needs catalog.manage."""
    require_staff_permission(request.user, perms.CATALOG_MANAGE)
    rows = staff_selectors.add_ons_for_staff(_family(filters.family))
    found = paginate(rows, page)
    found["items"] = [staff_add_on(row, fee=row.fee_in_force) for row in found["items"]]
    return found


@router.post(
    "/staff/catalog/add-ons",
    response=responses({201: StaffAddOnOut}, 400, 401, 403),
    summary="Create an add-on",
)
def staff_add_on_create(request: HttpRequest, payload: AddOnCreateIn):
    """Add an optional extra with its monthly fee in EUR (CAT-02): for every tariff of the
    family, or only with the tariff named. Needs catalog.manage."""
    require_staff_permission(request.user, perms.CATALOG_MANAGE)
    add_on = actions.add_on_create(
        family=_family(payload.family),
        tariff=_tariff_of_family(payload.tariff),
        code=payload.code,
        name=payload.name,
        monthly_fee=_fee(payload.monthly_fee, "monthly_fee", payload.confirm),
        description=payload.description,
        max_quantity=payload.max_quantity,
        sort_order=payload.sort_order,
        actor=request.user,
    )
    return Status(201, staff_add_on(add_on))


@router.patch(
    "/staff/catalog/add-ons/{add_on_id}",
    response=responses({200: StaffAddOnOut}, 400, 401, 403, 404),
    summary="Change an add-on",
)
def staff_add_on_update(request: HttpRequest, add_on_id: AddOnId, payload: AddOnPatchIn):
    """Change an add-on's name, description, quantity limit or order (CAT-02). Needs
    catalog.manage."""
    require_staff_permission(request.user, perms.CATALOG_MANAGE)
    add_on = selectors.add_on_by_public_id(add_on_id, include_inactive=True)
    updated = actions.add_on_update(add_on=add_on, data=payload.changes(), actor=request.user)
    return staff_add_on(updated)


@router.post(
    "/staff/catalog/add-ons/{add_on_id}/deactivate",
    response=responses({200: StaffAddOnOut}, 400, 401, 403, 404),
    summary="Stop offering an add-on",
)
def staff_add_on_deactivate(request: HttpRequest, add_on_id: AddOnId):
    """Stop offering an add-on to new orders (CAT-02). Needs catalog.manage."""
    require_staff_permission(request.user, perms.CATALOG_MANAGE)
    add_on = selectors.add_on_by_public_id(add_on_id, include_inactive=True)
    return staff_add_on(actions.add_on_deactivate(add_on=add_on, actor=request.user))


@router.post(
    "/staff/catalog/add-ons/{add_on_id}/activate",
    response=responses({200: StaffAddOnOut}, 400, 401, 403, 404),
    summary="Offer an add-on again",
)
def staff_add_on_activate(request: HttpRequest, add_on_id: AddOnId):
    """Offer a deactivated add-on again (CAT-02). Needs catalog.manage."""
    require_staff_permission(request.user, perms.CATALOG_MANAGE)
    add_on = selectors.add_on_by_public_id(add_on_id, include_inactive=True)
    return staff_add_on(actions.add_on_activate(add_on=add_on, actor=request.user))


# ----------------------------------------------------------------------------- staff: metered


@router.get(
    "/staff/catalog/metered-items",
    response=responses({200: page_of(StaffMeteredItemOut)}, 400, 401, 403),
    summary="List the metered items of a family",
)
def staff_metered_item_list(
    request: HttpRequest, filters: Query[FamilyFilter], page: Query[PageParams]
):
    """Every metered item of a family, inactive ones included, in display order (CAT-02).
    Needs catalog.manage."""
    require_staff_permission(request.user, perms.CATALOG_MANAGE)
    found = paginate(staff_selectors.metered_items_for_staff(_family(filters.family)), page)
    found["items"] = [staff_metered_item(item) for item in found["items"]]
    return found


@router.post(
    "/staff/catalog/metered-items",
    response=responses({201: StaffMeteredItemOut}, 400, 401, 403),
    summary="Create a metered item",
)
def staff_metered_item_create(request: HttpRequest, payload: MeteredItemCreateIn):
    """Add a resource billed from usage records, priced per unit with up to six decimals
    (CAT-02, BIL-08). Needs catalog.manage."""
    require_staff_permission(request.user, perms.CATALOG_MANAGE)
    item = actions.metered_item_create(
        family=_family(payload.family),
        tariff=_tariff_of_family(payload.tariff),
        code=payload.code,
        name=payload.name,
        unit=payload.unit,
        unit_price=payload.unit_price,
        included_quantity=payload.included_quantity,
        sort_order=payload.sort_order,
        actor=request.user,
    )
    return Status(201, staff_metered_item(item))


@router.patch(
    "/staff/catalog/metered-items/{metered_item_id}",
    response=responses({200: StaffMeteredItemOut}, 400, 401, 403, 404),
    summary="Change a metered item",
)
def staff_metered_item_update(
    request: HttpRequest, metered_item_id: MeteredItemId, payload: MeteredItemPatchIn
):
    """Change a metered item's name, unit label, included quantity or order (CAT-02); its
    unit price is fixed once offered. Needs catalog.manage."""
    require_staff_permission(request.user, perms.CATALOG_MANAGE)
    item = selectors.metered_item_by_public_id(metered_item_id, include_inactive=True)
    updated = actions.metered_item_update(
        metered_item=item, data=payload.changes(), actor=request.user
    )
    return staff_metered_item(updated)


@router.post(
    "/staff/catalog/metered-items/{metered_item_id}/deactivate",
    response=responses({200: StaffMeteredItemOut}, 400, 401, 403, 404),
    summary="Stop offering a metered item",
)
def staff_metered_item_deactivate(request: HttpRequest, metered_item_id: MeteredItemId):
    """Stop offering a metered item (CAT-02). Needs catalog.manage."""
    require_staff_permission(request.user, perms.CATALOG_MANAGE)
    item = selectors.metered_item_by_public_id(metered_item_id, include_inactive=True)
    return staff_metered_item(
        actions.metered_item_deactivate(metered_item=item, actor=request.user)
    )


@router.post(
    "/staff/catalog/metered-items/{metered_item_id}/activate",
    response=responses({200: StaffMeteredItemOut}, 400, 401, 403, 404),
    summary="Offer a metered item again",
)
def staff_metered_item_activate(request: HttpRequest, metered_item_id: MeteredItemId):
    """Offer a deactivated metered item again (CAT-02). Needs catalog.manage."""
    require_staff_permission(request.user, perms.CATALOG_MANAGE)
    item = selectors.metered_item_by_public_id(metered_item_id, include_inactive=True)
    return staff_metered_item(actions.metered_item_activate(metered_item=item, actor=request.user))


# ----------------------------------------------------------------------------- staff: OS images


@router.get(
    "/staff/catalog/os-images",
    response=responses({200: page_of(StaffOsImageOut)}, 400, 401, 403),
    summary="List the OS images",
)
def staff_os_image_list(request: HttpRequest, page: Query[PageParams]):
    """Every OS image, inactive ones included, in display order (CAT-05). Needs
    catalog.manage."""
    require_staff_permission(request.user, perms.CATALOG_MANAGE)
    return paginate(staff_selectors.os_images_for_staff(), page)


@router.post(
    "/staff/catalog/os-images",
    response=responses({201: StaffOsImageOut}, 400, 401, 403),
    summary="Create an OS image",
)
def staff_os_image_create(request: HttpRequest, payload: OsImageCreateIn):
    """Add an operating system for VPS, cloud or dedicated servers (CAT-05); one needing a
    paid licence carries the licence's monthly fee. Needs catalog.manage."""
    require_staff_permission(request.user, perms.CATALOG_MANAGE)
    fee = payload.licence_monthly_fee
    image = actions.os_image_create(
        code=payload.code,
        name=payload.name,
        families=list(payload.families),
        requires_paid_licence=payload.requires_paid_licence,
        licence_monthly_fee=_fee(fee, "licence_monthly_fee", payload.confirm) if fee else None,
        sort_order=payload.sort_order,
        actor=request.user,
    )
    return Status(201, image)


@router.patch(
    "/staff/catalog/os-images/{os_image_id}",
    response=responses({200: StaffOsImageOut}, 400, 401, 403, 404),
    summary="Change an OS image",
)
def staff_os_image_update(request: HttpRequest, os_image_id: OsImageId, payload: OsImagePatchIn):
    """Change an image's name, families, licence flag and fee, or order (CAT-05). Needs
    catalog.manage."""
    require_staff_permission(request.user, perms.CATALOG_MANAGE)
    image = selectors.os_image_by_public_id(os_image_id, include_inactive=True)
    changes = payload.changes()
    confirmed = changes.pop("confirm", False)
    if changes.get("licence_monthly_fee") is not None:
        changes["licence_monthly_fee"] = _fee(
            payload.licence_monthly_fee, "licence_monthly_fee", confirmed
        )
    if "families" in changes and changes["families"] is not None:
        changes["families"] = list(changes["families"])
    return actions.os_image_update(os_image=image, data=changes, actor=request.user)


@router.post(
    "/staff/catalog/os-images/{os_image_id}/deactivate",
    response=responses({200: StaffOsImageOut}, 400, 401, 403, 404),
    summary="Stop offering an OS image",
)
def staff_os_image_deactivate(request: HttpRequest, os_image_id: OsImageId):
    """Stop offering an image for new installations (CAT-05). Needs catalog.manage."""
    require_staff_permission(request.user, perms.CATALOG_MANAGE)
    image = selectors.os_image_by_public_id(os_image_id, include_inactive=True)
    return actions.os_image_deactivate(os_image=image, actor=request.user)


@router.post(
    "/staff/catalog/os-images/{os_image_id}/activate",
    response=responses({200: StaffOsImageOut}, 400, 401, 403, 404),
    summary="Offer an OS image again",
)
def staff_os_image_activate(request: HttpRequest, os_image_id: OsImageId):
    """Offer a deactivated image again (CAT-05). Needs catalog.manage."""
    require_staff_permission(request.user, perms.CATALOG_MANAGE)
    image = selectors.os_image_by_public_id(os_image_id, include_inactive=True)
    return actions.os_image_activate(os_image=image, actor=request.user)


# ----------------------------------------------------------------------------- staff: prices


@router.get(
    "/staff/catalog/price-versions",
    response=responses({200: page_of(PriceVersionOut)}, 400, 401, 403),
    summary="List the price versions of a tariff or add-on",
)
def staff_price_version_list(
    request: HttpRequest, target: Query[PriceVersionFilter], page: Query[PageParams]
):
    """Every announced fee of one tariff or add-on, withdrawn ones included, oldest first
    (CAT-06). Name exactly one of tariff and add_on. Needs catalog.manage."""
    require_staff_permission(request.user, perms.CATALOG_MANAGE)
    named = _price_target(target.tariff, target.add_on)
    found = paginate(selectors.price_versions_of(**named), page)
    found["items"] = [price_version_row(version, **named) for version in found["items"]]
    return found


@router.post(
    "/staff/catalog/price-versions",
    response=responses({201: PriceVersionOut}, 400, 401, 403),
    summary="Prepare a price change (draft)",
)
def staff_price_version_create(request: HttpRequest, payload: PriceVersionCreateIn):
    """Prepare a new monthly fee of a tariff or an add-on as a draft (CAT-06); publish it to
    announce it. It applies from each client's first billing period starting on or after
    effective_from, which must be at least the notice period
    (catalog.price_change_notice_days) away when it is published. Needs catalog.manage."""
    require_staff_permission(request.user, perms.CATALOG_MANAGE)
    named = _price_target(payload.tariff, payload.add_on)
    version = actions.price_version_create(
        new_fee=_fee(payload.new_fee, "new_fee", payload.confirm),
        effective_from=payload.effective_from,
        note=payload.note,
        actor=request.user,
        **named,
    )
    return Status(201, price_version_row(version, **named))


@router.post(
    "/staff/catalog/price-versions/{price_version_id}/publish",
    response=responses({200: PriceVersionOut}, 400, 401, 403, 404),
    summary="Announce a price change",
)
def staff_price_version_publish(request: HttpRequest, price_version_id: PriceVersionId):
    """Announce a draft price change (CAT-06): clients are told and it applies from its date;
    the date must still leave the notice period. Publishing again changes nothing. Needs
    catalog.manage."""
    require_staff_permission(request.user, perms.CATALOG_MANAGE)
    version = staff_selectors.price_version_by_public_id(price_version_id)
    published = actions.price_version_publish(price_version=version, actor=request.user)
    return price_version_row(published, tariff=published.tariff, add_on=published.add_on)
