"""The zone rules of .ee, .ru, .su and the generic zones (DOM-03); see ``domains.reference``."""

from django.db import migrations

from hostledger.domains.reference import ensure_zone_rules


def create_zone_rules(apps, schema_editor):
    ensure_zone_rules(apps)


class Migration(migrations.Migration):
    dependencies = [("domains", "0001_domains_contacts_zone_rules")]

    operations = [migrations.RunPython(create_zone_rules, migrations.RunPython.noop)]
