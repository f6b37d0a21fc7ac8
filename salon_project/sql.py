"""A cursor for the few statements every API request runs, planned once per database connection.

Django binds parameters on the client, so PostgreSQL parses and plans every statement anew. For
the statements on the lookup's path that planning costs more than running them: the lookup's
record statement (`LookupRecord.record`, a CTE) took 0.99 ms unprepared against 0.30 ms
prepared, and the token read 0.29 ms against 0.12 ms, on our machines. `prepared_cursor()`
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
