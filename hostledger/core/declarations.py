"""Personal-data declarations of the core app and of the third-party apps HostLedger installs
(Django auth, content types, sessions, allauth, django-tasks-db), and of every field history
table made by django-simple-history (GDPR-01).

Imported by ``CoreConfig.ready()`` after every app's ``personal_data`` module, because the
history tables copy the declarations of the models they keep the history of.
"""

from __future__ import annotations

from django.apps import apps

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
    declaration_of,
    declare,
    subject_of,
)

ROW_KEY = NotPersonal("internal row key")
REFERENCE = NotPersonal("reference to another record, whose own fields are declared there")
RECORD_TIME = NotPersonal("when the record was made or changed")

# --------------------------------------------------------------------------- core

declare(
    "core.ProviderSettingValue",
    {
        "id": ROW_KEY,
        "key": NOT_PERSONAL,
        "value": NOT_PERSONAL,
        "updated_at": RECORD_TIME,
        "updated_by": REFERENCE,
    },
)
declare(
    "core.ProviderSettingChange",
    {
        "id": ROW_KEY,
        "key": NOT_PERSONAL,
        "old_value": NOT_PERSONAL,
        "new_value": NOT_PERSONAL,
        "reset_to_default": NOT_PERSONAL,
        "changed_at": RECORD_TIME,
        "changed_by": REFERENCE,
        "reason": NotPersonal("why staff changed a provider setting"),
    },
)

_AUDIT = "proving who read or changed personal data (GDPR-12)"

declare(
    "core.AuditEvent",
    {
        "id": ROW_KEY,
        "sequence": NOT_PERSONAL,
        "occurred_at": RECORD_TIME,
        "actor": REFERENCE,
        "actor_label": Personal(
            Category.ACCOUNT,
            _AUDIT + " (in clear only in events written before hash version 2)",
            LegalBasis.LEGITIMATE_INTEREST,
            Retention.AUDIT_TRAIL,
        ),
        "action": NOT_PERSONAL,
        "object_type": NOT_PERSONAL,
        "object_id": NotPersonal("public id of the record acted on"),
        "subject_client_id": REFERENCE,
        "ip_address": Personal(
            Category.TECHNICAL,
            _AUDIT + " (in clear only in events written before hash version 2)",
            LegalBasis.LEGITIMATE_INTEREST,
            Retention.AUDIT_TRAIL,
        ),
        "request_id": NOT_PERSONAL,
        "data": Personal(
            Category.TECHNICAL,
            _AUDIT + ": which fields or records were concerned",
            LegalBasis.LEGITIMATE_INTEREST,
            Retention.AUDIT_TRAIL,
        ),
        "actor_label_token": Personal(
            Category.ACCOUNT,
            _AUDIT + ": who acted (e-mail), under the person's key",
            LegalBasis.LEGITIMATE_INTEREST,
            Retention.AUDIT_TRAIL,
            encrypted=True,
        ),
        "ip_address_token": Personal(
            Category.TECHNICAL,
            _AUDIT + ": where from, under the person's key",
            LegalBasis.LEGITIMATE_INTEREST,
            Retention.AUDIT_TRAIL,
            encrypted=True,
        ),
        "hash_version": NotPersonal("which form of the chain hash the event uses"),
        "previous_hash": NOT_PERSONAL,
        "chain_hash": NOT_PERSONAL,
    },
    subject=Subject(client="subject_client_id", user="actor"),
)
declare(
    "core.AuditChainHead",
    {"singleton": ROW_KEY, "last_sequence": NOT_PERSONAL, "last_hash": NOT_PERSONAL},
)
declare(
    "core.JobRun",
    {
        "id": ROW_KEY,
        "job_name": NOT_PERSONAL,
        "slot": NOT_PERSONAL,
        "status": NOT_PERSONAL,
        "task_result_id": NOT_PERSONAL,
        "enqueued_at": RECORD_TIME,
        "started_at": RECORD_TIME,
        "finished_at": RECORD_TIME,
        "progress_done": NOT_PERSONAL,
        "progress_total": NOT_PERSONAL,
        "counts": NOT_PERSONAL,
        "log": NotPersonal("job log; jobs log record ids, never personal data"),
        "error": NotPersonal("job error; jobs log record ids, never personal data"),
        "host": NotPersonal("name of the provider's machine running the job"),
        "process_id": NOT_PERSONAL,
        "heartbeat_at": RECORD_TIME,
        "triggered_by": REFERENCE,
    },
)
declare(
    "core.BulkJob",
    {
        "id": ROW_KEY,
        "job_run": REFERENCE,
        "action": NOT_PERSONAL,
        "parameters": NotPersonal(
            "the bulk action's parameters: a reason written by staff, a staff member's id"
        ),
        "actor": REFERENCE,
        "created_at": RECORD_TIME,
    },
)
declare(
    "core.BulkJobItem",
    {
        "id": ROW_KEY,
        "bulk_job": REFERENCE,
        "position": NOT_PERSONAL,
        "public_id": NotPersonal("public id of a service, proforma or ticket"),
        "state": NOT_PERSONAL,
        "reason": NotPersonal("why a row was skipped, from the action's error message"),
        "finished_at": RECORD_TIME,
    },
)

# --------------------------------------------------------------------------- Django

declare(
    "auth.Permission",
    {"id": ROW_KEY, "name": NOT_PERSONAL, "content_type": REFERENCE, "codename": NOT_PERSONAL},
)
declare("auth.Group", {"id": ROW_KEY, "name": NOT_PERSONAL})
declare("auth.Group_permissions", {"id": ROW_KEY, "group": REFERENCE, "permission": REFERENCE})
declare(
    "contenttypes.ContentType", {"id": ROW_KEY, "app_label": NOT_PERSONAL, "model": NOT_PERSONAL}
)

# Django's own session table is no longer written: sessions are kept encrypted, with the id
# of their person, in accounts.SignInSession (declared there); the migration that made that
# table emptied this one.
_UNUSED = NotPersonal("no longer written; emptied when sessions moved to accounts.SignInSession")

declare(
    "sessions.Session",
    {"session_key": _UNUSED, "session_data": _UNUSED, "expire_date": _UNUSED},
)

# --------------------------------------------------------------------------- django-allauth

_SIGN_IN = "signing in"

declare(
    "account.EmailAddress",
    {
        "id": ROW_KEY,
        "user": REFERENCE,
        "email": Personal(
            Category.CONTACT,
            "signing in and verifying the email address",
            LegalBasis.CONTRACT,
            Retention.ACCOUNT_LIFETIME,
            erasure=Erasure(ErasureStrategy.BY_STEP, step="user_login_email_release"),
        ),
        "verified": NOT_PERSONAL,
        "primary": NOT_PERSONAL,
    },
    subject=Subject(client="user__client", user="user"),
)
declare(
    "account.EmailConfirmation",
    {
        "id": ROW_KEY,
        "email_address": REFERENCE,
        "created": RECORD_TIME,
        "sent": RECORD_TIME,
        "key": NotPersonal("random one-time verification key"),
    },
)
declare(
    "mfa.Authenticator",
    {
        "id": ROW_KEY,
        "user": REFERENCE,
        "type": NotPersonal("TOTP or recovery codes"),
        "data": Personal(
            Category.ACCOUNT,
            "second sign-in factor: TOTP secret and recovery codes (ACC-09)",
            LegalBasis.CONTRACT,
            Retention.ACCOUNT_LIFETIME,
        ),
        "created_at": RECORD_TIME,
        "last_used_at": Personal(
            Category.TECHNICAL,
            "security of the account",
            LegalBasis.LEGITIMATE_INTEREST,
            Retention.ACCOUNT_LIFETIME,
        ),
    },
    subject=Subject(client="user__client", user="user"),
)
declare(
    "socialaccount.SocialApp",
    {
        "id": ROW_KEY,
        "provider": NOT_PERSONAL,
        "provider_id": NOT_PERSONAL,
        "name": NOT_PERSONAL,
        "client_id": NotPersonal("the provider's OAuth client id"),
        "secret": NotPersonal("the provider's OAuth client secret"),
        "key": NotPersonal("the provider's OAuth key"),
        "settings": NOT_PERSONAL,
    },
)
declare(
    "socialaccount.SocialAccount",
    {
        "id": ROW_KEY,
        "user": REFERENCE,
        "provider": NOT_PERSONAL,
        "uid": Personal(
            Category.ACCOUNT,
            _SIGN_IN + " with another identity provider",
            LegalBasis.CONTRACT,
            Retention.ACCOUNT_LIFETIME,
        ),
        "last_login": Personal(
            Category.TECHNICAL,
            "security of the account",
            LegalBasis.LEGITIMATE_INTEREST,
            Retention.ACCOUNT_LIFETIME,
        ),
        "date_joined": RECORD_TIME,
        "extra_data": Personal(
            Category.IDENTITY,
            "profile the identity provider returned (name, email, picture)",
            LegalBasis.CONTRACT,
            Retention.ACCOUNT_LIFETIME,
        ),
    },
    subject=Subject(client="user__client", user="user"),
)
declare(
    "socialaccount.SocialToken",
    {
        "id": ROW_KEY,
        "app": REFERENCE,
        "account": REFERENCE,
        "token": Personal(
            Category.ACCOUNT,
            _SIGN_IN + " with another identity provider (not stored: STORE_TOKENS is off)",
            LegalBasis.CONTRACT,
            Retention.ACCOUNT_LIFETIME,
        ),
        "token_secret": Personal(
            Category.ACCOUNT,
            _SIGN_IN + " with another identity provider (not stored: STORE_TOKENS is off)",
            LegalBasis.CONTRACT,
            Retention.ACCOUNT_LIFETIME,
        ),
        "expires_at": RECORD_TIME,
    },
    subject=Subject(client="account__user__client", user="account__user"),
)

# --------------------------------------------------------------------------- django-tasks-db

_TASK_DATA = NotPersonal("tasks are given record ids, never personal data")

declare(
    "django_tasks_database.DBTaskResult",
    {
        "id": ROW_KEY,
        "status": NOT_PERSONAL,
        "enqueued_at": RECORD_TIME,
        "started_at": RECORD_TIME,
        "finished_at": RECORD_TIME,
        "args_kwargs": _TASK_DATA,
        "priority": NOT_PERSONAL,
        "task_path": NOT_PERSONAL,
        "worker_ids": NOT_PERSONAL,
        "queue_name": NOT_PERSONAL,
        "backend_name": NOT_PERSONAL,
        "run_after": NOT_PERSONAL,
        "return_value": _TASK_DATA,
        "exception_class_path": NOT_PERSONAL,
        "traceback": _TASK_DATA,
    },
)

# --------------------------------------------------------------------------- field history

HISTORY_FIELDS = {
    "history_id": ROW_KEY,
    "history_date": RECORD_TIME,
    "history_change_reason": NotPersonal("reason given for the change"),
    "history_type": NotPersonal("created, changed or deleted"),
    "history_user": REFERENCE,
}


def declare_history_of(history_model) -> None:
    """Declare a django-simple-history table: the tracked model's declarations, field for
    field (a history row holds the same data), plus the ``history_*`` fields.

    A history field that the tracked model's declaration does not cover stays undeclared, so
    the completeness test names it.
    """
    tracked = declaration_of(history_model.instance_type._meta.label)
    history_field_names = {field.name for field in history_model._meta.concrete_fields}
    copied = {name: item for name, item in tracked.items() if name in history_field_names}
    declare(
        history_model._meta.label,
        {**copied, **HISTORY_FIELDS},
        subject=subject_of(history_model.instance_type._meta.label),
    )


def declare_every_history() -> None:
    """Declare every field history table of every installed app."""
    from simple_history.models import HistoricalChanges

    for model in apps.get_models():
        if issubclass(model, HistoricalChanges) and hasattr(model, "instance_type"):
            declare_history_of(model)


declare_every_history()
