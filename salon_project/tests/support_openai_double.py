"""A test double of an OpenAI-compatible model server: a real HTTP server on the loopback that
speaks OpenAI's chat completions wire protocol, for any test that talks to "a model" (the voice
agent, the knowledge lookup's grounded path). Only tests import it.

`POST <base>/chat/completions` with `"stream": true` is answered with server-sent events, one
`chat.completion.chunk` per `data:` line and `data: [DONE]` at the end, as OpenAI, Groq,
OpenRouter, Ollama and vLLM do:

- when the last message is the caller's, it calls the `lookup_answer` tool with their words
  (the tool call's id and name first, its JSON arguments in two pieces, finish_reason
  `tool_calls`);
- when the last message is a tool result, it says the answer the tool returned (or the
  escalation sentence when there was none), in several content pieces, finish_reason `stop`;
- a usage chunk follows when `stream_options.include_usage` is set.

Without `"stream"`, a request is answered with one `chat.completion` object whose message says
what the test scripted (`reply`: a `Reply`, or a function of the request body returning one),
or, as the test scripts it, with an HTTP error in OpenAI's error shape (a 429 with
`Retry-After`), a body that is not JSON, or after a delay (to make a client time out).

Speech, for a voice worker with "OpenAI's" STT and TTS: `POST <base>/audio/speech` answers with
a 440 Hz tone as raw PCM (`audio/pcm`, 24 kHz 16-bit mono, OpenAI's `pcm` format) whatever
format was asked (the plugin asks for mp3 and decodes by the Content-Type, as it must for
OpenAI-compatible servers), a tenth of a second per word, so a listener can tell speech by its
energy; `POST <base>/audio/transcriptions` hears nothing
(`{"text": ""}`): callers type.

`GET <base>/models` answers too (the OpenAI plugin lists models to warm the connection up).
Every request is recorded (path, headers with lower-case names, JSON body) for the test to inspect.
"""

import json
import math
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

ESCALATION = "Let me check with my supervisor and get back to you."
SPEECH_SAMPLE_RATE = 24000


@dataclass(frozen=True)
class Reply:
    """How the double answers a non-streaming completion: the assistant's `content` with
    `status` 200, or an error `status`; `raw` is sent as the body instead (a broken response);
    `delay_seconds` passes before anything is sent."""

    content: str | None = None
    status: int = 200
    delay_seconds: float = 0.0
    raw: bytes | None = None


class OpenAIDouble:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self.requests: list[dict[str, Any]] = []
        self.reply: Reply | Callable[[dict[str, Any]], Reply] = Reply(content="")
        self._server = ThreadingHTTPServer((host, 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="openai-double", daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def __enter__(self) -> "OpenAIDouble":
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def record(self, path: str, headers: Any, body: Any) -> None:
        self.requests.append({"path": path, "headers": {k.lower(): v for k, v in headers.items()}, "body": body})

    def completions(self) -> list[dict[str, Any]]:
        return [request for request in self.requests if request["path"].endswith("/chat/completions")]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        double = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                double.requests.append(
                    {"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": None}
                )
                if self.path.endswith("/models"):
                    self._json(200, {"object": "list", "data": [{"id": "any", "object": "model", "owned_by": "test"}]})
                else:
                    self._json(404, {"error": {"message": "not found"}})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                data = self.rfile.read(length)
                self.close_connection = True
                if self.path.endswith("/audio/transcriptions"):  # a multipart form: the audio
                    double.record(self.path, self.headers, None)
                    self._json(200, {"text": ""})
                    return
                body = json.loads(data or b"{}")
                if self.path.endswith("/audio/speech"):
                    double.record(self.path, self.headers, body)
                    self._send(200, _tone(str(body.get("input") or "")), "audio/pcm")
                    return
                self.close_connection = False
                double.requests.append(
                    {"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body}
                )
                if not self.path.endswith("/chat/completions"):
                    self._json(404, {"error": {"message": "not found"}})
                    return
                if body.get("stream"):
                    self._stream(body)
                else:
                    reply = double.reply(body) if callable(double.reply) else double.reply
                    self._complete(body, reply)

            def _complete(self, body: dict[str, Any], reply: Reply) -> None:
                # One request per connection: a client's kept-alive connection must not outlive
                # this double and reach its handler (and its script) from a later test.
                self.close_connection = True
                time.sleep(reply.delay_seconds)
                try:
                    if reply.raw is not None:
                        self._send(reply.status, reply.raw, "application/json")
                    elif reply.status != 200:
                        error = {"message": f"the double says {reply.status}", "type": "server_error", "code": None}
                        self._json(reply.status, {"error": error})
                    else:
                        self._json(200, _completion(body.get("model", "unknown"), reply.content))
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting, as it should on a slow model

            def _json(self, status: int, payload: dict[str, Any]) -> None:
                self._send(status, json.dumps(payload).encode(), "application/json")

            def _send(self, status: int, data: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.send_header("x-request-id", f"req_double_{len(double.requests)}")  # as OpenAI names each
                if self.close_connection:
                    self.send_header("Connection", "close")
                if status == 429:
                    self.send_header("Retry-After", "1")
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, body: dict[str, Any]) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.send_header("Connection", "close")
                self.end_headers()
                model = body.get("model", "unknown")
                for chunk in _reply(body, model):
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                    self.wfile.flush()
                    time.sleep(0.005)
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
                self.close_connection = True

        return Handler


def _tone(text: str) -> bytes:
    """A tenth of a second of 440 Hz per word of `text`, as 16-bit little-endian PCM."""
    samples = SPEECH_SAMPLE_RATE * max(len(text.split()), 1) // 10
    wave = (int(6000 * math.sin(2 * math.pi * 440 * i / SPEECH_SAMPLE_RATE)) for i in range(samples))
    return struct.pack(f"<{samples}h", *wave)


def _completion(model: str, content: str | None) -> dict[str, Any]:
    message = {"role": "assistant", "content": content, "refusal": None}
    return {
        "id": f"chatcmpl-{int(time.time() * 1000)}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 42, "completion_tokens": 7, "total_tokens": 49},
    }


def _text_of(message: dict[str, Any]) -> str:
    content = message.get("content") or ""
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content)


def _reply(body: dict[str, Any], model: str) -> list[dict[str, Any]]:
    completion_id = f"chatcmpl-{int(time.time() * 1000)}"
    created = int(time.time())

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        return {"id": completion_id, "object": "chat.completion.chunk", "created": created, "model": model,
                "choices": [choice]}  # fmt: skip

    messages = body.get("messages") or []
    last = messages[-1] if messages else {"role": "user", "content": ""}
    chunks: list[dict[str, Any]]
    if last.get("role") == "user":
        arguments = json.dumps({"question": _text_of(last)})
        half = len(arguments) // 2
        call = {"index": 0, "id": "call_double_1", "type": "function", "function": {"name": "lookup_answer"}}
        chunks = [
            chunk(
                {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [{**call, "function": {**call["function"], "arguments": ""}}],
                }
            ),  # noqa: E501
            chunk({"tool_calls": [{"index": 0, "function": {"arguments": arguments[:half]}}]}),
            chunk({"tool_calls": [{"index": 0, "function": {"arguments": arguments[half:]}}]}),
            chunk({}, "tool_calls"),
        ]
    else:
        try:
            result = json.loads(_text_of(last)) if last.get("role") == "tool" else {}
        except ValueError:
            result = {}
        text = result.get("answer") or ESCALATION
        words = text.split(" ")
        pieces = [" ".join(words[: len(words) // 2]) + " ", " ".join(words[len(words) // 2 :])]
        chunks = [chunk({"role": "assistant", "content": ""})]
        chunks += [chunk({"content": piece}) for piece in pieces]
        chunks.append(chunk({}, "stop"))
    if (body.get("stream_options") or {}).get("include_usage"):
        chunks.append(
            {
                "id": completion_id,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "choices": [],
                "usage": {"prompt_tokens": 42, "completion_tokens": 7, "total_tokens": 49},
            }  # fmt: skip
        )
    return chunks
