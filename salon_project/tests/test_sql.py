"""The hot path's statements are planned once per connection, and still read what the ORM reads."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from knowledge.models import KnowledgeVersion, LookupRecord
from salon_project.models import ApiToken
from salon_project.sql import prepared_cursor

pytestmark = pytest.mark.django_db


def prepared_statements() -> set[str]:
    """The statements this connection holds prepared on the PostgreSQL server."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_the_token_read_the_version_read_and_the_lookup_record_are_prepared_on_postgresql():
    _, plain = ApiToken.issue("crm")
    ApiToken.find_active(plain)
    stamp = KnowledgeVersion.current()
    LookupRecord.record("do you take walk-ins", None, 0.1, index_stamp=stamp)

    held = " ".join(prepared_statements())
    assert "salon_project_apitoken" in held
    assert "knowledge_knowledgeversion WHERE id = 1" in held
    assert "INSERT INTO knowledge_lookuprecord" in held
    with connection.cursor() as cursor:  # Django's own queries stay unprepared
        cursor.execute("SELECT count(*) FROM salon_project_apitoken")
    assert "SELECT count(*) FROM salon_project_apitoken" not in prepared_statements()


def test_a_prepared_read_sees_what_the_orm_sees_and_is_logged_like_any_query():
    token, plain = ApiToken.issue("crm")
    with CaptureQueriesContext(connection) as queries:
        found = ApiToken.find_active(plain)
        again = ApiToken.find_active(plain)  # the second run uses the prepared plan
    assert found.pk == again.pk == token.pk and found.name == "crm" and found.last_used_at is None
    assert len(queries.captured_queries) == 2

    token.revoke()
    assert ApiToken.find_active(plain) is None
    assert ApiToken.find_active("sfd_never-issued") is None


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
