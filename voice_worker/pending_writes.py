"""The voice worker's pending writes: writes to the API that must not be lost, kept on disk while
the API cannot take them (a help request promised to a caller, the call record and its transcript).

Not to be confused with the transactional outbox of texts and webhooks (outbound/outbox.py):
this is a folder of JSON files on the voice worker's host, `VOICE_OUTBOX_DIR/<api host-port>/`
(the setting and the folder layout keep their old name: operators point disks and alerts at them).

This module only stores: it knows files, order, claims and refs, not HTTP. Sending is the API
client's job (voice_worker/api_client.py), which imports this module and never the other way, so
the rules for "when to queue" and "how to send" live in one place beside the requests themselves.

A file, not memory, so a worker that dies keeps its promises: the next job in any worker process,
and the `runworker` main process, send what is left. Several processes may send from the same
folder; an entry is claimed by an atomic rename before it is sent, so one process sends it.
Entries of one group (one call) are handed out in the order they were written, and an entry may
need an earlier one's result: a transcript turn queued while the call's own creation is still
queued is sent once the call has an id (its ref). An entry that can never succeed is moved to
`failed/` and logged as an error instead of being retried forever.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import logging
import os
import secrets
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

logger = logging.getLogger("voice_worker.api")

# A claim older than this belongs to a process that died mid-send; the entry is sent again.
CLAIM_TTL_SECONDS = 60.0
REF_TTL_SECONDS = 7 * 24 * 3600.0


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

    def path_for(self, pending: PendingWrites | None) -> str | None:
        """The path with `{ref}` filled in, or None while the write it needs has no id."""
        if not self.needs_ref:
            return self.path
        ref = pending.get_ref(self.needs_ref) if pending is not None else None
        return None if ref is None else self.path.replace("{ref}", str(ref))

    def body_for(self, pending: PendingWrites | None) -> dict[str, Any] | None:
        """The body, with links to writes made since it was queued (e.g. the call's id)."""
        if not self.link_refs or pending is None:
            return self.body
        body = dict(self.body or {})
        for name, ref_name in self.link_refs.items():
            if body.get(name) is None and (ref := pending.get_ref(ref_name)) is not None:
                body[name] = ref
        return body


@dataclass(frozen=True)
class Queued:
    """The write could not be made now; it waits on disk and will be sent later."""

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


class Claim:
    """One entry taken by this process to be sent; the sender ends it with exactly one of
    `sent`, `release` (try again later) or `fail` (never)."""

    def __init__(self, pending: PendingWrites, claimed: Path, original: Path, entry: _Entry):
        self._pending = pending
        self._claimed = claimed
        self._original = original
        self._entry = entry

    @property
    def write(self) -> Write:
        return self._entry.write

    @property
    def attempts(self) -> int:
        return self._entry.attempts

    def sent(self) -> None:
        self._claimed.unlink(missing_ok=True)

    def release(self, error: str) -> None:
        self._entry.attempts += 1
        self._entry.last_error = error
        _atomic_write(self._claimed, self._entry.dumps())
        os.rename(self._claimed, self._original)

    def fail(self, reason: str) -> None:
        self._pending._fail(self._claimed, self._original, self._entry, reason)


class PendingWrites:
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

    # --- handing entries to a sender ----------------------------------------------------------

    def claims(self) -> Iterator[Claim]:
        """Claim the waiting entries one at a time, oldest first; the sender stops early (by
        leaving the loop) when the API is down.

        An entry another process is sending right now holds back the rest of its group, so each
        call's writes stay in order; a claim left by a process that died is taken over."""
        blocked: set[str] = set()
        for name in self._listing():
            stem, _, claim = name.partition(".claim-")
            group = stem.rsplit("--", 1)[-1].removesuffix(".json")
            if claim:
                if not self._reclaim_if_stale(name, stem):
                    blocked.add(group)  # another sender is sending it right now
                    continue
                name = stem  # its sender died: send it now
            if group in blocked:
                continue
            claimed = self.pending / f"{name}.claim-{os.getpid()}-{self._token}"
            original = self.pending / name
            try:
                os.rename(original, claimed)
            except FileNotFoundError:
                blocked.add(group)  # another sender took it
                continue
            try:
                entry = _Entry.loads(claimed.read_text())
            except (OSError, ValueError, KeyError, TypeError):
                logger.error("Unreadable pending write %s; moved to failed/.", claimed.name)
                os.replace(claimed, self.failed / original.name)
                continue
            yield Claim(self, claimed, original, entry)

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
