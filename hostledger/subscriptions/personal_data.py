"""Personal data held by orders and services, field by field (GDPR-01).

An order or a service belongs to a client, but what it records is the product, its prices,
its periods and its state: the client and the payer are references whose own fields are
declared by the accounts app. Modules report technical identifiers of the provider's own
resources, never credentials or data about a person. The field history of services copies
these declarations (``hostledger.core.declarations``).
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
RECORD_TIME = NotPersonal("when the record was made or changed")
STATE = NotPersonal("state of the order or service, not about the person")
ORDERED = NotPersonal("what was ordered: catalog items, resources, periods and prices")
AMOUNT = NotPersonal("amount or currency of what was ordered or billed")
MODULE = NotPersonal(
    "technical identifiers of the provider's resource, reported by the provisioning module"
)
SERVER = NotPersonal("a server inside the client's cloud pool: a host name and its resources")

declare(
    "subscriptions.OrderNumberCounter",
    {
        "id": ROW_KEY,
        "year": NotPersonal("the year of a series of order numbers"),
        "last_number": NotPersonal("the last order number given in that year"),
    },
)
declare(
    "subscriptions.Order",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "number": NotPersonal("the order's number for people, from a yearly series"),
        "client": REFERENCE,
        "payer": REFERENCE,
        "family": REFERENCE,
        "tariff": REFERENCE,
        "tariff_specs": ORDERED,
        "os_image": REFERENCE,
        "period_months": ORDERED,
        "period_starts_on": ORDERED,
        "period_ends_on": ORDERED,
        "is_trial": ORDERED,
        "trial_days": ORDERED,
        "start_at_once": NotPersonal(
            "whether the client asked for the service to start within the withdrawal period"
        ),
        "trial_service": REFERENCE,
        "currency": AMOUNT,
        "net_minor": AMOUNT,
        "coupon": REFERENCE,
        "discount_minor": AMOUNT,
        "quote": REFERENCE,
        "proforma": REFERENCE,
        "status": STATE,
        "placed_at": RECORD_TIME,
        "placed_by": REFERENCE,
        "paid_at": RECORD_TIME,
        "cancelled_at": RECORD_TIME,
    },
)

declare(
    "subscriptions.OrderItem",
    {
        "id": ROW_KEY,
        "order": REFERENCE,
        "position": ORDERED,
        "kind": ORDERED,
        "tariff": REFERENCE,
        "add_on": REFERENCE,
        "os_image": REFERENCE,
        "code": ORDERED,
        "name": ORDERED,
        "monthly_fee_minor": AMOUNT,
        "currency": AMOUNT,
        "quantity": ORDERED,
        "months": ORDERED,
        "amount_minor": AMOUNT,
    },
)

declare(
    "subscriptions.Service",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "client": REFERENCE,
        "payer": REFERENCE,
        "order": REFERENCE,
        "family": REFERENCE,
        "tariff": REFERENCE,
        "specs": ORDERED,
        "os_image": REFERENCE,
        "status": STATE,
        "status_changed_at": RECORD_TIME,
        "is_trial": STATE,
        "trial_ends_on": STATE,
        "contract_started_on": STATE,
        "contract_ends_on": STATE,
        "notice_kind": STATE,
        "notice_party": STATE,
        "notice_given_at": RECORD_TIME,
        "notice_given_by": REFERENCE,
        "notice_effective_on": STATE,
        "commencement_deadline": STATE,
        "activated_at": RECORD_TIME,
        "terminated_at": RECORD_TIME,
        "renewal_months": ORDERED,
        "invoiced_through": STATE,
        "paid_through": STATE,
        "billing_invoice": REFERENCE,
        "suspension_reason": STATE,
        "coupon": REFERENCE,
        "module_name": MODULE,
        "module_service_id": MODULE,
        "module_data": MODULE,
        "host_name": Personal(
            Category.TECHNICAL,
            "naming the service to the client and staff; may name a person (a domain)",
            LegalBasis.CONTRACT,
            Retention.ACCOUNT_LIFETIME,
            encrypted=True,
        ),
        "host_name_index": Personal(
            Category.TECHNICAL,
            "staff finding a client by a service's host name (keyed hash)",
            LegalBasis.CONTRACT,
            Retention.ACCOUNT_LIFETIME,
        ),
        "created_at": RECORD_TIME,
        "updated_at": RECORD_TIME,
    },
    subject=Subject(client="client"),
)

declare(
    "subscriptions.ServiceAddOn",
    {"id": ROW_KEY, "service": REFERENCE, "add_on": REFERENCE, "quantity": ORDERED},
)

declare(
    "subscriptions.ServicePeriod",
    {
        "id": ROW_KEY,
        "service": REFERENCE,
        "starts_on": ORDERED,
        "ends_on": ORDERED,
        "invoice": REFERENCE,
        "order": REFERENCE,
        "amount_minor": AMOUNT,
        "currency": AMOUNT,
        "created_at": RECORD_TIME,
    },
)

declare(
    "subscriptions.ServiceStatusChange",
    {
        "id": ROW_KEY,
        "service": REFERENCE,
        "from_status": STATE,
        "to_status": STATE,
        "reason": NotPersonal("why the service changed state; written by the system or staff"),
        "actor": REFERENCE,
        "changed_at": RECORD_TIME,
    },
)

declare(
    "subscriptions.PoolServer",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "service": REFERENCE,
        "name": SERVER,
        "cpu": SERVER,
        "ram_gb": SERVER,
        "disk_gb": SERVER,
        "os_image": REFERENCE,
        "created_at": RECORD_TIME,
        "updated_at": RECORD_TIME,
        "created_by": REFERENCE,
        "deleted_at": RECORD_TIME,
    },
)

declare(
    "subscriptions.ServiceChange",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "service": REFERENCE,
        "direction": ORDERED,
        "state": STATE,
        "from_tariff": REFERENCE,
        "to_tariff": REFERENCE,
        "from_add_ons": ORDERED,
        "to_add_ons": ORDERED,
        "effective_on": ORDERED,
        "lines": AMOUNT,
        "amount_minor": AMOUNT,
        "currency": AMOUNT,
        "invoice": REFERENCE,
        "requested_at": RECORD_TIME,
        "requested_by": REFERENCE,
        "applied_at": RECORD_TIME,
        "cancelled_at": RECORD_TIME,
    },
)

declare(
    "subscriptions.ServiceCancellation",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "service": REFERENCE,
        "kind": STATE,
        "party": STATE,
        "state": STATE,
        "requested_on": STATE,
        "effective_on": STATE,
        "requested_at": RECORD_TIME,
        "requested_by": REFERENCE,
        "withdrawn_at": RECORD_TIME,
        "withdrawn_by": REFERENCE,
        "carried_out_at": RECORD_TIME,
        "carried_out_by": REFERENCE,
        "refund_minor": AMOUNT,
        "currency": AMOUNT,
    },
)

declare(
    "subscriptions.ServiceCredit",
    {
        "id": ROW_KEY,
        "service": REFERENCE,
        "credit_note": REFERENCE,
        "invoice": REFERENCE,
        "change": REFERENCE,
        "cancellation": REFERENCE,
        "starts_on": ORDERED,
        "ends_on": ORDERED,
        "net_minor": AMOUNT,
        "currency": AMOUNT,
        "created_at": RECORD_TIME,
    },
)

declare(
    "subscriptions.Quote",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "client": REFERENCE,
        "payer": REFERENCE,
        "status": STATE,
        "valid_until": STATE,
        "coupon": REFERENCE,
        "discount_percent": AMOUNT,
        "note": NotPersonal("staff's note to the client about the offer"),
        "created_by": REFERENCE,
        "created_at": RECORD_TIME,
        "sent_at": RECORD_TIME,
        "decided_at": RECORD_TIME,
        "decided_by": REFERENCE,
    },
)
declare(
    "subscriptions.QuoteLine",
    {
        "id": ROW_KEY,
        "quote": REFERENCE,
        "position": ORDERED,
        "tariff": REFERENCE,
        "period_months": ORDERED,
        "quantity": ORDERED,
        "os_image": REFERENCE,
        "host_name": Personal(
            Category.TECHNICAL,
            "naming the service the quote offers; may name a person (a domain)",
            LegalBasis.CONTRACT,
            Retention.ACCOUNT_LIFETIME,
        ),
    },
    subject=Subject(client="quote__client"),
)
