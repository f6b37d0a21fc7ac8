"""The voice worker's one door to the salon: its REST API over HTTP (never the ORM).

Reads (`lookup`, `salon`, `get_call`) are tried a few times within a second and then give up
with `ApiUnavailable`: a caller is waiting, so the agent says it cannot check right now.

Writes (`submit`) must not be lost: a help request promised to a caller, the call record and
its transcript. Each write carries an `Idempotency-Key` chosen by the worker, is tried at once,
and when the API cannot be reached (connection refused, timeout, 5xx, 429) it is kept in the
worker's pending writes on disk (voice_worker/pending_writes.py) and sent again with the same key
until the API accepts it. A retry of a request whose response was lost is therefore answered with
the first result instead of creating a second one. An entry the API refuses (4xx) will never
succeed; it is set aside instead of being retried forever.

This module imports pending_writes and not the other way: the disk store only keeps writes in
order, and every decision that needs HTTP (send now or queue, retry or give up) is made here, so
sending a write, now or later, is written once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from typing import Any

import httpx

from voice_worker.pending_writes import Claim, PendingWrites, Queued, Write

logger = logging.getLogger("voice_worker.api")

# HTTP statuses worth retrying: the request may succeed later, unchanged.
TRANSIENT_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
# Quick retries while a caller waits (seconds before the 2nd and 3rd attempt).
QUICK_RETRIES = (0.25, 0.75)
# After a request found the API down, the next ones within this window get no quick retries.
DOWN_MEMORY_SECONDS = 5.0


class ApiError(Exception):
    pass


class ApiUnavailable(ApiError):
    """The API could not be reached, or kept answering with a transient error."""


class ApiRejected(ApiError):
    """The API refused the request (4xx); sending it again unchanged will not help."""

    def __init__(self, status_code: int, detail: str):
        super().__init__(f"HTTP {status_code}: {detail}")
        self.status_code = status_code
        self.detail = detail


class SalonApi:
    """An async client of the salon's API with a bearer token, quick retries and pending writes."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        pending_writes: PendingWrites | None = None,
        timeout: float = 5.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.pending_writes = pending_writes
        self._client = httpx.AsyncClient(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {token}", "User-Agent": "salon-voice-worker"},
            timeout=httpx.Timeout(timeout, connect=min(timeout, 2.0)),
            transport=transport,
        )
        self._drainer: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._down_at = -DOWN_MEMORY_SECONDS

    async def aclose(self) -> None:
        await self.stop_draining()
        await self._client.aclose()

    async def __aenter__(self) -> SalonApi:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    # --- plain requests -----------------------------------------------------------------------

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        idempotency_key: str | None = None,
        retries: tuple[float, ...] = QUICK_RETRIES,
    ) -> httpx.Response:
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        problem = ""
        if time.monotonic() - self._down_at < DOWN_MEMORY_SECONDS:
            retries = ()  # it was down a moment ago: one attempt, so a waiting caller is not kept
        for delay in (0.0, *retries):
            if delay:
                await asyncio.sleep(delay)
            try:
                response = await self._client.request(method, path, json=json, params=params, headers=headers)
            except httpx.TransportError as exc:
                problem = f"{type(exc).__name__}: {exc}".rstrip(": ")
                continue
            if response.status_code in TRANSIENT_STATUSES:
                problem = f"HTTP {response.status_code}"
                continue
            self._down_at = -DOWN_MEMORY_SECONDS
            if response.status_code >= 400:
                raise ApiRejected(response.status_code, _detail(response))
            return response
        self._down_at = time.monotonic()
        raise ApiUnavailable(f"{method} {self.base_url}{path} failed: {problem}")

    async def get_json(self, path: str, **params: Any) -> Any:
        return (await self.request("GET", path, params=params or None)).json()

    async def salon(self) -> dict[str, Any] | None:
        """The salon's profile (`GET /api/v1/salon`), or None when it cannot be had."""
        try:
            return await self.get_json("/api/v1/salon")
        except ApiError as exc:
            logger.warning("Could not read the salon profile (%s); introducing as 'the salon'.", exc)
            return None

    async def lookup(self, question: str) -> dict[str, Any]:
        response = await self.request("POST", "/api/v1/knowledge/lookup", json={"question": question})
        return response.json()

    async def start_transfer(self, call_id: int, reason: str, *, idempotency_key: str) -> dict[str, Any]:
        """Ask for a person to take this call (`POST /calls/{id}/transfers`). Not a pending write:
        a transfer made minutes later, after the caller has gone, helps nobody."""
        response = await self.request(
            "POST", f"/api/v1/calls/{call_id}/transfers", json={"reason": reason}, idempotency_key=idempotency_key
        )
        return response.json()

    # --- writes that must happen --------------------------------------------------------------

    async def submit(self, write: Write) -> dict[str, Any] | Queued:
        """Make the write now, or keep it with the pending writes on disk when the API cannot take it.

        Returns the API's JSON answer, or `Queued`. Raises `ApiRejected` when the API refuses it
        (and `ApiUnavailable` only when there is no `PendingWrites` to keep it in)."""
        pending = self.pending_writes
        if pending is not None and pending.has_pending(write.group):
            self.wake_drainer()
            return pending.put(write, "an earlier write of this call is still waiting")
        path = write.path_for(pending)
        if path is None:
            if pending is None:
                raise ApiUnavailable(f"{write.path} needs {write.needs_ref}, which was never created")
            return pending.put(write, f"waiting for {write.needs_ref}")
        try:
            response = await self.request(
                write.method, path, json=write.body_for(pending), idempotency_key=write.idempotency_key
            )
        except ApiRejected as exc:
            if exc.status_code in write.accept:
                return {}
            raise
        except ApiUnavailable as exc:
            if pending is None:
                raise
            queued = pending.put(write, str(exc))
            self.wake_drainer()
            return queued
        self._remember_ref(write, response)
        return response.json() if response.content else {}

    def _remember_ref(self, write: Write, response: httpx.Response) -> None:
        if self.pending_writes is None or not write.ref_name:
            return
        with contextlib.suppress(ValueError, KeyError, TypeError):
            self.pending_writes.set_ref(write.ref_name, int(response.json()["id"]))

    # --- sending the pending writes ----------------------------------------------------------

    def start_draining(self, *, interval: float = 2.0, max_interval: float = 30.0) -> None:
        """Send queued writes in the background: soon after each new one, then with backoff."""
        if self.pending_writes is None or self._drainer is not None:
            return
        self._drainer = asyncio.get_running_loop().create_task(
            self._drain_forever(interval, max_interval), name="voice-pending-writes-drainer"
        )

    def wake_drainer(self) -> None:
        self._wake.set()

    async def stop_draining(self) -> None:
        if self._drainer is not None:
            self._drainer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._drainer
            self._drainer = None

    async def drain(self) -> int:
        """One pass over the pending writes, oldest first; how many writes still wait.

        Stops at the first sign that the API is down (the rest waits for the next pass)."""
        pending = self.pending_writes
        if pending is None:
            return 0
        try:
            for claim in pending.claims():
                if not await self._send_claimed(claim):
                    break
            return pending.count()
        except OSError:
            logger.exception("Could not read the voice worker's pending writes at %s", pending.directory)
            return pending.count()

    async def _send_claimed(self, claim: Claim) -> bool:
        """Send one claimed entry; False when the API is down (the entry waits again)."""
        write = claim.write
        path = write.path_for(self.pending_writes)
        if path is None:
            # Its creator comes first in the same group, so it is neither waiting nor sent:
            # the API refused it, and this entry can never be sent.
            claim.fail(f"needs {write.needs_ref}, which was never created")
            return True
        try:
            response = await self.request(
                write.method,
                path,
                json=write.body_for(self.pending_writes),
                idempotency_key=write.idempotency_key,
                retries=(),
            )
        except ApiUnavailable as exc:
            claim.release(str(exc))
            return False
        except ApiRejected as exc:
            if exc.status_code in write.accept:
                claim.sent()
            else:
                claim.fail(f"the API refused it: {exc}")
            return True
        self._remember_ref(write, response)
        claim.sent()
        logger.info("Sent queued %s after %d failed attempt(s).", write.description or path, claim.attempts + 1)
        return True

    async def _drain_forever(self, interval: float, max_interval: float) -> None:
        delay = interval
        while True:
            remaining = await self.drain()
            delay = interval if remaining == 0 else min(delay * 2, max_interval)
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=delay if remaining else max_interval)
            if self._wake.is_set():
                await asyncio.sleep(0.2)  # let a burst of queued writes land first
                delay = interval


def _detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200] or response.reason_phrase
    if isinstance(body, dict) and "detail" in body:
        return json.dumps(body["detail"]) if not isinstance(body["detail"], str) else body["detail"]
    return json.dumps(body)[:200]
