"""The Celery app: texts, webhooks, the timeout sweep and the relay run here.

Beat's schedule lives in code so every deployment runs the same periodic jobs.
"""

import logging
import os
from collections.abc import Mapping
from pathlib import Path

from celery import Celery, signals

from salon_project import broker  # noqa: F401  (registers the embedded broker's salonfs:// transport)
from salon_project.env import exit_on_configuration_error, integer

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salon_project.settings")

app = Celery("salon_project")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_configure.connect
def _load_settings(sender, **kwargs) -> None:
    """Celery reads the settings lazily, deep inside its command line; loading them here first
    turns a bad environment into one sentence and exit status 2 (salon_project.env)."""
    from django.conf import settings

    with exit_on_configuration_error():
        settings.INSTALLED_APPS  # noqa: B018  (the access loads the settings module)


@signals.beat_init.connect
def _make_schedule_folder(sender, **kwargs) -> None:
    """The schedule file lives in a folder of its database's own (settings.celery_state), made
    here just before beat opens it."""
    Path(sender.schedule_filename).parent.mkdir(parents=True, exist_ok=True)


# The help-request sweeps (timeouts, the escalation ladder): every minute; SWEEP_EVERY_SECONDS
# makes it more often (the end-to-end tests run beat every second).
with exit_on_configuration_error():
    _SWEEP_EVERY = float(integer("SWEEP_EVERY_SECONDS", 60, minimum=1))

BEAT_SCHEDULE = {
    "expire-help-requests": {"task": "helprequests.tasks.expire_help_requests", "schedule": _SWEEP_EVERY},
    "climb-ladder": {"task": "helprequests.tasks.climb_ladder", "schedule": _SWEEP_EVERY},
    "relay-undelivered": {"task": "outbound.tasks.relay_undelivered", "schedule": 60.0},
    # Often, since a caller is on hold: a transfer nobody answers ends within seconds of its deadline.
    "expire-transfers": {"task": "calls.tasks.expire_transfers", "schedule": 5.0},
}
# Set, not read back: reading `app.conf` here would load Django's settings on `import
# salon_project`, before a program (bench/run.py) has set DATABASE_URL.
app.conf.beat_schedule = BEAT_SCHEDULE

# Beat's own tasks, as they appear in the log: each says what it did when it did something
# ("Timed out 2 help request(s).", "Relayed 1 text(s)"), so the worker's and beat's routine lines
# for them (received, succeeded, sending due) are dropped. `expire_transfers` alone, every 5 s,
# made more than half the log, burying the texts the console SMS backend writes there.
BEAT_TASKS = frozenset(entry["task"] for entry in BEAT_SCHEDULE.values())


class QuietBeatTasks(logging.Filter):
    """Drop Celery's INFO lines about a beat task (warnings and errors about them stay)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.INFO:
            return True
        if isinstance(record.args, Mapping):  # the worker: "Task <name>[<id>] received/succeeded …"
            task = record.args.get("name")
        elif isinstance(record.args, tuple) and len(record.args) == 2:  # beat: "Sending due task <entry> (<name>)"
            task = record.args[1]
        else:
            return True
        return task not in BEAT_TASKS


for _logger in ("celery.worker.strategy", "celery.app.trace", "celery.beat"):
    logging.getLogger(_logger).addFilter(QuietBeatTasks())
