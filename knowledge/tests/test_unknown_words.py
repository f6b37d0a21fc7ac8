"""A word the matcher does not know counts against a match by how much it tells, instead of
vetoing it (issue 14): chat forms, fillers, false starts and slips of the pen or of speech-to-text
leave a known question answered, while a thing the salon does not know (a word of English no
fact covers, a name nobody wrote down) still sends the question to a person.

The rewordings are written for these tests (the probes of issue 14, and our own); none is from
an evaluation file.
"""

import pytest

from knowledge import matching, spelling
from knowledge.analysis import informativeness
from knowledge.matching import MATCH_THRESHOLD, UNKNOWN_SHARE_MAX, Document, Index
from knowledge.tests.support import seed_index

# The probes of issue 14: each scored 0.0 before; the plain wording beside it was answered.
ISSUE_PROBES = [
    ("How much is a beard trim", "how much is a beard trim pls", "$20"),
    ("Where are you located", "where r u located", "2150 Fillmore"),
    ("How much is a blowout", "How much is a blowout for my daughter?", "$55"),
    ("Can I pay by card", "can i pay by card or nah", "credit and debit cards"),
]


@pytest.mark.parametrize(("plain", "reworded", "fact"), ISSUE_PROBES)
def test_the_issue_probes_are_answered_like_their_plain_wording(index, plain, reworded, fact):
    plain_match, match = index.best(plain), index.best(reworded)
    assert plain_match.matched and match.matched, match.reason
    assert match.document == plain_match.document and fact in match.document.answer


ANSWERED = [
    # fillers, chat forms and courtesy
    ("thx, when do u close on saturday", "6 PM"),
    ("hiya, ur address?", "2150 Fillmore"),
    ("uh like how much is a men's cut you know", "$45"),
    ("ok so real quick, how much for a blowout", "$55"),
    # false starts and repeated words
    ("um do you — how much is a blowout", "$55"),
    ("how how much is a a beard trim", "$20"),
    ("what time do you, uh, what time do you open on sunday", "10 AM"),
    # slips toward the salon's own words
    ("how much is balayahge", "$240"),
    ("how much is a keratine treatment", "$300"),
    ("how much are hilights", "$190"),
    ("how much is a colr", "$120"),
    ("are you open on satuday", "9 AM"),
    # inflections the lexicon does not list, read through their lemma
    ("who is good with ringlets", "Priya"),
    ("anyone good at skin fades", "Sam"),
]


@pytest.mark.parametrize(("question", "fact"), ANSWERED)
def test_noise_around_a_known_question_leaves_it_answered(index, question, fact):
    match = index.best(question)
    assert match.matched, (question, match.score, match.reason)
    assert fact in match.document.answer


# Close to a known fact, asking something else: a word of English the salon's facts never say,
# a slip for such a word, or a name nobody wrote down.
TRAPS = [
    "how much is a shave",
    "how much is a shave pls",
    "do you do extensions",
    "do u do extensions or nah",
    "is there parking",
    "is there parkng nearby",
    "do you have a student discount",
    "how much is a haircut with a student discount",
    "how much is an olaplex treatment",
    "do you do olaplex",
    "can I get a blowout for my dog",
]


@pytest.mark.parametrize("question", TRAPS)
def test_what_the_salon_does_not_know_is_still_escalated(index, question):
    match = index.best(question)
    assert not match.matched, (question, match.score, match.document and match.document.question)


def test_an_unknown_word_weighs_by_its_share_of_the_question(index):
    # "zq" tells nothing; "qwzxv" could be the name of a thing: too much of a short question.
    assert index.analysis("how much is a beard trim zq").unknown == {"zq"}
    assert index.best("how much is a beard trim zq").matched
    named = index.best("how much is a qwzxv beard trim")
    assert index.analysis("how much is a qwzxv beard trim").unknown == {"qwzxv"}
    assert not named.matched and "does not know" in named.reason
    assert informativeness("r") == 0 and informativeness("pls") == 0.5 and informativeness("olaplex") == 1
    assert 0 < UNKNOWN_SHARE_MAX < 0.5


def test_a_word_of_english_is_never_set_aside_as_unknown(index):
    analysis = index.analysis("do you do extensions")
    assert "extension" in analysis.concepts and not analysis.unknown


def test_the_score_of_a_known_question_does_not_drop_for_a_filler(index):
    assert index.best("how much is a beard trim pls").score == index.best("How much is a beard trim").score
    assert index.best("how much is a beard trim pls").score >= MATCH_THRESHOLD


# --- spelling ------------------------------------------------------------------------------------


def test_lemmas_are_the_dictionary_forms():
    assert spelling.lemmas("ringlets") == ("ringlet",)
    assert "cut" in spelling.lemmas("cutting") and "child" in spelling.lemmas("children")
    assert spelling.lemmas("pls") == ()


def test_english_is_the_bundled_dictionary():
    assert spelling.is_english("parking") and spelling.is_english("extensions")
    assert not spelling.is_english("balayahge") and not spelling.is_english("pls")
    assert spelling.near_english("parkng") and not spelling.near_english("olaplex")


def test_a_slip_is_corrected_only_when_one_salon_word_is_clearly_meant():
    words = {
        "highlights": frozenset({"highlight"}),
        "heights": frozenset({"height"}),
        "color": frozenset({"color"}),
        "colour": frozenset({"color"}),
        "cart": frozenset({"cart"}),
        "card": frozenset({"card"}),
    }
    corrector = spelling.Corrector(words)
    assert corrector.correct("hilights") == "highlights"  # closer to highlights than to heights
    assert corrector.correct("colr") in ("color", "colour")  # two spellings, one meaning
    assert corrector.correct("carx") is None  # cart or card: ambiguous
    assert corrector.correct("ab") is None  # too short to guess


def test_a_corrector_corrects_only_toward_its_own_words_though_the_dictionary_is_shared():
    """Correctors share one growing dictionary (a rebuild adds only a new entry's words); what
    another corrector of the process holds is no candidate for this one."""
    spelling.Corrector({"heights": frozenset({"height"}), "highlights": frozenset({"highlight"})})
    only_highlights = spelling.Corrector({"highlights": frozenset({"highlight"})})
    assert only_highlights.correct("heigths") is None  # "heights" is another corrector's word
    assert only_highlights.correct("hilights") == "highlights"


def test_a_rebuilt_index_reads_the_meaning_of_only_the_words_a_new_entry_brought(monkeypatch):
    first = seed_index(Document(9001, "Do you sell quorbex shampoo?", "No, we do not sell quorbex.", "learned"))
    first.prepare_corrections()
    read: list[str] = []
    concepts_of = matching._concepts_of
    monkeypatch.setattr(
        matching, "_concepts_of", lambda word, vocabulary: read.append(word) or concepts_of(word, vocabulary)
    )
    documents = [entry.document for entry in first.entries]
    learned = Document(9002, "Do you sell zenthrope hair wax?", "Yes, zenthrope wax is on the shelf.", "learned")
    rebuilt = Index([*documents, learned], first.vocabulary, previous=first)
    rebuilt.prepare_corrections()
    assert sorted(read) == ["shelf", "zenthrope"]  # "sell", "hair" and "wax" were read before
    assert rebuilt.best("do you sell zenthrpoe wax").document == learned  # the new word is a slip's target


# --- a long turn, read as its question ---------------------------------------------------------

LONG_TURNS = [
    (
        "ok so my brother keeps saying he looks scruffy and wants it sorted, what do you charge for a beard trim?",
        "$20",
    ),
    ("we just moved to the neighbourhood last month, anyway, what time do you close on fridays?", "8 PM"),
    ("the balayage, how long does it take", "3 hours"),
]


@pytest.mark.parametrize(("question", "fact"), LONG_TURNS)
def test_a_long_turn_is_read_as_its_question(index, question, fact):
    match = index.best(question)
    assert match.matched and fact in match.document.answer, (question, match.reason)


@pytest.mark.parametrize(
    "question",
    [
        "I have tape extensions in, can you color them?",  # "them" points back to what is not known
        "my friend swears by olaplex, how much is that",
        "I had a rash after my last visit, anyway, what does a blowout cost?",  # a safety word anywhere
        "my son is 14 and growing fast, how much is a kids haircut?",  # an age anywhere
        "I'm thinking of getting my nails done, do you do that?",
        "my brother wants it sorted before the holidays, what do you charge for a beard trim?",  # a holiday said
    ],
)
def test_what_the_rest_of_a_long_turn_says_can_still_refuse(index, question):
    assert not index.best(question).matched, question
