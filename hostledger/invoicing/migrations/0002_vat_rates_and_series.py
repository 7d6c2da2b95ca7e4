"""Seed the VAT rate table and the numbering series (BIL-04, BIL-05); see ``invoicing.reference``."""

from django.db import migrations

from hostledger.invoicing.reference import (
    ensure_vat_rates_and_series,
    remove_vat_rates_and_series,
)


def seed(apps, schema_editor):
    ensure_vat_rates_and_series(apps)


def unseed(apps, schema_editor):
    remove_vat_rates_and_series(apps)


class Migration(migrations.Migration):
    dependencies = [("invoicing", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
