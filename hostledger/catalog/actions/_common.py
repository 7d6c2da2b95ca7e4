"""Helpers shared by the catalog actions: audit events and switching items on and off."""

from __future__ import annotations

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from hostledger.core.audit import record_audit_event
from hostledger.core.errors import DomainError


def audit(action: str, *, actor, obj, data: dict | None = None) -> None:
    """Record a catalog change in the audit trail (``catalog.<entity>.<verb>``)."""
    record_audit_event(action=f"catalog.{action}", actor=actor, obj=obj, data=data or {})


def locked(instance: models.Model) -> models.Model:
    """``instance`` re-read with its row locked until the transaction ends, so that two staff
    members editing the same item apply their changes one after the other."""
    model = type(instance)
    fresh = model.objects.select_for_update().filter(pk=instance.pk).first()
    if fresh is None:
        raise DomainError(
            "not_found",
            _("No such %(verbose_name)s.") % {"verbose_name": model._meta.verbose_name},
            status=404,
        )
    return fresh


def set_active(instance: models.Model, *, active: bool, actor, entity: str) -> models.Model:
    """Offer an item again or stop offering it; services that already use it are untouched."""
    row = locked(instance)
    if row.is_active != active:
        row.is_active = active
        row.save(update_fields=["is_active", "updated_at"])
        audit(f"{entity}.{'activated' if active else 'deactivated'}", actor=actor, obj=row)
    return row


def apply_changes(row: models.Model, cleaned: dict) -> list[str]:
    """Set the cleaned values on ``row``; the names of the fields that really changed."""
    changed = [name for name, value in cleaned.items() if getattr(row, name) != value]
    for name in changed:
        setattr(row, name, cleaned[name])
    return changed


def insert_with_code(model: type[models.Model], **values) -> models.Model:
    """Create a catalog row; a code taken by a concurrent request is reported on ``code``.

    The code was checked before, but two staff members may submit the same code at once;
    the unique index then decides, and the loser gets the same DomainError as a late check.
    """
    try:
        with transaction.atomic():
            return model.objects.create(**values)
    except IntegrityError:
        if model.objects.filter(code=values["code"]).exists():
            raise DomainError(
                "invalid_input",
                _("code: This code is already used."),
                fields={"code": "This code is already used."},
            ) from None
        raise
