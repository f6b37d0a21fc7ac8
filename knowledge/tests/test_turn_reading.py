"""Round 3 of recall (issue 14): how a caller's turn is read, as general rules of how people
talk, each specified on wordings written for these tests (none is from an evaluation file).

- A compound names a kind of its last word, so the bare word stands for the salon's only
  compound ending in it ("a voucher" once the salon learned about "gift vouchers").
- "He" or "she" in a turn that names a relative is that relative, so the clause saying it is
  read as the question; with a staff member named, or nobody, it may point at anything.
- The plural "you" of spoken English ("you lot", "yous") is "you".
- The "it" of "is it OK to ...", "would it be possible to ..." points at nothing said before.
"""

import pytest

from knowledge.analysis import analyse
from knowledge.matching import Document
from knowledge.tests.support import answer_to, seed_index
from knowledge.vocabulary import Term, default_terms

LEARNED_ID = 900
OTHER_ID = 901


GIFT = Document(LEARNED_ID, "Do you sell gift certificates?", "Yes, in any amount, at the front desk.", "learned")


# --- a compound's head word said alone --------------------------------------------------------


@pytest.mark.parametrize("question", ["can I get a certificate for my brother", "do you sell certificates"])
def test_the_head_of_the_only_compound_ending_in_it_stands_for_it(question):
    match = seed_index(GIFT).best(question)
    assert match.matched and match.document.id == LEARNED_ID, match.reason


def test_a_head_word_is_read_so_only_where_the_index_holds_its_compound(index):
    assert "certificat" in index.analysis("do you sell certificates").concepts


def test_a_head_shared_by_compounds_of_two_meanings_is_not_guessed():
    teachers = Document(OTHER_ID, "Is there a discount for teachers?", "Yes, 10% off for teachers.", "learned")
    terms = (*default_terms(), Term("discount certificate", "discount"))
    match = seed_index(GIFT, teachers, terms=terms).best("do you sell certificates")
    assert not match.matched, match.document


@pytest.mark.parametrize(
    ("question", "not_meant"),
    [
        ("is a dry cut cheaper", "blowout"),  # "blow dry" is a blowout; "dry" is no noun
        ("can I get a light colour", "highlight"),  # "high light" is a sound-alike, "light" also an adjective
        ("what dates are you closed", "deposit"),  # "hold the date" is no compound
    ],
)
def test_only_the_noun_ending_a_compound_stands_for_it(index, question, not_meant):
    assert not_meant not in index.analysis(question).concepts


def test_a_head_word_the_salon_says_alone_keeps_its_own_meaning():
    vouchers = Document(OTHER_ID, "Do you take vouchers?", "We take our own vouchers only.", "learned")
    index = seed_index(GIFT, vouchers)
    assert "giftcard" not in index.analysis("do you take vouchers").concepts


# --- "he" and "she" -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("my grandma has a big party, she wants a blowout, what would that cost", "$55"),
        ("it is my brother's birthday, he wants his beard trimmed, how much would that be", "$20"),
        ("my son is 8 and loves football, he needs a haircut, what do you charge", "$30"),  # the age still says which
    ],
)
def test_a_pronoun_for_the_relative_a_turn_names_leaves_the_clause_read(index, question, fact):
    match = index.best(question)
    assert match.matched and fact in match.document.answer, (question, match.reason)


@pytest.mark.parametrize(
    "question",
    [
        "I've got a puppy, she needs a haircut, how much would that be",  # no relative: she is the puppy
        "I always see Priya, is she in on saturday",  # a staff member: she is Priya
        "my daughter likes Priya, is she in on saturday",  # a relative and a staff member: who is she?
    ],
)
def test_a_pronoun_that_may_be_someone_else_still_points_back(index, question):
    assert not index.best(question).matched, question


# --- the plural "you" ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "fact"), [("what time do you lot open on sunday", "10 AM"), ("are yous open saturdays", "9 AM")]
)
def test_the_plural_you_is_you(index, question, fact):
    match = index.best(question)
    assert match.matched and fact in match.document.answer, (question, match.reason)


def test_only_you_lot_is_you():
    assert analyse("you lot").concepts == analyse("you").concepts
    assert analyse("is there a parking lot").concepts != analyse("is there a parking").concepts


# --- the "it" that points at nothing -----------------------------------------------------------


def test_the_it_of_is_it_ok_to_points_at_nothing(index):
    match = index.best("we are celebrating a promotion, is it ok to pay with apple pay")
    assert match.matched and "Apple Pay" in match.document.answer, match.reason


@pytest.mark.parametrize(
    "question",
    [
        "I have tape extensions in, is it ok to get a keratin treatment with them",  # "them" still points back
        "my friend swears by olaplex, is it going to cost much",  # "is it going to" is about a thing
    ],
)
def test_other_pointers_in_the_clause_still_point_back(index, question):
    assert not index.best(question).matched, question


# --- a clause telling of the caller, and what a story keeps ------------------------------------


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("what's the address, we're driving in from Oakland", "Fillmore"),
        ("how long is a root touch up? I've got a meeting at two", "75 minutes"),
        ("do you take cards, my wallet never has cash", "credit"),
    ],
)
def test_a_clause_telling_of_the_caller_after_the_question_is_not_the_question(index, question, fact):
    assert fact in (answer_to(index, question) or "")


@pytest.mark.parametrize(
    "question",
    [
        "how much is a haircut, I'm bringing my puppy",  # an animal may be who it is for
        "my cat is long-haired, what's a haircut cost",
        "can I just walk in? I use a wheelchair",  # a need may change the answer
        "I'm pregnant, how much is a single process colour?",
        "how much is a blowout, my scalp is burning",  # harm, said of the caller
    ],
)
def test_what_a_story_says_that_may_change_the_answer_is_kept(index, question):
    assert answer_to(index, question) is None
