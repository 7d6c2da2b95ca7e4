"""Tariffs and price versions start as drafts and go live when published (CAT-02, CAT-06).

Rows that exist already are live: they are published here (a tariff's ``published_at`` is
its creation time), and only rows made from now on start as drafts.
"""

from django.db import migrations, models
from django.db.models import F

CHOICES = [("draft", "Draft"), ("published", "Published")]


def publish_existing(apps, schema_editor):
    apps.get_model("catalog", "Tariff").objects.update(
        status="published", published_at=F("created_at")
    )
    apps.get_model("catalog", "PriceVersion").objects.update(status="published")


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_product_families"),
    ]

    operations = [
        migrations.AddField(
            model_name="priceversion",
            name="status",
            field=models.CharField(choices=CHOICES, default="draft", max_length=12),
        ),
        migrations.AddField(
            model_name="tariff",
            name="published_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="tariff",
            name="status",
            field=models.CharField(choices=CHOICES, default="draft", max_length=12),
        ),
        migrations.RunPython(publish_existing, migrations.RunPython.noop),
    ]
