"""The matcher on plain documents (no database): paraphrases of known facts are answered with
the fact, unknown things are never answered, learned answers match their own and close wording.

None of these sentences is from the eval set; they probe that matching generalises.
"""

import pytest

from knowledge.matching import MATCH_THRESHOLD, Document, Index, Vocabulary, analyse, clauses, stem
from knowledge.seed import build_facts, load_profile


@pytest.fixture(scope="module")
def profile():
    return load_profile()


@pytest.fixture(scope="module")
def index(profile):
    documents = [Document(i, f.question, f.answer, "seed") for i, f in enumerate(build_facts(profile), start=1)]
    return Index(documents, Vocabulary.from_profile(profile))


ANSWERED = [
    ("um so like what are your hours", ["10 AM"]),
    ("What are your hours of operation?", ["10 AM"]),
    ("What time do you open on Tuesdays?", ["10 AM"]),
    ("How late are you open on Friday?", ["8 PM"]),
    ("Are you guys open on Wednesday?", ["7 PM"]),
    ("Are you closed on Monday?", ["closed"]),
    ("What are your weekend hours?", ["9 AM", "4 PM"]),
    ("Do you open on New Year's Day?", ["closed"]),
    ("Are you open on Thanksgiving?", ["closed"]),
    ("How much is a beard trim?", ["$20"]),
    ("What's the cost of a root touch-up?", ["$95"]),
    ("How much for a blow dry?", ["$55"]),
    ("How long is a men's cut?", ["30 minutes"]),
    ("What do you charge for partial highlights?", ["$140"]),
    ("How much are highlights?", ["$190", "$140"]),
    ("How much is a haircut?", ["$85", "$45", "$30"]),
    ("How much does single process colour cost?", ["$120"]),
    ("What's the price for a gents haircut?", ["$45"]),
    ("What services do you offer?", ["balayage"]),
    ("What neighborhood are you in?", ["Pacific Heights"]),
    ("What's your address?", ["Fillmore"]),
    ("What's the number to call you?", ["555-0142"]),
    ("Can I book online?", ["website"]),
    ("Who owns Glow and Shear?", ["Maya"]),
    ("Who should I see for balayage?", ["Jordan"]),
    ("Which stylist does curly hair?", ["Priya"]),
    ("Do you have a barber?", ["Sam"]),
    ("Who are your stylists?", ["Maya", "Jordan", "Priya", "Sam"]),
    ("How far in advance do I need to cancel?", ["24 hours"]),
    ("Do you charge for no-shows?", ["50%"]),
    ("Can I pay by check?", ["not accept checks"]),
    ("Do you take Google Pay?", ["Google Pay"]),
    ("Can I just walk in?", ["Walk-ins"]),
    ("Is a deposit required for color?", ["$50"]),
    ("How long is a color consultation?", ["15 minutes"]),
    ("Do I need an allergy test?", ["48 hours"]),
    ("Should I leave a tip?", ["appreciated"]),
    ("What if I show up 20 minutes late?", ["15 minutes"]),
    ("What if I don't show up?", ["50%"]),
    ("Do you have a colorist?", ["Jordan"]),
    ("Who cuts men's hair?", ["Sam"]),
    ("How do I get to the salon?", ["Fillmore"]),
    ("What time do you open Monday?", ["closed"]),
    ("What forms of payment do you take?", ["cash"]),
]

UNKNOWN = [
    "Is there street parking?",
    "Can I buy a gift certificate?",
    "Do you sell shampoo?",
    "Do you have a ramp for wheelchairs?",
    "Do you have a senior discount?",
    "Do you do pedicures?",
    "Are dogs allowed?",
    "Do you do tape-in extensions?",
    "Do you have a rewards program?",
    "Is the wifi free?",
    "How much is a perm?",
    "Do you do Brazilian blowouts?",
    "How much is a men's color?",
    "How much is a haircut for long hair?",
    "How much is color correction?",
    "Do you have any specials?",
    "Are you open on Easter?",
    "Are you open on Christmas Eve?",
    "Are you open today?",
    "When did you open?",
    "Do you have any openings on Friday?",
    "Can I get an appointment on Saturday?",
    "Is Sam available on Saturday?",
    "Does Priya work Sundays?",
    "Is Maya in today?",
    "Does Sam do color?",
    "Do you have a male stylist?",
    "How many stylists do you have?",
    "What's Maya's phone number?",
    "Can I bring my own color?",
    "Do you take new clients?",
    "I'm allergic to hair dye, what should I do?",
    "My head itches after my color",
    "I want to complain about my haircut",
    "Can I get a refund?",
    "Do you accept Venmo?",
    "Do you have evening appointments?",
    "Do you do same-day appointments?",
    "What kind of color do you use?",
    "Is it free?",
    "Are you hiring stylists?",
    "How much?",
    "Hello?",
]


@pytest.mark.parametrize(("question", "facts"), ANSWERED)
def test_paraphrases_of_known_facts_are_answered(index, question, facts):
    match = index.best(question)
    assert match.matched, f"missed: {match.reason} ({match.score})"
    assert MATCH_THRESHOLD <= match.score <= 1
    for fact in facts:
        assert fact.lower() in match.document.answer.lower(), match.document.answer


@pytest.mark.parametrize("question", UNKNOWN)
def test_unknown_things_are_not_answered(index, question):
    match = index.best(question)
    assert not match.matched, f"answered with {match.document.answer!r} ({match.reason})"
    assert match.score < MATCH_THRESHOLD


LEARNED = [
    (
        "Is there a parking lot?",
        "Yes, a free lot behind the building.",
        ["Is there a parking lot?", "is there a parking lot", "Do you have a parking lot?", "Can I park in your lot?"],
    ),
    (
        "Do you sell gift certificates?",
        "Yes, at the front desk, in any amount.",
        ["Can I buy a gift certificate?", "Do you sell gift certificates"],
    ),
    (
        "Do you offer a discount for seniors?",
        "Yes, 10% off on weekdays.",
        ["Is there a senior discount?", "Do seniors get a discount?"],
    ),
    ("Do you do nails?", "No.", ["Do you do nails?", "do you do nails"]),
]


def test_learned_answers_match_their_own_and_close_wording(profile):
    documents = [Document(i, f.question, f.answer, "seed") for i, f in enumerate(build_facts(profile), start=1)]
    learned = [Document(1000 + i, q, a, "learned") for i, (q, a, _) in enumerate(LEARNED)]
    index = Index(documents + learned, Vocabulary.from_profile(profile))
    for document, (_, _, wordings) in zip(learned, LEARNED, strict=True):
        for wording in wordings:
            match = index.best(wording)
            assert match.matched and match.document == document, (wording, match)
    assert index.best("Is there a parking lot?").score == 1.0
    # a learned answer does not leak into other questions
    assert not index.best("Do you do pedicures?").matched
    assert index.best("How much is a beard trim?").document.source == "seed"


def test_the_newest_of_two_answers_to_the_same_question_wins():
    index = Index([Document(1, "Do you do nails?", "No."), Document(2, "Do you do nails?", "Yes, since May.")])
    assert index.best("Do you do nails?").document.id == 2


def test_an_empty_index_matches_nothing():
    match = Index([]).best("What are your hours?")
    assert (match.matched, match.document) == (False, None)


def test_stemming_meets_word_forms():
    assert stem("closing") == stem("closed") == stem("close")
    assert stem("cutting") == "cut"
    assert stem("highlights") == "highlight"
    assert stem("accessible") == stem("access")
    assert stem("bring") == "bring"


def test_analysis_reads_slots_and_intents(profile):
    vocabulary = Vocabulary.from_profile(profile)
    analysis = analyse("Um, how much is a guy's haircut on weekends with Jordan?", vocabulary)
    assert {"audience:men", "day:saturday", "day:sunday", "person:jordan-alvarez", "haircut"} <= analysis.concepts
    assert analysis.intents == {"?price"}
    assert "audience:men" not in analyse("Are you guys open?", vocabulary).concepts
    assert "availability" in analyse("Is Sam working Friday?", vocabulary).concepts
    assert "availability" not in analyse("How does the deposit work?", vocabulary).concepts


def test_list_items_stay_apart():
    assert clauses("We accept cash, cards and Apple Pay. We do not accept checks.") == [
        "We accept cash",
        "cards and Apple Pay.",
        "We do not accept checks.",
    ]
    assert clauses("A $1,200 fee; then more.") == ["A $1,200 fee", "then more."]
