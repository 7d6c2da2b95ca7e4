"""The default entity: the provider as described by the provider settings.

Its details are left blank, so every one of them keeps being read from the settings
(``invoicing.provider_*``) and an installation with one entity prints and numbers exactly as
before.
"""

from django.db import migrations


def create_default_entity(apps, schema_editor):
    ProviderEntity = apps.get_model("providers", "ProviderEntity")
    if not ProviderEntity.objects.filter(is_default=True).exists():
        ProviderEntity.objects.create(code="default", is_default=True, public_id="ent_default")


class Migration(migrations.Migration):
    dependencies = [("providers", "0001_provider_entities")]

    operations = [migrations.RunPython(create_default_entity, migrations.RunPython.noop)]
