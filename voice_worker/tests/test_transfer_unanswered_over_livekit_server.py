"""A warm transfer nobody answers, over LiveKit's own server (support_livekit) with the real
voice worker: when the ring window has passed, the sweep (the beat's `expire_transfers`) marks it
no_answer, the consultation room is closed on the server, and the receptionist is back with the
caller with its offer of a help request."""

import time
from datetime import UTC, datetime

import pytest

from salon_project.tests.support_livekit import transfer_asked_for
from voice_worker.brain import OFFER_HELP
from voice_worker.transfer import RETURNED

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def salon_api_env() -> dict[str, str]:
    return {"TRANSFER_RING_SECONDS": "5"}  # the shortest ring window the settings allow


def test_nobody_answers_and_the_receptionist_comes_back_with_its_offer(salon_over_livekit):
    salon = salon_over_livekit
    call, caller, transfer, mark = transfer_asked_for(salon)
    assert transfer["consult_room"] in salon.rooms()
    name = transfer["supervisor"]["name"].split()[0]
    deadline = datetime.fromisoformat(transfer["deadline"].replace("Z", "+00:00"))
    time.sleep(max((deadline - datetime.now(UTC)).total_seconds(), 0) + 0.5)  # the ring window passes

    salon.run_task("calls.tasks.expire_transfers")

    assert salon.get(f"/api/v1/transfers/{transfer['id']}")["status"] == "no_answer"
    back = caller.reply("couldn't reach", since=mark)
    assert back == f"{RETURNED['no_answer'].format(name=name)} {OFFER_HELP}"
    salon.wait_until_room_is_gone(transfer["consult_room"])
    assert salon.get(f"/api/v1/calls/{call['id']}")["status"] == "active"
