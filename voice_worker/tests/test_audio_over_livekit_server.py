"""Audio on a call over LiveKit's own server (support_livekit) with the real voice worker: the
caller publishes a microphone and hears the agent's audio tracks. While they hold during a warm
transfer, the agent's track carries the hold music (the energy of what the caller receives), and
when the person declines it stops: the track is taken away and the receptionist is back.

The worker runs without TTS (the offline brain, no OpenAI key): the hold music has a track of
its own, so a caller without speech hears that they are holding rather than silence."""

import pytest

from salon_project.tests.support_livekit import agent_joined
from voice_worker.transfer import RETURNED

pytestmark = pytest.mark.django_db(transaction=True)

HOLD_MUSIC_TRACK = "background_audio"  # the track livekit-agents' BackgroundAudioPlayer publishes
# The energy (RMS, in 16-bit samples) of a 200 ms window above which the caller hears sound:
# silence decodes to about 0, the hold music at the agent's volume to about 80-120.
AUDIBLE = 40


def test_the_caller_hears_hold_music_while_holding_for_a_transfer_and_it_stops_when_declined(salon_over_livekit):
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
    # Until the hold, the agent sent the caller no sound at all.
    assert not [e for e in caller.lines.events[:mark] if from_agent(e, "audio")]

    # A second of music (five audible windows) on the agent's track, while the transfer rings.
    since = mark
    for _ in range(5):
        music = caller.wait_for(
            lambda e: from_agent(e, "audio") and e["rms"] > AUDIBLE, "the hold music on the agent's track", since=since
        )
        assert music["track"] == HOLD_MUSIC_TRACK
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
    # No sound from the agent after the hold, through the next question and its answer.
    asked = caller.say("What does a blowout cost?")
    caller.reply("$55", since=asked)
    assert not [e for e in caller.lines.events[silent_from:] if from_agent(e, "audio")]
    assert salon.get(f"/api/v1/calls/{call['id']}")["status"] == "active"
