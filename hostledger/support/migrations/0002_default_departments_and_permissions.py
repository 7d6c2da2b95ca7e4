"""The four departments of the terms (SUP-01: support, billing, sales, abuse), each with an
address at the domain of ``DEFAULT_FROM_EMAIL`` (staff set the real ones) and the default
targets of ``support.first_response_hours`` / ``support.resolution_hours``; and the new
ticket permissions for the roles that exist already (ACC-11). New installations get the
permissions from ``accounts.permissions.DEFAULT_ROLES``; existing roles are otherwise left as
staff edited them, so the codes are added here once."""

from email.utils import parseaddr

from django.conf import settings
from django.db import migrations
from django.utils import timezone

DEPARTMENTS = (
    ("support", "Technical support", 24, 72),
    ("billing", "Billing", 24, 120),
    ("sales", "Sales", 24, 120),
    ("abuse", "Abuse", 24, 72),
)
GRANTS = {
    "support": ["tickets.answer"],
    "billing": ["tickets.answer"],
    "administrator": ["tickets.answer", "tickets.manage"],
}


def _domain() -> str:
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "localhost"


def create(apps, schema_editor):
    Department = apps.get_model("support", "Department")
    StaffRole = apps.get_model("accounts", "StaffRole")
    now = timezone.now()
    domain = _domain()
    for position, (slug, name, first, resolution) in enumerate(DEPARTMENTS):
        Department.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "mail_address": f"{slug}@{domain}",
                "first_response_hours": first,
                "resolution_hours": resolution,
                "position": position,
                "created_at": now,
            },
        )
    for role in StaffRole.objects.filter(slug__in=GRANTS):
        codes = list(role.permissions or [])
        added = [code for code in GRANTS[role.slug] if code not in codes]
        if added:
            codes.extend(added)
            role.permissions = sorted(codes) if role.slug == "administrator" else codes
            role.save(update_fields=["permissions"])


def remove(apps, schema_editor):
    StaffRole = apps.get_model("accounts", "StaffRole")
    for role in StaffRole.objects.filter(slug__in=GRANTS):
        codes = [code for code in role.permissions or [] if code not in GRANTS[role.slug]]
        if codes != list(role.permissions or []):
            role.permissions = codes
            role.save(update_fields=["permissions"])


class Migration(migrations.Migration):
    dependencies = [("support", "0001_initial"), ("accounts", "0007_merge_subject_keys")]

    operations = [migrations.RunPython(create, remove)]
