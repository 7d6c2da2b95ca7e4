"""Personal data held by the privacy app, field by field (GDPR-01).

Policy documents hold no personal data; an acceptance records who accepted which version,
when and from where, as proof for as long as the acceptance can be disputed.
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
