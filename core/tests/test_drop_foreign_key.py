"""`drop_foreign_key`: a column that was a foreign key in an earlier schema loses its constraint
and keeps its values; a table without one is left as it is. On SQLite, where dropping means
rebuilding the table, its triggers come back."""

import pytest
from django.db import connection, models
from django.db.migrations.state import ModelState, ProjectState

from core.model_moves import drop_foreign_key

pytestmark = pytest.mark.django_db(transaction=True)

PARENT, CHILD = "core_test_parent", "core_test_child"


def _state_apps(*, indexed: bool):
    """The migration state after the move: the child names its parent by a plain id."""
    state = ProjectState()
    fields = [
        ("id", models.AutoField(primary_key=True)),
        ("name", models.TextField()),
        ("parent_id", models.BigIntegerField(null=True, db_index=indexed)),
    ]
    state.add_model(ModelState("core", "Child", fields, options={"db_table": CHILD}))
    return state.apps


def _make_tables(*, with_constraint: bool) -> None:
    key = "integer PRIMARY KEY" if connection.vendor == "sqlite" else "serial PRIMARY KEY"
    reference = f" REFERENCES {PARENT} (id) DEFERRABLE INITIALLY DEFERRED" if with_constraint else ""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {PARENT} (id {key})")
        cursor.execute(f"CREATE TABLE {CHILD} (id {key}, name text NOT NULL, parent_id bigint NULL{reference})")
        cursor.execute(f"CREATE INDEX {CHILD}_parent ON {CHILD} (parent_id)")
        cursor.execute(f"INSERT INTO {PARENT} (id) VALUES (5)")
        cursor.execute(f"INSERT INTO {CHILD} (id, name, parent_id) VALUES (1, 'kept', 5)")


@pytest.fixture
def tables():
    yield _make_tables
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {CHILD}")
        cursor.execute(f"DROP TABLE IF EXISTS {PARENT}")


def _drop(*, indexed: bool) -> None:
    with connection.schema_editor() as editor:
        drop_foreign_key("core", "Child", "parent_id").code(_state_apps(indexed=indexed), editor)


def _constraints() -> dict:
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, CHILD)


def _indexed_columns() -> list[list[str]]:
    return [c["columns"] for c in _constraints().values() if c["index"] and not c["primary_key"]]


@pytest.mark.parametrize("indexed", [True, False])
def test_the_constraint_goes_and_the_values_stay(tables, indexed):
    tables(with_constraint=True)

    _drop(indexed=indexed)

    assert not [c for c in _constraints().values() if c["foreign_key"]]
    assert _indexed_columns() == ([["parent_id"]] if indexed else [])  # as the plain field has it
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {CHILD} (id, name, parent_id) VALUES (2, 'no such parent', 99)")
        cursor.execute(f"SELECT id, name, parent_id FROM {CHILD} ORDER BY id")
        assert cursor.fetchall() == [(1, "kept", 5), (2, "no such parent", 99)]


def test_a_table_without_the_constraint_is_left_as_it_is(tables):
    tables(with_constraint=False)
    before = _constraints()

    _drop(indexed=False)

    assert _constraints() == before


@pytest.mark.skipif(connection.vendor != "sqlite", reason="only SQLite rebuilds the table")
def test_sqlite_puts_the_triggers_of_the_rebuilt_table_back(tables):
    tables(with_constraint=True)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TRIGGER {CHILD}_renamed AFTER UPDATE OF name ON {CHILD} "
            f"BEGIN UPDATE {PARENT} SET id = 6 WHERE id = 5; END"
        )

    _drop(indexed=False)

    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {CHILD} SET name = 'renamed' WHERE id = 1")
        cursor.execute(f"SELECT id FROM {PARENT}")
        assert cursor.fetchall() == [(6,)]
