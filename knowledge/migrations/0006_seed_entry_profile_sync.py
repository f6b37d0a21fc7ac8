from django.db import migrations, models
from django.db.models import F


def remember_seeded_wording(apps, schema_editor):
    """Entries seeded before this migration are taken as the profile wrote them."""
    entry = apps.get_model("knowledge", "KnowledgeEntry")
    entry.objects.filter(source="seed").update(seeded_question=F("question"), seeded_answer=F("answer"))


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0005_vocabulary_terms"),
    ]

    operations = [
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
        migrations.RunPython(remember_seeded_wording, migrations.RunPython.noop),
    ]
