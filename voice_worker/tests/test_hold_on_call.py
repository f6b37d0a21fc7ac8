"""Hold-on-call: after escalating during a live call the agent keeps the caller company; a
supervisor's answer pushed over the call's websocket within HOLD_FOR_ANSWER_SECONDS is told to
the caller at once and reported (answers-delivered); otherwise the caller is told to expect a
text.

The first tests put the websocket under the test's control (support_push) and the real API on
the test server behind it; the last runs everything for real: daphne serving the API and the
call's websocket, the supervisor resolving through the API, the push crossing the channel layer.
"""

import asyncio
import json
import time
from datetime import datetime

import httpx
import pytest
from livekit.agents import llm

from conftest import serving_daphne
from voice_worker.api_client import SalonApi
from voice_worker.brain import ESCALATION
from voice_worker.call import ANSWER_ARRIVED, HOLD_OVER, STILL_WAITING
from voice_worker.tests.support import run, said, start_call
from voice_worker.tests.support_push import PushFrontDoor

pytestmark = pytest.mark.django_db(transaction=True)

ANSWER = "Yes, we sell gift cards in any amount at the front desk."


class Heard:
    """Everything the agent says from now on, to wait for a line said outside any run."""

    def __init__(self, session):
        self.lines: list[str] = []
        session.on("conversation_item_added", self._on_item)

    def _on_item(self, event) -> None:
        if isinstance(event.item, llm.ChatMessage) and event.item.role == "assistant":
            self.lines.append(event.item.text_content or "")

    async def wait_for(self, fragment: str, timeout: float) -> str:
        async def heard():
            while not any(fragment in line for line in self.lines):
                await asyncio.sleep(0.05)
            return next(line for line in self.lines if fragment in line)

        return await asyncio.wait_for(heard(), timeout)


async def resolve(url: str, token: str, help_request_id: int, answer: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {token}"}) as client:
        return await client.post(f"/api/v1/help-requests/{help_request_id}/resolve", json={"answer": answer})


def escalation_of(result) -> dict:
    outputs = [json.loads(e.item.output) for e in result.events if e.type == "function_call_output"]
    return outputs[-1]


def test_an_answer_pushed_during_the_hold_is_told_at_once_and_reported(salon_server):
    async def scenario():
        async with PushFrontDoor(salon_server.url) as door, SalonApi(door.url, salon_server.token) as api:
            call = await start_call(api, hold_seconds=20)
            heard = Heard(call.session)
            result = await call.session.run(user_input="Do you sell gift vouchers?")
            escalated = escalation_of(result)
            call_id, request_id = call.call.call_id, escalated["help_request_id"]
            await door.wait_for_listener(call_id)
            assert (await resolve(salon_server.url, salon_server.token, request_id, ANSWER)).status_code == 200
            started = asyncio.get_running_loop().time()
            event = {
                "type": "help_request.resolved",
                "help_request_id": request_id,
                "call_id": call_id,
                "answer": ANSWER,
            }
            await door.push(call_id, event)
            await door.push(call_id, event)  # a push may come twice (catch-up after a reconnect)
            told = await heard.wait_for(ANSWER, timeout=5)
            latency = asyncio.get_running_loop().time() - started
            for _ in range(50):
                if door.posted(f"/api/v1/calls/{call_id}/answers-delivered"):
                    break
                await asyncio.sleep(0.1)
            await asyncio.sleep(0.5)
            await call.session.aclose()
            await call.call.aclose()
            return said(result), escalated, told, latency, heard.lines, door, call_id, request_id

    reply, escalated, told, latency, lines, door, call_id, request_id = run(scenario())

    assert escalated["holding"] is True and escalated["hold_seconds"] == 20
    assert reply.startswith(ESCALATION) and "stay on the line" in reply
    assert told == ANSWER_ARRIVED.format(answer=ANSWER) and latency < 3
    assert sum(ANSWER in line for line in lines) == 1  # told once, though pushed twice
    assert door.listener_headers[0]["Authorization"] == f"Bearer {salon_server.token}"
    [(body, status)] = door.posted(f"/api/v1/calls/{call_id}/answers-delivered")
    assert json.loads(body) == {"help_request_id": request_id} and status == 200
    # The follow-up text still exists as the written record of the answer.
    texts = salon_server.get("/api/v1/messages", help_request_id=request_id, kind="caller_followup")
    assert texts["count"] == 1


def test_when_the_hold_runs_out_the_caller_is_told_to_expect_a_text(salon_server):
    async def scenario():
        async with PushFrontDoor(salon_server.url) as door, SalonApi(door.url, salon_server.token) as api:
            call = await start_call(api, hold_seconds=5)
            call.call.company_every = 1.5
            heard = Heard(call.session)
            result = await call.session.run(user_input="Is it okay to bring my dog along to my appointment?")
            request_id = escalation_of(result)["help_request_id"]
            over = await heard.wait_for("haven't heard back", timeout=10)
            # A late answer is not told in the call any more: the text takes over.
            await resolve(salon_server.url, salon_server.token, request_id, "Well-behaved dogs are welcome.")
            await door.push(
                call.call.call_id,
                {"type": "help_request.resolved", "help_request_id": request_id, "answer": "Dogs welcome."},
            )
            await asyncio.sleep(1)
            await call.session.aclose()
            await call.call.aclose()
            return over, heard.lines, door.posted(f"/api/v1/calls/{call.call.call_id}/answers-delivered")

    over, lines, reported = run(scenario())

    assert over == HOLD_OVER.format(where=" at 4 1 5, 5 5 5, 0 1 5 0")
    assert STILL_WAITING in lines  # it kept the caller company meanwhile
    assert not any("Dogs welcome" in line for line in lines)
    assert reported == []


def test_no_hold_without_a_hold_window(salon_server):
    async def scenario():
        async with SalonApi(salon_server.url, salon_server.token) as api:
            call = await start_call(api, hold_seconds=0)
            result = await call.session.run(user_input="Do you offer student discounts?")
            await call.session.aclose()
            await call.call.aclose()
            return escalation_of(result), said(result)

    escalated, reply = run(scenario())
    assert escalated["holding"] is False
    assert reply.startswith(ESCALATION) and "text you at 4 1 5, 5 5 5, 0 1 5 0" in reply


# --- everything real: daphne, its websocket consumer, the channel layer -------------------------


@pytest.fixture
def daphne_url(salon_server, tmp_path):
    """The real ASGI app (API and websockets) in daphne, on this test run's database."""
    # Texts go out in-process, so no jobs are left in a broker.
    with serving_daphne(tmp_path / "daphne.log", CELERY_TASK_ALWAYS_EAGER="true", SMS_BACKEND="console") as base:
        yield f"http://{base}"


def test_hold_on_call_end_to_end_over_daphne(salon_server, daphne_url):
    token = salon_server.token

    async def scenario():
        async with SalonApi(daphne_url, token) as api:
            call = await start_call(api, hold_seconds=20)
            heard = Heard(call.session)
            result = await call.session.run(user_input="Do you sell gift vouchers?")
            request_id = escalation_of(result)["help_request_id"]
            await asyncio.sleep(0.5)  # the agent is listening on the call's websocket by now
            # The supervisor answers (from the console, or here through the API).
            assert (await resolve(daphne_url, token, request_id, ANSWER)).status_code == 200
            told = await heard.wait_for(ANSWER, timeout=10)
            await asyncio.sleep(1)  # the delivery report follows the spoken answer
            await call.session.aclose()
            await call.call.aclose()
            return told, call.call.call_id, request_id

    told, call_id, request_id = run(scenario())

    assert told == ANSWER_ARRIVED.format(answer=ANSWER)
    # The worker reported it: a second report returns the first record, made before this one.
    before = time.time()
    report = salon_server.post(f"/api/v1/calls/{call_id}/answers-delivered", {"help_request_id": request_id})
    assert report.status_code == 200
    delivered = report.json()
    assert delivered["followup_message_id"] is not None
    assert datetime.fromisoformat(delivered["delivered_at"]).timestamp() < before
