"""Opening a further provider entity: its numbering series in invoicing, then the entity.

Both are written in one transaction, so an entity never exists without its series and a
refused entity leaves no series behind (BIL-04).
"""

from __future__ import annotations

import re

from django.db import transaction

from hostledger.core.errors import DomainError
from hostledger.invoicing.actions import series_open
from hostledger.providers.actions import provider_entity_create
from hostledger.providers.models import ProviderEntity

PREFIX_PATTERN = re.compile(r"^[A-Z][A-Z0-9]{0,9}$")


@transaction.atomic
def provider_entity_open(*, code: str, details: dict, actor=None) -> ProviderEntity:
    """Create a provider entity with an invoice series ``<PREFIX>-{year}-`` and a credit-note
    series ``<PREFIX>-CN-{year}-`` of its own, both gapless (BIL-04).

    ``details["invoice_series_prefix"]`` is 1 to 10 capital letters or digits, starting with a
    letter, and not used by another series.
    """
    prefix = str(details.get("invoice_series_prefix") or "").strip().upper()
    if not PREFIX_PATTERN.fullmatch(prefix):
        raise DomainError(
            "invalid_entity",
            "invoice_series_prefix: 1 to 10 capital letters or digits, starting with a letter.",
            fields={"invoice_series_prefix": "1 to 10 capital letters or digits"},
        )
    series_code = str(code or "").strip().upper()[:12]
    name = str(details.get("legal_name") or code)[:80]
    invoices = series_open(
        code=f"{series_code}-INV", name=f"Invoices of {name}", prefix=f"{prefix}-{{year}}-"
    )
    credit_notes = series_open(
        code=f"{series_code}-CN", name=f"Credit notes of {name}", prefix=f"{prefix}-CN-{{year}}-"
    )
    return provider_entity_create(
        code=code,
        details={**details, "invoice_series_prefix": prefix},
        invoice_series_code=invoices.code,
        credit_note_series_code=credit_notes.code,
        actor=actor,
    )
