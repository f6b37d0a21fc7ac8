"""What a person is told before taking over a call: who is calling, what they want, what was
already said or tried, and why a person is needed.

Two summarisers with one result: the configured LLM (the voice agent's: `core.llm`,
any OpenAI-compatible chat completions endpoint) when there is one, and an extractive
summary, built from the transcript's own sentences, when there is none or it fails. The
extractive one needs no network, so a transfer is never held up by a model; it is also what the
offline setup (`make run`, tests) uses.

The input is plain data (role, text) so the summary can be made wherever the transcript is: the
server builds it from the stored TranscriptTurns (calls/transfers.py).
"""

import logging
import re
from dataclasses import dataclass

import httpx

from core.llm import LlmChoice, ProviderConfigError, choose_llm
from knowledge import concerns

logger = logging.getLogger("salon.summaries")

# Short: the agent waits on this while the caller holds (its own requests give up after 5 s).
LLM_TIMEOUT_SECONDS = 3.0
MAX_TRANSCRIPT_CHARS = 12_000

PROMPT = (
    "You brief a hair salon's staff member who is about to take over a phone call from the AI "
    "receptionist. From the transcript, write at most four short spoken sentences: who is calling, "
    "what they want, what the receptionist already said or tried, and why a person is needed. "
    "Use only facts from the transcript. No lists, no markdown."
)


@dataclass(frozen=True)
class Turn:
    role: str  # "caller" or "agent"
    text: str


@dataclass(frozen=True)
class Summary:
    text: str
    source: str  # "llm" or "extractive"


def summarize(turns: list[Turn], *, reason: str, caller: str = "") -> Summary:
    """The briefing for a person taking over this conversation. `caller` names them (a name, a
    number, or both); `reason` is why the agent is handing over."""
    choice = _configured_llm()
    if choice is not None:
        text = _ask_llm(choice, turns, reason=reason, caller=caller)
        if text:
            return Summary(text, "llm")
    return Summary(extractive_summary(turns, reason=reason, caller=caller), "extractive")


# --- Extractive ------------------------------------------------------------------------------

# What a caller says that is not what they want: greetings, yes/no, numbers, thanks, goodbye,
# and asking for a person (that is the reason, not the need).
_SMALL_TALK = re.compile(
    r"^\W*(hi|hello|hey|yes|yeah|yep|no|nope|ok(ay)?|sure|right|correct|thanks?( you)?|good ?bye|bye|"
    r"good (morning|afternoon|evening))\b[\W\w]{0,12}$"
)
_DIGITS = re.compile(r"\d")
# What the agent says that is not an answer: its greeting, "anything else?", holding lines.
_AGENT_FILLER = re.compile(
    r"(^(hi|hello|hey)\b|thanks for calling|front desk assistant|how can i help|anything else|is that right|"
    r"what's the best number|still waiting|thanks for holding|one moment|please hold|connect you)",
    re.IGNORECASE,
)
_ESCALATED = re.compile(r"check with my supervisor|get back to you", re.IGNORECASE)
_COULD_NOT = re.compile(r"(trouble reaching|couldn't|could not|can't|cannot|don't know|not sure)", re.IGNORECASE)


def extractive_summary(turns: list[Turn], *, reason: str, caller: str = "") -> str:
    """Four sentences from the transcript itself: who, what they want, what was tried, why."""
    needs = _caller_needs(turns)
    tried = _what_was_tried(turns)
    who = caller.strip() or "The caller"
    sentences = [f"{who} is on the line." if caller.strip() else "A caller is on the line."]
    if needs:
        sentences.append("They want: " + " ".join(_as_sentence(need) for need in needs))
    else:
        sentences.append("They did not say what they need yet.")
    if tried:
        sentences.append("Already tried: " + "; ".join(tried) + ".")
    else:
        sentences.append("Nothing has been tried yet.")
    sentences.append(f"Why a person: {_as_sentence(reason.strip() or 'the caller asked for one')}")
    return " ".join(sentences)


def _caller_needs(turns: list[Turn], most: int = 3) -> list[str]:
    """The caller's substantive requests, first ones first, without repeats."""
    found: list[str] = []
    for turn in turns:
        if turn.role != "caller":
            continue
        sentences = _sentences(turn.text)
        text = " ".join(sentence for sentence in sentences if not _SMALL_TALK.match(sentence.lower()))
        lowered = text.lower()
        if len(text) < 8 or _SMALL_TALK.match(lowered) or _is_mostly_digits(text):
            continue
        if concerns.asks_for_a_person(lowered) and len(lowered.split()) <= 10:
            continue  # "let me talk to a person" is why, not what
        if any(_overlap(text, earlier) >= 0.6 for earlier in found):
            continue
        found.append(text)
    return found[:most]


def _what_was_tried(turns: list[Turn]) -> list[str]:
    """What the agent did: answers it gave, a help request it opened, what it could not do."""
    tried: list[str] = []
    for turn in turns:
        if turn.role != "agent":
            continue
        for sentence in _sentences(turn.text):
            if _AGENT_FILLER.search(sentence):
                continue
            if _ESCALATED.search(sentence):
                note = "a help request was opened for a supervisor"
            elif _COULD_NOT.search(sentence):
                note = f'the assistant said "{sentence.rstrip(".!")}"'
            else:
                note = f'the assistant answered "{sentence.rstrip(".!")}"'
            if note not in tried:
                tried.append(note)
    return tried[-4:]


def _sentences(text: str) -> list[str]:
    return [sentence for sentence in re.split(r"(?<=[.!?])\s+", " ".join(text.split())) if sentence]


def _is_mostly_digits(text: str) -> bool:
    return len(_DIGITS.findall(text)) >= max(7, len(text) // 3)


def _overlap(one: str, other: str) -> float:
    a, b = set(re.findall(r"[a-z']+", one.lower())), set(re.findall(r"[a-z']+", other.lower()))
    return len(a & b) / max(1, min(len(a), len(b)))


def _as_sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


# --- LLM -------------------------------------------------------------------------------------


def _configured_llm() -> LlmChoice | None:
    """The model the settings choose, or None: offline, or a choice that cannot work (the voice
    worker refuses to start with it and says why; a summary falls back to extractive)."""
    try:
        choice = choose_llm()
    except ProviderConfigError as exc:
        logger.warning("No model for transfer summaries: %s", exc)
        return None
    return None if choice.provider == "offline" else choice


def _ask_llm(choice: LlmChoice, turns: list[Turn], *, reason: str, caller: str) -> str | None:
    transcript = "\n".join(f"{'Caller' if t.role == 'caller' else 'Receptionist'}: {t.text}" for t in turns)
    details = f"Caller: {caller or 'unknown'}\nWhy a person is needed: {reason}\n\nTranscript:\n"
    body = {
        "model": choice.model,
        "messages": [
            {"role": "system", "content": PROMPT},
            {"role": "user", "content": details + transcript[-MAX_TRANSCRIPT_CHARS:]},
        ],
        "temperature": 0.2,
        "max_tokens": 200,
    }
    try:
        response = httpx.post(
            f"{choice.api_base}/chat/completions",
            json=body,
            headers={"Authorization": f"Bearer {choice.api_key}"},
            timeout=LLM_TIMEOUT_SECONDS,
        )
        response.raise_for_status()
        text = response.json()["choices"][0]["message"]["content"]
    except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as exc:
        logger.warning("The LLM could not summarise the call (%s); using the extractive summary.", exc)
        return None
    return " ".join(str(text or "").split()) or None
