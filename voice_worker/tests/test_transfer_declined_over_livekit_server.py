"""A declined warm transfer through real rooms, over LiveKit's own server (support_livekit) with
the real voice worker: the consultation room is created, the person joins it with the API's
token and reads the briefing there, nobody else is dispatched into it, and when they decline
the receptionist is back with the caller, with its offer of a help request, which a yes opens."""

import asyncio
import warnings

import pytest
from livekit import api

from salon_project.tests.support_livekit import transfer_asked_for
from voice_worker.brain import ESCALATION, OFFER_HELP
from voice_worker.transfer import RETURNED

pytestmark = pytest.mark.django_db(transaction=True)


def identities_in(salon, room: str) -> list[str]:
    async def listing() -> list[str]:
        async with api.LiveKitAPI(**salon.livekit()) as livekit:
            found = await livekit.room.list_participants(api.ListParticipantsRequest(room=room))
            return sorted(p.identity for p in found.participants)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyJWT: dev mode's well-known secret is short
        return asyncio.run(listing())


def test_the_person_declines_after_the_briefing_and_the_receptionist_comes_back(salon_over_livekit):
    salon = salon_over_livekit
    call, caller, transfer, mark = transfer_asked_for(salon)
    assert transfer["status"] == "ringing" and transfer["consult_room"] in salon.rooms()
    name = transfer["supervisor"]["name"].split()[0]

    joined = salon.post(f"/api/v1/transfers/{transfer['id']}/join")
    assert joined.status_code == 200, joined.text
    person = salon.caller(joined.json()["livekit_url"], joined.json()["token"])
    assert person.connected()["room"] == transfer["consult_room"]
    briefing = person.wait_for(
        lambda e: e["event"] == "text" and e["topic"] == "lk.chat" and e["identity"].startswith("agent-"),
        "the briefing as text",
    )
    assert briefing["text"] == salon.get(f"/api/v1/transfers/{transfer['id']}")["summary"]
    # In the consultation room: the transfer's own agent and the person, no receptionist job.
    assert identities_in(salon, transfer["consult_room"]) == sorted([briefing["identity"], person.identity()])

    declined = salon.post(f"/api/v1/transfers/{transfer['id']}/decline", {"reason": "With a client."})
    assert declined.status_code == 200, declined.text

    back = caller.reply("can't take the call right now", since=mark)
    assert back == f"{RETURNED['declined'].format(name=name)} {OFFER_HELP}"
    mark = caller.say("Yes please")
    assert caller.reply("check with my supervisor", since=mark).startswith(ESCALATION)
    [request] = salon.get("/api/v1/help-requests", limit=100)["items"]
    assert request["call_id"] == call["id"]
    assert salon.get(f"/api/v1/calls/{call['id']}")["status"] == "active"
