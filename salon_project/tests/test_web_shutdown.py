"""A web process stops promptly on SIGTERM in the middle of a burst of creates, and loses nothing.

Each create broadcasts to the console after commit, from its request thread (salon_project/
broadcast.py). Before the fix, a request thread that committed after SIGTERM had stopped
daphne's event loop waited for that loop for ever in `async_to_sync(layer.group_send)`, and the
interpreter's exit waited for the thread: daphne never exited. Guaranteed now: daphne exits
within EXIT_SECONDS of SIGTERM; each request ends with a response or a closed connection, never a
5xx; every create the client got a 201 for is in the database.

A real daphne on the test database, with the in-memory channel layer (embedded) and with Redis's.
"""

import signal
import subprocess
import threading
import time

import httpx
import pytest
from django.conf import settings

from conftest import Daphne
from core.models import ApiToken
from helprequests.models import HelpRequest
from helprequests.tests.support_salon import add_owner
from salon_project.tests.support_faults import needs, wait_for

# Outside the fast lane (slow): starts and stops daphne.
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True), pytest.mark.timeout(120)]

EXIT_SECONDS = 10
CLIENTS = 8
CREATED_BEFORE_THE_SIGNAL = 30
# A daphne that does not exit is sent SIGABRT: its log then shows where every thread waits.
DUMP_THREADS_ON_ABORT = {"PYTHONFAULTHANDLER": "1"}


@pytest.mark.parametrize("layer", ["embedded", "redis"])
def test_sigterm_during_a_burst_of_creates_stops_daphne_and_keeps_every_201(layer, tmp_path):
    if layer == "redis":
        needs(bool(settings.REDIS_URL), "Redis for the channel layer (REDIS_URL)")
        daphne = Daphne(tmp_path / "daphne.log", **DUMP_THREADS_ON_ABORT)
    else:
        daphne = Daphne(tmp_path / "daphne.log", REDIS_URL="", **DUMP_THREADS_ON_ABORT)  # empty counts as unset
    add_owner()
    token = ApiToken.issue("shutdown")[1]
    base = f"http://{daphne.start()}"

    created, failures, stop = [], [], threading.Event()

    def client(number: int) -> None:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30) as http:
            sequence = 0
            while not stop.is_set():
                sequence += 1
                body = {
                    "question": f"Client {number}, question {sequence}: do you sell gift vouchers?",
                    "caller_phone": "+14155550150",
                }
                try:
                    response = http.post("/api/v1/help-requests", json=body)
                except httpx.HTTPError:
                    return  # the server went away: a clean end for this client
                if response.status_code == 201:
                    created.append(response.json()["id"])
                elif response.status_code >= 500:
                    failures.append((response.status_code, response.text))

    threads = [threading.Thread(target=client, args=(number,), daemon=True) for number in range(CLIENTS)]
    try:
        for thread in threads:
            thread.start()
        wait_for(lambda: len(created) >= CREATED_BEFORE_THE_SIGNAL, 60, "the burst to get going")
        signalled = time.monotonic()
        daphne.process.send_signal(signal.SIGTERM)
        try:
            daphne.process.wait(timeout=EXIT_SECONDS)
        except subprocess.TimeoutExpired:
            daphne.process.send_signal(signal.SIGABRT)
            daphne.process.wait(timeout=10)
            pytest.fail(f"daphne still ran {EXIT_SECONDS}s after SIGTERM:\n{daphne.log_path.read_text()[-6000:]}")
        took = time.monotonic() - signalled
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        daphne.kill()

    assert not failures, failures
    stored = set(HelpRequest.objects.filter(pk__in=created).values_list("pk", flat=True))
    assert stored == set(created), f"answered 201 but not stored: {set(created) - stored}"
    assert took < EXIT_SECONDS
