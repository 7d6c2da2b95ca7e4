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

declare(
    ProviderSetting(
        key="privacy.cookie_choice_days",
        default=365,
        kind="int",
        label="Cookie choice kept for",
        help_text="How long a visitor's cookie choice is kept before the banner asks again.",
        rule="GDPR-13",
        unit="days",
        minimum=1,
    ),
    ProviderSetting(
        key="privacy.controller_contact",
        default="privacy@provider.example",
        kind="str",
        label="Privacy contact of the controller",
        help_text="Shown in the record of processing activities where an activity names none.",
        rule="GDPR-09",
    ),
)
