"""The agent's side of a warm transfer: hold the caller, brief the person, then leave or return.

After `transfer_to_human` started a transfer (`POST /api/v1/calls/{id}/transfers`, which picks
the person, creates the consultation room and alerts them), a `TransferWatch` follows it:

- the caller is on hold: input paused, and hold music on a track of its own whenever the call is
  in a LiveKit room (with TTS or without: a web caller reading the replies hears it too);
- the agent joins the consultation room (with the token the API minted for that room only) and,
  when the person arrives there (`briefing`), says the summary the API made of the call (as
  text always, spoken too with TTS), while it goes on following accept and decline;
- `connected`: the person accepted and is in the caller's room; the agent says goodbye to the
  caller and leaves the call (the room stays: the caller and the person go on talking);
- declined, no_answer, timed_out, failed, cancelled: the agent comes back, says so and offers a
  help request instead (`OFFER_HELP`; the model then calls `request_help` on a yes).

It learns of each step from the call's websocket (`transfer.event`) and, in case a push is lost,
by reading the transfer every few seconds; the API's state is the truth either way. If the caller
hangs up meanwhile, the transfer is cancelled.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, Protocol

from livekit import rtc
from livekit.agents import AgentSession, get_job_context
from livekit.agents.voice.background_audio import AudioConfig, BackgroundAudioPlayer, BuiltinAudioClip

from voice_worker.api_client import ApiError, SalonApi
from voice_worker.brain import OFFER_HELP, STILL_CONNECTING
from voice_worker.push import CallEvents

logger = logging.getLogger("voice_worker.transfer")

POLL_SECONDS = 5.0
# The briefing is given once `briefing` is known, which the person's own join causes: how long
# it waits for them to be in the room (the text), then to subscribe to its track (the speech).
ARRIVAL_WAIT_SECONDS = 15.0
SUBSCRIBE_WAIT_SECONDS = 5.0
# How long past the transfer's own deadline the agent waits before calling it off itself.
GRACE_SECONDS = 15.0

OPEN = ("requested", "ringing", "briefing")
HANDED_OVER = "{name} is on the line with you now. Goodbye from me, and take care!"
RETURNED = {
    "declined": "I'm sorry, {name} can't take the call right now.",
    "no_answer": "I'm sorry, I couldn't reach {name} just now.",
    "timed_out": "I'm sorry, {name} couldn't stay on the line.",
    "failed": "I'm sorry, I couldn't put you through just now.",
    "cancelled": "I'm sorry, the transfer was called off.",
}


class Consultation(Protocol):
    """The private room where the agent briefs the person before they take the call."""

    async def join(self, url: str, token: str) -> None: ...

    async def brief(self, text: str) -> None: ...

    async def leave(self) -> None: ...


class LiveKitConsultation:
    """The consultation room over LiveKit. The briefing is always sent as chat text (`lk.chat`,
    a text stream), which the console's Transfers page shows; with TTS it is spoken too. A text
    stream reaches only who is in the room, so it waits (a little) for the person to arrive; the
    speech's track is published on joining, before they come, and the speech waits until someone
    has subscribed to it, so the person hears it from the first word."""

    def __init__(self, session: AgentSession):
        self._tts = session.tts
        self._room: rtc.Room | None = None
        self._source: rtc.AudioSource | None = None
        self._arrived = asyncio.Event()  # someone other than an agent is in the room
        self._heard = asyncio.Event()  # someone subscribed to the briefing's track

    async def join(self, url: str, token: str) -> None:
        self._room = rtc.Room()
        self._room.on("participant_connected", self._on_arrival)
        self._room.on("local_track_subscribed", lambda _track: self._heard.set())
        await self._room.connect(url, token)
        for participant in self._room.remote_participants.values():
            self._on_arrival(participant)
        if self._tts is None:
            return
        self._source = rtc.AudioSource(self._tts.sample_rate, self._tts.num_channels)
        track = rtc.LocalAudioTrack.create_audio_track("briefing", self._source)
        options = rtc.TrackPublishOptions(source=rtc.TrackSource.SOURCE_MICROPHONE)
        await self._room.local_participant.publish_track(track, options)

    def _on_arrival(self, participant: rtc.RemoteParticipant) -> None:
        if participant.kind != rtc.ParticipantKind.PARTICIPANT_KIND_AGENT:
            self._arrived.set()

    async def brief(self, text: str) -> None:
        if self._room is None:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._arrived.wait(), timeout=ARRIVAL_WAIT_SECONDS)
        await self._room.local_participant.send_text(text, topic="lk.chat")
        if self._tts is None or self._source is None:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._heard.wait(), timeout=SUBSCRIBE_WAIT_SECONDS)
        async with self._tts.synthesize(text) as stream:
            async for audio in stream:
                await self._source.capture_frame(audio.frame)

    async def leave(self) -> None:
        if self._room is not None:
            await self._room.disconnect()
            self._room = None
            self._source = None


class NoConsultation:
    """Text-only calls without LiveKit (the console, tests): the summary is on the transfer, for
    the console to show; there is no room to speak in."""

    async def join(self, url: str, token: str) -> None:
        logger.info("No LiveKit room for this call: the briefing is the transfer's stored summary.")

    async def brief(self, text: str) -> None:
        return None

    async def leave(self) -> None:
        return None


def default_consultation(session: AgentSession) -> Consultation:
    job = get_job_context(required=False)
    return LiveKitConsultation(session) if job is not None and not job.is_fake_job() else NoConsultation()


class TransferWatch:
    """Follows one transfer from ringing to its outcome; `done` resolves with the final status."""

    def __init__(
        self,
        api: SalonApi,
        session: AgentSession,
        transfer: dict[str, Any],
        *,
        consultation: Consultation,
        on_connected: Callable[[], Awaitable[None]],
    ):
        self.api = api
        self.session = session
        self.transfer = transfer
        self.consultation = consultation
        self._on_connected = on_connected  # leaves the call to the person
        self._pushed: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._events: CallEvents | None = None
        self._hold_music: BackgroundAudioPlayer | None = None
        self._listening_before: bool | None = None  # the caller's audio input before the hold
        self._briefing: asyncio.Task[None] | None = None
        self.done: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._task: asyncio.Task[None] | None = None

    @property
    def person(self) -> str:
        supervisor = self.transfer.get("supervisor") or {}
        return (supervisor.get("name") or "my colleague").split()[0]

    def start(self) -> None:
        self._events = CallEvents(self.api.base_url, self.api.token, self.transfer["call_id"], self._on_push)
        self._events.start()
        self.session.on("close", self._on_session_close)
        self._task = asyncio.get_running_loop().create_task(self._follow(), name=f"transfer-{self.transfer['id']}")

    async def aclose(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._cleanup()

    # --- following ----------------------------------------------------------------------------

    def _on_push(self, event: dict[str, Any]) -> None:
        if event.get("type") == "transfer.event" and event.get("id") == self.transfer["id"]:
            self._pushed.put_nowait(event)

    async def _follow(self) -> None:
        await self._hold()
        agent_token = self.transfer.get("agent_token")
        if agent_token and self.transfer.get("livekit_url"):
            try:
                await self.consultation.join(self.transfer["livekit_url"], agent_token)
            except Exception:
                logger.exception("Could not join the consultation room of transfer %s", self.transfer["id"])
        status = self.transfer["status"]
        waited = 0.0
        while status in OPEN:
            try:
                update = await asyncio.wait_for(self._pushed.get(), timeout=POLL_SECONDS)
            except TimeoutError:
                waited += POLL_SECONDS
                update = await self._read()
                if waited >= 30 and update.get("status") in OPEN and self._idle():
                    self.session.say(STILL_CONNECTING.format(person=self.person))
                    waited = 0.0
            self.transfer.update({k: v for k, v in update.items() if k not in ("type", "previous")})
            status = self.transfer["status"]
            if status == "briefing" and self._briefing is None:
                # Spoken beside the loop, which goes on following accept and decline meanwhile.
                self._briefing = asyncio.get_running_loop().create_task(self._brief(), name="transfer-briefing")
            elif status in OPEN and self._past_deadline():
                status = await self._give_up()
        await self._finish(status)

    async def _read(self) -> dict[str, Any]:
        try:
            return await self.api.get_json(f"/api/v1/transfers/{self.transfer['id']}")
        except ApiError as exc:
            logger.warning("Could not read transfer %s (%s).", self.transfer["id"], exc)
            return {}

    async def _brief(self) -> None:
        summary = self.transfer.get("summary") or ""
        logger.info("Briefing %s on transfer %s.", self.person, self.transfer["id"])
        try:
            await self.consultation.brief(summary)
        except Exception:
            logger.exception("Could not brief in the consultation room; the summary is on the console.")

    def _past_deadline(self) -> bool:
        deadline = self.transfer.get("deadline")
        if not deadline:
            return False
        due = datetime.fromisoformat(deadline)
        return (datetime.now(UTC) - due).total_seconds() > GRACE_SECONDS

    async def _give_up(self) -> str:
        """Nobody decided long after the deadline (the sweep is not running?): call it off."""
        try:
            response = await self.api.request(
                "POST", f"/api/v1/transfers/{self.transfer['id']}/cancel", json={"reason": "the agent stopped waiting"}
            )
            self.transfer.update(response.json())
        except ApiError as exc:
            logger.warning("Could not cancel transfer %s (%s).", self.transfer["id"], exc)
            self.transfer.update(await self._read())
        return self.transfer.get("status") or "cancelled"

    async def _finish(self, status: str) -> None:
        await self._cleanup()
        if not self.done.done():
            self.done.set_result(status)
        if status == "connected":
            await self._say_and_wait(HANDED_OVER.format(name=self.person))
            await self._on_connected()
            return
        line = RETURNED.get(status, RETURNED["failed"]).format(name=self.person)
        self._say_and_forget(f"{line} {OFFER_HELP}")

    # --- the caller's side --------------------------------------------------------------------

    async def _hold(self) -> None:
        """Pause listening to the caller and, in a LiveKit room, play hold music. The music has a
        track of its own, so it does not wait for the session's audio output: without TTS (no
        speech, no audio output) the caller still hears that they are holding, not silence."""
        self._set_listening(False)
        job = get_job_context(required=False)
        if job is None or job.is_fake_job():
            return
        try:
            self._hold_music = BackgroundAudioPlayer()
            await self._hold_music.start(room=job.room, agent_session=self.session)
            self._hold_music.play(AudioConfig(BuiltinAudioClip.HOLD_MUSIC, volume=0.6), loop=True)
        except Exception:
            logger.warning("No hold music for transfer %s.", self.transfer["id"], exc_info=True)
            self._hold_music = None

    async def _cleanup(self) -> None:
        if self._briefing is not None and not self._briefing.done():
            self._briefing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._briefing
        self._restore_listening()
        if self._hold_music is not None:
            with contextlib.suppress(Exception):
                await self._hold_music.aclose()
            self._hold_music = None
        if self._events is not None:
            await self._events.aclose()
            self._events = None
        with contextlib.suppress(Exception):
            await self.consultation.leave()

    def _set_listening(self, enabled: bool) -> None:
        if self.session.input.audio is None:
            return
        if self._listening_before is None:
            self._listening_before = self.session.input.audio_enabled
        self.session.input.set_audio_enabled(enabled)

    def _restore_listening(self) -> None:
        """Back to how the caller's audio input was before the hold (it may have been off)."""
        if self._listening_before is not None and self.session.input.audio is not None:
            self.session.input.set_audio_enabled(self._listening_before)
        self._listening_before = None

    def _on_session_close(self, _: Any) -> None:
        if self.transfer.get("status") in OPEN and not self.done.done():
            asyncio.get_running_loop().create_task(self._cancel_for_hang_up())

    async def _cancel_for_hang_up(self) -> None:
        with contextlib.suppress(ApiError):
            await self.api.request(
                "POST", f"/api/v1/transfers/{self.transfer['id']}/cancel", json={"reason": "the caller hung up"}
            )
        await self.aclose()

    def _idle(self) -> bool:
        return self.session.agent_state in ("listening", "idle")

    async def _say_and_wait(self, text: str) -> None:
        with contextlib.suppress(RuntimeError):
            await self.session.say(text)

    def _say_and_forget(self, text: str) -> None:
        with contextlib.suppress(RuntimeError):
            self.session.say(text)
