"""Many producers racing a real Celery worker on one embedded broker: the test of
salon_project/broker.py (test_embedded_broker.py) and its measurement against the alternatives
(bench/broker.py).

The Celery app here has one task, `race.record`, that appends "<number> <latency> <pid>" to the
file named by RACE_LOG, so a run can count how often each published number ran. Its broker comes
from the environment: RACE_TRANSPORT is `salonfs` (ours), `filesystem` (stock kombu) or `sqla`
(kombu's SQLAlchemy transport on a SQLite file; needs SQLAlchemy importable), in RACE_DIR.
No Django here (`fixups=[]`): the race is the transport's alone.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections import Counter
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from celery import Celery

from core import processes
from salon_project import broker  # noqa: F401  (registers salonfs://)

TRANSPORT_ENV, DIR_ENV, LOG_ENV, POLLING_ENV = "RACE_TRANSPORT", "RACE_DIR", "RACE_LOG", "RACE_POLLING"
QUEUE = "race"


def _broker(transport: str, folder: Path, polling: float) -> tuple[str, dict]:
    if transport == "sqla":
        from kombu.transport import sqlalchemy

        sqlalchemy.Transport.polling_interval = polling  # its options all go to create_engine
        return f"sqla+sqlite:///{folder / 'broker.sqlite3'}", {}
    options = {
        "data_folder_in": str(folder),
        "data_folder_out": str(folder),
        "control_folder": str(folder / "control"),
        "store_processed": False,
        "polling_interval": polling,
    }
    return f"{transport}://", options


def make_app() -> Celery:
    url, options = _broker(
        os.environ.get(TRANSPORT_ENV, "salonfs"),
        Path(os.environ.get(DIR_ENV, ".")),
        float(os.environ.get(POLLING_ENV, "0.1")),
    )
    app = Celery("broker_race", broker=url, fixups=[], set_as_current=False)
    app.conf.update(
        broker_transport_options=options,
        broker_connection_retry_on_startup=True,
        task_default_queue=QUEUE,
        task_ignore_result=True,
        task_acks_late=True,
        worker_prefetch_multiplier=1,
        worker_hijack_root_logger=False,
    )
    return app


app = make_app()


@app.task(name="race.record")
def record(number: int, sent_at: float, padding: str = "") -> None:
    line = f"{number} {time.time() - sent_at:.6f} {os.getpid()}\n"
    with open(os.environ[LOG_ENV], "a", encoding="utf-8") as handle:
        handle.write(line)  # one short O_APPEND write: lines from one process never interleave


@dataclass
class RaceResult:
    published: int
    publish_seconds: float
    drained_seconds: float  # from the first publish to the last task run (or the deadline)
    runs: Counter  # number -> how many times it ran
    latencies: list[float]
    worker_exit: int | None  # None: still running at the end
    producer_failures: int
    worker_log: str

    @property
    def exactly_once(self) -> bool:
        return set(self.runs) == set(range(self.published)) and set(self.runs.values()) == {1}

    def summary(self) -> str:
        ran = sum(1 for n in range(self.published) if self.runs.get(n))
        twice = sum(1 for count in self.runs.values() if count > 1)
        latency = (
            f"latency p50 {statistics.median(self.latencies):.3f} s, max {max(self.latencies):.3f} s"
            if self.latencies
            else "no task ran"
        )
        return (
            f"published {self.published} ({self.producer_failures} producer failures) at "
            f"{self.published / self.publish_seconds:.0f}/s; ran {ran} (more than once: {twice}) in "
            f"{self.drained_seconds:.2f} s = {ran / self.drained_seconds:.0f}/s; {latency}; "
            f"worker {'alive' if self.worker_exit is None else f'exited {self.worker_exit}'}"
        )


def _produce(first: int, count: int, padding: int, pause: float, barrier) -> None:
    """One producer process: connect, wait for the others, then publish, `pause` s apart."""
    producer_app = make_app()
    task = producer_app.tasks["race.record"]
    with producer_app.connection_for_write() as connection:
        barrier.wait()
        for number in range(first, first + count):
            task.apply_async((number, time.time(), "x" * padding), connection=connection)
            time.sleep(pause)


def race(
    transport: str,
    folder: Path,
    producers: int = 8,
    per_producer: int = 50,
    padding: int = 0,
    pause: float = 0,
    polling: float = 0.1,
    timeout: float = 60,
    extra_env: dict[str, str] | None = None,
) -> RaceResult:
    """Start a real worker on an empty broker in `folder`; once it consumes, `producers` processes
    each publish `per_producer` tasks (each `padding` bytes larger: a longer write, a wider window for
    a reader to catch it half-done), `pause` s apart, from the same moment; the worker looks for
    work every `polling` s when idle. Wait until every task ran (or the worker
    died, or `timeout`), and say what happened."""
    folder.mkdir(parents=True, exist_ok=True)
    log, worker_log = folder / "runs.log", folder / "worker.log"
    race_env = {TRANSPORT_ENV: transport, DIR_ENV: str(folder), LOG_ENV: str(log), POLLING_ENV: str(polling)}
    env = {**os.environ, **race_env, **(extra_env or {})}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    command = processes.celery_worker("--pool", "solo", "-Q", QUEUE, "--without-heartbeat", "-l", "INFO", app=__name__)
    with open(worker_log, "wb") as handle:
        worker = subprocess.Popen(command, env=env, stdout=handle, stderr=subprocess.STDOUT)
    total = producers * per_producer
    saved = {name: os.environ.get(name) for name in race_env}
    os.environ.update(race_env)  # the spawned producers inherit it
    try:
        deadline = time.time() + timeout
        while b" ready." not in worker_log.read_bytes() and worker.poll() is None and time.time() < deadline:
            time.sleep(0.05)
        context = get_context("spawn")  # fresh interpreters, as separate web processes would be
        barrier = context.Barrier(producers + 1)
        jobs = [
            context.Process(target=_produce, args=(i * per_producer, per_producer, padding, pause, barrier))
            for i in range(producers)
        ]
        for job in jobs:
            job.start()
        barrier.wait(timeout)
        started = time.time()
        for job in jobs:
            job.join(timeout)
        published_at = time.time()
        deadline = started + timeout
        while time.time() < deadline and worker.poll() is None and len(_runs(log)) < total:
            time.sleep(0.05)
        time.sleep(0.3)  # a second run of a task, if there were one, would land now
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        exit_code = worker.poll()
        processes.stop(worker)
    lines = _runs(log)
    return RaceResult(
        published=total,
        publish_seconds=max(published_at - started, 1e-3),
        drained_seconds=max(_last_write(log, published_at) - started, 1e-3),
        runs=Counter(int(line[0]) for line in lines),
        latencies=[float(line[1]) for line in lines],
        worker_exit=exit_code,
        producer_failures=sum(1 for job in jobs if job.exitcode != 0),
        worker_log=worker_log.read_text(errors="replace"),
    )


def _runs(log: Path) -> list[list[str]]:
    try:
        return [line.split() for line in log.read_text().splitlines() if line.strip()]
    except FileNotFoundError:
        return []


def _last_write(path: Path, default: float) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return default
