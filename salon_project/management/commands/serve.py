import logging
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.management.base import BaseCommand

from core import processes
from salon_project import livekit_server

logger = logging.getLogger("salon.serve")

# A child that dies is started again after 1 s, then 2, 4 … at most 30 s while it keeps dying; one
# that had run for a minute counts as healthy again and restarts after 1 s.
FIRST_RESTART_SECONDS = 1.0
MAX_RESTART_SECONDS = 30.0
HEALTHY_AFTER_SECONDS = 60.0
# On Ctrl-C or SIGTERM, how long the children get to finish (daphne its requests, Celery its
# task) before they are killed.
STOP_GRACE_SECONDS = 10.0
POLL_SECONDS = 0.2


def _stop(signum, frame) -> None:
    """A SIGTERM (from a process manager) stops the children just as Ctrl-C does."""
    raise KeyboardInterrupt


@dataclass
class Child:
    """One supervised program, in a process group of its own (so what it starts, such as Celery's
    embedded beat process, is stopped with it, and a Ctrl-C reaches it once, through `serve`)."""

    name: str
    command: list[str]
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    delay: float = FIRST_RESTART_SECONDS
    restart_at: float | None = field(default=None)

    def start(self) -> None:
        self.process = subprocess.Popen(self.command, process_group=0)
        self.started_at, self.restart_at = time.monotonic(), None

    def check(self, now: float) -> None:
        """Start the child again when it is due; notice that it died and schedule the restart."""
        if self.restart_at is not None:
            if now >= self.restart_at:
                self.start()
                logger.info("Restarted %s (pid %s).", self.name, self.process.pid)
            return
        status = self.process.poll()
        if status is None:
            return
        processes.kill_group(self.process)  # whatever it left behind
        if now - self.started_at >= HEALTHY_AFTER_SECONDS:
            self.delay = FIRST_RESTART_SECONDS
        how = f"was killed by {signal.Signals(-status).name}" if status < 0 else f"exited with status {status}"
        logger.error("%s (pid %s) %s; restarting it in %.0f s.", self.name, self.process.pid, how, self.delay)
        self.restart_at = now + self.delay
        self.delay = min(self.delay * 2, MAX_RESTART_SECONDS)


class Command(BaseCommand):
    help = (
        "Serve the whole system on one machine: daphne (HTTP, API, admin, websockets) and a Celery "
        "worker with its beat scheduler (texts, webhooks, timeouts, relay). A child that dies is "
        "restarted (1 s, doubling to 30 s while it keeps dying); Ctrl-C or SIGTERM stops them all. "
        "With no REDIS_URL the worker's broker is a folder of the database's own, so no server needs "
        "installing. With LiveKit's server built (`make livekit`) and no LIVEKIT_URL set, it also "
        "runs that server in development mode and a voice worker (`runworker dev`) on it, so the "
        "/call/ page works with no account. Production runs these as separate processes instead "
        "(see Procfile)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--no-worker", action="store_true", help="Serve HTTP only.")
        parser.add_argument(
            "--no-livekit", action="store_true", help="Do not start LiveKit's local server and a voice worker."
        )

    def handle(self, *args, host: str, port: str, no_worker: bool, no_livekit: bool, **options):
        children = [
            Child("daphne", [sys.executable, "-m", "daphne", "-b", host, "-p", port, "salon_project.asgi:application"])
        ]
        if not no_worker:
            worker = processes.celery_worker(
                "--pool", "solo", "--loglevel", "INFO", beat=settings.CELERY_BEAT_SCHEDULE_FILENAME
            )
            children.append(Child("the Celery worker", worker))
        local_livekit = None
        if not no_livekit and not settings.LIVEKIT_URL and livekit_server.built():
            local_livekit = livekit_server.LiveKitDevServer(port=livekit_server.DEV_PORT, log_level="warn")
            children.insert(0, Child("LiveKit's server", local_livekit.command()))
            api_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
            voice = [sys.executable, str(settings.BASE_DIR / "manage.py"), "runworker", "dev", "--no-reload"]
            children.append(Child("the voice worker", voice))
            # Every child reads these from its environment: the API mints tokens for this server,
            # and the voice worker registers there and reaches the API here.
            os.environ.update(
                LIVEKIT_URL=local_livekit.url,
                LIVEKIT_API_KEY=local_livekit.api_key,
                LIVEKIT_API_SECRET=local_livekit.api_secret,
                SALON_API_URL=os.environ.get("SALON_API_URL") or f"http://{api_host}:{port}",
            )
        signal.signal(signal.SIGTERM, _stop)
        try:
            for child in children:
                child.start()
                if local_livekit is not None and child is children[0]:
                    local_livekit.wait_until_ready(child.process)
            if local_livekit is not None:
                self.stdout.write(
                    f"LiveKit's server (development mode, key devkey) on {local_livekit.url}, with a voice worker."
                )
            self.stdout.write(f"Serving on http://{host}:{port}/ (Ctrl-C stops everything)")
            while True:
                now = time.monotonic()
                for child in children:
                    child.check(now)
                time.sleep(POLL_SECONDS)
        except KeyboardInterrupt:
            pass
        finally:
            for signum in (signal.SIGTERM, signal.SIGINT):  # a second Ctrl-C must not cut the stop short
                signal.signal(signum, signal.SIG_IGN)
            started = [child.process for child in children if child.process is not None]
            processes.stop_all(started, STOP_GRACE_SECONDS, groups=True)
            if local_livekit is not None:
                local_livekit.cleanup()
