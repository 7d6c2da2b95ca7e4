"""Provider settings of interruptions, maintenance and dedicated-server repairs (SUP-03,
SUP-04, SUP-07, BIL-09).

Declared once here with the seed's values as defaults (habit 7); read them with
``hostledger.core.registry.setting_value(key)``. The cap of compensation (BIL-09, 100 % of
the previous period's charges) is the ledger's ``ledger.compensation_cap_percent``.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from itertools import pairwise

from hostledger.core.registry import ProviderSetting, declare

SLA_TABLE = "incidents.sla_table"
MALFUNCTION_FIX_WORKING_DAYS = "incidents.malfunction_fix_working_days"
MAINTENANCE_NOTICE_HOURS = "incidents.maintenance_notice_hours"
REPAIR_EXTENSION_AFTER_HOURS = "incidents.repair_extension_after_hours"

DEFAULT_SLA_TABLE = "99.9=0; 99.5=5; 99=10; 95=25; 90=50; 0=100"
"""Availability in the month at least X % → compensation of Y % of the month's charge. The
terms (seed 003 §7.6, §7.8) fix how compensation is given (a recalculation of the next period)
and its cap (100 % of the previous period), not the bands; these are the provider's to set."""


def sla_bands(text: str) -> list[tuple[Decimal, Decimal]]:
    """The SLA table written as ``availability=percent`` pairs separated by ``;`` or ``,``,
    as (availability at least, compensation percent), the highest availability first. Raises
    ValueError naming the problem: each number 0-100, availabilities distinct, a band for 0 %
    (so every month falls in one), compensation not falling as availability falls."""
    bands: dict[Decimal, Decimal] = {}
    for part in text.replace(",", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        if "=" not in part:
            raise ValueError(f"'{part}' is not availability=percent")
        left, right = (piece.strip().rstrip("%") for piece in part.split("=", 1))
        try:
            availability, percent = Decimal(left), Decimal(right)
        except InvalidOperation as error:
            raise ValueError(f"'{part}' is not availability=percent") from error
        for number in (availability, percent):
            if not number.is_finite() or number < 0 or number > 100:
                raise ValueError(f"'{part}': numbers are percentages from 0 to 100")
        if availability in bands:
            raise ValueError(f"availability {availability} % appears twice")
        bands[availability] = percent
    if Decimal(0) not in bands:
        raise ValueError("a band for availability 0 % is needed (0=percent)")
    ordered = sorted(bands.items(), reverse=True)
    for (_, higher), (low_availability, lower) in pairwise(ordered):
        if lower < higher:
            raise ValueError(
                f"compensation below {low_availability} % availability is less than above it"
            )
    return ordered


def _normalised_sla_table(value: str) -> str:
    bands = sla_bands(value)
    return "; ".join(
        f"{availability.normalize():f}={percent.normalize():f}" for availability, percent in bands
    )


declare(
    ProviderSetting(
        key=SLA_TABLE,
        default=DEFAULT_SLA_TABLE,
        kind="str",
        label="SLA table: availability → compensation",
        help_text=(
            "Bands written as availability=percent separated by semicolons: a service whose "
            "confirmed interruptions left it available at least that share of a calendar month "
            "is compensated that percent of its charge for the month, credited in the next "
            "month and capped by the ledger's compensation cap (BIL-09). Example: "
            "99.9=0; 99=10; 0=100."
        ),
        rule="BIL-09",
        validator=_normalised_sla_table,
    ),
    ProviderSetting(
        key=MALFUNCTION_FIX_WORKING_DAYS,
        default=5,
        kind="int",
        label="Malfunctions in the provider's zone fixed within",
        help_text="Working days from the confirmation of an interruption to its fix (§2.1.4).",
        rule="SUP-03",
        unit="working days",
        minimum=1,
        maximum=60,
    ),
    ProviderSetting(
        key=MAINTENANCE_NOTICE_HOURS,
        default=24,
        kind="int",
        label="Advance notice of planned maintenance",
        help_text=(
            "A maintenance window must start at least this many hours after it is announced "
            "(§2.2.12: clients are told in advance)."
        ),
        rule="SUP-04",
        unit="hours",
        minimum=1,
        maximum=24 * 90,
    ),
    ProviderSetting(
        key=REPAIR_EXTENSION_AFTER_HOURS,
        default=24,
        kind="int",
        label="Repairs longer than this extend the paid period",
        help_text=(
            "A dedicated server's part repair lasting longer than this extends the service's "
            "paid period by the repair time, in whole days rounded up (annex 6 §2.5)."
        ),
        rule="SUP-07",
        unit="hours",
        minimum=1,
        maximum=24 * 30,
    ),
)
