"""Personal data held by the support app, field by field (GDPR-01).

A ticket is communication with the client: its subject, the text of every message, the
names and contents of attachments and the client's rating and comment are personal data,
encrypted under the client's key (GDPR-11), and kept as communications are: two years after
the month they were written (GDPR-08), erased with the client (GDPR-04). Mail from an
unknown sender has no client; its address is personal data of the sender under the same
rule. Departments and canned replies are the provider's own texts.
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
STATE = NotPersonal("state of the ticket, not about the person")
PROVIDER_TEXT = NotPersonal("the provider's own text or setting")

_SUPPORT = "answering the client's support requests"

ENCRYPTED_COMMUNICATION = Personal(
    Category.COMMUNICATION, _SUPPORT, LegalBasis.CONTRACT, Retention.COMMUNICATIONS, encrypted=True
)
# A ticket's own fields count from its last activity, so a conversation still going on is not
# blanked because it started two years ago.
_BY_LAST_ACTIVITY = Erasure(ErasureStrategy.ANONYMISE, dated_by="updated_at")
TICKET_TEXT = Personal(
    Category.COMMUNICATION,
    _SUPPORT,
    LegalBasis.CONTRACT,
    Retention.COMMUNICATIONS,
    encrypted=True,
    erasure=_BY_LAST_ACTIVITY,
)
TICKET_RATING = Personal(
    Category.COMMUNICATION,
    _SUPPORT,
    LegalBasis.CONTRACT,
    Retention.COMMUNICATIONS,
    erasure=_BY_LAST_ACTIVITY,
)
TICKET_SENDER = Personal(
    Category.CONTACT,
    _SUPPORT,
    LegalBasis.LEGITIMATE_INTEREST,
    Retention.COMMUNICATIONS,
    encrypted=True,
    erasure=_BY_LAST_ACTIVITY,
)
KEYED_HASH = Personal(
    Category.COMMUNICATION,
    "finding tickets and mail already received (keyed hash, never the text)",
    LegalBasis.CONTRACT,
    Retention.COMMUNICATIONS,
)

declare(
    "support.Department",
    {
        "id": ROW_KEY,
        "slug": PROVIDER_TEXT,
        "name": PROVIDER_TEXT,
        "mail_address": NotPersonal("the provider's department address"),
        "first_response_hours": PROVIDER_TEXT,
        "resolution_hours": PROVIDER_TEXT,
        "is_active": PROVIDER_TEXT,
        "position": PROVIDER_TEXT,
        "created_at": RECORD_TIME,
    },
)

declare(
    "support.Ticket",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "client": REFERENCE,
        "department": REFERENCE,
        "subject": TICKET_TEXT,
        "status": STATE,
        "priority": STATE,
        "source": STATE,
        "opened_by": REFERENCE,
        "assignee": REFERENCE,
        "needs_review": STATE,
        "sender_address": TICKET_SENDER,
        "sender_address_index": Personal(
            Category.CONTACT,
            "finding the tickets of one mail sender (keyed hash of the address)",
            LegalBasis.LEGITIMATE_INTEREST,
            Retention.COMMUNICATIONS,
            erasure=_BY_LAST_ACTIVITY,
        ),
        "merged_into": REFERENCE,
        "created_at": RECORD_TIME,
        "updated_at": RECORD_TIME,
        "first_response_at": RECORD_TIME,
        "resolved_at": RECORD_TIME,
        "rating": TICKET_RATING,
        "rating_comment": TICKET_TEXT,
        "rated_at": RECORD_TIME,
    },
    subject=Subject(client="client"),
)

declare(
    "support.TicketMessage",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "ticket": REFERENCE,
        "author_kind": STATE,
        "author": REFERENCE,
        "body": ENCRYPTED_COMMUNICATION,
        "is_internal_note": STATE,
        "source": STATE,
        "mail_key": KEYED_HASH,
        "created_at": RECORD_TIME,
    },
    subject=Subject(client="ticket__client"),
)

declare(
    "support.AttachmentContent",
    {
        "id": ROW_KEY,
        "client": REFERENCE,
        "content_hash": KEYED_HASH,
        "size": NotPersonal("size of the file in bytes"),
        "data": ENCRYPTED_COMMUNICATION,
        "created_at": RECORD_TIME,
    },
    subject=Subject(client="client"),
)

declare(
    "support.Attachment",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "message": REFERENCE,
        "content": REFERENCE,
        "file_name": ENCRYPTED_COMMUNICATION,
        "content_type": NotPersonal("media type recognised from the content"),
        "size": NotPersonal("size of the file in bytes"),
        "created_at": RECORD_TIME,
    },
    subject=Subject(client="message__ticket__client"),
)

declare(
    "support.CannedReply",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "title": PROVIDER_TEXT,
        "body": PROVIDER_TEXT,
        "department": REFERENCE,
        "is_active": PROVIDER_TEXT,
        "created_by": REFERENCE,
        "created_at": RECORD_TIME,
    },
)

declare(
    "support.TicketSearchToken",
    {
        "id": ROW_KEY,
        "ticket": REFERENCE,
        "token": Personal(
            Category.COMMUNICATION,
            "staff finding a ticket by a word of its subject or messages (keyed hash of a "
            "word prefix, never the text)",
            LegalBasis.CONTRACT,
            Retention.COMMUNICATIONS,
            # Unique per ticket: the rows go rather than be blanked.
            erasure=Erasure(ErasureStrategy.DELETE),
        ),
        "created_at": RECORD_TIME,
    },
    subject=Subject(client="ticket__client"),
)
