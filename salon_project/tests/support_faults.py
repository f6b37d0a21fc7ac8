"""What the fault tests start, break and watch: Celery workers, a Redis of their own, a slow SMS
provider that records across processes, a slow webhook receiver, and polling with a deadline.

- `SlowRecordingSmsBackend` (select it with `SMS_BACKEND=salon_project.tests.support_faults.
  SlowRecordingSmsBackend` in a worker's environment) plays an SMS provider reached over the
  network: it appends an "attempt" line to the file named by `FAULTS_SMS_LOG` when a send
  starts, waits `FAULTS_SMS_DELAY` seconds (the request in flight) and only then appends an
  "accepted" line: the text the provider took and will put on a phone. Like Twilio, it does not
  deduplicate: two sends of one Message are two texts.
- `SlowReceiver`: the real local HTTP webhook receiver, answering only after a delay, so a worker
  can be killed while a delivery is in flight. It records every request as it arrives.
"""

import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings

from core.processes import celery_worker
from helprequests.tests.support_receiver import WebhookReceiver
from outbound.sms import BaseBackend, OutgoingText

SMS_LOG_ENV = "FAULTS_SMS_LOG"
SMS_DELAY_ENV = "FAULTS_SMS_DELAY"
SLOW_SMS_BACKEND = "salon_project.tests.support_faults.SlowRecordingSmsBackend"


def needs(available: bool, what: str) -> None:
    """Skip the test when `what` is missing here, but fail it in CI (env CI set), which provides
    PostgreSQL, Redis and redis-server: there a skip would hide a fault test that never ran."""
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"This fault test needs {what}; CI provides it.")
    pytest.skip(f"needs {what}")


def wait_for(condition: Callable[[], object], timeout: float, what: str, interval: float = 0.1):
    """Poll `condition` until it returns something truthy (returned) or fail after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out after {timeout}s waiting for {what}.")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- The SMS provider -----------------------------------------------------------------------


class SlowRecordingSmsBackend(BaseBackend):
    def send(self, text: OutgoingText) -> str:
        _append(os.environ[SMS_LOG_ENV], {"event": "attempt", "reference": text.reference, "pid": os.getpid()})
        time.sleep(float(os.environ.get(SMS_DELAY_ENV, "0")))
        _append(
            os.environ[SMS_LOG_ENV],
            {"event": "accepted", "reference": text.reference, "to": text.to, "body": text.body, "pid": os.getpid()},
        )
        return f"faults-{text.reference}"


def _append(path: str, record: dict) -> None:
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(record) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def read_jsonl(path: Path) -> list[dict]:
    try:
        with open(path, encoding="utf-8") as handle:
            return [json.loads(line) for line in handle if line.strip()]
    except FileNotFoundError:
        return []


# --- The webhook receiver -------------------------------------------------------------------


class SlowReceiver(WebhookReceiver):
    """Records each request on arrival, then takes `delay` seconds before answering."""

    def __init__(self, delay: float, **kwargs):
        super().__init__(**kwargs)
        self.delay = delay

    def _next_status(self) -> int:  # called after the request was recorded, before the answer
        time.sleep(self.delay)
        return super()._next_status()

    def event_ids(self) -> list[str]:
        return [json.loads(request.body)["id"] for request in list(self.requests)]


# --- Celery workers -------------------------------------------------------------------------


def start_worker(
    log_file: Path, env: dict[str, str], queue: str = "celery", concurrency: int = 1, beat: Path | None = None
):
    """A real Celery worker process on the production settings with `env` on top (DATABASE_URL,
    REDIS_URL, SMS_BACKEND ...), consuming `queue`; with `beat` (a schedule file), beat runs in
    it too, as `manage.py serve` runs it."""
    full_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "salon_project.settings",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "PYTHONUNBUFFERED": "1",
        **env,
    }
    pool = ["--pool", "solo"] if concurrency == 1 else ["--pool", "threads", "--concurrency", str(concurrency)]
    name = f"{queue}-{time.monotonic_ns()}@%h"
    command = celery_worker(*pool, "--without-heartbeat", "-l", "INFO", "-Q", queue, "-n", name, beat=beat)
    with open(log_file, "ab") as log:
        return subprocess.Popen(command, env=full_env, cwd=settings.BASE_DIR, stdout=log, stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 15) -> None:
    """Stop a process this test started (SIGTERM: a worker's warm shutdown), killing it if it lingers."""
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


# --- A Redis of the test's own --------------------------------------------------------------


class OwnRedis:
    """A `redis-server` subprocess on a free port, without persistence: stopping it loses every
    job in it, as a crashed broker would. The system Redis is never touched."""

    def __init__(self, log_file: Path):
        self.port = free_port()
        self.log_file = log_file
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "OwnRedis":
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        with open(self.log_file, "ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        wait_for(self.answers, 10, f"redis-server on port {self.port}")
        return self

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process, signal.SIGKILL, timeout=5)
            self.process = None

    def answers(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.5, socket_timeout=0.5).ping())
        except redis.RedisError:
            return False
