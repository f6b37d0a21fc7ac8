"""`manage.py serve` (what `make run` starts) keeps the system up: a child that dies is restarted
with a log line, the others keep running, and SIGTERM still stops every process it started.

A real `serve` on a SQLite database and embedded broker of its own, on a free port. Every process
it starts carries a marker in its environment, so the test finds them all, including any a child
left behind (Celery's embedded beat runs in a process of its own).
"""

import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import psutil
import pytest
from django.conf import settings

from salon_project.tests.support_faults import free_port, wait_for

# Outside the fast lane (slow): starts manage.py serve (daphne, a Celery worker).
pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]

MARKER = "SALON_SERVE_TEST"
MANAGE = [sys.executable, "manage.py"]


def serve_env(tmp_path: Path, marker: str, **overrides: str) -> dict[str, str]:
    """serve's environment: the production settings on a SQLite database and embedded broker in
    `tmp_path`, every process it starts marked with `marker`, then `overrides`."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "salon_project.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "REDIS_URL": "",  # empty counts as unset: the embedded broker, in tmp_path
        "PYTHONUNBUFFERED": "1",
        MARKER: marker,
        **overrides,
    }


@contextmanager
def serving(tmp_path: Path, env: dict[str, str]) -> Iterator[tuple[subprocess.Popen, str, Callable[[], str]]]:
    """`manage.py serve` on a free port, its output in serve.log: (the process, its base URL, the
    log so far). Whatever it left running is killed at the end."""
    port, log_path = free_port(), tmp_path / "serve.log"
    with open(log_path, "wb") as log:
        serve = subprocess.Popen(
            [*MANAGE, "serve", "--port", str(port)], env=env, cwd=settings.BASE_DIR, stdout=log, stderr=log
        )
    try:
        yield serve, f"http://127.0.0.1:{port}", lambda: log_path.read_text(errors="replace")
    finally:
        if serve.poll() is None:
            serve.kill()
        for process in started_by(env[MARKER]):
            process.kill()


def started_by(marker: str) -> list[psutil.Process]:
    """Every live process whose environment carries `marker` (serve and all it started)."""
    found = []
    for process in psutil.process_iter():
        try:
            if process.environ().get(MARKER) == marker and process.status() != psutil.STATUS_ZOMBIE:
                found.append(process)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found


def child(serve: subprocess.Popen, program: str) -> psutil.Process | None:
    """serve's direct child running `program` ("daphne" or "celery"), if there is one."""
    for process in psutil.Process(serve.pid).children():
        try:
            if process.cmdline()[2] == program and process.status() != psutil.STATUS_ZOMBIE:
                return process
        except (psutil.NoSuchProcess, IndexError):
            continue
    return None


def healthy(base: str) -> bool:
    try:
        return httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def test_serve_restarts_a_killed_worker_and_sigterm_stops_everything(tmp_path):
    marker = uuid.uuid4().hex
    env = serve_env(tmp_path, marker)
    subprocess.run([*MANAGE, "migrate", "-v0"], env=env, cwd=settings.BASE_DIR, check=True, timeout=120)
    with serving(tmp_path, env) as (serve, base, logged):
        wait_for(lambda: healthy(base), 60, "daphne to answer /health")
        wait_for(lambda: logged().count(" ready.") == 1, 60, f"the worker to start:\n{logged()}")
        daphne, worker = child(serve, "daphne"), child(serve, "celery")
        assert daphne and worker
        beat = wait_for(lambda: worker.children(), 30, "Celery's embedded beat process")

        worker.send_signal(signal.SIGKILL)
        wait_for(
            lambda: f"the Celery worker (pid {worker.pid}) was killed by SIGKILL; restarting it in 1 s" in logged(),
            10,
            f"serve to say the worker died:\n{logged()}",
        )
        new_worker = wait_for(lambda: child(serve, "celery"), 10, "a new worker")
        assert new_worker.pid != worker.pid
        wait_for(lambda: logged().count(" ready.") == 2, 60, f"the new worker to start:\n{logged()}")
        assert serve.poll() is None and daphne.is_running() and child(serve, "daphne").pid == daphne.pid
        assert healthy(base)
        assert not any(process.is_running() for process in beat), "the dead worker's beat was stopped with it"

        everything = started_by(marker)
        assert len(everything) >= 4  # serve, daphne, the worker and its beat
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=15)
        wait_for(lambda: not started_by(marker), 5, f"every process serve started to end: {started_by(marker)}")
        assert serve.returncode == 0, logged()
