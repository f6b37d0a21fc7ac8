"""`/ws/calls/<id>/` over a real daphne process and a real websocket client (aiohttp, which the
LiveKit SDK already brings), as the voice worker will use it: bearer header, no Origin.

Daphne runs the production settings against this test run's database. With REDIS_URL set (CI)
the push is also sent from this process and must cross Redis to reach daphne's consumer, which
is exactly how a resolve on one web server reaches a worker connected to another.
"""

import asyncio
import json
from collections.abc import Iterator

import aiohttp
import pytest
from django.conf import settings
from django.db import connection

from calls import services
from calls.tests.support import add_owner, ask_during_call, resolve, start_call
from conftest import serving_daphne
from core.broadcast import broadcast

# Outside the fast lane (slow): starts daphne.
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

START_SECONDS = 30
WAIT = 5


@pytest.fixture(scope="module")
def daphne(django_db_setup, tmp_path_factory) -> Iterator[str]:
    """A daphne serving the real ASGI app on a free port; yields its host:port."""
    with serving_daphne(tmp_path_factory.mktemp("daphne") / "daphne.log", start_seconds=START_SECONDS) as base:
        yield base


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
