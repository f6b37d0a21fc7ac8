"""Each step of a transfer reaches the agent on `/ws/calls/<id>/` (`transfer.event`) and the
console feed (`kind: "transfer"`), after commit, through the real ASGI app and channel layer."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User

from calls import transfers
from calls.tests.support import start_call
from calls.tests.test_transfer_api import COLOR_TROUBLE
from conftest import WAIT, bearer, run, session_headers
from salon_project.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_agent_and_the_console_hear_every_step(api, api_token, livekit):
    call = start_call(api)
    staff = session_headers(User.objects.create_user("maya", password="pw", is_staff=True))

    async def scenario():
        agent = WebsocketCommunicator(application, f"/ws/calls/{call['id']}/", headers=bearer(api_token))
        console = WebsocketCommunicator(application, "/ws/console/", headers=staff)
        assert (await agent.connect(timeout=WAIT))[0] and (await console.connect(timeout=WAIT))[0]
        assert (await console.receive_json_from(timeout=WAIT))["action"] == "connected"

        started = await sync_to_async(transfers.start_transfer)(call["id"], reason=COLOR_TROUBLE)
        transfer_id = started.transfer.pk
        await sync_to_async(transfers.decline_transfer)(transfer_id, reason="With a client.", actor="user:maya")

        heard = [await agent.receive_json_from(timeout=WAIT) for _ in range(3)]
        shown = [await console.receive_json_from(timeout=WAIT) for _ in range(3)]
        await agent.disconnect()
        await console.disconnect()
        return transfer_id, heard, shown

    transfer_id, heard, shown = run_scenario(scenario)

    assert [(e["type"], e["id"], e["previous"], e["status"]) for e in heard] == [
        ("transfer.event", transfer_id, "", "requested"),
        ("transfer.event", transfer_id, "requested", "ringing"),
        ("transfer.event", transfer_id, "ringing", "declined"),
    ]
    assert "agent_token" not in heard[1]  # tokens are never broadcast
    assert heard[2]["outcome_note"] == "With a client." and heard[2]["supervisor"]["name"] == "Jordan Alvarez"
    assert [(e["kind"], e["action"]) for e in shown] == [
        ("transfer", "requested"),
        ("transfer", "ringing"),
        ("transfer", "declined"),
    ]
    assert shown[1]["data"]["summary"]


def run_scenario(scenario):
    result = {}

    async def wrapped():
        result["value"] = await scenario()

    run(wrapped)
    return result["value"]
