"""Staff management of tariffs: create, change, stop and resume offering (CAT-02)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hostledger.catalog.models import ProductFamily, PublicationStatus, Tariff
from hostledger.catalog.validation import (
    FieldErrors,
    clean_code,
    clean_fee,
    clean_specs,
    clean_text,
    clean_whole_number,
    refuse_unknown_fields,
)
from hostledger.core.errors import DomainError

from ._common import apply_changes, audit, insert_with_code, locked, set_active

TARIFF_FIELDS = {"name", "description", "specs", "sort_order"}
FEE_HINT = "Announce a price change instead; it applies from the next period (CAT-06)."


def _refuse_taken_code(model, code: str, errors: FieldErrors) -> None:
    if code and model.objects.filter(code=code).exists():
        errors.add("code", _("This code is already used."))


@transaction.atomic
def tariff_create(
    *,
    family: ProductFamily,
    code: str,
    name: str,
    monthly_fee,
    description: str = "",
    specs: dict | None = None,
    sort_order: int = 0,
    is_active: bool = True,
    actor=None,
) -> Tariff:
    """Add a tariff to a family with its fixed monthly fee in EUR (CAT-01, CAT-02).

    The tariff is a **draft**: clients neither see nor order it until
    :func:`tariff_publish` makes it live, and its fee may be corrected until then.
    ``monthly_fee`` is a Money in EUR, a Decimal or a string such as ``"9.90"`` read
    strictly (no ``1e6``), at most ``core.staff_price_maximum``; floats and negative amounts
    are refused naming the field. Virtual-server and cloud tariffs state ``cpu``, ``ram_gb``
    and ``disk_gb`` in ``specs``.
    """
    errors = FieldErrors()
    cleaned_code = clean_code(code, errors)
    _refuse_taken_code(Tariff, cleaned_code, errors)
    cleaned_name = clean_text(name, "name", errors, required=True)
    fee = clean_fee(monthly_fee, "monthly_fee", errors)
    cleaned_description = clean_text(
        description, "description", errors, required=False, max_length=None
    )
    cleaned_specs = clean_specs(specs, family, errors)
    order = clean_whole_number(sort_order, "sort_order", errors)
    if not isinstance(is_active, bool):
        errors.add("is_active", _("Yes or no is required."))
    errors.raise_if_any()
    tariff = insert_with_code(
        Tariff,
        family=family,
        code=cleaned_code,
        name=cleaned_name,
        description=cleaned_description,
        monthly_fee_minor=fee.to_minor(),
        currency=fee.currency,
        specs=cleaned_specs,
        sort_order=order,
        is_active=is_active,
        status=PublicationStatus.DRAFT,
    )
    audit(
        "tariff.created",
        actor=actor,
        obj=tariff,
        data={"code": tariff.code, "family": family.code, "monthly_fee": str(fee)},
    )
    return tariff


@transaction.atomic
def tariff_update(*, tariff: Tariff, data: dict, actor=None) -> Tariff:
    """Change a tariff's name, description, resources or display order (CAT-02).

    The fee of a published tariff is not changed here: a new fee is announced with
    ``price_change_announce`` and applies from the next period (CAT-06). A draft's fee may
    be corrected (nobody has seen it). The code and family are fixed once created.
    """
    draft = not tariff.is_published
    hints = {
        "code": "The code of a tariff is fixed.",
        "family": "The family of a tariff is fixed.",
    }
    if not draft:
        hints["monthly_fee"] = FEE_HINT
    refuse_unknown_fields(data, TARIFF_FIELDS | ({"monthly_fee"} if draft else set()), hints)
    errors = FieldErrors()
    cleaned: dict = {}
    if "name" in data:
        cleaned["name"] = clean_text(data["name"], "name", errors, required=True)
    if "description" in data:
        cleaned["description"] = clean_text(
            data["description"], "description", errors, required=False, max_length=None
        )
    if "specs" in data:
        cleaned["specs"] = clean_specs(data["specs"], tariff.family, errors)
    if "sort_order" in data:
        cleaned["sort_order"] = clean_whole_number(data["sort_order"], "sort_order", errors)
    if "monthly_fee" in data:
        fee = clean_fee(data["monthly_fee"], "monthly_fee", errors)
        if fee is not None:
            cleaned["monthly_fee_minor"] = fee.to_minor()
    errors.raise_if_any()
    row = locked(tariff)
    if "monthly_fee_minor" in cleaned and row.is_published:
        raise DomainError("tariff_published", FEE_HINT, fields={"monthly_fee": FEE_HINT})
    changed = apply_changes(row, cleaned)
    if changed:
        row.save(update_fields=[*changed, "updated_at"])
        audit("tariff.updated", actor=actor, obj=row, data={"fields": changed})
    return row


@transaction.atomic
def tariff_deactivate(*, tariff: Tariff, actor=None) -> Tariff:
    """Stop offering a tariff to new orders (CAT-02); running services keep it and its price."""
    return set_active(tariff, active=False, actor=actor, entity="tariff")


@transaction.atomic
def tariff_activate(*, tariff: Tariff, actor=None) -> Tariff:
    """Offer a deactivated tariff again (CAT-02)."""
    if not tariff.family.is_active:
        raise DomainError(
            "family_inactive",
            _("%(name)s is not offered; activate the family first.") % {"name": tariff.family.name},
            fields={"family": "not offered"},
        )
    return set_active(tariff, active=True, actor=actor, entity="tariff")


@transaction.atomic
def tariff_publish(*, tariff: Tariff, actor=None) -> Tariff:
    """Make a draft tariff live: offered to clients and orderable from now on (CAT-02).

    Publishing again changes nothing. Its fee is fixed from here on; later changes are
    announced price versions (CAT-06).
    """
    row = locked(tariff)
    if row.is_published:
        return row
    row.status = PublicationStatus.PUBLISHED
    row.published_at = timezone.now()
    row.save(update_fields=["status", "published_at", "updated_at"])
    audit(
        "tariff.published",
        actor=actor,
        obj=row,
        data={"code": row.code, "monthly_fee": str(row.monthly_fee)},
    )
    return row
