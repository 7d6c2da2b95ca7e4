"""Give the existing billing and administrator roles the new ``reports.view`` permission
(ACC-11). New installations get it from ``accounts.permissions.DEFAULT_ROLES``; roles that
already exist are otherwise left as staff edited them, so the code is added here once."""

from django.db import migrations

PERMISSION = "reports.view"
ROLES = ("billing", "administrator")


def grant(apps, schema_editor):
    StaffRole = apps.get_model("accounts", "StaffRole")
    for role in StaffRole.objects.filter(slug__in=ROLES):
        codes = list(role.permissions or [])
        if PERMISSION not in codes:
            codes.append(PERMISSION)
            role.permissions = sorted(codes) if role.slug == "administrator" else codes
            role.save(update_fields=["permissions"])


def revoke(apps, schema_editor):
    StaffRole = apps.get_model("accounts", "StaffRole")
    for role in StaffRole.objects.filter(slug__in=ROLES):
        codes = [code for code in role.permissions or [] if code != PERMISSION]
        if codes != list(role.permissions or []):
            role.permissions = codes
            role.save(update_fields=["permissions"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0007_merge_subject_keys")]

    operations = [migrations.RunPython(grant, revoke)]
