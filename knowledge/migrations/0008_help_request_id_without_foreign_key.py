"""`KnowledgeEntry.help_request_id` is a plain id: a database migrated before still has the
foreign-key constraint to helprequests_helprequest (and its index) that 0001 used to create, and
they go here (the rows keep their ids). On SQLite that rebuilds the table, and the rebuild keeps
0003's triggers on it, which move the knowledge version. Nothing to do on a database 0001 made
as it is now."""

from django.db import migrations

from core.model_moves import drop_foreign_key


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0007_salonprofile_singleton"),
    ]

    operations = [
        drop_foreign_key("knowledge", "KnowledgeEntry", "help_request_id"),
    ]
