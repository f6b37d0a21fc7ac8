# The expertise field runs helprequests.models.validate_topics; nothing changes in the database.

from django.db import migrations, models

import helprequests.models


class Migration(migrations.Migration):
    dependencies = [
        ("helprequests", "0011_message_kind_caller_received"),
    ]

    operations = [
        migrations.AlterField(
            model_name="supervisor",
            name="expertise",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text='Tags, e.g. ["color", "products"]',
                validators=[helprequests.models.validate_topics],
            ),
        ),
    ]
