"""Which model answers: the offline brain, or any OpenAI-compatible chat model. One table for
the voice worker's agent (voice_worker/llm_providers.py) and the server's transfer summaries
(calls/summaries.py), so both follow the same settings.

LLM_PROVIDER      model default                     key                      base URL
offline (default) the offline brain (brain.py)      none                     none
openai            gpt-4.1-mini                      OPENAI_API_KEY           api.openai.com
groq              llama-3.3-70b-versatile           GROQ_API_KEY             api.groq.com/openai/v1
openrouter        openai/gpt-4o-mini                OPENROUTER_API_KEY       openrouter.ai/api/v1
compatible        (LLM_MODEL required)              LLM_API_KEY (optional)   LLM_BASE_URL (required)
  (aliases: openai-compatible, ollama, vllm)

LLM_MODEL picks another model; LLM_API_KEY is used when the provider's own key is unset;
LLM_BASE_URL sends any provider's requests elsewhere (a proxy, a gateway, a local server).

A choice that cannot work raises `ProviderConfigError` with a sentence saying what to set.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

OPENAI_BASE_URL = "https://api.openai.com/v1"


class ProviderConfigError(Exception):
    pass


@dataclass(frozen=True)
class _Provider:
    key_setting: str | None
    base_url: str | None
    default_model: str | None
    strict_tools: bool = False


PROVIDERS: dict[str, _Provider] = {
    "openai": _Provider("OPENAI_API_KEY", None, "gpt-4.1-mini", strict_tools=True),
    "groq": _Provider("GROQ_API_KEY", "https://api.groq.com/openai/v1", "llama-3.3-70b-versatile"),
    "openrouter": _Provider("OPENROUTER_API_KEY", "https://openrouter.ai/api/v1", "openai/gpt-4o-mini"),
    "compatible": _Provider(None, None, None),
}
ALIASES = {"openai-compatible": "compatible", "ollama": "compatible", "vllm": "compatible", "custom": "compatible"}
CHOICES = ("offline", *PROVIDERS, *ALIASES)


@dataclass(frozen=True)
class LlmChoice:
    provider: str  # "offline" or a key of PROVIDERS
    model: str
    base_url: str | None = None
    api_key: str | None = None
    strict_tools: bool = False

    @property
    def api_base(self) -> str:
        """The OpenAI-compatible API this choice talks to (OpenAI's own unless a URL is set)."""
        return (self.base_url or OPENAI_BASE_URL).rstrip("/")

    def describe(self) -> str:
        if self.provider == "offline":
            return "the offline brain (no model, no key)"
        return f"{self.model} via {self.provider}" + (f" at {self.base_url}" if self.base_url else "")


def choose_llm() -> LlmChoice:
    """Read and check LLM_PROVIDER, LLM_MODEL, LLM_BASE_URL and the keys."""
    name = (settings.LLM_PROVIDER or "offline").strip().lower()
    name = ALIASES.get(name, name)
    if name == "offline":
        return LlmChoice("offline", "offline-brain")
    provider = PROVIDERS.get(name)
    if provider is None:
        raise ProviderConfigError(
            f"LLM_PROVIDER={settings.LLM_PROVIDER!r} is not a provider I know; use one of: {', '.join(CHOICES)}."
        )
    key_name = provider.key_setting
    api_key = (getattr(settings, key_name, None) if key_name else None) or settings.LLM_API_KEY
    base_url = settings.LLM_BASE_URL or provider.base_url
    model = settings.LLM_MODEL or provider.default_model
    if name == "compatible":
        if not base_url:
            raise ProviderConfigError(
                "LLM_PROVIDER=compatible needs LLM_BASE_URL, the OpenAI-compatible server's URL "
                "(e.g. http://localhost:11434/v1 for Ollama, http://localhost:8000/v1 for vLLM)."
            )
        if not model:
            raise ProviderConfigError("LLM_PROVIDER=compatible needs LLM_MODEL, the model the server should run.")
        api_key = api_key or "not-needed"  # local servers accept any key; the client insists on one
    elif not api_key:
        raise ProviderConfigError(
            f"LLM_PROVIDER={name} needs an API key: set {key_name} (or LLM_API_KEY). "
            "Or unset LLM_PROVIDER to use the offline brain."
        )
    return LlmChoice(name, model, base_url, api_key, provider.strict_tools and not settings.LLM_BASE_URL)
