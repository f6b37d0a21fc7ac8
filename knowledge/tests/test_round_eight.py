"""Round 8 of recall (issue 14): callers who correct themselves, arriving late against cancelling
late, and calling on someone's behalf, as general rules, each specified on wordings written for
these tests (none is from an evaluation file).

- A day or another slot taken back ("Thursday - sorry, I mean Friday") is not asked about.
- A caller arriving late is not cancelling late: a policy question beside "I'm running late" is
  about the late arrival, while other questions beside it ("what's your address") stay answered.
- "I'm booking for / ringing for / calling on behalf of" someone frames the question.
- Vocabulary: choosing someone "on your team", words that only make another stronger ("horribly",
  "simply"), chat interjections and numbers ("lol", "4 a", "l8"), "optional" asks whether it is
  required, "how long beforehand" asks a duration.
"""

import pytest

from knowledge.tests.support import answer_to

# --- taking a word back ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("turn", "fact"),
    [
        ("what time do you open Thursday - sorry, I mean Sunday", "Sunday"),
        ("are you open on Sunday, no wait, Monday?", "closed on Mondays"),
        ("hours for Friday -- oops, Saturday, I meant Saturday", "Saturday"),
    ],
)
def test_a_day_taken_back_is_not_asked_about(index, turn, fact):
    assert fact in (answer_to(index, turn) or ""), turn


def test_a_sorry_that_takes_nothing_back_leaves_the_day_said(index):
    assert "Saturday" in (answer_to(index, "Saturday, sorry to bother you, when do you open?") or "")


# --- arriving late, cancelling late ------------------------------------------------------------------


def test_running_late_asks_about_arriving_late(index):
    assert "15 minutes" in (answer_to(index, "I'm running behind, is that a problem?") or "")


def test_a_policy_question_beside_running_late_is_not_the_cancellation_policy(index):
    answer = answer_to(index, "we're running late, how long until you cancel us") or ""
    assert "24 hours" not in answer


def test_cancelling_late_is_still_the_cancellation_policy(index):
    assert "24 hours" in (answer_to(index, "is there a charge if I cancel late") or "")


def test_other_questions_beside_running_late_are_answered(index):
    assert "Fillmore" in (answer_to(index, "I'm running late, what's your address again?") or "")


# --- calling on someone's behalf ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("turn", "fact"),
    [
        ("I'm booking for my flatmate, how long does a blowout take?", "45"),
        ("calling on behalf of my neighbour, what do you charge for a root touch-up", "95"),
    ],
)
def test_calling_for_someone_else_frames_the_question(index, turn, fact):
    assert fact in (answer_to(index, turn) or ""), turn


# --- vocabulary --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("turn", "fact"),
    [
        ("anyone on your team good at colour correction? mine went horribly brassy at home", "Jordan"),
        ("lol how much 4 a blowout", "55"),
        ("is a tip optional", "never required"),
        ("new to colour, how long beforehand is the allergy test", "48"),
    ],
)
def test_everyday_words_that_ask_nothing_new(index, turn, fact):
    assert fact in (answer_to(index, turn) or ""), turn


def test_l8_is_late(index):
    assert "15 minutes" in (answer_to(index, "gonna be l8 what happens") or "")
