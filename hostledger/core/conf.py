"""Provider settings of the core app: the numbers and choices SPEC.md leaves to the provider.

Declared once here with the seed's value as default (habit 7); read them with
``hostledger.core.registry.setting_value(key)``.
"""

from hostledger.core.registry import ProviderSetting, declare

CALENDAR_COUNTRY = "core.calendar_country"

# The EU member states, by ISO 3166-1 alpha-2 code as the ``holidays`` package names them.
# Every code here must have a holiday calendar in that package (a test checks it).
CALENDAR_COUNTRY_CHOICES: tuple[tuple[str, str], ...] = (
    ("AT", "Austria"),
    ("BE", "Belgium"),
    ("BG", "Bulgaria"),
    ("HR", "Croatia"),
    ("CY", "Cyprus"),
    ("CZ", "Czechia"),
    ("DK", "Denmark"),
    ("EE", "Estonia"),
    ("FI", "Finland"),
    ("FR", "France"),
    ("DE", "Germany"),
    ("GR", "Greece"),
    ("HU", "Hungary"),
    ("IE", "Ireland"),
    ("IT", "Italy"),
    ("LV", "Latvia"),
    ("LT", "Lithuania"),
    ("LU", "Luxembourg"),
    ("MT", "Malta"),
    ("NL", "Netherlands"),
    ("PL", "Poland"),
    ("PT", "Portugal"),
    ("RO", "Romania"),
    ("SK", "Slovakia"),
    ("SI", "Slovenia"),
    ("ES", "Spain"),
    ("SE", "Sweden"),
)

declare(
    ProviderSetting(
        key=CALENDAR_COUNTRY,
        default="EE",
        kind="choice",
        choices=CALENDAR_COUNTRY_CHOICES,
        label="Working-day calendar country",
        help_text=(
            "Weekends and the national public holidays of this country are not working days. "
            "Deadlines counted in working days (payment terms, reply times) use this calendar."
        ),
        rule="AUT-05",
    ),
)

JOB_HEARTBEAT_LAPSE_MINUTES = "core.job_heartbeat_lapse_minutes"

declare(
    ProviderSetting(
        key=JOB_HEARTBEAT_LAPSE_MINUTES,
        default=60,
        kind="int",
        unit="minutes",
        minimum=5,
        maximum=24 * 60,
        label="Minutes without news before a running job counts as abandoned",
        help_text=(
            "A running job reports at least whenever its progress moves. A run on another "
            "machine that has not reported for this long is marked abandoned; a run on this "
            "machine is marked abandoned as soon as its process is gone."
        ),
    ),
)
