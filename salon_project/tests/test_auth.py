"""Who may call the API: bearer tokens (hashed, revocable) and staff sessions with CSRF."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from conftest import ApiClient
from core.models import ApiToken, hash_token

pytestmark = pytest.mark.django_db

PROTECTED = [
    ("get", "/api/v1/help-requests"),
    ("get", "/api/v1/supervisors"),
    ("get", "/api/v1/messages"),
    ("get", "/api/v1/knowledge"),
    ("post", "/api/v1/knowledge/lookup"),
    ("get", "/api/v1/webhook-endpoints"),
]


@pytest.mark.parametrize("method,path", PROTECTED)
def test_no_or_bad_credentials_are_401_with_a_sentence(anonymous, method, path):
    for client in (anonymous, ApiClient("sfd_not-a-real-token")):
        response = getattr(client, method)(path)
        assert response.status_code == 401
        assert "Authorization: Bearer" in response.data["detail"]


@pytest.mark.parametrize("token", [None, "sfd_not-a-real-token"])
def test_a_write_without_credentials_is_a_401_where_csrf_is_enforced_too(token):
    """As any HTTP client sends it (Django's test client skips CSRF unless told): without a session
    cookie there is no CSRF to check, so the answer is the documented 401, not a 403."""
    client = ApiClient(token)
    client.client = Client(enforce_csrf_checks=True)
    response = client.post("/api/v1/knowledge/lookup", {"question": "hours?"})
    assert response.status_code == 401 and "Authorization: Bearer" in response.data["detail"]


def test_health_and_docs_need_no_auth(anonymous):
    assert anonymous.get("/api/v1/health").status_code == 200
    assert anonymous.client.get("/api/v1/openapi.json").status_code == 200
    assert anonymous.client.get("/api/v1/docs").status_code == 200


def test_createapitoken_prints_the_token_last_and_stores_only_a_hash(capsys):
    call_command("createapitoken", "crm")
    token = capsys.readouterr().out.strip().splitlines()[-1]

    stored = ApiToken.objects.get(name="crm")
    assert token.startswith(stored.prefix) and token not in (stored.token_hash, stored.prefix)
    assert stored.token_hash == hash_token(token)
    assert ApiClient(token).get("/api/v1/supervisors").status_code == 200


def test_revoked_token_is_refused():
    token, plain = ApiToken.issue("old")
    token.revoke()
    assert ApiClient(plain).get("/api/v1/supervisors").status_code == 401


def test_a_tokens_use_is_recorded_at_most_once_a_minute():
    """`last_used_at` shows operators which tokens are alive, without a write on every request."""
    token, plain = ApiToken.issue("crm")
    client = ApiClient(plain)
    assert client.get("/api/v1/ping").status_code == 204
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None and timezone.is_aware(first)

    assert client.get("/api/v1/ping").status_code == 204  # within the minute: not written again
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first

    a_while_ago = first - ApiToken.LAST_USED_RESOLUTION - timedelta(seconds=1)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=a_while_ago)
    assert client.get("/api/v1/ping").status_code == 204
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first


def test_staff_session_works_with_csrf_and_non_staff_is_refused():
    User.objects.create_user("maya", password="pw", is_staff=True)
    User.objects.create_user("guest", password="pw")

    staff = Client(enforce_csrf_checks=True)
    staff.login(username="maya", password="pw")
    assert staff.get("/api/v1/supervisors").status_code == 200
    no_csrf = staff.post("/api/v1/knowledge/lookup", {"question": "hours?"}, content_type="application/json")
    assert no_csrf.status_code == 403
    staff.get("/admin/")  # sets the CSRF cookie, as the console pages do
    csrf = staff.cookies["csrftoken"].value
    with_csrf = staff.post(
        "/api/v1/knowledge/lookup",
        {"question": "hours?"},
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert with_csrf.status_code == 200

    guest = Client()
    guest.login(username="guest", password="pw")
    assert guest.get("/api/v1/supervisors").status_code == 401


def test_ping_only_authenticates(api, anonymous):
    assert api.get("/api/v1/ping").status_code == 204
    assert anonymous.get("/api/v1/ping").status_code == 401


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/help-requests?limit=300984077296811547862086449553282695168",
        "/api/v1/supervisors?offset=398300291849162392418421706070163456",
        "/api/v1/messages?help_request_id=-10000000000000000001",
        "/api/v1/help-requests/99999999999999999999999",
        "/api/v1/knowledge?limit=501",
    ],
)
def test_absurd_numbers_are_422_not_500(api, path):
    response = api.get(path)
    assert response.status_code == 422
