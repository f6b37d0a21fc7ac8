"""The offline brain: a deterministic `livekit.agents.llm.LLM` that needs no model and no key.

It is a real LLM to the framework: `chat()` returns an `LLMStream` of `ChatChunk`s carrying
text or function-tool calls, and the `AgentSession` executes the receptionist's real
`@function_tool`s, feeds their results back and calls it again, exactly as with a hosted model.
It reads the conversation the same way a model would, from the chat context:

- a caller's question        -> call `lookup_answer(question)`
- an answer was found         -> say it (and nothing else)
- no answer / API unavailable -> call `request_help(question)`
- help requested              -> "Let me check with my supervisor and get back to you.", and
                                  when they will hear back (the API's `answer_expected`)
- a callback number is needed -> ask for it; `save_callback_number(...)`; read it back; on
                                  "yes" call `request_help` again
- asks for a person, something
  urgent, or it keeps failing -> call `transfer_to_human(reason)`; "please hold" while it rings;
                                  if nobody can come, offer a help request and open it on "yes"
- goodbye                     -> call `end_call`, then say goodbye

It is what `make run`, `manage.py demo` and the tests use when LLM_PROVIDER is `offline`.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from typing import Any

from livekit.agents import llm
from livekit.agents.llm import ChatChunk, ChoiceDelta, FunctionToolCall
from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS, NOT_GIVEN, APIConnectOptions, NotGivenOr

from knowledge import concerns

ESCALATION = "Let me check with my supervisor and get back to you."
ANYTHING_ELSE = "Is there anything else I can help you with?"
GREETING_REPLY = "Hi there! How can I help you today?"
ASK_NUMBER = "I'd be happy to find out for you. What's the best number to text you back at?"
ASK_NUMBER_AGAIN = "Sorry, I didn't catch a full phone number. Could you say it again, with the area code?"
CONFIRM_AGAIN = "Just to confirm, is {spoken} the right number? Please say yes or no."
WRONG_NUMBER = "Sorry about that. What's the right number, with the area code?"
GOODBYE = "Thanks for calling, and have a lovely day. Goodbye!"
OFFER_HELP = "I can pass your question to a supervisor instead, and they'll text you back. Would you like that?"
CONNECTING = "Of course. I'm connecting you with {person} now. Please hold for a moment."
STILL_CONNECTING = "I'm still reaching {person} for you. Thanks for holding."
NOBODY_NOW = "I'm sorry, nobody can come to the phone right now."
# After this many questions the agent could not answer in one call, the next goes to a person.
FAILURES_BEFORE_TRANSFER = 2
QUEUED = (
    "I'm so sorry, I'm having trouble reaching my team right now. I've saved your question, "
    "and someone will call you back{where} as soon as possible."
)

_WORD_DIGITS = {
    "zero": "0",
    "oh": "0",
    "o": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}
_GOODBYE = re.compile(
    r"\b(good ?bye|bye|that'?s (all|it)|that is (all|it)|nothing else|i'?m all set|i am all set|hang up|"
    r"have a (good|great|nice) (day|one|night|evening))\b"
)
_BARE_NO = re.compile(r"^(no|nope|nah|no thanks?|no thank you|not really|no,? (that'?s|i'?m) (it|all|good|fine))\W*$")
_YES = re.compile(r"^\W*(yes|yeah|yep|yup|correct|right|that'?s (right|correct|it)|exactly|sure|uh-?huh|affirmative)\b")
_NO = re.compile(r"^\W*(no|nope|nah|wrong|incorrect|not (right|correct|quite))\b")
# The caller says the agent is not helping.
_FRUSTRATED = re.compile(
    r"\b(that'?s not what i (asked|said|meant)|you'?re not (helping|listening|understanding)|not helpful|"
    r"useless|this (isn'?t|is not) working|you don'?t understand)\b"
)
_GREETING = re.compile(r"^(hi|hello|hey|good (morning|afternoon|evening))( there)?\W*$")
_THANKS = re.compile(r"^(thanks|thank you)( (so|very) much)?\W*$")


@dataclass(frozen=True)
class Say:
    text: str


@dataclass(frozen=True)
class Call:
    name: str
    arguments: dict[str, Any]


Decision = Say | Call


class OfflineBrain(llm.LLM):
    """A rule-following receptionist model: same tools, same chat context, no network."""

    @property
    def model(self) -> str:
        return "offline-brain"

    @property
    def provider(self) -> str:
        return "salon-front-desk"

    def chat(
        self,
        *,
        chat_ctx: llm.ChatContext,
        tools: list[llm.Tool] | None = None,
        conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS,
        parallel_tool_calls: NotGivenOr[bool] = NOT_GIVEN,
        tool_choice: NotGivenOr[llm.ToolChoice] = NOT_GIVEN,
        extra_kwargs: NotGivenOr[dict[str, Any]] = NOT_GIVEN,
    ) -> OfflineBrainStream:
        return OfflineBrainStream(
            self, chat_ctx=chat_ctx, tools=tools or [], conn_options=conn_options, tool_choice=tool_choice
        )


class OfflineBrainStream(llm.LLMStream):
    def __init__(self, brain: OfflineBrain, *, tool_choice: NotGivenOr[llm.ToolChoice], **kwargs: Any):
        super().__init__(brain, **kwargs)
        self._tool_choice = tool_choice

    async def _run(self) -> None:
        available = {_tool_name(tool) for tool in self.tools}
        decision = decide(self.chat_ctx.items)
        if isinstance(decision, Call) and (decision.name not in available or self._tool_choice == "none"):
            decision = Say(ANYTHING_ELSE)  # the model may not call tools now: talk instead
        response_id = f"offline-{uuid.uuid4().hex[:12]}"
        if isinstance(decision, Call):
            call = FunctionToolCall(
                name=decision.name, arguments=json.dumps(decision.arguments), call_id=f"call_{uuid.uuid4().hex[:12]}"
            )
            self._event_ch.send_nowait(
                ChatChunk(id=response_id, delta=ChoiceDelta(role="assistant", tool_calls=[call]))
            )
            return
        for piece in _sentences(decision.text):
            self._event_ch.send_nowait(ChatChunk(id=response_id, delta=ChoiceDelta(role="assistant", content=piece)))


def _tool_name(tool: llm.Tool) -> str:
    info = getattr(tool, "info", None)
    return getattr(info, "name", None) or getattr(tool, "id", "")


def _sentences(text: str) -> list[str]:
    parts = re.findall(r"[^.!?]+[.!?]*\s*", text)
    return parts or [text]


# --- reading the conversation ----------------------------------------------------------------


def decide(items: list[llm.ChatItem]) -> Decision:
    """What the receptionist does next, given the conversation so far."""
    conversation = [item for item in items if _is_turn(item)]
    if not conversation:
        return Say(GREETING_REPLY)
    last = conversation[-1]
    if last.type == "function_call_output":
        return _after_tool(conversation, last)
    if last.type == "message" and last.role == "user":
        return _after_caller(conversation, (last.text_content or "").strip())
    return Say(GREETING_REPLY)


def _is_turn(item: llm.ChatItem) -> bool:
    if item.type == "message":
        return item.role in ("user", "assistant")
    return item.type in ("function_call", "function_call_output")


def _output(item: llm.FunctionCallOutput) -> dict[str, Any]:
    try:
        value = json.loads(item.output)
    except ValueError:
        return {"status": "error", "text": item.output}
    return value if isinstance(value, dict) else {"status": "ok", "value": value}


def _arguments_of(conversation: list[llm.ChatItem], output: llm.FunctionCallOutput) -> dict[str, Any]:
    for item in reversed(conversation):
        if item.type == "function_call" and item.call_id == output.call_id:
            try:
                return json.loads(item.arguments or "{}")
            except ValueError:
                return {}
    return {}


def _after_tool(conversation: list[llm.ChatItem], output: llm.FunctionCallOutput) -> Decision:
    result = _output(output)
    status = result.get("status")
    if output.name == "lookup_answer":
        if status == "answered" and result.get("answer"):
            return Say(f"{result['answer']} {ANYTHING_ELSE}")
        # Unknown, or the knowledge base cannot be reached: never guess, ask a person.
        question = _arguments_of(conversation, output).get("question", "")
        if _unanswered(conversation) >= FAILURES_BEFORE_TRANSFER:
            reason = f"I could not answer the caller's questions several times; the latest: {question}"
            return Call("transfer_to_human", {"reason": reason})
        return Call("request_help", {"question": question})
    if output.name == "request_help":
        spoken = result.get("callback_number_spoken")
        if status == "need_callback_number":
            return Say(ASK_NUMBER)
        if status == "queued":
            return Say(QUEUED.format(where=f" at {spoken}" if spoken else ""))
        if status in ("escalated", "already_escalated"):
            if result.get("holding"):
                return Say(f"{ESCALATION} I'll stay on the line for a moment in case they answer right away.")
            where = f" at {spoken}" if spoken else ""
            when = f"{result['answer_expected']} " if result.get("answer_expected") else ""
            return Say(f"{ESCALATION} {when}We'll text you{where} as soon as I hear back. {ANYTHING_ELSE}")
        return Say("I'm sorry, I couldn't pass that along just now. Please call us back a little later.")
    if output.name == "save_callback_number":
        if status == "confirm":
            return Say(f"Thanks. I have {result.get('callback_number_spoken')}. Is that right?")
        return Say(ASK_NUMBER_AGAIN)
    if output.name == "transfer_to_human":
        person = result.get("person") or "a colleague"
        if status == "ringing":
            return Say(CONNECTING.format(person=person))
        if status == "already_transferring":
            return Say(STILL_CONNECTING.format(person=person))
        return Say(f"{NOBODY_NOW} {OFFER_HELP}")
    if output.name == "end_call":
        return Say(GOODBYE)
    return Say(ANYTHING_ELSE)


def _after_caller(conversation: list[llm.ChatItem], text: str) -> Decision:
    said = _normalize(text)
    state, tool_result = _waiting_for(conversation)
    if state == "number":
        if number := spoken_number(text):
            return Call("save_callback_number", {"phone_number": number})
        if _GOODBYE.search(said):
            return Call("end_call", {})
        return Say(ASK_NUMBER_AGAIN)
    if state == "confirmation":
        if number := spoken_number(text):
            return Call("save_callback_number", {"phone_number": number})
        if _YES.search(said):
            return Call("request_help", {"question": _pending_question(conversation)})
        if _NO.search(said):
            return Say(WRONG_NUMBER)
        if _GOODBYE.search(said):
            return Call("end_call", {})
        return Say(CONFIRM_AGAIN.format(spoken=tool_result.get("callback_number_spoken", "that")))
    if _offered_help(conversation):
        if _YES.search(said):
            return Call("request_help", {"question": _transfer_reason(conversation)})
        if _NO.search(said):
            return Say(ANYTHING_ELSE)
    if concerns.asks_for_a_person(said):
        return Call("transfer_to_human", {"reason": f"The caller asked for a person: {text}"})
    if concerns.harm_happening(concerns.words(said)):  # as triage makes a help request urgent
        return Call("transfer_to_human", {"reason": f"Urgent, health or safety: {text}"})
    if _FRUSTRATED.search(said):
        return Call("transfer_to_human", {"reason": f"I am not helping the caller: {text}"})
    if _GOODBYE.search(said) or _BARE_NO.match(said):
        return Call("end_call", {})
    if _GREETING.match(said):
        return Say(GREETING_REPLY)
    if _THANKS.match(said):
        return Say(f"You're very welcome! {ANYTHING_ELSE}")
    return Call("lookup_answer", {"question": text})


def _waiting_for(conversation: list[llm.ChatItem]) -> tuple[str, dict[str, Any]]:
    """Whether the last tool result left the agent waiting for a number or a yes/no."""
    for item in reversed(conversation):
        if item.type != "function_call_output":
            continue
        result = _output(item)
        if item.name == "request_help" and result.get("status") == "need_callback_number":
            return "number", result
        if item.name == "save_callback_number":
            return ("confirmation", result) if result.get("status") == "confirm" else ("number", result)
        return "", result
    return "", {}


def _offered_help(conversation: list[llm.ChatItem]) -> bool:
    """Whether the agent's last words offered a help request after a transfer did not happen."""
    for item in reversed(conversation[:-1]):
        if item.type == "message" and item.role == "assistant":
            return (item.text_content or "").strip().endswith(OFFER_HELP)
    return False


def _transfer_reason(conversation: list[llm.ChatItem]) -> str:
    """What the caller needed a person for, as the last transfer put it (the caller's words)."""
    for item in reversed(conversation):
        if item.type == "function_call" and item.name == "transfer_to_human":
            try:
                reason = str(json.loads(item.arguments or "{}").get("reason", ""))
            except (ValueError, AttributeError):
                return ""
            return reason.split(": ", 1)[-1]  # the reasons this brain gives end with the caller's words
    return ""


def _unanswered(conversation: list[llm.ChatItem]) -> int:
    """How many questions this call has already had to pass on to a supervisor."""
    return sum(
        1
        for item in conversation
        if item.type == "function_call_output"
        and item.name == "request_help"
        and _output(item).get("status") in ("escalated", "queued", "already_escalated")
    )


def _pending_question(conversation: list[llm.ChatItem]) -> str:
    """The question that is waiting for a callback number before it can be escalated."""
    for item in reversed(conversation):
        if item.type == "function_call_output" and item.name == "request_help":
            if _output(item).get("status") == "need_callback_number":
                return _arguments_of(conversation, item).get("question", "")
    return ""


def _normalize(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower().replace("\u2019", "'")).strip()


def spoken_number(text: str) -> str | None:
    """The phone number in what the caller said ("four one five, 555 0150"), as digits."""
    words = re.findall(r"[a-z]+|\d+|\+", _normalize(text))
    digits = []
    for index, word in enumerate(words):
        if word.isdigit():
            digits.append(word)
        elif word in _WORD_DIGITS and (word != "o" or digits):
            digits.append(_WORD_DIGITS[word])
        elif word == "double" and index + 1 < len(words) and words[index + 1] in _WORD_DIGITS:
            digits.append(_WORD_DIGITS[words[index + 1]])
        elif word == "plus" or word == "+":
            digits.append("+")
    number = "".join(digits)
    return number if len(number.lstrip("+")) >= 10 else None
