"""Marketing consents are the privacy app's now (GDPR-06): removed from this app's state
only. Their tables keep their names and rows; privacy 0003 takes them over with ``db_table``.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("privacy", "0003_dsr_marketing_consent_moved"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(
                    model_name="marketingconsent", name="notifications_consent_once"
                ),
                migrations.DeleteModel(name="MarketingConsentChange"),
                migrations.DeleteModel(name="MarketingConsent"),
            ],
            database_operations=[],
        ),
    ]
