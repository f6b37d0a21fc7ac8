"""Automatic dispatch over LiveKit's own server (support_livekit): the real voice worker,
registered with an empty VOICE_AGENT_NAME, is offered every new room, and it turns down a
transfer's consultation room, so nobody but the agent of the transfer waits there."""

import asyncio
import time

import pytest
from livekit import api

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def voice_worker_env() -> dict[str, str]:
    return {"DJANGO_SETTINGS_MODULE": "voice_worker.tests.auto_dispatch_settings"}


def test_under_automatic_dispatch_the_receptionist_does_not_join_a_consultation_room(salon_over_livekit):
    salon = salon_over_livekit
    assert '"agent_name": ""' in salon.worker.output()  # registered for automatic dispatch
    call = salon.post("/api/v1/calls", {"room": "sip-room-auto", "caller_phone": "+14155550150"}).json()
    started = salon.post(f"/api/v1/calls/{call['id']}/transfers", {"reason": "The caller asked for a person."})
    assert started.status_code == 201 and started.json()["status"] == "ringing", started.text
    room = started.json()["consult_room"]

    deadline = time.monotonic() + 30
    while f"Not taking a job in the consultation room {room}" not in salon.worker.output():
        assert time.monotonic() < deadline, f"the worker was not offered {room}:\n{salon.worker.output()[-3000:]}"
        time.sleep(0.3)
    assert participants(salon, room) == []


def participants(salon, room: str) -> list[str]:
    async def listing() -> list[str]:
        async with api.LiveKitAPI(**salon.livekit()) as livekit:
            response = await livekit.room.list_participants(api.ListParticipantsRequest(room=room))
            return [participant.identity for participant in response.participants]

    return asyncio.run(listing())
