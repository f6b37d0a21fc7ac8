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
    assert triage("Do you sell gift vouchers?").priority == "low"
    assert triage("Do you have wifi?").tags == ["general"]


def test_tags_name_the_topics():
    assert set(triage("How much is a men's beard trim?").tags) >= {"pricing", "mens"}
    assert "color" in triage("Can you fix my brassy highlights?").tags
    assert "complaint" in triage("I'm really unhappy with my color").tags
