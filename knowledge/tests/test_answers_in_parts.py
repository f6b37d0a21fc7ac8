"""A caller asking two or more things in one turn (issue 14): each is answered by an entry of its
own, in the order asked, or, when any one of them is not known, the whole turn goes to a person,
since half an answer sounds like all of it (`Index.answers_in_parts`, `services.lookup`).

- Two questions joined in one turn ("..., and do you ...?", "...? And where ...?") are read
  apart, each with what the turn only tells.
- Services named together in one question of price or length ("a kid's cut and a blowout",
  "is balayage dearer than full highlights?") are each asked what the question asks.
- Never in parts: a question naming only a slot ("and Sundays?"), which is said of the one
  before it; services named with something no service's entry holds ("for men"); a service the
  other's name already holds (a "haircut and style" holds a blow-dry); one entry for both.
- A turn whose whole reading reached the entry of one of its questions only ("..., and when do
  you open on Sunday?" read as its last question) is answered in full, in parts.
- An answer in parts counts a use of each entry, or of none when one has gone.

The wordings are written for these tests; none is from an evaluation file.
"""

import pytest
from django.core.management import call_command

from knowledge import services
from knowledge.matching import Document
from knowledge.models import KnowledgeEntry, LookupRecord
from knowledge.tests.support import seed_index


@pytest.fixture(scope="module")
def index():
    return seed_index(Document(900, "Is there parking?", "There's a garage on Clay Street.", "learned"))


def parts(index, question: str) -> list[str]:
    return [match.document.answer for match in index.answers_in_parts(question)]


@pytest.mark.parametrize(
    ("turn", "facts"),
    [
        ("What time do you close on Friday, and do you take debit cards?", ["8 PM", "debit"]),
        ("when r u open sunday and do u take cash", ["4 PM", "cash"]),
        ("What number can I reach you on? And where are you exactly?", ["555-0142", "Fillmore"]),
        ("We're new to the area. How much is a blowout, and is there parking?", ["$55", "Clay Street"]),
        ("how much for a kid's cut and a blowout", ["$30", "$55"]),
        ("What would a beard trim plus a men's cut cost altogether?", ["$20", "$45"]),
        ("Is balayage pricier than full highlights?", ["$240", "$190"]),
        ("how long are men's and women's haircuts?", ["30 minutes", "60 minutes"]),
    ],
)
def test_each_thing_asked_is_answered_by_its_own_entry_in_the_order_asked(index, turn, facts):
    answers = parts(index, turn)
    assert len(answers) == 2
    assert [fact in answer for fact, answer in zip(facts, answers, strict=True)] == [True, True]


@pytest.mark.parametrize(
    "turn",
    [
        "What time do you close on Friday, and do you sell gift vouchers?",  # the second is unknown
        "how much is a men's cut and do you do perms",
        "Do you do extensions? And how much would a full head be?",  # "a full head" of what?
        "What are your hours on Saturday? And Sundays?",
        "how much are cuts and colour for men?",  # "for men" is said of both
        "what do you charge for a women's haircut and a blow dry?",  # the haircut and style holds it
        "What's a blowout cost, and what do you charge for a blowout?",  # one entry answers both
    ],
)
def test_a_turn_is_not_answered_in_parts_unless_each_part_stands_alone(index, turn):
    assert parts(index, turn) == []


def test_a_turn_one_entry_answers_is_not_split(index):
    assert index.best("How much is a balayage and how long does it take?").matched


@pytest.fixture
def seeded(db):
    call_command("seed_salon", verbosity=0)


def test_a_lookup_answered_in_parts_says_each_answer_and_counts_each_use(seeded):
    result = services.lookup("how much is a kid's cut, and what time do you open Saturdays?")

    assert result.matched and len(result.entry_ids) == 2 and result.entry_id == result.entry_ids[0]
    first, second = (KnowledgeEntry.objects.get(pk=pk) for pk in result.entry_ids)
    assert result.answer == f"{first.answer} {second.answer}"
    assert "$30" in first.answer and "Saturday" in second.answer
    assert (first.times_used, second.times_used) == (1, 1)
    record = LookupRecord.objects.latest("id")
    assert record.matched and record.entry_id == first.pk


def test_an_answer_in_parts_is_given_whole_or_not_at_all(seeded):
    result = services.lookup("how much is a kid's cut, and what time do you open Saturdays?")
    first, second = result.entry_ids
    KnowledgeEntry.objects.filter(pk=second).update(active=False)

    assert LookupRecord.record("kid's cut and Saturday", first, 0.9, index_stamp=None, also=[second]) is False
    assert KnowledgeEntry.objects.get(pk=first).times_used == 1  # only the lookup above
    record = LookupRecord.objects.latest("id")
    assert not record.matched and record.entry_id is None
    assert second not in services.lookup("how much is a kid's cut, and what time do you open Saturdays?").entry_ids


def test_a_turn_read_as_one_of_its_questions_is_answered_in_full(seeded):
    turn = "How much is a beard trim, and when do you open on Sunday?"
    assert "Sunday" in services.current_index().best(turn).document.answer  # read as its last question

    result = services.lookup(turn)

    assert len(result.entry_ids) == 2 and "$20" in result.answer and "Sunday" in result.answer


def test_a_question_after_an_apology_still_asks(seeded):
    result = services.lookup("Sorry, sorry, quick one - do you take cash, and where are you based?")
    assert len(result.entry_ids) == 2 and "cash" in result.answer and "Fillmore" in result.answer
