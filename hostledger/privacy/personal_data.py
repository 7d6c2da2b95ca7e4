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
            encrypted=True,
        ),
    },
    subject=Subject(client="user__client", user="user"),
)
