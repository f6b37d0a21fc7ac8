"""Django over ASGI with one thread hand-off a request (see salon_project/asgi.py for why)."""

from __future__ import annotations

import atexit
import os
import queue
import threading
import time
from concurrent.futures import Executor, Future

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.http import HttpResponseBase
from django.urls import set_script_prefix


class OneHopHandler(ASGIHandler):
    """Django's ASGI handler, running each request the way a WSGI server would.

    Django's own ASGI handler makes a thread for each request and hands work to it several
    times: `request_started`, each middleware hook, the view, `request_finished`. All of our
    views and middleware are synchronous, so here the whole request runs in one call on
    REQUEST_THREADS (a fixed set of daemon threads, see RequestThreads), and the thread that used a database
    connection also releases it, before the response is sent. Reading the body and sending
    the response stay on the event loop, as in Django's handler.

    `middleware` replaces settings.MIDDLEWARE for this handler (the API needs none)."""

    def __init__(self, middleware: list[str]) -> None:
        super(ASGIHandler, self).__init__()  # BaseHandler: a synchronous chain, not Django's async one
        site_middleware = settings.MIDDLEWARE
        settings.MIDDLEWARE = middleware  # Django builds the chain from the setting, once, here
        try:
            self.load_middleware(is_async=False)
        finally:
            settings.MIDDLEWARE = site_middleware

    async def __call__(self, scope, receive, send) -> None:
        try:
            body = await self.read_body(receive)
        except RequestAborted:
            return
        try:
            response = await sync_to_async(self.respond, thread_sensitive=False, executor=REQUEST_THREADS)(scope, body)
        finally:
            body.close()
        await self.send_response(response, send)
        if response.streaming:  # closed once its body has been sent
            await sync_to_async(response.close, thread_sensitive=False, executor=REQUEST_THREADS)()

    def respond(self, scope, body) -> HttpResponseBase:
        set_script_prefix(get_script_prefix(scope))
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, error_response = self.create_request(scope, body)
        response = error_response if request is None else self.get_response(request)
        if not response.streaming:
            response.close()  # request_finished: connections are released by the thread that used them
        return response


class RequestThreads(Executor):
    """A fixed pool of daemon threads for requests, which lets a stopped server exit.

    The event loop's default pool (a ThreadPoolExecutor) is joined by the interpreter at exit, so
    after SIGTERM one request thread that still waits (for a database connection, a lock, a
    broadcast) kept daphne alive for as long as it waited, for ever in issue 13's case. These
    threads are daemons: at exit, work in flight gets EXIT_GRACE_SECONDS to finish, then the
    process ends anyway. What a killed request had not committed, the database rolls back; what it
    had, is committed (its texts and events are in the outbox, sent by the relay)."""

    EXIT_GRACE_SECONDS = 5.0

    def __init__(self, size: int) -> None:
        self._size = size
        self._work: queue.SimpleQueue = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._start_lock = threading.Lock()
        self._waiting = threading.Semaphore(0)  # one count per thread waiting for work
        self._busy = 0
        self._idle = threading.Condition()
        atexit.register(self.wait_for_work_in_flight)

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        self._work.put((future, fn, args, kwargs))
        # As ThreadPoolExecutor does: a waiting thread takes it, else one more thread (up to size),
        # so threads are reused and the database connections kept per thread stay few.
        if not self._waiting.acquire(timeout=0):
            with self._start_lock:
                if len(self._threads) < self._size:
                    thread = threading.Thread(target=self._run, name=f"request-{len(self._threads)}", daemon=True)
                    thread.start()
                    self._threads.append(thread)
        return future

    def _run(self) -> None:
        while True:
            future, fn, args, kwargs = self._work.get()
            if not future.set_running_or_notify_cancel():
                continue
            with self._idle:
                self._busy += 1
            try:
                future.set_result(fn(*args, **kwargs))
            except BaseException as error:  # handed to the awaiting request, as ThreadPoolExecutor does
                future.set_exception(error)
            finally:
                with self._idle:
                    self._busy -= 1
                    self._idle.notify_all()
                self._waiting.release()

    def wait_for_work_in_flight(self) -> None:
        deadline = time.monotonic() + self.EXIT_GRACE_SECONDS
        with self._idle:
            while self._busy and time.monotonic() < deadline:
                self._idle.wait(timeout=max(deadline - time.monotonic(), 0))


# As many threads as asyncio's default pool would have (cores + 4): DATABASE_POOL_SIZE covers them.
REQUEST_THREADS = RequestThreads(min(32, (os.cpu_count() or 1) + 4))
