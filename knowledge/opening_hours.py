"""The salon's working time: when it is open, in its own timezone, so a deadline of "30 minutes"
means 30 minutes the salon is open, not 30 minutes of the night.

One parser for a day's hours (`parse_hours`: "closed" or "10:00-19:00", as the profile and the
admin write them), and a `Calendar` built from the salon profile: the week's hours, the
timezone, and the holidays listed as dates (`profile["holiday_dates"]`: [{"date":
"YYYY-MM-DD", "name": "..."}], closed all day). Instants are aware datetimes; arithmetic is done
in UTC, because subtracting two datetimes of one zone in Python ignores a daylight-saving change
between them. A day's opening and closing are local wall-clock times, so on the day the clocks
change a 10:00-19:00 day is still 10:00 to 19:00 as the salon's clock reads.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from knowledge.models import SalonProfile

logger = logging.getLogger("salon.opening_hours")

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_HOURS = re.compile(r"(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})")
# How far ahead an opening is looked for: a year of holidays and closed days at most.
_HORIZON_DAYS = 400


class HoursError(ValueError):
    """A day's hours or a holiday that cannot be read; the message is a sentence for the admin."""


def parse_hours(value: Any, day: str = "that day") -> tuple[time, time] | None:
    """A day's hours as (opens, closes), or None when closed ("closed", empty or missing).

    "24:00" closes at midnight. Hours that close before they open are refused: a salon open
    past midnight writes the night on the next day."""
    text = str(value if value not in (None, False) else "closed").strip()
    if not text or text.lower() == "closed":
        return None
    match = _HOURS.fullmatch(text)
    if not match:
        raise HoursError(f"The hours for {day} read {text!r}; write them as 10:00-19:00, or closed.")
    open_h, open_m, close_h, close_m = (int(part) for part in match.groups())
    if open_h > 23 or close_h > 24 or open_m > 59 or close_m > 59 or (close_h == 24 and close_m):
        raise HoursError(f"The hours for {day} read {text!r}, which is not a time of day.")
    opens = time(open_h, open_m)
    closes = time.max if close_h == 24 else time(close_h, close_m)
    if closes <= opens:
        raise HoursError(f"The hours for {day} read {text!r}: closing must come after opening.")
    return opens, closes


def parse_holiday_dates(value: Any) -> dict[date, str]:
    """`profile["holiday_dates"]` as {date: name}; entries without a readable date are refused."""
    holidays: dict[date, str] = {}
    for item in value or []:
        raw = item.get("date") if isinstance(item, dict) else item
        try:
            day = raw if isinstance(raw, date) else date.fromisoformat(str(raw))
        except ValueError:
            raise HoursError(f"The holiday date {raw!r} is not a date; write it as 2026-12-25.") from None
        holidays[day] = str(item.get("name") or "") if isinstance(item, dict) else ""
    return holidays


def zone_of(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        logger.warning("Unknown timezone %r in the salon profile; using UTC.", name)
        return ZoneInfo("UTC")


@dataclass(frozen=True)
class Calendar:
    """The salon's open hours: `week[0]` is Monday, None a closed day."""

    zone: ZoneInfo
    week: tuple[tuple[time, time] | None, ...]
    holidays: frozenset[date] = frozenset()

    @classmethod
    def from_profile(cls, salon: SalonProfile | None) -> Calendar | None:
        """The calendar of the salon, or None when it lists no open hours at all (then deadlines
        are plain elapsed time). A day the profile cannot be read for counts as closed."""
        if salon is None or not isinstance((salon.profile or {}).get("hours"), dict):
            return None
        hours = {str(day).lower(): value for day, value in salon.profile["hours"].items()}
        week = []
        for day in WEEKDAYS:
            try:
                week.append(parse_hours(hours.get(day), day))
            except HoursError as exc:
                logger.warning("%s It counts as closed.", exc)
                week.append(None)
        if not any(week):
            return None
        try:
            holidays = frozenset(parse_holiday_dates(salon.profile.get("holiday_dates")))
        except HoursError as exc:
            logger.warning("%s The holidays are ignored.", exc)
            holidays = frozenset()
        return cls(zone_of(salon.timezone), tuple(week), holidays)

    @classmethod
    def current(cls) -> Calendar | None:
        return cls.from_profile(SalonProfile.current())

    def local_date(self, at: datetime) -> date:
        return at.astimezone(self.zone).date()

    def period(self, day: date) -> tuple[datetime, datetime] | None:
        """When the salon opens and closes on `day` (its local date), in UTC; None if closed."""
        return _period(self, day)

    def is_open(self, at: datetime) -> bool:
        period = self.period(self.local_date(at))
        return period is not None and period[0] <= at < period[1]

    def _periods_from(self, at: datetime):
        """Each open period that ends after `at`, in order, for a year ahead."""
        day = self.local_date(at)
        for offset in range(-1, _HORIZON_DAYS):
            period = self.period(day + timedelta(days=offset))
            if period is not None and period[1] > at:
                yield period

    def next_opening(self, at: datetime) -> datetime | None:
        """`at` itself while open, else when the salon next opens (None: not within a year)."""
        for opens, _ in self._periods_from(at):
            return max(opens, at)
        return None

    def add_working_time(self, at: datetime, working: timedelta) -> datetime | None:
        """The instant `working` open time after `at`: counted from `at` while open, else from
        the next opening (None: the salon does not open within a year)."""
        remaining = working
        for opens, closes in self._periods_from(at):
            start = max(opens, at)
            if remaining <= closes - start:
                return (start + remaining).astimezone(UTC)
            remaining -= closes - start
        return None

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """How much open time lies between two instants (zero if `end` is not after `start`)."""
        total = timedelta()
        if end <= start:
            return total
        for opens, closes in self._periods_from(start):
            if opens >= end:
                break
            total += min(closes, end) - max(opens, start)
        return total


@lru_cache(maxsize=4096)
def _period(calendar: Calendar, day: date) -> tuple[datetime, datetime] | None:
    if day in calendar.holidays:
        return None
    hours = calendar.week[day.weekday()]
    if hours is None:
        return None
    opens = datetime.combine(day, hours[0], tzinfo=calendar.zone).astimezone(UTC)
    if hours[1] == time.max:  # midnight: the start of the next local day
        closes = datetime.combine(day + timedelta(days=1), time(), tzinfo=calendar.zone).astimezone(UTC)
    else:
        closes = datetime.combine(day, hours[1], tzinfo=calendar.zone).astimezone(UTC)
    return opens, closes


def add_working_time(at: datetime, working: timedelta, calendar: Calendar | None) -> datetime:
    """`at` plus `working` open time of `calendar`, or plain elapsed time without one (or when the
    salon never opens within a year: a deadline must exist)."""
    due = calendar.add_working_time(at, working) if calendar else None
    return due if due is not None else at + working


def spoken_clock(moment: datetime) -> str:
    """ "10", "10:30", "7:15 in the evening": a time as said in a sentence about opening hours,
    where the morning and afternoon go without saying ("we open at 10", "by 10:30")."""
    if moment.minute == 0 and moment.hour in (0, 12):
        return "midnight" if moment.hour == 0 else "noon"
    twelve = moment.hour % 12 or 12
    text = f"{twelve}:{moment.minute:02d}" if moment.minute else f"{twelve}"
    return text + (" in the evening" if moment.hour >= 18 else "")


def spoken_day(moment: datetime, now: datetime) -> str:
    """ "today", "tomorrow", "on Tuesday" (within a week), else "on Tuesday, December 8"."""
    days = (moment.date() - now.date()).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    name = WEEKDAYS[moment.weekday()].capitalize()
    return f"on {name}" if days < 7 else f"on {name}, {moment.strftime('%B')} {moment.day}"


def expectation(now: datetime, due: datetime, calendar: Calendar | None) -> str:
    """When a caller will hear back, as one clause for a sentence or a text:
    "we open at 10 tomorrow; you'll hear from us by 10:30" while the salon is closed, else
    "you'll hear from us by 4:30" (or "within 30 minutes" without a calendar)."""
    if calendar is None:
        minutes = max(1, round((due - now).total_seconds() / 60))
        return f"you'll hear from us within {minutes} minute{'s' if minutes != 1 else ''}"
    local_now, local_due = now.astimezone(calendar.zone), due.astimezone(calendar.zone)
    by = f"you'll hear from us by {spoken_clock(local_due)}"
    if calendar.is_open(now):
        return by if local_due.date() == local_now.date() else f"{by} {spoken_day(local_due, local_now)}"
    opening = calendar.next_opening(now)
    if opening is None:
        return by
    local_opening = opening.astimezone(calendar.zone)
    said_day = spoken_day(local_opening, local_now)
    opens = f"we open at {spoken_clock(local_opening)} {said_day}"
    if local_due.date() != local_opening.date():
        return f"{opens}; {by} {spoken_day(local_due, local_now)}"
    return f"{opens}; {by}"
