#!/usr/bin/env python
"""Lookup latency over HTTP, beside a baseline measured in the same run: `make bench`.

    .venv/bin/python bench/lookup.py [--sizes 1000 20000] [--requests 1000] [--port 8103]
                                     [--database sqlite|postgres] [--postgres-url URL]

For each size N: a throwaway database (a temporary SQLite file, or a PostgreSQL database created
and dropped here) is migrated and seeded with the demo salon plus synthetic learned entries (see
`knowledge.synthetic`) up to N entries in all; the real server is started as production starts it
(`python -m daphne salon_project.asgi:application`); then this process, an HTTP client of its own,
sends requests one at a time with a bearer token: POST /api/v1/knowledge/lookup with the
development set's questions in turn, interleaved with a baseline request to the same server
(GET /api/v1/ping when the API has it, else GET /api/v1/health: an endpoint doing next to nothing,
so the ratio shows what lookup adds to the cost of any request on this machine). The first
lookup after start builds the matcher's index; it is timed apart and not counted.

Prints p50/p99 per endpoint and size, the ratio lookup/baseline, and the targets (lookup p50
<= 5 ms and p99 <= 20 ms at 1k entries, p99 <= 50 ms at 20k); exit status 1 if one is missed.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.support import Database, Server, percentile, prepare_django  # noqa: E402

TARGETS = {1000: {"p50": 5.0, "p99": 20.0}, 20000: {"p99": 50.0}}


def grow_to(total: int) -> int:
    """Add synthetic learned entries until the knowledge base holds `total` entries."""
    from knowledge import synthetic
    from knowledge.models import KnowledgeEntry

    have = KnowledgeEntry.objects.count()
    if total > have:
        pairs = list(synthetic.entries(total - have, seed=have))
        KnowledgeEntry.objects.bulk_create(
            [KnowledgeEntry(question=q, answer=a, source="learned", category="general") for q, a in pairs],
            batch_size=2000,
        )
    return KnowledgeEntry.objects.count()


def measure(base: str, token: str, questions: list[str], requests: int) -> dict:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        baseline = "/api/v1/ping" if client.get("/api/v1/ping").status_code == 204 else "/api/v1/health"
        started = time.perf_counter()
        first = client.post("/api/v1/knowledge/lookup", json={"question": questions[0]})
        first_ms = (time.perf_counter() - started) * 1000
        first.raise_for_status()
        for i in range(50):  # warm up connections, threads and caches
            client.get(baseline)
            client.post("/api/v1/knowledge/lookup", json={"question": questions[i % len(questions)]})
        base_ms, lookup_ms, matched = [], [], 0
        for i in range(requests):
            started = time.perf_counter()
            response = client.get(baseline)
            base_ms.append((time.perf_counter() - started) * 1000)
            response.raise_for_status()
            started = time.perf_counter()
            response = client.post("/api/v1/knowledge/lookup", json={"question": questions[i % len(questions)]})
            lookup_ms.append((time.perf_counter() - started) * 1000)
            response.raise_for_status()
            matched += response.json()["matched"]
    return {"baseline": baseline, "base": base_ms, "lookup": lookup_ms, "matched": matched, "first_ms": first_ms}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 20000], help="Knowledge entries in all.")
    parser.add_argument("--requests", type=int, default=1000, help="Lookups (and as many baselines) per size.")
    parser.add_argument("--port", type=int, default=8103)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--application", default="salon_project.asgi:application", help="The ASGI app to serve.")
    args = parser.parse_args()

    database = Database(args.database, args.postgres_url)
    rows, failures = [], []
    try:
        prepare_django(database.url)
        from knowledge import evalset
        from salon_project.models import ApiToken

        questions = [q.q for q in evalset.load(ROOT / "knowledge/tests/data/dev_questions.yaml").questions]
        token = ApiToken.issue("bench")[1]
        for size in sorted(args.sizes):
            entries = grow_to(size)
            server = Server(args.port, database.url, args.application)
            try:
                result = measure(server.base, token, questions, args.requests)
            finally:
                server.stop()
            rows.append((entries, result))
    finally:
        database.drop()

    print(
        f"Lookup latency over HTTP: daphne on 127.0.0.1:{args.port}, {args.database}, {args.requests} sequential "
        "requests per endpoint and size, baseline and lookup interleaved"
    )
    columns = f"{'p50 ms':>7} {'p99 ms':>7} {'p50 x':>6} {'p99 x':>6} {'+p50 ms':>7}"
    print(f"{'entries':>8}  {'endpoint':<34} {columns}  targets")
    for entries, result in rows:
        b50, b99 = percentile(result["base"], 50), percentile(result["base"], 99)
        l50, l99 = percentile(result["lookup"], 50), percentile(result["lookup"], 99)
        print(f"{entries:>8,}  {'GET ' + result['baseline'] + ' (baseline)':<34} {b50:7.2f} {b99:7.2f}")
        verdicts = []
        target = TARGETS.get(min(TARGETS, key=lambda size: abs(size - entries)), {})
        for name, value in (("p50", l50), ("p99", l99)):
            if name in target:
                ok = value <= target[name]
                verdicts.append(f"{name} <= {target[name]:g} ms {'ok' if ok else 'MISSED'}")
                if not ok:
                    failures.append(f"{name} {value:.2f} ms at {entries} entries")
        lookup = "POST /api/v1/knowledge/lookup"
        ratios = f"{l50 / b50:6.2f} {l99 / b99:6.2f} {l50 - b50:7.2f}"
        print(f"{entries:>8,}  {lookup:<34} {l50:7.2f} {l99:7.2f} {ratios}  {', '.join(verdicts)}")
        if any(b > target.get(name, float("inf")) for name, b in (("p50", b50), ("p99", b99))):
            print(f"{'':>8}  note: the baseline alone is over a target: this machine is slower than the targets assume")
        print(
            f"{'':>8}  first lookup after start (builds the index): {result['first_ms']:.0f} ms; "
            f"{result['matched']}/{len(result['lookup'])} lookups matched"
        )
    if failures:
        print("targets missed: " + "; ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
