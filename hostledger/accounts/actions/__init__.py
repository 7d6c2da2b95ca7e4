"""Every write of accounts and access (ACC). Each action is one transaction and complete.

The actions live in one module per area; they are all importable from here.
"""

from hostledger.accounts.actions.access import (
    access_grant_create,
    access_grant_revoke,
    clean_scopes,
)
from hostledger.accounts.actions.contacts import (
    clean_contact_data,
    contact_archive,
    contact_create,
    contact_update,
)
from hostledger.accounts.actions.imports import client_import
from hostledger.accounts.actions.language import (
    clean_language,
    language_codes,
    user_language_set,
)
from hostledger.accounts.actions.login_release import (
    LoginRelease,
    erased_login_email,
    user_login_email_release,
)
from hostledger.accounts.actions.notes import staff_note_add
from hostledger.accounts.actions.payers import (
    clean_payer_data,
    payer_archive,
    payer_create,
    payer_update,
)
from hostledger.accounts.actions.phone import (
    phone_confirmation_check,
    phone_confirmation_create,
    phone_confirmation_discard,
)
from hostledger.accounts.actions.registration import (
    POLICY_KINDS,
    check_age_declaration,
    check_policies_accepted,
    check_policies_published,
    clean_client_data,
    client_profile_update,
    client_register,
)
from hostledger.accounts.actions.search import (
    client_search_index_rebuild,
    client_search_index_refresh,
)
from hostledger.accounts.actions.sessions import (
    sessions_end_for_user,
    sessions_expired_purge,
    staff_searches_forget,
)
from hostledger.accounts.actions.signin import (
    login_attempt_record,
    login_identifier_index,
    login_lock_remaining,
)
from hostledger.accounts.actions.staff import (
    staff_role_change,
    staff_roles_ensure_defaults,
    staff_user_access_change,
    staff_user_create,
)
from hostledger.accounts.actions.tokens import (
    TOKEN_SCOPES,
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
)
from hostledger.accounts.actions.verification import (
    verification_deadlines_apply,
    verification_request_accept,
    verification_request_answer,
    verification_request_open,
    verification_request_reject,
    verification_request_withdraw,
    verification_termination_candidates,
)
from hostledger.accounts.actions.view_as import (
    client_view_as_end,
    client_view_as_start,
)

__all__ = [
    "POLICY_KINDS",
    "TOKEN_SCOPES",
    "LoginRelease",
    "access_grant_create",
    "access_grant_revoke",
    "api_token_authenticate",
    "api_token_create",
    "api_token_revoke",
    "check_age_declaration",
    "check_policies_accepted",
    "check_policies_published",
    "clean_client_data",
    "clean_contact_data",
    "clean_language",
    "clean_payer_data",
    "clean_scopes",
    "client_import",
    "client_profile_update",
    "client_register",
    "client_search_index_rebuild",
    "client_search_index_refresh",
    "client_view_as_end",
    "client_view_as_start",
    "contact_archive",
    "contact_create",
    "contact_update",
    "erased_login_email",
    "language_codes",
    "login_attempt_record",
    "login_identifier_index",
    "login_lock_remaining",
    "payer_archive",
    "payer_create",
    "payer_update",
    "phone_confirmation_check",
    "phone_confirmation_create",
    "phone_confirmation_discard",
    "sessions_end_for_user",
    "sessions_expired_purge",
    "staff_note_add",
    "staff_role_change",
    "staff_roles_ensure_defaults",
    "staff_searches_forget",
    "staff_user_access_change",
    "staff_user_create",
    "user_language_set",
    "user_login_email_release",
    "verification_deadlines_apply",
    "verification_request_accept",
    "verification_request_answer",
    "verification_request_open",
    "verification_request_reject",
    "verification_request_withdraw",
    "verification_termination_candidates",
]
