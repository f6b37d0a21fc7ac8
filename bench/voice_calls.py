"""Calls over LiveKit's own server (a part of `make bench`, bench/run.py).

The production path of a web call, with the offline brain: daphne (the API), livekit-server in
development mode and one `manage.py runworker start` process, the server, the worker and the
callers (bench/voice_callers.py, LiveKit's rtc client) in a network namespace of their own, as
in the tests (salon_project/tests/support_livekit.py: root, `ip` and `make livekit` needed; the
rows say why when they cannot run).

- A caller's turn, one call at a time: text sent on lk.chat until the first text of the reply
  on lk.transcription, p50 and p95, beside the API's own lookup of the same question, timed by
  the same caller just before (what the agent's tool waits for inside the turn).
- How many simultaneous calls the one worker process holds before a turn's p95 passes 1 s:
  1, 2, 4, 8 … calls at once, each asking questions a second apart; and the memory per call
  (the worker's process tree, each call a job process, against the idle worker).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psutil

from bench.support import ROOT, Row, Server, ms, percentile

TURN_P95_LIMIT_MS = 1000.0


def measure(database_url: str, token: str, questions: list[str], port: int, short: bool) -> list[Row]:
    from salon_project.livekit_server import LiveKitDevServer
    from salon_project.tests.support_livekit import Namespace, Sandbox, VoiceWorker, missing_reason

    reason = missing_reason()
    if reason:
        return [Row("caller's turn over LiveKit's server", "not measured", reason)]
    levels = [1, 2] if short else [1, 2, 4, 8, 16, 32, 64]
    turns = 2 if short else 6
    folder = tempfile.TemporaryDirectory(prefix="salon-bench-voice-")
    namespace = Namespace().create()
    livekit = server = worker = None
    try:
        livekit = LiveKitDevServer(host=namespace.ns_ip, prefix=namespace.prefix(), log_level="warn").start()
        sandbox = Sandbox(namespace, livekit)
        agent = {"VOICE_AGENT_NAME": f"salon-bench-{uuid.uuid4().hex[:6]}"}
        host = namespace.host_ip
        server = Server(port, database_url, host=host, ALLOWED_HOSTS=host, **sandbox.livekit_env, **agent)
        log = Path(folder.name) / "worker.log"
        worker = VoiceWorker(
            sandbox, server.base, token, log, mode="start", VOICE_WORKER_MAX_CALLS="100", LOG_LEVEL="WARNING", **agent
        ).registered()
        time.sleep(3)  # its idle job processes settle before the idle memory is read
        idle = tree_memory(worker.process.pid)
        results = []
        for calls in levels:
            run = run_callers(sandbox, server.base, token, questions, calls, turns, worker.process.pid)
            results.append(run)
            if not held(run):
                break
        return rows(results, idle)
    finally:
        if worker is not None:
            worker.stop()
        if server is not None:
            server.stop()
        if livekit is not None:
            livekit.stop()
        namespace.delete()
        folder.cleanup()


CALLERS_PER_PROCESS = 16  # LiveKit's rtc client aborted (a Rust panic) with 64 rooms in one process


def run_callers(sandbox, api_url: str, token: str, questions: list[str], calls: int, turns: int, worker_pid: int):
    """`calls` callers at once, 16 to a process of bench/voice_callers.py; their turns merged."""
    shares = [min(CALLERS_PER_PROCESS, calls - start) for start in range(0, calls, CALLERS_PER_PROCESS)]
    drivers = []
    for share in shares:
        command = [*sandbox.namespace.prefix(), sys.executable, "-m", "bench.voice_callers", api_url, token]
        command += [str(share), str(turns), *(["--lookups"] if calls == 1 else [])]
        # Files, not pipes: a pipe nobody reads until the end could fill and stall a driver.
        out, err = tempfile.TemporaryFile("w+"), tempfile.TemporaryFile("w+")
        driver = subprocess.Popen(command, cwd=ROOT, stdin=subprocess.PIPE, stdout=out, stderr=err, text=True)
        driver.stdin.write(json.dumps(questions))
        driver.stdin.close()
        drivers.append((driver, out, err))
    peak = 0
    while any(driver.poll() is None for driver, _, _ in drivers):
        peak = max(peak, tree_memory(worker_pid))
        time.sleep(0.5)
    result = {"calls": calls, "turns_ms": [], "lookups_ms": [], "unanswered": 0, "peak_rss": peak, "failed": ""}
    for driver, out_file, err_file in drivers:
        out, err = read(out_file), read(err_file)
        if driver.returncode != 0:
            result["failed"] = err.strip().splitlines()[-1] if err.strip() else f"exit status {driver.returncode}"
            continue
        part = json.loads(out.strip().splitlines()[-1])
        for key in ("turns_ms", "lookups_ms"):
            result[key] += part[key]
        result["unanswered"] += part["unanswered"]
    return result


def read(file) -> str:
    file.seek(0)
    text = file.read()
    file.close()
    return text


def tree_memory(pid: int) -> int:
    """Memory of a process and all its descendants, in bytes: the proportional set size, so
    pages the job processes share with each other (forked from one parent) count once."""
    try:
        root = psutil.Process(pid)
        tree = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for process in tree:
        try:
            total += process.memory_full_info().pss
        except psutil.NoSuchProcess:
            continue
    return total


def held(run: dict) -> bool:
    return not run["failed"] and not run["unanswered"] and percentile(run["turns_ms"], 95) <= TURN_P95_LIMIT_MS


def outcome(run: dict) -> str:
    if run["failed"]:
        return f"{run['calls']} calls: not measured, a callers' process failed ({run['failed'][:60]})"
    if run["unanswered"]:
        return f"{run['calls']} calls: {run['unanswered']} without a reply for a minute"
    return f"{run['calls']} calls: p95 {percentile(run['turns_ms'], 95):.0f} ms"


def rows(results: list[dict], idle_rss: int) -> list[Row]:
    first = results[0]
    if not first["turns_ms"]:
        return [Row("caller's turn over LiveKit's server", "not measured", outcome(first))]
    turn = Row(
        "caller's turn over LiveKit (text to first reply), p50 / p95",
        ms(first["turns_ms"], 50, 95),
        f"its lookup {ms(first['lookups_ms'], 50, 95)}",
        f"{percentile(first['turns_ms'], 50) / percentile(first['lookups_ms'], 50):.1f}x",
    )
    good = [r for r in results if held(r)]
    over = [r for r in results if not held(r)]
    best = good[-1] if good else None
    figure = f"{best['calls']} calls (p95 {percentile(best['turns_ms'], 95):.0f} ms)" if best else "fewer than 1"
    baseline = outcome(over[0]) if over else f"not passed at {results[-1]['calls']} (the most tried)"
    capacity = Row("calls one runworker holds, turn p95 <= 1 s", figure, baseline)
    top = best or results[0]
    per_call = max(top["peak_rss"] - idle_rss, 0) / top["calls"] / 2**20
    memory = Row(
        f"memory per call ({top['calls']} at once)",
        f"{per_call:.0f} MiB",
        f"idle worker {idle_rss / 2**20:.0f} MiB",
    )
    return [turn, capacity, memory]
