"""Round 13 of recall (issue 14), from the blind set dev_voices_13: how a relayed or transcribed
turn is heard, as general rules, each specified on wordings written for these tests (none is from
an evaluation file).

- A speaker's label at the start of a turn ("The caller says: ...", "Customer: ...") is who
  speaks, not what is asked.
- "Go ahead" hands the turn over (or leads on, "can I go ahead and book?"): it asks nothing.
- A question word speech-to-text writes as its homophone ("wood you", "wear is", "witch day") is
  read as the question word when the word after it says it is one; elsewhere the word stays
  ("wood floors").
"""

import pytest

from knowledge.tests.support import answer_to, seed_index


@pytest.fixture(scope="module")
def index():
    return seed_index()


@pytest.mark.parametrize(
    ("turn", "fact"),
    [
        ("Customer: how much do you charge for a blow-dry?", "$55"),
        ("The client asked: which day of the week are you shut?", "Monday"),
        ("The caller said: how long does a root touch-up take? Go ahead.", "75 minutes"),
        ("Caller says: can I go ahead and book online?", "website"),
    ],
)
def test_a_speakers_label_and_a_turn_handed_over_ask_nothing(index, turn, fact):
    assert fact in (answer_to(index, turn) or "")


def test_a_label_still_leaves_an_unknown_to_a_person(index):
    assert answer_to(index, "Customer: do you sell gift vouchers? Go ahead.") is None


@pytest.mark.parametrize(
    ("turn", "fact"),
    [
        ("wear is the salon exactly", "Fillmore Street"),
        ("wood you take apple pay", "Apple Pay"),
        ("witch day are you closed", "Monday"),
    ],
)
def test_a_question_word_heard_as_its_homophone_is_the_question_word(index, turn, fact):
    assert fact in (answer_to(index, turn) or "")


def test_a_turn_of_two_questions_is_split_at_a_homophone_of_the_question_word(index):
    answers = [
        match.document.answer
        for match in index.answers_in_parts("how much is a beard trim and wood you be open on sunday")
    ]
    assert len(answers) == 2
    assert "$20" in answers[0] and "4 PM" in answers[1]


@pytest.mark.parametrize(
    ("turn", "word"), [("do you have wood floors", "wood"), ("what should I wear to a colour appointment", "wear")]
)
def test_the_homophone_stays_itself_elsewhere(index, turn, word):
    assert word in index.analysis(turn).concepts
