"""A real Celery worker process, not eager mode: the API call commits, the job goes through the
real broker (Redis when REDIS_URL is set, else the test database's embedded broker), a
separate worker process picks it up, reads the test database and sends the supervisor's text.

The worker runs the production settings (`salon_project.settings`) pointed at this test run's
database and at a file-writing SMS backend, and listens on a queue of its own, so neither a
development worker sharing the broker nor stale jobs from earlier runs can interfere.
"""

import subprocess
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from conftest import subprocess_database_url
from helprequests.tests.support_salon import OWNER_PHONE, add_owner, create_help_request_via_api
from helprequests.tests.support_sms import SENT_TEXTS_FILE_ENV, read_sent_texts_file
from outbound.models import Message
from salon_project.celery import app
from salon_project.tests import support_faults

# Outside the fast lane (slow): starts a real Celery worker.
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WAIT_SECONDS = 30


def start_worker(queue: str, sent_texts_file: Path, log_file: Path) -> subprocess.Popen:
    """A worker on this test run's database and broker, texting into `sent_texts_file`."""
    env = {
        "DATABASE_URL": subprocess_database_url(),
        "SMS_BACKEND": "helprequests.tests.support_sms.FileBackend",
        SENT_TEXTS_FILE_ENV: str(sent_texts_file),
    }
    if settings.REDIS_URL:
        env["REDIS_URL"] = settings.REDIS_URL
    else:
        settings.CELERY_BROKER_DIR.mkdir(parents=True, exist_ok=True)
    return support_faults.start_worker(log_file, env, queue=queue)


def forget_queue(queue: str) -> None:
    """Best effort: leave no empty queue or binding behind in a shared broker."""
    try:
        with app.connection_for_write() as conn:
            declared = app.amqp.queues[queue].bind(conn.default_channel)
            declared.declare()  # so this channel knows the bindings it has to remove
            declared.delete()
    except Exception:  # cleanup must never hide the test's own outcome
        pass


@pytest.fixture
def not_eager():
    """This process publishes to the real broker instead of running tasks in-process.

    Set and restored by hand: `monkeypatch.setattr(app.conf, ...)` cannot undo itself, because
    celery's Settings answers getattr from its defaults but has no attribute to restore."""
    queue = f"test-worker-{uuid.uuid4().hex[:12]}"
    previous = {"task_always_eager": app.conf.task_always_eager, "task_default_queue": app.conf.task_default_queue}
    app.conf.update(task_always_eager=False, task_default_queue=queue)
    try:
        yield queue
    finally:
        app.conf.update(previous)
        forget_queue(queue)


def test_a_real_worker_sends_the_supervisor_alert(api, not_eager, tmp_path):
    if settings.REDIS_URL:
        assert app.conf.broker_url.startswith("redis"), app.conf.broker_url
    else:
        assert app.conf.broker_url.startswith("salonfs"), app.conf.broker_url
    owner = add_owner()
    sent_texts_file, log_file = tmp_path / "sms.jsonl", tmp_path / "worker.log"

    worker = start_worker(not_eager, sent_texts_file, log_file)
    try:
        # A transactional test really commits, so the on-commit hook publishes the job to the
        # broker as the API call returns, as it would in production.
        help_request = create_help_request_via_api(api, "Do you sell gift vouchers?", caller_name="Ana Diaz")
        message = Message.objects.get(help_request_id=help_request["id"], kind="supervisor_alert")

        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            message.refresh_from_db()
            if message.status != "queued" or worker.poll() is not None:
                break
            time.sleep(0.2)
        time.sleep(0.5)  # a duplicate send, if there were one, would land now

        log = log_file.read_text(errors="replace")
        assert worker.poll() is None, f"the worker exited early:\n{log}"
        message.refresh_from_db()
        assert message.status == "sent", f"not sent within {WAIT_SECONDS}s (status {message.status}):\n{log}"
        assert message.attempts == 1 and message.sent_at is not None
        assert message.provider_id == f"file-msg-{message.pk}"

        lines = read_sent_texts_file(sent_texts_file)
        assert len(lines) == 1, lines
        [sent] = lines
        assert sent["to"] == owner.phone == OWNER_PHONE
        assert sent["body"] == message.body and sent["reference"] == f"msg-{message.pk}"
        assert sent["pid"] == worker.pid  # sent by the worker process, not by this one
    finally:
        support_faults.stop(worker)
