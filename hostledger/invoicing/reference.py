"""Reference data every installation has: the VAT rate table and the numbering series (BIL-04,
BIL-05).

Estonia, the provider's country in seed 000/003, with its rate history: 20 % until
2023-12-31, 22 % from 2024-01-01, 24 % from 2025-07-01. The other 26 member states with
their standard rates as known on 2025-08-01, each from the first date from which that rate
has applied without change (at the latest 2021-01-01, the start of this table), including
the changes of 2023-2025 in Luxembourg, Finland, Slovakia and Romania. Rates change: staff
record later changes with ``vat_rate_schedule`` (or a new data migration) before they apply.

Seeded by migration 0002 and again after every ``migrate`` or ``flush`` (``post_migrate``); rows
that exist are left as they are.
"""

from datetime import date
from decimal import Decimal

TABLE_START = date(2021, 1, 1)

# (country, rate, valid_from, valid_to, note)
RATES = [
    ("EE", "20.00", TABLE_START, date(2023, 12, 31), "Estonia, standard rate"),
    ("EE", "22.00", date(2024, 1, 1), date(2025, 6, 30), "Estonia, standard rate"),
    ("EE", "24.00", date(2025, 7, 1), None, "Estonia, standard rate"),
    ("AT", "20.00", TABLE_START, None, "Austria"),
    ("BE", "21.00", TABLE_START, None, "Belgium"),
    ("BG", "20.00", TABLE_START, None, "Bulgaria"),
    ("HR", "25.00", TABLE_START, None, "Croatia"),
    ("CY", "19.00", TABLE_START, None, "Cyprus"),
    ("CZ", "21.00", TABLE_START, None, "Czechia"),
    ("DK", "25.00", TABLE_START, None, "Denmark"),
    ("FI", "24.00", TABLE_START, date(2024, 8, 31), "Finland"),
    ("FI", "25.50", date(2024, 9, 1), None, "Finland"),
    ("FR", "20.00", TABLE_START, None, "France"),
    ("DE", "19.00", TABLE_START, None, "Germany"),
    ("GR", "24.00", TABLE_START, None, "Greece (VAT prefix EL)"),
    ("HU", "27.00", TABLE_START, None, "Hungary"),
    ("IE", "21.00", TABLE_START, date(2021, 2, 28), "Ireland, temporary rate"),
    ("IE", "23.00", date(2021, 3, 1), None, "Ireland"),
    ("IT", "22.00", TABLE_START, None, "Italy"),
    ("LV", "21.00", TABLE_START, None, "Latvia"),
    ("LT", "21.00", TABLE_START, None, "Lithuania"),
    ("LU", "17.00", TABLE_START, date(2022, 12, 31), "Luxembourg"),
    ("LU", "16.00", date(2023, 1, 1), date(2023, 12, 31), "Luxembourg, temporary rate"),
    ("LU", "17.00", date(2024, 1, 1), None, "Luxembourg"),
    ("MT", "18.00", TABLE_START, None, "Malta"),
    ("NL", "21.00", TABLE_START, None, "Netherlands"),
    ("PL", "23.00", TABLE_START, None, "Poland"),
    ("PT", "23.00", TABLE_START, None, "Portugal (mainland)"),
    ("RO", "19.00", TABLE_START, date(2025, 7, 31), "Romania"),
    ("RO", "21.00", date(2025, 8, 1), None, "Romania"),
    ("SK", "20.00", TABLE_START, date(2024, 12, 31), "Slovakia"),
    ("SK", "23.00", date(2025, 1, 1), None, "Slovakia"),
    ("SI", "22.00", TABLE_START, None, "Slovenia"),
    ("ES", "21.00", TABLE_START, None, "Spain"),
    ("SE", "25.00", TABLE_START, None, "Sweden"),
]

SERIES = [
    ("INV", "Invoices", "INV-{year}-"),
    ("CN", "Credit notes", "CN-{year}-"),
]


def ensure_vat_rates_and_series(apps=None, **kwargs) -> None:
    """Create any missing rate or series; ``apps`` is the migration state when called from one."""
    from django.apps import apps as global_apps

    apps = apps or global_apps
    VatRate = apps.get_model("invoicing", "VatRate")
    InvoiceSeries = apps.get_model("invoicing", "InvoiceSeries")
    for country, rate, valid_from, valid_to, note in RATES:
        VatRate.objects.get_or_create(
            country=country,
            valid_from=valid_from,
            defaults={"rate": Decimal(rate), "valid_to": valid_to, "note": note},
        )
    for code, name, prefix in SERIES:
        InvoiceSeries.objects.get_or_create(
            code=code,
            defaults={"name": name, "prefix": prefix, "digits": 6, "restart_yearly": True},
        )


def remove_vat_rates_and_series(apps) -> None:
    apps.get_model("invoicing", "VatRate").objects.filter(
        country__in={row[0] for row in RATES}
    ).delete()
    apps.get_model("invoicing", "InvoiceSeries").objects.filter(
        code__in=[row[0] for row in SERIES], counters__isnull=True
    ).delete()
