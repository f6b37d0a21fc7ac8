"""Celery tasks of transfers: thin and idempotent (each step is a compare-and-swap).

Each task imports its service inside its body, and the services import the tasks to enqueue
them on commit (calls/transfers.py): the dependency runs one way, services → tasks, as in the
HackSoft Django Styleguide.
"""

from celery import shared_task


@shared_task
def dial_transfer(transfer_id: int, participant_identity: str = "") -> None:
    """Ring the person (warm) or hand the SIP caller over (cold); waits while it rings."""
    from calls.transfers import dial

    dial(transfer_id, participant_identity)


@shared_task
def expire_transfers() -> int:
    """Ringing nobody answered → no_answer; a briefing nobody decided → timed_out."""
    from calls.transfers import expire_transfers

    return expire_transfers()
