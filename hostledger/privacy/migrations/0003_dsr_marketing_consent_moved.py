"""Marketing consents move from the notifications app to the privacy app (GDPR-06).

State only: the tables ``notifications_marketingconsent`` and
``notifications_marketingconsentchange`` stay as they are, with their rows, indexes and the
``notifications_consent_once`` constraint; the models name them with ``db_table``. The
notifications app's 0002 removes the models from its own state after this one.
See docs/decisions/0019-data-subject-requests.md.
"""

import django.db.models.deletion
import functools
import hostledger.core.ids
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_merge_documents_and_pages'),
        ('privacy', '0002_dsr_requests_objections'),
        ('notifications', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='MarketingConsent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('public_id', models.CharField(default=functools.partial(hostledger.core.ids.new_public_id, 'mkc'), editable=False, max_length=24, unique=True)),
                        ('channel', models.CharField(choices=[('email', 'Email'), ('sms', 'SMS')], max_length=10)),
                        ('state', models.CharField(choices=[('requested', 'Waiting for confirmation'), ('confirmed', 'Confirmed'), ('withdrawn', 'Withdrawn')], max_length=10)),
                        ('source', models.CharField(max_length=40)),
                        ('wording_version', models.CharField(max_length=40)),
                        ('request_number', models.PositiveIntegerField(default=0)),
                        ('requested_at', models.DateTimeField(blank=True, null=True)),
                        ('confirmed_at', models.DateTimeField(blank=True, null=True)),
                        ('withdrawn_at', models.DateTimeField(blank=True, null=True)),
                        ('changed_at', models.DateTimeField()),
                        ('client', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='marketing_consents', to='accounts.client')),
                    ],
                    options={
                        'db_table': 'notifications_marketingconsent',
                    },
                ),
                migrations.CreateModel(
                    name='MarketingConsentChange',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('state', models.CharField(choices=[('requested', 'Waiting for confirmation'), ('confirmed', 'Confirmed'), ('withdrawn', 'Withdrawn')], max_length=10)),
                        ('source', models.CharField(max_length=40)),
                        ('wording_version', models.CharField(max_length=40)),
                        ('occurred_at', models.DateTimeField()),
                        ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('consent', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='changes', to='privacy.marketingconsent')),
                    ],
                    options={
                        'db_table': 'notifications_marketingconsentchange',
                        'ordering': ['consent', 'occurred_at', 'id'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='marketingconsent',
                    constraint=models.UniqueConstraint(fields=('client', 'channel'), name='notifications_consent_once'),
                ),
            ],
            database_operations=[],
        ),
    ]
