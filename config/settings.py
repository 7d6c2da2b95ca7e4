"""HostLedger settings, read from HOSTLEDGER_* environment variables.

Every value has a default that works on one machine for development and demos; production
installations set HOSTLEDGER_PRODUCTION=1, which turns on the HTTPS-only settings that
``manage.py check --deploy`` asks for. The README lists every variable.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

from hostledger.core.keyfiles import new_backup_key, new_fernet_key, read_or_create_secret

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(f"HOSTLEDGER_{name}", default)


def env_flag(name: str, default: bool = False) -> bool:
    value = env(name)
    if not value:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


VAR_DIR = Path(env("VAR_DIR", str(BASE_DIR / "var"))).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)

# Application and access logs, one file per day, kept for privacy.access_log_retention_days
# (GDPR-08): the daily retention job deletes older lines.
LOG_DIR = Path(env("LOG_DIR", str(VAR_DIR / "log"))).resolve()

PRODUCTION = env_flag("PRODUCTION")
DEBUG = env_flag("DEBUG")
TESTING = False  # set by the test configuration

SECRET_KEY = env("SECRET_KEY") or read_or_create_secret(VAR_DIR, "secret_key", length=50)

# Keys of the personal-data fields (GDPR-11), never derived from SECRET_KEY. The first key
# encrypts; every listed key decrypts, so a new key is prepended and `hostledger rotate-keys`
# re-encrypts every row before the old key is dropped.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS") or [
    read_or_create_secret(VAR_DIR, "field_encryption_key", generate=new_fernet_key)
]
BLIND_INDEX_KEY = env("BLIND_INDEX_KEY") or read_or_create_secret(VAR_DIR, "blind_index_key")
AUDIT_CHAIN_KEY = env("AUDIT_CHAIN_KEY") or read_or_create_secret(VAR_DIR, "audit_chain_key")
# The key of the signed reply addresses of support mail (support+T123.<hmac>@…), of its own so
# that a leak of another key cannot forge a reply into a ticket (SUP-01).
SUPPORT_REPLY_KEY = env("SUPPORT_REPLY_KEY") or read_or_create_secret(VAR_DIR, "support_reply_key")

# Backups (GDPR-14): `hostledger backup` writes encrypted copies of the database to BACKUP_DIR.
# BACKUP_KEY is a key of its own (never SECRET_KEY, never a field key): the first of the
# comma-separated keys encrypts, every one decrypts, so a new key is put first and the old one
# kept until its backups have expired. Keep a copy of it off this machine: without it no backup
# can be restored. PG_DUMP and PG_RESTORE name the PostgreSQL tools (found on PATH or under
# /usr/lib/postgresql/*/bin when empty).
BACKUP_DIR = Path(env("BACKUP_DIR", str(VAR_DIR / "backups"))).resolve()
BACKUP_KEYS = env_list("BACKUP_KEY") or [
    read_or_create_secret(VAR_DIR, "backup_key", generate=new_backup_key)
]
PG_DUMP = env("PG_DUMP")
PG_RESTORE = env("PG_RESTORE")
# The erasure log (GDPR-04, GDPR-14): one HMAC-chained line per erased subject, kept outside
# the database so that a restore can replay the erasures made after the backup was taken.
ERASURE_LOG_PATH = Path(env("ERASURE_LOG", str(VAR_DIR / "privacy" / "erasure-log"))).resolve()
ERASURE_LOG_KEY = env("ERASURE_LOG_KEY") or read_or_create_secret(VAR_DIR, "erasure_log_key")
# Each data subject's own data key (GDPR-11, GDPR-04), wrapped by the field keys, is kept in a
# key store apart from the main database, so that destroying it on erasure also makes the
# subject's values in old backups unreadable. The default store is a SQLite file for one
# machine; see docs/decisions/0018-per-subject-data-keys.md for several machines and for
# how the store itself is backed up (briefly: its copies expire within days).
SUBJECT_KEY_STORE = env("SUBJECT_KEY_STORE", "hostledger.core.keystore.SqliteKeyStore")
SUBJECT_KEY_STORE_PATH = env("SUBJECT_KEY_STORE_PATH", str(VAR_DIR / "subject_keys.sqlite3"))
SUBJECT_KEY_CACHE_SIZE = int(env("SUBJECT_KEY_CACHE_SIZE", "10000"))
SUBJECT_KEY_CACHE_SECONDS = int(env("SUBJECT_KEY_CACHE_SECONDS", "300"))

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "hostledger.web",  # before allauth, so its templates restyle allauth's pages
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.github",
    "django_htmx",
    "simple_history",
    "django_tasks_db",
    "hostledger.core",
    "hostledger.providers",
    "hostledger.accounts",
    "hostledger.privacy",
    "hostledger.catalog",
    "hostledger.ledger",
    "hostledger.invoicing",
    "hostledger.subscriptions",
    "hostledger.provisioning",
    "hostledger.metering",
    "hostledger.notifications",
    "hostledger.support",
    "hostledger.automation",
    "hostledger.abuse",
    "hostledger.datacenter",
    "hostledger.dns",
    "hostledger.incidents",
    "hostledger.licences",
    "hostledger.domains",
    "hostledger.reports",
    "hostledger.imports",
    "hostledger.knowledge",
    "hostledger.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "hostledger.core.middleware.RequestIdMiddleware",
    "hostledger.core.middleware.RequestBodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "hostledger.web.languages.SavedLanguageMiddleware",
    "hostledger.web.view_as.ViewAsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "hostledger.web.context_processors.navigation",
                "hostledger.web.context_processors.cookie_consent",
            ],
            # Dates, document numbers and prices are written the same way on every page.
            "builtins": ["hostledger.web.templatetags.hostledger_display"],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'hostledger.sqlite3'}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # Writers take the lock when the transaction starts, so money writes never
        # interleave (BIL-01); WAL lets readers run beside one writer.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            " PRAGMA busy_timeout=20000;"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-allauth: email is the identifier; verification is mandatory.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
# Confirming the address signs in the person who signed up, in the browser they signed up in
# (allauth keeps the pending sign-in in that session only; elsewhere the link confirms and
# the person signs in as usual).
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# Changes to how a person signs in are notified: a client's through the notifications outbox
# (hostledger.accounts.adapters), anyone else's by allauth's own mail (NTF-01).
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SIGNUP_FORM_CLASS = "hostledger.accounts.forms.RegistrationForm"
ACCOUNT_ADAPTER = "hostledger.accounts.adapters.AccountAdapter"
# Failed sign-ins are limited by our own lockout with a growing interval (ACC-08); allauth's
# other limits (sign-up, password reset mails, re-authentication) stay on.
ACCOUNT_RATE_LIMITS = {"login_failed": None}
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
SOCIALACCOUNT_ADAPTER = "hostledger.accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_AUTO_SIGNUP = False  # first social sign-in completes the registration form
SOCIALACCOUNT_QUERY_EMAIL = True
SOCIALACCOUNT_PROVIDERS: dict = {}  # providers are enabled by staff as SocialApp records
MFA_ADAPTER = "hostledger.accounts.mfa.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env("SITE_NAME", "HostLedger")
LOGIN_REDIRECT_URL = "web:dashboard"
LOGIN_URL = "account_login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("et", "Eesti"), ("ru", "Русский")]
TIME_ZONE = env("TIME_ZONE", "Europe/Tallinn")
USE_I18N = True
# The catalogues of HostLedger's own texts (``make messages`` writes them, ``make run`` and
# ``make test`` compile them); allauth and Django bring their own.
LOCALE_PATHS = [BASE_DIR / "hostledger" / "locale"]
# The language a visitor chose with the switcher before signing in (a signed-in person's
# language is saved on their user, User.preferred_language).
LANGUAGE_COOKIE_NAME = "hostledger_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
# The one date format and date-and-time format of every page in English (the |day and
# |moment filters); the other languages write dates in their CLDR medium format (Babel).
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # served by WhiteNoise from the finders in development
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"

# Mail goes to files under var/mail/ on a development machine and to SMTP in production.
EMAIL_BACKEND_PATH = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends."
    + ("smtp.EmailBackend" if PRODUCTION else "filebased.EmailBackend"),
)
if EMAIL_BACKEND_PATH == "django.core.mail.backends.smtp.EmailBackend":
    _mailer_options: dict = {
        "host": env("EMAIL_HOST", "localhost"),
        "port": int(env("EMAIL_PORT", "25")),
        "username": env("EMAIL_HOST_USER"),
        "password": env("EMAIL_HOST_PASSWORD"),
        "use_tls": env_flag("EMAIL_USE_TLS"),
        "timeout": 20,
    }
elif EMAIL_BACKEND_PATH == "django.core.mail.backends.filebased.EmailBackend":
    _mailer_options = {"file_path": str(VAR_DIR / "mail")}
else:  # e.g. an anymail backend, configured by its own ANYMAIL settings
    _mailer_options = {}
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH, "OPTIONS": _mailer_options}}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "HostLedger <billing@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SITE_NAME = env("SITE_NAME", "HostLedger")
DEMO_WORLD_CLIENTS_PER_KIND = int(env("DEMO_WORLD_CLIENTS_PER_KIND", "24"))
"""Clients of each kind ``hostledger demo`` makes in the demo world on its first run (0: none)."""

# Text messages (NTF-01): "console" writes them to the log; "twilio" sends them.
SMS_BACKEND = env("SMS_BACKEND", "console")
TWILIO_ACCOUNT_SID = env("TWILIO_ACCOUNT_SID")
TWILIO_AUTH_TOKEN = env("TWILIO_AUTH_TOKEN")
TWILIO_FROM = env("TWILIO_FROM")

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# Sessions are kept encrypted, with the id of the person they belong to (GDPR-11, GDPR-04).
SESSION_ENGINE = "hostledger.accounts.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 12
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Request bodies (JSON, form fields) larger than this are refused with 413 before they are read;
# bank statement uploads have their own, larger limit (provider setting
# ledger.bank_statement_max_bytes).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
HOSTLEDGER_LARGE_UPLOAD_PATHS = ("/staff/payments/statements/", "/api/v1/staff/bank-statements")
HOSTLEDGER_LARGE_UPLOAD_LIMIT = "hostledger.web.request_limits.bank_statement_upload_limit"
# Ticket messages carry attachments up to support.attachment_max_bytes each (SUP-01).
HOSTLEDGER_UPLOAD_LIMITS = {
    prefix: "hostledger.web.request_limits.ticket_upload_limit"
    for prefix in ("/tickets/", "/staff/tickets/")
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "hostledger.core.middleware.RequestIdLogFilter"},
        "no_url_secrets": {"()": "hostledger.core.access_log.SecretRedactingLogFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        # The file handler starts each line with the UTC time itself.
        "dated": {"format": "%(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id", "no_url_secrets"],
        },
        "file": {
            "()": "hostledger.core.log_files.DatedFileHandler",
            "directory": LOG_DIR,
            "stem": "application",
            "formatter": "dated",
            "filters": ["request_id", "no_url_secrets"],
        },
    },
    "root": {"handlers": ["console", "file"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # The PDF renderer reports every step of every document at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "factur-x": {"level": "WARNING"},
    },
}
