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
