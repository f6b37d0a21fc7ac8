"""What a general fact never answers is one rule, in knowledge.concerns: the words triage knows
harm, a result gone wrong, a complaint and money back by, and a few it weighs in context (pain,
sick, urgent, a lawyer). The matcher reads them from there, so a word triage learns is one the
matcher stops answering around, and the other way round."""

import pytest

from knowledge import concerns
from knowledge.analysis import analyse
from knowledge.tests.support import answer_to


@pytest.mark.parametrize(
    "family, word",
    [
        (concerns.HARM, "dizzy"),
        (concerns.HARM, "blistering"),
        (concerns.BAD_RESULT, "patchy"),
        (concerns.COMPLAINT, "disappointed"),
        (concerns.MONEY_BACK, "overcharged"),
        (concerns.ALSO_RISKY, "lawyer"),
    ],
)
def test_a_word_of_triage_s_families_is_a_risk_word_to_the_matcher(family, word):
    assert family.is_said_by(word)
    assert concerns.risky(word)
    assert analyse(f"I feel {word} about it").risky


@pytest.mark.parametrize(
    "question",
    [
        "I got dizzy after my perm, how much is a perm?",
        "I was overcharged for a haircut, what does a haircut cost?",
        "my colour came out patchy, how much is a colour?",
        "sick of waiting, what are your hours",
    ],
)
def test_a_general_fact_does_not_answer_a_question_that_says_one(index, question):
    match = index.best(question)
    assert not match.matched, match


def test_words_of_no_concern_are_not_risk_words(index):
    for word in ("price", "haircut", "saturday", "parking", "colour"):
        assert not concerns.risky(word)
    assert index.best("how much is a haircut?").matched


# --- a result gone wrong somewhere else ---------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("my old salon totally butchered my colour, who there does colour correction?", "Jordan"),
        ("I did a box dye at home and it's gone patchy, what's a single process color cost", "$120"),
        ("every stylist I've had ruins my curls. is anyone there good with curly hair", "Priya"),
    ],
)
def test_a_result_gone_wrong_somewhere_else_is_the_callers_story_not_a_complaint(index, question, fact):
    assert fact in (answer_to(index, question) or "")


@pytest.mark.parametrize(
    "question",
    [
        "you guys botched my colour on friday, who does colour correction?",  # a complaint to this salon
        "my last salon burned my scalp with bleach, who does colour correction?",  # harm, wherever it was
        "my old salon overcharged me for a patchy colour, what do you charge for colour?",  # money
    ],
)
def test_a_complaint_here_harm_or_money_is_never_set_aside(index, question):
    assert answer_to(index, question) is None


def test_elsewhere_is_read_only_in_the_clause_that_says_it():
    assert concerns.complaint_about_elsewhere("my last salon ruined it")
    assert not concerns.complaint_about_elsewhere("you ruined it")
    assert not concerns.complaint_about_elsewhere("at home my scalp is burning")


@pytest.mark.parametrize(
    "question",
    [
        "I got charged a no-show fee",  # money going the wrong way, in a phrase of ordinary words
        "they charged me twice for a blowout, how much is it meant to be?",
        "some of the bleach got in my eye, what time do you close?",  # harm, in a phrase
    ],
)
def test_harm_or_money_said_in_a_phrase_is_a_risk_as_a_word_is(index, question):
    assert answer_to(index, question) is None


def test_a_complaints_phrase_alone_is_triages_context_not_a_refusal(index):
    """ "20 minutes late" is a complaint's phrase to triage; asked as a policy it is the policy."""
    assert "15 minutes" in (answer_to(index, "what happens if I'm 20 minutes late?") or "")
