"""`manage.py demo`: the whole story in one command, offline, printed as it happens.

It starts the salon's real API (daphne) on a free port with a fresh demo database (SQLite in a
temporary folder: your own data is not touched), then runs two phone calls through the real
receptionist session with the offline brain:

1. Ana asks two things the salon knows, then one it does not: a supervisor is texted.
2. The supervisor answers (as they would in the console); Ana is texted the answer, and the
   receptionist learns it.
3. Ben asks the same thing in other words and is answered at once.
4. At 11 pm, with the salon closed, Carla asks something new: she is told when the salon opens
   and by when she will hear back, on the phone and by text. The next morning the supervisor is reminded (the escalation
   ladder), answers, and Carla is texted.

It runs on a simulated clock (voice_worker/demo_clock.py), set to a Tuesday afternoon, that night,
and the next morning in the salon's timezone, so the story is the same whenever it is run.
"""

import asyncio
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core import processes
from voice_worker import demo_clock
from voice_worker.api_client import SalonApi
from voice_worker.brain import OfflineBrain
from voice_worker.call import CallerInfo
from voice_worker.pending_writes import PendingWrites
from voice_worker.worker import start_receptionist

ANA = {"name": "Ana Diaz", "phone": "+14155550150"}
BEN = {"name": "Ben Okoro", "phone": "+14155550177"}
ANA_LINES = [
    "What does a blowout cost?",
    "Are you open on Sundays?",
    "Is there parking close by?",
    "Okay, thank you. Bye!",
]
BEN_LINES = ["Hi! Is there somewhere to park my car near the salon?", "Great, that's all. Bye!"]
SUPERVISOR_ANSWER = (
    "Yes! There is a public garage on Clay Street, one block away, and metered street parking on Fillmore."
)
CARLA = {"name": "Carla Reyes", "phone": "+14155550166"}
CARLA_LINES = ["Do you do hair extensions?", "Thanks, bye!"]
NIGHT_ANSWER = "We don't do extensions ourselves, but Jordan can recommend a specialist nearby."
SALON_ZONE = ZoneInfo("America/Los_Angeles")  # the demo salon's (knowledge/fixtures/salon.yaml)


def _next_tuesday() -> date:
    today = datetime.now(SALON_ZONE).date()
    return today + timedelta(days=(1 - today.weekday()) % 7 or 7)


class Command(BaseCommand):
    help = "Run a scripted end-to-end demo (two calls, a supervisor's answer, a learned answer) offline."

    def add_arguments(self, parser):
        parser.add_argument("--pace", type=float, default=0.6, help="Seconds to pause between lines (0: no pause).")

    def handle(self, *args, pace: float, **options):
        for name in ("httpx", "voice_worker", "livekit", "livekit.agents"):
            logging.getLogger(name).setLevel(logging.WARNING)  # the story is the output, not the logs
        out = Printer(self.stdout, pace)
        out.title("Salon Front Desk: a demo of the AI receptionist (offline: no keys, no LiveKit needed)")
        with DemoServer(out) as server:
            asyncio.run(Scenario(server, out).run())
        out.title(
            "That's the whole loop: answered, escalated, answered by a person, learned, reused; "
            "and a question at night answered the next morning."
        )


class Printer:
    def __init__(self, stream, pace: float):
        self.stream = stream
        self.pace = pace

    def line(self, text: str = "", pause: bool = True) -> None:
        self.stream.write(text)
        self.stream.flush()
        if pause and self.pace:
            time.sleep(self.pace)

    def title(self, text: str) -> None:
        self.line(f"\n== {text}\n", pause=False)

    def step(self, text: str) -> None:
        self.line(f"   ({text})")

    def said(self, who: str, text: str) -> None:
        first, *rest = text.splitlines() or [""]
        self.line("\n".join([f"   {who:<13} {first}", *(f"   {'':<13} {more}" for more in rest)]))


class DemoServer:
    """The real API on a free port, over a fresh demo database that is deleted afterwards."""

    def __init__(self, out: Printer):
        self.out = out
        self.folder = Path(tempfile.mkdtemp(prefix="salon-demo-"))
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.token = ""
        self.process: subprocess.Popen | None = None
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "voice_worker.demo_settings",  # the simulated clock
            "DEMO_CLOCK_FILE": str(self.folder / "clock"),
            "DATABASE_URL": f"sqlite:///{self.folder / 'demo.sqlite3'}",
            "CELERY_TASK_ALWAYS_EAGER": "true",  # texts go out as the API call commits
            "SMS_BACKEND": "console",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
        self.env.pop("REDIS_URL", None)  # the embedded default

    def set_clock(self, moment: datetime) -> None:
        demo_clock.set_to(self.folder / "clock", moment)

    def __enter__(self) -> "DemoServer":
        self.set_clock(datetime.combine(_next_tuesday(), datetime.min.time().replace(hour=14), SALON_ZONE))
        self.out.line(f"Starting the salon's API on {self.url} with a fresh demo database...\n", pause=False)
        try:
            self.manage("migrate", "--noinput")
            self.manage("seed_salon")
            self.token = self.manage("createapitoken", "voice-demo").strip().splitlines()[-1]
            self.log = open(self.folder / "server.log", "wb")
            command = [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port)]
            self.process = subprocess.Popen(
                [*command, "salon_project.asgi:application"],
                env=self.env,
                cwd=settings.BASE_DIR,
                stdout=self.log,
                stderr=subprocess.STDOUT,
            )
            self._wait_until_up()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        self.out.line("The salon (Glow & Shear) is loaded: its prices, hours and policies, and four supervisors.\n")
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.process is not None:
            processes.stop(self.process)
        if getattr(self, "log", None):
            self.log.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *args],
            env=self.env,
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise CommandError(f"`manage.py {' '.join(args)}` failed for the demo:\n{done.stderr[-2000:]}")
        return done.stdout

    def _wait_until_up(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise CommandError(f"The demo API server stopped:\n{self._log_tail()}")
            try:
                if httpx.get(f"{self.url}/api/v1/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise CommandError(f"The demo API server did not answer within {timeout:.0f}s:\n{self._log_tail()}")

    def _log_tail(self) -> str:
        try:
            return (self.folder / "server.log").read_text(errors="replace")[-2000:]
        except OSError:
            return "(no log)"


class Scenario:
    def __init__(self, server: DemoServer, out: Printer):
        self.out = out
        self.server = server
        self.url = server.url
        self.token = server.token
        self.pending_writes_dir = Path(tempfile.mkdtemp(prefix="salon-demo-pending-writes-"))

    async def run(self) -> None:
        try:
            async with SalonApi(self.url, self.token, pending_writes=PendingWrites(self.pending_writes_dir)) as api:
                self.api = api
                self.clock_at(datetime.combine(_next_tuesday(), datetime.min.time().replace(hour=14), SALON_ZONE))
                await self.call("Call 1", ANA, ANA_LINES)
                request = await self.only_pending_request()
                await self.supervisor_answers(request)
                await self.call("Call 2", BEN, BEN_LINES)
                await self.night_and_morning()
        finally:
            shutil.rmtree(self.pending_writes_dir, ignore_errors=True)

    async def call(self, label: str, caller: dict[str, str], lines: list[str]) -> None:
        self.out.title(f"{label}: {caller['name']} calls the salon from {caller['phone']}")
        started = await start_receptionist(
            api=self.api,
            caller=CallerInfo(channel="phone", phone=caller["phone"], name=caller["name"]),
            call_key=f"demo-{label.lower().replace(' ', '-')}-{os.getpid()}",
            room_name=f"demo-{label.lower().replace(' ', '-')}-{os.getpid()}",
            model=OfflineBrain(),
            capture_greeting=True,
        )
        self.out.said("Receptionist:", started.agent.session.history.items[-1].text_content or "")
        session = started.session
        for line in lines:
            self.out.said("Caller:", line)
            result = await session.run(user_input=line)
            for event in result.events:
                await self.show(event)
        await started.call.aclose()
        call = await self.api.get_json(f"/api/v1/calls/{started.call.call_id}")
        turns = len(call.get("transcript", []))
        self.out.step(f"call #{call['id']} recorded: {turns} lines of transcript, ended ({call.get('end_reason')})")

    async def show(self, event: Any) -> None:
        if event.type == "message" and event.item.role == "assistant":
            self.out.said("Receptionist:", event.item.text_content or "")
        elif event.type == "function_call_output":
            await self.explain_tool(event.item.name, event.item.output)

    async def explain_tool(self, name: str, output: str) -> None:
        result = json.loads(output)
        status = result.get("status")
        if name == "lookup_answer":
            found = "found the answer" if status == "answered" else "no answer on file, so it will not guess"
            self.out.step(f"checks the salon's knowledge base: {found}")
        elif name == "request_help" and status == "escalated":
            request = await self.api.get_json(f"/api/v1/help-requests/{result['help_request_id']}")
            supervisor = (request.get("assigned_supervisor") or {}).get("name", "a supervisor")
            self.out.step(
                f"opens help request #{request['id']} ({request['priority']} priority) for {supervisor}, "
                "who is texted at once"
            )
        elif name == "end_call":
            self.out.step("the caller said goodbye: the receptionist ends the call")

    async def only_pending_request(self) -> dict[str, Any]:
        pending = await self.api.get_json("/api/v1/help-requests", status="pending")
        [request] = pending["items"]
        alerts = await self.api.get_json("/api/v1/messages", help_request_id=request["id"], kind="supervisor_alert")
        for text in alerts["items"]:
            self.out.title(f"Meanwhile, {request['assigned_supervisor']['name']}'s phone buzzes")
            self.out.said("Text:", f"\u201c{text['body']}\u201d")
        return request

    async def night_and_morning(self) -> None:
        """A question at night is due in opening hours, climbs the ladder in the morning, is answered."""
        tuesday = _next_tuesday()
        self.clock_at(datetime.combine(tuesday, datetime.min.time().replace(hour=23, minute=5), SALON_ZONE))
        await self.call("Call 3", CARLA, CARLA_LINES)
        request = await self.only_pending_request()
        due = datetime.fromisoformat(request["expires_at"]).astimezone(SALON_ZONE)
        self.out.step(
            f"due {due:%A} at {due:%H:%M}: half an hour of the salon's opening hours, not half an hour of the night"
        )
        receipts = await self.api.get_json("/api/v1/messages", help_request_id=request["id"], kind="caller_received")
        for text in receipts["items"]:
            self.out.step(f"the salon is closed, so {request['caller_name']} is texted when to expect the answer")
            self.out.said("Text:", f"\u201c{text['body']}\u201d")
        wednesday = tuesday + timedelta(days=1)
        self.clock_at(datetime.combine(wednesday, datetime.min.time().replace(hour=10, minute=10), SALON_ZONE))
        self.server.manage("climb_ladder")  # what beat runs every minute
        reminders = await self.api.get_json(
            "/api/v1/messages", help_request_id=request["id"], kind="supervisor_reminder"
        )
        for text in reminders["items"]:
            self.out.step("the escalation ladder: ten minutes into opening hours, nobody has answered yet")
            self.out.said("Text:", f"\u201c{text['body']}\u201d")
        self.clock_at(datetime.combine(wednesday, datetime.min.time().replace(hour=10, minute=14), SALON_ZONE))
        await self.supervisor_answers(request, NIGHT_ANSWER, learn=False)

    def clock_at(self, moment: datetime) -> None:
        self.server.set_clock(moment)
        self.out.title(f"The simulated clock: {moment:%A %H:%M} at the salon")

    async def supervisor_answers(self, request: dict[str, Any], answer: str = SUPERVISOR_ANSWER, learn: bool = True):
        supervisor = request["assigned_supervisor"]
        self.out.title(f"{supervisor['name']} answers request #{request['id']} in the supervisor console")
        self.out.said(f"{supervisor['name'].split()[0]}:", answer)
        response = await self.api.request(
            "POST",
            f"/api/v1/help-requests/{request['id']}/resolve",
            json={"answer": answer, "supervisor_id": supervisor["id"], "learn": learn},
        )
        resolved = response.json()
        texts = await self.api.get_json("/api/v1/messages", help_request_id=request["id"], kind="caller_followup")
        for text in texts["items"]:
            self.out.step(f"{request['caller_name'] or 'the caller'} is texted at {text['to']} ({text['status']})")
            self.out.said("Text:", f"\u201c{text['body']}\u201d")
        if resolved.get("knowledge_entry_id"):
            self.out.step(
                f"the receptionist learned it (knowledge entry #{resolved['knowledge_entry_id']}): "
                "the next caller who asks gets the answer at once"
            )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
