"""`/ws/calls/<id>/` over a real daphne process and a real websocket client (aiohttp, which the
LiveKit SDK already brings), as the voice worker will use it: bearer header, no Origin.

Daphne runs the production settings against this test run's database. With REDIS_URL set (CI)
the push is also sent from this process and must cross Redis to reach daphne's consumer, which
is exactly how a resolve on one web server reaches a worker connected to another.
"""

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import httpx
import pytest
from django.conf import settings
from django.db import connection

from calls import services
from calls.tests.support import add_owner, ask_during_call, resolve, start_call
from conftest import subprocess_database_url
from salon_project.broadcast import broadcast

pytestmark = pytest.mark.django_db(transaction=True)

START_SECONDS = 30
WAIT = 5


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def daphne(django_db_setup, tmp_path_factory) -> Iterator[str]:
    """A daphne serving the real ASGI app on a free port; yields its base URL."""
    port = _free_port()
    log_path = tmp_path_factory.mktemp("daphne") / "daphne.log"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "salon_project.settings", "PYTHONUNBUFFERED": "1"}
    env["DATABASE_URL"] = subprocess_database_url()
    if settings.REDIS_URL:
        env["REDIS_URL"] = settings.REDIS_URL
    else:
        env.pop("REDIS_URL", None)
    command = [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "salon_project.asgi:application"]
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"127.0.0.1:{port}"
    try:
        _wait_until_serving(process, base, log_path)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_serving(process: subprocess.Popen, base: str, log_path: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"daphne exited with {process.returncode}:\n{log_path.read_text()}")
        try:
            if httpx.get(f"http://{base}/api/v1/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    pytest.fail(f"daphne did not serve within {START_SECONDS}s:\n{log_path.read_text()}")


def _broadcast_from_a_thread(group: str, event: dict) -> None:
    """`broadcast` as a web server thread calls it; that thread's database connection is closed
    after, or it would keep the test database from being dropped at the end of the run."""
    try:
        broadcast(group, event)
    finally:
        connection.close()


async def _next_message(ws: aiohttp.ClientWebSocketResponse) -> aiohttp.WSMessage:
    return await asyncio.wait_for(ws.receive(), timeout=WAIT)


@pytest.fixture
def call(api) -> dict:
    add_owner()
    return start_call(api)


def test_anonymous_is_closed_with_4401(daphne, call):
    async def scenario() -> int:
        async with (
            aiohttp.ClientSession() as session,
            session.ws_connect(f"ws://{daphne}/ws/calls/{call['id']}/") as ws,
        ):
            message = await _next_message(ws)
            assert message.type == aiohttp.WSMsgType.CLOSE
            return message.data

    assert asyncio.run(scenario()) == 4401


def test_a_token_holder_gets_the_answers_it_missed_on_joining(daphne, api, api_token, call):
    asked = ask_during_call(api, call["id"])
    resolve(api, asked["id"], "Yes, on Clay Street.")
    headers = {"Authorization": f"Bearer {api_token}"}

    async def scenario() -> dict:
        async with aiohttp.ClientSession() as session:
            async with session.ws_connect(f"ws://{daphne}/ws/calls/{call['id']}/", headers=headers) as ws:
                message = await _next_message(ws)
                assert message.type == aiohttp.WSMsgType.TEXT, message
                return json.loads(message.data)

    assert asyncio.run(scenario()) == {
        "type": "help_request.resolved",
        "help_request_id": asked["id"],
        "call_id": call["id"],
        "answer": "Yes, on Clay Street.",
    }


@pytest.mark.skipif(not settings.REDIS_URL, reason="the in-memory channel layer does not cross processes")
def test_a_broadcast_in_this_process_reaches_daphnes_listener_over_redis(daphne, api_token, call):
    event = {"type": "help_request.resolved", "help_request_id": 41, "call_id": call["id"], "answer": "Yes."}
    headers = {"Authorization": f"Bearer {api_token}"}

    async def scenario() -> dict:
        async with aiohttp.ClientSession() as session:
            async with session.ws_connect(f"ws://{daphne}/ws/calls/{call['id']}/", headers=headers) as ws:
                # The group is joined before the handshake completes, so nothing can be missed.
                await asyncio.to_thread(_broadcast_from_a_thread, services.call_group(call["id"]), event)
                message = await _next_message(ws)
                assert message.type == aiohttp.WSMsgType.TEXT, message
                return json.loads(message.data)

    assert asyncio.run(scenario()) == event
