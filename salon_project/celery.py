"""The Celery app: texts, webhooks, the timeout sweep and the relay run here.

Beat's schedule lives in code so every deployment runs the same periodic jobs.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salon_project.settings")

app = Celery("salon_project")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "expire-help-requests": {"task": "helprequests.tasks.expire_help_requests", "schedule": 60.0},
    "relay-undelivered": {"task": "helprequests.tasks.relay_undelivered", "schedule": 60.0},
    # Often, since a caller is on hold: a transfer nobody answers ends within seconds of its deadline.
    "expire-transfers": {"task": "calls.tasks.expire_transfers", "schedule": 5.0},
}
