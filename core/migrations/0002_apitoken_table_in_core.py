from django.db import migrations

from core.model_moves import move_content_types


class Migration(migrations.Migration):
    """The API token's table and content type take the name of the app it lives in now."""

    dependencies = [("core", "0001_initial"), ("contenttypes", "0002_remove_content_type_name")]

    operations = [
        migrations.AlterModelTable(name="apitoken", table=None),
        move_content_types("salon_project", "core", ["apitoken"]),
    ]
