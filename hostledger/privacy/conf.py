"""Provider settings of the privacy app: retention periods of personal data (GDPR-08)."""

from hostledger.core.registry import ProviderSetting, declare

declare(
    ProviderSetting(
        key="privacy.access_log_retention_days",
        default=60,
        kind="int",
        label="Access log retention",
        help_text="Sign-in attempts older than this are deleted by the daily retention job.",
        rule="GDPR-08",
        unit="days",
        minimum=1,
    ),
)
