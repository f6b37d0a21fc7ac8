from django.db import migrations, models
from django.db.models import F

# SQLite adds these columns by rebuilding the table, which drops its triggers: 0003's entry
# triggers (that move the knowledge version) are put back. PostgreSQL keeps them.
INDEXED_COLUMNS = "question, answer, source, conflicts_with, active, review_status"
SQLITE_BUMP = "UPDATE knowledge_knowledgeversion SET stamp = random() WHERE id = 1"
SQLITE_TRIGGERS = {
    "knowledge_entry_inserted": "AFTER INSERT ON knowledge_knowledgeentry",
    "knowledge_entry_deleted": "AFTER DELETE ON knowledge_knowledgeentry",
    "knowledge_entry_updated": f"AFTER UPDATE OF {INDEXED_COLUMNS} ON knowledge_knowledgeentry",
}


def restore_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for name, event in SQLITE_TRIGGERS.items():
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
        schema_editor.execute(f"CREATE TRIGGER {name} {event} BEGIN {SQLITE_BUMP}; END")


def remember_seeded_wording(apps, schema_editor):
    """Entries seeded before this migration are taken as the profile wrote them."""
    entry = apps.get_model("knowledge", "KnowledgeEntry")
    entry.objects.filter(source="seed").update(seeded_question=F("question"), seeded_answer=F("answer"))


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0005_vocabulary_terms"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, restore_sqlite_triggers),  # after unapplying the fields
        migrations.AddField(
            model_name="knowledgeentry",
            name="seeded_question",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="knowledgeentry",
            name="seeded_answer",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="knowledgeentry",
            name="in_profile",
            field=models.BooleanField(default=True),
        ),
        migrations.AddField(
            model_name="knowledgeentry",
            name="profile_proposal",
            field=models.JSONField(blank=True, null=True),
        ),
        migrations.AlterModelOptions(
            name="salonprofile",
            options={"verbose_name": "salon profile", "verbose_name_plural": "salon profile"},
        ),
        migrations.RunPython(restore_sqlite_triggers, migrations.RunPython.noop),
        migrations.RunPython(remember_seeded_wording, migrations.RunPython.noop),
    ]
