"""What a document prints about its parties, frozen at issue (BIL-04, ACC-04).

Later changes of the payer or of the provider's settings never alter a document already
issued: each document keeps these snapshots, and its PDF and XML are rendered from them
alone. The payer snapshot is personal data and is stored encrypted (``EncryptedTextField``);
the provider snapshot is the provider's own business identity: every provider detail a
document prints — legal name, structured address, registry code, VAT number, contacts, bank
account and footer — so that no setting is read when an issued document is printed.
"""

from __future__ import annotations

import json

from hostledger.core.registry import setting_value
from hostledger.invoicing import conf
from hostledger.providers.models import ProviderEntity

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
    "buyer_reference",
)

PROVIDER_SNAPSHOT_SETTINGS = {
    "legal_name": conf.PROVIDER_LEGAL_NAME,
    "registry_code": conf.PROVIDER_REGISTRY_CODE,
    "vat_number": conf.PROVIDER_VAT_NUMBER,
    "street": conf.PROVIDER_STREET,
    "city": conf.PROVIDER_CITY,
    "postal_code": conf.PROVIDER_POSTAL_CODE,
    "country": conf.PROVIDER_COUNTRY,
    "email": conf.PROVIDER_EMAIL,
    "phone": conf.PROVIDER_PHONE,
    "website": conf.PROVIDER_WEBSITE,
    "iban": conf.PROVIDER_IBAN,
    "bic": conf.PROVIDER_BIC,
    "bank_name": conf.PROVIDER_BANK_NAME,
    "footer": conf.DOCUMENT_FOOTER,
}
"""Snapshot key -> provider setting: everything an invoice, credit note or act prints."""


def payer_snapshot(payer) -> str:
    """The payer's billing identity as JSON text, for an encrypted snapshot field."""
    return json.dumps(
        {name: getattr(payer, name, "") or "" for name in PAYER_SNAPSHOT_FIELDS},
        ensure_ascii=False,
        sort_keys=True,
    )


ENTITY_FIELDS = {name: name for name in PROVIDER_SNAPSHOT_SETTINGS} | {"footer": "document_footer"}
"""Snapshot key -> field of the provider entity that overrides the setting when filled."""

ENTITY_ONLY_FIELDS = ("brand_name", "terms_url", "terms_text", "mail_sender")
"""Details only an entity has (no provider setting): printed when the entity fills them."""


def provider_snapshot(entity: ProviderEntity | None = None) -> dict:
    """The seller's identity, contacts and bank account as in force now (BIL-04).

    Each detail is the entity's own when it is filled, otherwise the provider setting of the
    same name; without ``entity`` (or for the default entity, whose details are blank) this is
    the provider settings, as for an installation with one entity.
    """
    snapshot = {name: setting_value(key) for name, key in PROVIDER_SNAPSHOT_SETTINGS.items()}
    if entity is None:
        return snapshot
    for name, field in ENTITY_FIELDS.items():
        value = getattr(entity, field, "")
        if value:
            snapshot[name] = value
    for name in ENTITY_ONLY_FIELDS:
        value = getattr(entity, name, "")
        if value:
            snapshot[name] = value
    return snapshot


def entity_series_codes(entity: ProviderEntity | None) -> tuple[str, str]:
    """The codes of the series numbering ``entity``'s invoices and credit notes (BIL-04):
    the entity's own, or the series of the provider settings."""
    invoice = (entity.invoice_series_code if entity else "") or setting_value(conf.INVOICE_SERIES)
    credit = (entity.credit_note_series_code if entity else "") or setting_value(
        conf.CREDIT_NOTE_SERIES
    )
    return invoice, credit
