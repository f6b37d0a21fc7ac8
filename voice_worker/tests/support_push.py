"""The API's front door as the worker sees it, with the push under the test's control.

`/ws/calls/<id>/` is served here, so a test decides what is pushed and when; every other request
is passed through to the real test server (and remembered), so the worker still talks to the
real API for everything else."""

import asyncio
import socket
from collections import defaultdict
from typing import Any

import httpx
from aiohttp import WSMsgType, web


class PushFrontDoor:
    def __init__(self, upstream_url: str):
        self.upstream_url = upstream_url
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.listeners: dict[int, list[web.WebSocketResponse]] = defaultdict(list)
        self.listener_headers: list[dict[str, str]] = []
        self.requests: list[tuple[str, str, bytes, int]] = []  # method, path, body, status
        self._runner: web.AppRunner | None = None
        self._listening = asyncio.Event()

    async def __aenter__(self) -> "PushFrontDoor":
        app = web.Application()
        app.router.add_get("/ws/calls/{call_id}/", self._websocket)
        app.router.add_route("*", "/{tail:.*}", self._pass_through)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        self._upstream = httpx.AsyncClient(base_url=self.upstream_url, timeout=10)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        for sockets in self.listeners.values():
            for ws in sockets:
                await ws.close()
        await self._upstream.aclose()
        if self._runner is not None:
            await self._runner.cleanup()

    async def wait_for_listener(self, call_id: int, timeout: float = 10) -> None:
        async def listening():
            while not self.listeners.get(call_id):
                await asyncio.sleep(0.05)

        await asyncio.wait_for(listening(), timeout)

    async def push(self, call_id: int, event: dict[str, Any]) -> None:
        for ws in self.listeners.get(call_id, []):
            await ws.send_json(event)

    def posted(self, path: str) -> list[tuple[bytes, int]]:
        return [(body, status) for method, seen, body, status in self.requests if method == "POST" and seen == path]

    async def _websocket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        call_id = int(request.match_info["call_id"])
        self.listener_headers.append(dict(request.headers))
        self.listeners[call_id].append(ws)
        async for message in ws:
            if message.type == WSMsgType.CLOSE:
                break
        self.listeners[call_id].remove(ws)
        return ws

    async def _pass_through(self, request: web.Request) -> web.Response:
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("host", "content-length")}
        upstream = await self._upstream.request(
            request.method, request.rel_url.path, params=request.rel_url.query, content=body, headers=headers
        )
        self.requests.append((request.method, request.rel_url.path, body, upstream.status_code))
        return web.Response(
            status=upstream.status_code,
            body=upstream.content,
            content_type=upstream.headers.get("content-type", "application/json").split(";")[0],
        )
