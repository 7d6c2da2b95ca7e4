"""Staff management of the operating-system images (CAT-05)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from hostledger.catalog.models import OS_IMAGE_FAMILIES, OsImage, ProductFamily
from hostledger.catalog.pricing import CATALOG_CURRENCY
from hostledger.catalog.validation import (
    FieldErrors,
    clean_bool,
    clean_code,
    clean_fee,
    clean_text,
    clean_whole_number,
    refuse_unknown_fields,
)

from ._common import apply_changes, audit, insert_with_code, locked, set_active
from .tariffs import _refuse_taken_code

OS_IMAGE_FIELDS = {
    "name",
    "families",
    "requires_paid_licence",
    "licence_monthly_fee",
    "sort_order",
}


def _clean_families(value, errors: FieldErrors) -> list[ProductFamily]:
    """Families given as instances or codes; only virtual, cloud and dedicated servers."""
    if isinstance(value, str) or not isinstance(value, list | tuple | set) or not value:
        errors.add("families", _("Choose at least one of VPS, cloud and dedicated servers."))
        return []
    codes = [item.code if isinstance(item, ProductFamily) else item for item in value]
    if any(code not in OS_IMAGE_FAMILIES for code in codes):
        errors.add(
            "families", _("OS images are offered for VPS, cloud and dedicated servers only.")
        )
        return []
    return list(ProductFamily.objects.filter(code__in=codes))


def _clean_licence(requires_paid_licence, licence_monthly_fee, errors: FieldErrors):
    """The licence fee in minor units: above zero for a paid licence, none for a free image."""
    paid = clean_bool(requires_paid_licence, "requires_paid_licence", errors)
    if not paid:
        if licence_monthly_fee not in (None, "", 0, "0"):
            fee = clean_fee(licence_monthly_fee, "licence_monthly_fee", errors)
            if fee is not None and not fee.is_zero():
                errors.add("licence_monthly_fee", _("A free image has no licence fee."))
        return paid, 0, CATALOG_CURRENCY
    fee = clean_fee(licence_monthly_fee, "licence_monthly_fee", errors)
    if fee is not None and fee.is_zero():
        errors.add("licence_monthly_fee", _("A paid licence needs a monthly fee above zero."))
    return paid, (fee.to_minor() if fee else 0), (fee.currency if fee else CATALOG_CURRENCY)


@transaction.atomic
def os_image_create(
    *,
    code: str,
    name: str,
    families: list,
    requires_paid_licence: bool = False,
    licence_monthly_fee=None,
    sort_order: int = 0,
    actor=None,
) -> OsImage:
    """Add an operating system to the image list of VPS, cloud or dedicated servers (CAT-05).

    An image needing a paid licence (Windows Server, cPanel) is marked and carries the
    licence's monthly fee in EUR, charged with the service; a free image has none.
    """
    errors = FieldErrors()
    cleaned_code = clean_code(code, errors)
    _refuse_taken_code(OsImage, cleaned_code, errors)
    cleaned_name = clean_text(name, "name", errors, required=True)
    cleaned_families = _clean_families(families, errors)
    paid, fee_minor, currency = _clean_licence(requires_paid_licence, licence_monthly_fee, errors)
    order = clean_whole_number(sort_order, "sort_order", errors)
    errors.raise_if_any()
    image = insert_with_code(
        OsImage,
        code=cleaned_code,
        name=cleaned_name,
        requires_paid_licence=paid,
        licence_monthly_fee_minor=fee_minor,
        currency=currency,
        sort_order=order,
    )
    image.families.set(cleaned_families)
    audit(
        "os_image.created",
        actor=actor,
        obj=image,
        data={
            "code": image.code,
            "families": sorted(family.code for family in cleaned_families),
            "requires_paid_licence": paid,
            "licence_monthly_fee": str(image.licence_monthly_fee),
        },
    )
    return image


@transaction.atomic
def os_image_update(*, os_image: OsImage, data: dict, actor=None) -> OsImage:
    """Change an image's name, families, licence flag and fee, or order (CAT-05)."""
    refuse_unknown_fields(data, OS_IMAGE_FIELDS, {"code": "The code of an image is fixed."})
    errors = FieldErrors()
    row = locked(os_image)
    cleaned: dict = {}
    if "name" in data:
        cleaned["name"] = clean_text(data["name"], "name", errors, required=True)
    families = _clean_families(data["families"], errors) if "families" in data else None
    if "requires_paid_licence" in data or "licence_monthly_fee" in data:
        paid = data.get("requires_paid_licence", row.requires_paid_licence)
        # Switching an image to free drops its stored fee unless a fee is given with it.
        kept_fee = row.licence_monthly_fee.amount if paid is True else None
        paid, fee_minor, currency = _clean_licence(
            paid, data.get("licence_monthly_fee", kept_fee), errors
        )
        cleaned.update(
            requires_paid_licence=paid, licence_monthly_fee_minor=fee_minor, currency=currency
        )
    if "sort_order" in data:
        cleaned["sort_order"] = clean_whole_number(data["sort_order"], "sort_order", errors)
    errors.raise_if_any()
    changed = apply_changes(row, cleaned)
    if changed:
        row.save(update_fields=[*changed, "updated_at"])
    if families is not None and {f.pk for f in families} != set(
        row.families.values_list("pk", flat=True)
    ):
        row.families.set(families)
        changed.append("families")
    if changed:
        audit("os_image.updated", actor=actor, obj=row, data={"fields": changed})
    return row


@transaction.atomic
def os_image_deactivate(*, os_image: OsImage, actor=None) -> OsImage:
    """Stop offering an image for new installations (CAT-05); installed servers keep it."""
    return set_active(os_image, active=False, actor=actor, entity="os_image")


@transaction.atomic
def os_image_activate(*, os_image: OsImage, actor=None) -> OsImage:
    """Offer a deactivated image again (CAT-05)."""
    return set_active(os_image, active=True, actor=actor, entity="os_image")
