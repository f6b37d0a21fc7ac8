"""The voice worker's one door to the salon: its REST API over HTTP (never the ORM).

Reads (`lookup`, `salon`, `get_call`) are tried a few times within a second and then give up
with `ApiUnavailable`: a caller is waiting, so the agent says it cannot check right now.

Writes (`submit`) must not be lost: a help request promised to a caller, the call record and
its transcript. Each write carries an `Idempotency-Key` chosen by the worker, is tried at once,
and when the API cannot be reached (connection refused, timeout, 5xx, 429) it is written to the
**outbox**, a folder of JSON files (var/voice-outbox/<api host-port>/), and sent again with the
same key until the API accepts it. A retry of a request whose response was lost is therefore
answered with the first result instead of creating a second one.

The outbox is a file, not memory, so a worker that dies keeps its promises: the next job in any
worker process, and the `runworker` main process (every 15 s, and once more on shutdown), send
what is left. Several processes may drain the same folder; an entry is claimed by an atomic
rename before it is sent, so one process sends it. Entries of one group (one call) are sent in
the order they were written, and an entry may wait for an earlier one's result: a transcript
turn queued while the call's own creation is still queued is sent once the call has an id.
An entry the API refuses (4xx) will never succeed; it is moved to `failed/` and logged as an
error instead of being retried forever.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import itertools
import json
import logging
import os
import secrets
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

logger = logging.getLogger("voice_worker.api")

# HTTP statuses worth retrying: the request may succeed later, unchanged.
TRANSIENT_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
# Quick retries while a caller waits (seconds before the 2nd and 3rd attempt).
QUICK_RETRIES = (0.25, 0.75)
# A claim older than this belongs to a process that died mid-send; the entry is sent again.
CLAIM_TTL_SECONDS = 60.0
REF_TTL_SECONDS = 7 * 24 * 3600.0
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


@dataclass
class Write:
    """One write to the API that must happen, now or later.

    `path` may contain `{ref}`: the id returned by the write that registered `needs_ref` (e.g. a
    transcript turn of a call whose creation is itself still queued). `group` orders writes: a
    write is never sent while an earlier write of its group is still waiting. Statuses in
    `accept` count as done (an "end call" answered 409: the call had already ended).
    """

    method: str
    path: str
    body: dict[str, Any] | None
    idempotency_key: str | None = None
    group: str | None = None
    ref_name: str | None = None  # store the response's "id" under this name
    needs_ref: str | None = None
    accept: tuple[int, ...] = ()
    description: str = ""
    link_refs: dict[str, str] = field(default_factory=dict)  # body field -> ref, filled when known

    def body_for(self, outbox: Outbox | None) -> dict[str, Any] | None:
        """The body, with links to writes made since it was queued (e.g. the call's id)."""
        if not self.link_refs or outbox is None:
            return self.body
        body = dict(self.body or {})
        for name, ref_name in self.link_refs.items():
            if body.get(name) is None and (ref := outbox.get_ref(ref_name)) is not None:
                body[name] = ref
        return body


@dataclass(frozen=True)
class Queued:
    """The write could not be made now; it waits in the outbox and will be sent later."""

    entry: str
    reason: str


@dataclass
class _Entry:
    write: Write
    created_at: str
    attempts: int = 0
    last_error: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def dumps(self) -> str:
        data = {"write": asdict(self.write), "created_at": self.created_at, "attempts": self.attempts}
        data.update(last_error=self.last_error, **self.extra)
        return json.dumps(data, indent=1)

    @classmethod
    def loads(cls, text: str) -> _Entry:
        data = json.loads(text)
        write = data["write"]
        write["accept"] = tuple(write.get("accept") or ())
        write["link_refs"] = dict(write.get("link_refs") or {})
        return cls(Write(**write), data["created_at"], data.get("attempts", 0), data.get("last_error", ""))


def _digest(value: str) -> str:
    return hashlib.sha1(value.encode()).hexdigest()[:16]


class Outbox:
    """Writes waiting for the API, one JSON file each under `directory/pending/`.

    File names sort in the order the writes were made: `<ns time>-<pid>-<n>--<group digest>.json`,
    so order and group can be read from a directory listing without opening anything.
    A claimed entry is renamed to `<name>.claim-<token>` while it is being sent.
    """

    def __init__(self, directory: Path | str):
        self.directory = Path(directory)
        self.pending = self.directory / "pending"
        self.failed = self.directory / "failed"
        self.refs = self.directory / "refs"
        for folder in (self.pending, self.failed, self.refs):
            folder.mkdir(parents=True, exist_ok=True)
        self._counter = itertools.count()
        self._token = secrets.token_hex(4)

    # --- writing ------------------------------------------------------------------------------

    def put(self, write: Write, reason: str = "") -> Queued:
        group = _digest(write.group) if write.group else "nogroup"
        name = f"{time.time_ns():020d}-{os.getpid()}-{next(self._counter):06d}--{group}.json"
        entry = _Entry(write, datetime.now(UTC).isoformat(), last_error=reason)
        _atomic_write(self.pending / name, entry.dumps())
        logger.warning("Queued %s for later (%s): %s", write.description or write.path, reason or "API down", name)
        return Queued(name, reason)

    def set_ref(self, name: str, value: int) -> None:
        _atomic_write(self.refs / f"{_digest(name)}.json", json.dumps({"name": name, "id": value}))

    def forget_ref(self, name: str) -> None:
        (self.refs / f"{_digest(name)}.json").unlink(missing_ok=True)

    def forget_old_refs(self, older_than: float = REF_TTL_SECONDS) -> None:
        """A ref is only needed while writes of its group wait; a week is plenty."""
        cutoff = time.time() - older_than
        for path in self.refs.glob("*.json"):
            with contextlib.suppress(FileNotFoundError):
                if path.stat().st_mtime < cutoff:
                    path.unlink()

    def get_ref(self, name: str) -> int | None:
        try:
            return json.loads((self.refs / f"{_digest(name)}.json").read_text())["id"]
        except (OSError, ValueError, KeyError):
            return None

    # --- reading ------------------------------------------------------------------------------

    def _listing(self) -> list[str]:
        try:
            return sorted(name for name in os.listdir(self.pending) if not name.startswith("."))
        except FileNotFoundError:
            return []

    def count(self) -> int:
        return sum(1 for name in self._listing() if ".json" in name)

    def has_pending(self, group: str | None) -> bool:
        """Whether a write of this group is still waiting (so a new one must queue behind it)."""
        if not group:
            return False
        suffix = f"--{_digest(group)}.json"
        return any(suffix in name for name in self._listing())

    def entries(self) -> list[Write]:
        """The waiting writes, oldest first (for tests and the `runworker` shutdown report)."""
        found = []
        for name in self._listing():
            with contextlib.suppress(OSError, ValueError, KeyError):
                found.append(_Entry.loads((self.pending / name).read_text()).write)
        return found

    def failed_entries(self) -> list[dict[str, Any]]:
        return [json.loads(path.read_text()) for path in sorted(self.failed.glob("*.json"))]

    # --- sending ------------------------------------------------------------------------------

    async def drain(self, api: SalonApi) -> int:
        """Send what can be sent now, oldest first; returns how many entries are still waiting.

        Stops at the first sign that the API is down; skips (and keeps) the rest of a group
        whose earlier entry could not be sent, so each call's writes stay in order."""
        blocked: set[str] = set()
        for name in self._listing():
            stem, _, claim = name.partition(".claim-")
            group = stem.rsplit("--", 1)[-1].removesuffix(".json")
            if claim:
                if not self._reclaim_if_stale(name, stem):
                    blocked.add(group)  # another drainer is sending it right now
                    continue
                name = stem  # its sender died: send it now
            if group in blocked:
                continue
            claimed = self.pending / f"{name}.claim-{os.getpid()}-{self._token}"
            try:
                os.rename(self.pending / name, claimed)
            except FileNotFoundError:
                blocked.add(group)  # another drainer took it
                continue
            outcome = await self._send_claimed(api, claimed, self.pending / name)
            if outcome == "down":
                break
            if outcome == "wait":
                blocked.add(group)
        return self.count()

    async def _send_claimed(self, api: SalonApi, claimed: Path, original: Path) -> str:
        try:
            entry = _Entry.loads(claimed.read_text())
        except (OSError, ValueError, KeyError, TypeError):
            logger.error("Unreadable outbox entry %s; moved to failed/.", claimed.name)
            os.replace(claimed, self.failed / original.name)
            return "done"
        write = entry.write
        path = write.path
        if write.needs_ref:
            ref = self.get_ref(write.needs_ref)
            if ref is None:
                # Its creator comes first in the same group, so it is neither waiting nor sent:
                # the API refused it, and this entry can never be sent.
                self._fail(claimed, original, entry, f"needs {write.needs_ref}, which was never created")
                return "done"
            path = path.replace("{ref}", str(ref))
        try:
            response = await api.request(
                write.method, path, json=write.body_for(self), idempotency_key=write.idempotency_key, retries=()
            )
        except ApiUnavailable as exc:
            entry.attempts += 1
            entry.last_error = str(exc)
            _atomic_write(claimed, entry.dumps())
            os.rename(claimed, original)
            return "down"
        except ApiRejected as exc:
            if exc.status_code in write.accept:
                claimed.unlink(missing_ok=True)
                return "done"
            self._fail(claimed, original, entry, f"the API refused it: {exc}")
            return "done"
        _remember_ref(self, write, response)
        claimed.unlink(missing_ok=True)
        logger.info("Sent queued %s after %d failed attempt(s).", write.description or path, entry.attempts + 1)
        return "done"

    def _fail(self, claimed: Path, original: Path, entry: _Entry, reason: str) -> None:
        entry.last_error = reason
        entry.extra["failed_at"] = datetime.now(UTC).isoformat()
        _atomic_write(claimed, entry.dumps())
        os.replace(claimed, self.failed / original.name)
        logger.error(
            "Gave up on %s: %s. It is kept in %s.", entry.write.description or entry.write.path, reason, self.failed
        )

    def _reclaim_if_stale(self, name: str, stem: str) -> bool:
        """A claim left by a process that died mid-send is released; True if it was."""
        path = self.pending / name
        owner = name.partition(".claim-")[2].split("-", 1)[0]
        try:
            age = time.time() - path.stat().st_mtime
        except FileNotFoundError:
            return False
        if age < CLAIM_TTL_SECONDS and _pid_alive(owner):
            return False
        with contextlib.suppress(FileNotFoundError):
            os.rename(path, self.pending / stem)
            return True
        return False


def _remember_ref(outbox: Outbox | None, write: Write, response: httpx.Response) -> None:
    if outbox is None or not write.ref_name:
        return
    with contextlib.suppress(ValueError, KeyError, TypeError):
        outbox.set_ref(write.ref_name, int(response.json()["id"]))


def _pid_alive(pid: str) -> bool:
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def _atomic_write(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "w") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


class SalonApi:
    """An async client of the salon's API with a bearer token, quick retries and the outbox."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        outbox: Outbox | None = None,
        timeout: float = 5.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.outbox = outbox
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
        """Ask for a person to take this call (`POST /calls/{id}/transfers`). Not an outbox write:
        a transfer made minutes later, after the caller has gone, helps nobody."""
        response = await self.request(
            "POST", f"/api/v1/calls/{call_id}/transfers", json={"reason": reason}, idempotency_key=idempotency_key
        )
        return response.json()

    # --- writes that must happen --------------------------------------------------------------

    async def submit(self, write: Write) -> dict[str, Any] | Queued:
        """Make the write now, or queue it in the outbox when the API cannot take it now.

        Returns the API's JSON answer, or `Queued`. Raises `ApiRejected` when the API refuses it
        (and `ApiUnavailable` only when there is no outbox to keep it in)."""
        outbox = self.outbox
        if outbox is not None and outbox.has_pending(write.group):
            self.wake_drainer()
            return outbox.put(write, "an earlier write of this call is still waiting")
        path = write.path
        if write.needs_ref:
            ref = outbox.get_ref(write.needs_ref) if outbox else None
            if ref is None:
                if outbox is None:
                    raise ApiUnavailable(f"{write.path} needs {write.needs_ref}, which was never created")
                return outbox.put(write, f"waiting for {write.needs_ref}")
            path = path.replace("{ref}", str(ref))
        try:
            response = await self.request(
                write.method, path, json=write.body_for(outbox), idempotency_key=write.idempotency_key
            )
        except ApiRejected as exc:
            if exc.status_code in write.accept:
                return {}
            raise
        except ApiUnavailable as exc:
            if outbox is None:
                raise
            queued = outbox.put(write, str(exc))
            self.wake_drainer()
            return queued
        _remember_ref(outbox, write, response)
        return response.json() if response.content else {}

    # --- background sending of the outbox -----------------------------------------------------

    def start_draining(self, *, interval: float = 2.0, max_interval: float = 30.0) -> None:
        """Send queued writes in the background: soon after each new one, then with backoff."""
        if self.outbox is None or self._drainer is not None:
            return
        self._drainer = asyncio.get_running_loop().create_task(
            self._drain_forever(interval, max_interval), name="voice-outbox-drainer"
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
        """One pass over the outbox; how many writes still wait."""
        if self.outbox is None:
            return 0
        try:
            return await self.outbox.drain(self)
        except OSError:
            logger.exception("Could not read the voice worker's outbox at %s", self.outbox.directory)
            return self.outbox.count()

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
