"""Fixtures shared by every app's tests: an API client with a real token, the seeded salon,
and the texts the in-memory SMS backend sent (`sent_texts`)."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import connection
from django.test import Client

from core import processes
from core.models import ApiToken
from outbound.sms import InMemoryBackend
from salon_project.tests.support_livekit import (  # noqa: F401
    livekit_sandbox,
    salon_api_env,
    salon_api_over_livekit,
    salon_over_livekit,
    voice_worker_env,
)

pytest_plugins = ["salon_project.tests.slow_lane"]  # marks `slow` what the fast lane leaves out


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


@pytest.fixture(scope="session", autouse=True)
def _test_database_celery_state():
    """The test database's broker and beat schedule folder (settings_test) goes with it."""
    yield
    shutil.rmtree(Path(settings.CELERY_BEAT_SCHEDULE_FILENAME).parent, ignore_errors=True)


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
def sent_texts():
    InMemoryBackend.sent_texts.clear()
    yield InMemoryBackend.sent_texts
    InMemoryBackend.sent_texts.clear()


WAIT = 3  # seconds for something that should arrive at once over a websocket


def run(scenario) -> None:
    """Run an async scenario from a sync test (no asyncio test plugin is installed)."""
    async_to_sync(scenario)()


def bearer(token: str) -> list[tuple[bytes, bytes]]:
    """Websocket handshake headers of an API client."""
    return [(b"authorization", f"Bearer {token}".encode())]


def session_headers(user, origin: str = "http://testserver") -> list[tuple[bytes, bytes]]:
    """Websocket handshake headers of a browser logged in as `user`, on a page of `origin`."""
    client = Client()
    client.force_login(user)
    return [(b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()), (b"origin", origin.encode())]


async def closed_with(communicator: WebsocketCommunicator) -> int:
    """Connect and return the close code the server sent right after accepting."""
    connected, _ = await communicator.connect(timeout=WAIT)
    assert connected
    message = await communicator.receive_output(timeout=WAIT)
    assert message["type"] == "websocket.close"
    await communicator.disconnect(code=message["code"])
    return message["code"]


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


class Daphne:
    """The real ASGI app (API and websockets) in a daphne process on a free port, on this test
    run's database and Redis (if any). It keeps its port, so a test can kill it and start it
    again at the same address (open pages reconnect to it)."""

    def __init__(self, log_path: Path, start_seconds: int = 30, host: str = "127.0.0.1", **env_overrides: str):
        with socket.socket() as probe:
            probe.bind((host, 0))
            self.port = probe.getsockname()[1]
        self.host = host  # another local address when a network namespace must reach it (LiveKit's tests)
        self.base = f"{host}:{self.port}"
        self.log_path = log_path
        self.start_seconds = start_seconds
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "salon_project.settings", "PYTHONUNBUFFERED": "1"}
        env["DATABASE_URL"] = subprocess_database_url()
        if settings.REDIS_URL:
            env["REDIS_URL"] = settings.REDIS_URL
        else:
            env.pop("REDIS_URL", None)
        # Texts and webhooks run inside daphne, as in the tests' own process: no job may be left in a
        # broker for a later worker.
        env["CELERY_TASK_ALWAYS_EAGER"] = "true"
        env.update(env_overrides)
        self.env = env
        self.process: subprocess.Popen | None = None
        self._log_mode = "w"

    def start(self) -> str:
        """Start daphne (again) on its port; returns "127.0.0.1:<port>" once it answers /health."""
        command = [
            sys.executable,
            "-m",
            "daphne",
            "-b",
            self.host,
            "-p",
            str(self.port),
            "salon_project.asgi:application",
        ]
        with open(self.log_path, self._log_mode) as log:
            self.process = subprocess.Popen(
                command, env=self.env, cwd=settings.BASE_DIR, stdout=log, stderr=subprocess.STDOUT
            )
        self._log_mode = "a"  # a restart adds to the same log
        deadline = time.monotonic() + self.start_seconds
        while True:
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"daphne did not start:\n{self.log_path.read_text()}")
            try:
                if httpx.get(f"http://{self.base}/api/v1/health", timeout=1).status_code == 200:
                    return self.base
            except httpx.HTTPError:
                time.sleep(0.2)

    def kill(self) -> None:
        """SIGKILL, as a crash or an OOM kill would: no shutdown, every connection cut."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None:
            processes.stop(self.process)


@contextmanager
def serving_daphne(log_path: Path, start_seconds: int = 30, **env_overrides: str) -> Iterator[str]:
    """A `Daphne` for the duration of the block; yields "127.0.0.1:<port>" once it answers /health."""
    daphne = Daphne(log_path, start_seconds, **env_overrides)
    try:
        yield daphne.start()
    finally:
        daphne.stop()


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(settings.BASE_DIR) / "var" / "artifacts"


@pytest.fixture
def chromium():
    """Headless Chromium (Debian's package) driven by Playwright; skipped where it is missing,
    except in CI, where .ci/run installs it and a missing browser is a failure.

    One per test: Playwright's sync API runs an asyncio loop in this thread while it is open,
    and `async_to_sync` (channel layer sends, websocket test clients) refuses to run beside one.
    Inside a browser test, act on the server through HTTP, or through code run in a thread."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is not at {CHROMIUM}; .ci/run installs Debian's chromium package.")
        pytest.skip(f"Chromium is not at {CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the tests still use the ORM here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def console_env() -> dict[str, str]:
    """Environment variables for the `console_site` daphne; override the fixture to add some."""
    return {}


@pytest.fixture
def console_site(tmp_path, console_env) -> Iterator[str]:
    """The whole site (console pages, API, websockets) in a real daphne process on this test's
    database; yields its base URL. Tests using it need `django_db(transaction=True)`."""
    with serving_daphne(tmp_path / "daphne.log", **console_env) as base:
        yield f"http://{base}"


@pytest.fixture
def staff_login(chromium, console_site, django_user_model):
    """`staff_login(username)` → a new browser page logged in to the console as a staff member
    (created on first use), through the admin's login form as a person would."""
    contexts = []

    def login(username: str = "maya", viewport: dict | None = None):
        if not django_user_model.objects.filter(username=username).exists():
            # Hashed as the real settings hash, since the daphne process checks it.
            password = make_password("console-pass", hasher="pbkdf2_sha256")
            django_user_model.objects.create(username=username, password=password, is_staff=True)
        context = chromium.new_context(viewport=viewport or {"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{console_site}/admin/login/?next=/console/")
        page.fill("#id_username", username)
        page.fill("#id_password", "console-pass")
        page.click("input[type=submit]")
        page.wait_for_url(f"{console_site}/console/")
        return page

    yield login
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> Path:
    """Save a screenshot of `page` as a test artifact: var/artifacts/<name>.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
