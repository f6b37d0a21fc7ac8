"""The caller's room around a transfer, as LiveKit's job sees it: the bridged call is closed when
either side leaves (LiveKit's WarmTransferTask does the same), a room is deleted before the job
shuts down (the job cancels what is still pending), and the hold gives the caller's audio input
back as it was. The job is a stand-in with the JobContext calls the agent makes; the agent,
its session (offline brain), the API and the LiveKit double are the real ones."""

import asyncio
from types import SimpleNamespace

import pytest
from livekit import rtc

from voice_worker import agent as agent_module
from voice_worker.tests.support import api_for, run, start_call
from voice_worker.tests.test_transfer_session import Briefing, ask_for_a_person, livekit, post  # noqa: F401
from voice_worker.transfer import TransferWatch

pytestmark = pytest.mark.django_db(transaction=True)


class Job:
    """The JobContext of a call in a LiveKit room: its room's events, delete_room and shutdown."""

    def __init__(self):
        self.room = rtc.EventEmitter()
        self.room.name = "room-call"
        self.done: list[str] = []
        self.shut_down = asyncio.Event()

    def is_fake_job(self) -> bool:
        return False

    def delete_room(self, room_name: str | None = None) -> asyncio.Future:
        async def deleting():
            await asyncio.sleep(0.2)  # a Twirp request to the server
            self.done.append("room deleted")

        return asyncio.ensure_future(deleting())

    def shutdown(self, reason: str = "") -> None:
        self.done.append(f"shutdown: {reason}")
        self.shut_down.set()


def leaves(job: Job, kind: int, identity: str) -> None:
    job.room.emit("participant_disconnected", SimpleNamespace(kind=kind, identity=identity))


def test_after_the_transfer_the_room_is_closed_when_either_side_leaves(salon_server, livekit, monkeypatch):  # noqa: F811
    job = Job()
    monkeypatch.setattr(agent_module, "get_job_context", lambda required=False: job)

    async def scenario():
        async with api_for(salon_server) as api:
            call, _, heard, _, transfer = await ask_for_a_person(salon_server, api)
            await post(salon_server, f"/api/v1/transfers/{transfer['id']}/accept")
            handed = await heard.wait_for("on the line with you now", timeout=10)
            await asyncio.sleep(0.3)
            before = list(job.done)  # the receptionist is silent, the call goes on
            leaves(job, rtc.ParticipantKind.PARTICIPANT_KIND_AGENT, "another-agent")  # not a side of the call
            await asyncio.sleep(0.1)
            after_agent = list(job.done)
            leaves(job, rtc.ParticipantKind.PARTICIPANT_KIND_SIP, "sip-caller")  # the caller hangs up
            await asyncio.wait_for(job.shut_down.wait(), timeout=10)
            await call.call.aclose()
            return handed, before, after_agent

    handed, before, after_agent = run(scenario())

    assert "on the line with you now" in handed
    assert before == [] and after_agent == []
    assert job.done == ["room deleted", "shutdown: transferred call over"]


class LongBriefing(Briefing):
    """A briefing still being spoken (long speech, or a slow voice) when the person decides."""

    def __init__(self):
        super().__init__()
        self.started = asyncio.Event()
        self.stopped = False

    async def brief(self, text: str) -> None:
        self.said.append(text)
        self.started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            self.stopped = True
            raise


def test_the_person_can_accept_while_the_briefing_is_still_playing(salon_server, livekit):  # noqa: F811
    async def scenario():
        async with api_for(salon_server) as api:
            call, briefing, heard, _, transfer = await ask_for_a_person(salon_server, api, LongBriefing())
            await post(salon_server, f"/api/v1/transfers/{transfer['id']}/join")
            await asyncio.wait_for(briefing.started.wait(), timeout=10)
            await post(salon_server, f"/api/v1/transfers/{transfer['id']}/accept")
            handed = await heard.wait_for("on the line with you now", timeout=10)
            await call.call.aclose()
            return briefing, handed

    briefing, handed = run(scenario())

    assert handed and briefing.stopped and briefing.left >= 1


def test_goodbye_deletes_the_room_before_the_job_shuts_down(salon_server, pending_writes, monkeypatch):
    job = Job()
    monkeypatch.setattr(agent_module, "get_job_context", lambda required=False: job)

    async def scenario():
        async with api_for(salon_server, pending_writes) as api:
            call = await start_call(api)
            await call.session.run(user_input="Great, thanks. Bye!")
            await asyncio.wait_for(job.shut_down.wait(), timeout=10)
            await call.call.aclose()

    run(scenario())

    assert job.done == ["room deleted", "shutdown: goodbye"]


class AudioInput:
    """The session's input as room_io has it: an audio stream that can be switched on and off."""

    def __init__(self, enabled: bool):
        self.audio = object()
        self.audio_enabled = enabled

    def set_audio_enabled(self, enabled: bool) -> None:
        self.audio_enabled = enabled


@pytest.mark.parametrize("enabled_before", [True, False])
def test_after_the_hold_the_callers_audio_input_is_as_it_was(enabled_before):
    async def scenario():
        session = SimpleNamespace(input=AudioInput(enabled_before), output=SimpleNamespace(audio=None))
        watch = TransferWatch(None, session, {"id": 1}, consultation=None, on_connected=None)
        await watch._hold()
        held = session.input.audio_enabled
        watch.consultation = SimpleNamespace(leave=_nothing)
        await watch._cleanup()
        return held, session.input.audio_enabled

    held, after = run(scenario())

    assert held is False and after is enabled_before


async def _nothing() -> None:
    return None
