"""`manage.py serve` with LiveKit's server built and no LIVEKIT_URL: it runs that server in
development mode and a voice worker on it, the API hands web callers tokens for it, and SIGTERM
stops it with everything else. Without the binary it serves as before (test_serve.py)."""

import os
import signal
import subprocess
import uuid

import httpx
import pytest
from django.conf import settings

from salon_project.tests.support_faults import wait_for
from salon_project.tests.support_livekit import missing_reason
from salon_project.tests.test_serve import MANAGE, healthy, serve_env, serving, started_by

# Outside the fast lane (slow): starts manage.py serve with LiveKit's server and the voice worker.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]


def test_serve_runs_livekit_and_a_voice_worker_when_no_livekit_url_is_set(tmp_path):
    reason = missing_reason()
    if reason and "not built" in reason:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    marker = uuid.uuid4().hex
    unset = {name: "" for name in ("LIVEKIT_URL", "LIVEKIT_API_KEY", "LIVEKIT_API_SECRET", "SALON_API_URL")}
    env = serve_env(tmp_path, marker, **unset, VOICE_OUTBOX_DIR=str(tmp_path / "outbox"))
    run = {"env": env, "cwd": settings.BASE_DIR, "check": True, "timeout": 120}
    subprocess.run([*MANAGE, "migrate", "-v0"], **run)
    subprocess.run([*MANAGE, "seed_salon", "-v0"], **run)
    env["SALON_API_TOKEN"] = subprocess.run(
        [*MANAGE, "createapitoken", "voice-worker"], capture_output=True, text=True, **run
    ).stdout.strip()
    with serving(tmp_path, env) as (serve, base, logged):
        wait_for(lambda: healthy(base), 60, "daphne to answer /health")
        wait_for(lambda: "LiveKit's server (development mode, key devkey) on ws://127.0.0.1:" in logged(), 5, logged())
        wait_for(lambda: "registered worker" in logged(), 90, f"the voice worker to register:\n{logged()}")
        started = httpx.post(f"{base}/api/v1/web-calls", json={"caller_name": "Ana"}, timeout=10)
        assert started.status_code == 201, started.text
        livekit_url = started.json()["livekit_url"]
        assert livekit_url.startswith("ws://127.0.0.1:") and f"on {livekit_url}" in logged()
        # The very server the caller is sent to answers there.
        assert httpx.get(livekit_url.replace("ws://", "http://"), timeout=5).text.strip() == "OK"

        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=30)
        wait_for(lambda: not started_by(marker), 10, f"every process serve started to end: {started_by(marker)}")
        assert serve.returncode == 0, logged()
