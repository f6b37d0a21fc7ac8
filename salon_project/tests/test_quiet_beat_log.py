"""The log stays readable: Celery's routine lines about beat's own tasks (every 5 s for
`expire_transfers`) are dropped, while every other task's lines, every warning and error, and
the texts the console SMS backend writes stay."""

import logging

from celery.app.trace import LOG_RECEIVED, LOG_SUCCESS

from outbound.sms import ConsoleBackend, OutgoingText
from salon_project.celery import BEAT_TASKS

WORKER_RECEIVED = logging.getLogger("celery.worker.strategy")
WORKER_SUCCEEDED = logging.getLogger("celery.app.trace")
BEAT = logging.getLogger("celery.beat")


def worker_lines(task: str) -> None:
    """What the worker logs for a task, with Celery's own formats."""
    WORKER_RECEIVED.info(LOG_RECEIVED, {"id": "a1", "name": task, "args": "()", "kwargs": "{}"})
    WORKER_SUCCEEDED.info(LOG_SUCCESS, {"id": "a1", "name": task, "return_value": 0, "runtime": 0.01, "args": ""})


def test_the_routine_lines_of_beat_tasks_are_dropped(caplog):
    caplog.set_level(logging.INFO)
    assert {"calls.tasks.expire_transfers", "helprequests.tasks.expire_help_requests"} <= BEAT_TASKS

    worker_lines("calls.tasks.expire_transfers")
    BEAT.info("Scheduler: Sending due task %s (%s)", "expire-transfers", "calls.tasks.expire_transfers")

    assert caplog.records == []


def test_other_tasks_failures_and_the_console_texts_are_kept(caplog):
    caplog.set_level(logging.INFO)

    worker_lines("outbound.tasks.deliver_message")
    WORKER_SUCCEEDED.error(
        "Task %(name)s[%(id)s] raised unexpected: %(exc)s",
        {"name": "calls.tasks.expire_transfers", "id": "b2", "exc": "OperationalError"},
    )
    ConsoleBackend().send(OutgoingText(to="+14155550150", body="Yes, we do.", reference="7"))

    lines = [record.getMessage() for record in caplog.records]
    assert len(lines) == 4
    assert "outbound.tasks.deliver_message" in lines[0] and "succeeded" in lines[1]
    assert "expire_transfers" in lines[2] and "OperationalError" in lines[2]
    assert lines[3] == "SMS to +14155550150 [7]: Yes, we do."
