"""Give the existing support and administrator roles the new ``clients.view_as`` and
``knowledge.manage`` permissions (ACC-11). New installations get them from
``accounts.permissions.DEFAULT_ROLES``; roles that already exist are otherwise left as staff
edited them, so the codes are added here once."""

from django.db import migrations

PERMISSIONS = ("clients.view_as", "knowledge.manage")
ROLES = ("support", "administrator")


def grant(apps, schema_editor):
    StaffRole = apps.get_model("accounts", "StaffRole")
    for role in StaffRole.objects.filter(slug__in=ROLES):
        codes = list(role.permissions or [])
        added = [code for code in PERMISSIONS if code not in codes]
        if added:
            codes.extend(added)
            role.permissions = sorted(codes) if role.slug == "administrator" else codes
            role.save(update_fields=["permissions"])


def revoke(apps, schema_editor):
    StaffRole = apps.get_model("accounts", "StaffRole")
    for role in StaffRole.objects.filter(slug__in=ROLES):
        codes = [code for code in role.permissions or [] if code not in PERMISSIONS]
        if codes != list(role.permissions or []):
            role.permissions = codes
            role.save(update_fields=["permissions"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0007_merge_subject_keys")]

    operations = [migrations.RunPython(grant, revoke)]
