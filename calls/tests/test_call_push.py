"""`/ws/calls/<id>/` in-process (channels' WebsocketCommunicator through the real ASGI app and
its auth middleware): who may listen, and that answers reach the listener of their call.

The channel layer is the one the settings choose: in-memory on the embedded default, Redis when
REDIS_URL is set. These tests are `transaction=True` because the consumer reads the database
from another thread, which must see committed rows.
"""

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User
from django.db import transaction

from calls import services
from calls.tests.support import add_owner, ask_during_call, resolve, start_call
from conftest import WAIT, bearer, closed_with, run, session_headers
from core.broadcast import broadcast
from helprequests import services as help_request_services
from salon_project.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)


def listener(call_id: int, headers: list[tuple[bytes, bytes]]) -> WebsocketCommunicator:
    return WebsocketCommunicator(application, f"/ws/calls/{call_id}/", headers=headers)


@pytest.fixture
def call(api) -> dict:
    add_owner()
    return start_call(api)


def answer(call_id: int, help_request_id: int = 7, text: str = "Yes, on Clay Street.") -> dict:
    return {"type": "help_request.resolved", "help_request_id": help_request_id, "call_id": call_id, "answer": text}


def test_anonymous_and_bad_tokens_are_closed_with_4401(call):
    async def scenario():
        assert await closed_with(listener(call["id"], [])) == 4401
        assert await closed_with(listener(call["id"], bearer("sfd_not-a-real-token"))) == 4401
        assert await closed_with(listener(call["id"], [(b"authorization", b"Basic dXNlcjpwdw==")])) == 4401

    run(scenario)


def test_a_session_that_is_not_staff_is_closed_with_4401(call):
    headers = session_headers(User.objects.create_user("guest", password="pw"))

    async def scenario():
        assert await closed_with(listener(call["id"], headers)) == 4401

    run(scenario)


def test_a_staff_session_opened_from_another_site_counts_for_nothing(call):
    """Cross-site websocket hijacking: the browser sends the cookie, the Origin gives it away."""
    staff = User.objects.create_user("maya", password="pw", is_staff=True)
    cross_site = session_headers(staff, origin="https://evil.example")
    no_origin = [header for header in session_headers(staff) if header[0] != b"origin"]

    async def scenario():
        assert await closed_with(listener(call["id"], cross_site)) == 4401
        assert await closed_with(listener(call["id"], no_origin)) == 4401

    run(scenario)


def test_an_unknown_call_is_closed_with_4404(api_token, call):
    async def scenario():
        assert await closed_with(listener(999, bearer(api_token))) == 4404

    run(scenario)


def test_a_broadcast_reaches_the_listener_of_that_call_only(api_token, call):
    async def scenario():
        communicator = listener(call["id"], bearer(api_token))
        connected, _ = await communicator.connect(timeout=WAIT)
        assert connected
        await sync_to_async(broadcast)(services.call_group(call["id"] + 1), answer(call["id"] + 1))
        await sync_to_async(broadcast)(services.call_group(call["id"]), answer(call["id"]))

        assert await communicator.receive_json_from(timeout=WAIT) == answer(call["id"])
        assert await communicator.receive_nothing(timeout=0.3)
        await communicator.send_json_to({"type": "ping"})
        assert await communicator.receive_json_from(timeout=WAIT) == {"type": "pong"}
        await communicator.disconnect()

    run(scenario)


def test_a_staff_session_may_listen(call):
    headers = session_headers(User.objects.create_user("maya", password="pw", is_staff=True))

    async def scenario():
        communicator = listener(call["id"], headers)
        connected, _ = await communicator.connect(timeout=WAIT)
        assert connected
        await sync_to_async(broadcast)(services.call_group(call["id"]), answer(call["id"]))
        assert (await communicator.receive_json_from(timeout=WAIT))["call_id"] == call["id"]
        await communicator.disconnect()

    run(scenario)


def test_nothing_is_pushed_when_the_transaction_rolls_back(api_token, call):
    def broadcast_then_fail() -> None:
        with pytest.raises(RuntimeError), transaction.atomic():
            broadcast(services.call_group(call["id"]), answer(call["id"]))
            raise RuntimeError("the change that caused the event failed")

    async def scenario():
        communicator = listener(call["id"], bearer(api_token))
        await communicator.connect(timeout=WAIT)
        await sync_to_async(broadcast_then_fail)()
        assert await communicator.receive_nothing(timeout=0.3)
        await communicator.disconnect()

    run(scenario)


def test_an_answer_given_before_the_listener_joined_is_sent_on_joining(api, api_token, call):
    asked = ask_during_call(api, call["id"])
    resolve(api, asked["id"], "Yes, on Clay Street.")

    async def scenario():
        communicator = listener(call["id"], bearer(api_token))
        await communicator.connect(timeout=WAIT)
        assert await communicator.receive_json_from(timeout=WAIT) == answer(call["id"], asked["id"])
        await communicator.disconnect()

    run(scenario)


def test_resolving_a_help_request_pushes_the_answer_to_its_call(api, api_token, call):
    asked = ask_during_call(api, call["id"])

    async def scenario():
        communicator = listener(call["id"], bearer(api_token))
        await communicator.connect(timeout=WAIT)
        await database_sync_to_async(help_request_services.resolve_help_request)(
            asked["id"], answer="Yes, on Clay Street.", learn=False
        )
        try:
            pushed = await communicator.receive_json_from(timeout=WAIT)
        finally:
            await communicator.disconnect()
        assert pushed == answer(call["id"], asked["id"])

    run(scenario)
