"""Simultaneous web callers on LiveKit's rtc client, for `make bench` (bench/voice_calls.py runs
this inside its network namespace and reads one JSON line at the end).

Each caller starts a web call through the API (`POST /api/v1/calls`), joins with its caller
token, waits for the greeting and then asks `turns` known questions on lk.chat, a second apart
as a person would; a turn is the time from sending the text to the first text of the reply on
lk.transcription. With --lookups each caller first times the API's own lookup of the question
(`POST /api/v1/knowledge/lookup`, as the agent's tool calls it), the baseline of a turn.

    python -m bench.voice_callers API_URL API_TOKEN CALLS TURNS [--lookups] < questions (JSON list)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time

import httpx
from livekit import rtc

THINK_SECONDS = 1.0
WAIT_SECONDS = 60.0


async def caller(n: int, args: argparse.Namespace, questions: list[str], turns: list[float], lookups: list[float]):
    headers = {"Authorization": f"Bearer {args.token}"}
    async with httpx.AsyncClient(base_url=args.api_url, headers=headers, timeout=30) as http:
        response = await http.post("/api/v1/calls", json={"caller_name": f"Bench {n}", "caller_phone": "+14155550150"})
        response.raise_for_status()
        call = response.json()
        room = rtc.Room()
        replies: asyncio.Queue[tuple[str, float]] = asyncio.Queue()
        readers: set[asyncio.Task] = set()

        def on_text(reader: rtc.TextStreamReader, identity: str) -> None:
            async def read() -> None:
                first = True
                async for _chunk in reader:
                    if first:
                        replies.put_nowait(("first", time.perf_counter()))
                        first = False
                replies.put_nowait(("end", time.perf_counter()))

            task = asyncio.get_running_loop().create_task(read())
            readers.add(task)
            task.add_done_callback(readers.discard)

        room.register_text_stream_handler("lk.transcription", on_text)
        await room.connect(call["livekit_url"], call["caller_token"])
        try:
            await next_event(replies, "end")  # the greeting
            if args.lookups:  # one untimed lookup: the connection is open before the clock runs
                (await http.post("/api/v1/knowledge/lookup", json={"question": questions[0]})).raise_for_status()
            for turn in range(args.turns):
                question = questions[(n + turn) % len(questions)]
                if args.lookups:
                    started = time.perf_counter()
                    (await http.post("/api/v1/knowledge/lookup", json={"question": question})).raise_for_status()
                    lookups.append((time.perf_counter() - started) * 1000)
                sent = time.perf_counter()
                await room.local_participant.send_text(question, topic="lk.chat")
                turns.append((await next_event(replies, "first") - sent) * 1000)
                await next_event(replies, "end")
                await asyncio.sleep(THINK_SECONDS)
        finally:
            await room.disconnect()


async def next_event(replies: asyncio.Queue, kind: str) -> float:
    while True:
        got, at = await asyncio.wait_for(replies.get(), WAIT_SECONDS)
        if got == kind:
            return at


async def main(args: argparse.Namespace) -> None:
    questions = json.load(sys.stdin)
    turns: list[float] = []
    lookups: list[float] = []
    outcomes = await asyncio.gather(
        *(caller(n, args, questions, turns, lookups) for n in range(args.calls)), return_exceptions=True
    )
    # A caller left waiting a minute (no greeting, no reply) is a call the worker did not hold.
    unanswered = sum(isinstance(outcome, TimeoutError) for outcome in outcomes)
    for outcome in outcomes:
        if isinstance(outcome, BaseException) and not isinstance(outcome, TimeoutError):
            raise outcome
    result = {"calls": args.calls, "turns_ms": turns, "lookups_ms": lookups, "unanswered": unanswered}
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("api_url")
    parser.add_argument("token")
    parser.add_argument("calls", type=int)
    parser.add_argument("turns", type=int)
    parser.add_argument("--lookups", action="store_true")
    asyncio.run(main(parser.parse_args()))
