"""Round 7 of recall (issue 14): what a turn asks when it also tells, what a caller says they do
not want, and the day of the caller's own booking, as general rules, each specified on wordings
written for these tests (none is from an evaluation file).

- A sentence stated beside a question ("... ? He'll only go if it's quick.") only tells, unless it
  asks in words or names something the question does not.
- "Just Y, not X" asks about Y; whether the salon does Y without X is a question for a person.
- The day of the caller's own booking ("my Thursday booking") says which booking, not a day the
  policy is asked for; asking the salon to change that booking is for a person.
- A lesson that names no service holds for each: "a seniors discount on colour" is asked of it;
  one that names a service is not taken for another.
- "When" opening a sentence asks ("Saturdays fill up. When should I book?").
- Vocabulary: a wash and a blow-dry is a blowout, a hair mask a deep conditioning treatment,
  "lock in" is booking, curl types are curls, time "blocked out" is how long, a deposit "to hold".
"""

import pytest

from knowledge.matching import Document
from knowledge.tests.support import answer_to, seed_index

# --- a stated sentence beside a question ------------------------------------------------------------


@pytest.mark.parametrize(
    ("turn", "fact"),
    [
        ("Do you take Apple Pay? I left my wallet at my sister's place, silly me.", "Apple Pay"),
        ("How long does a beard trim take? He gets bored so easily, bless him.", "15"),
    ],
)
def test_a_sentence_that_only_tells_is_not_what_is_asked(index, turn, fact):
    assert fact in (answer_to(index, turn) or ""), turn


def test_a_stated_sentence_naming_something_else_still_counts(index):
    """ "Just the roots" names another service than the colour asked about: the roots are asked."""
    assert "95" in (answer_to(index, "How much is a colour? Just the roots.") or "")


def test_a_stated_sentence_about_something_no_entry_has_still_refuses(index):
    assert answer_to(index, "Do you do beard trims. I want it with a hot towel shave.") is None


# --- just this, not that -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("turn", "fact"),
    [
        ("I only want a trim of the beard, not the hair on top, how much", "20"),
        ("just the one colour please, no highlights, what would that cost", "120"),
    ],
)
def test_what_the_caller_only_wants_is_what_is_asked(index, turn, fact):
    assert fact in (answer_to(index, turn) or ""), turn


def test_whether_one_comes_without_the_other_is_for_a_person(index):
    assert answer_to(index, "can I come in just for a fringe trim, no wash?") is None


# --- the day of the caller's own booking ------------------------------------------------------------


@pytest.mark.parametrize(
    "turn", ["Is there a fee if I cancel my Thursday booking?", "if i call off my appt on friday morning am i charged"]
)
def test_the_day_of_my_booking_does_not_narrow_the_policy(index, turn):
    assert "24 hours" in (answer_to(index, turn) or ""), turn


@pytest.mark.parametrize(
    "turn", ["please cancel my booking on Thursday", "could you reschedule my appointment", "can u move my appt"]
)
def test_asking_the_salon_to_change_my_booking_is_for_a_person(index, turn):
    assert answer_to(index, turn) is None, turn


# --- vocabulary --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("turn", "fact"),
    [
        ("price for a shampoo and blow dry?", "55"),
        ("what's a hair mask cost at yours", "40"),
        ("is there money down ahead of time for bridal hair", "50"),
        ("do I need a deposit to lock in a bridal updo", "50"),
        ("who works with type 4c hair", "Priya"),
        ("how long do I block out in my diary for a men's cut", "30"),
        ("is there a deposit to secure a balayage", "50"),
    ],
)
def test_services_and_bookings_in_other_words(index, turn, fact):
    assert fact in (answer_to(index, turn) or ""), turn


def test_a_mask_that_is_not_hair_care_is_not_a_treatment(index):
    assert answer_to(index, "do I have to wear a face mask in the salon") is None


# --- a lesson that names no service -----------------------------------------------------------------

SENIORS = Document(901, "Do you do a discount for pensioners?", "Yes, 10% off for clients 65 and over.", "learned")
STUDENTS_CUTS = Document(
    902,
    "Is there a student discount on men's haircuts?",
    "Yes, 5 dollars off a men's cut with a student ID.",
    "learned",
)


def test_a_lesson_naming_no_service_holds_for_the_one_the_caller_names():
    index = seed_index(SENIORS)
    assert answer_to(index, "any pensioner discount on a balayage?") == SENIORS.answer


def test_a_lesson_naming_a_service_is_not_taken_for_another():
    index = seed_index(STUDENTS_CUTS)
    assert answer_to(index, "is there a student discount on men's haircuts") == STUDENTS_CUTS.answer
    assert answer_to(index, "is there a student discount on highlights") is None


def test_a_lesson_naming_no_service_holds_for_several_at_once():
    assert answer_to(seed_index(SENIORS), "pensioner discount on a cut and a colour?") == SENIORS.answer


def test_a_lesson_still_needs_its_own_topic_besides_the_service():
    index = seed_index(SENIORS)
    assert answer_to(index, "any student discount on a balayage?") is None
    assert answer_to(index, "any discount on a balayage?") == answer_to(index, "any discount?")


# --- "when" opening a sentence ---------------------------------------------------------------------


def test_when_opening_a_sentence_asks_for_a_time():
    lesson = Document(903, "How far ahead should I book for a Sunday?", "Sundays fill up a week ahead.", "learned")
    index = seed_index(lesson)
    assert answer_to(index, "Sundays get booked up. When should I book one?") == lesson.answer
    assert answer_to(index, "do I pay a deposit when I book a Sunday appointment") != lesson.answer
