"""The voice agent's tool round trip (a part of `make bench`, bench/run.py).

The receptionist's `lookup_answer` tool, called as the agent session calls it once the LLM
asks for it: through the worker's API client (`voice_worker.api_client.SalonApi`, httpx over
loopback) to `POST /api/v1/knowledge/lookup`, and back as the JSON reply the LLM reads. Beside
it, the same client's `GET /api/v1/ping`. Target: p95 <= 30 ms.
"""

from __future__ import annotations

import time

from bench.support import Row, ms, percentile

TARGET_P95_MS = 30.0


async def measure(base: str, token: str, questions: list[str], requests: int) -> Row:
    from voice_worker.agent import Receptionist
    from voice_worker.api_client import SalonApi
    from voice_worker.call import CallerInfo, CallRecord

    tool_ms, ping_ms = [], []
    async with SalonApi(base, token) as api:
        agent = Receptionist(api=api, call=CallRecord(api, room="bench", caller=CallerInfo("phone"), key="bench"))
        for n in range(requests + 20):  # the first 20 warm up the connection
            started = time.perf_counter()
            await api.request("GET", "/api/v1/ping")
            pinged = time.perf_counter()
            reply = await agent.lookup_answer(None, questions[n % len(questions)])  # the tool ignores its context
            done = time.perf_counter()
            if '"unavailable"' in reply:
                raise SystemExit(f"lookup_answer could not reach the API: {reply}")
            if n >= 20:
                ping_ms.append((pinged - started) * 1000)
                tool_ms.append((done - pinged) * 1000)
    p95 = percentile(tool_ms, 95)
    return Row(
        "agent tool lookup_answer, p50 / p95",
        ms(tool_ms, 50, 95),
        f"its client's ping {ms(ping_ms, 50, 95)}",
        f"{percentile(tool_ms, 50) / percentile(ping_ms, 50):.1f}x",
        f"p95 <= {TARGET_P95_MS:g} ms",
        p95 <= TARGET_P95_MS,
    )
