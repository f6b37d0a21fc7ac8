"""The timeout sweep over many pending requests (a part of `make bench`, bench/run.py).

`pending` pending help requests, `expired` of them past their deadline, are bulk-inserted as
if they had piled up (the help-request tables are emptied first). The baseline: a bare UPDATE
of the same expired rows to unresolved, rolled back, i.e. what the state change alone costs in
this database. Then one `expire_help_requests()` run, timed, and checked: every expired request
unresolved, with its audit event and its caller's text, and no other request changed. Its
texts and console events go to Redis for a worker that is not running. Target: <= 2 s for 10k
expired among 100k pending. The same for one escalation-ladder step: 10k reminders due among
100k pending (helprequests/escalation.py), beside a bare UPDATE of their ladder columns.
"""

from __future__ import annotations

import time
from datetime import timedelta

from bench.support import Database, Row

TARGET_SECONDS = 2.0


def pile_up(pending: int, expired: int, ladder_due: int = 0) -> None:
    """`pending` requests, the first `expired` past their deadline and the first `ladder_due` with
    a ladder step due (the reminder; the escalation an hour later)."""
    from django.utils import timezone

    from helprequests.models import HelpRequest, Supervisor

    owner = Supervisor.objects.filter(is_owner=True).first()
    now = timezone.now()
    rows = (
        HelpRequest(
            question=f"Question {n} nobody has answered yet?",
            caller_phone=f"+1415{n % 10_000_000:07d}",
            assigned_supervisor=owner,
            expires_at=now - timedelta(minutes=1) if n < expired else now + timedelta(hours=1),
            ladder_next_at=now - timedelta(minutes=1) if n < ladder_due else None,
            ladder_last_at=now + timedelta(hours=1) if n < ladder_due else None,
        )
        for n in range(pending)
    )
    HelpRequest.objects.bulk_create(rows, batch_size=5000)


def bare_update_seconds() -> float:
    """The expired rows set to unresolved by one UPDATE, and rolled back."""
    from django.db import transaction
    from django.utils import timezone

    from helprequests.models import HelpRequest

    started = time.perf_counter()
    with transaction.atomic():
        HelpRequest.objects.filter(status=HelpRequest.Status.PENDING, expires_at__lte=timezone.now()).update(
            status=HelpRequest.Status.UNRESOLVED
        )
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds


def measure(database: Database, pending: int, expired: int) -> Row:
    from helprequests.models import HelpRequest
    from helprequests.services import expire_help_requests
    from outbound.models import Message

    Message.objects.all().delete()
    HelpRequest.objects.all().delete()
    pile_up(1, 1)
    expire_help_requests()  # a warm-up: the sweep runs in a worker that has its libraries loaded
    Message.objects.all().delete()
    HelpRequest.objects.all().delete()
    pile_up(pending, expired)
    database.settle()
    baseline = bare_update_seconds()
    started = time.perf_counter()
    count = expire_help_requests()
    seconds = time.perf_counter() - started
    unresolved = HelpRequest.objects.filter(status=HelpRequest.Status.UNRESOLVED).count()
    texts = Message.objects.filter(kind=Message.Kind.CALLER_TIMEOUT).count()
    still_pending = HelpRequest.objects.filter(status=HelpRequest.Status.PENDING).count()
    consistent = count == unresolved == texts == expired and still_pending == pending - expired
    return Row(
        f"sweep, {expired // 1000}k expired of {pending // 1000}k pending" + ("" if consistent else " (INCONSISTENT)"),
        f"{seconds:.2f} s",
        f"bare UPDATE of those rows {baseline:.2f} s",
        f"{seconds / baseline:.1f}x",
        f"<= {TARGET_SECONDS:g} s",
        consistent and seconds <= TARGET_SECONDS,
    )


def bare_ladder_update_seconds() -> float:
    """The due rows moved one ladder step by one UPDATE, and rolled back."""
    from django.db import transaction
    from django.db.models import F
    from django.utils import timezone

    from helprequests.models import HelpRequest

    started = time.perf_counter()
    with transaction.atomic():
        HelpRequest.objects.filter(status=HelpRequest.Status.PENDING, ladder_next_at__lte=timezone.now()).update(
            ladder_step=F("ladder_step") + 1, ladder_next_at=F("ladder_last_at"), ladder_last_at=None
        )
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds


def measure_ladder(database: Database, pending: int, due: int) -> Row:
    """One ladder run with `due` reminders due among `pending` requests: each reminded once, with
    its audit event and its supervisor's text, and no other request touched."""
    from helprequests.escalation import climb_ladder
    from helprequests.models import HelpRequest, HelpRequestEvent
    from outbound.models import Message

    Message.objects.all().delete()
    HelpRequest.objects.all().delete()
    pile_up(1, 0, ladder_due=1)
    climb_ladder()  # a warm-up, as for the sweep
    Message.objects.all().delete()
    HelpRequest.objects.all().delete()
    pile_up(pending, 0, ladder_due=due)
    database.settle()
    baseline = bare_ladder_update_seconds()
    started = time.perf_counter()
    count = climb_ladder()
    seconds = time.perf_counter() - started
    stepped = HelpRequest.objects.filter(ladder_step=1).count()
    events = HelpRequestEvent.objects.filter(actor="system:ladder").count()
    texts = Message.objects.filter(kind=Message.Kind.SUPERVISOR_REMINDER).count()
    consistent = count == stepped == events == texts == due
    name = f"ladder step, {due // 1000}k reminders among {pending // 1000}k pending"
    return Row(
        name + ("" if consistent else " (INCONSISTENT)"),
        f"{seconds:.2f} s",
        f"bare UPDATE of those rows {baseline:.2f} s",
        f"{seconds / baseline:.1f}x",
        f"<= {TARGET_SECONDS:g} s",
        consistent and seconds <= TARGET_SECONDS,
    )
