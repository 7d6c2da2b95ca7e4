"""Provider settings of the privacy app: retention periods of personal data (GDPR-08)."""

from hostledger.core.registry import ProviderSetting, declare

declare(
    ProviderSetting(
        key="privacy.access_log_retention_days",
        default=60,
        kind="int",
        label="Access log retention",
        help_text="Sign-in attempts and the lines of the application and access log files "
        "older than this are deleted by the daily retention jobs.",
        rule="GDPR-08",
        unit="days",
        minimum=1,
    ),
    ProviderSetting(
        key="privacy.dev_mail_files_retention_days",
        default=7,
        kind="int",
        label="Development mail files retention",
        help_text="Mail files written by the development file backend (var/mail) older than "
        "this are deleted by the daily retention job. Production sends mail and keeps no file.",
        rule="GDPR-08",
        unit="days",
        minimum=1,
    ),
)
