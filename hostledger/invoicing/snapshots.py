"""What an invoice prints about its parties, frozen at issue (BIL-04, ACC-04).

Later changes of the payer or of the provider's settings never alter a document already
issued: each document keeps these snapshots. The payer snapshot is personal data and is
stored encrypted (``EncryptedTextField``); the provider snapshot is the provider's own
business identity.
"""

from __future__ import annotations

import json

from hostledger.core.registry import setting_value
from hostledger.invoicing import conf

PAYER_SNAPSHOT_FIELDS = (
    "public_id",
    "kind",
    "name",
    "registry_code",
    "vat_number",
    "street",
    "city",
    "postal_code",
    "country",
    "invoice_email",
)


def payer_snapshot(payer) -> str:
    """The payer's billing identity as JSON text, for an encrypted snapshot field."""
    return json.dumps(
        {name: getattr(payer, name) or "" for name in PAYER_SNAPSHOT_FIELDS},
        ensure_ascii=False,
        sort_keys=True,
    )


def provider_snapshot() -> dict:
    """The provider's identity from the provider settings in force now."""
    return {
        "legal_name": setting_value(conf.PROVIDER_LEGAL_NAME),
        "registry_code": setting_value(conf.PROVIDER_REGISTRY_CODE),
        "vat_number": setting_value(conf.PROVIDER_VAT_NUMBER),
        "address": setting_value(conf.PROVIDER_ADDRESS),
        "country": setting_value(conf.PROVIDER_COUNTRY),
    }
