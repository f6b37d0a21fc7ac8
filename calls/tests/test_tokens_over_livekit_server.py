"""Every token the API mints, presented to LiveKit's own server (support_livekit): it joins its
own room and nothing else, and every room service request with it, on any room, is refused."""

import httpx
import pytest

pytestmark = pytest.mark.django_db(transaction=True)

# Room service requests (Twirp, JSON) and their bodies: each names a room, the token's or another.
REQUESTS = {
    "CreateRoom": lambda room: {"name": room},
    "DeleteRoom": lambda room: {"room": room},
    "ListParticipants": lambda room: {"room": room},
    "RemoveParticipant": lambda room: {"room": room, "identity": "caller-1"},
    "SendData": lambda room: {"room": room, "data": "aGk=", "kind": "RELIABLE"},
    "UpdateRoomMetadata": lambda room: {"room": room, "metadata": "x"},
}


def minted_tokens(salon) -> dict[str, tuple[str, str]]:
    """{who: (token, its room)}: the web caller's, the agent's and the person's consultation
    tokens, and the person's token for the caller's room after they accept."""
    call = salon.web_call("Ana", "+14155550150")
    started = salon.post(f"/api/v1/calls/{call['id']}/transfers", {"reason": "The caller asked for a person."})
    assert started.status_code == 201 and started.json()["status"] == "ringing", started.text
    transfer = started.json()
    assert transfer["consult_room"] in salon.rooms()  # created on the server
    joined = salon.post(f"/api/v1/transfers/{transfer['id']}/join")
    assert joined.status_code == 200, joined.text
    accepted = salon.post(f"/api/v1/transfers/{transfer['id']}/accept")
    assert accepted.status_code == 200, accepted.text
    salon.wait_until_room_is_gone(transfer["consult_room"])  # closed once the person took the call
    return {
        "caller": (call["caller_token"], call["room"]),
        "agent in consultation": (transfer["agent_token"], transfer["consult_room"]),
        "person in consultation": (joined.json()["token"], transfer["consult_room"]),
        "person in the call": (accepted.json()["token"], call["room"]),
    }


def test_every_minted_token_joins_its_own_room_and_can_do_nothing_else(salon_api_over_livekit):
    salon = salon_api_over_livekit
    tokens = minted_tokens(salon)
    refusals = set()
    with httpx.Client(base_url=salon.livekit()["url"], timeout=10) as livekit:
        for who, (token, room) in tokens.items():
            for method, body in REQUESTS.items():
                for target in (room, "someone-elses-room"):
                    response = livekit.post(
                        f"/twirp/livekit.RoomService/{method}",
                        json=body(target),
                        headers={"Authorization": f"Bearer {token}"},
                    )
                    assert response.status_code == 401, (who, method, target, response.text)
                    refusals.add(response.json()["code"])
    assert refusals == {"unauthenticated"}

    for who, (token, room) in tokens.items():
        joined = salon.caller(salon.sandbox.server.url, token).connected()
        assert joined["event"] == "connected" and joined["room"] == room, who
