"""One phone or web call as the API records it, and the caller's company while they hold.

`CallRecord` starts the call (`POST /api/v1/calls`, or adopts the call a web page already
started), sends each utterance to its transcript as it is said, and ends it with a reason. All
of these are pending writes (see pending_writes): if the API is down they are sent later, in order.

Hold-on-call: after the agent opens a help request during a live call, it stays with the caller
for up to HOLD_FOR_ANSWER_SECONDS. The API pushes `help_request.resolved` on the call's
websocket; if that arrives in time the agent tells the caller the answer at once and reports
it (`POST /calls/{id}/answers-delivered`, so the follow-up text records it was told in-call).
Otherwise the caller gets the usual text.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from typing import Any

from livekit.agents import AgentSession, llm
from livekit.agents.voice.events import CloseEvent, CloseReason, ConversationItemAddedEvent

from voice_worker.api_client import ApiError, ApiRejected, SalonApi
from voice_worker.pending_writes import Queued, Write
from voice_worker.push import CallEvents

logger = logging.getLogger("voice_worker.call")

TRANSCRIPT_MAX_CHARS = 10_000
COMPANY_EVERY_SECONDS = 15.0

STILL_WAITING = "I'm still waiting to hear back from my supervisor. Thanks for holding."
ANSWER_ARRIVED = "Good news, my supervisor just got back to me. {answer}"
HOLD_OVER = "I haven't heard back yet, so we'll text you the answer{where} as soon as we have it."


@dataclass
class CallerInfo:
    channel: str  # "phone" or "web", as the API names it
    phone: str | None = None  # E.164 when known: the SIP caller id, or given on the web page
    name: str = ""


@dataclass
class _Hold:
    help_request_id: int
    answer: asyncio.Future[str]
    task: asyncio.Task[None] | None = None


class CallRecord:
    def __init__(
        self,
        api: SalonApi,
        *,
        room: str,
        caller: CallerInfo,
        key: str,
        call_id: int | None = None,
        hold_seconds: float = 0.0,
        company_every: float = COMPANY_EVERY_SECONDS,
    ):
        self.api = api
        self.room = room
        self.caller = caller
        self.key = key  # the call's Idempotency-Key, and the group of its pending writes
        self.call_id = call_id
        self.end_reason: str | None = None
        self.hold_seconds = hold_seconds
        self.company_every = company_every
        self.session: AgentSession | None = None
        self._turns: asyncio.Queue[tuple[str, str, str]] = asyncio.Queue()
        self._started = asyncio.Event()
        self._recording = True
        self._tasks: set[asyncio.Task[Any]] = set()
        self._holds: dict[int, _Hold] = {}
        self._told: set[int] = set()
        self._events: CallEvents | None = None
        self._ended = False
        self._end: asyncio.Task[None] | None = None

    # --- lifecycle ----------------------------------------------------------------------------

    async def start(self) -> None:
        """Record the call. Never fails the call: if the API is down it is recorded later."""
        self._spawn(self._send_turns(), "voice-transcript")
        try:
            if self.call_id is not None:
                await self._adopt()
            else:
                await self._create()
        finally:
            self._started.set()

    async def _adopt(self) -> None:
        """A web call: the page started it and the job metadata names it."""
        if self.api.pending_writes is not None:
            self.api.pending_writes.set_ref(self.key, self.call_id)
        try:
            call = await self.api.get_json(f"/api/v1/calls/{self.call_id}")
        except ApiError as exc:
            logger.warning("Could not read call %s (%s).", self.call_id, exc)
            return
        self.caller.phone = self.caller.phone or call.get("caller_phone") or None
        self.caller.name = self.caller.name or call.get("caller_name") or ""
        self.caller.channel = call.get("channel") or self.caller.channel

    async def _create(self) -> None:
        body = {"room": self.room, "channel": self.caller.channel, "caller_name": self.caller.name}
        if self.caller.phone:
            body["caller_phone"] = self.caller.phone
        write = Write(
            "POST",
            "/api/v1/calls",
            body,
            idempotency_key=self.key,
            group=self.key,
            ref_name=self.key,
            description=f"the start of the call in room {self.room}",
        )
        try:
            result = await self.api.submit(write)
        except ApiRejected as exc:
            if exc.status_code == 409 and await self._adopt_active_call():
                return
            logger.error("The API refused to record the call in room %s: %s", self.room, exc)
            self._recording = False
            return
        if isinstance(result, Queued):
            self._spawn(self._learn_call_id(), "voice-call-id")
        else:
            self.call_id = result["id"]
            logger.info("Call %s recorded (room %s).", self.call_id, self.room)

    async def _adopt_active_call(self) -> bool:
        """The room already has an active call (this job replaces one that died): continue it."""
        try:
            active = await self.api.get_json("/api/v1/calls", status="active", room=self.room, limit=100)
        except ApiError:
            return False
        for call in active.get("items", []):
            if call.get("room") == self.room:
                self.call_id = call["id"]
                if self.api.pending_writes is not None:
                    self.api.pending_writes.set_ref(self.key, self.call_id)
                logger.info("Continuing call %s already active in room %s.", self.call_id, self.room)
                return True
        return False

    async def _learn_call_id(self) -> None:
        """The call's creation waits in the pending writes; pick up its id once it has been sent."""
        pending_writes = self.api.pending_writes
        while pending_writes is not None and self.call_id is None:
            self.call_id = pending_writes.get_ref(self.key)
            if self.call_id is None:
                await asyncio.sleep(1.0)
        logger.info("Call %s recorded late (room %s).", self.call_id, self.room)

    def attach(self, session: AgentSession) -> None:
        """Follow the session: every utterance goes to the transcript; its close ends the call."""
        self.session = session
        session.on("conversation_item_added", self._on_item)
        session.on("close", self._on_close)

    def _on_item(self, event: ConversationItemAddedEvent) -> None:
        item = event.item
        if not isinstance(item, llm.ChatMessage) or item.role not in ("user", "assistant"):
            return
        text = (item.text_content or "").strip()
        if text:
            role = "caller" if item.role == "user" else "agent"
            self._turns.put_nowait((role, text[:TRANSCRIPT_MAX_CHARS], item.id))

    def _on_close(self, event: CloseEvent) -> None:
        self._spawn(self.end(self.end_reason or _close_reason(event)), "voice-call-closed")

    async def _send_turns(self) -> None:
        await self._started.wait()  # a turn waits behind the call's own creation
        while True:
            role, text, item_id = await self._turns.get()
            try:
                if self._recording:
                    await self.api.submit(
                        self._call_write(
                            "transcript",
                            {"role": role, "text": text},
                            idempotency_key=f"{self.key}:{item_id}",  # a retried turn is recorded once
                            accept=(409,),  # the call has ended: the transcript is closed
                            description=f"a transcript turn of call {self.call_id or self.room}",
                        )
                    )
            except ApiError as exc:
                logger.error("A transcript turn of call %s was not recorded: %s", self.call_id, exc)
            finally:
                self._turns.task_done()

    async def end(self, reason: str) -> None:
        """End the call once, after the transcript so far has been sent (or queued). Every caller
        (the session's close, the job's shutdown) waits for that same end."""
        if self._end is None:
            self._ended = True
            self.end_reason = self.end_reason or reason
            self._end = asyncio.get_running_loop().create_task(self._record_end(), name="voice-call-end")
        await asyncio.shield(self._end)

    async def _record_end(self) -> None:
        for hold in list(self._holds.values()):
            if hold.task is not None:
                hold.task.cancel()
        await self._started.wait()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._turns.join(), timeout=10)
        if self._events is not None:
            await self._events.aclose()
        if not self._recording:
            return
        try:
            await self.api.submit(
                self._call_write(
                    "end",
                    {"reason": self.end_reason},
                    accept=(409,),  # already ended: the first end stands
                    description=f"the end of call {self.call_id or self.room}",
                )
            )
            logger.info("Call %s ended (%s).", self.call_id or f"in room {self.room}", self.end_reason)
        except ApiError as exc:
            logger.error("The end of call %s was not recorded: %s", self.call_id, exc)
        pending_writes = self.api.pending_writes
        if pending_writes is not None and not pending_writes.has_pending(self.key):
            pending_writes.forget_ref(self.key)

    def _call_write(self, action: str, body: dict[str, Any], **options: Any) -> Write:
        """A write about this call; while its id is unknown (its creation still waits in the
        pending writes) the id is filled in when that has been sent."""
        if self.call_id is not None:
            path, needs = f"/api/v1/calls/{self.call_id}/{action}", None
        else:
            path, needs = f"/api/v1/calls/{{ref}}/{action}", self.key
        return Write("POST", path, body, group=self.key, needs_ref=needs, **options)

    async def aclose(self, reason: str = "ended") -> None:
        await self.end(reason)
        tasks = [task for task in self._tasks if task is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _spawn(self, coroutine: Any, name: str) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coroutine, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    # --- hold-on-call -------------------------------------------------------------------------

    def hold_for_answer(self, help_request_id: int, *, callback_number_spoken: str = "") -> bool:
        """Keep the caller company until the supervisor answers or the hold runs out.

        Returns False when there is nothing to hold for: holding is off, the call has no id
        yet (the API is down), or the session is gone."""
        if self.hold_seconds <= 0 or self.call_id is None or self.session is None or self._ended:
            return False
        if help_request_id in self._holds or help_request_id in self._told:
            return True
        if self._events is None:
            self._events = CallEvents(self.api.base_url, self.api.token, self.call_id, self._on_push)
            self._events.start()
        hold = _Hold(help_request_id, asyncio.get_running_loop().create_future())
        self._holds[help_request_id] = hold
        hold.task = self._spawn(self._hold(hold, callback_number_spoken), f"voice-hold-{help_request_id}")
        return True

    def _on_push(self, event: dict[str, Any]) -> None:
        if event.get("type") != "help_request.resolved":
            return
        hold = self._holds.get(event.get("help_request_id"))  # type: ignore[arg-type]
        if hold is not None and not hold.answer.done() and event.get("answer"):
            hold.answer.set_result(str(event["answer"]))

    async def _hold(self, hold: _Hold, callback_number_spoken: str) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.hold_seconds
        try:
            while (remaining := deadline - loop.time()) > 0:
                try:
                    wait = min(remaining, self.company_every)
                    answer = await asyncio.wait_for(asyncio.shield(hold.answer), timeout=wait)
                except TimeoutError:
                    if deadline - loop.time() > 2 and self._idle():
                        self._say(STILL_WAITING)
                    continue
                await self._tell(hold.help_request_id, answer)
                return
            # Said even mid-conversation (after whatever is being said): the caller was told to hold.
            self._say(HOLD_OVER.format(where=f" at {callback_number_spoken}" if callback_number_spoken else ""))
        finally:
            self._holds.pop(hold.help_request_id, None)

    async def _tell(self, help_request_id: int, answer: str) -> None:
        handle = self._say(ANSWER_ARRIVED.format(answer=answer))
        if handle is None:
            return
        await handle
        if handle.interrupted:
            logger.info("The caller interrupted the answer to help request %s; the text will follow.", help_request_id)
            return
        self._told.add(help_request_id)
        try:
            await self.api.submit(
                self._call_write(
                    "answers-delivered",
                    {"help_request_id": help_request_id},
                    idempotency_key=f"{self.key}:told-{help_request_id}",
                    description=f"the answer to help request {help_request_id} told on call {self.call_id}",
                )
            )
            logger.info("Told the caller the answer to help request %s during call %s.", help_request_id, self.call_id)
        except ApiError as exc:
            logger.error("The API refused the delivery report of help request %s: %s", help_request_id, exc)

    def _idle(self) -> bool:
        """Nobody is speaking: a good moment for a word of company."""
        session = self.session
        if session is None or self._ended:
            return False
        return session.user_state != "speaking" and session.agent_state in ("listening", "idle")

    def _say(self, text: str):
        if self.session is None or self._ended:
            return None
        try:
            return self.session.say(text)
        except RuntimeError:  # the session is closing
            return None


def _close_reason(event: CloseEvent) -> str:
    return {
        CloseReason.PARTICIPANT_DISCONNECTED: "caller_hung_up",
        CloseReason.ERROR: "error",
        CloseReason.JOB_SHUTDOWN: "worker_shutdown",
        CloseReason.USER_INITIATED: "ended",
    }.get(event.reason, str(getattr(event.reason, "value", event.reason)))
