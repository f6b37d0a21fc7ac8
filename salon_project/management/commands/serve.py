import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management.base import BaseCommand


def _stop(signum, frame) -> None:
    """A SIGTERM (from a process manager) stops the children just as Ctrl-C does."""
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = (
        "Serve the whole system on one machine: daphne (HTTP, API, admin, websockets) and a Celery "
        "worker with its beat scheduler (texts, webhooks, timeouts, relay). With no REDIS_URL the "
        "worker's broker is a folder under var/, so no server needs installing. Production runs "
        "these as separate processes instead (see Procfile)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--no-worker", action="store_true", help="Serve HTTP only.")

    def handle(self, *args, host: str, port: str, no_worker: bool, **options):
        commands = [[sys.executable, "-m", "daphne", "-b", host, "-p", port, "salon_project.asgi:application"]]
        if not no_worker:
            commands.append(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "salon_project",
                    "worker",
                    "--beat",
                    "--loglevel",
                    "INFO",
                    "--pool",
                    "solo",
                    "--without-mingle",
                    "--without-gossip",
                    "--schedule",
                    settings.CELERY_BEAT_SCHEDULE_FILENAME,
                ]
            )
        children = [subprocess.Popen(command, env=os.environ.copy()) for command in commands]
        signal.signal(signal.SIGTERM, _stop)
        self.stdout.write(f"Serving on http://{host}:{port}/ (Ctrl-C stops everything)")
        try:
            os.wait()  # the first child to exit ends the session
        except KeyboardInterrupt:
            pass
        finally:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            for child in children:
                child.wait(timeout=15)
