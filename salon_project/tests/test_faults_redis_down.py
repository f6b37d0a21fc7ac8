"""Redis (the Celery broker and the channel layer) goes away while help requests are created and
answered, and comes back empty.

Guaranteed: the API keeps answering (201 for a new request, 200 for an answer) within seconds;
every text and webhook the calls cause is stored in the outbox with the request, even though no
job could be queued; and once Redis is back, the relay hands them to the worker: each text is
sent and each webhook delivered exactly once.

The Redis here is the test's own `redis-server` on a free port, without persistence, killed and
restarted on the same port; the system Redis is never touched. A real daphne serves the API and
a real Celery worker delivers, both pointed at that Redis.
"""

import json
import shutil
import time
from collections import Counter

import httpx
import pytest
from celery import Celery

from conftest import serving_daphne, subprocess_database_url
from helprequests.models import HelpRequest
from helprequests.tests.support_receiver import WebhookReceiver
from helprequests.tests.support_salon import CALLER, add_owner
from helprequests.tests.support_sms import SENT_TEXTS_FILE_ENV, read_sent_texts_file
from outbound.models import Message, WebhookDelivery, WebhookEndpoint
from salon_project.tests.support_faults import OwnRedis, needs, start_worker, stop, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(120)]

QUESTIONS = ["Do you sell gift vouchers?", "Is there parking close by?", "Can I bring my dog?"]
ANSWER_WITHIN_SECONDS = 10  # what "keeps answering" means here: a slow broker must not hang a caller


@pytest.fixture
def own_redis(tmp_path):
    needs(bool(shutil.which("redis-server")), "redis-server on PATH, to start a Redis of the test's own")
    redis = OwnRedis(tmp_path / "redis.log").start()
    yield redis
    redis.stop()


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def test_with_redis_down_the_api_answers_nothing_is_lost_and_it_all_goes_out_once_redis_is_back(
    own_redis, api_token, tmp_path
):
    add_owner()
    sent_texts_file = tmp_path / "sms.jsonl"
    with WebhookReceiver() as receiver:
        WebhookEndpoint.objects.create(url=receiver.url, events=[])
        worker = start_worker(
            tmp_path / "worker.log",
            {
                "DATABASE_URL": subprocess_database_url(),
                "REDIS_URL": own_redis.url,
                "SMS_BACKEND": "helprequests.tests.support_sms.FileBackend",
                SENT_TEXTS_FILE_ENV: str(sent_texts_file),
                "WEBHOOKS_ALLOW_PRIVATE": "true",
                "RELAY_AFTER_SECONDS": "1",
            },
        )
        try:
            with serving_daphne(
                tmp_path / "daphne.log", REDIS_URL=own_redis.url, CELERY_TASK_ALWAYS_EAGER="false"
            ) as base:
                client = httpx.Client(
                    base_url=f"http://{base}/api/v1",
                    headers={"Authorization": f"Bearer {api_token}"},
                    timeout=ANSWER_WITHIN_SECONDS * 3,
                )
                own_redis.stop()

                health = client.get("/health")
                assert health.status_code == 200 and health.json()["broker"] == "down", health.text
                created = []
                for question in QUESTIONS:
                    response, took = timed(
                        lambda q=question: client.post("/help-requests", json={"question": q, "caller_phone": CALLER})
                    )
                    assert response.status_code == 201, response.text
                    assert took < ANSWER_WITHIN_SECONDS, f"creating took {took:.1f}s with Redis down"
                    created.append(response.json()["id"])
                response, took = timed(
                    lambda: client.post(f"/help-requests/{created[0]}/resolve", json={"answer": "Yes, at the desk."})
                )
                assert response.status_code == 200 and response.json()["status"] == "resolved", response.text
                assert took < ANSWER_WITHIN_SECONDS, f"answering took {took:.1f}s with Redis down"

            # Nothing lost: every text and event is in the outbox, waiting.
            texts = Message.objects.all()
            assert Counter(texts.values_list("kind", flat=True)) == {"supervisor_alert": 3, "caller_followup": 1}
            hooks = WebhookDelivery.objects.all()
            assert Counter(hooks.values_list("type", flat=True)) == {
                "help_request.created": 3,
                "help_request.resolved": 1,
            }
            assert set(texts.values_list("status", flat=True)) == {"queued"}
            assert set(hooks.values_list("status", flat=True)) == {"pending"}
            assert HelpRequest.objects.get(pk=created[0]).status == "resolved"

            # Redis comes back, empty; the relay (beat's job, every minute) hands everything over.
            own_redis.start()
            beat = Celery("faults-beat", broker=own_redis.url, set_as_current=False)  # not the app tasks use

            def all_out() -> bool:
                beat.send_task("outbound.tasks.relay_undelivered")
                return (
                    not Message.objects.exclude(status="sent").exists()
                    and not WebhookDelivery.objects.exclude(status="delivered").exists()
                )

            try:
                wait_for(all_out, 60, "the relay to send everything once Redis is back", interval=2)
            finally:
                beat.close()
        finally:
            stop(worker)  # a warm shutdown: after it, nothing more can be sent

        sent = Counter(line["reference"] for line in read_sent_texts_file(sent_texts_file))
        assert sent == Counter({f"msg-{pk}": 1 for pk in Message.objects.values_list("pk", flat=True)})
        arrived = Counter(json.loads(request.body)["id"] for request in receiver.requests)
        assert arrived == Counter(
            {event_id: 1 for event_id in WebhookDelivery.objects.values_list("event_id", flat=True)}
        )
