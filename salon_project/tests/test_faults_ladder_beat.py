"""The escalation ladder run by real beat schedulers, racing supervisors' answers (PostgreSQL,
a Redis of the test's own, two real Celery workers each with beat inside, every second).

Every request's two ladder steps are due when the workers start. While both beats climb the
ladder, supervisors answer every request in a random order. Guaranteed, for every request: it
ends resolved by exactly one answer; its ladder is at most one reminder and then at most one
escalation, in that order, each recorded before the answer (a late step never follows an
answer); each step wrote its texts once, and the SMS provider received each text at most once,
from either worker.
"""

import random
import shutil
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from conftest import subprocess_database_url
from helprequests import services
from helprequests.models import HelpRequest, HelpRequestEvent, Supervisor
from helprequests.tests.support_salon import add_owner
from outbound.models import Message
from salon_project.tests import support_faults
from salon_project.tests.support_faults import OwnRedis, needs, read_jsonl, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(150)]

REQUESTS = 24
LADDER_TEXTS = Message.objects.filter(kind__in=["supervisor_reminder", "supervisor_escalation"])


@pytest.fixture(autouse=True)
def servers_here():
    needs(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL): SQLite has no concurrent writers")
    needs(shutil.which("redis-server") is not None, "redis-server")


def ask(question: str, phone: str) -> int:
    return services.create_help_request(question=question, caller_phone=phone).help_request.pk


def test_two_beats_climb_the_ladder_once_per_step_and_answers_win(tmp_path):
    add_owner()
    Supervisor.objects.create(name="Jordan Alvarez", phone="+14155550102", expertise=["color", "products"])
    Supervisor.objects.create(name="Lee Park", phone="+14155550109", expertise=["color"])
    ids = [ask(f"Can I buy color product number {n}?", f"+1415555{2000 + n}") for n in range(REQUESTS)]
    due = timezone.now() - timedelta(seconds=1)
    assert not HelpRequest.objects.filter(duplicate_of__isnull=False).exists()  # one primary each
    HelpRequest.objects.filter(pk__in=ids).update(ladder_next_at=due, ladder_last_at=due)

    redis = OwnRedis(tmp_path / "redis.log").start()
    sms_log = tmp_path / "sms.jsonl"
    env = {
        "DATABASE_URL": subprocess_database_url(),
        "REDIS_URL": redis.url,
        "SMS_BACKEND": support_faults.SLOW_SMS_BACKEND,
        support_faults.SMS_LOG_ENV: str(sms_log),
        "SWEEP_EVERY_SECONDS": "1",
    }
    workers = [
        support_faults.start_worker(tmp_path / f"worker{n}.log", env, beat=tmp_path / f"beat{n}") for n in range(2)
    ]
    try:

        def first_steps() -> bool:
            try:
                return HelpRequestEvent.objects.filter(actor="system:ladder").exists()
            finally:
                connection.close()

        wait_for(first_steps, 60, "the first ladder step by beat")
        for pk in random.Random(18).sample(ids, len(ids)):  # answers arrive while the beats climb
            services.resolve_help_request(pk, answer=f"Yes, product {pk}.", learn=False)

        def all_texts_out() -> bool:
            try:
                return not LADDER_TEXTS.filter(status=Message.Status.QUEUED).exists()
            finally:
                connection.close()

        wait_for(all_texts_out, 60, "every ladder text delivered or skipped")
    finally:
        for worker in workers:
            support_faults.stop(worker)
        redis.stop()
    logs = "\n".join((tmp_path / f"worker{n}.log").read_text(errors="replace") for n in range(2))
    assert "Traceback" not in logs, logs[-4000:]

    steps_seen = Counter()
    for help_request in HelpRequest.objects.filter(pk__in=ids):
        assert help_request.status == "resolved"
        events = list(HelpRequestEvent.objects.filter(help_request=help_request).order_by("pk"))
        answered = [event.pk for event in events if event.to_status == "resolved"]
        assert len(answered) == 1, events
        ladder = [event for event in events if event.actor == "system:ladder"]
        notes = [event.note for event in ladder]
        assigned = help_request.assigned_supervisor.name
        other = ({"Jordan Alvarez", "Lee Park"} - {assigned}).pop()  # the next colourist by the routing rule
        reminded, escalated = f"reminded {assigned}", f"escalated to {other}, Maya Chen (owner)"
        assert notes in ([], [reminded], [reminded, escalated]), notes
        assert all(event.pk < answered[0] for event in ladder), "a ladder step recorded after the answer"
        steps_seen[len(ladder)] += 1
        texts = Counter(Message.objects.filter(help_request_id=help_request.pk).values_list("kind", flat=True))
        assert texts["supervisor_reminder"] == (1 if ladder else 0)
        assert texts["supervisor_escalation"] == (2 if len(ladder) == 2 else 0)
    assert steps_seen[1] + steps_seen[2] >= 1

    accepted = Counter(line["reference"] for line in read_jsonl(sms_log) if line["event"] == "accepted")
    assert accepted and max(accepted.values()) == 1, "a text reached the provider twice"
    for message in LADDER_TEXTS.all():
        assert message.status in ("sent", "skipped")
        assert (f"msg-{message.pk}" in accepted) == (message.status == "sent")
