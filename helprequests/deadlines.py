"""When a help request is due, and when each step of its escalation ladder comes, in the salon's
working time (knowledge/opening_hours.py): a question asked at 11 pm is due half an hour after
the salon opens, not at 11:30 pm. Everything is counted from the moment the question was asked,
so the deadline and the steps are fixed at creation and the sweeps only compare timestamps.

A salon with no hours configured counts elapsed time: `HELP_REQUEST_TIMEOUT_SECONDS` for the
deadline, the ladder's minutes as plain minutes.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings

from knowledge.opening_hours import Calendar, add_working_time

# The ladder's steps, as `HelpRequest.ladder_step` counts them after each has run.
REMIND = 1  # the assigned supervisor is reminded (urgent: everyone available is told)
ESCALATE = 2  # the next supervisor by the routing rule, and the owner, are told


@dataclass(frozen=True)
class Schedule:
    """A new request's deadline and ladder: `ladder_step` is where it starts (REMIND when the
    reminder is off, so the first step that runs is the escalation), `ladder_next_at` when the
    next step runs and `ladder_last_at` when the one after it does (None: no such step)."""

    expires_at: datetime
    ladder_step: int
    ladder_next_at: datetime | None
    ladder_last_at: datetime | None


def deadline(asked_at: datetime, calendar: Calendar | None) -> datetime:
    if calendar is None:
        return asked_at + timedelta(seconds=settings.HELP_REQUEST_TIMEOUT_SECONDS)
    return add_working_time(asked_at, timedelta(minutes=settings.HELP_REQUEST_TIMEOUT_WORKING_MINUTES), calendar)


def _after(asked_at: datetime, minutes: int, calendar: Calendar | None) -> datetime | None:
    return add_working_time(asked_at, timedelta(minutes=minutes), calendar) if minutes else None


def schedule(asked_at: datetime, urgent: bool, calendar: Calendar | None) -> Schedule:
    """The deadline and the ladder of a request asked at `asked_at`."""
    expires_at = deadline(asked_at, calendar)
    if urgent:
        everyone = _after(asked_at, settings.LADDER_URGENT_EVERYONE_AFTER_WORKING_MINUTES, calendar)
        return Schedule(expires_at, 0, everyone, None)
    remind = _after(asked_at, settings.LADDER_REMIND_AFTER_WORKING_MINUTES, calendar)
    escalate = _after(asked_at, settings.LADDER_ESCALATE_AFTER_WORKING_MINUTES, calendar)
    if remind is None:
        return Schedule(expires_at, REMIND, escalate, None)
    return Schedule(expires_at, 0, remind, escalate)
