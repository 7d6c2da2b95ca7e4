"""Personal data held by the privacy app, field by field (GDPR-01).

Policy documents hold no personal data; an acceptance records who accepted which version,
when and from where, as proof for as long as the acceptance can be disputed. Data-subject
requests, objections and marketing consents are kept as proof of how the provider answered
and what the client agreed to.
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
REFERENCE = NotPersonal("reference to another record, whose own fields are declared there")

_PROOF_OF_ACCEPTANCE = "proof of accepting the terms or the privacy policy (ACC-02)"

declare(
    "privacy.PolicyDocument",
    {
        "id": ROW_KEY,
        "kind": NOT_PERSONAL,
        "version": NOT_PERSONAL,
        "title": NOT_PERSONAL,
        "body": NotPersonal("the provider's policy text"),
        "published_at": NOT_PERSONAL,
        "requires_reacceptance": NOT_PERSONAL,
    },
)

declare(
    "privacy.PolicyAcceptance",
    {
        "id": ROW_KEY,
        "user": REFERENCE,
        "document": REFERENCE,
        "accepted_at": Personal(
            Category.CONSENT,
            _PROOF_OF_ACCEPTANCE,
            LegalBasis.LEGAL_OBLIGATION,
            Retention.CONSENT_RECORDS,
        ),
        "ip_address": Personal(
            Category.TECHNICAL,
            _PROOF_OF_ACCEPTANCE,
            LegalBasis.LEGITIMATE_INTEREST,
            Retention.CONSENT_RECORDS,
            encrypted=True,
        ),
    },
    subject=Subject(client="user__client", user="user"),
)

_COOKIE_CHOICE = "proof of the cookie categories a person allowed, and when (GDPR-13)"

declare(
    "privacy.CookieConsent",
    {
        "id": ROW_KEY,
        "user": REFERENCE,
        "categories": Personal(
            Category.CONSENT, _COOKIE_CHOICE, LegalBasis.LEGAL_OBLIGATION, Retention.CONSENT_RECORDS
        ),
        "policy_version": NOT_PERSONAL,
        "source": NOT_PERSONAL,
        "decided_at": Personal(
            Category.CONSENT, _COOKIE_CHOICE, LegalBasis.LEGAL_OBLIGATION, Retention.CONSENT_RECORDS
        ),
    },
    subject=Subject(client="user__client", user="user"),
)

declare(
    "privacy.Processor",
    {
        "id": ROW_KEY,
        "public_id": NOT_PERSONAL,
        "name": NotPersonal("a company's name in the register of processors"),
        "function": NOT_PERSONAL,
        "country": NOT_PERSONAL,
        "transfer_safeguard": NOT_PERSONAL,
        "agreement_signed_on": NOT_PERSONAL,
        "is_active": NOT_PERSONAL,
        "updated_at": NOT_PERSONAL,
    },
)

declare(
    "privacy.ProcessingActivity",
    {
        "id": ROW_KEY,
        "purpose": NOT_PERSONAL,
        "controller_contact": NotPersonal("the provider's own contact for privacy questions"),
        "data_subjects": NOT_PERSONAL,
        "recipients": NOT_PERSONAL,
        "security_measures": NOT_PERSONAL,
        "updated_at": NOT_PERSONAL,
    },
)

declare(
    "privacy.ProcessingActivity_processors",
    {"id": ROW_KEY, "processingactivity": REFERENCE, "processor": REFERENCE},
)

_RESTRICTION = "honouring a restriction of processing and proving it (GDPR-05)"

declare(
    "privacy.ProcessingRestriction",
    {
        "id": ROW_KEY,
        "public_id": NotPersonal("random opaque id for URLs and the API"),
        "client": REFERENCE,
        "reason": NOT_PERSONAL,
        "note": Personal(
            Category.COMMUNICATION,
            _RESTRICTION,
            LegalBasis.LEGAL_OBLIGATION,
            Retention.CONSENT_RECORDS,
        ),
        "started_at": NOT_PERSONAL,
        "started_by": REFERENCE,
        "lifted_at": NOT_PERSONAL,
        "lifted_by": REFERENCE,
        "lift_note": Personal(
            Category.COMMUNICATION,
            _RESTRICTION,
            LegalBasis.LEGAL_OBLIGATION,
            Retention.CONSENT_RECORDS,
        ),
    },
    subject=Subject(client="client"),
)

declare(
    "privacy.LegalHold",
    {
        "id": ROW_KEY,
        "public_id": NotPersonal("random opaque id for URLs and the API"),
        "client": REFERENCE,
        "reason": Personal(
            Category.COMMUNICATION,
            "keeping a client's data for a court case or an authority's inquiry (GDPR-08)",
            LegalBasis.LEGAL_OBLIGATION,
            Retention.CONSENT_RECORDS,
        ),
        "started_at": NOT_PERSONAL,
        "started_by": REFERENCE,
        "lifted_at": NOT_PERSONAL,
        "lifted_by": REFERENCE,
    },
    subject=Subject(client="client"),
)

declare(
    "privacy.ErasureReport",
    {
        "id": ROW_KEY,
        "public_id": NotPersonal("random opaque id for URLs and the API"),
        "client": REFERENCE,
        "executed_at": NOT_PERSONAL,
        "executed_by": REFERENCE,
        "contract_ended_on": NOT_PERSONAL,
        "items": NotPersonal("names of assets and fields, counts and dates; no values"),
    },
)

declare(
    "privacy.ErasureHold",
    {
        "id": ROW_KEY,
        "report": REFERENCE,
        "client": REFERENCE,
        "model_label": NOT_PERSONAL,
        "fields": NotPersonal("names of the held fields, no values"),
        "then": NOT_PERSONAL,
        "year": NOT_PERSONAL,
        "held_until": NOT_PERSONAL,
        "released_at": NOT_PERSONAL,
        "released_rows": NOT_PERSONAL,
    },
)

declare(
    "privacy.RetentionRun",
    {"id": ROW_KEY, "ran_at": NOT_PERSONAL, "counts": NotPersonal("counts per rule")},
)

PUBLIC_ID = NotPersonal("random opaque id for URLs and the API")
STATE = NotPersonal("state of the record, not about the person")
RECORD_TIME = NotPersonal("when the record was made or changed")

_REQUESTS = "handling the data subject's request and proving how it was answered (GDPR-07)"
_OBJECTIONS = "honouring the client's objection to processing (GDPR-06)"
_CONSENT_PROOF = "proof of the client's consent to marketing messages"

REQUEST_RECORD = Personal(
    Category.COMMUNICATION, _REQUESTS, LegalBasis.LEGAL_OBLIGATION, Retention.CONSENT_RECORDS
)
REQUEST_TEXT = Personal(
    Category.COMMUNICATION,
    _REQUESTS,
    LegalBasis.LEGAL_OBLIGATION,
    Retention.CONSENT_RECORDS,
    encrypted=True,
)
OBJECTION_RECORD = Personal(
    Category.CONSENT, _OBJECTIONS, LegalBasis.LEGAL_OBLIGATION, Retention.CONSENT_RECORDS
)
CONSENT = Personal(Category.CONSENT, _CONSENT_PROOF, LegalBasis.CONSENT, Retention.CONSENT_RECORDS)

declare(
    "privacy.DataSubjectRequest",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "kind": REQUEST_RECORD,
        "client": REFERENCE,
        "filed_by": REFERENCE,
        "channel": REQUEST_RECORD,
        "status": STATE,
        "details": REQUEST_TEXT,
        "verification_method": REQUEST_RECORD,
        "verification_note": REQUEST_TEXT,
        "verified_at": REQUEST_RECORD,
        "verified_by": REFERENCE,
        "received_at": REQUEST_RECORD,
        "deadline_on": NotPersonal("the day the answer is due, from the receipt"),
        "extended_until": NotPersonal("the day the answer is due after an extension"),
        "extension_reason": NotPersonal("why the provider needs more time, told to the client"),
        "response": REQUEST_TEXT,
        "responded_at": REQUEST_RECORD,
        "responded_by": REFERENCE,
        "closed_at": REQUEST_RECORD,
        "recorded_by": REFERENCE,
    },
    subject=Subject(client="client", user="filed_by"),
)

declare(
    "privacy.DataSubjectRequestReminder",
    {
        "id": ROW_KEY,
        "request": REFERENCE,
        "threshold": STATE,
        "due_on": NotPersonal("the due day the reminder was about"),
        "sent_at": RECORD_TIME,
    },
)

declare(
    "privacy.Objection",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "client": REFERENCE,
        "processing": OBJECTION_RECORD,
        "grounds": Personal(
            Category.COMMUNICATION,
            _OBJECTIONS,
            LegalBasis.LEGAL_OBLIGATION,
            Retention.CONSENT_RECORDS,
            encrypted=True,
        ),
        "source": OBJECTION_RECORD,
        "objected_at": OBJECTION_RECORD,
        "recorded_by": REFERENCE,
        "request": REFERENCE,
        "withdrawn_at": OBJECTION_RECORD,
    },
    subject=Subject(client="client"),
)

declare(
    "privacy.MarketingConsent",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "client": REFERENCE,
        "channel": CONSENT,
        "state": CONSENT,
        "source": CONSENT,
        "wording_version": CONSENT,
        "request_number": STATE,
        "requested_at": CONSENT,
        "confirmed_at": CONSENT,
        "withdrawn_at": CONSENT,
        "changed_at": CONSENT,
    },
    subject=Subject(client="client"),
)

declare(
    "privacy.MarketingConsentChange",
    {
        "id": ROW_KEY,
        "consent": REFERENCE,
        "state": CONSENT,
        "source": CONSENT,
        "wording_version": CONSENT,
        "occurred_at": CONSENT,
        "actor": REFERENCE,
    },
    subject=Subject(client="consent__client", user="actor"),
)

_ANSWERING_ACCESS = "answering the client's requests for a copy of their data (GDPR-02)"

declare(
    "privacy.PersonalDataExport",
    {
        "id": ROW_KEY,
        "public_id": NotPersonal("random opaque id for URLs and the API"),
        "client": REFERENCE,
        "requested_by": REFERENCE,
        "status": NOT_PERSONAL,
        "requested_at": Personal(
            Category.ACCOUNT,
            _ANSWERING_ACCESS,
            LegalBasis.LEGAL_OBLIGATION,
            Retention.ACCOUNT_LIFETIME,
        ),
        "started_at": NotPersonal("when the build began"),
        "finished_at": NotPersonal("when the build ended"),
        "expires_at": NotPersonal("when the download link expires"),
        "progress_done": NOT_PERSONAL,
        "progress_total": NOT_PERSONAL,
        "row_counts": NotPersonal("how many rows of each kind the file holds"),
        "file_path": NotPersonal("name of the encrypted file under the var dir"),
        "file_size": NOT_PERSONAL,
        "file_key": Personal(
            Category.ACCOUNT,
            _ANSWERING_ACCESS + ": the random key that opens the export file",
            LegalBasis.LEGAL_OBLIGATION,
            Retention.ACCOUNT_LIFETIME,
            encrypted=True,
        ),
        "error": NotPersonal("why a build failed; errors name record ids, never personal data"),
        "downloads": Personal(
            Category.TECHNICAL,
            _ANSWERING_ACCESS + ": how often the file was downloaded",
            LegalBasis.LEGITIMATE_INTEREST,
            Retention.ACCOUNT_LIFETIME,
        ),
    },
    subject=Subject(client="client", user="requested_by"),
)
