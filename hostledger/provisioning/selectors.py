"""Reads of module calls for the staff area, the API and jobs (PRV-02)."""

from __future__ import annotations

from django.db.models import QuerySet

from hostledger.core.errors import NotFound
from hostledger.provisioning.models import ProvisioningOperation

Status = ProvisioningOperation.Status


def _operations() -> QuerySet[ProvisioningOperation]:
    return ProvisioningOperation.objects.select_related(
        "service__client", "service__family", "service__tariff", "completed_by"
    )


def operations_needing_staff() -> QuerySet[ProvisioningOperation]:
    """Calls a person must finish or look at: waiting for staff and failed ones, oldest
    first (PRV-02)."""
    return (
        _operations()
        .filter(status__in=(Status.WAITING, Status.FAILED))
        .order_by("created_at", "id")
    )


def operations_for_staff(*, status: str | None = None) -> QuerySet[ProvisioningOperation]:
    """Every module call, newest first, optionally of one status."""
    operations = _operations().order_by("-created_at", "-id")
    if status:
        operations = operations.filter(status=status)
    return operations


def service_operations(service) -> QuerySet[ProvisioningOperation]:
    """The module calls of one service, oldest first."""
    return _operations().filter(service=service).order_by("created_at", "id")


def operation_for_staff(public_id: str) -> ProvisioningOperation:
    operation = _operations().filter(public_id=public_id).first()
    if operation is None:
        raise NotFound("provisioning call")
    return operation
