from django.db import migrations, models


class Migration(migrations.Migration):
    """The API token, which lived in `salon_project` before the configuration and the shared
    infrastructure became two apps. A database from then has `salon_project.0001_initial` and its
    table already, so this counts as applied there (see core/model_moves.py)."""

    initial = True

    replaces = [("salon_project", "0001_initial")]

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="ApiToken",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=100)),
                ("prefix", models.CharField(db_index=True, editable=False, max_length=12)),
                ("token_hash", models.CharField(editable=False, max_length=64, unique=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("last_used_at", models.DateTimeField(blank=True, editable=False, null=True)),
                ("revoked_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={"verbose_name": "API token", "db_table": "salon_project_apitoken"},
        ),
    ]
