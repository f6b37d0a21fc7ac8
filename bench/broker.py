"""Measure the embedded broker against the alternatives: `python bench/broker.py [ROUNDS]`.

Each round races 8 producer processes × 50 tasks against one real solo Celery worker (the race of
salon_project/tests/support_broker.py) on each transport: `salonfs` (salon_project/broker.py),
`filesystem` (stock kombu) and `sqla` (kombu's SQLAlchemy transport on a SQLite file; skipped unless
SQLAlchemy imports, e.g. `PYTHONPATH=<a pip --target folder>`). Two shapes: a burst (small tasks,
published as fast as possible, 0.1 s polling: throughput and latency) and the race (200 kB tasks,
20 ms apart, 1 ms polling: does the worker survive and run each task exactly once).
"""

from __future__ import annotations

import sys
import tempfile
from importlib.util import find_spec
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from salon_project.tests.support_broker import race  # noqa: E402

SHAPES = {
    "burst": {"padding": 0, "pause": 0, "polling": 0.1},
    "race": {"padding": 200_000, "pause": 0.02, "polling": 0.001},
}


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    transports = ["salonfs", "filesystem"] + (["sqla"] if find_spec("sqlalchemy") else [])
    for shape, options in SHAPES.items():
        for transport in transports:
            for _ in range(rounds):
                with tempfile.TemporaryDirectory(prefix=f"broker-{transport}-") as folder:
                    result = race(transport, Path(folder), **options)
                ok = "exactly once" if result.exactly_once and result.worker_exit is None else "FAILED"
                print(f"{shape:5} {transport:10} {ok:12} {result.summary()}", flush=True)


if __name__ == "__main__":
    main()
