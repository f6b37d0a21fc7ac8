"""The LiveKit side: the AgentServer, its job entrypoint, and the session every call runs in.

`manage.py runworker` builds the server with `build_server()`. LiveKit dispatches each call (a
room) to a job; in `start`/`dev` jobs run in subprocesses of the worker, which set Django up
themselves in `prewarm` (settings and the app registry; the worker never touches the database).
The entrypoint works out who is calling (a SIP caller's number, or the web call named in the job
metadata), records the call through the API and starts the receptionist.

`start_receptionist()` is that same wiring without LiveKit rooms: the console, `manage.py demo`
and the tests drive it with `session.run(user_input=...)`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import threading
from dataclasses import dataclass
from typing import Any

from livekit import rtc
from livekit.agents import AgentServer, AgentSession, JobContext, JobProcess, JobRequest, llm, room_io
from livekit.agents.worker import ServerEnvOption

from core.phones import phone_or_none
from voice_worker.agent import Receptionist
from voice_worker.api_client import SalonApi
from voice_worker.call import CallerInfo, CallRecord
from voice_worker.config import WorkerConfig
from voice_worker.llm_providers import Speech, build_llm, build_speech
from voice_worker.pending_writes import PendingWrites

logger = logging.getLogger("voice_worker")


def setup_django() -> None:
    """Make settings and the app registry usable in a job subprocess. Unlike `django.setup()` this
    leaves logging alone: LiveKit forwards a job's log records to the worker process."""
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salon_project.settings")
    from django.apps import apps
    from django.conf import settings

    if not apps.ready:
        apps.populate(settings.INSTALLED_APPS)


def prewarm(proc: JobProcess) -> None:
    setup_django()
    proc.userdata["config"] = WorkerConfig.from_settings()


def build_server(config: WorkerConfig | None = None) -> AgentServer:
    config = config or WorkerConfig.from_settings()
    # One job process (or thread, in the console) kept warm in development too, so the first
    # call does not wait for Django and the plugins to load.
    idle = ServerEnvOption(dev_default=1, prod_default=AgentServer._default_num_idle_processes.prod_default)
    # LiveKit's default load is the machine's CPU use, and its server sends no job to a worker
    # reporting full load, even in development: on a busy machine a registered worker got no
    # calls at all. The load is the share of this worker's calls in use instead; it is full at
    # VOICE_WORKER_MAX_CALLS.
    capacity = max(config.max_calls, 1)
    full = ServerEnvOption(dev_default=1.0, prod_default=1.0)
    server = AgentServer(
        setup_fnc=prewarm,
        num_idle_processes=idle,
        load_fnc=lambda server: min(len(server.active_jobs) / capacity, 1.0),
        load_threshold=full,
    )
    server.rtc_session(entrypoint, agent_name=config.agent_name, on_request=take_job)
    return server


async def take_job(request: JobRequest) -> None:
    """Every room but a consultation room. With an empty VOICE_AGENT_NAME LiveKit dispatches the
    worker to every new room, and the agent of a transfer joins its consultation room itself (a
    receptionist there would greet the person being briefed). Runs in the worker's own process,
    where Django is set up (the name's prefix is calls.livekit_rooms')."""
    from calls.livekit_rooms import CONSULT_ROOM_PREFIX

    if request.room.name.startswith(CONSULT_ROOM_PREFIX):
        logger.info("Not taking a job in the consultation room %s.", request.room.name)
        await request.reject()
        return
    await request.accept()


@dataclass
class StartedCall:
    session: AgentSession
    agent: Receptionist
    call: CallRecord


async def start_receptionist(
    *,
    api: SalonApi,
    caller: CallerInfo,
    call_key: str,
    room_name: str,
    model: llm.LLM | None = None,
    speech: Speech | None = None,
    call_id: int | None = None,
    hold_seconds: float = 0.0,
    room: rtc.Room | None = None,
    capture_greeting: bool = False,
) -> StartedCall:
    """Record the call, build the session and start the receptionist in it."""
    profile = await api.salon()
    call = CallRecord(api, room=room_name, caller=caller, key=call_key, call_id=call_id, hold_seconds=hold_seconds)
    await call.start()
    if speech is not None:
        session = AgentSession(llm=model or build_llm(), stt=speech.stt, tts=speech.tts)
    else:
        # Text only: no voice activity detection or turn detection to run.
        session = AgentSession(llm=model or build_llm(), vad=None, turn_handling={"turn_detection": "manual"})
    call.attach(session)
    agent = Receptionist(api=api, call=call, profile=profile)
    options: dict[str, Any] = {}
    if room is not None:
        options["room"] = room
        if speech is None:
            options["room_options"] = room_io.RoomOptions(audio_input=False, audio_output=False)
    if capture_greeting:
        await session.start(agent, capture_run=True, **options)
    else:
        await session.start(agent, **options)
    return StartedCall(session, agent, call)


async def entrypoint(ctx: JobContext) -> None:
    config: WorkerConfig = ctx.proc.userdata.get("config") or WorkerConfig.from_settings()
    api = SalonApi(config.api_url, config.require_token(), pending_writes=PendingWrites(config.pending_writes_dir))
    api.start_draining()
    metadata = _job_metadata(ctx)
    if ctx.is_fake_job():  # console: someone at the keyboard
        caller, room_name = CallerInfo(channel="web", name="Console caller"), f"console-{ctx.job.id}"
    else:
        await ctx.connect()
        participant = await ctx.wait_for_participant()
        caller, room_name = caller_from_participant(participant), ctx.room.name
    speech = build_speech()
    started = await start_receptionist(
        api=api,
        caller=caller,
        call_key=f"voice-job-{ctx.job.id}",
        room_name=room_name,
        speech=speech,
        call_id=_int_or_none(metadata.get("call_id")),
        hold_seconds=config.hold_seconds,
        room=ctx.room,
    )

    async def finish(reason: str) -> None:
        await started.call.aclose("caller_hung_up" if "disconnect" in reason else "worker_shutdown")
        remaining = await api.drain()
        if remaining:
            logger.warning("%d write(s) still wait in %s; they are sent later.", remaining, config.pending_writes_dir)
        await api.aclose()

    ctx.add_shutdown_callback(finish)
    if ctx.is_fake_job():
        # In the console the call is the whole session: when it ends, leave as Ctrl-C would
        # (the shutdown callback above still records the end and sends what is queued).
        started.session.on("close", lambda _: asyncio.get_running_loop().call_later(0.5, _leave_console))


def _leave_console() -> None:
    # To the main thread, which is blocked reading the keyboard: the read is interrupted and the
    # console's own Ctrl-C handler shuts everything down in order.
    signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)


def caller_from_participant(participant: rtc.RemoteParticipant) -> CallerInfo:
    """Who is calling. A SIP caller's `sip.phoneNumber` is the raw From user ("anonymous", digits
    without "+", an extension): only a valid number is kept, so the call is always recorded, and
    without one the agent asks for a callback number when it needs one."""
    attributes = dict(participant.attributes or {})
    if participant.kind == rtc.ParticipantKind.PARTICIPANT_KIND_SIP:
        return CallerInfo(channel="phone", phone=phone_or_none(attributes.get("sip.phoneNumber")))
    return CallerInfo(channel="web", phone=phone_or_none(attributes.get("caller_phone")), name=participant.name or "")


def _job_metadata(ctx: JobContext) -> dict[str, Any]:
    try:
        value = json.loads(ctx.job.metadata or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
