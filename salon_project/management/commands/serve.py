import logging
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.management.base import BaseCommand

from salon_project import processes

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
        "installing. Production runs these as separate processes instead (see Procfile)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--no-worker", action="store_true", help="Serve HTTP only.")

    def handle(self, *args, host: str, port: str, no_worker: bool, **options):
        children = [
            Child("daphne", [sys.executable, "-m", "daphne", "-b", host, "-p", port, "salon_project.asgi:application"])
        ]
        if not no_worker:
            worker = [sys.executable, "-m", "celery", "-A", "salon_project", "worker", "--beat", "--loglevel", "INFO"]
            worker += ["--pool", "solo", "--without-mingle", "--without-gossip"]
            children.append(Child("the Celery worker", [*worker, "--schedule", settings.CELERY_BEAT_SCHEDULE_FILENAME]))
        signal.signal(signal.SIGTERM, _stop)
        try:
            for child in children:
                child.start()
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
