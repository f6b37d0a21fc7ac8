"""Round 9 of recall (issue 14), from the blind set dev_voices_7: asides, sums of money, stated
sentences about the caller, and courtesy and dialect words, as general rules, each specified on
wordings written for these tests (none is from an evaluation file).

- A clause that asks nothing and says nothing any entry says is an aside ("sorry, the kettle's
  going"), and what is left is what is asked.
- Numbers said in words beyond twenty are their digits; a sum of money asks for the price, so a
  caller checking a figure ("it's ninety-five dollars, right?") gets the entry's own price.
- A stated sentence about the caller ("I have fine hair") is never the question asked, and what
  it says does not add to what is asked.
- In speech written without marks, "i" after a content word starts a new clause.
- "sit" is not "site": a stem that only drops a final "e" and is another word means nothing of it.
- Vocabulary: polite forms ("I should be most grateful if ..."), dialect ("yous", "fella", "grand"),
  what a thing "runs", closing as "locking up", "crying off", never turning up.
"""

import pytest

from knowledge.analysis import _turn_parts, _words, analyse, asides
from knowledge.tests.support import answer_to

# --- asides ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("turn", "fact"),
    [
        ("how much is a beard trim - sorry, the kettle's whistling - and is it quick?", "$20"),
        ("what time do you open on Sunday, my neighbour's music is blaring, sorry", "10"),
        ("how long does a balayage take, the traffic here is dreadful", "180"),
    ],
)
def test_an_aside_that_says_nothing_of_the_salon_is_left_out(index, turn, fact):
    assert fact in (answer_to(index, turn) or ""), turn


def test_an_aside_is_only_a_clause_that_asks_nothing():
    parts = asides("how much is a blowout - sorry, the baby's crying - and do you take cards?")
    assert [asking for _, asking in parts] == [True, False, False, True]


@pytest.mark.parametrize(
    "turn",
    [
        # the clause that asks is about something no entry has: nothing is left to answer
        "how much is a perm - sorry, the kettle's whistling",
        # a clause with a safety word is never an aside, nor one with an animal or a need
        "how much is a blowout, my scalp is burning",
        "what time do you open on Sunday, I'll have my dog with me",
        # said before a question that points back, it may be what is pointed to
        "I wear a hairpiece, can you cut it?",
        # a clause that asks, even about something unknown, is kept
        "how much is a blowout, and do you sell hairspray?",
    ],
)
def test_what_an_aside_rule_must_not_drop_stays_escalated(index, turn):
    assert answer_to(index, turn) is None, turn


# --- numbers in words, sums of money -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("said", "digits"),
    [
        ("one hundred and ninety dollars", ["190", "dollars"]),
        ("a hundred and fifty bucks", ["150", "bucks"]),
        ("two hundred forty", ["240"]),
        ("ninety-five", ["95"]),
        ("three hundred", ["300"]),
    ],
)
def test_numbers_said_in_words_are_their_digits(said, digits):
    assert _words(said) == digits


def test_one_alone_stays_a_word():
    assert _words("one of your stylists") == ["one", "of", "your", "stylists"]


@pytest.mark.parametrize(
    ("turn", "fact"),
    [
        ("a root touch-up is ninety-five dollars, right?", "$95"),
        ("Is the balayage still $240 or has it gone up?", "$240"),
        ("is a beard trim twenty bucks", "$20"),
    ],
)
def test_a_sum_of_money_asks_for_the_price(index, turn, fact):
    assert fact in (answer_to(index, turn) or ""), turn


def test_a_sum_of_money_for_something_unknown_is_escalated(index):
    assert answer_to(index, "is a perm about a hundred and twenty dollars?") is None


# --- sentences about the caller ----------------------------------------------------------------------


def test_a_sentence_about_the_caller_is_not_the_question(index):
    # "curly hair" is Priya's specialty, but the caller asked about the product
    turn = "Is your keratin treatment vegan? I have curly hair and I'm picky about ingredients."
    assert answer_to(index, turn) is None


def test_what_a_sentence_about_the_caller_says_is_not_added_to_the_question(index):
    turn = "Do you have an email address? I'm not good on the phone, if I'm honest."
    assert "hello@glowandshear.example" in (answer_to(index, turn) or "")


# --- clauses in speech without marks -----------------------------------------------------------------


def test_an_unmarked_i_after_a_content_word_starts_a_clause():
    assert _turn_parts("how long is a blowout i have a meeting at two") == [
        "how long is a blowout",
        "i have a meeting at two",
    ]


@pytest.mark.parametrize(
    "turn", ["can i come in if i am late", "what can i book online", "do you think i need a patch test"]
)
def test_i_after_a_word_that_leads_it_stays_in_the_clause(turn):
    assert _turn_parts(turn) == [turn]


def test_an_unmarked_statement_after_the_question_is_left_out(index):
    turn = "how long does a blowout take i have a dinner at eight and the babysitter is booked"
    assert "45" in (answer_to(index, turn) or "")


# --- false friends of a stem -------------------------------------------------------------------------


def test_sit_is_not_site(index):
    assert "website" not in analyse("he can't sit still").concepts
    assert answer_to(index, "my son won't sit still") is None


def test_site_is_still_the_website(index):
    assert "glowandshear.example" in (answer_to(index, "what's your site?") or "")


# --- courtesy, dialect and idiom ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("turn", "fact"),
    [
        ("I would be most grateful if you could kindly confirm your Sunday closing hour.", "4"),
        ("May I enquire as to the proprietor's name?", "Maya"),
        ("are yous open on a Sunday at all", "10"),
        ("what's a haircut for a bloke", "$45"),
        ("grand, and what does a balayage run?", "$240"),
        ("what time do you lock up on a Friday?", "8"),
        ("honey, what're you chargin' for a blowout?", "$55"),
        ("how much money is a deep conditioning treatment", "$40"),
        ("how much time should I set aside for a keratin treatment?", "180"),
        ("if I cry off my booking how much notice do you need", "24"),
        ("what happens if I never turned up to my appointment, is there a fee?", "50%"),
        ("how much for my little fella's haircut, he's six", "$30"),
        ("who is your best guy for beard trims", "Sam"),
        ("is there an email I can drop you a line at?", "hello@glowandshear.example"),
    ],
)
def test_courtesy_dialect_and_idiom(index, turn, fact):
    assert fact in (answer_to(index, turn) or ""), turn
