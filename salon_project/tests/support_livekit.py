"""LiveKit's own server in the tests: a network namespace, the server in it, the real voice
worker (`manage.py runworker dev`) and callers on LiveKit's rtc client.

Why a namespace: LiveKit's rtc client (libwebrtc) never offers a loopback address as its own
candidate, so on loopback alone its media would go to this machine's external address. Inside
a namespace of its own (an `lkn…` end of a veth pair, 10.213.x.2) the server, the worker and the
callers talk on that address only; the API (daphne, on this side, 10.213.x.1) and the database
stay where they are. Creating it needs root and `ip`; the server needs `make livekit`. Without
them the tests skip with the reason, except in CI (CI=true), where they fail.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import shutil
import subprocess
import sys
import threading
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from livekit import api

from core import processes
from salon_project import livekit_server
from salon_project.livekit_server import LiveKitDevServer
from salon_project.tests.support_http import BearerApi

MANAGE = str(Path(settings.BASE_DIR) / "manage.py")
WAIT = 30  # seconds for what a live call should show soon: a bound, never a speed assertion


def missing_reason() -> str | None:
    """Why the tests over the real server cannot run here, or None."""
    if not livekit_server.built():
        return f"LiveKit's server is not built ({livekit_server.binary()}): run `make livekit` (needs Go)"
    if os.geteuid() != 0 or shutil.which("ip") is None:
        return "the tests over LiveKit's server run it in a network namespace: they need root and iproute2's `ip`"
    return None


def require_livekit() -> None:
    reason = missing_reason()
    if reason is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI runs the tests over LiveKit's own server, but {reason}.")
    pytest.skip(reason)


class Namespace:
    """A network namespace joined to this one by a veth pair on a /30 of 10.213.0.0/16."""

    def __init__(self):
        self.tag = uuid.uuid4().hex[:6]
        self.name = f"salon-lk-{self.tag}"
        taken = subprocess.run(["ip", "-4", "-o", "addr"], capture_output=True, text=True).stdout
        while True:
            third, fourth = random.randrange(256), random.randrange(0, 256, 4)
            self.host_ip, self.ns_ip = f"10.213.{third}.{fourth + 1}", f"10.213.{third}.{fourth + 2}"
            if f" {self.host_ip}/" not in taken:
                break

    def create(self) -> Namespace:
        host_end, ns_end = f"lkh{self.tag}", f"lkn{self.tag}"
        for command in (
            ["ip", "netns", "add", self.name],
            ["ip", "-n", self.name, "link", "set", "lo", "up"],
            ["ip", "link", "add", host_end, "type", "veth", "peer", "name", ns_end, "netns", self.name],
            ["ip", "addr", "add", f"{self.host_ip}/30", "dev", host_end],
            ["ip", "link", "set", host_end, "up"],
            ["ip", "-n", self.name, "addr", "add", f"{self.ns_ip}/30", "dev", ns_end],
            ["ip", "-n", self.name, "link", "set", ns_end, "up"],
        ):
            subprocess.run(command, check=True, capture_output=True)
        return self

    def prefix(self) -> tuple[str, ...]:
        return ("ip", "netns", "exec", self.name)

    def delete(self) -> None:
        # The veth pair goes with the namespace.
        subprocess.run(["ip", "netns", "delete", self.name], capture_output=True)


@dataclass
class Sandbox:
    namespace: Namespace
    server: LiveKitDevServer

    @property
    def livekit_env(self) -> dict[str, str]:
        return {
            "LIVEKIT_URL": self.server.url,
            "LIVEKIT_API_KEY": self.server.api_key,
            "LIVEKIT_API_SECRET": self.server.api_secret,
        }


@pytest.fixture(scope="session")
def livekit_sandbox(tmp_path_factory) -> Iterator[Sandbox]:
    """One namespace and one livekit-server (dev mode, free ports) for the whole run."""
    require_livekit()
    namespace = Namespace().create()
    log = tmp_path_factory.mktemp("livekit") / "livekit-server.log"
    server = LiveKitDevServer(log, host=namespace.ns_ip, prefix=namespace.prefix())
    try:
        server.start()
        yield Sandbox(namespace, server)
    finally:
        server.stop()
        namespace.delete()


class Lines:
    """JSON lines a child process writes, collected by a thread, waited on by the test."""

    def __init__(self, stream, log: Path):
        self.events: list[dict[str, Any]] = []
        self._changed = threading.Condition()
        self._log = log
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream) -> None:
        with open(self._log, "a") as log:
            for line in stream:
                log.write(line)
                log.flush()
                try:
                    event = json.loads(line)
                except ValueError:
                    continue
                with self._changed:
                    self.events.append(event)
                    self._changed.notify_all()

    def wait_for(self, predicate: Callable[[dict[str, Any]], bool], what: str, timeout: float = WAIT, since: int = 0):
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for event in self.events[since:]:
                    if predicate(event):
                        return event
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no {what} within {timeout:.0f} s; the caller saw: {self.events[-30:]}")
                self._changed.wait(left)


class Caller:
    """A caller on LiveKit's rtc client (salon_project/tests/livekit_caller.py) in the namespace."""

    def __init__(self, sandbox: Sandbox, url: str, token: str, log: Path):
        command = [*sandbox.namespace.prefix(), sys.executable, "-m", "salon_project.tests.livekit_caller", url, token]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=open(log.with_suffix(".stderr"), "w"),
            text=True,
        )
        self.lines = Lines(self.process.stdout, log)

    def send(self, **command: Any) -> None:
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()

    def connected(self) -> dict[str, Any]:
        return self.lines.wait_for(lambda e: e["event"] in ("connected", "error"), "connection")

    def identity(self) -> str:
        """The identity the server gave this caller (from its token)."""
        return self.connected()["identity"]

    def mark(self) -> int:
        return len(self.lines.events)

    def say(self, text: str) -> int:
        """Send `text` on lk.chat; returns the mark after which the replies come."""
        mark = self.mark()
        self.send(cmd="say", text=text)
        return mark

    def reply(self, contains: str, since: int = 0, timeout: float = WAIT) -> str:
        """The first text the agent sent on lk.transcription, after `since`, that contains `contains`."""
        event = self.lines.wait_for(
            lambda e: (
                e["event"] == "text" and e["topic"] == "lk.transcription" and contains.lower() in e["text"].lower()
            ),
            f"reply containing {contains!r}",
            timeout,
            since,
        )
        return event["text"]

    def replies(self, since: int = 0) -> list[str]:
        return [
            e["text"] for e in self.lines.events[since:] if e["event"] == "text" and e["topic"] == "lk.transcription"
        ]

    def wait_for(self, predicate: Callable[[dict[str, Any]], bool], what: str, since: int = 0, timeout: float = WAIT):
        return self.lines.wait_for(predicate, what, timeout, since)

    def hang_up(self) -> None:
        if self.process.poll() is None:
            self.send(cmd="hang_up")
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass

    def close(self) -> None:
        if self.process.poll() is None:
            self.hang_up()
        if self.process.poll() is None:
            processes.stop(self.process, grace_seconds=5)


class VoiceWorker:
    """The real `manage.py runworker dev` in the namespace, registered under its agent name."""

    def __init__(self, sandbox: Sandbox, api_url: str, token: str, log: Path, mode: str = "dev", **env: str):
        self.agent_name = env.get("VOICE_AGENT_NAME", "salon-receptionist")
        self.log = log
        full_env = {
            **os.environ,
            **sandbox.livekit_env,
            "DJANGO_SETTINGS_MODULE": "voice_worker.tests.console_settings",
            "TEST_VOICE_OUTBOX_DIR": str(log.parent / f"outbox-{uuid.uuid4().hex[:6]}"),
            "SALON_API_URL": api_url,
            "SALON_API_TOKEN": token,
            "LLM_PROVIDER": "offline",
            "OPENAI_API_KEY": "",
            "PYTHONUNBUFFERED": "1",
            **env,
        }
        full_env.pop("REDIS_URL", None)
        options = ["--no-reload"] if mode == "dev" else []
        command = [*sandbox.namespace.prefix(), sys.executable, MANAGE, "runworker", mode, *options]
        with open(log, "w") as out:
            self.process = subprocess.Popen(
                command, cwd=settings.BASE_DIR, env=full_env, stdout=out, stderr=subprocess.STDOUT, process_group=0
            )

    def registered(self, timeout: float = 60) -> VoiceWorker:
        deadline = time.monotonic() + timeout
        while "registered worker" not in self.output():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"the voice worker did not register:\n{self.output()[-4000:]}")
            time.sleep(0.2)
        return self

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        processes.stop_all([self.process], grace_seconds=10, groups=True)


@dataclass
class Salon(BearerApi):
    """The whole system over the real server: daphne (API, websockets) on this side of the veth,
    the voice worker and the callers in the namespace."""

    api_url: str
    token: str
    sandbox: Sandbox
    agent_name: str
    tmp_path: Path
    worker: VoiceWorker | None = None
    callers: list[Caller] = field(default_factory=list)
    api_env: dict[str, str] = field(default_factory=dict)  # daphne's environment

    def web_call(self, caller_name: str = "Ana", caller_phone: str | None = None) -> dict[str, Any]:
        body = {"caller_name": caller_name, **({"caller_phone": caller_phone} if caller_phone else {})}
        response = self.post("/api/v1/calls", body)
        assert response.status_code == 201, response.text
        return response.json()

    def livekit(self) -> dict[str, str]:
        """What an API client of LiveKit needs: url, api_key, api_secret."""
        server = self.sandbox.server
        return {"url": server.http_url, "api_key": server.api_key, "api_secret": server.api_secret}

    def run_task(self, dotted: str) -> None:
        """Run a Celery task's function in a process of its own with the API's settings (its
        database, LiveKit), as the beat's worker would run it."""
        module, name = dotted.rsplit(".", 1)
        code = f"from {module} import {name}; {name}()"
        done = subprocess.run(
            [sys.executable, MANAGE, "shell", "-c", code], env=self.api_env, cwd=settings.BASE_DIR, capture_output=True
        )
        assert done.returncode == 0, done.stderr.decode(errors="replace")[-3000:]

    def rooms(self) -> list[str]:
        """The rooms the server has now, as its RoomService lists them."""

        async def names() -> list[str]:
            async with api.LiveKitAPI(**self.livekit()) as livekit:
                return [room.name for room in (await livekit.room.list_rooms(api.ListRoomsRequest())).rooms]

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # PyJWT: dev mode's well-known secret is short
            return asyncio.run(names())

    def wait_until_room_is_gone(self, room: str) -> None:
        """A deleted room leaves the server's list once its participants are closed, a moment
        after they are told ROOM_DELETED: wait for that rather than read the list once."""
        deadline = time.monotonic() + WAIT
        while room in (names := self.rooms()):
            if time.monotonic() > deadline:
                raise AssertionError(f"room {room} still listed after {WAIT} s: {names}")
            time.sleep(0.3)

    def caller(self, url: str, token: str) -> Caller:
        caller = Caller(self.sandbox, url, token, self.tmp_path / f"caller-{len(self.callers)}.jsonl")
        self.callers.append(caller)
        return caller

    def wait_for_call(self, call_id: int, predicate: Callable[[dict[str, Any]], bool], what: str) -> dict[str, Any]:
        deadline = time.monotonic() + WAIT
        while True:
            call = self.get(f"/api/v1/calls/{call_id}")
            if predicate(call):
                return call
            if time.monotonic() > deadline:
                raise AssertionError(f"call {call_id}: no {what} within {WAIT} s: {call}")
            time.sleep(0.3)


@pytest.fixture
def voice_worker_env() -> dict[str, str]:
    """Extra settings of the voice worker of `salon_over_livekit`; override it to change some."""
    return {}


@pytest.fixture
def salon_api_env() -> dict[str, str]:
    """Extra settings of the API (daphne) of `salon_api_over_livekit`; override it to change some."""
    return {}


@pytest.fixture
def salon_api_over_livekit(livekit_sandbox, transactional_db, tmp_path, salon_api_env) -> Iterator[Salon]:
    """The seeded salon served by daphne, with LiveKit settings naming the real server and an
    agent name of this test's own (so no other test's worker can take its calls); no worker.
    Tests using it need `django_db(transaction=True)`."""
    from conftest import Daphne
    from core.models import ApiToken

    call_command("seed_salon", verbosity=0)
    token = ApiToken.issue("voice-worker-e2e")[1]
    agent = {"VOICE_AGENT_NAME": f"salon-receptionist-{uuid.uuid4().hex[:6]}"}
    host = livekit_sandbox.namespace.host_ip
    daphne = Daphne(
        tmp_path / "daphne.log",
        host=host,
        ALLOWED_HOSTS=f"{host},127.0.0.1",
        **livekit_sandbox.livekit_env,
        **agent,
        **salon_api_env,
    )
    salon = Salon(f"http://{daphne.start()}", token, livekit_sandbox, agent["VOICE_AGENT_NAME"], tmp_path)
    salon.api_env = daphne.env
    try:
        yield salon
    finally:
        for caller in salon.callers:
            caller.close()
        if salon.worker is not None:
            salon.worker.stop()
        daphne.stop()


@pytest.fixture
def salon_over_livekit(salon_api_over_livekit, voice_worker_env) -> Salon:
    """`salon_api_over_livekit` with the real voice worker registered at the server."""
    salon = salon_api_over_livekit
    env = {"VOICE_AGENT_NAME": salon.agent_name, **voice_worker_env}
    salon.worker = VoiceWorker(salon.sandbox, salon.api_url, salon.token, salon.tmp_path / "worker.log", **env)
    salon.worker.registered()
    return salon


@contextmanager
def page_in_namespace(salon: Salon, tmp_path: Path, viewport: dict[str, int]) -> Iterator[Any]:
    """A page of headless Chromium run inside the namespace (its WebRTC on the namespace's
    address), with a fake microphone, treating the API's plain-http address as secure as it
    treats localhost; the browser closes when the `with` ends."""
    from playwright.sync_api import sync_playwright

    from conftest import CHROMIUM

    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is not at {CHROMIUM}; .ci/run installs Debian's chromium package.")
        pytest.skip(f"Chromium is not at {CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)")
    wrapper = tmp_path / "chromium-in-namespace"
    wrapper.write_text(f'#!/bin/sh\nexec {" ".join(salon.sandbox.namespace.prefix())} {CHROMIUM} "$@"\n')
    wrapper.chmod(0o755)
    args = [
        "--no-sandbox",
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--unsafely-treat-insecure-origin-as-secure={salon.api_url}",
    ]
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop runs in this thread
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(wrapper), args=args)
        try:
            yield browser.new_page(viewport=viewport)
        finally:
            browser.close()


def agent_joined(event: dict[str, Any]) -> bool:
    return event["event"] == "joined" and event["kind"] == "PARTICIPANT_KIND_AGENT"


def transfer_asked_for(salon: Salon) -> tuple[dict[str, Any], Caller, dict[str, Any], int]:
    """A web call greeted by the real receptionist, whose caller asks for a person: the call, the
    caller, the transfer (ringing) and the caller's mark from that question on."""
    call = salon.web_call("Ana", "+14155550150")
    caller = salon.caller(call["livekit_url"], call["caller_token"])
    assert caller.connected()["event"] == "connected"
    caller.wait_for(agent_joined, "the receptionist joining")
    caller.reply("How can I help")
    mark = caller.say("Can I speak to the manager please?")
    caller.reply("hold", since=mark)
    [transfer] = salon.get(f"/api/v1/calls/{call['id']}/transfers")
    return call, caller, transfer, mark
