"""The embedded broker (salon_project/broker.py): many producers racing a real worker lose nothing
and crash nothing, and each database has a broker of its own.

The race is the one kombu's stock filesystem transport loses (kombu issue #1551): the worker
polls an idle folder every millisecond while eight producer processes publish, so it lists new
message files as they are being written. On stock kombu (RACE_TRANSPORT `filesystem`) the worker
dies on `JSONDecodeError: Expecting value` in four runs out of four of this same race.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from kombu import Connection

from salon_project import broker
from salon_project.celery import app
from salon_project.settings import celery_state
from salon_project.tests import support_faults
from salon_project.tests.support_broker import race

# Outside the fast lane (slow): starts real Celery workers.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]


def test_racing_producers_against_a_real_worker_every_task_runs_exactly_once(tmp_path):
    result = race(
        broker.SCHEME, tmp_path / "broker", producers=8, per_producer=50, padding=200_000, pause=0.02, polling=0.001
    )
    assert "JSONDecodeError" not in result.worker_log, result.worker_log[-3000:]
    assert result.worker_exit is None, f"the worker died:\n{result.worker_log[-3000:]}"
    assert result.producer_failures == 0
    assert result.exactly_once, result.summary()
    assert not list((tmp_path / "broker").glob("*.part")), "no temporary file is left behind"


def test_a_file_that_is_not_a_message_is_set_aside_and_the_next_one_delivered(tmp_path):
    with Connection(
        f"{broker.SCHEME}://",
        transport_options={
            "data_folder_in": str(tmp_path),
            "data_folder_out": str(tmp_path),
            "control_folder": str(tmp_path / "control"),
        },
    ) as conn:
        queue = conn.SimpleQueue("jobs")
        (tmp_path / "0_garbage.jobs.msg").write_text('{"half a')  # sorts first
        queue.put({"job": 1})
        message = queue.get(timeout=2)
        assert message.payload == {"job": 1}
        message.ack()
        assert (tmp_path / "rejected" / "0_garbage.jobs.msg").read_text() == '{"half a'
        queue.close()


def test_the_embedded_broker_is_the_atomic_transport():
    if settings.REDIS_URL:
        pytest.skip("REDIS_URL is set: Redis is the broker")
    with app.connection_for_write() as conn:
        assert isinstance(conn.transport, broker.Transport)
        assert Path(conn.transport_options["data_folder_in"]) == settings.CELERY_BROKER_DIR


def sqlite(name: str) -> dict:
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": name}


def test_each_database_has_its_own_broker_and_beat_schedule(tmp_path):
    one, other = celery_state(sqlite(str(tmp_path / "a.sqlite3"))), celery_state(sqlite(str(tmp_path / "b.sqlite3")))
    assert one[0] == tmp_path / "a.sqlite3.celery" / "broker"
    assert one[0] != other[0] and one[2] != other[2]
    assert one[1]["data_folder_in"] == str(one[0]) and other[1]["data_folder_in"] == str(other[0])
    server = {"ENGINE": "django.db.backends.postgresql", "HOST": "db", "PORT": "5432"}
    assert celery_state({**server, "NAME": "salon"})[0] != celery_state({**server, "NAME": "salon_demo"})[0]


def embedded_on(database: Path) -> dict[str, str]:
    """The real settings, embedded (an empty REDIS_URL counts as unset), on a SQLite file of their own."""
    return {
        "DATABASE_URL": f"sqlite:///{database}",
        "REDIS_URL": "",
        "DJANGO_SETTINGS_MODULE": "salon_project.settings",
    }


def test_a_job_for_one_database_is_never_taken_by_the_worker_of_another(tmp_path):
    db_a, db_b = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"
    publish = "from outbound.tasks import deliver_message; deliver_message.delay(1)"
    subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {publish}"],
        env={**os.environ, **embedded_on(db_a)},
        cwd=settings.BASE_DIR,
        check=True,
        timeout=60,
    )
    broker_a = tmp_path / "a.sqlite3.celery" / "broker"
    assert len(list(broker_a.glob("*.celery.msg"))) == 1

    log = tmp_path / "worker-b.log"
    worker_b = support_faults.start_worker(log, embedded_on(db_b))
    try:
        support_faults.wait_for(lambda: b" ready." in log.read_bytes(), 60, "worker B to start")
        time.sleep(2)  # ten polls of its folder
        assert worker_b.poll() is None, log.read_text()
    finally:
        support_faults.stop(worker_b)
    assert "Received task" not in log.read_text()
    assert len(list(broker_a.glob("*.celery.msg"))) == 1, "A's job is still waiting for A's worker"
