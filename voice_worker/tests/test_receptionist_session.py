"""The receptionist in a real AgentSession (offline brain) against the real API on the test
server: what it answers, when it escalates, how it gets a callback number, and how a call is
recorded from greeting to goodbye."""

import json

import pytest

from voice_worker.agent import FALLBACK_SALON_NAME, build_instructions, greeting
from voice_worker.brain import ESCALATION
from voice_worker.tests.support import api_for, hang_up, run, said, start_call

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_known_question_is_answered_from_the_knowledge_base(salon_server, pending_writes):
    async def scenario():
        async with api_for(salon_server, pending_writes) as api:
            call = await start_call(api)
            result = await call.session.run(user_input="What does a blowout cost?")
            result.expect.next_event().is_function_call(
                name="lookup_answer", arguments={"question": "What does a blowout cost?"}
            )
            output = result.expect.next_event().is_function_call_output().event().item
            result.expect.next_event().is_message(role="assistant")
            result.expect.no_more_events()
            await hang_up(call)
            return call.call.call_id, json.loads(output.output), said(result)

    call_id, looked_up, reply = run(scenario())

    assert looked_up["status"] == "answered" and "$55" in looked_up["answer"]
    assert looked_up["answer"] in reply  # it says what the knowledge base says, nothing invented
    assert ESCALATION not in reply
    assert salon_server.help_requests() == []
    recorded = salon_server.get(f"/api/v1/calls/{call_id}")
    assert [(turn["role"], turn["text"]) for turn in recorded["transcript"][:2]] == [
        ("agent", greeting({"name": "Glow & Shear Salon"})),
        ("caller", "What does a blowout cost?"),
    ]
    assert recorded["channel"] == "phone" and recorded["caller_phone"] == "+14155550150"


def test_an_unknown_question_is_escalated_with_exactly_one_help_request(salon_server, pending_writes):
    async def scenario():
        async with api_for(salon_server, pending_writes) as api:
            call = await start_call(api)
            first = await call.session.run(user_input="Is there parking close by?")
            first.expect.next_event().is_function_call(name="lookup_answer")
            assert json.loads(first.expect.next_event().is_function_call_output().event().item.output)["status"] == (
                "unknown"
            )
            first.expect.next_event().is_function_call(
                name="request_help", arguments={"question": "Is there parking close by?"}
            )
            escalated = json.loads(first.expect.next_event().is_function_call_output().event().item.output)
            first.expect.next_event().is_message(role="assistant")
            # Asked again in the same call: still one request.
            again = await call.session.run(user_input="Sorry, Is there parking close by?")
            await hang_up(call)
            return call.call.call_id, escalated, said(first), said(again)

    call_id, escalated, reply, second_reply = run(scenario())

    assert reply.startswith(ESCALATION)
    [request] = salon_server.help_requests()
    assert escalated["status"] == "escalated" and escalated["help_request_id"] == request["id"]
    # When to expect the answer, in the salon's opening hours, as the API put it.
    assert "you'll hear from us by" in escalated["answer_expected"].lower() and escalated["answer_expected"] in reply
    assert request["question"] == "Is there parking close by?"
    assert request["caller_phone"] == "+14155550150" and request["caller_name"] == "Ana Diaz"
    assert request["call_id"] == call_id and request["status"] == "pending"
    assert ESCALATION in second_reply
    assert len(salon_server.help_requests()) == 1
    supervisor_texts = salon_server.get("/api/v1/messages", help_request_id=request["id"], kind="supervisor_alert")
    assert supervisor_texts["count"] == 1


def test_a_caller_without_a_known_number_is_asked_for_one_and_it_is_read_back(salon_server, pending_writes):
    async def scenario():
        async with api_for(salon_server, pending_writes) as api:
            call = await start_call(api, phone=None, name="", channel="web")
            asked = await call.session.run(user_input="Do you sell gift vouchers?")
            assert salon_server_has_no_requests_yet(asked)
            given = await call.session.run(user_input="Sure, it's four one five, 555 0188")
            given.expect.next_event().is_function_call(name="save_callback_number")
            confirmed = await call.session.run(user_input="Yes, that's right")
            confirmed.expect.next_event().is_function_call(
                name="request_help", arguments={"question": "Do you sell gift vouchers?"}
            )
            await hang_up(call)
            return said(asked), said(given), said(confirmed), call.call.call_id

    asked, read_back, confirmed, call_id = run(scenario())

    assert "number" in asked and ESCALATION not in asked
    assert read_back == "Thanks. I have 4 1 5, 5 5 5, 0 1 8 8. Is that right?"
    assert confirmed.startswith(ESCALATION)
    [request] = salon_server.help_requests()
    assert request["caller_phone"] == "+14155550188"
    assert request["question"] == "Do you sell gift vouchers?" and request["call_id"] == call_id


def salon_server_has_no_requests_yet(result) -> bool:
    outputs = [json.loads(e.item.output) for e in result.events if e.type == "function_call_output"]
    return outputs[-1]["status"] == "need_callback_number"


def test_a_wrong_number_can_be_corrected_before_anything_is_sent(salon_server, pending_writes):
    async def scenario():
        async with api_for(salon_server, pending_writes) as api:
            call = await start_call(api, phone=None, name="", channel="web")
            await call.session.run(user_input="Do you do nail art?")
            await call.session.run(user_input="415 555 0100")
            corrected = await call.session.run(user_input="No")
            again = await call.session.run(user_input="It's 415 555 0199")
            await call.session.run(user_input="yes")
            await hang_up(call)
            return said(corrected), said(again)

    corrected, again = run(scenario())

    assert "right number" in corrected
    assert "0 1 9 9" in again
    [request] = salon_server.help_requests()
    assert request["caller_phone"] == "+14155550199"


def test_goodbye_ends_the_call_and_the_call_is_recorded_to_the_end(salon_server, pending_writes):
    async def scenario():
        async with api_for(salon_server, pending_writes) as api:
            call = await start_call(api)
            await call.session.run(user_input="What are your hours on Saturday?")
            result = await call.session.run(user_input="Great, thanks. Bye!")
            result.expect.next_event().is_function_call(name="end_call")
            result.expect.next_event().is_function_call_output()
            result.expect.next_event().is_message(role="assistant")
            await call.call.aclose()  # what the job's shutdown does: the end is recorded
            return call.call.call_id, said(result)

    call_id, goodbye = run(scenario())

    assert "Goodbye" in goodbye
    recorded = salon_server.get(f"/api/v1/calls/{call_id}")
    assert recorded["status"] == "ended" and recorded["end_reason"] == "goodbye"
    roles = [turn["role"] for turn in recorded["transcript"]]
    assert roles == ["agent", "caller", "agent", "caller", "agent"]
    assert recorded["transcript"][-1]["text"] == goodbye


def test_the_instructions_come_from_the_salon_profile():
    profile = {
        "name": "Glow & Shear Salon",
        "phone": "+14155550142",
        "timezone": "America/Los_Angeles",
        "profile": {"address": "2150 Fillmore Street, San Francisco, CA 94115"},
    }
    instructions = build_instructions(profile)
    assert "Glow & Shear Salon, at 2150 Fillmore Street" in instructions
    assert "lookup_answer" in instructions and "Never guess" in instructions
    assert "one question at a time" in instructions.lower()
    assert f'"{ESCALATION}"' in instructions
    # The API could not be reached: still a receptionist, of "the salon".
    assert f"receptionist of {FALLBACK_SALON_NAME}." in build_instructions(None)
    assert FALLBACK_SALON_NAME in greeting(None)
