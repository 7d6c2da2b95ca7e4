"""Personal data held by invoicing, field by field (GDPR-01).

Invoices and credit notes are accounting records: the law requires keeping them, so their
personal data follows the billing-records retention rule. The payer snapshots and the buyer's
VAT numbers are encrypted at rest (GDPR-11).
"""

from hostledger.core.personal_data import (
    NOT_PERSONAL,
    Category,
    LegalBasis,
    NotPersonal,
    Personal,
    Retention,
    Subject,
    declare,
)

ROW_KEY = NotPersonal("internal row key")
PUBLIC_ID = NotPersonal("random opaque id for URLs and the API")
REFERENCE = NotPersonal("reference to another record, whose own fields are declared there")
RECORD_TIME = NotPersonal("when the record was made or changed")
STATE = NotPersonal("state of the record, not about the person")
AMOUNT = NotPersonal("amount or rate of a document")
PROVIDER = NotPersonal("the provider's own business identity, from the provider settings")
NUMBERING = NotPersonal("document numbering")

_INVOICING = "invoicing, VAT and bookkeeping"


def _billing(category: str = Category.BILLING, *, encrypted: bool = False) -> Personal:
    return Personal(
        category,
        _INVOICING,
        LegalBasis.LEGAL_OBLIGATION,
        Retention.BILLING_RECORDS,
        encrypted=encrypted,
    )


declare(
    "invoicing.VatRate",
    {
        "id": ROW_KEY,
        "country": NOT_PERSONAL,
        "rate": NOT_PERSONAL,
        "valid_from": NOT_PERSONAL,
        "valid_to": NOT_PERSONAL,
        "note": NOT_PERSONAL,
    },
)

declare(
    "invoicing.VatNumberCheck",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "payer": REFERENCE,
        "vat_number": _billing(encrypted=True),
        "country": _billing(),
        "format_valid": STATE,
        "vies_status": STATE,
        "vies_consultation_number": NotPersonal("VIES's reference of the look-up"),
        "vies_error_code": STATE,
        "vies_summary": _billing(),
        "checked_at": RECORD_TIME,
    },
    subject=Subject(client="payer__client"),
)

declare(
    "invoicing.InvoiceSeries",
    {
        "id": ROW_KEY,
        "code": NUMBERING,
        "name": NUMBERING,
        "prefix": NUMBERING,
        "digits": NUMBERING,
        "restart_yearly": NUMBERING,
    },
)
declare(
    "invoicing.InvoiceSeriesCounter",
    {"id": ROW_KEY, "series": REFERENCE, "year": NUMBERING, "last_number": NUMBERING},
)

_DOCUMENT = {
    "id": ROW_KEY,
    "public_id": PUBLIC_ID,
    "status": STATE,
    "client": REFERENCE,
    "payer_snapshot": _billing(Category.IDENTITY, encrypted=True),
    "provider_snapshot": PROVIDER,
    "entity": REFERENCE,
    "series": REFERENCE,
    "number_year": NUMBERING,
    "number": NUMBERING,
    "number_display": NUMBERING,
    "issued_on": RECORD_TIME,
    "currency": AMOUNT,
    "net_minor": AMOUNT,
    "vat_minor": AMOUNT,
    "gross_minor": AMOUNT,
    "created_by": REFERENCE,
    "created_at": RECORD_TIME,
}

declare(
    "invoicing.Invoice",
    {
        **_DOCUMENT,
        "kind": STATE,
        "payer": REFERENCE,
        "due_on": RECORD_TIME,
        "finalised_on": RECORD_TIME,
        "vat_scheme": STATE,
        "vat_rate": AMOUNT,
        # The buyer's country and the reason (which names it) tell where the buyer is.
        "vat_country": _billing(),
        "vat_reason": _billing(),
        "vat_number_check": REFERENCE,
        "order_reference": NotPersonal("the order's number in HostLedger"),
    },
    subject=Subject(client="client"),
)

# The files of issued documents print the payer's snapshot: kept and erased with it.
declare(
    "invoicing.IssuedDocumentFile",
    {
        "id": ROW_KEY,
        "invoice": REFERENCE,
        "credit_note": REFERENCE,
        "format": STATE,
        "sha256": NotPersonal("checksum of the stored file"),
        "size": NotPersonal("size of the stored file"),
        "content": _billing(Category.IDENTITY, encrypted=True),
        "created_at": RECORD_TIME,
    },
    subject=Subject(client=("invoice__client", "credit_note__client")),
)

declare(
    "invoicing.CreditNote",
    {
        **_DOCUMENT,
        "invoice": REFERENCE,
        "reason": _billing(),
    },
    subject=Subject(client="client"),
)

_LINE = {
    "id": ROW_KEY,
    # A line can name the client's domain or server, which may identify a person.
    "description": _billing(),
    "quantity": AMOUNT,
    "unit_price_minor": AMOUNT,
    "net_minor": AMOUNT,
    "vat_rate": AMOUNT,
    "vat_minor": AMOUNT,
    "period_start": NOT_PERSONAL,
    "period_end": NOT_PERSONAL,
    "unit_code": NOT_PERSONAL,
    "position": NOT_PERSONAL,
}

declare(
    "invoicing.InvoiceLine",
    {**_LINE, "invoice": REFERENCE},
    subject=Subject(client="invoice__client"),
)
declare(
    "invoicing.CreditNoteLine",
    {**_LINE, "credit_note": REFERENCE, "invoice_line": REFERENCE},
    subject=Subject(client="credit_note__client"),
)

# Acts of acceptance (DOC-01..03) are closing documents kept with the invoices they list.
declare(
    "invoicing.AcceptanceAct",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "client": REFERENCE,
        "payer": REFERENCE,
        "period_start": RECORD_TIME,
        "period_end": RECORD_TIME,
        "currency": AMOUNT,
        "net_minor": AMOUNT,
        "vat_minor": AMOUNT,
        "gross_minor": AMOUNT,
        "payer_snapshot": _billing(Category.IDENTITY, encrypted=True),
        "provider_snapshot": PROVIDER,
        "formed_on": RECORD_TIME,
        "formed_at": RECORD_TIME,
        "dispute_deadline": RECORD_TIME,
        "status": STATE,
        "acceptance": STATE,
        "accepted_at": RECORD_TIME,
        "accepted_by": REFERENCE,
    },
    subject=Subject(client="client"),
)
declare(
    "invoicing.AcceptanceActLine",
    {
        "id": ROW_KEY,
        "act": REFERENCE,
        "position": NOT_PERSONAL,
        "invoice_line": REFERENCE,
        "credit_note_line": REFERENCE,
        "document_number": NUMBERING,
        "description": _LINE["description"],
        "service_month": NOT_PERSONAL,
        "period_start": NOT_PERSONAL,
        "period_end": NOT_PERSONAL,
        "vat_rate": AMOUNT,
        "net_minor": AMOUNT,
        "vat_minor": AMOUNT,
    },
    subject=Subject(client="act__client"),
)
declare(
    "invoicing.ActDispute",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "act": REFERENCE,
        # The client's and the staff's own words about the services: may name people.
        "reasons": _billing(Category.COMMUNICATION, encrypted=True),
        "raised_by": REFERENCE,
        "raised_at": RECORD_TIME,
        "outcome": STATE,
        "resolution_note": _billing(Category.COMMUNICATION, encrypted=True),
        "resolved_by": REFERENCE,
        "resolved_at": RECORD_TIME,
    },
    subject=Subject(client="act__client", user="raised_by"),
)
declare(
    "invoicing.PaperActRequest",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "client": REFERENCE,
        "payer": REFERENCE,
        "period_start": RECORD_TIME,
        "period_end": RECORD_TIME,
        "postal_snapshot": _billing(Category.CONTACT, encrypted=True),
        "status": STATE,
        "requested_by": REFERENCE,
        "requested_at": RECORD_TIME,
        "sent_by": REFERENCE,
        "sent_at": RECORD_TIME,
        "sent_note": NotPersonal("the provider's postal tracking number"),
        "withdrawn_at": RECORD_TIME,
    },
    subject=Subject(client="client"),
)
