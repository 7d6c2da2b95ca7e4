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

REQUEST_RESPONSE_MONTHS = "privacy.request_response_months"
REQUEST_EXTENSION_MAX_MONTHS = "privacy.request_extension_max_months"
REQUEST_REMINDER_DAYS = "privacy.request_reminder_days"

declare(
    ProviderSetting(
        key=REQUEST_RESPONSE_MONTHS,
        default=1,
        kind="int",
        label="Time to answer a data-subject request",
        help_text="Calendar months from receipt within which a data-subject request is "
        "answered (GDPR art. 12(3)).",
        rule="GDPR-07",
        unit="months",
        minimum=1,
        maximum=1,
    ),
    ProviderSetting(
        key=REQUEST_EXTENSION_MAX_MONTHS,
        default=2,
        kind="int",
        label="Longest extension of a data-subject request",
        help_text="Staff may extend a request's deadline by at most this many further "
        "months, telling the client why (GDPR art. 12(3)).",
        rule="GDPR-07",
        unit="months",
        minimum=0,
        maximum=2,
    ),
    ProviderSetting(
        key=REQUEST_REMINDER_DAYS,
        default=7,
        kind="int",
        label="Reminder before a request's deadline",
        help_text="Staff with the privacy permission are reminded of a request this many "
        "days before it is due, and again once it is overdue.",
        rule="GDPR-07",
        unit="days",
        minimum=1,
        maximum=60,
    ),
)
