"""Priority and tags come from what the caller said."""

import pytest

from helprequests.triage import triage


@pytest.mark.parametrize(
    "question",
    [
        "My scalp is burning after yesterday's color",
        "I think I'm having an allergic reaction, my face is swelling",
        "The stylist nicked my ear and it's bleeding",
        "I slipped on the wet floor and hurt my back",
        "There's a chemical smell and my eyes sting",
    ],
)
def test_health_and_safety_is_urgent(question):
    assert triage(question).priority == "urgent"
    assert "medical" in triage(question).tags


@pytest.mark.parametrize(
    "question",
    [
        "I want to complain about my haircut, it's uneven",
        "I was charged twice for my balayage",
        "Can I get a refund?",
        "I'm running late for today's appointment",
    ],
)
def test_complaints_billing_and_todays_problems_are_high(question):
    assert triage(question).priority == "high"


def test_booking_decisions_are_medium_and_general_questions_low():
    assert triage("Can I reschedule my appointment to Friday?").priority == "medium"
    # A booking asked for in a follow-up text, with words between "can I" and "book".
    assert triage("Thanks! Could I also book a blowout on Saturday?").priority == "medium"
    assert triage("i'd love to book in for highlights next week").priority == "medium"
    assert triage("Do you sell gift vouchers?").priority == "low"
    assert triage("Do you have wifi?").tags == ["general"]


def test_tags_name_the_topics():
    assert set(triage("How much is a men's beard trim?").tags) >= {"pricing", "mens"}
    assert "color" in triage("Can you fix my brassy highlights?").tags
    assert "complaint" in triage("I'm really unhappy with my color").tags


@pytest.mark.parametrize(
    "question",
    [
        "my scalp is still burning from the bleach",
        "her face puffed up after the dye",
        "there are blisters where the relaxer was",
        "I think I'm having a reaction",
        "I think im having an alergic reaction",
        "my eyelids are swolen since this morning",
        "my eyes keep watering and burning after the chemicals",
        "got a rash all over my neck",
        "hives on my arms after the keratin",
        "my scalp feels like its on fire",
        "the back of my neck is red and sore where the dye touched it",
        "my lips are puffy",
        "she's having trouble breathing from the fumes",
        "my throat feels tight",
        "the razor cut my ear",
        "the cut on my neck won't stop bleeding",
        "When will the swelling go down?",
        "my scalp is itchy and stinging, is that normal?",
        "Is it normal for my scalp to burn like this?",
        "I had to go to the hospital because of the relaxer",
        "my daughter fainted",
        "there's smoke coming from the dryer",
        "MY SCALP IS BURNING",
        "scalp burnng after bleech",
        "my skin is peeling where the color was",
        "his whole face blew up after the bleach",  # swelling in everyday words
        "my ear has gone kind of fat since the dye this morning",
        "my eyelids ballooned overnight after the tint",
    ],
)
def test_a_reaction_a_burn_or_swelling_is_urgent_however_it_is_worded(question):
    assert triage(question).priority == "urgent"
    assert "medical" in triage(question).tags


@pytest.mark.parametrize(
    "question",
    [
        "Is the bleach going to burn?",
        "Will the relaxer sting?",
        "Can hair dye cause an allergic reaction?",
        "What if I'm allergic to the dye?",
    ],
)
def test_a_risk_asked_about_beforehand_is_a_question_not_an_emergency(question):
    assert triage(question).priority == "medium"


@pytest.mark.parametrize(
    "question",
    [
        "My colour came out wrong and I have a wedding tomorrow",
        "my hair turned green and I have a party tonight",
        "the highlights came out really brassy, my interview is on Friday",
        "she cut it way too short and my graduation is this weekend",
        "it went orange!! photoshoot in the morning",
        "can you fix my colour before my wedding on Saturday?",
        "my balayage is patchy and uneven",
        "the toner came out purple",
        "the colour is nothing like what I asked for",
        "I need someone to redo my color before my event",
        "the smoothing left it frizzier than ever and prom is Friday",  # a comparative of how it came out
        "the cut made it look thinner, my interview is tomorrow",
        "my curls have gone flat and the party starts in two hours",  # gone, fallen: how it came out
        "the blow-dry fell flat, can someone see me right away?",
        "after my perm the ends keep snapping off and I've a christening on Sunday",  # hair breaking
    ],
)
def test_a_result_gone_wrong_is_high_and_before_an_event_too(question):
    assert triage(question).priority == "high"


@pytest.mark.parametrize(
    "question",
    ["my bangs got cut crooked and my wedding is on Saturday", "the layers got cut way too short"],
)
def test_hair_that_was_cut_is_a_result_not_an_injury(question):
    assert triage(question).priority == "high"


@pytest.mark.parametrize(
    "question", ["my son got cut with the clippers", "she was cut behind the ear by the razor", "I got cut"]
)
def test_a_person_who_was_cut_is_urgent(question):
    assert triage(question).priority == "urgent"


@pytest.mark.parametrize(
    "question", ["my session was cut short and I still paid in full", "I got cut short on the phone"]
)
def test_a_visit_cut_short_is_no_injury(question):
    assert triage(question).priority != "urgent"


@pytest.mark.parametrize(
    "question",
    [
        "there's a charge on my card for a service I never had",
        "Why did you charge me $300?",
        "I was billed twice",
        "The total on my receipt is wrong",
        "I'd like a refund",
        "I'm stuck in traffic for today's appointment",
    ],
)
def test_billing_errors_refunds_and_todays_appointment_are_high(question):
    assert triage(question).priority == "high"


@pytest.mark.parametrize(
    ("question", "priorities"),
    [
        ("do you do colour correction?", {"low", "medium"}),
        ("How much do you charge for a cut?", {"low"}),
        ("Do I need a patch test first?", {"low"}),
        ("Do you do an allergy test before colouring?", {"low", "medium"}),
        ("Is a patch test needed for allergies?", {"low", "medium"}),
        ("Do you do wedding hair?", {"low"}),
        ("Is my hair too short for balayage?", {"low"}),
        ("Can I book a colour correction for tomorrow?", {"medium"}),
        ("Do you have a hot towel shave?", {"low"}),
        ("Who is Nick?", {"low"}),
        ("How long does a perm last?", {"low"}),
        ("Can I go orange for a party on Friday?", {"low"}),
        ("My party starts in two hours, how long is a blowout?", {"low"}),
        ("Has the bridal updo gone up in price?", {"low"}),
        ("Do you do red hair?", {"low"}),
        ("can you waive the no-show fee, I was stuck in the hospital", {"medium", "high"}),
    ],
)
def test_everyday_questions_are_not_raised(question, priorities):
    assert triage(question).priority in priorities
