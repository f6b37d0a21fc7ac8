"""`manage.py demo`: the whole story, offline, on the embedded default, printed as it happens."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

# Outside the fast lane (slow): runs manage.py demo.
pytestmark = pytest.mark.slow


def test_the_demo_tells_the_whole_story():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "salon_project.settings",
        "LLM_PROVIDER": "",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("REDIS_URL", None)
    env.pop("DATABASE_URL", None)  # its own throwaway SQLite database, whatever the tests use
    done = subprocess.run(
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "demo", "--pace", "0"],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=180,
    )
    out = done.stdout
    assert done.returncode == 0, done.stderr[-3000:]
    steps = [
        "Call 1: Ana Diaz calls",
        "Caller:       What does a blowout cost?",
        "Receptionist: Our blowout is $55",
        "Caller:       Is there parking close by?",
        "no answer on file, so it will not guess",
        "opens help request #1",
        "Receptionist: Let me check with my supervisor and get back to you.",
        "ended (goodbye)",
        "phone buzzes",
        "answers request #1",
        "Ana Diaz is texted at +14155550150",
        "the receptionist learned it",
        "Call 2: Ben Okoro calls",
        "Is there somewhere to park my car",
        "checks the salon's knowledge base: found the answer",
        "Receptionist: Yes! There is a public garage on Clay Street",
        # A question at night, on the demo's simulated clock, answered the next morning.
        "The simulated clock: Tuesday 23:05 at the salon",
        "Call 3: Carla Reyes calls",
        "Caller:       Do you do hair extensions?",
        "We open at 10 tomorrow; you'll hear from us by 10:30.",
        "due Wednesday at 10:30",
        "Carla Reyes is texted when to expect the answer",
        'Hi Carla, this is Glow & Shear Salon. We have your question "Do you do hair extensions?"',
        "The simulated clock: Wednesday 10:10 at the salon",
        "the escalation ladder",
        "Reminder, Maya: a caller is still waiting for an answer to: Do you do hair extensions?",
        "The simulated clock: Wednesday 10:14 at the salon",
        "Carla Reyes is texted at +14155550166 (sent)",
        "We don't do extensions ourselves",
    ]
    at = 0
    for step in steps:  # each one, in the order it happened
        found = out.find(step, at)
        assert found >= 0, f"{step!r} missing after position {at} of:\n{out}"
        at = found + len(step)
    assert "Traceback" not in out + done.stderr
