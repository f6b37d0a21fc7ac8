"""Fixtures shared by every app's tests: an API client with a real token, the seeded salon,
and the in-memory SMS outbox."""

import json
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from helprequests.sms import InMemoryBackend
from salon_project.models import ApiToken


class ApiClient:
    """Django's test client speaking JSON with a bearer token, as an integrator would."""

    def __init__(self, token: str | None):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def request(self, method: str, path: str, body=None, headers: dict | None = None):
        kwargs = {"headers": {**self.headers, **(headers or {})}}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        response = getattr(self.client, method)(path, **kwargs)
        response.data = json.loads(response.content) if response.content else None
        return response

    def get(self, path, **kw):
        return self.request("get", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("post", path, body if body is not None else {}, **kw)

    def patch(self, path, body, **kw):
        return self.request("patch", path, body, **kw)

    def delete(self, path, **kw):
        return self.request("delete", path, **kw)


@pytest.fixture
def api_token(db) -> str:
    return ApiToken.issue("tests")[1]


@pytest.fixture
def api(api_token) -> ApiClient:
    return ApiClient(api_token)


@pytest.fixture
def anonymous(db) -> ApiClient:
    return ApiClient(None)


@pytest.fixture
def salon(db):
    """The demo salon's knowledge base and supervisors, as `seed_salon` loads them."""
    call_command("seed_salon", verbosity=0)


@pytest.fixture
def outbox():
    InMemoryBackend.outbox.clear()
    yield InMemoryBackend.outbox
    InMemoryBackend.outbox.clear()


def subprocess_database_url() -> str:
    """A DATABASE_URL naming the database this test process is using right now (the test one),
    for a worker or daphne process a test starts; skips the test when it cannot be shared."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        credentials = quote(db["USER"] or "", safe="")
        if db.get("PASSWORD"):
            credentials += ":" + quote(db["PASSWORD"], safe="")
        return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"
    name = str(db["NAME"])
    if connection.vendor != "sqlite" or name == ":memory:" or name.startswith("file:"):
        pytest.skip("the test database cannot be shared with another process")
    return f"sqlite:///{Path(name).resolve()}"
