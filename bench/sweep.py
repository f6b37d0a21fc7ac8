#!/usr/bin/env python
"""The timeout sweep over many pending requests: `make bench` (third table).

    .venv/bin/python bench/sweep.py [--pending 100000] [--expired 10000] [--redis-url URL]

A throwaway PostgreSQL database with `--pending` pending help requests, `--expired` of them
past their deadline (bulk-inserted, as if they had piled up), and Redis as the broker (its
database is emptied before and after: the timeout texts are queued there for a worker that is
not running). Then one `expire_help_requests()` run, timed in this process, and checked: every
expired request is unresolved, with its audit event, its caller's text and its console event,
and no other request changed. Target: 10k expired among 100k pending in <= 2 s.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import timedelta
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.support import Database, prepare_django  # noqa: E402

TARGET_SECONDS = 2.0


def pile_up(pending: int, expired: int) -> None:
    from django.utils import timezone

    from helprequests.models import HelpRequest, Supervisor

    owner = Supervisor.objects.filter(is_owner=True).first()
    now = timezone.now()
    rows = (
        HelpRequest(
            question=f"Question {n} nobody has answered yet?",
            caller_phone=f"+1415{n % 10_000_000:07d}",
            assigned_supervisor=owner,
            expires_at=now - timedelta(minutes=1) if n < expired else now + timedelta(hours=1),
        )
        for n in range(pending)
    )
    HelpRequest.objects.bulk_create(rows, batch_size=5000)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pending", type=int, default=100_000)
    parser.add_argument("--expired", type=int, default=10_000)
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13", help="Emptied before and after.")
    args, _ = parser.parse_known_args()

    broker = redis.Redis.from_url(args.redis_url)
    try:
        broker.flushdb()
    except redis.RedisError as exc:
        print(f"Skipped the sweep bench: Redis is needed at {args.redis_url} ({exc}).")
        return 0
    database = Database("postgres", args.postgres_url)
    try:
        prepare_django(database.url, redis_url=args.redis_url)
        from helprequests.models import HelpRequest, Message
        from helprequests.services import expire_help_requests

        pile_up(args.pending, args.expired)
        started = time.perf_counter()
        expired = expire_help_requests()
        seconds = time.perf_counter() - started
        unresolved = HelpRequest.objects.filter(status=HelpRequest.Status.UNRESOLVED).count()
        texts = Message.objects.filter(kind=Message.Kind.CALLER_TIMEOUT).count()
        still_pending = HelpRequest.objects.filter(status=HelpRequest.Status.PENDING).count()
    finally:
        database.drop()
        broker.flushdb()

    consistent = expired == unresolved == texts == args.expired and still_pending == args.pending - args.expired
    verdict = "ok" if seconds <= TARGET_SECONDS else "MISSED"
    print(f"\nTimeout sweep on PostgreSQL with Redis: {args.expired:,} expired among {args.pending:,} pending")
    print(f"{'measure':<52} {'seconds':>8}  target")
    print(f"{'expire_help_requests(), one run':<52} {seconds:8.2f}  <= {TARGET_SECONDS:g} s {verdict}")
    print(f"{'':<52} {expired:,} expired, {texts:,} timeout texts, consistent: {'yes' if consistent else 'NO'}")
    return 0 if verdict == "ok" and consistent else 1


if __name__ == "__main__":
    sys.exit(main())
