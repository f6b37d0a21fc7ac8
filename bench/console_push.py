"""From a new help request to the supervisor's screen (a part of `make bench`, bench/run.py).

A console page's websocket (/ws/console/, a staff session's cookie) is held open; then, one at
a time, POST /api/v1/help-requests with an unknown question, and the clock stops when that
connection receives the request's event. Beside it, the baseline: the POST's own response time
(the same request without the trip through the channel layer). Target: p95 <= 50 ms.
"""

from __future__ import annotations

import json
import time

import aiohttp

from bench.support import Row, ms, percentile

TARGET_P95_MS = 50.0


def staff_session() -> str:
    """A staff member's session key, as a browser holds it after logging in."""
    from django.contrib.auth.models import User
    from django.test import Client

    client = Client()
    client.force_login(User.objects.create_user("bench-supervisor", is_staff=True))
    return client.cookies["sessionid"].value


async def measure(base: str, token: str, session: str, questions: list[str], requests: int) -> Row:
    ws_url = base.replace("http://", "ws://") + "/ws/console/"
    headers = {"Cookie": f"sessionid={session}", "Origin": base}
    post_ms, push_ms = [], []
    async with aiohttp.ClientSession() as http, http.ws_connect(ws_url, headers=headers) as console:
        hello = json.loads((await console.receive(timeout=10)).data)
        if hello.get("action") != "connected":
            raise SystemExit(f"The console websocket did not let the staff session in: {hello}")
        api_headers = {"Authorization": f"Bearer {token}"}
        for i in range(requests + 20):  # the first 20 warm up connections and caches
            body = {"question": questions[i % len(questions)], "caller_phone": f"+1415555{i % 10000:04d}"}
            started = time.perf_counter()
            async with http.post(base + "/api/v1/help-requests", json=body, headers=api_headers) as response:
                posted = time.perf_counter()
                if response.status not in (200, 201):
                    raise SystemExit(f"POST /api/v1/help-requests answered {response.status}: {await response.text()}")
                created = (await response.json())["id"]
            while True:
                event = json.loads((await console.receive(timeout=10)).data)
                if event.get("kind") == "help_request" and event.get("data", {}).get("id") == created:
                    break
            if i >= 20:
                post_ms.append((posted - started) * 1000)
                push_ms.append((time.perf_counter() - started) * 1000)
    p95 = percentile(push_ms, 95)
    return Row(
        "created -> console websocket, p50 / p95",
        ms(push_ms, 50, 95),
        f"its POST's response {ms(post_ms, 50, 95)}",
        "",
        f"p95 <= {TARGET_P95_MS:g} ms",
        p95 <= TARGET_P95_MS,
    )
