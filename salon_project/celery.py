"""The Celery app: texts, webhooks, the timeout sweep and the relay run here.

Beat's schedule lives in code so every deployment runs the same periodic jobs.
"""

import os
from pathlib import Path

from celery import Celery, signals

from salon_project import broker  # noqa: F401  (registers the embedded broker's salonfs:// transport)
from salon_project.env import exit_on_configuration_error

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


app.conf.beat_schedule = {
    "expire-help-requests": {"task": "helprequests.tasks.expire_help_requests", "schedule": 60.0},
    "relay-undelivered": {"task": "helprequests.tasks.relay_undelivered", "schedule": 60.0},
    # Often, since a caller is on hold: a transfer nobody answers ends within seconds of its deadline.
    "expire-transfers": {"task": "calls.tasks.expire_transfers", "schedule": 5.0},
}
