import hostledger.core.fields
from django.db import migrations

from hostledger.core.fields import encrypt_clear_column, ip_text


def encrypt_stored_values(apps, schema_editor):
    """Values stored in clear before the column was encrypted are encrypted under the field
    keys; ``hostledger rotate-keys --subject-keys`` moves them under their subjects' keys."""
    encrypt_clear_column(
        schema_editor.connection, "accounts_loginattempt", "ip_address", normalise=ip_text
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_merge_documents_and_pages"),
    ]

    operations = [
        migrations.AlterField(
            model_name="loginattempt",
            name="ip_address",
            field=hostledger.core.fields.EncryptedTextField(blank=True, null=True),
        ),
        migrations.RunPython(encrypt_stored_values, migrations.RunPython.noop),
    ]
