"""`HelpRequest.call_id` is a plain id: a database migrated before still has the foreign-key
constraint to calls_call that 0001 used to create, and it goes here (the rows keep their ids).
Nothing to do on a database 0001 made as it is now."""

from django.db import migrations

from core.model_moves import drop_foreign_key


class Migration(migrations.Migration):
    dependencies = [
        ("helprequests", "0012_supervisor_expertise_topics"),
    ]

    operations = [
        drop_foreign_key("helprequests", "HelpRequest", "call_id"),
    ]
