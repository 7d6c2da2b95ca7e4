"""Personal data held by the billing run's records, field by field (GDPR-01).

Renewals and penalties are billing records of the client's services. An automated decision
is about the client: the facts it rested on and what the client and staff wrote about it
are kept as billing records, since they justify a termination and the debt that remains
(AUT-06).
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
STATE = NotPersonal("state of the record, not about the person")
AMOUNT = NotPersonal("an amount, rate or currency of a billing record")
PERIOD = NotPersonal("dates of a billed period or of a delay")

DECISION = Personal(
    Category.BILLING,
    "the facts and reasons of a decision with legal effect on the client (AUT-06)",
    LegalBasis.CONTRACT,
    Retention.BILLING_RECORDS,
)

declare(
    "automation.BillingClock",
    {
        "id": ROW_KEY,
        "as_of": RECORD_TIME,
        "completed_on": RECORD_TIME,
        "seen_transaction_id": REFERENCE,
        "acts_formed_through": RECORD_TIME,
        "updated_at": RECORD_TIME,
    },
)

declare(
    "automation.ServiceRenewal",
    {
        "id": ROW_KEY,
        "service": REFERENCE,
        "client": REFERENCE,
        "starts_on": PERIOD,
        "ends_on": PERIOD,
        "invoice": REFERENCE,
        "net_minor": AMOUNT,
        "currency": AMOUNT,
        "state": STATE,
        "issued_at": RECORD_TIME,
        "paid_on": PERIOD,
    },
)

declare(
    "automation.PenaltyAccrual",
    {
        "id": ROW_KEY,
        "invoice": REFERENCE,
        "client": REFERENCE,
        "base_minor": AMOUNT,
        "rate_ppm": AMOUNT,
        "days": PERIOD,
        "amount_minor": AMOUNT,
        "currency": AMOUNT,
        "delay_from": PERIOD,
        "accrued_through": PERIOD,
        "settled": STATE,
        "transaction": REFERENCE,
    },
)

declare(
    "automation.AutomatedDecision",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "kind": STATE,
        "subject_key": NotPersonal("what the decision is about: a record's public id"),
        "client": REFERENCE,
        "service": REFERENCE,
        "invoice": REFERENCE,
        "inputs": DECISION,
        "state": STATE,
        "automatic": STATE,
        "proposed_at": RECORD_TIME,
        "decided_at": RECORD_TIME,
        "decided_by": REFERENCE,
        "decision_note": DECISION,
        "review_requested_at": RECORD_TIME,
        "review_reason": DECISION,
        "reviewed_at": RECORD_TIME,
        "reviewed_by": REFERENCE,
        "review_outcome": DECISION,
    },
    subject=Subject(client="client"),
)
