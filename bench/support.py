"""What the benchmarks share: a throwaway database, the real server in a process, percentiles."""

from __future__ import annotations

import http.client
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx

from core import processes

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Row:
    """One line of `make bench`'s table."""

    measure: str
    figure: str
    baseline: str
    ratio: str = ""
    target: str = ""
    met: bool | None = None  # None: no target


def ms(samples: list[float], *quantiles: int) -> str:
    """Percentiles of `samples` for the table: "3.1 / 7.9 ms"."""
    return " / ".join(f"{percentile(samples, q):.1f}" for q in quantiles) + " ms"


def percentile(samples: list[float], q: float) -> float:
    """Nearest-rank percentile of `samples` (milliseconds)."""
    ordered = sorted(samples)
    return ordered[max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))]


class Database:
    """A throwaway database: a SQLite file in a temporary folder, or a PostgreSQL database."""

    def __init__(self, kind: str, postgres_url: str):
        self.kind = kind
        if kind == "sqlite":
            self.folder = tempfile.TemporaryDirectory(prefix="salon-bench-")
            self.url = f"sqlite:///{self.folder.name}/bench.sqlite3"
        else:
            import psycopg

            self.name = f"salon_bench_{os.getpid()}"
            self.admin = postgres_url.rstrip("/") + "/postgres"
            with psycopg.connect(self.admin, autocommit=True) as connection:
                connection.execute(f'CREATE DATABASE "{self.name}"')
            self.url = postgres_url.rstrip("/") + "/" + self.name

    def settle(self) -> None:
        """After a bulk load: vacuumed, analysed and written out, as a database that filled over
        time would be, so what is measured next does not pay for the load (hint bits, statistics,
        a checkpoint). Runs in this process's Django connection."""
        if self.kind == "sqlite":
            return
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
            cursor.execute("CHECKPOINT")

    def drop(self) -> None:
        if self.kind == "sqlite":
            self.folder.cleanup()
            return
        import psycopg

        with psycopg.connect(self.admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def prepare_django(database_url: str, redis_url: str | None = None) -> None:
    """Set Django up on `database_url` (migrated and seeded); with `redis_url`, Redis is the
    broker and channel layer, else everything is embedded (nothing but the database)."""
    os.environ["DATABASE_URL"] = database_url
    if redis_url:
        os.environ["REDIS_URL"] = redis_url
    else:
        os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salon_project.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("seed_salon", verbosity=0)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # Django's config logs every request at INFO


class Server:
    """daphne serving the project, as in production; stopped with SIGTERM."""

    def __init__(
        self,
        port: int,
        database_url: str,
        application: str = "salon_project.asgi:application",
        host: str = "127.0.0.1",
        **env_overrides: str,
    ):
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "LOG_LEVEL": "WARNING",
            **env_overrides,
        }  # REDIS_URL as prepared
        self.base = f"http://{host}:{port}"
        self.log = tempfile.TemporaryFile()  # a file, not a pipe: a full pipe would stall the server
        self.process = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", host, "-p", str(port), application],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"daphne exited: {self.errors()}")
            try:
                if httpx.get(self.base + "/api/v1/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit(f"daphne did not answer on {self.base} within 60 s")

    def errors(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-2000:]

    def stop(self) -> None:
        processes.stop(self.process, grace_seconds=15)


class Client:
    """One keep-alive HTTP/1.1 connection with a bearer token, from the standard library.

    Not httpx: on our machines httpx alone adds about 1 ms to every request, which is the
    client's cost, not the server's."""

    def __init__(self, base: str, token: str):
        host, port = base.removeprefix("http://").split(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=30)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
        self.connection.request(method, path, body=json.dumps(body) if body else None, headers=self.headers)
        response = self.connection.getresponse()
        return response.status, response.read()

    def close(self) -> None:
        self.connection.close()


def timed(request, *args) -> float:
    """Milliseconds `request(*args)` took; it must return an HTTP status below 300."""
    started = time.perf_counter()
    status, body = request(*args)
    elapsed = (time.perf_counter() - started) * 1000
    if status >= 300:
        raise SystemExit(f"The server answered {status}: {body[:300]!r}")
    return elapsed


def requests_per_second(base: str, token: str, request, seconds: float, connections: int) -> float:
    """Completed requests a second with `connections` clients, each sending `request(client, n)`
    back to back on its own keep-alive connection (threads: the client spends most of its time
    waiting on the socket, with the GIL released)."""
    done = [0] * connections
    deadline = time.perf_counter() + seconds

    def run(slot: int) -> None:
        client = Client(base, token)
        try:
            n = 0
            while time.perf_counter() < deadline:
                status, body = request(client, slot * 1_000_000 + n)
                if status >= 300:
                    raise SystemExit(f"The server answered {status}: {body[:300]!r}")
                n += 1
            done[slot] = n
        finally:
            client.close()

    started = time.perf_counter()
    with ThreadPoolExecutor(connections) as pool:
        list(pool.map(run, range(connections)))
    return sum(done) / (time.perf_counter() - started)
