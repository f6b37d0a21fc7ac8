"""Days said relative to now ("tomorrow", "tonight", "the day after tomorrow") as the weekday
they are in the salon's timezone, so "are you open tomorrow?" is answered like "are you open on
Saturday?". The salon's facts are per weekday; a date says nothing more to them.

A date said with its month ("the first of January", "Dec 25th", "March 3") is the holiday it is
(its next coming, in the salon's timezone: "new years day", "thanksgiving day"), since a holiday
is what the salon's hours may differ on; any other date is its weekday.

Only whole days are resolved. "Right now", "this week" and "next week" stay what the lexicon
makes of them (unknowable from static facts), and so does any question about availability: the
weekday only changes which opening hours a question is about.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
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


# --- dates said with their month -----------------------------------------------------------------

_MONTHS = {
    **{
        name: n
        for n, name in enumerate(
            ("january february march april may june july august september october november december").split(), start=1
        )
    },
    **{
        "jan": 1,
        "feb": 2,
        "mar": 3,
        "apr": 4,
        "jun": 6,
        "jul": 7,
        "aug": 8,
        "sep": 9,
        "sept": 9,
        "oct": 10,
        "nov": 11,
        "dec": 12,
    },
}
_UNITS = "first second third fourth fifth sixth seventh eighth ninth".split()
_TEENS = "tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth"
_ORDINALS = {
    **{word: n for n, word in enumerate(_UNITS, start=1)},
    **{word: n for n, word in enumerate(_TEENS.split(), start=10)},
    "twentieth": 20,
    "thirtieth": 30,
    **{f"twenty{joint}{word}": 20 + n for n, word in enumerate(_UNITS, start=1) for joint in ("-", " ")},
    **{f"thirty{joint}first": 31 for joint in ("-", " ")},
}
_ORDINAL = "|".join(sorted(map(re.escape, _ORDINALS), key=len, reverse=True))
_NUMBERED = r"\d{1,2}(?:st|nd|rd|th)?"
# "May" is a month only where it cannot be the verb: with an ordinal or after "of".
_MONTH = "|".join(sorted((m for m in _MONTHS if m != "may"), key=len, reverse=True))
_DAY_FIRST = rf"(?:the\s+)?(?P<d1>{_ORDINAL}|{_NUMBERED})(?:\s+of)?\s+(?P<m1>{_MONTH})\.?"
_DAY_OF_MAY = rf"(?:the\s+)?(?P<d2>{_ORDINAL}|{_NUMBERED})\s+of\s+(?P<m2>may)"
_MONTH_FIRST = rf"(?P<m3>{_MONTH})\.?\s+(?:the\s+)?(?P<d3>{_ORDINAL}|{_NUMBERED})"
_MAY_ORDINAL = rf"(?P<m4>may)\s+(?:the\s+)?(?P<d4>{_ORDINAL}|\d{{1,2}}(?:st|nd|rd|th))"
_DATE = re.compile(
    rf"\b(?:{_DAY_FIRST}|{_DAY_OF_MAY}|{_MONTH_FIRST}|{_MAY_ORDINAL})(?:,?\s+(?P<year>20\d\d))?\b", re.IGNORECASE
)


# The day before a holiday that has an eve of its own: "the day before Christmas" is Christmas Eve.
_EVE_OF = re.compile(
    r"\b(?:the\s+)?(?:day|night)\s+before\s+(?P<holiday>christmas|xmas|new\s+year'?s?|new\s+year\u2019s)(?:\s+day)?\b",
    re.IGNORECASE,
)


def _eve(found: re.Match) -> str:
    return "christmas eve" if found.group("holiday").lower() in ("christmas", "xmas") else "new years eve"


def named_dates(text: str, tz_name: str, now: datetime | None = None) -> str:
    """`text` with each date said with its month replaced by the holiday it is, or else its
    weekday, at its next coming in the salon's timezone at `now`: "the first of January" -> "new
    years day", "March 3rd" -> "wednesday"; and the day before Christmas or New Year's Day as
    the eve it is. Unlike a relative day, a date means the same day whatever is asked of it."""
    text = _EVE_OF.sub(_eve, text)
    if not _DATE.search(text):
        return text
    today = today_in(tz_name, now)
    return _DATE.sub(lambda found: _date_said(found, today), text)


def _date_said(found: re.Match, today: date) -> str:
    """The holiday or weekday of a date said with its month, in the year said or at its next
    coming; a day the month does not have stays as said."""
    groups = found.groupdict()
    month = _MONTHS[next(groups[f"m{i}"] for i in range(1, 5) if groups[f"m{i}"]).lower()]
    day_said = next(groups[f"d{i}"] for i in range(1, 5) if groups[f"d{i}"]).lower()
    day = _ORDINALS.get(day_said) or int(re.match(r"\d+", day_said).group(0))
    try:
        when = date(int(groups["year"] or today.year), month, day)
        if when < today and not groups["year"]:
            when = date(today.year + 1, month, day)
    except ValueError:
        return found.group(0)
    return _holiday_on(when) or WEEKDAYS[when.weekday()]


def _holiday_on(when: date) -> str | None:
    """The holiday `when` is, as the lexicon says it, or None."""
    year = when.year
    thanksgiving = _nth_weekday(year, 11, 3, 4)
    easter = _easter(year)
    holidays = {
        date(year, 1, 1): "new years day",
        date(year, 2, 14): "valentines day",
        date(year, 7, 4): "independence day",
        date(year, 12, 24): "christmas eve",
        date(year, 12, 25): "christmas day",
        date(year, 12, 31): "new years eve",
        thanksgiving: "thanksgiving day",
        thanksgiving + timedelta(days=1): "black friday",
        _nth_weekday(year, 5, 6, 2): "mothers day",
        _nth_weekday(year, 6, 6, 3): "fathers day",
        _nth_weekday(year, 9, 0, 1): "labor day",
        _nth_weekday(year, 6, 0, 1) - timedelta(days=7): "memorial day",  # the last Monday of May
        easter: "easter sunday",
        easter - timedelta(days=2): "good friday",
        easter + timedelta(days=1): "easter monday",
    }
    return holidays.get(when)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The `n`th `weekday` (Monday 0) of a month: Thanksgiving is the fourth Thursday of November."""
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _easter(year: int) -> date:
    """Easter Sunday of the Gregorian calendar (the anonymous algorithm, as in Meeus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


# "Monday to Friday", "tues thru sat": a run of weekdays said by its ends.
_DAY_NAME = r"(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|rsday|urday)?"
_DAY_RUN = re.compile(rf"\b{_DAY_NAME}s?\s*(?:-|\u2013|to|through|thru|till|until)\s*{_DAY_NAME}s?\b", re.IGNORECASE)


def day_runs(text: str) -> str:
    """`text` with each run of weekdays said by its ends spelled out day by day ("Monday to
    Friday" -> "Monday Tuesday Wednesday Thursday Friday"), so the days between are said too."""

    def spelled(found: re.Match) -> str:
        first, last = (
            next(i for i, d in enumerate(WEEKDAYS) if d.startswith(end.lower()[:3])) for end in found.groups()
        )
        if last <= first:
            return found.group(0)
        return " ".join(WEEKDAYS[first : last + 1])

    return _DAY_RUN.sub(spelled, text)
