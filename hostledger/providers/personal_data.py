"""Personal data held by provider entities, field by field (GDPR-01).

An entity is one of the provider's own companies: its legal details, bank account, series,
terms and brand are the provider's business identity, not data about a person.
"""

from hostledger.core.personal_data import NotPersonal, declare

ROW_KEY = NotPersonal("internal row key")
PUBLIC_ID = NotPersonal("random opaque id for URLs and the API")
RECORD_TIME = NotPersonal("when the record was made or changed")
PROVIDER = NotPersonal("the provider's own business identity")

declare(
    "providers.ProviderEntity",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "created_at": RECORD_TIME,
        "updated_at": RECORD_TIME,
        **dict.fromkeys(
            (
                "code",
                "is_default",
                "legal_name",
                "brand_name",
                "registry_code",
                "vat_number",
                "street",
                "city",
                "postal_code",
                "country",
                "email",
                "phone",
                "website",
                "iban",
                "bic",
                "bank_name",
                "invoice_series_prefix",
                "invoice_series_code",
                "credit_note_series_code",
                "terms_url",
                "terms_text",
                "document_footer",
                "mail_sender",
            ),
            PROVIDER,
        ),
    },
)
