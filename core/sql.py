"""A cursor for the few statements every API request runs, planned once per database connection.

Django binds parameters on the client, so PostgreSQL parses and plans every statement anew. For
the statements on the lookup's path that planning costs more than running them: prepared, the
lookup's record statement (`LookupRecord.record`, a CTE) took about a third of the time and the
token read under half (README, "Speed": what the plain SQL saves). `prepared_cursor()`
binds on the server and prepares its statements (psycopg keeps them per connection, and the
pool keeps the connections); everything else stays on Django's defaults.

Preparing needs `prepare_threshold` in the database OPTIONS (settings): Django leaves it off
for external poolers such as PgBouncer in transaction mode. Without it the statements still run,
only unprepared. On other databases this is Django's own cursor.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.backends.postgresql.base import ServerBindingCursor
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper


class PreparingCursor(ServerBindingCursor):
    """Binds parameters on the server and prepares every statement it runs."""

    def execute(self, query: Any, params: Any = None, **options: Any) -> Any:
        return super().execute(query, params, **{**options, "prepare": True})


class PreparedDebugWrapper(CursorDebugWrapper):
    """Logs a prepared statement with its parameters filled in (DEBUG, the tests' query capture):
    Django reads a logged query's text back from the cursor, which a prepared run leaves empty."""

    def execute(self, sql: str, params: Any = None) -> Any:
        with self.debug_sql(self.db.ops.compose_sql(sql, params), params):
            return super(CursorDebugWrapper, self).execute(sql, params)


def prepared_cursor() -> CursorWrapper:
    """A cursor like `connection.cursor()` whose statements PostgreSQL prepares; use it as a
    context manager. Only for statements whose text never varies (parameters do)."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    # What `connection.cursor()` does, with this cursor class instead of the connection's.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        cursor = PreparingCursor(connection.connection)
    return PreparedDebugWrapper(cursor, connection) if connection.queries_logged else connection.make_cursor(cursor)


def insert_arrays(table: str, columns: dict[str, str], constants: dict[str, Any], rows: list[tuple]) -> list[int]:
    """Insert many rows in one PostgreSQL statement and return their ids: each column of `rows`
    sent as one array (`columns` names them with their SQL types, in the rows' order) and spread
    by `unnest`, the `constants` given once. The statement's text depends only on the columns,
    so it is prepared; the ORM's `bulk_create` of the timeout sweep's 2,000 texts spent most of
    its time binding 26,000 parameters one by one in Python (`make bench`). PostgreSQL only."""
    if not rows:
        return []
    names = [*constants, *columns]
    values = [*(["%s"] * len(constants)), *(f"u.c{n}" for n in range(len(columns)))]
    arrays = ", ".join(f"%s::{sql_type}[]" for sql_type in columns.values())
    aliases = ", ".join(f"c{n}" for n in range(len(columns)))
    statement = (
        f"INSERT INTO {table} ({', '.join(connection.ops.quote_name(name) for name in names)}) "
        f"SELECT {', '.join(values)} FROM unnest({arrays}) AS u({aliases}) RETURNING id"
    )
    with prepared_cursor() as cursor:
        cursor.execute(statement, [*constants.values(), *(list(column) for column in zip(*rows, strict=True))])
        return [row[0] for row in cursor.fetchall()]
