"""Audio on a call over LiveKit's own server (support_livekit) with the real voice worker: the
caller publishes a microphone and hears the agent's audio tracks. While they hold during a warm
transfer, the agent's track carries the hold music (the energy of what the caller receives), and
when the person declines it stops: the track is taken away and the receptionist is back.

Twice: without TTS (the offline brain, no OpenAI key), where the hold music's track of its own is
all the caller hears, and with speech through the OpenAI plugin against the test double
(salon_project.tests.support_openai_double, whose "speech" is a tone), where the agent speaks
on its speech track before and after the hold. The caller still types on lk.chat either way."""

import pytest

from salon_project.tests.support_livekit import agent_joined
from salon_project.tests.support_openai_double import OpenAIDouble
from voice_worker.transfer import RETURNED

pytestmark = pytest.mark.django_db(transaction=True)

HOLD_MUSIC_TRACK = "background_audio"  # the track livekit-agents' BackgroundAudioPlayer publishes
SPEECH_TRACK = "roomio_audio"  # the session's audio output
# The energy (RMS, in 16-bit samples) of a 200 ms window above which the caller hears sound:
# silence decodes to about 0, the hold music at the agent's volume to about 80-120.
AUDIBLE = 40


@pytest.fixture(params=["without TTS", "with speech"])
def voice_worker_env(request, livekit_sandbox):
    """The worker's settings: no speech, or OpenAI's STT and TTS served by the double (on this
    side of the veth, where the worker in the namespace reaches it)."""
    if request.param == "without TTS":
        yield {}
        return
    with OpenAIDouble(host=livekit_sandbox.namespace.host_ip) as double:
        yield {"OPENAI_API_KEY": "sk-test-double", "OPENAI_BASE_URL": double.base_url}


def test_the_caller_hears_hold_music_while_holding_for_a_transfer_and_it_stops_when_declined(
    salon_over_livekit, voice_worker_env
):
    speech = bool(voice_worker_env)
    salon = salon_over_livekit
    call = salon.web_call("Ana", "+14155550150")
    caller = salon.caller(call["livekit_url"], call["caller_token"])
    assert caller.connected()["event"] == "connected"
    agent = caller.wait_for(agent_joined, "the receptionist joining")["identity"]
    caller.reply("How can I help")
    caller.send(cmd="mic")
    caller.wait_for(lambda e: e["event"] == "published", "the caller's microphone published")

    def from_agent(event: dict, kind: str) -> bool:
        return event["event"] == kind and event["identity"] == agent

    def after(event: dict, since: int) -> int:
        """The mark just after `event`, the one the caller saw after `since` (not an equal twin)."""
        return next(i for i in range(since, len(caller.lines.events)) if caller.lines.events[i] is event) + 1

    mark = caller.say("Can I speak to the manager please?")
    caller.reply("hold", since=mark)
    [transfer] = salon.get(f"/api/v1/calls/{call['id']}/transfers")
    assert transfer["status"] == "ringing"
    before = [e for e in caller.lines.events[:mark] if from_agent(e, "audio")]
    # Until the hold, no music; with speech the greeting was heard on the speech track.
    assert {e["track"] for e in before} == ({SPEECH_TRACK} if speech else set())

    # A second of music (five audible windows) on the agent's track, while the transfer rings.
    since = mark
    for _ in range(5):
        music = caller.wait_for(
            lambda e: from_agent(e, "audio") and e["track"] == HOLD_MUSIC_TRACK and e["rms"] > AUDIBLE,
            "the hold music on the agent's track",
            since=since,
        )
        since = after(music, since)

    declined = salon.post(f"/api/v1/transfers/{transfer['id']}/decline", {"reason": "With a client."})
    assert declined.status_code == 200, declined.text
    name = transfer["supervisor"]["name"].split()[0]
    assert caller.reply("can't take the call right now", since=mark).startswith(RETURNED["declined"].format(name=name))
    stopped = caller.wait_for(
        lambda e: from_agent(e, "unsubscribed") and e["track"] == HOLD_MUSIC_TRACK,
        "the hold music stopping",
        since=mark,
    )
    silent_from = after(stopped, mark)
    asked = caller.say("What does a blowout cost?")
    caller.reply("$55", since=asked)
    # After the hold, through the next question and its answer: no music; only the agent's
    # speech, when it has any. Audible windows only: the caller's reader of the music track may
    # still hand over the quiet tail it had buffered when the track went away.
    heard = [e for e in caller.lines.events[silent_from:] if from_agent(e, "audio") and e["rms"] > AUDIBLE]
    assert {e["track"] for e in heard} == ({SPEECH_TRACK} if speech else set())
    assert salon.get(f"/api/v1/calls/{call['id']}")["status"] == "active"
