"""One salon row, kept so by the database: a `singleton` key that is unique and can only be true.

Rows after the first are deleted before the key is added: `SalonProfile.current()` has always
read the lowest id, so those rows (left by two first-run setups at the same moment) were never
used. SQLite adds the column by rebuilding the table, which drops 0003's profile triggers (they
move the knowledge version): they are put back. PostgreSQL keeps them."""

from importlib import import_module

from django.db import migrations, models

# 0003's own statements for the profile's triggers (a migration module's name starts with a digit).
PROFILE_TRIGGERS = [
    statement
    for statement in import_module("knowledge.migrations.0003_version_and_lookup_records").SQLITE
    if " ON knowledge_salonprofile " in statement
]


def restore_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in PROFILE_TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {statement.split()[2]}")
        schema_editor.execute(statement)


def keep_the_current_salon_only(apps, schema_editor):
    profile = apps.get_model("knowledge", "SalonProfile")
    current = profile.objects.order_by("pk").first()
    if current is not None:
        profile.objects.exclude(pk=current.pk).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0006_seed_entry_profile_sync"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, restore_sqlite_triggers),  # after unapplying the key
        migrations.RunPython(keep_the_current_salon_only, migrations.RunPython.noop),
        migrations.AddField(
            model_name="salonprofile",
            name="singleton",
            field=models.BooleanField(default=True, editable=False, unique=True),
        ),
        migrations.AddConstraint(
            model_name="salonprofile",
            constraint=models.CheckConstraint(condition=models.Q(singleton=True), name="knowledge_one_salon"),
        ),
        migrations.RunPython(restore_sqlite_triggers, migrations.RunPython.noop),
    ]
