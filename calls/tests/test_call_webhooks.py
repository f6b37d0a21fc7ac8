"""`call.started` and `call.ended` go through the outbox (`outbound.outbox`): a WebhookDelivery row per
subscribed endpoint, written in the transaction that starts or ends the call."""

import pytest

from calls.tests.support import CALLER, configure_livekit, start_call
from outbound.models import WebhookDelivery

pytestmark = pytest.mark.django_db


def subscribe(api, events: list[str]) -> int:
    response = api.post("/api/v1/webhook-endpoints", {"url": "http://127.0.0.1:9/hooks", "events": events})
    assert response.status_code == 201, response.data
    return response.data["id"]


def test_starting_and_ending_a_call_emit_events(api):
    endpoint_id = subscribe(api, [])
    call = start_call(api)
    api.post(f"/api/v1/calls/{call['id']}/transcript", {"role": "caller", "text": "Bye now"})
    api.post(f"/api/v1/calls/{call['id']}/end", {"reason": "goodbye"})

    started, ended = WebhookDelivery.objects.filter(endpoint_id=endpoint_id).order_by("pk")
    assert started.type == "call.started" and ended.type == "call.ended"
    assert started.payload["type"] == "call.started" and started.payload["id"].startswith("evt_")
    assert started.payload["data"]["id"] == call["id"] and started.payload["data"]["status"] == "active"
    assert started.payload["data"]["caller_phone"] == CALLER
    assert ended.payload["data"]["status"] == "ended" and ended.payload["data"]["end_reason"] == "goodbye"
    assert [turn["text"] for turn in ended.payload["data"]["transcript"]] == ["Bye now"]
    # The API lists them like any other delivery.
    listed = api.get(f"/api/v1/webhook-endpoints/{endpoint_id}/deliveries").data["items"]
    assert {d["type"] for d in listed} == {"call.started", "call.ended"}


def test_a_refused_end_emits_nothing(api):
    endpoint_id = subscribe(api, ["call.ended"])
    call = start_call(api)
    api.post(f"/api/v1/calls/{call['id']}/end", {"reason": "goodbye"})
    api.post(f"/api/v1/calls/{call['id']}/end", {"reason": "goodbye"})
    assert WebhookDelivery.objects.filter(endpoint_id=endpoint_id).count() == 1


def test_an_idempotent_replay_emits_nothing_twice(api):
    endpoint_id = subscribe(api, ["call.started"])
    for _ in range(2):
        api.post("/api/v1/calls", {"room": "sip-room-1"}, headers={"Idempotency-Key": "k1"})
    assert WebhookDelivery.objects.filter(endpoint_id=endpoint_id).count() == 1


def test_endpoints_get_only_the_events_they_asked_for(api):
    only_help = subscribe(api, ["help_request.created"])
    start_call(api)
    assert not WebhookDelivery.objects.filter(endpoint_id=only_help).exists()


def test_the_caller_token_never_leaves_in_a_webhook(api, settings):
    configure_livekit(settings)
    endpoint_id = subscribe(api, ["call.started"])
    token = api.post("/api/v1/calls", {}).data["caller_token"]

    payload = WebhookDelivery.objects.get(endpoint_id=endpoint_id).payload
    assert "caller_token" not in payload["data"] and token not in str(payload)
