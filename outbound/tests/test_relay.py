"""The relay: when the broker cannot take a job at commit time, the row stays queued and
`relay_undelivered` hands it over later — once, and never while another worker holds it."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError

from helprequests.tests.support_receiver import WebhookReceiver
from helprequests.tests.support_salon import OWNER_PHONE, add_owner, create_help_request_via_api
from outbound import tasks
from outbound.models import Message, WebhookDelivery

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(db):
    return add_owner()


@pytest.fixture
def broker_down():
    """Enqueueing fails the way it does when Redis is unreachable; `.restore()` brings it back."""
    patch = pytest.MonkeyPatch()
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    class Outage:
        enqueue_attempts = attempts

        @staticmethod
        def restore() -> None:
            patch.undo()

    patch.setattr(tasks.deliver_message, "delay", refuse)
    patch.setattr(tasks.deliver_webhook, "delay", refuse)
    yield Outage
    patch.undo()


def age(model, pk: int, seconds: float) -> None:
    """Pretend the row was created (and last due) `seconds` ago."""
    past = timezone.now() - timedelta(seconds=seconds)
    fields = {"created_at": past}
    if model is WebhookDelivery:
        fields["next_attempt_at"] = past
    model.objects.filter(pk=pk).update(**fields)


def test_a_broker_outage_at_commit_leaves_the_text_for_the_relay(
    api, owner, sent_texts, settings, broker_down, django_capture_on_commit_callbacks, caplog
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/help-requests", {"question": "Do you do keratin?", "caller_phone": "+14155550150"})

    # The caller's request is not lost because Redis is: 201, the text stored and waiting.
    assert response.status_code == 201
    message = Message.objects.get(help_request_id=response.data["id"])
    assert len(broker_down.enqueue_attempts) == 1
    assert message.status == "queued" and message.attempts == 0 and message.claimed_until is None
    assert sent_texts == []
    assert "the relay will retry" in caplog.text

    broker_down.restore()

    # Too recent to relay: the normal hand-over may still be on its way.
    assert tasks.relay_undelivered() == 0
    assert sent_texts == []

    age(Message, message.pk, settings.RELAY_AFTER_SECONDS + 1)
    assert tasks.relay_undelivered() == 1

    assert [(t.to, t.reference) for t in sent_texts] == [(OWNER_PHONE, f"msg-{message.pk}")]
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 1

    # Running the relay again finds nothing left to do.
    assert tasks.relay_undelivered() == 0
    assert len(sent_texts) == 1


def test_a_text_claimed_by_another_worker_is_not_relayed(owner, sent_texts, settings):
    message = Message.objects.create(to="+14155550188", body="Hello", kind="caller_followup")
    age(Message, message.pk, settings.RELAY_AFTER_SECONDS + 60)
    Message.objects.filter(pk=message.pk).update(claimed_until=timezone.now() + timedelta(seconds=30), attempts=1)

    assert tasks.relay_undelivered() == 0

    assert sent_texts == []
    message.refresh_from_db()
    assert message.status == "queued" and message.attempts == 1


def test_a_text_whose_worker_died_is_relayed_once_its_lease_ran_out(sent_texts, settings):
    message = Message.objects.create(to="+14155550188", body="Hello", kind="caller_followup")
    age(Message, message.pk, settings.RELAY_AFTER_SECONDS + 120)
    Message.objects.filter(pk=message.pk).update(claimed_until=timezone.now() - timedelta(seconds=1), attempts=1)

    assert tasks.relay_undelivered() == 1

    assert [t.reference for t in sent_texts] == [f"msg-{message.pk}"]
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 2


def test_sent_and_failed_texts_are_never_relayed(sent_texts, settings):
    for status in ("sent", "failed"):
        message = Message.objects.create(to="+14155550188", body=status, kind="caller_followup", status=status)
        age(Message, message.pk, settings.RELAY_AFTER_SECONDS + 60)

    assert tasks.relay_undelivered() == 0
    assert sent_texts == []


def test_a_webhook_lost_in_the_outage_is_relayed_too(
    api, owner, sent_texts, settings, broker_down, django_capture_on_commit_callbacks
):
    with WebhookReceiver() as receiver:
        assert api.post("/api/v1/webhook-endpoints", {"url": receiver.url}).status_code == 201

        with django_capture_on_commit_callbacks(execute=True):
            help_request = create_help_request_via_api(api)

        assert receiver.requests == [] and sent_texts == []
        row = WebhookDelivery.objects.get()
        assert row.status == "pending" and row.attempts == 0

        broker_down.restore()
        age(WebhookDelivery, row.pk, settings.RELAY_AFTER_SECONDS + 1)
        age(Message, Message.objects.get().pk, settings.RELAY_AFTER_SECONDS + 1)

        assert tasks.relay_undelivered() == 2  # the supervisor's text and the webhook

        [received] = receiver.requests
        assert json.loads(received.body)["data"]["id"] == help_request["id"]
        row.refresh_from_db()
        assert row.status == "delivered" and row.attempts == 1
        assert len(sent_texts) == 1

        assert tasks.relay_undelivered() == 0
        assert len(receiver.requests) == 1 and len(sent_texts) == 1
