"""Provider settings of the core app: the numbers and choices SPEC.md leaves to the provider.

Declared once here with the seed's value as default (habit 7); read them with
``hostledger.core.registry.setting_value(key)``.
"""

from decimal import Decimal

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

# Staff guard rails: bounds of amounts typed by staff and of dates typed by anyone. A price
# typed as "1e6" once became EUR 1,000,000 a month; amounts are now read strictly
# (``hostledger.core.money.parse_staff_amount``), bounded and, above a threshold, confirmed.
STAFF_PRICE_MAXIMUM = "core.staff_price_maximum"
STAFF_PRICE_CONFIRM_ABOVE = "core.staff_price_confirm_above"
STAFF_PAYMENT_MAXIMUM = "core.staff_payment_maximum"
STAFF_PAYMENT_CONFIRM_ABOVE = "core.staff_payment_confirm_above"
DATE_INPUT_FIRST_YEAR = "core.date_input_first_year"
DATE_INPUT_LAST_YEAR = "core.date_input_last_year"

declare(
    ProviderSetting(
        key=STAFF_PRICE_MAXIMUM,
        default=Decimal("10000.00"),
        kind="decimal",
        label="Largest monthly fee",
        help_text="The highest monthly fee staff can give a tariff, add-on, licence or price "
        "change; a higher one is refused.",
        rule="CAT-02",
        unit="EUR",
        minimum=Decimal("0.01"),
    ),
    ProviderSetting(
        key=STAFF_PRICE_CONFIRM_ABOVE,
        default=Decimal("500.00"),
        kind="decimal",
        label="Monthly fee to confirm",
        help_text="A monthly fee above this is taken only after staff confirm it.",
        rule="CAT-02",
        unit="EUR",
        minimum=Decimal("0.00"),
    ),
    ProviderSetting(
        key=STAFF_PAYMENT_MAXIMUM,
        default=Decimal("100000.00"),
        kind="decimal",
        label="Largest amount staff record",
        help_text="The highest payment, refund, credit or correction staff can record at once; "
        "a higher one is refused.",
        rule="BIL-01",
        unit="EUR",
        minimum=Decimal("0.01"),
    ),
    ProviderSetting(
        key=STAFF_PAYMENT_CONFIRM_ABOVE,
        default=Decimal("5000.00"),
        kind="decimal",
        label="Amount to confirm",
        help_text="A payment, refund, credit or correction above this is recorded only after "
        "staff confirm it.",
        rule="BIL-01",
        unit="EUR",
        minimum=Decimal("0.00"),
    ),
    ProviderSetting(
        key=DATE_INPUT_FIRST_YEAR,
        default=2000,
        kind="int",
        label="Earliest year of a date typed in",
        help_text="Dates in forms, filters and API input before this year are refused.",
        rule="BIL-01",
        unit="year",
        minimum=1900,
        maximum=2100,
    ),
    ProviderSetting(
        key=DATE_INPUT_LAST_YEAR,
        default=2200,
        kind="int",
        label="Latest year of a date typed in",
        help_text="Dates in forms, filters and API input after this year are refused.",
        rule="BIL-01",
        unit="year",
        minimum=2030,
        maximum=9000,
    ),
)
