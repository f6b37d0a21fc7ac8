"""The voice agent's model and speech, built from the choice `core.llm.choose_llm` makes
(LLM_PROVIDER and the rest; the table of providers is there).

Speech (STT and TTS) comes from the same plugin, OpenAI's models, when OPENAI_API_KEY is set;
without it the agent works in text (console --text, LiveKit text chat).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from livekit.agents import llm, stt, tts

from core.llm import LlmChoice, choose_llm


def build_llm(choice: LlmChoice | None = None) -> llm.LLM:
    choice = choice or choose_llm()
    if choice.provider == "offline":
        from voice_worker.brain import OfflineBrain

        return OfflineBrain()
    from livekit.plugins import openai

    options: dict[str, Any] = {
        "model": choice.model,
        "api_key": choice.api_key,
        "_strict_tool_schema": choice.strict_tools,  # strict JSON schemas are OpenAI's own feature
    }
    if choice.base_url:
        options["base_url"] = choice.base_url
    if choice.provider == "openrouter":
        options["extra_headers"] = {"X-Title": "Salon Front Desk"}
    return openai.LLM(**options)


@dataclass(frozen=True)
class Speech:
    stt: stt.STT
    tts: tts.TTS


def build_speech() -> Speech | None:
    """Speech-to-text and text-to-speech, when a key for them is set; None means text only."""
    if not settings.OPENAI_API_KEY:
        return None
    from livekit.plugins import openai

    return Speech(
        stt=openai.STT(model="gpt-4o-mini-transcribe", api_key=settings.OPENAI_API_KEY),
        tts=openai.TTS(
            model="gpt-4o-mini-tts",
            voice="coral",
            api_key=settings.OPENAI_API_KEY,
            instructions="Speak like a warm, friendly, unhurried receptionist at a hair salon.",
        ),
    )
