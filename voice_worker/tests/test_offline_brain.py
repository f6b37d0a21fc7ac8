"""The offline brain reads the conversation like a model and answers with real ChatChunks: text,
or a function-tool call the AgentSession executes. Its rules, one by one."""

import asyncio
import json

import pytest
from livekit.agents import llm

from voice_worker.agent import Receptionist
from voice_worker.api_client import SalonApi
from voice_worker.brain import (
    ASK_NUMBER,
    ESCALATION,
    GOODBYE,
    GREETING_REPLY,
    Call,
    OfflineBrain,
    Say,
    decide,
    spoken_number,
)
from voice_worker.call import CallerInfo, CallRecord
from voice_worker.push import call_events_url


class Conversation:
    def __init__(self):
        self.ctx = llm.ChatContext.empty()
        self.ctx.add_message(role="system", content="You are the receptionist.")
        self._calls = 0

    def caller(self, text: str) -> "Conversation":
        self.ctx.add_message(role="user", content=text)
        return self

    def agent(self, text: str) -> "Conversation":
        self.ctx.add_message(role="assistant", content=text)
        return self

    def tool(self, name: str, arguments: dict, result: dict) -> "Conversation":
        self._calls += 1
        call_id = f"call_{self._calls}"
        self.ctx.items.append(llm.FunctionCall(call_id=call_id, name=name, arguments=json.dumps(arguments)))
        self.ctx.items.append(
            llm.FunctionCallOutput(call_id=call_id, name=name, output=json.dumps(result), is_error=False)
        )
        return self

    def next(self):
        return decide(self.ctx.items)


def test_a_question_is_looked_up_and_the_answer_said():
    talk = Conversation().caller("What does a blowout cost?")
    assert talk.next() == Call("lookup_answer", {"question": "What does a blowout cost?"})
    talk.tool(
        "lookup_answer", {"question": "What does a blowout cost?"}, {"status": "answered", "answer": "It is $55."}
    )
    assert talk.next() == Say("It is $55. Is there anything else I can help you with?")


@pytest.mark.parametrize("status", ["unknown", "unavailable"])
def test_no_answer_means_asking_a_supervisor_never_guessing(status):
    talk = Conversation().caller("Is there parking close by?")
    talk.tool("lookup_answer", {"question": "Is there parking close by?"}, {"status": status})
    assert talk.next() == Call("request_help", {"question": "Is there parking close by?"})
    talk.tool("request_help", {"question": "Is there parking close by?"}, {"status": "escalated", "holding": False})
    said = talk.next()
    assert isinstance(said, Say) and said.text.startswith(ESCALATION)


def test_the_caller_hears_when_to_expect_the_answer():
    talk = Conversation().caller("Is there parking close by?")
    talk.tool("lookup_answer", {"question": "Is there parking close by?"}, {"status": "unknown"})
    expected = "We open at 10 tomorrow; you'll hear from us by 10:30."
    result = {"status": "escalated", "holding": False, "answer_expected": expected}
    talk.tool("request_help", {"question": "Is there parking close by?"}, result)
    said = talk.next().text
    assert said.startswith(f"{ESCALATION} {expected} We'll text you")


def test_a_callback_number_is_asked_for_read_back_and_confirmed():
    talk = Conversation().caller("Do you sell gift vouchers?")
    talk.tool("lookup_answer", {"question": "Do you sell gift vouchers?"}, {"status": "unknown"})
    talk.tool("request_help", {"question": "Do you sell gift vouchers?"}, {"status": "need_callback_number"})
    assert talk.next() == Say(ASK_NUMBER)
    talk.agent(ASK_NUMBER).caller("um, I'm not sure")
    assert "again" in talk.next().text  # no number in that: ask again
    talk.caller("It's four one five, five five five, zero one eight eight")
    assert talk.next() == Call("save_callback_number", {"phone_number": "4155550188"})
    spoken = "4 1 5, 5 5 5, 0 1 8 8"
    talk.tool(
        "save_callback_number", {"phone_number": "4155550188"}, {"status": "confirm", "callback_number_spoken": spoken}
    )
    assert talk.next() == Say(f"Thanks. I have {spoken}. Is that right?")
    talk.agent(f"Thanks. I have {spoken}. Is that right?").caller("Yes, that's right.")
    assert talk.next() == Call("request_help", {"question": "Do you sell gift vouchers?"})


def test_a_wrong_read_back_is_corrected():
    talk = Conversation().caller("Do you sell gift vouchers?")
    talk.tool("request_help", {"question": "Do you sell gift vouchers?"}, {"status": "need_callback_number"})
    talk.caller("415 555 0100")
    talk.tool(
        "save_callback_number", {"phone_number": "4155550100"}, {"status": "confirm", "callback_number_spoken": "x"}
    )
    talk.caller("No")
    assert "right number" in talk.next().text
    talk.caller("415 555 0199")
    assert talk.next() == Call("save_callback_number", {"phone_number": "4155550199"})


@pytest.mark.parametrize("goodbye", ["Bye!", "Okay thanks, goodbye", "That's all", "No, that's it", "nope"])
def test_goodbye_ends_the_call(goodbye):
    talk = Conversation().agent("Is there anything else I can help you with?").caller(goodbye)
    assert talk.next() == Call("end_call", {})
    talk.tool("end_call", {}, {"status": "ending"})
    assert talk.next() == Say(GOODBYE)


def test_small_talk_is_not_looked_up():
    assert Conversation().caller("Hello").next() == Say(GREETING_REPLY)
    assert "welcome" in Conversation().caller("Thank you!").next().text


def test_an_outage_is_an_apology_and_a_promised_call_back():
    talk = Conversation().caller("Is there parking close by?")
    talk.tool(
        "request_help",
        {"question": "Is there parking close by?"},
        {"status": "queued", "callback_number_spoken": "4 1 5"},
    )
    said = talk.next().text
    assert "sorry" in said.lower() and "call you back at 4 1 5" in said and ESCALATION not in said


@pytest.mark.parametrize(
    ("heard", "number"),
    [
        ("It's 415 555 0150", "4155550150"),
        ("four one five five five five oh one five zero", "4155550150"),
        ("plus one 415-555-0150", "+14155550150"),
        ("four one five double five five zero one five zero", "4155550150"),
        ("call me at five five five", None),
        ("Is there parking close by?", None),
    ],
)
def test_phone_numbers_as_people_say_them(heard, number):
    assert spoken_number(heard) == number


def test_it_is_a_real_llm_streaming_tool_calls_and_text():
    async def scenario():
        api = SalonApi("http://127.0.0.1:9", "unused")
        agent = Receptionist(api=api, call=CallRecord(api, room="r", caller=CallerInfo("web"), key="k"))
        tools = [tool for tool in agent.tools if isinstance(tool, llm.Tool)]
        brain = OfflineBrain()
        asked = await brain.chat(chat_ctx=Conversation().caller("Are you open on Sundays?").ctx, tools=tools).collect()
        chunks = [chunk async for chunk in brain.chat(chat_ctx=Conversation().caller("Hi").ctx, tools=tools)]
        no_tools = await brain.chat(chat_ctx=Conversation().caller("Are you open?").ctx, tools=[]).collect()
        await api.aclose()
        return asked, chunks, no_tools

    asked, chunks, no_tools = asyncio.run(scenario())
    [call] = asked.tool_calls
    assert call.name == "lookup_answer" and json.loads(call.arguments) == {"question": "Are you open on Sundays?"}
    assert all(isinstance(chunk, llm.ChatChunk) for chunk in chunks)
    assert "".join(chunk.delta.content for chunk in chunks) == GREETING_REPLY
    assert no_tools.tool_calls == [] and no_tools.text  # without tools it talks instead


def test_the_push_url_follows_the_api_url():
    assert call_events_url("http://127.0.0.1:8000", 7) == "ws://127.0.0.1:8000/ws/calls/7/"
    assert call_events_url("https://salon.example/", 7) == "wss://salon.example/ws/calls/7/"
