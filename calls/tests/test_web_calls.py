"""Web callers: the server names the room and mints a LiveKit token that may only join it,
dispatches the receptionist there, and expires within 15 minutes. The token is decoded here with
LiveKit's own verifier, so what LiveKit will enforce is what is checked."""

import json
import time

import jwt
import pytest
from livekit.api import TokenVerifier

from calls.models import Call
from calls.tests.support import LIVEKIT, configure_livekit

pytestmark = pytest.mark.django_db


@pytest.fixture
def livekit(settings):
    configure_livekit(settings)
    settings.VOICE_AGENT_NAME = "salon-receptionist"
    settings.CALLER_TOKEN_TTL_SECONDS = 600


def claims_of(token: str):
    return TokenVerifier(LIVEKIT["LIVEKIT_API_KEY"], LIVEKIT["LIVEKIT_API_SECRET"]).verify(token)


def test_a_web_call_gets_its_own_room_a_token_and_the_livekit_url(api, livekit):
    response = api.post("/api/v1/calls", {"caller_name": "Ana"})

    assert response.status_code == 201
    call = response.data
    assert call["channel"] == "web" and call["room"].startswith("web-")
    assert call["livekit_url"] == LIVEKIT["LIVEKIT_URL"]
    assert call["caller_token"]
    assert Call.objects.get(pk=call["id"]).room == call["room"]


def test_the_token_joins_only_that_room_with_a_microphone(api, livekit):
    call = api.post("/api/v1/calls", {"caller_name": "Ana"}).data
    claims = claims_of(call["caller_token"])

    assert claims.identity == f"caller-{call['id']}" and claims.name == "Ana"
    video = claims.video
    assert video.room_join is True and video.room == call["room"]
    assert video.can_publish and video.can_subscribe and video.can_publish_data
    assert video.can_publish_sources == ["microphone"]
    for power in ("room_create", "room_list", "room_admin", "room_record", "can_update_own_metadata", "agent"):
        assert not getattr(video, power), power
    raw = jwt.decode(call["caller_token"], options={"verify_signature": False})
    assert not {"sip", "agent", "inference", "observability"} & set(raw)  # no other grant families


def test_the_token_dispatches_the_receptionist_with_the_call_id(api, livekit):
    call = api.post("/api/v1/calls", {}).data
    (dispatch,) = claims_of(call["caller_token"]).room_config.agents

    assert dispatch.agent_name == "salon-receptionist"
    assert json.loads(dispatch.metadata) == {"call_id": call["id"]}


def test_the_token_lives_the_configured_ttl_and_never_over_15_minutes(api, livekit, settings):
    def lifetime(token: str) -> int:
        raw = jwt.decode(token, options={"verify_signature": False})
        assert abs(raw["nbf"] - time.time()) < 5
        return raw["exp"] - raw["nbf"]

    assert lifetime(api.post("/api/v1/calls", {}).data["caller_token"]) == 600
    settings.CALLER_TOKEN_TTL_SECONDS = 24 * 3600
    assert lifetime(api.post("/api/v1/calls", {}).data["caller_token"]) == 900


def test_without_livekit_a_web_call_is_503_and_records_nothing(api, settings):
    settings.LIVEKIT_URL = None
    response = api.post("/api/v1/calls", {"caller_name": "Ana"})

    assert response.status_code == 503
    assert response.data == {
        "detail": "LiveKit is not configured: set LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET."
    }
    assert Call.objects.count() == 0


def test_a_phone_call_needs_no_livekit_credentials(api, settings):
    settings.LIVEKIT_URL = settings.LIVEKIT_API_KEY = settings.LIVEKIT_API_SECRET = None
    response = api.post("/api/v1/calls", {"room": "sip-room-1"})
    assert response.status_code == 201 and response.data["caller_token"] is None
    assert response.data["livekit_url"] is None


def test_the_token_is_only_in_the_create_response(api, livekit):
    call = api.post("/api/v1/calls", {}).data
    assert api.get(f"/api/v1/calls/{call['id']}").data["caller_token"] is None
    assert api.get("/api/v1/calls").data["items"][0]["caller_token"] is None


def test_a_replayed_web_create_gets_a_fresh_token_to_the_same_room(api, livekit):
    headers = {"Idempotency-Key": "browser-session-1"}
    first = api.post("/api/v1/calls", {"caller_name": "Ana"}, headers=headers).data
    again = api.post("/api/v1/calls", {"caller_name": "Ana"}, headers=headers)

    assert again.status_code == 200 and again.data["id"] == first["id"]
    assert claims_of(again.data["caller_token"]).video.room == first["room"]
    assert Call.objects.count() == 1

    api.post(f"/api/v1/calls/{first['id']}/end", {"reason": "goodbye"})
    after_end = api.post("/api/v1/calls", {"caller_name": "Ana"}, headers=headers)
    assert after_end.status_code == 200 and after_end.data["caller_token"] is None  # no rejoining an ended call
