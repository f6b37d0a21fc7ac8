"""A web call over LiveKit's own server (support_livekit): the real `runworker dev` process,
dispatched by the caller token alone, and a caller on LiveKit's rtc client speaking on the
lk.chat text stream and listening on lk.transcription."""

import pytest

from voice_worker.brain import ESCALATION
from voice_worker.call import ANSWER_ARRIVED

pytestmark = pytest.mark.django_db(transaction=True)

CALLER_PHONE = "+14155550150"


def agent_joined(event) -> bool:
    return event["event"] == "joined" and event["kind"] == "PARTICIPANT_KIND_AGENT"


def told_in_call(salon, help_request_id: int) -> bool:
    texts = salon.get("/api/v1/messages", help_request_id=help_request_id, kind="caller_followup")["items"]
    return len(texts) == 1 and texts[0]["delivered_in_call_at"] is not None


def test_a_web_call_gets_the_agent_answers_escalates_hears_the_answer_and_is_recorded(salon_over_livekit):
    salon = salon_over_livekit
    call = salon.web_call("Ana", CALLER_PHONE)
    caller = salon.caller(call["livekit_url"], call["caller_token"])
    assert caller.connected()["event"] == "connected"

    # Nothing but the token's dispatch sent the agent to the room.
    caller.wait_for(agent_joined, "the receptionist joining")
    greeting = caller.reply("Glow & Shear")

    mark = caller.say("What does a blowout cost?")
    answer = caller.reply("$55", since=mark)

    mark = caller.say("Is there parking close by?")
    escalated = caller.reply("check with my supervisor", since=mark)
    assert escalated.startswith(ESCALATION)
    [request] = salon.get("/api/v1/help-requests", limit=100)["items"]
    assert request["call_id"] == call["id"] and request["question"] == "Is there parking close by?"

    # The supervisor answers within the hold window: the caller hears it during the call.
    resolved = salon.post(
        f"/api/v1/help-requests/{request['id']}/resolve", {"answer": "The garage on Clay Street.", "learn": False}
    )
    assert resolved.status_code == 200, resolved.text
    told = caller.reply("The garage on Clay Street.", since=mark)
    assert told == ANSWER_ARRIVED.format(answer="The garage on Clay Street.")
    # answers-delivered is recorded: the caller's follow-up text says it was told in the call.
    salon.wait_for_call(call["id"], lambda _: told_in_call(salon, request["id"]), "report of the answer told")

    caller.hang_up()
    ended = salon.wait_for_call(call["id"], lambda c: c["status"] == "ended", "end")
    assert ended["end_reason"] == "caller_hung_up"
    # The transcript is what was said, in order, on both sides.
    said = [(turn["role"], turn["text"]) for turn in ended["transcript"]]
    assert said == [
        ("agent", greeting),
        ("caller", "What does a blowout cost?"),
        ("agent", answer),
        ("caller", "Is there parking close by?"),
        ("agent", escalated),
        ("agent", told),
    ]
    assert [request["id"]] == ended["help_request_ids"]


def test_goodbye_ends_the_call_and_deletes_the_room(salon_over_livekit):
    salon = salon_over_livekit
    call = salon.web_call("Ana", CALLER_PHONE)
    caller = salon.caller(call["livekit_url"], call["caller_token"])
    caller.connected()
    caller.wait_for(agent_joined, "the receptionist joining")
    caller.reply("How can I help")

    mark = caller.say("Great, thanks. Bye!")
    assert "Goodbye" in caller.reply("Goodbye", since=mark)
    # end_call deleted the room: the server disconnects the caller and no longer lists it.
    gone = caller.wait_for(lambda e: e["event"] == "disconnected", "disconnection", since=mark)
    assert gone["reason"] == "ROOM_DELETED"
    salon.wait_until_room_is_gone(call["room"])
    ended = salon.wait_for_call(call["id"], lambda c: c["status"] == "ended", "end")
    assert ended["end_reason"] == "goodbye"
