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

# Backups (GDPR-14: backups expire). A month of daily backups covers the mistakes noticed late;
# a year of monthly ones covers the yearly closing of the books. After that a backup is deleted,
# so an erased subject survives in no backup for longer than a year.
declare(
    ProviderSetting(
        key="privacy.backup_daily_retention_days",
        default=30,
        kind="int",
        label="Daily backups kept",
        help_text="Every backup younger than this is kept; older ones are deleted after the "
        "next backup unless kept as the month's backup.",
        rule="GDPR-14",
        unit="days",
        minimum=1,
        maximum=366,
    ),
    ProviderSetting(
        key="privacy.backup_monthly_retention_months",
        default=12,
        kind="int",
        label="Monthly backups kept",
        help_text="The first backup of each calendar month (UTC) is kept this long; 0 keeps "
        "no monthly backups beyond the daily ones.",
        rule="GDPR-14",
        unit="months",
        minimum=0,
        maximum=120,
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

declare(
    ProviderSetting(
        key="privacy.communications_retention_months",
        default=24,
        kind="int",
        label="Communications retention",
        help_text="Messages, deliveries and notifications are erased this many months after "
        "the end of the month they were made in.",
        rule="GDPR-08",
        unit="months",
        minimum=1,
    ),
    ProviderSetting(
        key="privacy.uploads_retention_months",
        default=24,
        kind="int",
        label="Other personal data retention",
        help_text="Personal data with no other retention rule is erased this many months "
        "after it was uploaded.",
        rule="GDPR-08",
        unit="months",
        minimum=1,
    ),
    ProviderSetting(
        key="privacy.billing_records_years",
        default=7,
        kind="int",
        label="Billing records legal term",
        help_text="Billing identities and invoices of an erased client are held this many "
        "years after the end of the financial year in which the contract ended.",
        rule="GDPR-04",
        unit="years",
        minimum=0,
    ),
    ProviderSetting(
        key="privacy.traffic_data_years",
        default=7,
        kind="int",
        label="Traffic data legal term",
        help_text="Usage (traffic) records are held this many years after the end of the "
        "year of use.",
        rule="GDPR-04",
        unit="years",
        minimum=0,
    ),
    ProviderSetting(
        key="privacy.financial_year_end_month",
        default=12,
        kind="int",
        label="Last month of the financial year",
        help_text="The financial year ends on the last day of this month (12: 31 December).",
        rule="GDPR-04",
        unit="month",
        minimum=1,
        maximum=12,
    ),
    ProviderSetting(
        key="privacy.claims_period_years",
        default=3,
        kind="int",
        label="Claims period",
        help_text="Policy acceptances and consent records of an erased client are held this "
        "many years after the contract ended, for the defence of claims.",
        rule="GDPR-04",
        unit="years",
        minimum=0,
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

# --------------------------------------------------------------------------- exports (GDPR-02)

EXPORT_LINK_DAYS = "privacy.export_link_days"

declare(
    ProviderSetting(
        key=EXPORT_LINK_DAYS,
        default=7,
        kind="int",
        label="Personal data export link lifetime",
        help_text=(
            "Days an export of a client's personal data can be downloaded; then the daily "
            "job deletes the file and marks the export expired."
        ),
        rule="GDPR-02",
        unit="days",
        minimum=1,
    ),
)

# Who receives each category of personal data, as the export names them (GDPR-02, seed 002).
# The processors register (GDPR-09) names the processors themselves; these texts say it per
# category until a register is kept.
EXPORT_RECIPIENTS = {
    "identity": "The provider's staff; the provider's accountants and auditors.",
    "contact": "The provider's staff; the mail and SMS delivery services that send messages.",
    "account": "No one outside the provider.",
    "billing": (
        "The provider's staff, accountants and auditors; payment service providers for "
        "payments; tax authorities where the law requires."
    ),
    "technical": "The provider's staff and the hosting of the provider's own systems.",
    "communication": "The provider's staff; the mail and SMS delivery services.",
    "consent": "The provider's staff; authorities or courts when a consent is disputed.",
}

for _category, _recipients in EXPORT_RECIPIENTS.items():
    declare(
        ProviderSetting(
            key=f"privacy.recipients_{_category}",
            default=_recipients,
            kind="str",
            label=f"Recipients of {_category} data",
            help_text=(
                f"Who receives personal data of the category '{_category}'; shown to clients "
                "in their export of personal data."
            ),
            rule="GDPR-02",
        ),
    )
