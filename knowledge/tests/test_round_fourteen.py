"""Round 14 of recall (issue 14), from the blind set dev_voices_15: other Englishes, a question that
points back, and money gone wrong somewhere else, as general rules, each specified on wordings
written for these tests (none is from an evaluation file).

- Scots and Irish forms of small words ("ma wee boy", "wi", "yer", "d'ye", "yous"), terms of
  address ("hen", "madam") and tags ("so it is") carry nothing; "ma" before whom or what it is the
  caller's is "my", so the clause still tells of the caller. A hedge on a figure ("the
  approximate only"), "kindly inform" and "prior to" ask nothing more.
- Jamaican forms of small words and greetings ("wah gwaan", "unnu", "pon", "wid", "deh") carry
  nothing, and "mi" before what the caller does or has is "I".
- A cleft ("is it you that's open on a Sunday?") puts an "it" and a "that" before what is said,
  and "one of" a group ("which one of your stylists") a "one": none points back at anything.
- Of a turn asking two questions, one that names nothing and points back ("Does Jordan do
  balayage, and what does it cost?") asks about the services the question before it names; and a
  question that names nothing after a story the caller told ("my daughter keeps on about partial
  highlights. what would that cost?") asks of what the story names.
- Money gone wrong at another salon is the caller's story, not a dispute with this one; harm said
  anywhere still goes to a person, and so does money gone wrong here.
- "Senior" said of people ("seniors", "a senior discount", "pensioners") is their age, a concept of
  its own: a senior colorist is senior by rank, so a pensioner is never told who Jordan is.
- A length said as a guess at the answer ("an hour and a half?"), why the caller asks ("so I know
  when to leave"), a child scolded mid-turn ("Max, stop that, daddy's on the phone"), where on
  the head a service goes, and when the caller's companion would sit ("while I get my cut") are
  not what is asked; a salon's "partials" are partial highlights; "how late can we be" asks of
  arriving late, as "how late can I be" does.
- Vocabulary for learned answers: a brolly is an umbrella, a jacket a coat, a loo a restroom, a
  nappy or a diaper a baby's change; a house or someone's place is their home and a stylist
  coming round a visit; someone coming along is someone brought; a college ID card is a student
  card; points and rewards for regulars are a loyalty scheme, lipstick and foundation makeup,
  painted fingernails nails, a power chair getting in, a practice run a trial, the front door
  the entrance. "Just inside the front door" and "by the window" say where something is.
- "Sat" after "and" or before "with", "down" or "beside" is the verb, not Saturday.
- Triage: a standing allergy told ("I'm allergic to latex") and a condition of the body
  ("pregnant", "breastfeeding") asked about are a question for a person (medium), not an
  emergency; "I don't want a reaction" asks beforehand; a second charge is a billing problem.

From dev_voices_16 (scored blind first), the second part:

- A clause set at another salon that asks nothing ("the last place I went to used foils and ...")
  is the caller's story, even inside a sentence that asks; one set here still goes to a person,
  and "wrecked" and "spoilt" are a result gone wrong.
- "She" may point to a friend or a neighbour as it does to a relative; a clause naming a staff
  member speaks of a stylist; "this time" points at nothing.
- A correction takes back a slot said with the word it is the kind of ("the full highlights - no,
  sorry, the partial ones"); an "or" offers alternatives up to five words before the next thing
  ("apple pay or is it like only cards"); "reckon", "proper", "like the rest of the week", a
  stroller brought along, "written correspondence" carry nothing; the earliest the salon opens is
  its hours.
- Vocabulary for learned answers: push-bikes (and locking one up is no closing time), out front,
  sign language, pics for Instagram, a biscuit for the kids, the wash products at the sink.
- Triage: head lice and nits are a question for a person.

From dev_voices_17 (scored blind first), the third part: questions said one after another with
commas are each answered; a service heard as two words ("bali age") is the service; a tag asking to
confirm ("..., correct?") is dropped; whom a service is for, said only in the story, changes no
hours; a question naming nothing after a story asks of the story's services; "can I still ..."
says nothing is happening; a call cut off is no cut; tinting eyebrows is no colour service.

From dev_voices_18 (scored blind at the round's end, then tuned on): a result gone wrong somewhere
else told over a whole sentence of the story excuses each of its clauses that does not speak of
this salon; whether the staff get a holiday off asks the hours; a street or building number is the
address; "enough?" and "I read somewhere" ask nothing more; permanent waves, hair tattoos,
somewhere to sit, and sending someone your way, for what supervisors teach.
"""

import pytest

from helprequests.triage import triage
from knowledge.matching import Document
from knowledge.tests.support import answer_to, seed_index


@pytest.fixture(scope="module")
def index():
    return seed_index()


@pytest.mark.parametrize(
    ("turn", "fact"),
    [
        ("how much for ma wee boy's haircut?", "$30"),
        ("who's yer best fur curly hair, so it is?", "Priya"),
        ("what's the price of a balayage, madam? the approximate only.", "$240"),
        ("d'ye do a blowout, hen? how much is it?", "$55"),
        ("Kindly inform how many hours prior to colour the patch test must be done.", "48 hours"),
    ],
)
def test_other_englishes_small_words_and_address_carry_nothing(index, turn, fact):
    assert fact in (answer_to(index, turn) or "")


@pytest.mark.parametrize(
    ("turn", "fact"),
    [
        ("wah gwaan, unnu open pon a Saturday?", "9 AM"),
        ("Mi have tight coils, mi need a cut. Which one a unnu stylists best wid curly hair?", "Priya"),
    ],
)
def test_jamaican_small_words_and_greetings_carry_nothing(index, turn, fact):
    assert fact in (answer_to(index, turn) or "")


def test_one_of_a_group_points_back_at_nothing(index):
    turn = "My hair is thick and curly. Which one of your stylists is best with curls?"
    assert "Priya" in (answer_to(index, turn) or "")


def test_ma_before_the_callers_own_still_tells_of_the_caller(index):
    turn = "is it yous that's open on a Sunday? ma sister's only free at the weekend."
    assert "4 PM" in (answer_to(index, turn) or "")


def test_a_cleft_points_back_at_nothing(index):
    turn = "is it you that's open on a Sunday? my sister's only free on Sundays."
    assert "10 AM" in (answer_to(index, turn) or "")


def test_a_cleft_naming_the_wrong_stylist_still_goes_to_a_person(index):
    assert answer_to(index, "is it Maya who does the balayage?") is None


def test_a_question_pointing_back_asks_of_the_services_before_it(index):
    answers = [
        match.document.answer for match in index.answers_in_parts("Does Jordan do balayage, and what does it cost?")
    ]
    assert len(answers) == 2
    assert "Jordan" in answers[0] and "$240" in answers[1]


def test_a_question_pointing_back_at_no_service_is_not_read_in_parts(index):
    assert index.answers_in_parts("Is Sam in on Saturdays, and what does it cost?") == []


@pytest.mark.parametrize(
    ("turn", "fact"),
    [
        ("My daughter keeps on about partial highlights for her birthday. What would that cost?", "$140"),
        ("My husband has been talking about a beard trim for weeks. How long does that take?", "15 minutes"),
    ],
)
def test_a_question_naming_nothing_asks_of_the_story_told(index, turn, fact):
    assert fact in (answer_to(index, turn) or "")


def test_a_story_of_a_result_gone_wrong_here_still_goes_to_a_person(index):
    turn = "My sister had full highlights with you and they went green. What will that cost to fix?"
    assert answer_to(index, turn) is None


def test_money_gone_wrong_at_another_salon_is_the_callers_story(index):
    turn = (
        "my cousin got charged twice at another salon when she missed a booking, so what do you charge for a no-show?"
    )
    assert "no-show" in (answer_to(index, turn) or "")


def test_money_gone_wrong_here_still_goes_to_a_person(index):
    assert answer_to(index, "I got charged twice by you, so what is your no-show charge?") is None


@pytest.mark.parametrize(
    "turn", ["do pensioners get a discount?", "Seniors?", "is there a senior discount for my dad?"]
)
def test_senior_said_of_people_is_their_age_not_a_stylists_rank(index, turn):
    assert answer_to(index, turn) is None


def test_a_senior_colorist_is_still_senior_by_rank(index):
    assert "Jordan" in (answer_to(index, "who is your senior colorist?") or "")


@pytest.mark.parametrize(
    ("turn", "fact"),
    [
        ("how long are partial highlights? an hour and a half?", "120 minutes"),
        ("how long is a men's haircut, so I know when to leave?", "30 minutes"),
        ("how much is a beard trim — Max, stop that, daddy's on the phone — for my husband?", "$20"),
        ("how much are the highlights partial, only in some parts of the head?", "$140"),
        ("what do you charge for partials?", "$140"),
        ("how late can they be before you shorten the appointment?", "15 minutes"),
    ],
)
def test_what_is_said_around_the_question_is_not_asked(index, turn, fact):
    assert fact in (answer_to(index, turn) or "")


def test_when_a_companion_would_sit_is_no_question_of_a_haircut(index):
    assert answer_to(index, "would it be fine if my friend sat beside me while I get my cut?") is None


@pytest.mark.parametrize(
    ("lesson", "wording"),
    [
        # other Englishes and other words (dev_voices_15)
        (("Is there an umbrella stand?", "Yes, there's one just inside the front door."), "any stand for my brolly?"),
        (("Where can I leave my coat?", "On the rack by the window."), "where do I put my jacket?"),
        (("Is there a baby changing table?", "Yes, a fold-down one in the restroom."), "can I change a nappy there?"),
        (
            ("Do you do home visits?", "No, all our services are done at the salon."),
            "would a stylist come round to my house?",
        ),
        (
            ("Can I bring my partner to my appointment?", "Yes, one guest may wait with you."),
            "can my partner come along?",
        ),
        (
            ("Do you have a student discount?", "Yes, 10% off with a valid student ID."),
            "is there a reduction if I show my college ID card?",
        ),
        # points, lipstick, fingernails, a power chair, a practice run (dev_voices_12 to _14)
        (("Do you have a loyalty scheme?", "Yes, a stamp card: every tenth cut is free."), "do regulars earn points?"),
        (("Do you do makeup?", "Yes, makeup for events is $75."), "could someone do my lipstick and foundation?"),
        (("Do you do nails?", "Yes, the spa next door does manicures."), "can I get my fingernails painted?"),
        (
            ("Can wheelchair users get into the salon?", "Yes, the entrance is step-free."),
            "my dad uses a power chair, are there steps at the front door?",
        ),
        (
            ("Do you do a bridal trial?", "Yes, a trial four weeks before the wedding."),
            "can I have a bridal practice run?",
        ),
        # bikes, signing, photos, snacks, the sink (dev_voices_16)
        (
            ("Is there a bike rack?", "Yes, a bike rack right outside our front door."),
            "where can I leave my push-bike?",
        ),
        (("Does anyone know sign language?", "Sam knows ASL."), "is there a stylist I can sign with?"),
        (
            ("Can I take photos of my hair for social media?", "Of course, there's a selfie mirror by the window."),
            "can I snap some pics of my hair for Instagram?",
        ),
        (("Do you have snacks for kids?", "Yes, juice boxes and crackers at the desk."), "can my kids have a biscuit?"),
        (
            ("Can I buy the shampoo you use?", "Yes, we sell it at the desk."),
            "do you sell the wash products from the sink?",
        ),
        # everyday words (dev_voices_17)
        (("Do you take group bookings?", "Yes, up to six people at once; call ahead."), "can you book a party of us?"),
        (("Do you serve drinks?", "Yes, tea, coffee and water while you wait."), "do you give you a glass of wine?"),
        (("Is the salon air-conditioned?", "Yes, it's air-conditioned all year."), "do you have air con?"),
        # a day of calls (dev_voices_18)
        (("Do you do perms?", "Yes, Priya does perms from $150."), "do you still do permanent waves?"),
        (("Can you shave a design into hair?", "Yes, Sam shaves designs."), "do you do hair tattoos?"),
        (("Is there a waiting area?", "Yes, a seating area by the window."), "is there somewhere to sit while I wait?"),
        (
            ("Do you have a referral reward?", "Yes, $10 off for you both."),
            "if I send someone your way, is there a reward?",
        ),
    ],
)
def test_what_supervisors_teach_is_found_in_callers_words(lesson, wording):
    learned = Document(900, *lesson, "learned")
    assert answer_to(seed_index(learned), wording) == learned.answer


def test_a_home_on_the_house_is_free_not_a_visit():
    learned = Document(900, "Do you do home visits?", "No, all our services are done at the salon.", "learned")
    assert answer_to(seed_index(learned), "is the consultation on the house?") != learned.answer


@pytest.mark.parametrize(
    "turn", ["my mum came and sat with me last time", "my friend sat next to me", "my friend sat with me"]
)
def test_sat_after_and_or_before_where_is_the_verb(index, turn):
    assert "day:saturday" not in index.analysis(turn).concepts


@pytest.mark.parametrize(
    ("turn", "priority"),
    [
        ("I'm breastfeeding, is it safe to bleach my hair?", "medium"),
        ("I'm allergic to ammonia, is your colour ammonia-free?", "medium"),
        ("I don't want a reaction on my scalp, is the toner gentle?", "medium"),
        ("I'm allergic to peroxide and my scalp is blistering", "urgent"),
        ("I think I'm allergic to the toner you used", "urgent"),
        ("my bank shows a second charge from you for one haircut", "high"),
    ],
)
def test_a_condition_told_or_asked_about_is_for_a_person_and_harm_happening_is_urgent(turn, priority):
    assert triage(turn).priority == priority


# --- second part, from the blind set dev_voices_16 ------------------------------------------------


def test_a_story_set_at_another_salon_that_asks_nothing_is_not_the_question(index):
    turn = "Who does balayage? The last place I went to used foils and I want someone new."
    assert "Jordan" in (answer_to(index, turn) or "")


def test_a_story_set_here_still_goes_to_a_person_wrecked_or_spoilt(index):
    turn = "Who does colour correction? You wrecked my ends last week and I want someone good this time."
    assert answer_to(index, turn) is None


def test_she_may_point_to_a_friend_or_a_neighbour(index):
    turn = (
        "My neighbour walks with a stick, so she may be slow. How late can she be before you cut her appointment short?"
    )
    assert "15 minutes" in (answer_to(index, turn) or "")


@pytest.mark.parametrize(
    ("turn", "fact"),
    [
        ("How much is the full highlights - no, sorry, the partial highlights?", "$140"),
        ("how much are partial highlights — no, wait, the single-process colour, the simple one?", "$120"),
        ("do you take google pay or is it like only cash", "Google Pay"),
        ("Saturdays you shut at eight like the rest of the week, yeah?", "6 PM"),
        ("I reckon I want a proper beard trim, how much?", "$20"),
        ("What's the earliest you open on a Saturday?", "9 AM"),
        ("Kindly provide the salon's email for written correspondence.", "hello@glowandshear.example"),
        ("I'll be walking over with the stroller, what's the address?", "Fillmore Street"),
    ],
)
def test_corrections_alternatives_and_what_carries_nothing(index, turn, fact):
    assert fact in (answer_to(index, turn) or "")


def test_locking_up_a_bike_is_no_closing_time(index):
    assert "8 PM" not in (answer_to(index, "where can I lock up my bike on a Friday?") or "")


@pytest.mark.parametrize(
    ("turn", "priority"),
    [
        ("my son just had head lice, can you still cut his hair next week?", "medium"),
        ("she has nits, is that ok?", "medium"),
    ],
)
def test_a_contagious_condition_is_for_a_person(turn, priority):
    assert triage(turn).priority == priority


# --- from the blind set dev_voices_17 --------------------------------------------------------------


def test_questions_said_one_after_another_with_commas_are_each_answered(index):
    turn = "quick ones: what's your address, do you take Google Pay, and what time do you shut on a Saturday?"
    answers = [match.document.answer for match in index.answers_in_parts(turn)]
    assert len(answers) == 3
    assert "Fillmore" in answers[0] and "Google Pay" in answers[1] and "6 PM" in answers[2]


def test_tinting_eyebrows_is_no_colour_service_so_no_lesson_on_waxing_them_answers_it():
    lesson = Document(900, "Do you do eyebrow waxing?", "Yes, eyebrow waxing is $18.", "learned")
    index = seed_index(lesson)
    assert answer_to(index, "Do you do brow tinting?") is None
    assert answer_to(index, "could I get an eyebrow colouring?") is None
    assert answer_to(index, "could I get an eyebrow waxing with my haircut?") == lesson.answer


def test_a_lesson_naming_no_service_still_holds_for_each():
    lesson = Document(900, "Do you offer a senior discount?", "Yes, 10% off for clients over 65.", "learned")
    assert answer_to(seed_index(lesson), "is there a senior discount on haircuts?") == lesson.answer


@pytest.mark.parametrize(
    ("turn", "fact"),
    [
        ("how much does a kerra tin treatment cost", "$300"),
        ("The toddlers are yelling in the other room. What time do you open on Thursdays?", "10 AM"),
        ("My sister keeps going on about a blowout. What does that run?", "$55"),
        ("The deposit for balayage is fifty, correct?", "$50"),
        ("Can I add a beard trim? How much is that?", "$20"),
        ("what's your number, in case the line drops?", "555-0142"),
        ("what does a beard trim cost now?", "$20"),
        ("how long is a balayage, how long am I stuck in the chair?", "180 minutes"),
    ],
)
def test_what_is_said_around_everyday_questions_is_not_asked(index, turn, fact):
    assert fact in (answer_to(index, turn) or "")


def test_whom_a_service_is_for_said_in_the_story_still_narrows_a_price(index):
    assert "$30" in (answer_to(index, "My little boy is five. How much is a haircut?") or "")


def test_she_points_to_a_relative_named_in_an_aside(index):
    turn = "I've only ever had my wife cut it with clippers. She thinks you'd be shut on New Year's Day, is that right?"
    assert "New Year" in (answer_to(index, turn) or "")


@pytest.mark.parametrize(
    ("turn", "priority"),
    [
        ("I'm allergic to latex. Can I still get highlights with you?", "medium"),
        ("i have eczema on my scalp can i still get a colour", "medium"),
        ("my scalp is still stinging from the bleach", "urgent"),
        ("what's your number in case we get cut off", "low"),
    ],
)
def test_can_i_still_asks_nothing_is_happening(turn, priority):
    assert triage(turn).priority == priority


# --- from the blind set dev_voices_18, scored blind at the round's end ------------------------------


@pytest.mark.parametrize(
    ("turn", "fact"),
    [
        ("are you open on New Year's Day, or do the staff get the day off?", "New Year"),
        ("what's the building number of the salon?", "2150"),
        ("I read somewhere a patch test is needed before colour, is a day before enough?", "48 hours"),
        ("I did a home dye job, it went patchy and orange. Who does colour correction?", "Jordan"),
    ],
)
def test_a_day_of_calls(index, turn, fact):
    assert fact in (answer_to(index, turn) or "")


def test_a_result_gone_wrong_here_told_beside_one_elsewhere_still_goes_to_a_person(index):
    turn = "I had highlights with you, it went patchy and orange. Who does colour correction?"
    assert answer_to(index, turn) is None
