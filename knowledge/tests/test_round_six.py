"""Round 6 of recall (issue 14): what a caller points at, and services said in their own words,
as general rules, each specified on wordings written for these tests (none is from an evaluation
file).

- Mending a colour ("fix my box dye") is colour correction; mending anything else is not.
- A question that points back at a result gone wrong somewhere else ("... who can sort that
  out?") points at the service named there, not at how it went wrong; a complaint about this
  salon still goes to a person.
- A chat with a colourist is a consultation, and names nobody asked for; "before I commit" only
  frames the question.
- "First" ending a clause means beforehand; before a noun it still qualifies it.
- A beard trimmed, said verb first ("tidy up my husband's beard"), is a beard trim.
- A relative "where" ("a page where I can ...") asks for no place.
- A phone paid with is a wallet, not the salon's number.
- One's "own" hair is nobody who owns the salon.
- Choosing among the team ("which of your stylists ...") asks for a person, not for the team.
- Vocabulary: walking in off the street, grey at the roots, straight and shiny, "nothing fancy".
"""

import pytest

from knowledge.analysis import analyse
from knowledge.tests.support import answer_to

JORDAN = "Jordan Alvarez"


# --- mending a colour ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question", ["who is best at fixing a box dye", "which of your stylists repairs a home dye job"]
)
def test_mending_a_colour_is_colour_correction(index, question):
    assert JORDAN in (answer_to(index, question) or ""), question


def test_mending_something_else_is_not_colour_correction(index):
    assert answer_to(index, "who can fix a haircut") is None
    assert answer_to(index, "can you fix my straighteners") is None


# --- choosing among the team ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question", ["which of your stylists does balayage", "do any of your hairdressers do balayage"]
)
def test_choosing_among_the_team_asks_for_the_person_who_does_it(index, question):
    assert JORDAN in (answer_to(index, question) or ""), question


def test_asking_for_the_team_itself_still_lists_it(index):
    assert "Priya" in (answer_to(index, "who are the stylists at your salon") or "")


# --- pointing back at a story -----------------------------------------------------------------------


def test_a_question_pointing_back_at_a_colour_gone_wrong_elsewhere_is_about_the_colour(index):
    turn = "a supermarket dye I did in my bathroom turned out streaky and green, who there could sort that out"
    assert JORDAN in (answer_to(index, turn) or "")


def test_a_colour_gone_wrong_here_still_goes_to_a_person(index):
    assert answer_to(index, "your colourist left my hair streaky and green, who there could sort that out") is None


# --- a chat before deciding --------------------------------------------------------------------------


def test_a_chat_with_a_colourist_is_a_consultation_and_asks_for_no_name(index):
    said = analyse("could I have a quick chat with a colorist, is that free")
    assert "consultation" in said.concepts and "?person" not in said.intents
    assert "free" in (answer_to(index, "could I have a quick chat with a colorist, is that free") or "")


def test_before_i_commit_only_frames_the_question(index):
    assert (
        analyse("what is a colour consultation before I commit").concepts
        == analyse("what is a colour consultation").concepts
    )


# --- first -----------------------------------------------------------------------------------------


def test_first_ending_a_clause_means_beforehand(index):
    assert "first" not in analyse("can I speak to someone about colour first, is there a fee").concepts
    assert "free" in (answer_to(index, "can I speak to someone about colour first, is there a fee") or "")


def test_first_before_a_noun_still_qualifies_it():
    assert "first" in analyse("is there a patch test before my first colour appointment").concepts


# --- a beard trimmed --------------------------------------------------------------------------------


@pytest.mark.parametrize("question", ["what would it cost to tidy up my husband's beard", "how long to trim his beard"])
def test_a_beard_trimmed_said_verb_first_is_a_beard_trim(index, question):
    assert "beard trim" in (answer_to(index, question) or "").lower(), question


def test_a_trim_alone_is_still_no_beard_trim(index):
    assert "beard" not in (answer_to(index, "how much to trim my fringe") or "").lower()


# --- where ------------------------------------------------------------------------------------------


def test_a_relative_where_asks_for_no_place(index):
    assert "?location" not in analyse("is there a web page where I can see your prices").intents
    assert "website" in (answer_to(index, "is there a page online where people can book") or "")


def test_where_asking_still_asks_for_the_place(index):
    assert "?location" in analyse("and where are you exactly").intents
    assert "Fillmore" in (answer_to(index, "and where are you exactly") or "")


# --- a phone paid with ------------------------------------------------------------------------------


@pytest.mark.parametrize("question", ["can my wife pay using her phone", "is apple pay on my iphone ok"])
def test_a_phone_paid_with_is_a_wallet(index, question):
    assert "?phone" not in analyse(question).intents, question
    assert "Apple Pay" in (answer_to(index, question) or ""), question


def test_the_salons_phone_is_still_its_number(index):
    assert "555-0142" in (answer_to(index, "what phone number do I ring") or "")


# --- one's own ---------------------------------------------------------------------------------------


def test_ones_own_hair_is_no_owner():
    assert "owner" not in analyse("I cut my own hair, can you tidy up the back").concepts
    assert "owner" in analyse("who owns the salon").concepts


# --- vocabulary -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("can I just walk in from the street", "Walk-ins are welcome"),
        ("my grey roots need doing, how much is that", "$95"),
        ("the one that leaves your hair smooth and shiny, how long does it take", "180 minutes"),
        ("a men's cut, nothing fancy, what's the price", "$45"),
    ],
)
def test_services_and_asks_said_in_callers_words(index, question, fact):
    assert fact in (answer_to(index, question) or ""), question
