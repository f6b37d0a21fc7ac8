"""Relative days are the weekday they are in the salon's timezone (issue 14): "are you open
tomorrow?" is answered with tomorrow's opening hours. The clock is a parameter (`now`), so each
test fixes the moment without touching the global time."""

from datetime import UTC, datetime

import pytest

from knowledge import relative_days
from knowledge.seed import load_profile

LA = "America/Los_Angeles"
# Saturday 2026-12-05, 23:30 in San Francisco is already Sunday 07:30 in UTC.
SATURDAY_NIGHT_IN_SF = datetime(2026, 12, 6, 7, 30, tzinfo=UTC)
# Monday 2026-12-07, noon in San Francisco.
MONDAY_NOON_IN_SF = datetime(2026, 12, 7, 20, 0, tzinfo=UTC)


def test_the_demo_salon_keeps_san_franciscos_time():
    assert load_profile()["timezone"] == LA


def test_the_date_is_the_salons_not_utcs():
    assert relative_days.today_in(LA, SATURDAY_NIGHT_IN_SF).isoformat() == "2026-12-05"
    assert relative_days.today_in("UTC", SATURDAY_NIGHT_IN_SF).isoformat() == "2026-12-06"
    assert relative_days.today_in("Not/AZone", SATURDAY_NIGHT_IN_SF).isoformat() == "2026-12-06"


@pytest.mark.parametrize(
    ("said", "meant"),
    [
        ("are you open today", "are you open saturday"),
        ("will you be open tomorrow?", "will you be open sunday?"),
        ("open tmrw?", "open sunday?"),
        ("what time do you close tonight", "what time do you close saturday evening"),
        ("how early tomorrow morning", "how early sunday morning"),
        ("the day after tomorrow", "monday"),
        ("are you open on friday", "are you open on friday"),
    ],
)
def test_relative_days_become_weekdays(said, meant):
    assert relative_days.resolve(said, LA, SATURDAY_NIGHT_IN_SF) == meant


@pytest.mark.parametrize(
    ("question", "now", "fact"),
    [
        ("Are you open tomorrow?", SATURDAY_NIGHT_IN_SF, "On Sundays we're open from 10 AM to 4 PM"),
        ("are you open today", SATURDAY_NIGHT_IN_SF, "On Saturdays we're open from 9 AM to 6 PM"),
        ("what time do you close tonight", SATURDAY_NIGHT_IN_SF, "6 PM"),
        ("are you open today", MONDAY_NOON_IN_SF, "We're closed on Mondays"),
        ("what time do you open tomorrow morning", MONDAY_NOON_IN_SF, "On Tuesdays we're open from 10 AM"),
        ("are you open the day after tomorrow", MONDAY_NOON_IN_SF, "On Wednesdays"),
        ("are you open this saturday", MONDAY_NOON_IN_SF, "On Saturdays we're open from 9 AM"),
        ("what are your hours this weekend", MONDAY_NOON_IN_SF, "4 PM"),
    ],
)
def test_opening_hours_asked_by_a_relative_day_are_that_weekdays(index, question, now, fact):
    match = index.best(question, now=now)
    assert match.matched and fact in match.document.answer, (question, match.reason)


@pytest.mark.parametrize(
    "question",
    [
        "Can I get in today?",  # a free chair, not the opening hours
        "Is Priya in tomorrow?",
        "Do you have any openings tomorrow?",
        "Can I get a haircut tomorrow?",
        "Are you open right now?",
    ],
)
def test_a_relative_day_that_is_not_about_opening_hours_still_escalates(index, question):
    assert not index.best(question, now=SATURDAY_NIGHT_IN_SF).matched, question


@pytest.mark.parametrize(
    ("said", "meant"),
    [
        ("it's tuesday today, are you open tomorrow", " are you open wednesday"),
        ("Today is Friday. What time do you shut tonight?", " What time do you shut friday evening?"),
        ("it's Sunday, open tmrw?", " open monday?"),
    ],
)
def test_the_day_the_caller_says_it_is_anchors_their_relative_days(said, meant):
    assert relative_days.resolve(said, LA, SATURDAY_NIGHT_IN_SF) == meant


def test_a_day_said_without_a_relative_day_stays_said():
    assert relative_days.resolve("it's friday I'm asking about, when do you open", LA) == (
        "it's friday I'm asking about, when do you open"
    )


def test_the_day_the_caller_says_it_is_answers_for_that_day(index):
    match = index.best("it's Sunday today, are you open tomorrow?", now=SATURDAY_NIGHT_IN_SF)
    assert match.matched and "closed on Mondays" in match.document.answer, match.reason


# --- dates said with their month ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("said", "meant"),
    [
        ("are you open on the first of January?", "are you open on new years day?"),
        ("open jan 1st", "open new years day"),
        ("what about Dec. 25", "what about christmas day"),
        ("the twenty-fifth of December", "christmas day"),
        ("open on 24 December?", "open on christmas eve?"),
        ("open on the 4th of July", "open on independence day"),
        ("hours on March 3rd", "hours on wednesday"),  # 2027-03-03, the next March 3rd
        ("are you open December 12", "are you open saturday"),  # this year's, still to come
        ("open on the 7th of may?", "open on friday?"),
    ],
)
def test_a_date_said_with_its_month_is_its_holiday_or_its_weekday(said, meant):
    assert relative_days.named_dates(said, LA, SATURDAY_NIGHT_IN_SF) == meant


@pytest.mark.parametrize(
    ("said", "meant"),
    [
        ("open on November 26, 2026?", "open on thanksgiving day?"),  # the fourth Thursday
        ("open on November 26 2027?", "open on black friday?"),  # the day after it, that year
        ("open on April 5 2026", "open on easter sunday"),
        ("open on March 26, 2027", "open on good friday"),
        ("May 31st 2027", "memorial day"),  # the last Monday of May
        ("the 6th of September 2027", "labor day"),
    ],
)
def test_holidays_that_move_are_found_in_the_year_said(said, meant):
    assert relative_days.named_dates(said, LA, SATURDAY_NIGHT_IN_SF) == meant


@pytest.mark.parametrize("said", ["may 2 of us come together", "open on the 31st?", "is Feb 30 free"])
def test_what_is_not_a_date_of_a_month_stays_as_said(said):
    assert relative_days.named_dates(said, LA, SATURDAY_NIGHT_IN_SF) == said
