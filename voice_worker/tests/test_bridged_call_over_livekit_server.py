"""After a warm transfer, over LiveKit's own server (support_livekit) with the real voice worker:
the receptionist hands the caller to the person and falls silent, and when one of them leaves,
the call is over for the other too (the room is deleted), as LiveKit's WarmTransferTask does."""

import pytest

from salon_project.tests.support_livekit import transfer_asked_for
from voice_worker.transfer import HANDED_OVER

pytestmark = pytest.mark.django_db(transaction=True)


def test_when_the_caller_leaves_the_transferred_call_the_person_is_hung_up_too(salon_over_livekit):
    salon = salon_over_livekit
    call, caller, transfer, mark = transfer_asked_for(salon)
    accepted = salon.post(f"/api/v1/transfers/{transfer['id']}/accept")
    assert accepted.status_code == 200, accepted.text
    person = salon.caller(accepted.json()["livekit_url"], accepted.json()["token"])
    assert person.connected()["room"] == call["room"]
    handed = caller.reply("on the line with you now", since=mark)
    assert handed == HANDED_OVER.format(name=transfer["supervisor"]["name"].split()[0])
    ended = salon.wait_for_call(call["id"], lambda c: c["status"] == "ended", "the receptionist's end")
    assert ended["end_reason"] == "transferred"
    assert call["room"] in salon.rooms()  # the caller and the person go on talking

    caller.hang_up()

    gone = person.wait_for(lambda e: e["event"] == "disconnected", "the person hung up too")
    assert gone["reason"] == "ROOM_DELETED"
    salon.wait_until_room_is_gone(call["room"])
