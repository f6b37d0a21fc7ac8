"""A fixed-window rate limit on the shared cache (Redis in production, so every web process
counts together; this process's memory in embedded mode, where there is only one)."""

import time

from django.core.cache import cache

from core.errors import TooManyRequests


def limit(bucket: str, allowed: int, per_seconds: int, what: str) -> None:
    """Count one use of `bucket`; TooManyRequests (429) once it passes `allowed` uses in the
    current window of `per_seconds`. `what` names the action in the error sentence."""
    window = int(time.time() // per_seconds)
    key = f"ratelimit:{bucket}:{window}"
    cache.add(key, 0, timeout=per_seconds)
    if cache.incr(key) > allowed:
        retry_in = (window + 1) * per_seconds - int(time.time())
        raise TooManyRequests(f"Too many {what} from this address; try again in {max(retry_in, 1)} seconds.")
