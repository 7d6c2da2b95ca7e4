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
