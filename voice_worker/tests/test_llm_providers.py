"""LLM_PROVIDER picks the model: the offline brain by default, or an OpenAI-compatible chat model
(OpenAI, Groq, OpenRouter, or any LLM_BASE_URL such as Ollama or vLLM) with its key. Each hosted
provider is exercised against a loopback server speaking the real streaming protocol
(salon_project/tests/support_openai_double): the model calls `lookup_answer` on the real API, then speaks."""

import json

import pytest
from livekit.plugins import openai

from core.llm import ProviderConfigError, choose_llm
from salon_project.tests.support_openai_double import OpenAIDouble
from voice_worker.brain import OfflineBrain
from voice_worker.llm_providers import build_llm, build_speech
from voice_worker.tests.support import api_for, hang_up, run, said, start_call

NO_KEYS = {
    "LLM_PROVIDER": "offline",
    "LLM_MODEL": None,
    "LLM_BASE_URL": None,
    "LLM_API_KEY": None,
    "OPENAI_API_KEY": None,
    "GROQ_API_KEY": None,
    "OPENROUTER_API_KEY": None,
}


@pytest.fixture
def no_keys(settings):
    for name, value in NO_KEYS.items():
        setattr(settings, name, value)
    return settings


def test_the_offline_brain_is_the_default_and_a_real_llm(no_keys):
    choice = choose_llm()
    assert choice.provider == "offline"
    brain = build_llm(choice)
    assert isinstance(brain, OfflineBrain)
    from livekit.agents import llm

    assert isinstance(brain, llm.LLM)
    assert build_speech() is None  # no key: text only


@pytest.mark.parametrize(
    ("provider", "key_name"),
    [("openai", "OPENAI_API_KEY"), ("groq", "GROQ_API_KEY"), ("openrouter", "OPENROUTER_API_KEY")],
)
def test_a_hosted_provider_without_its_key_is_a_clear_error(no_keys, provider, key_name):
    no_keys.LLM_PROVIDER = provider
    with pytest.raises(ProviderConfigError, match=f"LLM_PROVIDER={provider} needs an API key: set {key_name}"):
        choose_llm()


def test_a_compatible_server_needs_its_url_and_model(no_keys):
    no_keys.LLM_PROVIDER = "ollama"
    with pytest.raises(ProviderConfigError, match="needs LLM_BASE_URL"):
        choose_llm()
    no_keys.LLM_BASE_URL = "http://localhost:11434/v1"
    with pytest.raises(ProviderConfigError, match="needs LLM_MODEL"):
        choose_llm()
    no_keys.LLM_MODEL = "llama3.1"
    choice = choose_llm()
    assert (choice.provider, choice.model, choice.base_url) == ("compatible", "llama3.1", "http://localhost:11434/v1")


def test_an_unknown_provider_lists_the_choices(no_keys):
    no_keys.LLM_PROVIDER = "skynet"
    with pytest.raises(ProviderConfigError, match="offline, openai, groq, openrouter, compatible"):
        choose_llm()


@pytest.mark.parametrize(
    ("provider", "key_name", "model", "host"),
    [
        ("openai", "OPENAI_API_KEY", "gpt-4.1-mini", "api.openai.com"),
        ("groq", "GROQ_API_KEY", "llama-3.3-70b-versatile", "api.groq.com"),
        ("openrouter", "OPENROUTER_API_KEY", "openai/gpt-4o-mini", "openrouter.ai"),
    ],
)
def test_each_provider_builds_the_openai_plugin_for_its_service(no_keys, provider, key_name, model, host):
    no_keys.LLM_PROVIDER = provider
    setattr(no_keys, key_name, "sk-test")
    built = build_llm()
    assert isinstance(built, openai.LLM)
    assert built.model == model and built.provider == host
    no_keys.LLM_MODEL = "some-other-model"
    assert build_llm().model == "some-other-model"


def test_speech_comes_from_the_openai_plugin_when_its_key_is_set(no_keys):
    no_keys.OPENAI_API_KEY = "sk-test"
    speech = build_speech()
    assert isinstance(speech.stt, openai.STT) and isinstance(speech.tts, openai.TTS)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("provider", "key_name", "model"),
    [
        ("openai", "OPENAI_API_KEY", "gpt-4.1-mini"),
        ("groq", "GROQ_API_KEY", "llama-3.3-70b-versatile"),
        ("openrouter", "OPENROUTER_API_KEY", "openai/gpt-4o-mini"),
        ("compatible", "LLM_API_KEY", "local-model"),
    ],
)
def test_a_streaming_model_drives_the_same_tools(no_keys, salon_server, pending_writes, provider, key_name, model):
    with OpenAIDouble() as double:
        no_keys.LLM_PROVIDER = provider
        no_keys.LLM_BASE_URL = double.base_url
        setattr(no_keys, key_name, f"key-for-{provider}")
        if provider == "compatible":
            no_keys.LLM_MODEL = model

        async def scenario():
            async with api_for(salon_server, pending_writes) as api:
                call = await start_call(api, model=build_llm())
                result = await call.session.run(user_input="What does a blowout cost?")
                result.expect.next_event().is_function_call(
                    name="lookup_answer", arguments={"question": "What does a blowout cost?"}
                )
                output = json.loads(result.expect.next_event().is_function_call_output().event().item.output)
                result.expect.next_event().is_message(role="assistant")
                result.expect.no_more_events()
                await hang_up(call)
                return output, said(result)

        output, reply = run(scenario())
        requests = double.completions()

    assert output["status"] == "answered" and "$55" in output["answer"]
    assert reply == output["answer"]  # streamed in pieces, said whole
    first, second = requests
    assert first["headers"]["authorization"] == f"Bearer key-for-{provider}"
    assert first["body"]["model"] == model and first["body"]["stream"] is True
    tools = {tool["function"]["name"] for tool in first["body"]["tools"]}
    assert tools == {"lookup_answer", "request_help", "save_callback_number", "transfer_to_human", "end_call"}
    assert first["body"]["messages"][0]["role"] in ("system", "developer")
    assert "Glow & Shear Salon" in first["body"]["messages"][0]["content"]
    assert second["body"]["messages"][-1]["role"] == "tool"  # the tool's result went back to the model
