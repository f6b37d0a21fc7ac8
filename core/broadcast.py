"""The one door live updates leave through: a group send on the Channels layer, after commit.

Why after commit: a listener that hears "help request 12 was answered" reacts at once (the
voice agent reads the answer out, then reports it delivered through the API). If the event
went out before the transaction committed, that report could find the request still pending,
and if the transaction rolled back, the caller would have been told an answer that does not
exist.

Why best effort: a push is a shortcut, not the record. The database holds the truth, and a
listener that (re)connects is sent what it missed (see calls/consumers.py), so a channel layer
hiccup is logged and never fails the operation that caused the event.

Event `type`s use dots (`help_request.resolved`); Channels delivers them to the consumer method
with the dots replaced by underscores (`help_request_resolved`).

The supervisor console listens on one group, CONSOLE_GROUP, to events sent with `to_console`:
`{"type": "console.event", "kind": "help_request", "action": "created", "data": {...}}`. The
console consumer forwards them to the browser as they are (without "type"); each page decides
what a kind/action means for it (see salon_project/static/console/console.js).
"""

import asyncio
import concurrent.futures
import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger("salon.broadcast")


def broadcast(group: str, event: dict[str, Any]) -> None:
    """Send `event` to every consumer in `group` once the current transaction commits (at once
    outside a transaction). Call it from synchronous code, inside the transaction that causes it."""
    if "type" not in event:
        raise ValueError("A channel layer event needs a 'type' naming the consumer handler.")
    transaction.on_commit(lambda: _send(group, dict(event)))


CONSOLE_GROUP = "console"


def to_console(kind: str, action: str, data: dict[str, Any]) -> None:
    """Tell every open console page that `kind` (help_request, call, knowledge_entry, ...) had
    `action` (created, resolved, ...), after commit. `data` must be JSON-serialisable."""
    broadcast(CONSOLE_GROUP, {"type": "console.event", "kind": kind, "action": action, "data": data})


# The longest a request waits for its push to leave (the transaction has committed by then).
SEND_TIMEOUT_SECONDS = 2.0


class ServerStopping(Exception):
    """The web server's event loop has stopped: nothing can be sent through it any more."""


def _send(group: str, event: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        logger.warning("No channel layer is configured; %s to %s was not sent.", event["type"], group)
        return
    try:
        _call(layer.group_send, group, event)
    except ServerStopping:
        logger.info(
            "The server is stopping; %s to %s was not pushed (pages re-read on reconnect).", event["type"], group
        )
    except Exception:
        logger.warning("Could not send %s to %s over the channel layer.", event["type"], group, exc_info=True)


def _call(function: Callable[..., Awaitable[Any]], *args: Any) -> Any:
    """Run a channel-layer coroutine from synchronous code, waiting at most SEND_TIMEOUT_SECONDS.

    In a request thread of the web server the coroutine has to run on the server's event loop (the
    in-memory layer and the Redis connections belong to it). `async_to_sync` hands it there and
    waits without limit, and once SIGTERM has stopped that loop nothing ever runs it: the thread
    waited for ever, the interpreter's exit waited for the thread, and daphne never exited. So a
    loop that no longer runs gets nothing (ServerStopping), and a running one a bounded wait.
    Elsewhere (Celery tasks, management commands) there is no server loop and `async_to_sync`
    runs the coroutine in a loop of its own."""
    loop = _server_loop()
    if loop is None:
        return async_to_sync(function)(*args)
    if loop.is_closed() or not loop.is_running():
        raise ServerStopping
    future = asyncio.run_coroutine_threadsafe(function(*args), loop)
    try:
        return future.result(timeout=SEND_TIMEOUT_SECONDS)
    except concurrent.futures.TimeoutError:
        future.cancel()
        if not loop.is_running():
            raise ServerStopping from None
        raise


def _server_loop() -> asyncio.AbstractEventLoop | None:
    """The event loop that handed this thread its work through `sync_to_async`, if any: asgiref
    records it per thread (the same record `async_to_sync` itself goes by)."""
    threadlocal = SyncToAsync.threadlocal
    if getattr(threadlocal, "main_event_loop_pid", None) != os.getpid():
        return None
    return getattr(threadlocal, "main_event_loop", None)
