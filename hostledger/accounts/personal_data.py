"""Personal data held by the accounts app, field by field (GDPR-01).

Export, erasure and retention read these declarations; a test fails when a field of an
installed model is left out. The field history tables (``Historical*``) repeat these
declarations through ``hostledger.core.declarations``.
"""

from hostledger.core.personal_data import (
    NOT_PERSONAL,
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
STATE = NotPersonal("state of the record, not about the person")

_CLIENT_ACCOUNT = "operating the client's account and contract"
_INVOICING = "invoicing and bookkeeping"


def _client_identity(category: str, purpose: str = _CLIENT_ACCOUNT) -> Personal:
    return Personal(
        category, purpose, LegalBasis.CONTRACT, Retention.ACCOUNT_LIFETIME, encrypted=True
    )


def _billing_identity(category: str = Category.BILLING) -> Personal:
    return Personal(
        category,
        _INVOICING,
        LegalBasis.LEGAL_OBLIGATION,
        Retention.BILLING_RECORDS,
        encrypted=True,
    )


LOGIN_EMAIL_ERASURE = Erasure(ErasureStrategy.BY_STEP, step="user_login_email_release")
"""The login e-mail of the user and allauth's copy are released by one named step."""

declare(
    "accounts.User",
    {
        "id": ROW_KEY,
        "password": Personal(
            Category.ACCOUNT,
            "signing in (Argon2 hash only, ACC-07)",
            LegalBasis.CONTRACT,
            Retention.ACCOUNT_LIFETIME,
        ),
        "last_login": Personal(
            Category.TECHNICAL,
            "security of the account",
            LegalBasis.LEGITIMATE_INTEREST,
            Retention.ACCOUNT_LIFETIME,
        ),
        "is_superuser": STATE,
        "public_id": PUBLIC_ID,
        "email": Personal(
            Category.CONTACT,
            "signing in and messages about the account",
            LegalBasis.CONTRACT,
            Retention.ACCOUNT_LIFETIME,
            # The login e-mail is released by its own step of the erasure flow, which frees
            # the address for a new sign-up (issue 19 §6).
            erasure=LOGIN_EMAIL_ERASURE,
        ),
        "full_name": _client_identity(Category.IDENTITY),
        "is_active": STATE,
        "is_staff": STATE,
        "date_joined": RECORD_TIME,
        "preferred_language": Personal(
            Category.ACCOUNT,
            "messages in the person's language",
            LegalBasis.CONTRACT,
            Retention.ACCOUNT_LIFETIME,
        ),
        "extra_permissions": NotPersonal("staff permission codes"),
    },
    subject=Subject(client="client", user="id"),
)

declare("accounts.User_staff_roles", {"id": ROW_KEY, "user": REFERENCE, "staffrole": REFERENCE})
declare("accounts.User_groups", {"id": ROW_KEY, "user": REFERENCE, "group": REFERENCE})
declare(
    "accounts.User_user_permissions", {"id": ROW_KEY, "user": REFERENCE, "permission": REFERENCE}
)

declare(
    "accounts.StaffRole",
    {"id": ROW_KEY, "slug": NOT_PERSONAL, "name": NOT_PERSONAL, "permissions": NOT_PERSONAL},
)

declare(
    "accounts.Client",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "owner": REFERENCE,
        "kind": NotPersonal("natural or legal person"),
        "first_name": _client_identity(Category.IDENTITY),
        "last_name": _client_identity(Category.IDENTITY),
        "company_name": _client_identity(Category.IDENTITY),
        "registry_code": _client_identity(Category.IDENTITY),
        "vat_number": _client_identity(Category.BILLING),
        "street": _client_identity(Category.CONTACT),
        "city": _client_identity(Category.CONTACT),
        "postal_code": _client_identity(Category.CONTACT),
        "country": Personal(
            Category.CONTACT,
            "VAT place of supply and the working-day calendar",
            LegalBasis.LEGAL_OBLIGATION,
            Retention.ACCOUNT_LIFETIME,
        ),
        "phone": _client_identity(Category.CONTACT),
        "phone_index": Personal(
            Category.CONTACT,
            "exact look-up of the phone number (keyed hash)",
            LegalBasis.CONTRACT,
            Retention.ACCOUNT_LIFETIME,
        ),
        "age_declared_at": Personal(
            Category.CONSENT,
            "proof of the declaration of minimum age (ACC-03)",
            LegalBasis.LEGAL_OBLIGATION,
            Retention.CONSENT_RECORDS,
        ),
        "phone_confirmed_at": Personal(
            Category.CONTACT,
            "proof that the client receives SMS at its phone number, for free trials (CAT-04)",
            LegalBasis.CONTRACT,
            Retention.ACCOUNT_LIFETIME,
        ),
        "created_at": RECORD_TIME,
    },
    subject=Subject(client="id", user="owner"),
)

declare(
    "accounts.Payer",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "client": REFERENCE,
        "kind": NotPersonal("natural or legal person"),
        "name": _billing_identity(Category.IDENTITY),
        "registry_code": _billing_identity(Category.IDENTITY),
        "vat_number": _billing_identity(),
        "vat_number_format_valid": STATE,
        "street": _billing_identity(Category.CONTACT),
        "city": _billing_identity(Category.CONTACT),
        "postal_code": _billing_identity(Category.CONTACT),
        "country": Personal(
            Category.BILLING, _INVOICING, LegalBasis.LEGAL_OBLIGATION, Retention.BILLING_RECORDS
        ),
        "invoice_email": _billing_identity(Category.CONTACT),
        "buyer_reference": _billing_identity(),
        "is_default": STATE,
        "archived_at": RECORD_TIME,
        "created_at": RECORD_TIME,
    },
    subject=Subject(client="client"),
)

declare(
    "accounts.Contact",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "client": REFERENCE,
        "role": NotPersonal("technical, billing or abuse"),
        "name": _client_identity(Category.IDENTITY, "reaching the client's contact person"),
        "email": _client_identity(Category.CONTACT, "reaching the client's contact person"),
        "phone": _client_identity(Category.CONTACT, "reaching the client's contact person"),
        "archived_at": RECORD_TIME,
        "created_at": RECORD_TIME,
        "updated_at": RECORD_TIME,
    },
    subject=Subject(client="client"),
)

declare(
    "accounts.AccessGrant",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "client": REFERENCE,
        "grantee": REFERENCE,
        "scopes": NotPersonal("granted permission scopes"),
        "created_at": RECORD_TIME,
        "created_by": REFERENCE,
        "revoked_at": RECORD_TIME,
        "revoked_by": REFERENCE,
    },
)

_SIGN_IN_SECURITY = "security of signing in (ACC-08)"

declare(
    "accounts.LoginAttempt",
    {
        "id": ROW_KEY,
        "occurred_at": RECORD_TIME,
        "identifier": Personal(
            Category.ACCOUNT,
            _SIGN_IN_SECURITY,
            LegalBasis.LEGITIMATE_INTEREST,
            Retention.ACCESS_LOGS,
            encrypted=True,
        ),
        "identifier_index": Personal(
            Category.ACCOUNT,
            _SIGN_IN_SECURITY + ", exact look-up (keyed hash)",
            LegalBasis.LEGITIMATE_INTEREST,
            Retention.ACCESS_LOGS,
        ),
        "user": REFERENCE,
        "ip_address": Personal(
            Category.TECHNICAL,
            _SIGN_IN_SECURITY,
            LegalBasis.LEGITIMATE_INTEREST,
            Retention.ACCESS_LOGS,
            encrypted=True,
        ),
        "succeeded": STATE,
        "reason": NotPersonal("why the attempt failed"),
        "method": NotPersonal("password, social or token sign-in"),
    },
    subject=Subject(client="user__client", user="user"),
)

declare(
    "accounts.LoginLockout",
    {
        "id": ROW_KEY,
        "identifier_index": Personal(
            Category.ACCOUNT,
            _SIGN_IN_SECURITY + ", lockout of repeated failures (keyed hash)",
            LegalBasis.LEGITIMATE_INTEREST,
            Retention.ACCESS_LOGS,
        ),
        "consecutive_failures": STATE,
        "lockouts": STATE,
        "locked_until": STATE,
        "last_failure_at": RECORD_TIME,
    },
    subject=Subject(),
)

declare(
    "accounts.PhoneConfirmation",
    {
        "id": ROW_KEY,
        "client": REFERENCE,
        "phone_index": Personal(
            Category.CONTACT,
            "the phone number a confirmation code was sent to (keyed hash, CAT-04)",
            LegalBasis.CONTRACT,
            Retention.ACCOUNT_LIFETIME,
        ),
        "code_hash": NotPersonal("keyed hash of a one-time code"),
        "sent_at": RECORD_TIME,
        "expires_at": RECORD_TIME,
        "failed_attempts": STATE,
        "confirmed_at": RECORD_TIME,
    },
    subject=Subject(client="client"),
)
declare(
    "accounts.ApiToken",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "user": REFERENCE,
        "name": NotPersonal("label the user gave the token"),
        "prefix": NotPersonal("first characters of the token, to recognise it"),
        "secret_hash": Personal(
            Category.ACCOUNT,
            "API authentication (SHA-256 of the token only)",
            LegalBasis.CONTRACT,
            Retention.ACCOUNT_LIFETIME,
        ),
        "scopes": NotPersonal("granted permission scopes"),
        "created_at": RECORD_TIME,
        "expires_at": STATE,
        "last_used_at": Personal(
            Category.TECHNICAL,
            "security of API access",
            LegalBasis.LEGITIMATE_INTEREST,
            Retention.ACCOUNT_LIFETIME,
        ),
        "revoked_at": RECORD_TIME,
    },
    subject=Subject(client="user__client", user="user"),
)

_VERIFICATION = "verifying the client's data (ACC-10, 003 §2.2.9)"

declare(
    "accounts.VerificationRequest",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "client": REFERENCE,
        "question": Personal(
            Category.COMMUNICATION, _VERIFICATION, LegalBasis.CONTRACT, Retention.ACCOUNT_LIFETIME
        ),
        "answer": Personal(
            Category.COMMUNICATION,
            _VERIFICATION,
            LegalBasis.CONTRACT,
            Retention.ACCOUNT_LIFETIME,
            encrypted=True,
        ),
        "state": STATE,
        "round": STATE,
        "staff_note": Personal(
            Category.COMMUNICATION, _VERIFICATION, LegalBasis.CONTRACT, Retention.ACCOUNT_LIFETIME
        ),
        "opened_at": RECORD_TIME,
        "opened_by": REFERENCE,
        "opened_on": RECORD_TIME,
        "answer_due_on": NotPersonal("deadline of the answer"),
        "terminable_on": NotPersonal("first day the contract may be terminated"),
        "answered_at": RECORD_TIME,
        "answered_by": REFERENCE,
        "answered_on": RECORD_TIME,
        "lift_due_on": NotPersonal("last day of a restriction after the answer"),
        "resolved_at": RECORD_TIME,
        "resolved_by": REFERENCE,
        "restricted_at": RECORD_TIME,
        "restriction_lifted_at": RECORD_TIME,
    },
    subject=Subject(client="client"),
)

declare(
    "accounts.ClientSearchToken",
    {
        "id": ROW_KEY,
        "client": REFERENCE,
        "token": Personal(
            Category.IDENTITY,
            "staff finding a client by a word of its name or company, its e-mail or phone "
            "(keyed hash of a word prefix, never the text)",
            LegalBasis.CONTRACT,
            Retention.ACCOUNT_LIFETIME,
            # The hashes are unique per client: the rows go rather than be blanked.
            erasure=Erasure(ErasureStrategy.DELETE),
        ),
    },
    subject=Subject(client="client"),
)
declare(
    "accounts.StaffNote",
    {
        "id": ROW_KEY,
        "public_id": PUBLIC_ID,
        "client": REFERENCE,
        "author": REFERENCE,
        "created_at": RECORD_TIME,
        "text": _client_identity(Category.COMMUNICATION, "serving the client: staff notes"),
    },
    subject=Subject(client="client"),
)

_SIGNED_IN = "keeping the person signed in"

declare(
    "accounts.SignInSession",
    {
        "session_key": Personal(
            Category.TECHNICAL, _SIGNED_IN, LegalBasis.CONTRACT, Retention.SESSIONS
        ),
        "session_data": Personal(
            Category.TECHNICAL,
            _SIGNED_IN + " (user id, sign-in state and the e-mail address signed in with,"
            " language, the client chosen)",
            LegalBasis.CONTRACT,
            Retention.SESSIONS,
            encrypted=True,
        ),
        "expire_date": RECORD_TIME,
        "user": REFERENCE,
    },
    subject=Subject(client="user__client", user="user"),
)
