"""Live events of one call, pushed by the API over a websocket (`/ws/calls/<id>/`).

The agent holding a caller for a supervisor's answer learns of it here, at once, instead of
asking the API again and again. The server sends answers the listener missed right after it
(re)connects, so a dropped connection is simply opened again (with backoff); an event may
therefore arrive twice, and listeners key on `help_request_id`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import aiohttp

logger = logging.getLogger("voice_worker.push")

# Close codes of the server's call consumer that no retry can fix.
CLOSE_UNAUTHENTICATED = 4401
CLOSE_UNKNOWN_CALL = 4404


def call_events_url(api_url: str, call_id: int) -> str:
    parts = urlsplit(api_url)
    scheme = "wss" if parts.scheme == "https" else "ws"
    return urlunsplit((scheme, parts.netloc, f"{parts.path.rstrip('/')}/ws/calls/{call_id}/", "", ""))


class CallEvents:
    """Listens to one call's events until closed, calling `on_event(event)` for each."""

    def __init__(
        self,
        api_url: str,
        token: str,
        call_id: int,
        on_event: Callable[[dict[str, Any]], None],
        *,
        max_backoff: float = 30.0,
    ):
        self.url = call_events_url(api_url, call_id)
        self._headers = {"Authorization": f"Bearer {token}"}
        self._on_event = on_event
        self._max_backoff = max_backoff
        self._task: asyncio.Task[None] | None = None
        self.connected = asyncio.Event()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._listen(), name="voice-call-events")

    async def aclose(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self.connected.clear()

    async def _listen(self) -> None:
        backoff = 1.0
        async with aiohttp.ClientSession() as http:
            while True:
                try:
                    async with http.ws_connect(self.url, headers=self._headers, heartbeat=20) as ws:
                        self.connected.set()
                        backoff = 1.0
                        logger.info("Listening for answers on %s", self.url)
                        async for message in ws:
                            if message.type == aiohttp.WSMsgType.TEXT:
                                self._dispatch(message.data)
                            elif message.type in (aiohttp.WSMsgType.ERROR, aiohttp.WSMsgType.CLOSE):
                                break
                        code = ws.close_code
                    if code in (CLOSE_UNAUTHENTICATED, CLOSE_UNKNOWN_CALL):
                        reason = "the token was refused" if code == CLOSE_UNAUTHENTICATED else "the call is unknown"
                        logger.error("The API closed %s for good (%s, code %s).", self.url, reason, code)
                        return
                except (aiohttp.ClientError, OSError, TimeoutError) as exc:
                    logger.warning("Cannot listen on %s (%s); retrying in %.0fs.", self.url, exc, backoff)
                finally:
                    self.connected.clear()
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self._max_backoff)

    def _dispatch(self, raw: str) -> None:
        try:
            event = json.loads(raw)
        except ValueError:
            logger.warning("Ignoring a push that is not JSON: %.100r", raw)
            return
        if isinstance(event, dict):
            try:
                self._on_event(event)
            except Exception:
                logger.exception("Handling the push %r failed", event.get("type"))
