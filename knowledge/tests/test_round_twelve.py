"""Round 12 of recall (issue 14), from the blind set dev_voices_12: how a turn is read, and the
words of other Englishes, as general rules, each specified on wordings written for these tests
(none is from an evaluation file). A turn that asks two things at once has its own file,
test_answers_in_parts.py.

- A question that points back ("how much is it for a girl that age?") is asked of what the
  nearest clause before it names that an entry's question may name (the haircut), unless the
  turn complains of this salon: then a person answers.
- "The salon is open or it is closed?": an "it" after the salon in the same clause is the salon.
- Sentences that tell: a need that is the caller's own errand ("I'll need to arrange a sitter"),
  not knowing something ("I don't know the holidays here"), a reason after "cos"; and, in a turn
  with no question mark, a clause telling of the caller ("..., I will ring back in the
  afternoon"), whose day or part of the day qualifies only a question of time. Hoping, wanting
  to check and finding out still ask; what someone else wants ("my nan wants ...") tells.
- A salon word speech-to-text heard as two words ("cancel nation", "web sight") is joined again;
  two words with a small one among them never are ("on Saturday"), nor into a form of one of
  them ("open new").
- Vocabulary (its "round 12" block): a caller hedging ("I could be wrong, but ..."), courtesy and
  intensifiers of other Englishes ("heaps", "I'd appreciate"), the Australian arvo and knocking
  off, a website's address, a child "that age".
"""

import pytest

from knowledge.tests.support import answer_to, seed_index


@pytest.fixture(scope="module")
def index():
    return seed_index()


@pytest.mark.parametrize(
    ("turn", "fact"),
    [
        (
            "Hi, my little girl is five and it's her first proper haircut at a salon - "
            "how much is it for a girl that age?",
            "$30",
        ),
        ("For Christmas, the salon is open or it is closed? I do not know the English holidays very well.", "closed"),
        ("New Year's Day, the place is open or it is shut? I don't know the local holidays.", "closed"),
    ],
)
def test_a_clause_that_points_back_is_asked_of_what_it_points_to(index, turn, fact):
    assert fact in (answer_to(index, turn) or "")


@pytest.mark.parametrize(
    "turn",
    [
        "My colour went patchy within days and I want it put right",
        "my balayage went brassy in a fortnight and I want it fixed",
        "Easter Sunday, the shop is open or it is closed?",  # no holiday the salon names
    ],
)
def test_a_complaint_or_an_unknown_day_still_goes_to_a_person(index, turn):
    assert answer_to(index, turn) is None


@pytest.mark.parametrize(
    ("turn", "fact"),
    [
        ("How long does a balayage take? I'll need to sort the wee one's childcare.", "3 hours"),
        ("On New Year's Day the salon is open or it is closed? I do not know the customs here.", "closed"),
        ("what time do ye open on a Saturday, cos I start work at ten", "9 AM"),
        ("Please give me the phone number of the salon, I will ring back in the afternoon.", "555-0142"),
        ("I was hoping to find out how late you're open on Thursdays.", "8 PM"),
        ("I wanted to check whether you take Apple Pay, I'll call back.", "Apple Pay"),
        ("Are you open on Christmas Day? My nan wants her hair done before the whole family arrives.", "closed"),
    ],
)
def test_what_only_tells_of_the_caller_does_not_change_the_question(index, turn, fact):
    assert fact in (answer_to(index, turn) or "")


@pytest.mark.parametrize(
    ("turn", "fact"),
    [
        ("How does cancel nation work at your place?", "24 hours"),
        ("what's the web sight address", "glowandshear.example"),
        ("how much is the kera tin smoothing", "$300"),
    ],
)
def test_a_salon_word_heard_as_two_is_joined_again(index, turn, fact):
    assert fact in (answer_to(index, turn) or "")


@pytest.mark.parametrize(
    ("turn", "kept"),
    [
        ("do you open on saturday", "open on saturday"),
        ("do you open new clients", "open new"),
        ("the colour isn't right", "colour isn't"),
        ("face looks", "face looks"),
    ],
)
def test_two_words_are_not_joined_into_a_form_of_one_or_across_a_small_word(index, turn, kept):
    assert kept in index._rejoined(turn)


@pytest.mark.parametrize(
    ("turn", "fact"),
    [
        ("I could be wrong, but is the bridal deposit fifty dollars?", "$50"),
        ("Correct me if I'm wrong, but a men's cut is forty-five?", "$45"),
        ("Can I walk in or do I heaps need to book?", "Walk-ins"),
        ("I'd appreciate the salon's email address", "hello@glowandshear.example"),
        ("What time do you knock off on Sundays?", "4 PM"),
        ("are you open Tuesday arvo", "7 PM"),
        ("what's your web address", "glowandshear.example"),
        ("how much is the prize for a beard trim", "$20"),
        ("I bought a dye kit at the chemist, would your stylist put it on for me?", None),
    ],
)
def test_words_of_other_voices(index, turn, fact):
    """`None`: no answer (asking whether a stylist would do a thing is no question of who works there)."""
    answer = answer_to(index, turn)
    assert answer is None if fact is None else fact in (answer or "")


@pytest.mark.parametrize(
    ("turn", "fact"),
    [
        ("Do you do beard trims at all? I'd only want the beard tidied, not a haircut.", "$20"),
        ("How much for a men's cut? Not the beard.", "$45"),
        ("Not sure if you do balayage, how much is it?", "$240"),
        ("How much? A men's cut.", "$45"),
    ],
)
def test_a_clause_that_only_refuses_is_never_the_question_and_a_frame_before_asks_of_the_next(index, turn, fact):
    assert fact in (answer_to(index, turn) or "")


@pytest.mark.parametrize(
    ("turn", "facts"),
    [
        ("Which one is quicker, a beard trim or a men's cut?", ["15 minutes", "30 minutes"]),
        ("is a kids cut cheaper than a men's cut", ["$30", "$45"]),
    ],
)
def test_a_comparison_of_two_services_is_answered_by_each_ones_figure(index, turn, facts):
    answers = " ".join(match.document.answer for match in index.answers_in_parts(turn))
    assert all(fact in answers for fact in facts)


def test_not_wanting_something_asks_nothing(index):
    turn = "Something came up and I don't want to get charged, how much notice do you need if I cancel?"
    assert "24 hours" in (answer_to(index, turn) or "")
