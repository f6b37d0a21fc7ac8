"""Warm transfer with the real agent: an AgentSession with the offline brain, the real API on the
test server, and the real `livekit-api` client talking to the LiveKit test double.

The person's side is played through the API (join, accept, decline, cancel), as the console
would. The consultation room is the only thing replaced: `Briefing` records what the agent
would say there (a media room needs a real LiveKit server). The agent learns each step by
reading the transfer (here every 0.2 s; the push over `/ws/calls/<id>/` is tested in calls/).
"""

import asyncio
import json

import httpx
import jwt
import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone
from livekit.api import TokenVerifier

from calls import transfers
from calls.models import Transfer
from calls.tests.livekit_double import LiveKitTwirpDouble
from calls.tests.support import LIVEKIT
from voice_worker import transfer as transfer_module
from voice_worker.api_client import SalonApi
from voice_worker.brain import CONNECTING, NOBODY_NOW, OFFER_HELP
from voice_worker.tests.support import run, said, start_call
from voice_worker.tests.test_hold_on_call import Heard
from voice_worker.transfer import HANDED_OVER, RETURNED

pytestmark = pytest.mark.django_db(transaction=True)

COLOR = "My color came out orange yesterday and I need it fixed before my wedding on Saturday."


class Briefing:
    """The consultation room as the agent uses it: what it joined with and what it said there."""

    def __init__(self):
        self.joined: list[tuple[str, str]] = []
        self.said: list[str] = []
        self.left = 0

    async def join(self, url: str, token: str) -> None:
        self.joined.append((url, token))

    async def brief(self, text: str) -> None:
        self.said.append(text)

    async def leave(self) -> None:
        self.left += 1


@pytest.fixture
def livekit(settings, monkeypatch):
    monkeypatch.setattr(transfer_module, "POLL_SECONDS", 0.2)
    with LiveKitTwirpDouble(LIVEKIT["LIVEKIT_API_KEY"], LIVEKIT["LIVEKIT_API_SECRET"]) as double:
        settings.LIVEKIT_URL = double.url
        settings.LIVEKIT_API_KEY = LIVEKIT["LIVEKIT_API_KEY"]
        settings.LIVEKIT_API_SECRET = LIVEKIT["LIVEKIT_API_SECRET"]
        settings.LIVEKIT_SIP_TRUNK_ID = None
        yield double
        assert double.refused == []


async def post(server, path: str, body: dict | None = None) -> httpx.Response:
    async with httpx.AsyncClient(base_url=server.url, headers={"Authorization": f"Bearer {server.token}"}) as client:
        return await client.post(path, json=body or {})


async def get(server, path: str) -> dict:
    async with httpx.AsyncClient(base_url=server.url, headers={"Authorization": f"Bearer {server.token}"}) as client:
        return (await client.get(path)).json()


async def wait_until(check, timeout: float = 10):
    async def poll():
        while not (result := await check()):
            await asyncio.sleep(0.1)
        return result

    return await asyncio.wait_for(poll(), timeout)


async def ask_for_a_person(server, api: SalonApi, briefing: Briefing | None = None):
    """A call that has gone somewhere, then "let me talk to someone": the transfer rings."""
    call = await start_call(api)
    call.agent.consultation = briefing = briefing or Briefing()
    heard = Heard(call.session)
    await call.session.run(user_input=COLOR)
    result = await call.session.run(user_input="Can I speak to the manager please?")
    [transfer] = await wait_until(lambda: _transfers(server, call.call.call_id))
    return call, briefing, heard, result, transfer


async def _transfers(server, call_id: int) -> list:
    return await get(server, f"/api/v1/calls/{call_id}/transfers")


def test_the_person_is_briefed_then_accepts_and_the_agent_leaves_only_then(salon_server, livekit):
    async def scenario():
        async with SalonApi(salon_server.url, salon_server.token) as api:
            call, briefing, heard, result, transfer = await ask_for_a_person(salon_server, api)
            call_id, transfer_id = call.call.call_id, transfer["id"]
            # Ringing: the caller is holding, the agent is in the consultation room, nobody left.
            await wait_until(lambda: _true(briefing.joined))
            joined = await post(salon_server, f"/api/v1/transfers/{transfer_id}/join")
            await wait_until(lambda: _true(briefing.said))
            briefed_call = await get(salon_server, f"/api/v1/calls/{call_id}")
            accepted = await post(salon_server, f"/api/v1/transfers/{transfer_id}/accept")
            handed = await heard.wait_for("on the line with you now", timeout=10)
            ended = await wait_until(lambda: _ended(salon_server, call_id))
            await call.call.aclose()
            return result, transfer, briefing, joined.json(), briefed_call, accepted.json(), handed, ended

    result, transfer, briefing, joined, briefed_call, accepted, handed, ended = run(scenario())

    person = transfer["supervisor"]["name"].split()[0]
    assert said(result) == CONNECTING.format(person=person)
    assert transfer["consult_room"] in {create.body.name for create in livekit.calls("CreateRoom")}
    [(url, agent_token)] = briefing.joined
    claims = TokenVerifier(LIVEKIT["LIVEKIT_API_KEY"], LIVEKIT["LIVEKIT_API_SECRET"]).verify(agent_token)
    assert url == livekit.url and claims.video.room == transfer["consult_room"] and claims.kind == "agent"
    raw = jwt.decode(agent_token, options={"verify_signature": False})
    assert raw["exp"] - raw["nbf"] <= 300
    # The briefing: the summary of this call, spoken in the consultation room, while the agent stayed.
    assert joined["transfer"]["status"] == "briefing"
    [summary] = briefing.said
    assert summary == joined["transfer"]["summary"] and "orange" in summary and "manager" in summary
    assert briefed_call["status"] == "active"
    # Accepted: the person has a token for the caller's room only; the agent said goodbye and left.
    person_claims = TokenVerifier(LIVEKIT["LIVEKIT_API_KEY"], LIVEKIT["LIVEKIT_API_SECRET"]).verify(accepted["token"])
    assert person_claims.video.room == ended["room"] == accepted["room"]
    assert handed == HANDED_OVER.format(name=person)
    assert ended["status"] == "ended" and ended["end_reason"] == "transferred"
    assert briefing.left >= 1


def test_declined_the_agent_returns_and_opens_a_help_request_on_yes(salon_server, livekit):
    async def scenario():
        async with SalonApi(salon_server.url, salon_server.token) as api:
            call, briefing, heard, _, transfer = await ask_for_a_person(salon_server, api)
            await post(salon_server, f"/api/v1/transfers/{transfer['id']}/decline", {"reason": "With a client."})
            back = await heard.wait_for(OFFER_HELP, timeout=10)
            result = await call.session.run(user_input="Yes please.")
            state = await get(salon_server, f"/api/v1/calls/{call.call.call_id}")
            await call.session.aclose()
            await call.call.aclose()
            return transfer, back, result, state

    transfer, back, result, state = run(scenario())

    person = transfer["supervisor"]["name"].split()[0]
    assert back == f"{RETURNED['declined'].format(name=person)} {OFFER_HELP}"
    outputs = [json.loads(e.item.output) for e in result.events if e.type == "function_call_output"]
    assert outputs[-1]["status"] == "escalated"
    assert state["status"] == "active"  # the agent is still with the caller
    [request] = [r for r in salon_server.help_requests() if r["id"] == outputs[-1]["help_request_id"]]
    assert "manager" in request["question"]


@pytest.mark.parametrize("outcome", ["no_answer", "timed_out", "cancelled"])
def test_every_other_outcome_returns_the_caller_to_the_agent(salon_server, livekit, outcome):
    async def scenario():
        async with SalonApi(salon_server.url, salon_server.token) as api:
            call, _, heard, _, transfer = await ask_for_a_person(salon_server, api)
            if outcome == "timed_out":
                await post(salon_server, f"/api/v1/transfers/{transfer['id']}/join")
            if outcome == "cancelled":
                await post(salon_server, f"/api/v1/transfers/{transfer['id']}/cancel", {"reason": "Closing up."})
            else:
                await sync_to_async(_past_deadline_then_sweep)(transfer["id"])
            back = await heard.wait_for(OFFER_HELP, timeout=10)
            state = await get(salon_server, f"/api/v1/transfers/{transfer['id']}")
            await call.session.aclose()
            await call.call.aclose()
            return transfer, back, state

    transfer, back, state = run(scenario())

    assert state["status"] == outcome
    assert back == f"{RETURNED[outcome].format(name=transfer['supervisor']['name'].split()[0])} {OFFER_HELP}"


def test_when_livekit_fails_the_agent_stays_and_offers_a_help_request(salon_server, livekit):
    livekit.fail_next("CreateRoom", status=503, code="unavailable", msg="no capacity")

    async def scenario():
        async with SalonApi(salon_server.url, salon_server.token) as api:
            call = await start_call(api)
            result = await call.session.run(user_input="I want to talk to a real person.")
            transfers_ = await _transfers(salon_server, call.call.call_id)
            await call.session.aclose()
            await call.call.aclose()
            return said(result), transfers_

    reply, transfers_ = run(scenario())

    assert reply == f"{NOBODY_NOW} {OFFER_HELP}"
    assert [t["status"] for t in transfers_] == ["failed"] and "no capacity" in transfers_[0]["outcome_note"]


def test_a_caller_who_hangs_up_while_holding_cancels_the_transfer(salon_server, livekit):
    async def scenario():
        async with SalonApi(salon_server.url, salon_server.token) as api:
            call, _, _, _, transfer = await ask_for_a_person(salon_server, api)
            await call.session.aclose()
            state = await wait_until(lambda: _status_is(salon_server, transfer["id"], "cancelled"))
            await call.call.aclose()
            return state

    assert run(scenario())["outcome_note"] == "the caller hung up"


def _past_deadline_then_sweep(transfer_id: int) -> None:
    Transfer.objects.filter(pk=transfer_id).update(deadline=timezone.now())
    transfers.expire_transfers()


async def _true(value):
    return value


async def _ended(server, call_id: int):
    call = await get(server, f"/api/v1/calls/{call_id}")
    return call if call["status"] == "ended" else None


async def _status_is(server, transfer_id: int, status: str):
    transfer = await get(server, f"/api/v1/transfers/{transfer_id}")
    return transfer if transfer["status"] == status else None
