"""`/ws/console/`, the console pages' live feed: staff sessions only, and every `to_console`
event reaches every open page. In-process through the real ASGI app (channels' communicator) on
the layer the settings choose: in-memory by default, Redis when REDIS_URL is set (CI)."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User
from django.db import transaction

from conftest import WAIT, bearer, closed_with, run, screenshot, session_headers
from core.broadcast import to_console
from salon_project.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)


def feed(headers: list[tuple[bytes, bytes]]) -> WebsocketCommunicator:
    return WebsocketCommunicator(application, "/ws/console/", headers=headers)


def test_anonymous_and_non_staff_browsers_are_closed_with_4401():
    guest = session_headers(User.objects.create_user("guest", password="pw"))

    async def scenario():
        assert await closed_with(feed([(b"origin", b"http://testserver")])) == 4401
        assert await closed_with(feed(guest)) == 4401

    run(scenario)


def test_an_api_token_is_closed_with_4403(api_token):
    async def scenario():
        assert await closed_with(feed(bearer(api_token))) == 4403

    run(scenario)


def test_a_staff_session_from_another_site_is_not_let_in():
    elsewhere = session_headers(User.objects.create_user("maya", password="pw", is_staff=True), "https://evil.example")

    async def scenario():
        assert await closed_with(feed(elsewhere)) == 4401

    run(scenario)


def test_every_open_console_hears_each_event_after_commit():
    staff = [session_headers(User.objects.create_user(name, password="pw", is_staff=True)) for name in ("maya", "sam")]

    async def scenario():
        pages = [feed(headers) for headers in staff]
        for page in pages:
            assert (await page.connect(timeout=WAIT))[0]
            hello = await page.receive_json_from(timeout=WAIT)
            assert hello["kind"] == "console" and hello["action"] == "connected"

        def announce():
            with transaction.atomic():
                to_console("help_request", "created", {"id": 41})
                to_console("help_request", "rolled_back", {"id": 42})
                transaction.set_rollback(True)
            with transaction.atomic():
                to_console("help_request", "created", {"id": 43})

        await sync_to_async(announce)()
        for page in pages:
            assert await page.receive_json_from(timeout=WAIT) == {
                "kind": "help_request",
                "action": "created",
                "data": {"id": 43},
            }
            assert await page.receive_nothing(timeout=0.2)
            await page.disconnect()

    run(scenario)


def test_a_console_page_in_a_real_browser_goes_live(staff_login):
    page = staff_login("maya")
    page.wait_for_selector("body[data-live=live]", timeout=10_000)
    assert page.locator(".console-tabs a[href='/console/history/']").is_visible()
    # The admin's stylesheet is served by daphne itself (no proxy in the embedded default).
    assert page.evaluate("getComputedStyle(document.querySelector('#header')).display") != "inline"
    screenshot(page, "console-frame-desktop")
