"""Personal data held by the abuse desk, field by field (ABU-01, GDPR-01).

A case is about a client's services: its text, evidence and timeline are the client's
communications, under the client's key, kept for the communications period and erased with
the client. A case's reporter is a third party: their name and e-mail address are encrypted
under the field keys (no client is theirs), erased on their request
(``abuse_reporter_erase``) and by the deadline job ``abuse.reporter_retention_days`` after
their last case closed. The public form keeps only a keyed hash of the sender's address, for
an hour's rate limit, deleted after a day.
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
STATE = NotPersonal("state or kind of the record, not about the person")

_CASE = "handling an abuse complaint about the client's services (ABU-01, 003 §7)"
CASE_TEXT = Personal(
    Category.COMMUNICATION,
    _CASE,
    LegalBasis.LEGITIMATE_INTEREST,
    Retention.COMMUNICATIONS,
    encrypted=True,
)
CASE_TECHNICAL = Personal(
    Category.TECHNICAL, _CASE, LegalBasis.LEGITIMATE_INTEREST, Retention.COMMUNICATIONS
)
_REPORTER = "answering the person who reported abuse and proving the report (ABU-01)"
REPORTER_ERASURE = Erasure(ErasureStrategy.ANONYMISE)

declare(
    "abuse.AbuseReporter",
    {
        "id": ROW_KEY,
        "name": Personal(
            Category.IDENTITY,
            _REPORTER,
            LegalBasis.LEGITIMATE_INTEREST,
            Retention.COMMUNICATIONS,
            encrypted=True,
            erasure=REPORTER_ERASURE,
        ),
        "email": Personal(
            Category.CONTACT,
            _REPORTER,
            LegalBasis.LEGITIMATE_INTEREST,
            Retention.COMMUNICATIONS,
            encrypted=True,
            erasure=REPORTER_ERASURE,
        ),
        "email_index": Personal(
            Category.CONTACT,
            _REPORTER + ": finding a reporter's records on their request (keyed hash)",
            LegalBasis.LEGITIMATE_INTEREST,
            Retention.COMMUNICATIONS,
            erasure=REPORTER_ERASURE,
        ),
        "created_at": RECORD_TIME,
        "erased_at": RECORD_TIME,
    },
    subject=Subject(),
)

declare(
    "abuse.AbuseCase",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "category": STATE,
        "status": STATE,
        "source": STATE,
        "client": REFERENCE,
        "reporter": REFERENCE,
        "subject": CASE_TEXT,
        "reported_ip": CASE_TECHNICAL,
        "reported_domain": CASE_TECHNICAL,
        "message_id": NotPersonal("identifier of the reporting mail message, to drop repeats"),
        "opened_at": RECORD_TIME,
        "notified_at": RECORD_TIME,
        "suspend_due_at": RECORD_TIME,
        "terminate_due_at": RECORD_TIME,
        "remedy_claimed_at": RECORD_TIME,
        "lift_due_at": RECORD_TIME,
        "suspended_at": RECORD_TIME,
        "closed_at": RECORD_TIME,
        "termination_decision": REFERENCE,
    },
    subject=Subject(client="client"),
)

declare(
    "abuse.AbuseEvidence",
    {
        "id": ROW_KEY,
        "case": REFERENCE,
        "kind": STATE,
        "text": CASE_TEXT,
        "file_name": CASE_TEXT,
        "media_type": NotPersonal("media type of an evidence file"),
        "size": NotPersonal("size of an evidence file"),
        "sha256": NotPersonal("hash of an evidence file's bytes"),
        "content": CASE_TEXT,
        "truncated": STATE,
        "created_at": RECORD_TIME,
    },
    subject=Subject(client="case__client"),
)

declare(
    "abuse.AbuseCaseService",
    {
        "id": ROW_KEY,
        "case": REFERENCE,
        "service": REFERENCE,
        "matched_by": STATE,
        "suspended_by_case": STATE,
        "linked_at": RECORD_TIME,
    },
)

declare(
    "abuse.AbuseCaseEvent",
    {
        "id": ROW_KEY,
        "case": REFERENCE,
        "key": NotPersonal("unique key of a step: case id and what happened"),
        "kind": STATE,
        "occurred_at": RECORD_TIME,
        "actor": REFERENCE,
        "by_client": STATE,
        "note": CASE_TEXT,
    },
    subject=Subject(client="case__client"),
)

declare(
    "abuse.AbuseIntakeAttempt",
    {
        "id": ROW_KEY,
        "address_hash": Personal(
            Category.TECHNICAL,
            "limiting public abuse reports per network address (keyed hash, one day)",
            LegalBasis.LEGITIMATE_INTEREST,
            Retention.ACCESS_LOGS,
            erasure=Erasure(ErasureStrategy.DELETE, dated_by="attempted_at"),
        ),
        "attempted_at": RECORD_TIME,
    },
    subject=Subject(),
)
