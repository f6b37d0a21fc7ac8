"""Webhooks, end to end: subscribing through the API, a real HTTP receiver on 127.0.0.1, the
`Salon-Signature` checked by a verifier written here from the spec (not the server's code),
event filtering, retries with exponential backoff, giving up, and the URL safety rules."""

import hashlib
import hmac
import json
import time
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from helprequests.tests.support_receiver import WebhookReceiver
from helprequests.tests.support_salon import add_owner, create_help_request_via_api
from outbound import delivery, tasks
from outbound.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db

SIGNATURE_TOLERANCE_SECONDS = 5 * 60


# --- An integrator's verifier, written from spec/api.md alone ---------------------------------


def verify_signature(header: str | None, raw_body: bytes, secret: str, *, now: float | None = None) -> bool:
    """What a subscriber runs: parse `t=...,v1=...[,v1=...]`, recompute HMAC-SHA256 over
    b"<t>." + raw body keyed with the secret's UTF-8 bytes, compare in constant time, and refuse
    timestamps more than five minutes away (a replayed old delivery)."""
    if not header:
        return False
    timestamps, signatures = [], []
    for part in header.split(","):
        key, sep, value = part.strip().partition("=")
        if not sep:
            return False
        if key == "t":
            timestamps.append(value)
        elif key == "v1":
            signatures.append(value)
    if len(timestamps) != 1 or not signatures:
        return False
    try:
        timestamp = int(timestamps[0])
    except ValueError:
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > SIGNATURE_TOLERANCE_SECONDS:
        return False
    expected = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + raw_body, hashlib.sha256).hexdigest()
    return any(hmac.compare_digest(expected, candidate) for candidate in signatures)


def signature_timestamp(header: str) -> int:
    return int(dict(part.split("=", 1) for part in header.split(",") if part.startswith("t="))["t"])


# --- Helpers ------------------------------------------------------------------------------------


@pytest.fixture
def receiver():
    with WebhookReceiver() as running:
        yield running


@pytest.fixture
def owner(db):
    return add_owner()


def subscribe(api, url: str, events: list[str] | None = None) -> dict:
    response = api.post("/api/v1/webhook-endpoints", {"url": url, "events": events or []})
    assert response.status_code == 201, response.data
    return response.data


def make_due(delivery_row: WebhookDelivery) -> None:
    """Let time pass: the retry's lease (held until the backoff is over) runs out."""
    WebhookDelivery.objects.filter(pk=delivery_row.pk).update(
        claimed_until=timezone.now() - timedelta(seconds=1), next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


def parse_time(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    assert parsed.tzinfo is not None, f"{value!r} has no UTC offset"
    return parsed


def same_help_request(event_data: dict, api_view: dict) -> None:
    """The event's data is the HelpRequest as the API shows it (times compared as instants,
    since the API may print fewer fractional digits)."""
    assert event_data.keys() == api_view.keys()
    for key, value in api_view.items():
        if (key.endswith("_at") or key == "answer_expected_by") and value is not None:
            assert abs(parse_time(event_data[key]) - parse_time(value)) < timedelta(milliseconds=1), key
        else:
            assert event_data[key] == value, key


# --- Managing endpoints through the API ---------------------------------------------------------


def test_creating_an_endpoint_shows_its_secret_only_once(api, receiver):
    created = subscribe(api, receiver.url, ["help_request.created", "help_request.resolved"])

    assert created.keys() >= {"id", "url", "events", "active", "secret", "created_at"}
    assert created["url"] == receiver.url
    assert created["events"] == ["help_request.created", "help_request.resolved"]
    assert created["active"] is True
    assert created["secret"].startswith("whsec_") and len(created["secret"]) > 30
    parse_time(created["created_at"])

    listing = api.get("/api/v1/webhook-endpoints")
    assert listing.status_code == 200
    assert listing.data["count"] == 1
    [shown] = listing.data["items"]
    assert shown["id"] == created["id"] and shown["url"] == receiver.url
    assert "secret" not in shown
    assert created["secret"].encode() not in listing.content


def test_each_endpoint_gets_its_own_secret(api, receiver):
    first, second = subscribe(api, receiver.url), subscribe(api, receiver.url)
    assert first["secret"] != second["secret"]


def test_webhook_endpoints_need_credentials(anonymous, receiver):
    assert anonymous.get("/api/v1/webhook-endpoints").status_code == 401
    assert anonymous.post("/api/v1/webhook-endpoints", {"url": receiver.url}).status_code == 401
    assert not WebhookEndpoint.objects.exists()


def test_an_unknown_event_type_is_refused(api, receiver):
    response = api.post("/api/v1/webhook-endpoints", {"url": receiver.url, "events": ["help_request.exploded"]})
    assert response.status_code == 422
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(
    "url", ["ftp://example.com/hook", "file:///etc/passwd", "javascript:alert(1)", "example.com/hook", "http://"]
)
def test_a_non_http_url_is_refused_with_a_sentence(api, url):
    response = api.post("/api/v1/webhook-endpoints", {"url": url, "events": []})

    assert response.status_code == 422
    assert isinstance(response.data["detail"], str)
    assert "http" in response.data["detail"] and response.data["detail"].endswith(".")
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "https://172.16.5.4/hook",
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata service
        "http://0.0.0.0/hook",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",  # IPv4-mapped loopback
        "http://2130706433/hook",  # 127.0.0.1 spelled as one number
    ],
)
def test_private_and_loopback_addresses_are_refused_unless_allowed(api, settings, url):
    settings.WEBHOOKS_ALLOW_PRIVATE = False

    response = api.post("/api/v1/webhook-endpoints", {"url": url})

    assert response.status_code == 422
    assert "private address" in response.data["detail"]
    assert not WebhookEndpoint.objects.exists()


def test_private_addresses_are_accepted_when_allowed(api, settings, receiver):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    assert api.post("/api/v1/webhook-endpoints", {"url": receiver.url}).status_code == 201


def test_deleting_an_endpoint_is_204_then_404(api, receiver, owner, django_capture_on_commit_callbacks):
    endpoint = subscribe(api, receiver.url)

    response = api.delete(f"/api/v1/webhook-endpoints/{endpoint['id']}")
    assert response.status_code == 204
    assert response.content == b""

    again = api.delete(f"/api/v1/webhook-endpoints/{endpoint['id']}")
    assert again.status_code == 404 and "webhook endpoint" in again.data["detail"]
    assert api.get(f"/api/v1/webhook-endpoints/{endpoint['id']}/deliveries").status_code == 404
    assert api.get("/api/v1/webhook-endpoints").data["count"] == 0

    with django_capture_on_commit_callbacks(execute=True):
        create_help_request_via_api(api)
    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()


def test_an_unknown_endpoint_id_is_404(api):
    for response in (
        api.get("/api/v1/webhook-endpoints/999999/deliveries"),
        api.delete("/api/v1/webhook-endpoints/999999"),
    ):
        assert response.status_code == 404
        assert response.data == {"detail": "There is no webhook endpoint with id 999999."}


# --- Delivery to a real receiver ----------------------------------------------------------------


def test_help_request_created_reaches_the_receiver_signed(api, receiver, owner, django_capture_on_commit_callbacks):
    endpoint = subscribe(api, receiver.url, ["help_request.created"])

    with django_capture_on_commit_callbacks(execute=True):
        help_request = create_help_request_via_api(api, "Do you sell gift vouchers?", caller_name="Ana Diaz")

    assert len(receiver.requests) == 1
    [received] = receiver.requests
    assert received.method == "POST" and received.path == "/hooks/salon"
    assert received.header("Content-Type") == "application/json"

    # The signature holds over the exact bytes received, with the secret shown at creation...
    signature = received.header("Salon-Signature")
    assert verify_signature(signature, received.body, endpoint["secret"])
    assert abs(time.time() - signature_timestamp(signature)) < 60
    # ...and fails for anything else.
    tampered = received.body.replace(b"gift vouchers", b"gift voucherz")
    assert tampered != received.body
    assert not verify_signature(signature, tampered, endpoint["secret"])
    assert not verify_signature(signature, received.body, "whsec_someone-else")
    assert not verify_signature(None, received.body, endpoint["secret"])

    event = json.loads(received.body)
    assert set(event) == {"id", "type", "created_at", "data"}
    assert event["type"] == "help_request.created"
    assert event["id"].startswith("evt_")
    assert abs(timezone.now() - parse_time(event["created_at"])) < timedelta(minutes=1)
    same_help_request(event["data"], api.get(f"/api/v1/help-requests/{help_request['id']}").data)
    assert event["data"]["status"] == "pending"
    assert event["data"]["assigned_supervisor"] == {"id": owner.pk, "name": "Maya Chen"}

    row = WebhookDelivery.objects.get()
    assert row.event_id == event["id"] and row.type == "help_request.created"
    assert row.status == "delivered" and row.attempts == 1
    assert row.last_status_code == 200 and row.last_error == "" and row.delivered_at is not None
    assert list(WebhookAttempt.objects.filter(delivery=row).values_list("number", "status_code", "error")) == [
        (1, 200, "")
    ]


def test_verifier_accepts_a_rotated_header_and_refuses_replays():
    secret, body = "whsec_test-secret", b'{"id":"evt_1"}'
    now = int(time.time())
    good = hmac.new(secret.encode(), f"{now}.".encode() + body, hashlib.sha256).hexdigest()

    # The server's signer produces what the spec describes, byte for byte.
    assert delivery.sign(secret, now, body) == f"t={now},v1={good}"
    # During a rotation several v1 may come; any match is enough.
    assert verify_signature(f"t={now},v1={'0' * 64},v1={good}", body, secret)
    # A genuine signature older than five minutes is a replay.
    old = now - SIGNATURE_TOLERANCE_SECONDS - 1
    assert not verify_signature(delivery.sign(secret, old, body), body, secret)
    assert verify_signature(delivery.sign(secret, old + 2, body), body, secret)
    # Garbage never verifies.
    for header in ("", "v1=" + good, f"t={now}", f"t=soon,v1={good}", f"t={now};v1={good}"):
        assert not verify_signature(header, body, secret), header


def test_the_secret_is_the_key_prefix_and_all_utf8_encoded():
    body = b"{}"
    with_prefix = hmac.new(b"whsec_abc", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert delivery.sign("whsec_abc", 1_700_000_000, body) == f"t=1700000000,v1={with_prefix}"


def test_endpoints_only_get_the_events_they_subscribed_to(api, owner, django_capture_on_commit_callbacks):
    with WebhookReceiver() as resolved_only, WebhookReceiver() as everything:
        subscribe(api, resolved_only.url, ["help_request.resolved"])
        all_events = subscribe(api, everything.url, [])  # empty = all

        with django_capture_on_commit_callbacks(execute=True):
            help_request = create_help_request_via_api(api, "Is it okay to bring my dog along?")

        assert resolved_only.requests == []
        assert [json.loads(r.body)["type"] for r in everything.requests] == ["help_request.created"]
        assert WebhookDelivery.objects.count() == 1

        with django_capture_on_commit_callbacks(execute=True):
            response = api.post(
                f"/api/v1/help-requests/{help_request['id']}/resolve", {"answer": "Only service dogs.", "learn": False}
            )
        assert response.status_code == 200

        [resolved] = resolved_only.requests
        event = json.loads(resolved.body)
        assert event["type"] == "help_request.resolved"
        assert event["data"]["id"] == help_request["id"]
        assert event["data"]["status"] == "resolved" and event["data"]["answer"] == "Only service dogs."
        assert [json.loads(r.body)["type"] for r in everything.requests] == [
            "help_request.created",
            "help_request.resolved",
        ]
        # The same event reaches each subscriber under the same id, each signed with its own secret.
        assert json.loads(everything.requests[1].body)["id"] == event["id"]
        assert verify_signature(
            everything.requests[1].header("Salon-Signature"), everything.requests[1].body, all_events["secret"]
        )


def test_an_inactive_endpoint_gets_nothing(api, receiver, owner, django_capture_on_commit_callbacks):
    endpoint = subscribe(api, receiver.url)
    WebhookEndpoint.objects.filter(pk=endpoint["id"]).update(active=False)

    with django_capture_on_commit_callbacks(execute=True):
        create_help_request_via_api(api)

    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()


# --- Retries, backoff and giving up -------------------------------------------------------------


def test_a_failing_receiver_is_retried_and_every_attempt_recorded(
    api, receiver, owner, settings, django_capture_on_commit_callbacks
):
    receiver.respond_with(500, 200)
    endpoint = subscribe(api, receiver.url, ["help_request.created"])

    with django_capture_on_commit_callbacks(execute=True):
        create_help_request_via_api(api)

    # First attempt: the receiver answered 500; the delivery waits out its backoff.
    row = WebhookDelivery.objects.get()
    assert len(receiver.requests) == 1
    assert row.status == "pending" and row.attempts == 1
    assert row.last_status_code == 500 and row.last_error.startswith("HTTP 500")
    assert row.delivered_at is None
    expected_retry = timezone.now() + timedelta(seconds=delivery.backoff_seconds(1))
    assert abs(row.next_attempt_at - expected_retry) < timedelta(seconds=2)

    # Not due yet: a duplicate hand-over (a retry, the relay) sends nothing.
    assert delivery.deliver_webhook(row.pk) is None
    assert len(receiver.requests) == 1

    make_due(row)
    assert delivery.deliver_webhook(row.pk) is None

    row.refresh_from_db()
    assert row.status == "delivered" and row.attempts == 2
    assert row.last_status_code == 200 and row.last_error == "" and row.delivered_at is not None
    log = list(WebhookAttempt.objects.filter(delivery=row).order_by("number"))
    assert [(a.number, a.status_code) for a in log] == [(1, 500), (2, 200)]
    assert log[0].error.startswith("HTTP 500") and log[1].error == ""
    # Both attempts carried the same event, each signed afresh.
    first, second = receiver.requests
    assert first.body == second.body
    assert all(verify_signature(r.header("Salon-Signature"), r.body, endpoint["secret"]) for r in receiver.requests)

    listed = api.get(f"/api/v1/webhook-endpoints/{endpoint['id']}/deliveries").data
    assert listed["count"] == 1
    [shown] = listed["items"]
    assert shown["status"] == "delivered" and shown["attempts"] == 2 and shown["last_status_code"] == 200
    assert shown["event_id"] == json.loads(first.body)["id"] and shown["type"] == "help_request.created"

    # Once delivered, nothing sends it again.
    make_due(row)
    assert delivery.deliver_webhook(row.pk) is None
    assert len(receiver.requests) == 2


def test_the_task_schedules_the_retry_after_the_backoff(api, receiver, owner, monkeypatch):
    receiver.default_status = 503
    subscribe(api, receiver.url)
    create_help_request_via_api(api)  # on-commit hooks are not run: nothing was attempted yet
    row = WebhookDelivery.objects.get()
    assert row.attempts == 0 and receiver.requests == []

    scheduled = []
    monkeypatch.setattr(
        tasks.deliver_webhook, "apply_async", lambda args, countdown: scheduled.append((args, countdown))
    )
    tasks.deliver_webhook(row.pk)

    assert len(receiver.requests) == 1
    assert scheduled == [((row.pk,), delivery.backoff_seconds(1))]


def test_after_the_last_attempt_the_delivery_is_failed(
    api, receiver, owner, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    receiver.default_status = 503
    subscribe(api, receiver.url)

    with django_capture_on_commit_callbacks(execute=True):
        create_help_request_via_api(api)
    row = WebhookDelivery.objects.get()
    for _ in range(2):
        make_due(row)
        delivery.deliver_webhook(row.pk)

    row.refresh_from_db()
    assert len(receiver.requests) == 3
    assert row.status == "failed" and row.attempts == 3
    assert row.last_status_code == 503 and row.last_error.startswith("HTTP 503")
    assert row.delivered_at is None
    assert list(WebhookAttempt.objects.filter(delivery=row).values_list("number", "status_code")) == [
        (1, 503),
        (2, 503),
        (3, 503),
    ]

    # Failed is final: neither a late retry nor the relay tries again.
    make_due(row)
    assert delivery.deliver_webhook(row.pk) is None
    WebhookDelivery.objects.filter(pk=row.pk).update(
        created_at=timezone.now() - timedelta(hours=1), next_attempt_at=timezone.now() - timedelta(hours=1)
    )
    assert tasks.relay_undelivered() == 0
    assert len(receiver.requests) == 3


def test_an_unreachable_receiver_is_recorded_as_an_error(api, owner, django_capture_on_commit_callbacks):
    with WebhookReceiver() as gone:
        url = gone.url  # a port that is closed once the receiver stops
    subscribe(api, url)

    with django_capture_on_commit_callbacks(execute=True):
        create_help_request_via_api(api)

    row = WebhookDelivery.objects.get()
    assert row.status == "pending" and row.attempts == 1
    assert row.last_status_code is None and "ConnectError" in row.last_error
    [attempt] = WebhookAttempt.objects.filter(delivery=row)
    assert attempt.status_code is None and "ConnectError" in attempt.error


def test_the_url_is_checked_again_before_each_delivery(
    api, receiver, owner, settings, django_capture_on_commit_callbacks
):
    subscribe(api, receiver.url)  # accepted while private addresses were allowed
    settings.WEBHOOKS_ALLOW_PRIVATE = False

    with django_capture_on_commit_callbacks(execute=True):
        create_help_request_via_api(api)

    assert receiver.requests == []
    row = WebhookDelivery.objects.get()
    assert row.status == "pending" and row.attempts == 1
    assert row.last_status_code is None and "private address" in row.last_error
    assert "private address" in WebhookAttempt.objects.get(delivery=row).error


def test_backoff_grows_exponentially_up_to_an_hour(settings):
    settings.RETRY_BACKOFF_SECONDS = 10
    assert [delivery.backoff_seconds(n) for n in range(1, 7)] == [10, 20, 40, 80, 160, 320]
    assert delivery.backoff_seconds(30) == 3600
    assert delivery.backoff_seconds(500) == 3600


def test_deliveries_are_listed_newest_first_per_endpoint(api, owner, django_capture_on_commit_callbacks):
    with WebhookReceiver() as first_receiver, WebhookReceiver() as other_receiver:
        endpoint = subscribe(api, first_receiver.url, ["help_request.created"])
        subscribe(api, other_receiver.url, ["help_request.created"])

        with django_capture_on_commit_callbacks(execute=True):
            older = create_help_request_via_api(api, "Do you do balayage?")
        with django_capture_on_commit_callbacks(execute=True):
            newer = create_help_request_via_api(api, "Do you do perms?")

        listed = api.get(f"/api/v1/webhook-endpoints/{endpoint['id']}/deliveries")
        assert listed.status_code == 200 and listed.data["count"] == 2
        items = listed.data["items"]
        assert set(items[0]) >= {
            "id",
            "event_id",
            "type",
            "status",
            "attempts",
            "last_status_code",
            "last_error",
            "created_at",
            "delivered_at",
        }
        received = [json.loads(r.body) for r in first_receiver.requests]
        assert [i["event_id"] for i in items] == [received[1]["id"], received[0]["id"]]
        assert [e["data"]["id"] for e in received] == [older["id"], newer["id"]]
        assert all(i["status"] == "delivered" and i["attempts"] == 1 for i in items)
        assert all(
            i["id"] in WebhookDelivery.objects.filter(endpoint_id=endpoint["id"]).values_list("pk", flat=True)
            for i in items
        )
        paged = api.get(f"/api/v1/webhook-endpoints/{endpoint['id']}/deliveries?limit=1&offset=1").data
        assert paged["count"] == 2 and [i["event_id"] for i in paged["items"]] == [received[0]["id"]]


# --- Malformed URLs ----------------------------------------------------------------------------


@pytest.mark.parametrize("allow_private", [True, False])
@pytest.mark.parametrize("url", ["http://[::1/hook", "http://example.com:abc/hook", "http://127.0.0.1:99999/hook"])
def test_a_malformed_url_is_a_422_not_a_500(api, settings, allow_private, url):
    settings.WEBHOOKS_ALLOW_PRIVATE = allow_private

    response = api.post("/api/v1/webhook-endpoints", {"url": url})

    assert response.status_code == 422
    assert isinstance(response.data["detail"], str)
    assert not WebhookEndpoint.objects.exists()


def test_a_host_name_that_cannot_be_encoded_is_a_422_not_a_500(api, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False

    response = api.post("/api/v1/webhook-endpoints", {"url": "http://a..b/hook"})

    assert response.status_code == 422
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize("url", ["http://127.0.0.1:abc/hook", "http://a..b/hook"])
def test_a_url_the_http_client_cannot_use_is_a_recorded_failed_attempt(
    owner, settings, url, api, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    WebhookEndpoint.objects.create(url=url)  # e.g. stored through the admin, or before validation was tightened

    with django_capture_on_commit_callbacks(execute=True):
        create_help_request_via_api(api)

    row = WebhookDelivery.objects.get()
    assert row.attempts == 1 and row.status == "failed"
    assert row.last_error != "" and row.last_status_code is None
    [attempt] = WebhookAttempt.objects.filter(delivery=row)
    assert attempt.number == 1 and attempt.error != ""
