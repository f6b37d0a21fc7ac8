"""Days said relative to now ("tomorrow", "tonight", "the day after tomorrow") as the weekday
they are in the salon's timezone, so "are you open tomorrow?" is answered like "are you open on
Saturday?". The salon's facts are per weekday; a date says nothing more to them.

Only whole days are resolved. "Right now", "this week" and "next week" stay what the lexicon
makes of them (unknowable from static facts), and so does any question about availability: the
weekday only changes which opening hours a question is about.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import timezone as django_timezone

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

# Each form, how many days from today it is, and what is said after the weekday.
_FORMS: tuple[tuple[str, int, str], ...] = (
    (r"the day after tomorrow|day after tomorrow|day after tmrw", 2, ""),
    (r"tomorrow night|tomorrow evening|tmrw night", 1, " evening"),
    (r"tomorrow morning|tmrw morning", 1, " morning"),
    (r"tomorrow afternoon", 1, " afternoon"),
    (r"tomorrow|tomorow|tommorow|tommorrow|tmrw|tmr|2morrow|2moro", 1, ""),
    (r"tonight|tonite|this evening", 0, " evening"),
    (r"this morning", 0, " morning"),
    (r"this afternoon", 0, " afternoon"),
    (r"today|todays|2day", 0, ""),
)
_PATTERN = re.compile(r"\b(" + "|".join(f"(?:{form})" for form, _, _ in _FORMS) + r")\b", re.IGNORECASE)
_COMPILED = [(re.compile(rf"^(?:{form})$", re.IGNORECASE), offset, after) for form, offset, after in _FORMS]


# The caller saying which day it is ("it's Sunday today, are you open tomorrow?"): their today.
_TODAY_SAID = re.compile(
    r"\b(?:it'?s|it\u2019s|it is|today is|today's|todays)\s+(" + "|".join(WEEKDAYS) + r")(?:\s+today)?\b[,.;:!]?",
    re.IGNORECASE,
)


def today_in(tz_name: str, now: datetime | None = None) -> date:
    """The date in the salon's timezone at `now` (aware; default: the current time). An unknown
    timezone name counts as UTC."""
    try:
        zone = ZoneInfo(tz_name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    moment = now or django_timezone.now()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(zone).date()


def resolve(text: str, tz_name: str, now: datetime | None = None) -> str:
    """`text` with each relative day replaced by its weekday: on a Friday in the salon's
    timezone, "open tomorrow?" -> "open saturday?", "tonight" -> "friday evening". When the
    caller says which day it is ("it's Sunday today, ..."), that is today, and the saying goes:
    it only anchored the relative day."""
    said = _TODAY_SAID.search(text)
    if said and _PATTERN.search(rest := text[: said.start()] + text[said.end() :]):
        text, today = rest, WEEKDAYS.index(said.group(1).lower())
    elif _PATTERN.search(text):
        today = today_in(tz_name, now).weekday()
    else:
        return text

    def weekday(match: re.Match) -> str:
        said = match.group(1)
        for pattern, offset, after in _COMPILED:
            if pattern.match(said):
                return WEEKDAYS[(today + offset) % 7] + after
        return said

    return _PATTERN.sub(weekday, text)
