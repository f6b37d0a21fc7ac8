"""A warm transfer to a person on the phone, against LiveKit's own server (support_livekit):
open-source livekit-server refuses MoveParticipant, and the fallback, ringing the person into
the caller's room, takes over.

The rooms and participants are the real server's. The phone calls are not: a phone leg needs
LiveKit's SIP bridge, which the tests do not run, so the SIP service's requests go to the test
double (calls/tests/livekit_double.py, `upstream`), which forwards everything else to the real
server untouched. The person's phone leg in the consultation room is played by LiveKit's rtc
client joining with that leg's identity, as the SIP bridge would after they answered."""

import pytest
from asgiref.sync import async_to_sync
from livekit import api

from calls import livekit_rooms, transfers
from calls.models import Transfer
from calls.tests.livekit_double import MOVE_NOT_IMPLEMENTED, LiveKitTwirpDouble
from calls.tests.support import start_call
from salon_project.tests.support_livekit import Caller

pytestmark = pytest.mark.django_db

JORDAN = "+14155550102"  # the seeded color expert


@pytest.fixture
def livekit(livekit_sandbox, settings, salon):
    server = livekit_sandbox.server
    with LiveKitTwirpDouble(server.api_key, server.api_secret, upstream=server.http_url) as double:
        settings.LIVEKIT_URL = double.url
        settings.LIVEKIT_API_KEY, settings.LIVEKIT_API_SECRET = server.api_key, server.api_secret
        settings.LIVEKIT_SIP_TRUNK_ID = "ST_trunk"
        settings.TRANSFER_RING_SECONDS = 30
        yield double


def test_livekit_server_refuses_to_move_the_phone_and_the_person_is_rung_into_the_call(
    api, livekit, livekit_sandbox, settings, tmp_path
):
    settings.LIVEKIT_MOVE_PARTICIPANT = True  # as if this were LiveKit Cloud: the move is tried
    call = start_call(api)
    api.post(f"/api/v1/calls/{call['id']}/transcript", {"role": "caller", "text": "My color came out orange."})
    started = api.post(f"/api/v1/calls/{call['id']}/transfers", {"reason": "The caller wants the color specialist."})
    transfer = Transfer.objects.get(pk=started.data["id"])
    assert transfer.to_phone == JORDAN
    [consultation] = [room for room in _rooms(livekit_sandbox) if room.name == transfer.consult_room]
    # Open for the whole ring window although only agents are in it (livekit-server's empty_timeout).
    assert (consultation.empty_timeout, consultation.departure_timeout) == (30 + 60, 20)
    # Jordan's phone rings and they answer: the SIP call itself is the double's, the leg in the
    # consultation room a real participant.
    identity = transfers.phone_identity(transfer)
    token = livekit_rooms.room_token(transfer.consult_room, identity=identity, name="Jordan", ttl_seconds=300)
    phone = Caller(livekit_sandbox, livekit_sandbox.server.url, token, tmp_path / "phone.jsonl")
    try:
        assert phone.connected()["event"] == "connected"
        transfers.dial(transfer.pk)
        assert Transfer.objects.get(pk=transfer.pk).status == "briefing"
        assert identity in livekit_rooms.participants(transfer.consult_room)

        accepted = api.post(f"/api/v1/transfers/{transfer.pk}/accept", {})

        phone.wait_for(lambda e: e["event"] == "disconnected", "the consultation call hung up")
    finally:
        phone.close()
    [move] = livekit.calls("MoveParticipant")
    assert (move.status, move.error) == (500, {"code": "unknown", "msg": MOVE_NOT_IMPLEMENTED})  # the double's too
    [hung_up] = livekit.calls("RemoveParticipant")
    assert (hung_up.status, hung_up.body.room, hung_up.body.identity) == (200, transfer.consult_room, identity)
    _, rung = livekit.calls("CreateSIPParticipant")
    assert (rung.body.room_name, rung.body.sip_call_to) == (call["room"], JORDAN)
    assert rung.body.participant_identity == identity
    assert accepted.status_code == 200, accepted.data
    transfer.refresh_from_db()
    assert transfer.status == "connected" and transfer.events.last().note == "accepted (phone rung into the call)"
    assert transfer.consult_room not in [room.name for room in _rooms(livekit_sandbox)]  # closed on the server


def _rooms(sandbox) -> list[api.Room]:
    """The rooms the real server has now."""
    server = sandbox.server

    async def listing() -> list[api.Room]:
        async with api.LiveKitAPI(server.http_url, server.api_key, server.api_secret) as client:
            return list((await client.room.list_rooms(api.ListRoomsRequest())).rooms)

    return async_to_sync(listing)()
