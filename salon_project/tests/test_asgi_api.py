"""The API as daphne serves it: through salon_project.asgi, whose `/api/` handler runs without
Django's middleware (it costs a thread hand-off each under ASGI). Authentication, CSRF and
error shapes must be exactly what the rest of the suite checks through Django's test client."""

import json

import pytest
from channels.testing import HttpCommunicator
from django.contrib.auth.models import User
from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
from django.test import Client

from conftest import run
from salon_project.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)


def call(method: str, path: str, headers: dict[str, str] | None = None, body: dict | None = None) -> tuple[int, dict]:
    """One request through the ASGI app: (status, JSON body, or {} when it is not JSON)."""
    status, _, content = call_raw(method, path, headers, body)
    return status, json.loads(content) if content.startswith(b"{") else {}


def call_raw(method: str, path: str, headers: dict[str, str] | None = None, body: dict | None = None):
    """One request through the ASGI app: (status, response headers, body bytes)."""
    headers = {"Host": "127.0.0.1:8000", **(headers or {})}
    encoded = [(name.lower().encode(), value.encode()) for name, value in headers.items()]
    payload = b""
    if body is not None:
        payload = json.dumps(body).encode()
        encoded.append((b"content-type", b"application/json"))
    result = {}

    async def scenario():
        communicator = HttpCommunicator(application, method, path, body=payload, headers=encoded)
        result["response"] = await communicator.get_response(timeout=10)

    run(scenario)
    response = result["response"]
    return response["status"], {name.lower(): value for name, value in response["headers"]}, response["body"]


def test_a_bearer_token_is_all_the_api_needs(api_token):
    assert call("GET", "/api/v1/ping", {"Authorization": f"Bearer {api_token}"})[0] == 204
    status, body = call("POST", "/api/v1/knowledge/lookup", {"Authorization": f"Bearer {api_token}"}, {"question": "x"})
    assert status == 200 and body["matched"] is False


def test_no_or_bad_credentials_are_401_with_a_sentence():
    for headers in ({}, {"Authorization": "Bearer sfd_not-a-real-token"}):
        status, body = call("GET", "/api/v1/help-requests", headers)
        assert status == 401 and "Authorization: Bearer" in body["detail"]


def test_a_staff_session_reads_and_writes_with_its_csrf_token():
    client = Client()
    client.force_login(User.objects.create_user("maya", password="pw", is_staff=True))
    session = client.cookies["sessionid"].value
    secret = _get_new_csrf_string()
    cookies = f"sessionid={session}; csrftoken={secret}"
    assert call("GET", "/api/v1/ping", {"Cookie": cookies})[0] == 204

    entry = {"question": "Do you sell gift cards?", "answer": "Yes, at the front desk."}
    status, body = call("POST", "/api/v1/knowledge", {"Cookie": cookies}, entry)
    assert status == 403 and "CSRF" in body["detail"]
    csrf = {"Cookie": cookies, "X-CSRFToken": _mask_cipher_secret(secret), "Origin": "http://127.0.0.1:8000"}
    status, body = call("POST", "/api/v1/knowledge", csrf, entry)
    assert status == 201 and body["question"] == entry["question"]


def test_a_session_that_is_not_staff_is_401():
    client = Client()
    client.force_login(User.objects.create_user("guest", password="pw"))
    status, _ = call("GET", "/api/v1/ping", {"Cookie": f"sessionid={client.cookies['sessionid'].value}"})
    assert status == 401


def test_unknown_api_paths_are_404_and_pages_still_get_the_full_middleware():
    assert call("GET", "/api/v1/no-such-thing")[0] == 404
    status, headers, _ = call_raw("GET", "/admin/login/")
    assert status == 200
    assert headers[b"x-frame-options"] == b"DENY"  # XFrameOptionsMiddleware ran
    assert b"csrftoken=" in headers.get(b"set-cookie", b"")  # CsrfViewMiddleware ran
