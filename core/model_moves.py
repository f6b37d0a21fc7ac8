"""What a migration needs when a model moves to another app, so a database from before the move
keeps its rows, its admin history and its permissions.

A moved model's first migration in its new app says it `replaces` a migration every such database
has applied (Django's squashing mechanism): there it counts as applied and creates nothing, since
the table is already there; on a fresh database it runs and creates the table under its old name.
A second migration then renames the table and, with `move_content_types`, moves the model's
content type, which admin's log entries and the permissions given to staff point at.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def move_content_types(old_label: str, new_label: str, models: list[str]) -> migrations.RunPython:
    """The operation that gives the content types of `models` (lower-case names) their new app
    label (and back, when unapplied).

    A fresh database has none yet (they are made after migrating), so it changes nothing there;
    where the new label already has one, the old row is left be.
    """

    def relabel(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor, old: str, new: str) -> None:
        content_types = apps.get_model("contenttypes", "ContentType").objects.using(schema_editor.connection.alias)
        for model in models:
            if not content_types.filter(app_label=new, model=model).exists():
                content_types.filter(app_label=old, model=model).update(app_label=new)

    return migrations.RunPython(
        lambda apps, schema_editor: relabel(apps, schema_editor, old_label, new_label),
        lambda apps, schema_editor: relabel(apps, schema_editor, new_label, old_label),
    )


def drop_foreign_key(app_label: str, model_name: str, column: str) -> migrations.RunPython:
    """The operation that leaves `column` of a model's table without the foreign-key constraint an
    earlier schema gave it, once the field has become a plain id (a link to a higher app, which
    a lower one may not declare).

    The earlier migrations are edited to create the plain id, so a fresh database has no
    constraint and nothing is done there. A database made before has one: PostgreSQL drops it
    (and the column's index, if the plain field is not indexed); SQLite cannot drop a constraint,
    so the table is rebuilt from the model as the migration state has it, and the triggers on the
    table, which a rebuild drops, are put back as they were. Unapplying changes nothing.
    """

    def drop(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        model = apps.get_model(app_label, model_name)
        table = model._meta.db_table
        connection = schema_editor.connection
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(cursor, table)
        foreign_keys = [
            name
            for name, constraint in constraints.items()
            if constraint["foreign_key"] and constraint["columns"] == [column]
        ]
        if not foreign_keys:
            return
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table])
                triggers = [row[0] for row in cursor.fetchall()]
            schema_editor._remake_table(model)
            for statement in triggers:
                schema_editor.execute(statement, None)
            return
        for name in foreign_keys:
            schema_editor.execute(schema_editor._delete_fk_sql(model, name))
        field = next(field for field in model._meta.local_concrete_fields if field.column == column)
        if not field.db_index:
            for name, constraint in constraints.items():
                if (
                    constraint["index"]
                    and not constraint["unique"]
                    and not constraint["primary_key"]
                    and constraint["columns"] == [column]
                ):
                    schema_editor.execute(schema_editor._delete_index_sql(model, name))

    return migrations.RunPython(drop, migrations.RunPython.noop)
