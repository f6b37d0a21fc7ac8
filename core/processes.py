"""Child processes the project starts itself (`manage.py serve`, `manage.py demo`, the tests'
servers, `make bench`)."""

import os
import signal
import subprocess
import sys
import time


def stop(process: subprocess.Popen, grace_seconds: float = 10) -> None:
    """Ask a child process to end (SIGTERM), as a supervisor would; kill it if it has not ended
    within `grace_seconds`, so a hung child never holds its caller up."""
    stop_all([process], grace_seconds)


def stop_all(children: list[subprocess.Popen], grace_seconds: float = 10, groups: bool = False) -> None:
    """`stop` for several children at once, sharing one grace period. With `groups`, each child
    leads a process group of its own (`process_group=0`) and the signals go to the whole group,
    so what a child started itself (Celery's embedded beat) ends with it, even after the child
    itself died."""
    for child in children:
        if child.poll() is None:
            _signal(child, signal.SIGTERM, groups)
    deadline = time.monotonic() + grace_seconds
    for child in children:
        try:
            child.wait(timeout=max(deadline - time.monotonic(), 0))
        except subprocess.TimeoutExpired:
            pass
    for child in children:
        if child.poll() is None or groups:
            _signal(child, signal.SIGKILL, groups)  # a group may outlive its leader
        child.wait()


def kill_group(child: subprocess.Popen) -> None:
    """SIGKILL whatever is left of a dead group leader's process group."""
    _signal(child, signal.SIGKILL, groups=True)


def _signal(child: subprocess.Popen, signum: int, groups: bool) -> None:
    try:
        if groups:
            os.killpg(child.pid, signum)
        else:
            child.send_signal(signum)
    except ProcessLookupError:
        pass  # already gone


def celery_worker(*options: str, app: str = "salon_project", beat: str | os.PathLike | None = None) -> list[str]:
    """The command line of a real Celery worker of `app`, as `manage.py serve` and the tests
    start one: no mingle or gossip (one worker does not need to hear of others), `options` on
    top (pool, queue, log level); with `beat` (a schedule file), beat runs in it too."""
    command = [sys.executable, "-m", "celery", "-A", app, "worker", "--without-mingle", "--without-gossip", *options]
    return [*command, "--beat", "--schedule", str(beat)] if beat else command
