import django.db.models.deletion
import django.utils.timezone
import outbound.models
from django.db import migrations, models


class Migration(migrations.Migration):
    """The texts, webhooks and opt-outs, which lived in `helprequests` before the outbound side
    became an app of its own (issue 17), in their state of then, under their tables of then.

    A database from then has `salon_project.0001_initial` applied (the API token's first
    migration, every such database has it; see core/model_moves.py) and these tables already,
    made by helprequests' migrations: there this counts as applied and creates nothing. On a
    fresh database it runs and creates them, under the same names, so that 0002 finds the same
    tables everywhere. `help_request_id` is a plain id here (outbound knows no help requests);
    where it was a foreign key, 0002 drops the constraint that is left.
    """

    initial = True

    replaces = [("salon_project", "0001_initial")]

    dependencies = []

    operations = [
        migrations.CreateModel(
            name='Message',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('attempts', models.PositiveIntegerField(default=0)),
                ('claimed_until', models.DateTimeField(blank=True, null=True)),
                ('last_error', models.TextField(blank=True)),
                ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ('to', models.CharField(db_index=True, max_length=20)),
                ('body', models.TextField()),
                ('kind', models.CharField(choices=[('supervisor_alert', 'Supervisor Alert'), ('supervisor_reminder', 'Supervisor Reminder'), ('supervisor_escalation', 'Supervisor Escalation'), ('caller_followup', 'Caller Followup'), ('caller_timeout', 'Caller Timeout'), ('caller_received', 'Caller Received'), ('transfer_alert', 'Transfer Alert'), ('caller_reply', 'Caller Reply')], max_length=32)),
                ('status', models.CharField(choices=[('queued', 'Queued'), ('sent', 'Sent'), ('failed', 'Failed'), ('skipped', 'Skipped')], db_index=True, default='queued', max_length=8)),
                ('help_request_id', models.BigIntegerField(blank=True, db_index=True, null=True)),
                ('provider_id', models.CharField(blank=True, help_text="The SMS provider's id, e.g. Twilio's SID.", max_length=64)),
                ('sent_at', models.DateTimeField(blank=True, null=True)),
                ('delivered_in_call_at', models.DateTimeField(blank=True, help_text='When the voice agent told the caller this answer during the call.', null=True)),
                ('sent_by', models.CharField(blank=True, help_text='Who wrote it, when a person did (a reply from the console).', max_length=150)),
            ],
            options={
                'ordering': ['-created_at', '-id'],
                'db_table': 'helprequests_message',
            },
        ),
        migrations.CreateModel(
            name='OptOut',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('phone', models.CharField(help_text='As texts are addressed: E.164.', max_length=64, unique=True)),
                ('keyword', models.CharField(help_text='The word they texted, e.g. STOP.', max_length=16)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                'verbose_name': 'opt-out',
                'ordering': ['-created_at', '-id'],
                'db_table': 'helprequests_optout',
            },
        ),
        migrations.CreateModel(
            name='WebhookDelivery',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('attempts', models.PositiveIntegerField(default=0)),
                ('claimed_until', models.DateTimeField(blank=True, null=True)),
                ('last_error', models.TextField(blank=True)),
                ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ('event_id', models.CharField(db_index=True, max_length=64)),
                ('type', models.CharField(max_length=64)),
                ('payload', models.JSONField(help_text='The exact event body that is signed and sent.')),
                ('status', models.CharField(choices=[('pending', 'Pending'), ('delivered', 'Delivered'), ('failed', 'Failed')], db_index=True, default='pending', max_length=10)),
                ('last_status_code', models.PositiveIntegerField(blank=True, null=True)),
                ('next_attempt_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('delivered_at', models.DateTimeField(blank=True, null=True)),
            ],
            options={
                'verbose_name_plural': 'webhook deliveries',
                'ordering': ['-created_at', '-id'],
                'db_table': 'helprequests_webhookdelivery',
            },
        ),
        migrations.CreateModel(
            name='WebhookEndpoint',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('url', models.URLField(max_length=500)),
                ('secret', models.CharField(default=outbound.models._new_webhook_secret, editable=False, max_length=100)),
                ('events', models.JSONField(blank=True, default=list, help_text='Event types to send; empty means all.')),
                ('active', models.BooleanField(default=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'db_table': 'helprequests_webhookendpoint',
            },
        ),
        migrations.CreateModel(
            name='WebhookAttempt',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveIntegerField()),
                ('status_code', models.PositiveIntegerField(blank=True, null=True)),
                ('error', models.TextField(blank=True)),
                ('duration_ms', models.PositiveIntegerField(default=0)),
                ('at', models.DateTimeField(default=django.utils.timezone.now)),
                ('delivery', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attempt_log', to='outbound.webhookdelivery')),
            ],
            options={
                'ordering': ['delivery', 'number'],
                'db_table': 'helprequests_webhookattempt',
            },
        ),
        migrations.AddField(
            model_name='webhookdelivery',
            name='endpoint',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deliveries', to='outbound.webhookendpoint'),
        ),
    ]
