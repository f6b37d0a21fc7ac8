"""The web server is killed (SIGKILL) and restarted on the same port while a console page is open.

Guaranteed: the page notices the lost websocket, keeps trying, reconnects by itself once the
server is back, and then shows the current state without a reload: a request created while the
server was down appears, and one answered meanwhile leaves the queue.

A real daphne on the test database and Chromium (skipped where Chromium is missing, except in
CI); the changes made while daphne is down go straight through the services, as another web
server or a worker would make them.
"""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from conftest import Daphne
from helprequests import services
from helprequests.tests.support_salon import CALLER, add_owner

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(90)]

LIVE = 10_000  # ms: a websocket push or a re-read on a busy machine
RECONNECT = 30_000  # ms: the page retries with a growing delay (at most 10 s between tries)
VOUCHERS = "Do you sell gift vouchers?"
PARKING = "Is there parking close by?"


@pytest.fixture
def site(tmp_path) -> Daphne:
    daphne = Daphne(tmp_path / "daphne.log")
    daphne.start()
    yield daphne
    daphne.stop()


@pytest.fixture
def console_site(site) -> str:
    """The console under test is served by the restartable daphne (used by `staff_login`)."""
    return f"http://{site.base}"


def in_a_thread(work):
    """Run ORM and channel-layer code beside Playwright's event loop (see the `chromium` fixture)."""

    def run():
        try:
            return work()
        finally:
            connection.close()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result(timeout=30)


def card(page, help_request_id: int):
    return page.locator(f".queue-items .queue-card[data-id='{help_request_id}']")


def test_a_console_page_reconnects_after_daphne_is_killed_and_shows_what_changed_meanwhile(staff_login, site):
    add_owner()
    answered_meanwhile = in_a_thread(
        lambda: services.create_help_request(question=VOUCHERS, caller_phone=CALLER).help_request.pk
    )
    page = staff_login("maya")
    page.wait_for_selector("body[data-live=live]", timeout=LIVE)
    card(page, answered_meanwhile).wait_for(timeout=LIVE)
    page.evaluate("window.sameDocument = true")  # gone if the page were reloaded

    site.kill()
    page.wait_for_selector("body:not([data-live=live])", timeout=LIVE)
    asked_meanwhile = in_a_thread(
        lambda: services.create_help_request(question=PARKING, caller_phone="+14155550177").help_request.pk
    )
    in_a_thread(lambda: services.resolve_help_request(answered_meanwhile, answer="Yes, at the front desk."))
    site.start()  # the same address

    page.wait_for_selector("body[data-live=live]", timeout=RECONNECT)
    card(page, asked_meanwhile).get_by_text(PARKING).wait_for(timeout=LIVE)
    card(page, answered_meanwhile).wait_for(state="detached", timeout=LIVE)
    assert page.evaluate("window.sameDocument === true"), "the page reconnected by itself, without a reload"
