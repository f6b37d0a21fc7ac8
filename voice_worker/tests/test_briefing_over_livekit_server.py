"""The briefing in a consultation room on LiveKit's own server (support_livekit): the agent's
side (voice_worker.transfer.LiveKitConsultation, in consultation_probe.py) and the person's (a
caller on LiveKit's rtc client) both run in the tests' network namespace. The person, whose
client arrives after the agent and after the briefing began, gets the summary as text (it
waited for them) and hears the speech from its first word: the track was published on joining,
and the speech waited until they had subscribed to it."""

import json
import os
import subprocess
import sys
import uuid

from django.conf import settings
from livekit import api

from salon_project.tests.support_livekit import Caller, Lines

SUMMARY = "Ana Diaz is calling: her color came out orange yesterday; she wants it fixed by Saturday."


def token(sandbox, room: str, identity: str, *, agent: bool = False) -> str:
    grants = api.VideoGrants(room_join=True, room=room, can_publish=True, can_subscribe=True)
    minted = api.AccessToken(sandbox.server.api_key, sandbox.server.api_secret).with_identity(identity)
    return minted.with_kind("agent" if agent else "standard").with_grants(grants).to_jwt()


def test_the_person_gets_the_briefing_as_text_and_hears_it_from_the_first_word(livekit_sandbox, tmp_path):
    room = f"consult-1-{uuid.uuid4().hex[:8]}"
    command = [*livekit_sandbox.namespace.prefix(), sys.executable, "-m", "voice_worker.tests.consultation_probe"]
    agent = subprocess.Popen(
        [*command, livekit_sandbox.server.url, token(livekit_sandbox, room, "agent-transfer-1", agent=True)],
        cwd=settings.BASE_DIR,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=open(tmp_path / "probe.stderr", "w"),
        text=True,
    )
    probe = Lines(agent.stdout, tmp_path / "probe.jsonl")
    person = None
    try:
        joined = probe.wait_for(lambda e: e["event"] == "joined", "the agent in the consultation room")
        # The briefing starts as the person's join is recorded, so before their client is in.
        agent.stdin.write(json.dumps({"cmd": "brief", "text": SUMMARY}) + "\n")
        agent.stdin.flush()
        person_token = token(livekit_sandbox, room, "staff-1")
        person = Caller(livekit_sandbox, livekit_sandbox.server.url, person_token, tmp_path / "person.jsonl")
        assert person.connected()["event"] == "connected"
        briefed = probe.wait_for(lambda e: e["event"] == "briefed", "the briefing")
        text = person.wait_for(lambda e: e["event"] == "text" and e["topic"] == "lk.chat", "the briefing as text")
        heard = person.wait_for(lambda e: e["event"] == "audio" and e["rms"] > 100, "the briefing spoken")
    finally:
        if agent.poll() is None:
            agent.stdin.write("\n")
            agent.stdin.flush()
            try:
                agent.wait(timeout=15)
            except subprocess.TimeoutExpired:
                agent.kill()
        if person is not None:
            person.close()

    assert joined["published"] == ["briefing"]  # before the person arrived
    assert briefed["heard_from_the_first_word"] is True
    assert (text["identity"], text["text"]) == ("agent-transfer-1", SUMMARY)
    assert heard["identity"] == "agent-transfer-1"
