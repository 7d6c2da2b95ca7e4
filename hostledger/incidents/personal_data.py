"""Personal data held by interruptions, compensations, maintenance windows and repairs,
field by field (GDPR-01).

What a client writes when it reports an interruption, and what staff answer it when they do
not confirm the report, are communications with the client: encrypted under the client's
key, exported with its data, erased on erasure and kept two years after the month
(GDPR-08). The rest records times, states and amounts of the provider's own service.
"""

from hostledger.core.personal_data import (
    Category,
    Erasure,
    ErasureStrategy,
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
AMOUNT = NotPersonal("amount, share or currency of the provider's service and its compensation")
CLIENT_WORDS = Personal(
    Category.COMMUNICATION,
    "handling the client's report of an interruption of its service (SUP-03)",
    LegalBasis.CONTRACT,
    Retention.COMMUNICATIONS,
    encrypted=True,
    erasure=Erasure(ErasureStrategy.ANONYMISE, dated_by="reported_at"),
)

declare(
    "incidents.Interruption",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "client": REFERENCE,
        "service": REFERENCE,
        "status": STATE,
        "description": CLIENT_WORDS,
        "reported_at": RECORD_TIME,
        "reported_by": REFERENCE,
        "confirmed_at": RECORD_TIME,
        "confirmed_by": REFERENCE,
        "fix_due_on": STATE,
        "restored_at": RECORD_TIME,
        "restored_by": REFERENCE,
        "rejected_at": RECORD_TIME,
        "rejected_by": REFERENCE,
        "rejection_reason": CLIENT_WORDS,
    },
    subject=Subject(client="client"),
)

declare(
    "incidents.InterruptionCompensation",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "client": REFERENCE,
        "service": REFERENCE,
        "month": AMOUNT,
        "downtime_seconds": AMOUNT,
        "availability_percent": AMOUNT,
        "percent": AMOUNT,
        "charge_minor": AMOUNT,
        "computed_minor": AMOUNT,
        "granted_minor": AMOUNT,
        "currency": AMOUNT,
        "ledger_transaction_id": REFERENCE,
        "created_at": RECORD_TIME,
    },
)

declare(
    "incidents.MaintenanceWindow",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "title": NotPersonal("the provider's title of works on its own infrastructure"),
        "description": NotPersonal("the provider's text about works on its own infrastructure"),
        "starts_at": RECORD_TIME,
        "ends_at": RECORD_TIME,
        "scope": STATE,
        "family_codes": NotPersonal("catalog product codes the works affect"),
        "tariff_ids": NotPersonal("catalog tariff ids the works affect"),
        "service_ids": NotPersonal("opaque ids of the services the works affect"),
        "announcement": REFERENCE,
        "recipient_count": NotPersonal("how many clients were told"),
        "created_at": RECORD_TIME,
        "created_by": REFERENCE,
    },
)

declare(
    "incidents.DedicatedRepair",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "client": REFERENCE,
        "service": REFERENCE,
        "part": NotPersonal("the failed part of the provider's server"),
        "started_at": RECORD_TIME,
        "ended_at": RECORD_TIME,
        "outcome": STATE,
        "extension_days": AMOUNT,
        "paid_through_before": STATE,
        "paid_through_after": STATE,
        "noted_invoice_id": REFERENCE,
        "recorded_at": RECORD_TIME,
        "recorded_by": REFERENCE,
    },
)
