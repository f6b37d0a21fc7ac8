"""Texts: stored as a Message in the same transaction as the change that causes them, handed to
the SMS backend after commit, sent exactly once however often delivery is attempted, retried
with backoff when the provider fails, and given up (failed) after SMS_MAX_ATTEMPTS."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from helprequests.tests.support_salon import CALLER, OWNER_PHONE, add_owner, create_help_request_via_api
from helprequests.tests.support_sms import ScriptedBackend
from outbound import delivery, tasks
from outbound.models import Message
from outbound.outbox import queue_text
from outbound.sms import _backend

SCRIPTED = "helprequests.tests.support_sms.ScriptedBackend"


@pytest.fixture
def owner(db):
    return add_owner()


@pytest.fixture
def provider(settings):
    """The SMS provider as a test double: tell it to fail or to be slow."""
    settings.SMS_BACKEND = SCRIPTED
    _backend.cache_clear()
    ScriptedBackend.reset()
    yield ScriptedBackend
    ScriptedBackend.reset()
    _backend.cache_clear()


@pytest.fixture
def postgres(db):
    if connection.vendor != "postgresql":
        pytest.skip("real concurrency needs PostgreSQL (SQLite serialises writers)")


def a_text(**fields) -> Message:
    return Message.objects.create(
        **{"to": "+14155550188", "body": "Your appointment is confirmed.", "kind": "caller_followup", **fields}
    )


def make_due(message: Message) -> None:
    """Let time pass until the retry is due (the row's lease runs out)."""
    Message.objects.filter(pk=message.pk).update(claimed_until=timezone.now() - timedelta(seconds=1))


# --- Stored first, sent after commit ----------------------------------------------------------


@pytest.mark.django_db
def test_the_text_is_stored_queued_when_the_api_returns_and_sent_after_commit(
    api, owner, sent_texts, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as after_commit:
        help_request = create_help_request_via_api(api, "Do you sell gift vouchers?", caller_name="Ana Diaz")

    # The API call has returned: the text exists, waiting, and nothing has left the building.
    alert = Message.objects.get(help_request_id=help_request["id"])
    assert alert.kind == "supervisor_alert" and alert.to == OWNER_PHONE
    assert alert.status == "queued" and alert.attempts == 0 and alert.sent_at is None
    assert "Do you sell gift vouchers?" in alert.body and CALLER in alert.body
    assert sent_texts == []
    listed = api.get(f"/api/v1/messages?help_request_id={help_request['id']}").data
    assert [(m["id"], m["status"]) for m in listed["items"]] == [(alert.pk, "queued")]

    # The transaction commits: the worker (eager in tests) hands it to the SMS backend.
    for callback in after_commit:
        callback()

    assert [(t.to, t.body, t.reference) for t in sent_texts] == [(OWNER_PHONE, alert.body, f"msg-{alert.pk}")]
    alert.refresh_from_db()
    assert alert.status == "sent" and alert.attempts == 1
    assert alert.sent_at is not None and timezone.now() - alert.sent_at < timedelta(minutes=1)
    assert alert.provider_id == f"memory-msg-{alert.pk}"
    assert alert.claimed_until is None and alert.last_error == ""
    shown = api.get(f"/api/v1/messages?help_request_id={help_request['id']}").data["items"][0]
    assert shown["status"] == "sent" and shown["sent_at"] is not None


@pytest.mark.django_db
def test_nothing_is_sent_when_the_transaction_rolls_back(owner, sent_texts, django_capture_on_commit_callbacks):
    class Abort(Exception):
        pass

    with django_capture_on_commit_callbacks(execute=True) as after_commit:
        with pytest.raises(Abort), transaction.atomic():
            queue_text("+14155550188", "Never mind.", kind="caller_followup")
            raise Abort

    assert after_commit == [] and sent_texts == []
    assert not Message.objects.exists()


# --- Exactly once -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_delivering_the_same_text_twice_sends_it_once(sent_texts):
    message = a_text()

    assert delivery.deliver_message(message.pk) is None
    assert delivery.deliver_message(message.pk) is None
    make_due(message)  # even with no lease left, a sent text stays sent
    tasks.deliver_message(message.pk)

    assert [t.reference for t in sent_texts] == [f"msg-{message.pk}"]
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 1


@pytest.mark.django_db
def test_a_text_another_worker_is_sending_is_left_alone(sent_texts):
    message = a_text()
    Message.objects.filter(pk=message.pk).update(claimed_until=timezone.now() + timedelta(seconds=30), attempts=1)

    assert delivery.deliver_message(message.pk) is None

    assert sent_texts == []
    message.refresh_from_db()
    assert message.status == "queued" and message.attempts == 1


@pytest.mark.django_db
def test_delivering_a_message_that_does_not_exist_does_nothing(sent_texts):
    assert delivery.deliver_message(987654) is None
    assert sent_texts == []


@pytest.mark.django_db(transaction=True)
def test_two_workers_delivering_at_once_send_it_once(postgres, provider):
    provider.reset(delay_seconds=0.3)  # a slow provider: the second worker arrives mid-send
    message = a_text()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker() -> None:
        try:
            barrier.wait()
            results.append(delivery.deliver_message(message.pk))
        except Exception as exc:  # surfaced below; a thread's exception would otherwise vanish
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == [] and results == [None, None]
    assert [t.reference for t in provider.calls] == [f"msg-{message.pk}"]
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 1


# --- Provider failures ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_failing_provider_is_retried_with_backoff_and_the_text_then_sent(
    api, owner, provider, django_capture_on_commit_callbacks
):
    provider.reset(fail_times=2)

    with django_capture_on_commit_callbacks(execute=True):
        help_request = create_help_request_via_api(api)

    # First attempt (after commit) failed: still queued, the error kept, the retry not yet due.
    message = Message.objects.get(help_request_id=help_request["id"])
    assert message.status == "queued" and message.attempts == 1
    assert "simulated outage" in message.last_error
    assert message.claimed_until > timezone.now()
    assert len(provider.calls) == 1 and provider.sent == []

    # Early hand-overs (a duplicate task, the relay) do not jump the backoff.
    assert delivery.deliver_message(message.pk) is None
    assert len(provider.calls) == 1

    make_due(message)
    assert delivery.deliver_message(message.pk) == delivery.backoff_seconds(2)  # failed again, waits longer
    make_due(message)
    assert delivery.deliver_message(message.pk) is None  # sent

    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 3 and message.sent_at is not None
    assert message.provider_id == f"scripted-msg-{message.pk}"
    assert len(provider.calls) == 3
    assert [t.to for t in provider.sent] == [OWNER_PHONE]


@pytest.mark.django_db
def test_the_task_schedules_its_retry_after_the_backoff(provider, monkeypatch):
    provider.reset(fail_times=1)
    message = a_text()
    scheduled = []
    monkeypatch.setattr(
        tasks.deliver_message, "apply_async", lambda args, countdown: scheduled.append((args, countdown))
    )

    tasks.deliver_message(message.pk)

    assert scheduled == [((message.pk,), delivery.backoff_seconds(1))]
    message.refresh_from_db()
    lease_left = (message.claimed_until - timezone.now()).total_seconds()
    assert 0 < lease_left <= delivery.backoff_seconds(1)


@pytest.mark.django_db
def test_after_sms_max_attempts_the_text_is_failed_with_the_last_error(api, provider, settings):
    settings.SMS_MAX_ATTEMPTS = 3
    provider.reset(fail_times=100)
    message = a_text()

    outcomes = [delivery.deliver_message(message.pk)]
    for _ in range(2):
        make_due(message)
        outcomes.append(delivery.deliver_message(message.pk))

    assert outcomes == [delivery.backoff_seconds(1), delivery.backoff_seconds(2), None]
    message.refresh_from_db()
    assert message.status == "failed" and message.attempts == 3
    assert message.last_error == "Provider unavailable (simulated outage)."
    assert message.sent_at is None and message.claimed_until is None
    assert len(provider.calls) == 3 and provider.sent == []

    # Failed is final.
    provider.reset()
    make_due(message)
    assert delivery.deliver_message(message.pk) is None
    assert provider.calls == []
    assert api.get(f"/api/v1/messages?to={message.to.replace('+', '%2B')}").data["items"][0]["status"] == "failed"


def test_backoff_doubles_from_the_configured_base(settings):
    settings.RETRY_BACKOFF_SECONDS = 3
    assert [delivery.backoff_seconds(n) for n in (1, 2, 3, 4)] == [3, 6, 12, 24]


@pytest.mark.django_db
def test_an_unexpected_backend_error_counts_as_a_failed_attempt(provider, settings):
    settings.SMS_MAX_ATTEMPTS = 1
    provider.reset(fail_times=1, failure=ValueError("Expecting value: line 1 column 1 (char 0)"))
    message = a_text()

    delivery.deliver_message(message.pk)

    message.refresh_from_db()
    assert message.status == "failed" and message.attempts == 1
    assert "Expecting value" in message.last_error
