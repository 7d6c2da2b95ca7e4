"""Staff management of add-ons and metered items (CAT-02)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from hostledger.catalog.models import AddOn, MeteredItem, ProductFamily, Tariff
from hostledger.catalog.validation import (
    FieldErrors,
    clean_code,
    clean_fee,
    clean_quantity,
    clean_text,
    clean_unit_price,
    clean_whole_number,
    refuse_unknown_fields,
)

from ._common import apply_changes, audit, insert_with_code, locked, set_active
from .tariffs import FEE_HINT, _refuse_taken_code

ADD_ON_FIELDS = {"name", "description", "max_quantity", "sort_order"}
METERED_ITEM_FIELDS = {"name", "unit", "included_quantity", "sort_order"}
MAX_ADD_ON_QUANTITY = 10_000


def _check_tariff_of_family(tariff: Tariff | None, family: ProductFamily, errors: FieldErrors):
    if tariff is not None and tariff.family_id != family.pk:
        errors.add("tariff", _("The tariff is not one of %(name)s.") % {"name": family.name})


@transaction.atomic
def add_on_create(
    *,
    family: ProductFamily,
    code: str,
    name: str,
    monthly_fee,
    tariff: Tariff | None = None,
    description: str = "",
    max_quantity: int = 1,
    sort_order: int = 0,
    actor=None,
) -> AddOn:
    """Add an optional extra with its monthly fee in EUR (CAT-02).

    Without ``tariff`` it is offered with every tariff of ``family``; with one, only with
    that tariff. ``max_quantity`` is how many one service may take.
    """
    errors = FieldErrors()
    cleaned_code = clean_code(code, errors)
    _refuse_taken_code(AddOn, cleaned_code, errors)
    _check_tariff_of_family(tariff, family, errors)
    cleaned_name = clean_text(name, "name", errors, required=True)
    fee = clean_fee(monthly_fee, "monthly_fee", errors)
    cleaned_description = clean_text(
        description, "description", errors, required=False, max_length=None
    )
    quantity = clean_whole_number(
        max_quantity, "max_quantity", errors, minimum=1, maximum=MAX_ADD_ON_QUANTITY
    )
    order = clean_whole_number(sort_order, "sort_order", errors)
    errors.raise_if_any()
    add_on = insert_with_code(
        AddOn,
        family=family,
        tariff=tariff,
        code=cleaned_code,
        name=cleaned_name,
        description=cleaned_description,
        monthly_fee_minor=fee.to_minor(),
        currency=fee.currency,
        max_quantity=quantity,
        sort_order=order,
    )
    audit(
        "add_on.created",
        actor=actor,
        obj=add_on,
        data={"code": add_on.code, "family": family.code, "monthly_fee": str(fee)},
    )
    return add_on


@transaction.atomic
def add_on_update(*, add_on: AddOn, data: dict, actor=None) -> AddOn:
    """Change an add-on's name, description, quantity limit or order (CAT-02).

    A new fee is announced with ``price_change_announce`` (CAT-06).
    """
    refuse_unknown_fields(
        data,
        ADD_ON_FIELDS,
        {"monthly_fee": FEE_HINT, "code": "The code of an add-on is fixed."},
    )
    errors = FieldErrors()
    cleaned: dict = {}
    if "name" in data:
        cleaned["name"] = clean_text(data["name"], "name", errors, required=True)
    if "description" in data:
        cleaned["description"] = clean_text(
            data["description"], "description", errors, required=False, max_length=None
        )
    if "max_quantity" in data:
        cleaned["max_quantity"] = clean_whole_number(
            data["max_quantity"], "max_quantity", errors, minimum=1, maximum=MAX_ADD_ON_QUANTITY
        )
    if "sort_order" in data:
        cleaned["sort_order"] = clean_whole_number(data["sort_order"], "sort_order", errors)
    errors.raise_if_any()
    row = locked(add_on)
    changed = apply_changes(row, cleaned)
    if changed:
        row.save(update_fields=[*changed, "updated_at"])
        audit("add_on.updated", actor=actor, obj=row, data={"fields": changed})
    return row


@transaction.atomic
def add_on_deactivate(*, add_on: AddOn, actor=None) -> AddOn:
    """Stop offering an add-on to new orders (CAT-02); services that have it keep it."""
    return set_active(add_on, active=False, actor=actor, entity="add_on")


@transaction.atomic
def add_on_activate(*, add_on: AddOn, actor=None) -> AddOn:
    """Offer a deactivated add-on again (CAT-02)."""
    return set_active(add_on, active=True, actor=actor, entity="add_on")


@transaction.atomic
def metered_item_create(
    *,
    family: ProductFamily,
    code: str,
    name: str,
    unit: str,
    unit_price,
    included_quantity=0,
    tariff: Tariff | None = None,
    sort_order: int = 0,
    actor=None,
) -> MeteredItem:
    """Add a resource billed from usage records, priced per ``unit`` (CAT-02, BIL-08).

    ``unit_price`` may be finer than a cent (``"0.0043"`` per GB-hour, at most six decimals)
    and ``included_quantity`` is the amount per period the fee already covers; both exact,
    never floats, never negative.
    """
    errors = FieldErrors()
    cleaned_code = clean_code(code, errors)
    _refuse_taken_code(MeteredItem, cleaned_code, errors)
    _check_tariff_of_family(tariff, family, errors)
    cleaned_name = clean_text(name, "name", errors, required=True)
    cleaned_unit = clean_text(unit, "unit", errors, required=True, max_length=30)
    price_micro = clean_unit_price(unit_price, "unit_price", errors)
    included_micro = clean_quantity(included_quantity, "included_quantity", errors)
    order = clean_whole_number(sort_order, "sort_order", errors)
    errors.raise_if_any()
    item = insert_with_code(
        MeteredItem,
        family=family,
        tariff=tariff,
        code=cleaned_code,
        name=cleaned_name,
        unit=cleaned_unit,
        unit_price_micro=price_micro,
        included_quantity_micro=included_micro,
        sort_order=order,
    )
    audit(
        "metered_item.created",
        actor=actor,
        obj=item,
        data={"code": item.code, "unit": item.unit, "unit_price": str(item.unit_price)},
    )
    return item


@transaction.atomic
def metered_item_update(*, metered_item: MeteredItem, data: dict, actor=None) -> MeteredItem:
    """Change a metered item's name, unit label, included quantity or order (CAT-02).

    The unit price is fixed once offered, because clients were told it (CAT-06): to change
    it, create a new item and deactivate this one after the notice period.
    """
    refuse_unknown_fields(
        data,
        METERED_ITEM_FIELDS,
        {
            "unit_price": "Create a new metered item and retire this one after the notice.",
            "code": "The code of a metered item is fixed.",
        },
    )
    errors = FieldErrors()
    cleaned: dict = {}
    if "name" in data:
        cleaned["name"] = clean_text(data["name"], "name", errors, required=True)
    if "unit" in data:
        cleaned["unit"] = clean_text(data["unit"], "unit", errors, required=True, max_length=30)
    if "included_quantity" in data:
        cleaned["included_quantity_micro"] = clean_quantity(
            data["included_quantity"], "included_quantity", errors
        )
    if "sort_order" in data:
        cleaned["sort_order"] = clean_whole_number(data["sort_order"], "sort_order", errors)
    errors.raise_if_any()
    row = locked(metered_item)
    changed = apply_changes(row, cleaned)
    if changed:
        row.save(update_fields=[*changed, "updated_at"])
        audit("metered_item.updated", actor=actor, obj=row, data={"fields": changed})
    return row


@transaction.atomic
def metered_item_deactivate(*, metered_item: MeteredItem, actor=None) -> MeteredItem:
    """Stop offering a metered item (CAT-02)."""
    return set_active(metered_item, active=False, actor=actor, entity="metered_item")


@transaction.atomic
def metered_item_activate(*, metered_item: MeteredItem, actor=None) -> MeteredItem:
    """Offer a deactivated metered item again (CAT-02)."""
    return set_active(metered_item, active=True, actor=actor, entity="metered_item")
