"""What a general fact never answers is one rule, in knowledge.concerns: the words triage knows
harm, a result gone wrong, a complaint and money back by, and a few it weighs in context (pain,
sick, urgent, a lawyer). The matcher reads them from there, so a word triage learns is one the
matcher stops answering around, and the other way round."""

import pytest

from knowledge import concerns
from knowledge.analysis import Vocabulary, analyse
from knowledge.matching import Document, Index
from knowledge.seed import build_facts, load_profile


@pytest.fixture(scope="module")
def index():
    profile = load_profile()
    documents = [Document(i, f.question, f.answer, "seed") for i, f in enumerate(build_facts(profile), start=1)]
    return Index(documents, Vocabulary.from_profile(profile))


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
