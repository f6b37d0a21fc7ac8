"""The briefing a person hears before taking a call: who, what they want, what was already said
or tried, and why a person. Extractive offline; the configured LLM when there is one, with the
extractive summary when it fails."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from calls.summaries import Turn, extractive_summary, summarize

COLOR_CALL = [
    Turn("agent", "Hi, thanks for calling Glow & Shear! This is the front desk assistant. How can I help you today?"),
    Turn("caller", "Hi. I had my color done yesterday and it came out orange."),
    Turn("agent", "Let me check with my supervisor and get back to you."),
    Turn("caller", "Can you fix it before my wedding on Saturday?"),
    Turn("agent", "A color correction consultation is free and takes 30 minutes. Is there anything else?"),
    Turn("caller", "Let me talk to a person."),
]
REFUND_CALL = [
    Turn("caller", "hello"),
    Turn("agent", "Hi there! How can I help you today?"),
    Turn("caller", "You charged my card twice for a blowout last Tuesday."),
    Turn("agent", "I'm sorry, I'm having trouble reaching my team right now."),
    Turn("caller", "yes"),
    Turn("caller", "415 555 0150"),
    Turn("caller", "That's not what I asked, you're not helping."),
]


def test_it_names_the_callers_need_what_was_tried_and_why():
    summary = extractive_summary(
        COLOR_CALL, reason="The caller asked for the manager.", caller="Ana Diaz (+14155550150)"
    )

    assert summary.startswith("Ana Diaz (+14155550150) is on the line.")
    assert "color done yesterday and it came out orange" in summary
    assert "before my wedding on Saturday" in summary
    assert "a help request was opened for a supervisor" in summary
    assert "color correction consultation is free" in summary  # what the caller was already told
    assert summary.endswith("Why a person: The caller asked for the manager.")
    assert "Let me talk to a person" not in summary  # that is why, not what
    assert "thanks for calling" not in summary.lower()


def test_small_talk_numbers_and_repeats_are_left_out():
    summary = extractive_summary(REFUND_CALL, reason="I am not helping the caller.")

    assert summary.startswith("A caller is on the line. They want: You charged my card twice for a blowout")
    assert "415" not in summary and "They want: hello" not in summary
    assert "having trouble reaching my team" in summary
    assert "That's not what I asked" in summary  # still what they said they need


def test_an_empty_call_still_says_why():
    summary = extractive_summary([], reason="Urgent, health or safety: my scalp is burning")
    assert "did not say what they need yet" in summary and "Nothing has been tried yet" in summary
    assert summary.endswith("my scalp is burning.")


class _Model(BaseHTTPRequestHandler):
    replies: list[tuple[int, dict]] = []
    seen: list[dict] = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Model.seen.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
        status, reply = _Model.replies.pop(0)
        payload = json.dumps(reply).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def model(settings):
    server = HTTPServer(("127.0.0.1", 0), _Model)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Model.replies, _Model.seen = [], []
    settings.LLM_PROVIDER = "compatible"
    settings.LLM_BASE_URL = f"http://127.0.0.1:{server.server_port}/v1"
    settings.LLM_MODEL = "summary-model"
    settings.LLM_API_KEY = "sk-test"
    yield _Model
    server.shutdown()
    thread.join()


def test_with_a_model_configured_the_model_writes_it(model):
    text = "Ana's color came out orange; she was offered a free correction consultation and wants the manager."
    model.replies.append((200, {"choices": [{"message": {"role": "assistant", "content": text}}]}))

    summary = summarize(COLOR_CALL, reason="The caller asked for the manager.", caller="Ana Diaz")

    assert (summary.text, summary.source) == (text, "llm")
    [request] = model.seen
    assert request["path"] == "/v1/chat/completions" and request["auth"] == "Bearer sk-test"
    assert request["body"]["model"] == "summary-model"
    assert "came out orange" in request["body"]["messages"][1]["content"]


def test_when_the_model_fails_the_extractive_summary_is_used(model):
    model.replies.append((500, {"error": "overloaded"}))

    summary = summarize(COLOR_CALL, reason="The caller asked for the manager.")

    assert summary.source == "extractive" and "came out orange" in summary.text


def test_offline_needs_no_network(settings):
    settings.LLM_PROVIDER = "offline"
    assert summarize(COLOR_CALL, reason="x").source == "extractive"


def test_a_named_provider_uses_the_voice_agents_table_its_key_and_default_model(model, settings):
    """The summaries follow the same settings as the voice agent (core.llm): here Groq,
    sent to a gateway URL, with Groq's key and Groq's default model."""
    settings.LLM_PROVIDER, settings.LLM_MODEL, settings.LLM_API_KEY = "groq", None, None
    settings.GROQ_API_KEY = "gsk-test"
    model.replies.append((200, {"choices": [{"message": {"role": "assistant", "content": "Ana wants the manager."}}]}))

    assert summarize(COLOR_CALL, reason="x").source == "llm"
    [request] = model.seen
    assert request["auth"] == "Bearer gsk-test" and request["body"]["model"] == "llama-3.3-70b-versatile"


def test_a_provider_that_cannot_work_falls_back_to_the_extractive_summary(settings, caplog):
    settings.LLM_PROVIDER, settings.GROQ_API_KEY, settings.LLM_API_KEY = "groq", None, None

    assert summarize(COLOR_CALL, reason="x").source == "extractive"
    assert "LLM_PROVIDER=groq needs an API key" in caplog.text
