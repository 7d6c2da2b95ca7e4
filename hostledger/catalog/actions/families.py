"""Staff changes to the eight product families (CAT-01, CAT-03)."""

from __future__ import annotations

from django.db import transaction

from hostledger.catalog.models import ProductFamily
from hostledger.catalog.validation import (
    FieldErrors,
    clean_bool,
    clean_text,
    clean_whole_number,
    refuse_unknown_fields,
)

from ._common import apply_changes, audit, locked

FAMILY_FIELDS = {
    "name",
    "description",
    "is_active",
    "sort_order",
    "minimum_service_months",
    "commencement_working_days",
}


@transaction.atomic
def family_update(*, family: ProductFamily, data: dict, actor=None) -> ProductFamily:
    """Change a family's name, description, visibility, order or its own terms (CAT-01, CAT-03).

    ``minimum_service_months`` and ``commencement_working_days`` set to None make the family
    follow the provider settings again. The set of families itself is fixed: families are
    neither created nor deleted, only hidden with ``is_active``.
    """
    refuse_unknown_fields(data, FAMILY_FIELDS, {"code": "The family code is fixed."})
    errors = FieldErrors()
    cleaned: dict = {}
    if "name" in data:
        cleaned["name"] = clean_text(data["name"], "name", errors, required=True, max_length=100)
    if "description" in data:
        cleaned["description"] = clean_text(
            data["description"], "description", errors, required=False, max_length=None
        )
    if "is_active" in data:
        cleaned["is_active"] = clean_bool(data["is_active"], "is_active", errors)
    if "sort_order" in data:
        cleaned["sort_order"] = clean_whole_number(data["sort_order"], "sort_order", errors)
    if "minimum_service_months" in data:
        cleaned["minimum_service_months"] = clean_whole_number(
            data["minimum_service_months"],
            "minimum_service_months",
            errors,
            maximum=36,
            allow_none=True,
        )
    if "commencement_working_days" in data:
        cleaned["commencement_working_days"] = clean_whole_number(
            data["commencement_working_days"],
            "commencement_working_days",
            errors,
            maximum=60,
            allow_none=True,
        )
    errors.raise_if_any()
    row = locked(family)
    changed = apply_changes(row, cleaned)
    if changed:
        row.save(update_fields=[*changed, "updated_at"])
        audit(
            "family.updated",
            actor=actor,
            obj=row,
            data={"fields": changed, "code": row.code},
        )
    return row
