"""Working time in the salon's own calendar (issue 18): a deadline of 30 minutes is 30 minutes
the salon is open, in its timezone, across closed days, holidays and daylight-saving changes.
The clock is a parameter, so each test fixes its moment.

The demo salon (knowledge/fixtures/salon.yaml): Monday closed, Tuesday and Wednesday 10-19,
Thursday and Friday 10-20, Saturday 9-18, Sunday 10-16, America/Los_Angeles.
"""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from knowledge.models import SalonProfile
from knowledge.opening_hours import (
    Calendar,
    HoursError,
    add_working_time,
    expectation,
    parse_holiday_dates,
    parse_hours,
)
from knowledge.seed import load_profile

LA = ZoneInfo("America/Los_Angeles")
HALF_HOUR = timedelta(minutes=30)


def salon(**changes) -> SalonProfile:
    profile = {**load_profile(), **changes}
    return SalonProfile(name=profile["name"], timezone=profile["timezone"], profile=profile)


def at(*args: int) -> datetime:
    """A wall-clock time in San Francisco."""
    return datetime(*args, tzinfo=LA)


@pytest.fixture
def calendar() -> Calendar:
    return Calendar.from_profile(salon())


def test_hours_are_read_as_the_profile_writes_them():
    assert parse_hours("10:00-19:00") == (time(10), time(19))
    assert parse_hours(" 9:30 - 18:00 ") == (time(9, 30), time(18))
    assert parse_hours("closed") is None and parse_hours("") is None and parse_hours(None) is None
    assert parse_hours("00:00-24:00") == (time(0), time.max)


@pytest.mark.parametrize("bad", ["10-19", "19:00-10:00", "10:00-10:00", "25:00-26:00", "10:00-24:30", "ten to six"])
def test_hours_that_cannot_be_read_are_refused_with_a_sentence(bad):
    with pytest.raises(HoursError, match="The hours for tuesday read"):
        parse_hours(bad, "tuesday")


def test_holiday_dates_are_read_and_a_bad_one_is_refused():
    assert parse_holiday_dates([{"date": "2026-12-25", "name": "Christmas Day"}]) == {
        datetime(2026, 12, 25).date(): "Christmas Day"
    }
    with pytest.raises(HoursError, match="not a date"):
        parse_holiday_dates([{"date": "Christmas", "name": "Christmas Day"}])


def test_no_hours_at_all_means_no_calendar():
    assert Calendar.from_profile(salon(hours={})) is None
    assert Calendar.from_profile(salon(hours={day: "closed" for day in ("monday", "tuesday")})) is None
    assert Calendar.from_profile(None) is None
    later = add_working_time(datetime(2026, 12, 1, 23, tzinfo=UTC), HALF_HOUR, None)
    assert later == datetime(2026, 12, 1, 23, 30, tzinfo=UTC)


def test_while_open_working_time_is_elapsed_time(calendar):
    # Tuesday 2026-12-01 at 14:00.
    assert calendar.add_working_time(at(2026, 12, 1, 14), HALF_HOUR) == at(2026, 12, 1, 14, 30)


def test_a_question_just_before_closing_is_due_the_rest_after_opening(calendar):
    # Tuesday 18:50: ten minutes today, twenty on Wednesday morning.
    due = calendar.add_working_time(at(2026, 12, 1, 18, 50), HALF_HOUR)
    assert due == at(2026, 12, 2, 10, 20)
    assert calendar.working_time_between(at(2026, 12, 1, 18, 50), due) == HALF_HOUR


def test_a_question_at_night_is_due_after_the_next_opening(calendar):
    # Tuesday 23:00 -> Wednesday 10:30.
    assert calendar.add_working_time(at(2026, 12, 1, 23), HALF_HOUR) == at(2026, 12, 2, 10, 30)
    assert calendar.next_opening(at(2026, 12, 1, 23)) == at(2026, 12, 2, 10)


def test_a_question_on_a_closed_day_waits_for_the_next_open_one(calendar):
    # Sunday 16:00 is closing time; Monday is closed all day; Tuesday opens at 10.
    assert not calendar.is_open(at(2026, 12, 7, 12))
    assert calendar.add_working_time(at(2026, 12, 7, 12), HALF_HOUR) == at(2026, 12, 8, 10, 30)
    assert calendar.add_working_time(at(2026, 12, 6, 15, 45), HALF_HOUR) == at(2026, 12, 8, 10, 15)


def test_a_holiday_is_closed_all_day():
    calendar = Calendar.from_profile(salon(holiday_dates=[{"date": "2026-12-25", "name": "Christmas Day"}]))
    # Thursday 2026-12-24, 19:45: fifteen minutes that evening, Christmas closed, Saturday at 9.
    due = calendar.add_working_time(at(2026, 12, 24, 19, 45), HALF_HOUR)
    assert due == at(2026, 12, 26, 9, 15)
    assert calendar.next_opening(at(2026, 12, 25, 11)) == at(2026, 12, 26, 9)


def test_the_spring_daylight_saving_change_keeps_the_salons_wall_clock(calendar):
    # Saturday 2026-03-07 17:50 PST; the clocks go forward that night; Sunday opens at 10 PDT.
    due = calendar.add_working_time(at(2026, 3, 7, 17, 50), HALF_HOUR)
    assert due == at(2026, 3, 8, 10, 20)
    assert due.astimezone(UTC) == datetime(2026, 3, 8, 17, 20, tzinfo=UTC)  # PDT is UTC-7


def test_the_fall_daylight_saving_change_keeps_the_salons_wall_clock(calendar):
    # Saturday 2026-10-31 17:50 PDT; back to PST that night; Sunday 10:20 PST is 18:20 UTC.
    due = calendar.add_working_time(at(2026, 10, 31, 17, 50), HALF_HOUR)
    assert due.astimezone(UTC) == datetime(2026, 11, 1, 18, 20, tzinfo=UTC)


def test_an_open_period_across_a_daylight_saving_change_counts_real_minutes():
    # Open through the night of the change: 01:00-04:00 on 2026-03-08 is two real hours.
    calendar = Calendar.from_profile(salon(hours={"sunday": "01:00-04:00"}))
    start = at(2026, 3, 8, 1, 30)  # PST
    assert calendar.add_working_time(start, timedelta(hours=1)) == datetime(2026, 3, 8, 10, 30, tzinfo=UTC)
    assert calendar.working_time_between(at(2026, 3, 8, 0), at(2026, 3, 8, 5)) == timedelta(hours=2)


def test_the_caller_is_told_when_to_expect_an_answer(calendar):
    night = at(2026, 12, 1, 23)  # Tuesday night
    due = calendar.add_working_time(night, HALF_HOUR)
    assert expectation(night, due, calendar) == "we open at 10 tomorrow; you'll hear from us by 10:30"
    afternoon = at(2026, 12, 1, 14)
    assert expectation(afternoon, afternoon + HALF_HOUR, calendar) == "you'll hear from us by 2:30"
    sunday = at(2026, 12, 6, 17)  # Sunday evening; closed on Monday: Tuesday is two days away
    due = calendar.add_working_time(sunday, HALF_HOUR)
    assert expectation(sunday, due, calendar) == "we open at 10 on Tuesday; you'll hear from us by 10:30"
    assert expectation(night, night + HALF_HOUR, None) == "you'll hear from us within 30 minutes"
