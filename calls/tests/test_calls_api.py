"""The calls endpoints the voice worker records a call with: start, transcript, end, list, get."""

from datetime import datetime

import pytest

from calls.models import Call, TranscriptTurn
from calls.tests.support import CALLER, ROOM, add_owner, ask_during_call, start_call

pytestmark = pytest.mark.django_db


def test_a_phone_call_is_recorded_with_its_room_and_normalised_caller(api):
    call = start_call(api, caller_phone="(415) 555-0150", caller_name="Ana Diaz")

    assert call["room"] == ROOM and call["channel"] == "phone"
    assert call["caller_phone"] == CALLER and call["caller_name"] == "Ana Diaz"
    assert call["status"] == "active" and call["ended_at"] is None and call["end_reason"] is None
    assert call["transcript"] == [] and call["help_request_ids"] == []
    assert call["caller_token"] is None
    assert datetime.fromisoformat(call["started_at"]).utcoffset() is not None
    assert Call.objects.get(pk=call["id"]).caller_phone == CALLER


def test_the_caller_may_be_unknown(api):
    assert start_call(api, caller_phone=None)["caller_phone"] is None
    assert start_call(api, room="sip-room-2", caller_phone="  ")["caller_phone"] is None


@pytest.mark.parametrize(
    "body",
    [
        {"room": ROOM, "caller_phone": "12"},  # not a phone number
        {"room": ROOM, "channel": "fax"},
        {"room": "   "},
        {"room": "r" * 129},
        {"room": ROOM, "caller_name": "n" * 121},
        {"channel": "phone"},  # a phone call without the room its caller is in
    ],
)
def test_bad_input_is_422_and_records_nothing(api, body):
    response = api.post("/api/v1/calls", body)
    assert response.status_code == 422, response.data
    assert Call.objects.count() == 0


def test_transcript_turns_are_appended_in_order(api):
    call = start_call(api)
    first = api.post(f"/api/v1/calls/{call['id']}/transcript", {"role": "caller", "text": "  Hi, are you open?  "})
    second = api.post(f"/api/v1/calls/{call['id']}/transcript", {"role": "agent", "text": "Yes, until 7 pm."})

    assert first.status_code == 201 and second.status_code == 201
    assert set(first.data) == {"id", "role", "text", "at"}
    assert first.data["text"] == "Hi, are you open?"
    turns = api.get(f"/api/v1/calls/{call['id']}").data["transcript"]
    assert [(t["role"], t["text"]) for t in turns] == [("caller", "Hi, are you open?"), ("agent", "Yes, until 7 pm.")]


def test_a_resent_turn_with_the_same_key_is_recorded_once(api):
    call = start_call(api)
    path, turn = f"/api/v1/calls/{call['id']}/transcript", {"role": "caller", "text": "Are you open on Sundays?"}
    first = api.post(path, turn, headers={"Idempotency-Key": "turn-1"})
    again = api.post(path, turn, headers={"Idempotency-Key": "turn-1"})

    assert first.status_code == 201 and again.status_code == 200 and again.data == first.data
    # Still the first turn after the call ended: the resend is an echo, not a new utterance.
    api.post(f"/api/v1/calls/{call['id']}/end", {"reason": "goodbye"})
    assert api.post(path, turn, headers={"Idempotency-Key": "turn-1"}).status_code == 200
    other_words = api.post(path, {"role": "caller", "text": "Saturday?"}, headers={"Idempotency-Key": "turn-1"})
    assert other_words.status_code == 409 and "Idempotency-Key" in other_words.data["detail"]
    assert TranscriptTurn.objects.count() == 1


@pytest.mark.parametrize(
    "body", [{"role": "caller", "text": "   "}, {"role": "robot", "text": "Hi"}, {"role": "agent"}]
)
def test_a_bad_turn_is_422(api, body):
    call = start_call(api)
    assert api.post(f"/api/v1/calls/{call['id']}/transcript", body).status_code == 422
    assert TranscriptTurn.objects.count() == 0


def test_ending_a_call_records_when_and_why_once(api):
    call = start_call(api)
    ended = api.post(f"/api/v1/calls/{call['id']}/end", {"reason": "caller_hung_up"})

    assert ended.status_code == 200
    assert ended.data["status"] == "ended" and ended.data["end_reason"] == "caller_hung_up"
    assert ended.data["ended_at"] >= ended.data["started_at"]

    again = api.post(f"/api/v1/calls/{call['id']}/end", {"reason": "goodbye"})
    assert again.status_code == 409
    assert "already ended" in again.data["detail"] and "caller_hung_up" in again.data["detail"]
    assert Call.objects.get(pk=call["id"]).end_reason == "caller_hung_up"  # the first end stands


def test_an_ended_call_takes_no_more_transcript(api):
    call = start_call(api)
    api.post(f"/api/v1/calls/{call['id']}/end", {"reason": "goodbye"})
    response = api.post(f"/api/v1/calls/{call['id']}/transcript", {"role": "caller", "text": "Wait!"})
    assert response.status_code == 409
    assert "has ended" in response.data["detail"]


def test_a_blank_end_reason_is_422(api):
    call = start_call(api)
    assert api.post(f"/api/v1/calls/{call['id']}/end", {"reason": " "}).status_code == 422
    assert api.post(f"/api/v1/calls/{call['id']}/end", {}).status_code == 422
    assert Call.objects.get(pk=call["id"]).status == "active"


@pytest.mark.parametrize(
    "method,path,body",
    [
        ("get", "/api/v1/calls/999", None),
        ("post", "/api/v1/calls/999/transcript", {"role": "caller", "text": "Hi"}),
        ("post", "/api/v1/calls/999/end", {"reason": "goodbye"}),
        ("post", "/api/v1/calls/999/answers-delivered", {"help_request_id": 1}),
    ],
)
def test_an_unknown_call_is_404_with_a_sentence(api, method, path, body):
    response = api.get(path) if method == "get" else api.post(path, body)
    assert response.status_code == 404
    assert response.data == {"detail": "There is no call with id 999."}


def test_list_is_paginated_newest_first_and_filters_by_status(api):
    first = start_call(api, room="room-a")
    second = start_call(api, room="room-b")
    api.post(f"/api/v1/calls/{first['id']}/end", {"reason": "goodbye"})

    everything = api.get("/api/v1/calls").data
    assert everything["count"] == 2 and [c["id"] for c in everything["items"]] == [second["id"], first["id"]]
    assert [c["id"] for c in api.get("/api/v1/calls?status=active").data["items"]] == [second["id"]]
    assert [c["id"] for c in api.get("/api/v1/calls?status=ended").data["items"]] == [first["id"]]
    assert [c["id"] for c in api.get("/api/v1/calls?status=active&room=room-b").data["items"]] == [second["id"]]
    assert api.get("/api/v1/calls?status=active&room=room-a").data == {"items": [], "count": 0}
    page = api.get("/api/v1/calls?limit=1&offset=1").data
    assert page["count"] == 2 and [c["id"] for c in page["items"]] == [first["id"]]
    assert api.get("/api/v1/calls?status=ringing").status_code == 422


def test_help_requests_opened_during_the_call_are_linked(api):
    add_owner()
    call = start_call(api)
    asked = ask_during_call(api, call["id"])
    assert api.get(f"/api/v1/calls/{call['id']}").data["help_request_ids"] == [asked["id"]]


def test_the_same_idempotency_key_returns_the_same_call(api):
    headers = {"Idempotency-Key": "job-7-start"}
    first = api.post("/api/v1/calls", {"room": ROOM, "caller_phone": CALLER}, headers=headers)
    again = api.post("/api/v1/calls", {"room": ROOM, "caller_phone": "415-555-0150"}, headers=headers)

    assert first.status_code == 201 and again.status_code == 200
    assert again.data["id"] == first.data["id"]
    assert Call.objects.count() == 1


def test_reusing_a_key_for_a_different_call_is_409(api):
    headers = {"Idempotency-Key": "job-7-start"}
    api.post("/api/v1/calls", {"room": ROOM, "caller_phone": CALLER}, headers=headers)
    other = api.post("/api/v1/calls", {"room": "another-room", "caller_phone": CALLER}, headers=headers)
    assert other.status_code == 409 and "Idempotency-Key" in other.data["detail"]
    assert Call.objects.count() == 1


def test_a_room_has_one_active_call_at_a_time(api):
    call = start_call(api)
    clash = api.post("/api/v1/calls", {"room": ROOM, "caller_phone": CALLER})
    assert clash.status_code == 409 and f"id {call['id']}" in clash.data["detail"]

    api.post(f"/api/v1/calls/{call['id']}/end", {"reason": "goodbye"})
    assert start_call(api)["id"] != call["id"]  # the room is free again once the call ended


def test_calls_need_credentials(anonymous):
    assert anonymous.get("/api/v1/calls").status_code == 401
    assert anonymous.post("/api/v1/calls", {"room": ROOM}).status_code == 401


def test_the_endpoints_are_in_the_openapi_schema(anonymous):
    paths = anonymous.get("/api/v1/openapi.json").data["paths"]
    assert {"post", "get"} <= set(paths["/api/v1/calls"])
    for path in ("transcript", "end", "answers-delivered"):
        assert "post" in paths[f"/api/v1/calls/{{call_id}}/{path}"]
    assert "503" in paths["/api/v1/calls"]["post"]["responses"]
