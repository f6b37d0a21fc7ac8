"""A Celery worker killed with SIGKILL in the middle of delivering texts and webhooks.

Guaranteed: once a new worker runs (and the relay hands over what the dead one held, after its
lease ran out), every text and every webhook event is delivered; none is lost.

Texts: the SMS provider here is slow and takes a text only at the end of its request, as a
provider does when the connection drops before it has the whole request. A worker killed before
the provider took the text left nothing on anyone's phone, so each text is sent exactly once.
(The gap the README names stays: a worker killed after the provider took a text but before the
row was marked sent sends it again when the lease runs out; no provider deduplicates for us.)

Webhooks are delivered at least once: the receiver here had the killed worker's request when
the worker died, so that event arrives a second time, with the same event `id` and body;
receivers deduplicate on `id`. Every other event arrives exactly once.

The broker is Redis (a killed worker's jobs must outlive it), so this needs REDIS_URL.
"""

import json
import signal
import uuid
from collections import Counter
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from conftest import subprocess_database_url
from helprequests.tests.support_salon import add_owner, create_help_request_via_api
from outbound.models import Message, WebhookDelivery, WebhookEndpoint
from outbound.tasks import relay_undelivered
from salon_project.celery import app
from salon_project.tests.support_faults import (
    SLOW_SMS_BACKEND,
    SMS_DELAY_ENV,
    SMS_LOG_ENV,
    SlowReceiver,
    needs,
    read_jsonl,
    start_worker,
    stop,
    wait_for,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(120),
]


@pytest.fixture(autouse=True)
def redis_broker():
    needs(bool(settings.REDIS_URL), "Redis as the broker (REDIS_URL), whose jobs outlive a killed worker")


QUESTIONS = ["Do you sell gift vouchers?", "Is there parking close by?", "Can I bring my dog?"]
SLOW_SECONDS = 5  # the provider and the receiver each take this long, so the kill lands mid-delivery


@pytest.fixture
def queue():
    """This process publishes to the real broker, on a queue of the test's own."""
    name = f"test-faults-{uuid.uuid4().hex[:12]}"
    previous = {"task_always_eager": app.conf.task_always_eager, "task_default_queue": app.conf.task_default_queue}
    app.conf.update(task_always_eager=False, task_default_queue=name)
    try:
        yield name
    finally:
        app.conf.update(previous)
        try:
            forget(name)
        except Exception:  # cleanup must never hide the test's own outcome
            pass


def forget(queue: str) -> None:
    """Leave nothing of the queue in the shared Redis: the queue itself, and the jobs the killed
    worker had taken but never acknowledged (kombu would put them back on the queue in an hour)."""
    with app.connection_for_write() as conn:
        declared = app.amqp.queues[queue].bind(conn.default_channel)
        declared.declare()
        declared.delete()
    client = redis.Redis.from_url(settings.REDIS_URL)
    for tag, entry in client.hgetall("unacked").items():
        if json.loads(entry)[2] == queue:  # [message, exchange, routing key]
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)


def test_after_a_killed_worker_every_text_and_webhook_is_delivered_and_no_text_twice(api, queue, tmp_path, settings):
    settings.RELAY_AFTER_SECONDS = 1
    add_owner()
    sms_log, worker_log = tmp_path / "sms.jsonl", tmp_path / "worker.log"
    env = {
        "DATABASE_URL": subprocess_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "SMS_BACKEND": SLOW_SMS_BACKEND,
        SMS_LOG_ENV: str(sms_log),
        SMS_DELAY_ENV: str(SLOW_SECONDS),
        "WEBHOOKS_ALLOW_PRIVATE": "true",
    }

    with SlowReceiver(delay=SLOW_SECONDS) as receiver:
        WebhookEndpoint.objects.create(url=receiver.url, events=["help_request.created"])
        first = start_worker(worker_log, env, queue=queue, concurrency=4)
        second = None
        try:
            for question in QUESTIONS:  # each: one supervisor alert and one webhook event
                create_help_request_via_api(api, question)

            # Kill it once a text and a webhook are both in flight.
            wait_for(
                lambda: receiver.requests and any(line["event"] == "attempt" for line in read_jsonl(sms_log)),
                30,
                f"the first deliveries to start:\n{worker_log.read_text(errors='replace')}",
            )
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
            arrived_before_the_kill = set(receiver.event_ids())

            now = timezone.now()
            held_texts = set(
                Message.objects.filter(status="queued", claimed_until__gt=now).values_list("pk", flat=True)
            )
            held_hooks = set(
                WebhookDelivery.objects.filter(status="pending", claimed_until__gt=now).values_list("pk", flat=True)
            )
            assert held_texts and held_hooks, "the kill should land while a text and a webhook are being delivered"

            second = start_worker(worker_log, env, queue=queue, concurrency=4)
            # Time passes: the dead worker's 60-second leases run out.
            expired = now - timedelta(seconds=1)
            Message.objects.filter(pk__in=held_texts).update(claimed_until=expired)
            WebhookDelivery.objects.filter(pk__in=held_hooks).update(claimed_until=expired)

            def all_delivered() -> bool:
                relay_undelivered()  # as beat does every minute: hands over whatever still waits
                return (
                    not Message.objects.exclude(status="sent").exists()
                    and not WebhookDelivery.objects.exclude(status="delivered").exists()
                )

            wait_for(all_delivered, 60, "every text and webhook to be delivered", interval=1)
        finally:
            stop(first)
            if second is not None:
                stop(second)  # a warm shutdown: whatever it was sending is finished, nothing new starts

        messages = list(Message.objects.all())
        deliveries = list(WebhookDelivery.objects.all())
        assert len(messages) == len(deliveries) == len(QUESTIONS)

        # Texts: each taken by the provider exactly once. The ones the dead worker held, it had
        # tried (or was about to) and the provider never took; the new worker sent them.
        log = read_jsonl(sms_log)
        accepted = Counter(line["reference"] for line in log if line["event"] == "accepted")
        assert accepted == Counter({f"msg-{message.pk}": 1 for message in messages})
        held = {f"msg-{pk}" for pk in held_texts}
        by_the_dead = {line["reference"]: line["event"] for line in log if line["pid"] == first.pid}
        assert any(by_the_dead.get(reference) == "attempt" for reference in held), "killed mid-send"
        assert all(by_the_dead.get(reference) != "accepted" for reference in held)
        for message in messages:
            assert message.attempts == (2 if message.pk in held_texts else 1), message

        # Webhooks: every event arrived. One the receiver already had when the worker died arrived
        # twice, identical; one the dead worker held but had not sent yet, once; all others once.
        arrivals = Counter(receiver.event_ids())
        held_events = {d.event_id for d in deliveries if d.pk in held_hooks}
        cut_off = arrived_before_the_kill & held_events  # the receiver had it; the worker never heard back
        assert cut_off, "killed while the receiver had a webhook"
        for delivery in deliveries:
            if delivery.event_id in cut_off:
                assert arrivals[delivery.event_id] == 2, delivery
            elif delivery.event_id in held_events:  # it may have reached the receiver as the worker died
                assert arrivals[delivery.event_id] in (1, 2), delivery
            else:
                assert arrivals[delivery.event_id] == 1, delivery
            bodies = {request.body for request in receiver.requests if delivery.event_id.encode() in request.body}
            assert len(bodies) == 1, "a re-delivered event is the same event, byte for byte"
