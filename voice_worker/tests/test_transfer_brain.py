"""The offline brain's transfer rules: when it asks for a person, what it says while it rings or
when nobody can come, and the help request it opens when the caller accepts the offer. Many
wordings per rule, so the rules are about meaning, not one sentence."""

import pytest

from helprequests.triage import triage
from voice_worker.brain import CONNECTING, NOBODY_NOW, OFFER_HELP, Call, Say
from voice_worker.tests.test_offline_brain import Conversation

ASKS_FOR_A_PERSON = [
    "Let me talk to a person.",
    "Can I speak with the manager?",
    "I want to speak to someone, please.",
    "Is there a real person there?",
    "Can you put me through to the owner?",
    "Transfer me to a human.",
    "I need a manager.",
    "Representative.",
    "human please",
    "Could I chat with somebody about my refund?",
]
NOT_ASKING = [
    "How much is a men's haircut?",
    "Can I book with a stylist on Saturday?",
    "Do you have parking?",
    "Who does balayage there?",
]
URGENT = [
    "My scalp is burning after the bleach.",
    "My eyes are swollen since the lash tint yesterday.",
    "I think I'm having an allergic reaction to the dye.",
    "Her face puffed up after the dye.",
]
# Harm asked about beforehand: a question for a person, by text, not an emergency.
ASKED_BEFOREHAND = ["Is the bleach going to burn?", "Can dye cause a rash?"]


@pytest.mark.parametrize("text", ASKS_FOR_A_PERSON)
def test_asking_for_a_person_transfers_with_the_callers_words(text):
    assert Conversation().caller(text).next() == Call(
        "transfer_to_human", {"reason": f"The caller asked for a person: {text}"}
    )


@pytest.mark.parametrize("text", NOT_ASKING)
def test_other_questions_are_looked_up(text):
    assert Conversation().caller(text).next() == Call("lookup_answer", {"question": text})


@pytest.mark.parametrize("text", URGENT)
def test_health_and_safety_goes_to_a_person_at_once(text):
    decision = Conversation().caller(text).next()
    assert decision.name == "transfer_to_human" and text in decision.arguments["reason"]
    assert triage(text).priority == "urgent"  # one rule of urgency: the help request's too


@pytest.mark.parametrize("text", ASKED_BEFOREHAND)
def test_harm_asked_about_beforehand_is_looked_up_as_triage_does_not_call_it_urgent(text):
    assert Conversation().caller(text).next() == Call("lookup_answer", {"question": text})
    assert triage(text).priority != "urgent"


def test_frustration_goes_to_a_person():
    decision = Conversation().caller("That's not what I asked, you're not helping.").next()
    assert decision.name == "transfer_to_human"


def test_after_two_unanswered_questions_the_third_goes_to_a_person():
    talk = Conversation()
    for question in ("Do you sell gift vouchers?", "Can I bring my dog?"):
        talk.caller(question).tool("lookup_answer", {"question": question}, {"status": "unknown"})
        talk.tool("request_help", {"question": question}, {"status": "escalated", "help_request_id": 1})
        talk.agent("Let me check with my supervisor and get back to you.")
    talk.caller("Is there a student discount?").tool(
        "lookup_answer", {"question": "Is there a student discount?"}, {"status": "unknown"}
    )
    decision = talk.next()
    assert decision.name == "transfer_to_human" and "Is there a student discount?" in decision.arguments["reason"]


def test_ringing_puts_the_caller_on_hold_and_nobody_available_offers_a_help_request():
    reason = {"reason": "The caller asked for a person: Let me talk to a person."}
    ringing = Conversation().caller("Let me talk to a person.")
    ringing.tool("transfer_to_human", reason, {"status": "ringing", "person": "Maya"})
    assert ringing.next() == Say(CONNECTING.format(person="Maya"))

    nobody = Conversation().caller("Let me talk to a person.")
    nobody.tool("transfer_to_human", reason, {"status": "not_available"})
    assert nobody.next() == Say(f"{NOBODY_NOW} {OFFER_HELP}")


def test_yes_to_the_offer_opens_a_help_request_with_what_the_caller_needed():
    words = "Could I chat with somebody about my refund?"
    talk = Conversation().caller(words)
    talk.tool("transfer_to_human", {"reason": f"The caller asked for a person: {words}"}, {"status": "ringing"})
    talk.agent(CONNECTING.format(person="Maya"))
    talk.agent(f"I'm sorry, I couldn't reach Maya just now. {OFFER_HELP}")
    assert talk.caller("Yes, please do.").next() == Call("request_help", {"question": words})

    declined = Conversation().agent(f"{NOBODY_NOW} {OFFER_HELP}").caller("No thanks.")
    assert declined.next() == Say("Is there anything else I can help you with?")
