"""A loopback OpenAI-compatible server that speaks the real streaming protocol.

`POST <base>/chat/completions` with `"stream": true` is answered with server-sent events, one
`chat.completion.chunk` per `data:` line and `data: [DONE]` at the end, as OpenAI, Groq,
OpenRouter, Ollama and vLLM do:

- when the last message is the caller's, it calls the `lookup_answer` tool with their words
  (the tool call's id and name first, its JSON arguments in two pieces, finish_reason
  `tool_calls`);
- when the last message is a tool result, it says the answer the tool returned (or the
  escalation sentence when there was none), in several content pieces, finish_reason `stop`;
- a usage chunk follows when `stream_options.include_usage` is set.

`GET <base>/models` answers too (the OpenAI plugin lists models to warm the connection up).
Every request is recorded (path, headers with lower-case names, JSON body) for the test to inspect.
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

ESCALATION = "Let me check with my supervisor and get back to you."


class OpenAIDouble:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="openai-double", daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

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
                body = json.loads(self.rfile.read(length) or b"{}")
                double.requests.append(
                    {"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body}
                )
                if not self.path.endswith("/chat/completions"):
                    self._json(404, {"error": {"message": "not found"}})
                    return
                if not body.get("stream"):
                    self._json(400, {"error": {"message": "this double only streams"}})
                    return
                self._stream(body)

            def _json(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
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
