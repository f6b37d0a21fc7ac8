"""Celery tasks of transfers: thin and idempotent (each step is a compare-and-swap)."""

from celery import shared_task

from calls import transfers


@shared_task
def dial_transfer(transfer_id: int, participant_identity: str = "") -> None:
    """Ring the person (warm) or hand the SIP caller over (cold); waits while it rings."""
    transfers.dial(transfer_id, participant_identity)


@shared_task
def expire_transfers() -> int:
    """Ringing nobody answered → no_answer; a briefing nobody decided → timed_out."""
    return transfers.expire_transfers()
