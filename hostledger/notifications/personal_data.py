"""Personal data held by the notifications app, field by field (GDPR-01).

A message is about a client's services, invoices and account: its context and the text as
sent are communication with the client, kept as long as communications are. The address or
number a delivery went to is encrypted. Marketing consents are declared by the privacy app,
which holds them.
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
RECORD_TIME = NotPersonal("when the record was made, sent or changed")
STATE = NotPersonal("state of the record, not about the person")
EVENT = NotPersonal("which kind of message it is")
AMOUNT = NotPersonal("amount or currency of what the message is about")

_MESSAGES = "telling the client about their services, invoices and account"
_CONSENT_PROOF = "proof of the client's consent to marketing messages"

COMMUNICATION = Personal(
    Category.COMMUNICATION, _MESSAGES, LegalBasis.CONTRACT, Retention.COMMUNICATIONS
)
ENCRYPTED_COMMUNICATION = Personal(
    Category.COMMUNICATION, _MESSAGES, LegalBasis.CONTRACT, Retention.COMMUNICATIONS, encrypted=True
)
CONSENT = Personal(Category.CONSENT, _CONSENT_PROOF, LegalBasis.CONSENT, Retention.CONSENT_RECORDS)

declare(
    "notifications.Notification",
    {
        "id": ROW_KEY,
        "key": NotPersonal("the sender's idempotency key: event and record ids"),
        "public_id": PUBLIC_ID,
        "client": REFERENCE,
        "event": EVENT,
        "category": EVENT,
        "service": REFERENCE,
        "invoice": REFERENCE,
        "announcement": REFERENCE,
        "amount_minor": AMOUNT,
        "currency": AMOUNT,
        "on_date": NotPersonal("the due date or term date of the message"),
        "context": COMMUNICATION,
        "created_at": RECORD_TIME,
        "fanned_out_at": RECORD_TIME,
        "read_at": COMMUNICATION,
    },
    subject=Subject(client="client"),
)

declare(
    "notifications.Delivery",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "notification": REFERENCE,
        "channel": STATE,
        "state": STATE,
        "attempts": STATE,
        "next_attempt_at": RECORD_TIME,
        "claimed_at": RECORD_TIME,
        "sent_at": RECORD_TIME,
        "last_error": NotPersonal("the mail or SMS provider's error message"),
        "language": NotPersonal("the language the message was written in"),
        "subject": ENCRYPTED_COMMUNICATION,
        "body": ENCRYPTED_COMMUNICATION,
        "recipient": Personal(
            Category.CONTACT,
            _MESSAGES,
            LegalBasis.CONTRACT,
            Retention.COMMUNICATIONS,
            encrypted=True,
        ),
        "provider_message_id": NotPersonal("the provider's id of the message"),
        "created_at": RECORD_TIME,
    },
    subject=Subject(client="notification__client"),
)

declare(
    "notifications.DeliveryAttempt",
    {
        "id": ROW_KEY,
        "delivery": REFERENCE,
        "number": STATE,
        "started_at": RECORD_TIME,
        "finished_at": RECORD_TIME,
        "succeeded": STATE,
        "retryable": STATE,
        "error": NotPersonal("the mail or SMS provider's error message"),
    },
)

declare(
    "notifications.MessageTemplate",
    {
        "id": ROW_KEY,
        "event": EVENT,
        "language": NotPersonal("language of the template"),
        "version": STATE,
        "subject": NotPersonal("the provider's template text"),
        "body": NotPersonal("the provider's template text"),
        "sms_text": NotPersonal("the provider's template text"),
        "restores_default": STATE,
        "created_at": RECORD_TIME,
        "created_by": REFERENCE,
    },
)

declare(
    "notifications.ChannelPreference",
    {
        "id": ROW_KEY,
        "client": REFERENCE,
        "channel": STATE,
        "category": STATE,
        "enabled": Personal(
            Category.ACCOUNT, _MESSAGES, LegalBasis.CONTRACT, Retention.ACCOUNT_LIFETIME
        ),
        "updated_at": RECORD_TIME,
        "updated_by": REFERENCE,
    },
    subject=Subject(client="client"),
)

declare(
    "notifications.Announcement",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "kind": STATE,
        "subject": NotPersonal("the provider's announcement"),
        "body": NotPersonal("the provider's announcement"),
        "translations": NotPersonal("the provider's announcement"),
        "audience": NotPersonal("which clients the announcement is for, by product"),
        "family_ids": NotPersonal("product families the announcement is for"),
        "tariff_ids": NotPersonal("tariffs the announcement is for"),
        "service_ids": NotPersonal("services the announcement is for"),
        "starts_at": RECORD_TIME,
        "ends_at": RECORD_TIME,
        "effective_on": RECORD_TIME,
        "created_at": RECORD_TIME,
        "created_by": REFERENCE,
        "published_at": RECORD_TIME,
        "published_by": REFERENCE,
        "recipient_count": STATE,
    },
)
