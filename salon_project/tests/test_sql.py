"""The hot path's statements are planned once per connection, and still read what the ORM reads."""

import ast
import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import ApiToken
from core.sql import prepared_cursor
from knowledge.models import KnowledgeVersion, LookupRecord

pytestmark = pytest.mark.django_db


def prepared_statements() -> set[str]:
    """The statements this connection holds prepared on the PostgreSQL server."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_the_token_read_the_version_read_and_the_lookup_record_are_prepared_on_postgresql():
    _, plain = ApiToken.issue("crm")
    ApiToken.authenticate(plain)
    stamp = KnowledgeVersion.current()
    LookupRecord.record("do you take walk-ins", None, 0.1, index_stamp=stamp)

    held = " ".join(prepared_statements())
    assert "core_apitoken" in held
    assert "knowledge_knowledgeversion WHERE id = 1" in held
    assert "INSERT INTO knowledge_lookuprecord" in held
    with connection.cursor() as cursor:  # Django's own queries stay unprepared
        cursor.execute("SELECT count(*) FROM core_apitoken")
    assert "SELECT count(*) FROM core_apitoken" not in prepared_statements()


def test_a_prepared_read_sees_what_the_orm_sees_and_is_logged_like_any_query():
    token, plain = ApiToken.issue("crm")
    with CaptureQueriesContext(connection) as queries:
        found = ApiToken.authenticate(plain)
        again = ApiToken.authenticate(plain)  # the second run uses the prepared plan
    assert found.pk == again.pk == token.pk and found.name == "crm"
    reads = [query["sql"] for query in queries.captured_queries if query["sql"].startswith("SELECT")]
    assert len(reads) == 2  # and the first use recorded once, by an UPDATE

    token.revoke()
    assert ApiToken.authenticate(plain) is None
    assert ApiToken.authenticate("sfd_never-issued") is None


def test_the_cursor_runs_many_parameter_values_through_one_statement():
    stamps = []
    for _ in range(3):
        with prepared_cursor() as cursor:
            cursor.execute("SELECT stamp FROM knowledge_knowledgeversion WHERE id = %s", [1])
            stamps.append(cursor.fetchone()[0])
        with prepared_cursor() as cursor:
            cursor.execute("SELECT stamp FROM knowledge_knowledgeversion WHERE id = %s", [2])
            assert cursor.fetchone() is None
    assert stamps == [KnowledgeVersion.current()] * 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_with_prepared_statements_turned_off_the_same_statements_run_unprepared():
    """DATABASE_PREPARED_STATEMENTS=0 (behind PgBouncer in transaction mode) leaves psycopg's
    prepare_threshold unset: nothing is held on the server, and the reads still work."""
    _, plain = ApiToken.issue("crm")
    connection.ensure_connection()
    psycopg_connection = connection.connection
    kept = psycopg_connection.prepare_threshold
    psycopg_connection.prepare_threshold = None
    try:
        assert ApiToken.authenticate(plain).name == "crm"
        assert ApiToken.authenticate(plain).name == "crm"
        assert not any("core_apitoken" in statement for statement in prepared_statements())
    finally:
        psycopg_connection.prepare_threshold = kept


@pytest.mark.parametrize("value,threshold", [(None, 5), ("0", None), ("off", None)])
def test_the_setting_sets_psycopgs_prepare_threshold(value, threshold):
    env = {**os.environ, "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/salon"}
    env.pop("DATABASE_PREPARED_STATEMENTS", None)
    if value is not None:
        env["DATABASE_PREPARED_STATEMENTS"] = value
    env["DJANGO_SETTINGS_MODULE"] = "salon_project.settings"
    shown = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])"],
        env=env,
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert ast.literal_eval(shown).get("prepare_threshold") == threshold
