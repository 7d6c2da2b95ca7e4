"""Personal data held by usage records and usage charges, field by field (GDPR-01).

A usage figure says how much of a metered resource (GB-hours of disk, GB of traffic) one of
the provider's services used in a time window, as the provider's own instruments measured it
(seed 003 §4.2). It holds no name, address, IP address, log line or content, but tied to a
client who is a natural person it tells how that person used the service: traffic data,
kept for seven years after the year of use (GDPR-04) and exported with the client's data
(GDPR-02). The billed amounts are bookkeeping figures kept with the invoice that billed them.
"""

from hostledger.core.personal_data import (
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
RECORD_TIME = NotPersonal("when the record was made")
MEASUREMENT = Personal(
    Category.TECHNICAL,
    "billing metered use of a service (seed 003 §4.2): how much of a resource it used and when",
    LegalBasis.CONTRACT,
    Retention.TRAFFIC_DATA,
)
ORIGIN = NotPersonal(
    "which of the provider's instruments or modules measured the usage, and its own id of "
    "the measurement"
)
BILLED = NotPersonal("quantities, unit price and amount billed for a period, and the period")

declare(
    "metering.UsageRecord",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "client": REFERENCE,
        "service": REFERENCE,
        "metered_item": REFERENCE,
        "window_start": MEASUREMENT,
        "window_end": MEASUREMENT,
        "quantity_micro": MEASUREMENT,
        "source": ORIGIN,
        "external_id": ORIGIN,
        "recorded_at": RECORD_TIME,
    },
    subject=Subject(client="client"),
)

declare(
    "metering.UsageCharge",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "client": REFERENCE,
        "service": REFERENCE,
        "metered_item": REFERENCE,
        "period_start": BILLED,
        "period_end": BILLED,
        "total_quantity_micro": BILLED,
        "included_quantity_micro": BILLED,
        "billable_quantity_micro": BILLED,
        "unit_price_micro": BILLED,
        "amount_minor": BILLED,
        "currency": BILLED,
        "invoice": REFERENCE,
        "billed_at": RECORD_TIME,
        "billed_by": REFERENCE,
    },
)
