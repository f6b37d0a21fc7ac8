"""The moved models' tables and content types take the name of the app they live in now, and a
database from before the move loses the foreign-key constraint of `Message.help_request_id`
(a plain id now, outbound knowing no help requests; the ids stay). On a fresh database the
tables are renamed as 0001 made them, and there is no constraint to drop."""

from django.db import migrations

from core.model_moves import drop_foreign_key, move_content_types

MOVED = ["message", "optout", "webhookendpoint", "webhookdelivery", "webhookattempt"]


class Migration(migrations.Migration):
    dependencies = [("outbound", "0001_initial"), ("contenttypes", "0002_remove_content_type_name")]

    operations = [
        *(migrations.AlterModelTable(name=name, table=None) for name in MOVED),
        move_content_types("helprequests", "outbound", MOVED),
        drop_foreign_key("outbound", "Message", "help_request_id"),
    ]
