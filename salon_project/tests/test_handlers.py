"""OneHopHandler: each HTTP request runs in one thread hand-off, and the thread that did the
work (and used a database connection) is the one that finishes the request and releases it."""

import threading

import pytest
from asgiref.testing import ApplicationCommunicator
from django.core import signals
from django.db import connection
from django.http import HttpResponse, StreamingHttpResponse
from django.test import override_settings
from django.urls import path

from conftest import run
from salon_project.handlers import OneHopHandler

seen: dict[str, list[threading.Thread]] = {}


def remember(name: str) -> None:
    # Thread objects, not idents: the system reuses a finished thread's ident.
    seen.setdefault(name, []).append(threading.current_thread())


def counted_view(request):
    remember("view")
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse(b"counted")


def streamed_view(request):
    async def chunks():  # as Django serves streams under ASGI (a sync iterator is read whole first)
        yield b"first,"
        remember("streamed")
        yield b"second"

    return StreamingHttpResponse(chunks())


urlpatterns = [path("counted", counted_view), path("streamed", streamed_view)]


@pytest.fixture
def signals_seen():
    seen.clear()
    started = lambda **kwargs: remember("request_started")  # noqa: E731
    finished = lambda **kwargs: remember("request_finished")  # noqa: E731
    signals.request_started.connect(started)
    signals.request_finished.connect(finished)
    yield seen
    signals.request_started.disconnect(started)
    signals.request_finished.disconnect(finished)


def get(app, url: str, times: int = 1) -> list[dict]:
    """GET `url` `times` times through the ASGI app, one after another on one event loop, as a
    server drives it: each response's status, headers and whole body."""
    scope = {"type": "http", "method": "GET", "path": url, "query_string": b"", "headers": [(b"host", b"127.0.0.1")]}
    responses = []

    async def scenario():
        for _ in range(times):
            communicator = ApplicationCommunicator(app, scope)
            await communicator.send_input({"type": "http.request", "body": b""})
            start = await communicator.receive_output(timeout=10)
            response = {"status": start["status"], "headers": dict(start["headers"]), "body": b""}
            while True:
                message = await communicator.receive_output(timeout=10)
                response["body"] += message.get("body", b"")
                if not message.get("more_body"):
                    break
            await communicator.wait(timeout=10)
            responses.append(response)

    run(scenario)
    return responses


@pytest.mark.django_db(transaction=True)
@override_settings(ROOT_URLCONF=__name__)
def test_the_request_starts_runs_and_finishes_in_one_pooled_thread(signals_seen):
    responses = get(OneHopHandler(middleware=[]), "/counted", times=3)

    assert [(response["status"], response["body"]) for response in responses] == [(200, b"counted")] * 3
    for n, thread in enumerate(signals_seen["view"]):
        # The same worker thread signalled the start, ran the view and signalled the end, which
        # closed (returned to the pool) the connection it opened: nothing is left checked out.
        assert signals_seen["request_started"][n] is thread is signals_seen["request_finished"][n]
    # Threads come from the event loop's pool and are reused (Django's own handler makes one per
    # request), so connections kept per thread stay few.
    assert len(set(signals_seen["view"])) < 3
    assert threading.current_thread() not in signals_seen["view"]


@pytest.mark.django_db(transaction=True)
@override_settings(ROOT_URLCONF=__name__)
def test_a_streamed_response_is_finished_after_its_body_is_sent(signals_seen):
    [response] = get(OneHopHandler(middleware=[]), "/streamed")

    assert (response["status"], response["body"]) == (200, b"first,second")
    assert len(signals_seen["request_finished"]) == 1  # once, after the last chunk
    assert signals_seen["streamed"]


@pytest.mark.django_db(transaction=True)
@override_settings(ROOT_URLCONF=__name__)
def test_the_site_handler_keeps_the_middleware_the_api_handler_drops():
    from django.conf import settings

    site, api = OneHopHandler(middleware=settings.MIDDLEWARE), OneHopHandler(middleware=[])
    site_headers, api_headers = get(site, "/counted")[0]["headers"], get(api, "/counted")[0]["headers"]

    assert site_headers[b"X-Frame-Options"] == b"DENY"  # XFrameOptionsMiddleware ran
    assert b"X-Frame-Options" not in api_headers
