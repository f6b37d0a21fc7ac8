"""The timeout sweep racing supervisors' answers on many requests at once (PostgreSQL, real threads).

Every request is past its deadline while two sweeps (as if two beat schedulers ran) and six
supervisors answering every request run together: half of the supervisors from the newest
request, half in random orders, and the sweeps, from the oldest, as soon as the first answers are
in, so that some requests are answered in time and the sweep meets the answers on the others.

Guaranteed, for every request: exactly one answer is recorded (the other five get Conflict and
send nothing); it ends resolved, its audit trail is one of the two legal stories (pending →
resolved, or pending → unresolved → resolved: a late answer is accepted); and the caller gets
exactly what that story says: the answer, or "sorry, timed out" and then the answer, in that
order, each once.
"""

import random
import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from core.errors import Conflict
from helprequests import services
from helprequests.models import HelpRequest, HelpRequestEvent
from helprequests.tests.support_salon import add_owner
from outbound.models import Message
from salon_project.tests.support_faults import needs, wait_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(90),
]


@pytest.fixture(autouse=True)
def postgresql():
    needs(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL): SQLite has no concurrent writers")


TOPICS = [
    "gift vouchers", "parking", "dogs", "nails", "Sunday hours", "children's cuts", "wifi", "coffee",
    "wheelchair access", "card payments", "student discounts", "eyebrow threading", "beard trims",
    "hair extensions", "keratin treatments", "bridal packages", "perms", "scalp massages", "home visits",
    "loyalty cards", "group bookings", "product refills", "vegan dye", "late appointments",
]  # fmt: skip
SUPERVISORS = 6
SWEEPS = 2

ON_TIME = [("", "pending"), ("pending", "resolved")]
LATE = [("", "pending"), ("pending", "unresolved"), ("unresolved", "resolved")]


def run_together(workers: list) -> list:
    """Run each callable in its own thread, all released at once; return their results."""
    barrier = threading.Barrier(len(workers))
    results: list = [None] * len(workers)
    errors: list = []

    def runner(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = workers[index]()
        except BaseException as exc:  # reported below, not lost in a thread
            errors.append(exc)
        finally:
            connections.close_all()  # back to the pool

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(len(workers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def test_a_sweep_racing_answers_leaves_every_request_in_one_state_and_its_caller_told_once():
    add_owner()
    ids = [
        services.create_help_request(
            question=f"What about {topic}?", caller_phone=f"+1415555{1000 + i:04d}"
        ).help_request.pk
        for i, topic in enumerate(TOPICS)
    ]
    assert not HelpRequest.objects.filter(duplicate_of__isnull=False).exists()  # no coalescing: one caller each
    # Oldest deadline first, so the sweep walks the requests in creation order.
    for age, pk in enumerate(reversed(ids), start=1):
        HelpRequest.objects.filter(pk=pk).update(expires_at=timezone.now() - timedelta(seconds=age))

    def supervisor(number: int):
        def answer_all() -> list[int]:
            # Half start from the newest request, meeting the sweep on its way; half at random.
            order = ids[::-1]
            if number % 2:
                random.Random(number).shuffle(order)
            won = []
            for pk in order:
                try:
                    services.resolve_help_request(pk, answer=f"Answer {number} to #{pk}.", learn=False)
                    won.append(pk)
                except Conflict:
                    pass
                finally:
                    connection.close()  # back to the pool after each answer, as a web request does
            return won

        return answer_all

    def answers_flowing() -> bool:
        try:
            return HelpRequest.objects.filter(status="resolved").count() >= 3
        finally:
            connection.close()  # no pool connection held while waiting

    def sweep() -> int:
        # The sweep starts once the answers are flowing, so it meets them in the middle.
        wait_for(answers_flowing, 30, "the first answers")
        return services.expire_help_requests()

    results = run_together([supervisor(n) for n in range(SUPERVISORS)] + [sweep] * SWEEPS)
    wins, timed_out_by_sweeps = results[:SUPERVISORS], results[SUPERVISORS:]

    assert Counter(pk for won in wins for pk in won) == Counter(ids), "exactly one answer wins per request"
    late = 0
    for help_request in HelpRequest.objects.filter(pk__in=ids):
        winner = next(number for number, won in enumerate(wins) if help_request.pk in won)
        assert help_request.status == "resolved"
        assert help_request.answer == f"Answer {winner} to #{help_request.pk}."
        story = list(
            HelpRequestEvent.objects.filter(help_request=help_request)
            .order_by("at", "pk")
            .values_list("from_status", "to_status")
        )
        texts = list(
            Message.objects.filter(help_request_id=help_request.pk, to=help_request.caller_phone).order_by("pk")
        )
        if story == LATE:
            late += 1
            assert [t.kind for t in texts] == ["caller_timeout", "caller_followup"], (help_request, texts)
        else:
            assert story == ON_TIME, (help_request, story)
            assert [t.kind for t in texts] == ["caller_followup"], (help_request, texts)
        assert texts[-1].body.count(help_request.answer.rstrip(".")) == 1
    assert sum(timed_out_by_sweeps) == late, "each timeout was swapped by exactly one sweep"
    assert 0 < late < len(ids), "the sweep and the answers should have met: some requests each way"
