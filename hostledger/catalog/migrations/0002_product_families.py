"""The eight product families of the provider's contract (CAT-01); see ``catalog.reference``."""

from django.db import migrations

from hostledger.catalog.reference import ensure_product_families


def create_families(apps, schema_editor):
    ensure_product_families(apps)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(create_families, migrations.RunPython.noop)]
