"""Warm transfer through the API, against the real `livekit-api` client talking to a LiveKit
test double (calls/tests/livekit_double.py) that checks every request's token and grants.

Covers: who is chosen, the consultation room, the tokens (one room each, minutes long), each
step and each outcome with its audit trail, illegal steps as 409 sentences, the ringing
timeout, the SIP dial and move, the cold transfer, and LiveKit failures recorded as `failed`.
"""

import time
from datetime import timedelta

import jwt
import pytest
from django.utils import timezone
from livekit.api import TokenVerifier

from calls import livekit_rooms, transfers
from calls.models import Transfer
from calls.tests.support import CALLER, LIVEKIT, start_call
from helprequests.models import Supervisor
from outbound.models import Message, WebhookDelivery, WebhookEndpoint
from salon_project.tests.test_security import python

pytestmark = pytest.mark.django_db

COLOR_TROUBLE = "The caller's color came out orange and they want to talk to the color specialist."
JORDAN = "+14155550102"  # the seeded color expert
MAYA = "+14155550101"  # the owner


def claims_of(token: str):
    return TokenVerifier(LIVEKIT["LIVEKIT_API_KEY"], LIVEKIT["LIVEKIT_API_SECRET"]).verify(token)


def lifetime(token: str) -> int:
    raw = jwt.decode(token, options={"verify_signature": False})
    assert abs(raw["nbf"] - time.time()) < 5
    return raw["exp"] - raw["nbf"]


def assert_room_only(token: str, room: str) -> None:
    video = claims_of(token).video
    assert video.room_join and video.room == room
    for power in ("room_create", "room_list", "room_admin", "room_record"):
        assert not getattr(video, power), power
    assert not {"sip", "inference", "observability"} & set(jwt.decode(token, options={"verify_signature": False}))
    assert lifetime(token) == 300


def start(api, call_id: int, reason: str = COLOR_TROUBLE, **extra):
    return api.post(f"/api/v1/calls/{call_id}/transfers", {"reason": reason, **extra})


@pytest.fixture
def call(api):
    call = start_call(api)
    api.post(f"/api/v1/calls/{call['id']}/transcript", {"role": "caller", "text": "My color came out orange."})
    return call


def test_start_picks_the_expert_creates_the_room_and_alerts_them(api, livekit, call):
    response = start(api, call["id"])

    assert response.status_code == 201, response.data
    transfer = response.data
    assert transfer["status"] == "ringing" and transfer["kind"] == "warm"
    assert transfer["supervisor"]["name"] == "Jordan Alvarez"
    room = transfer["consult_room"]
    assert room.startswith(f"consult-{call['id']}-") and room in livekit.rooms
    [create] = livekit.calls("CreateRoom")
    assert create.body.name == room and create.claims["video"]["roomCreate"] is True
    assert [(e["from_status"], e["to_status"]) for e in transfer["events"]] == [
        (None, "requested"),
        ("requested", "ringing"),
    ]
    assert "orange" in transfer["summary"] and transfer["summary_source"] == "extractive"
    # The agent's way into the consultation room: that room only, minutes long, as an agent.
    assert_room_only(transfer["agent_token"], room)
    assert claims_of(transfer["agent_token"]).kind == "agent"
    assert transfer["livekit_url"] == livekit.url
    [alert] = Message.objects.filter(kind="transfer_alert")
    assert alert.to == JORDAN and f"transfer #{transfer['id']}" in alert.body and COLOR_TROUBLE in alert.body


def test_urgent_goes_to_the_owner_and_busy_or_unavailable_people_are_skipped(api, livekit, call):
    urgent = start(api, call["id"], "My scalp is burning after the bleach and it is swelling.").data
    assert urgent["supervisor"]["name"] == "Maya Chen"
    api.post(f"/api/v1/transfers/{urgent['id']}/cancel", {})

    Supervisor.objects.filter(phone=JORDAN).update(available=False)
    assert start(api, call["id"]).data["supervisor"]["name"] == "Maya Chen"  # no color expert free

    other = start_call(api, room="sip-room-2")
    Supervisor.objects.exclude(phone=MAYA).update(available=False)
    # Maya is being rung for the first call: nobody is free for the second.
    nobody = start(api, other["id"])
    assert nobody.status_code == 201
    assert nobody.data["status"] == "failed" and nobody.data["outcome_note"] == transfers.NOBODY_AVAILABLE
    people = api.get("/api/v1/supervisors/available").data
    assert [(p["name"], p["status"]) for p in people] == [("Maya Chen", "busy")]


def test_join_briefs_then_accept_hands_over_with_a_token_for_the_callers_room(api, livekit, call):
    transfer = start(api, call["id"]).data
    jordan = Supervisor.objects.get(phone=JORDAN)

    joined = api.post(f"/api/v1/transfers/{transfer['id']}/join", {"supervisor_id": jordan.pk})
    assert joined.status_code == 200
    assert joined.data["transfer"]["status"] == "briefing"
    assert joined.data["room"] == transfer["consult_room"]
    assert_room_only(joined.data["token"], transfer["consult_room"])
    assert claims_of(joined.data["token"]).identity == f"staff-{jordan.pk}-transfer-{transfer['id']}"

    accepted = api.post(f"/api/v1/transfers/{transfer['id']}/accept", {"supervisor_id": jordan.pk})
    assert accepted.status_code == 200
    assert accepted.data["transfer"]["status"] == "connected"
    assert accepted.data["room"] == call["room"]
    assert_room_only(accepted.data["token"], call["room"])
    assert transfer["consult_room"] not in livekit.rooms  # the consultation room is closed
    steps = [e["to_status"] for e in accepted.data["transfer"]["events"]]
    assert steps == ["requested", "ringing", "briefing", "connected"]

    done = api.post(f"/api/v1/transfers/{transfer['id']}/complete")
    assert done.status_code == 200 and done.data["completed_at"]
    again = api.post(f"/api/v1/transfers/{transfer['id']}/complete")
    assert again.status_code == 409 and "already completed" in again.data["detail"]


def test_each_outcome_is_final_and_a_late_step_is_a_409_sentence(api, livekit, call):
    transfer = start(api, call["id"]).data
    declined = api.post(f"/api/v1/transfers/{transfer['id']}/decline", {"reason": "With a client."})
    assert declined.status_code == 200
    assert declined.data["status"] == "declined" and declined.data["outcome_note"] == "With a client."

    for step in ("accept", "join", "decline", "cancel"):
        late = api.post(f"/api/v1/transfers/{transfer['id']}/{step}", {})
        assert late.status_code == 409, step
        assert late.data["detail"].startswith(f"Transfer {transfer['id']} is declined (With a client.)")
    assert api.post(f"/api/v1/transfers/{transfer['id']}/complete").status_code == 409
    assert Transfer.objects.get(pk=transfer["id"]).events.count() == 3


def test_one_open_transfer_per_call_and_none_after_the_call_ended(api, livekit, call):
    first = start(api, call["id"]).data
    second = start(api, call["id"])
    assert second.status_code == 409
    assert second.data["detail"] == (
        f"Call {call['id']} already has a transfer in progress (id {first['id']}, ringing); cancel it first."
    )
    api.post(f"/api/v1/transfers/{first['id']}/cancel", {"reason": "The caller changed their mind."})
    api.post(f"/api/v1/calls/{call['id']}/end", {"reason": "goodbye"})
    assert start(api, call["id"]).status_code == 409


def test_the_consultation_room_stays_open_for_the_whole_ring_window(api, livekit, call, settings):
    """livekit-server closes a room only agents have joined `empty_timeout` after its creation: it
    must not close before the person, rung for up to TRANSFER_RING_SECONDS, can arrive."""
    settings.TRANSFER_RING_SECONDS = 75
    start(api, call["id"])

    [create] = livekit.calls("CreateRoom")
    assert create.body.empty_timeout >= 75 + 30
    assert 0 < create.body.departure_timeout <= 60  # once the person has left, it closes soon


def test_the_ring_window_is_bounded_by_what_livekit_waits():
    """livekit-server stops waiting for a dialled phone after 80 s whatever the ring window says."""
    refused = python("manage.py", "check", TRANSFER_RING_SECONDS="90")
    assert refused.returncode == 2 and refused.stderr.strip() == "TRANSFER_RING_SECONDS=90 must be at most 75."


def test_an_idempotency_key_replay_returns_the_first_transfer(api, livekit, call):
    headers = {"Idempotency-Key": "agent-call-1:transfer-1"}
    first = api.post(f"/api/v1/calls/{call['id']}/transfers", {"reason": COLOR_TROUBLE}, headers=headers)
    again = api.post(f"/api/v1/calls/{call['id']}/transfers", {"reason": COLOR_TROUBLE}, headers=headers)

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.data["id"] == first.data["id"] and len(livekit.calls("CreateRoom")) == 1


def test_a_livekit_failure_is_recorded_as_failed(api, livekit, call):
    livekit.fail_next("CreateRoom", status=500, code="internal", msg="out of rooms")
    response = start(api, call["id"])

    assert response.status_code == 201
    assert response.data["status"] == "failed" and response.data["agent_token"] is None
    assert "out of rooms" in response.data["outcome_note"]
    assert not Message.objects.filter(kind="transfer_alert").exists()  # nobody was alerted


def test_without_livekit_the_transfer_fails_with_a_sentence(api, settings, salon, call):
    settings.LIVEKIT_URL = None
    response = start(api, call["id"])

    assert response.status_code == 201 and response.data["status"] == "failed"
    assert "LiveKit is not configured" in response.data["outcome_note"]


def test_the_sweep_ends_unanswered_and_undecided_transfers_once(api, livekit, call):
    ringing = start(api, call["id"]).data
    Transfer.objects.filter(pk=ringing["id"]).update(deadline=timezone.now() - timedelta(seconds=1))
    assert transfers.expire_transfers() == 1
    assert transfers.expire_transfers() == 0  # idempotent
    assert api.get(f"/api/v1/transfers/{ringing['id']}").data["status"] == "no_answer"
    late = api.post(f"/api/v1/transfers/{ringing['id']}/accept", {})
    assert late.status_code == 409 and "no_answer (nobody joined in time)" in late.data["detail"]

    briefing = start(api, call["id"]).data
    api.post(f"/api/v1/transfers/{briefing['id']}/join", {})
    Transfer.objects.filter(pk=briefing["id"]).update(deadline=timezone.now() - timedelta(seconds=1))
    transfers.expire_transfers()
    assert api.get(f"/api/v1/transfers/{briefing['id']}").data["status"] == "timed_out"


def answered_phone_transfer(api, livekit, call, settings, capture) -> dict:
    """With a SIP trunk the chosen person's phone rings into the consultation room and answers."""
    settings.LIVEKIT_SIP_TRUNK_ID = "ST_trunk"
    with capture(execute=True):
        transfer = start(api, call["id"]).data  # the dial runs after commit (eager Celery here)
    livekit.add_participant(call["room"], f"sip-{CALLER}", "sip")
    return transfer


def test_with_a_sip_trunk_the_person_is_dialled_and_on_livekit_cloud_their_phone_is_moved(
    api, livekit, call, settings, django_capture_on_commit_callbacks
):
    settings.LIVEKIT_URL = "wss://salon-test.livekit.cloud"
    livekit.cloud = True
    settings.LIVEKIT_MOVE_PARTICIPANT = False  # the setting wins over the URL...
    assert not livekit_rooms.moves_participants()
    settings.LIVEKIT_MOVE_PARTICIPANT = None  # ...and unset, a *.livekit.cloud URL moves
    assert livekit_rooms.moves_participants()
    settings.LIVEKIT_URL = livekit.url
    settings.LIVEKIT_MOVE_PARTICIPANT = True
    transfer = answered_phone_transfer(api, livekit, call, settings, django_capture_on_commit_callbacks)

    [dialled] = livekit.calls("CreateSIPParticipant")
    assert dialled.claims["sip"]["call"] is True and not dialled.claims["sip"]["admin"]
    assert dialled.body.sip_call_to == JORDAN and dialled.body.room_name == transfer["consult_room"]
    assert dialled.body.sip_trunk_id == "ST_trunk" and dialled.body.ringing_timeout.seconds == 30
    assert api.get(f"/api/v1/transfers/{transfer['id']}").data["status"] == "briefing"  # they answered

    accepted = api.post(f"/api/v1/transfers/{transfer['id']}/accept", {})
    assert accepted.status_code == 200 and accepted.data["token"] is None  # on the phone: moved, no token
    [move] = livekit.calls("MoveParticipant")
    assert (move.body.room, move.body.destination_room) == (transfer["consult_room"], call["room"])
    assert f"staff-phone-{transfer['id']}" in livekit.rooms[call["room"]]
    assert len(livekit.calls("CreateSIPParticipant")) == 1  # moved, not rung again


@pytest.mark.parametrize("moves", [None, True], ids=["self-hosted", "move-refused"])
def test_where_livekit_cannot_move_a_phone_the_person_is_rung_into_the_callers_room(
    api, livekit, call, settings, django_capture_on_commit_callbacks, moves
):
    """Open-source livekit-server has no MoveParticipant: by default (a URL that is not LiveKit
    Cloud) it is not tried; forced on, the server's "not implemented" hands over to the same ring."""
    settings.LIVEKIT_MOVE_PARTICIPANT = moves
    transfer = answered_phone_transfer(api, livekit, call, settings, django_capture_on_commit_callbacks)
    phone = f"staff-phone-{transfer['id']}"
    assert phone in livekit.rooms[transfer["consult_room"]]

    accepted = api.post(f"/api/v1/transfers/{transfer['id']}/accept", {})

    assert accepted.status_code == 200 and accepted.data["token"] is None
    assert [m.status for m in livekit.calls("MoveParticipant")] == ([500] if moves else [])
    [hung_up] = livekit.calls("RemoveParticipant")
    assert (hung_up.body.room, hung_up.body.identity) == (transfer["consult_room"], phone)
    [_, rung] = livekit.calls("CreateSIPParticipant")
    assert (rung.body.room_name, rung.body.sip_call_to, rung.body.participant_identity) == (call["room"], JORDAN, phone)
    assert rung.body.wait_until_answered and rung.body.ringing_timeout.seconds == 30
    assert phone in livekit.rooms[call["room"]] and transfer["consult_room"] not in livekit.rooms
    done = api.get(f"/api/v1/transfers/{transfer['id']}").data
    assert done["status"] == "connected" and done["events"][-1]["note"] == "accepted (phone rung into the call)"


def test_when_the_rung_back_phone_is_not_answered_the_transfer_is_no_answer(
    api, livekit, call, settings, django_capture_on_commit_callbacks
):
    transfer = answered_phone_transfer(api, livekit, call, settings, django_capture_on_commit_callbacks)
    settings.TRANSFER_RING_SECONDS = 1
    livekit.phone_rings_out(JORDAN)

    refused = api.post(f"/api/v1/transfers/{transfer['id']}/accept", {})

    assert refused.status_code == 502 and "sip request timed out" in refused.data["detail"]
    assert api.get(f"/api/v1/transfers/{transfer['id']}").data["status"] == "no_answer"


@pytest.mark.parametrize(
    ("answer", "status"),
    [(486, "declined"), (603, "declined"), (480, "no_answer"), ("rings out", "no_answer"), (404, "failed")],
)
def test_the_phones_answer_decides_the_outcome(
    api, livekit, call, settings, django_capture_on_commit_callbacks, answer, status
):
    """As LiveKit's SIP service answers: a SIP status in the error's metadata, or, when nobody
    picks up in the ring window, `canceled` with no SIP status at all (livekit/sip)."""
    settings.LIVEKIT_SIP_TRUNK_ID = "ST_trunk"
    settings.TRANSFER_RING_SECONDS = 1
    if answer == "rings out":
        livekit.phone_rings_out(JORDAN)
    else:
        livekit.phone_answers_with(JORDAN, answer)
    with django_capture_on_commit_callbacks(execute=True):
        transfer = start(api, call["id"]).data

    [dialled] = livekit.calls("CreateSIPParticipant")
    assert dialled.status == {486: 429, 603: 403, 480: 429, "rings out": 408, 404: 404}[answer]
    assert api.get(f"/api/v1/transfers/{transfer['id']}").data["status"] == status


def test_a_cold_transfer_hands_the_sip_caller_to_a_number(
    api, livekit, call, settings, django_capture_on_commit_callbacks
):
    settings.LIVEKIT_SIP_TRUNK_ID = "ST_trunk"
    livekit.add_participant(call["room"], "sip-caller", "sip")
    with django_capture_on_commit_callbacks(execute=True):
        response = start(api, call["id"], kind="cold", to_phone="415-555-0199", participant_identity="sip-caller")

    assert response.status_code == 201
    assert api.get(f"/api/v1/transfers/{response.data['id']}").data["status"] == "connected"
    [handed] = livekit.calls("TransferSIPParticipant")
    assert handed.body.transfer_to == "tel:+14155550199" and handed.claims["sip"]["call"] is True
    assert handed.claims["video"]["roomAdmin"] is True and handed.claims["video"]["room"] == call["room"]
    assert "sip-caller" not in livekit.rooms[call["room"]]


def test_webhooks_say_started_completed_and_failed(api, livekit, call):
    WebhookEndpoint.objects.create(url="http://127.0.0.1:9/hooks", events=[])
    first = start(api, call["id"]).data
    api.post(f"/api/v1/transfers/{first['id']}/decline", {})
    second = start(api, call["id"]).data
    api.post(f"/api/v1/transfers/{second['id']}/accept", {})

    types = list(WebhookDelivery.objects.order_by("pk").values_list("type", flat=True))
    transfer_types = [t for t in types if t.startswith("transfer.")]
    assert transfer_types == ["transfer.started", "transfer.failed", "transfer.started", "transfer.completed"]


def test_bad_input_is_4xx_with_a_sentence(api, livekit, call):
    assert api.get("/api/v1/transfers/999999").data == {"detail": "There is no transfer with id 999999."}
    assert start(api, call["id"], reason="   ").status_code == 422
    assert start(api, 999999).status_code == 404
    cold_web = start(api, call["id"], kind="cold")
    assert cold_web.status_code == 422 and "participant_identity" in cold_web.data["detail"]
    unknown_person = api.post("/api/v1/transfers/1/accept", {"supervisor_id": 999999})
    assert unknown_person.status_code in (404, 422)
