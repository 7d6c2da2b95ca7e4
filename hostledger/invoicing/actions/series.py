"""Opening a numbering series for a provider entity (BIL-04)."""

from __future__ import annotations

from django.db import transaction

from hostledger.core.errors import DomainError
from hostledger.invoicing.models import InvoiceSeries

SERIES_DIGITS = 6


@transaction.atomic
def series_open(*, code: str, name: str, prefix: str) -> InvoiceSeries:
    """Create the series ``code`` numbering ``prefix`` + 6 digits, restarting each year.

    A series is never changed once it numbers documents; an existing code is refused so that
    two entities can never share a counter (BIL-04).
    """
    if InvoiceSeries.objects.filter(code=code).exists():
        raise DomainError(
            "series_taken",
            f"code: there is already a numbering series '{code}'.",
            fields={"code": "a numbering series with this code exists"},
            status=409,
        )
    if InvoiceSeries.objects.filter(prefix=prefix).exists():
        raise DomainError(
            "series_taken",
            f"invoice_series_prefix: the prefix '{prefix}' already numbers another series.",
            fields={"invoice_series_prefix": "already used by another series"},
            status=409,
        )
    return InvoiceSeries.objects.create(
        code=code, name=name, prefix=prefix, digits=SERIES_DIGITS, restart_yearly=True
    )
