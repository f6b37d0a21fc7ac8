"""The database connection dies under a request (PostgreSQL terminates the backend mid-transaction).

Guaranteed: the caller gets a 503 whose body is a sentence (`{"detail": ...}`) saying the
database is unavailable and to try again, never a 500 page; nothing is half-written, because
every service runs in one transaction (a request is not left without its alert, an answer is not
recorded without the caller's text, nothing is learned from an answer that did not stick); and
the next request, on a fresh connection, succeeds.

How the request is caught mid-transaction: another connection holds the webhook endpoint's row
`FOR UPDATE`, so the request's COMMIT (where Django's deferred foreign-key check on the new
webhook delivery runs) waits with everything written; that waiting backend is then terminated
with `pg_terminate_backend`. PostgreSQL only: SQLite has no server connection to drop.
"""

import threading
from collections.abc import Iterator

import httpx
import psycopg
import pytest
from django.db import connection

from conftest import serving_daphne, subprocess_database_url
from helprequests import services
from helprequests.models import HelpRequest, HelpRequestEvent
from helprequests.tests.support_salon import CALLER, add_owner
from knowledge.models import KnowledgeEntry
from outbound.models import Message, WebhookDelivery, WebhookEndpoint
from salon_project.tests.support_faults import needs, wait_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(60),
]

QUESTION = "Do you sell gift vouchers?"


@pytest.fixture(scope="module")
def daphne(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[str]:
    needs(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL): SQLite has no server connection to drop")
    with serving_daphne(tmp_path_factory.mktemp("daphne") / "daphne.log") as base:
        yield f"http://{base}/api/v1"


@pytest.fixture
def endpoint(db) -> WebhookEndpoint:
    add_owner()
    return WebhookEndpoint.objects.create(url="http://127.0.0.1:9/hooks", events=[])


def dropped_mid_transaction(endpoint: WebhookEndpoint, send) -> httpx.Response:
    """Run `send()` (an HTTP request) while the endpoint row is locked; terminate the request's
    database backend once its COMMIT waits on that lock; return the response."""
    url = subprocess_database_url()
    with psycopg.connect(url) as locker, psycopg.connect(url, autocommit=True) as admin:
        locker.execute(f"SELECT id FROM {WebhookEndpoint._meta.db_table} WHERE id = %s FOR UPDATE", [endpoint.pk])
        result: dict[str, httpx.Response] = {}
        request = threading.Thread(target=lambda: result.setdefault("response", send()))
        request.start()

        def waiting_backend():
            row = admin.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> %s"
                " AND wait_event_type = 'Lock' AND query = 'COMMIT'",
                [locker.info.backend_pid],
            ).fetchone()
            return row and row[0]

        pid = wait_for(waiting_backend, 20, "the request's commit to wait on the locked endpoint row")
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        request.join(timeout=20)
        locker.rollback()
    return result["response"]


def assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"].startswith("application/json")
    detail = response.json()["detail"]
    assert detail.startswith("The database is unavailable right now") and detail.endswith("."), detail
    assert response.headers["Retry-After"] == "5"


def test_a_create_cut_off_mid_transaction_is_a_503_and_leaves_nothing_behind(daphne, api_token, endpoint):
    headers = {"Authorization": f"Bearer {api_token}"}
    body = {"question": QUESTION, "caller_phone": CALLER}

    response = dropped_mid_transaction(
        endpoint, lambda: httpx.post(f"{daphne}/help-requests", json=body, headers=headers)
    )

    assert_unavailable(response)
    # The request, its audit event and the supervisor's text were written before the drop: all gone.
    assert not HelpRequest.objects.exists()
    assert not HelpRequestEvent.objects.exists()
    assert not Message.objects.exists()
    assert not WebhookDelivery.objects.exists()

    retry = httpx.post(f"{daphne}/help-requests", json=body, headers=headers)
    assert retry.status_code == 201, retry.text
    assert Message.objects.filter(help_request_id=retry.json()["id"], kind="supervisor_alert").count() == 1


def test_an_answer_cut_off_mid_transaction_is_a_503_and_the_request_still_waits(daphne, api_token, endpoint):
    help_request = services.create_help_request(question=QUESTION, caller_phone=CALLER).help_request
    learned_before = KnowledgeEntry.objects.count()
    url = f"{daphne}/help-requests/{help_request.pk}/resolve"
    headers = {"Authorization": f"Bearer {api_token}"}
    answer = {"answer": "Yes, gift cards are sold at the front desk."}

    response = dropped_mid_transaction(endpoint, lambda: httpx.post(url, json=answer, headers=headers))

    assert_unavailable(response)
    # The status swap, the learned entry and the caller's text were written before the drop: all gone.
    help_request.refresh_from_db()
    assert help_request.status == "pending" and help_request.answer is None
    assert KnowledgeEntry.objects.count() == learned_before
    assert not Message.objects.filter(kind="caller_followup").exists()
    assert not HelpRequestEvent.objects.filter(to_status="resolved").exists()

    retry = httpx.post(url, json=answer, headers=headers)
    assert retry.status_code == 200 and retry.json()["status"] == "resolved", retry.text
    assert Message.objects.filter(help_request_id=help_request.pk, kind="caller_followup").count() == 1
