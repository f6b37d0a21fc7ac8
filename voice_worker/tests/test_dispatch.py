"""Which rooms the receptionist takes: under automatic dispatch (an empty VOICE_AGENT_NAME)
LiveKit offers the worker every new room, the transfers' consultation rooms too, and the agent
briefing a person there must be alone with them."""

import asyncio
from dataclasses import replace

from livekit.agents import JobRequest
from livekit.agents.worker import _default_request_fnc
from livekit.protocol import agent, models

from calls.livekit_rooms import CONSULT_ROOM_PREFIX
from voice_worker.config import WorkerConfig
from voice_worker.worker import build_server


def offer(server, room: str) -> str:
    """A job request for `room` as the AgentServer handles one: what the worker answered."""
    answers: list[str] = []

    async def on_reject(terminate: bool) -> None:
        answers.append("rejected")

    async def on_accept(arguments) -> None:
        answers.append("accepted")

    job = agent.Job(id="AJ_test", room=models.Room(name=room, sid="RM_test"), agent_name=server._agent_name)
    decide = server._request_fnc or _default_request_fnc
    asyncio.run(decide(JobRequest(job=job, on_reject=on_reject, on_accept=on_accept)))
    return answers[0]


def test_under_automatic_dispatch_the_receptionist_never_joins_a_consultation_room():
    server = build_server(replace(WorkerConfig.from_settings(), agent_name=""))

    assert server._agent_name == ""  # automatic dispatch: every new room is offered
    assert offer(server, f"{CONSULT_ROOM_PREFIX}12-a1b2c3d4") == "rejected"
    assert offer(server, "call-12-web") == "accepted"
    assert offer(server, "sip-room-_+14155550150_abcd") == "accepted"
