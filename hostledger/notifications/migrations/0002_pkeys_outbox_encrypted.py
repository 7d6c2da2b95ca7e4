import hostledger.core.fields
from django.db import migrations

from hostledger.core.fields import encrypt_clear_column


def encrypt_stored_values(apps, schema_editor):
    """Values stored in clear before the column was encrypted are encrypted under the field
    keys; ``hostledger rotate-keys --subject-keys`` moves them under their subjects' keys."""
    encrypt_clear_column(schema_editor.connection, "notifications_delivery", "subject")
    encrypt_clear_column(schema_editor.connection, "notifications_delivery", "body")


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="delivery",
            name="body",
            field=hostledger.core.fields.EncryptedTextField(blank=True, default=""),
        ),
        migrations.AlterField(
            model_name="delivery",
            name="subject",
            field=hostledger.core.fields.EncryptedTextField(blank=True, default=""),
        ),
        migrations.RunPython(encrypt_stored_values, migrations.RunPython.noop),
    ]
