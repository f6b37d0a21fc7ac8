"""The public "call the salon" page: anyone may start a web call, without credentials, but one
address may start only WEB_CALLS_PER_ADDRESS_PER_HOUR of them (LiveKit minutes cost money), and
what they get is a token for that one room and nothing more."""

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from livekit.api import TokenVerifier

from calls.models import Call
from calls.tests.support import LIVEKIT, configure_livekit
from conftest import screenshot
from knowledge.models import SalonProfile

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def livekit(settings):
    configure_livekit(settings)
    settings.WEB_CALLS_PER_ADDRESS_PER_HOUR = 3


def test_anyone_can_start_a_web_call_and_gets_a_token_for_that_room_only(anonymous, livekit):
    response = anonymous.post("/api/v1/web-calls", {"caller_name": " Ana "})

    assert response.status_code == 201
    body = response.data
    assert set(body) == {"call_id", "room", "livekit_url", "caller_token"}
    call = Call.objects.get(pk=body["call_id"])
    assert (call.channel, call.room, call.caller_name) == ("web", body["room"], "Ana")
    claims = TokenVerifier(LIVEKIT["LIVEKIT_API_KEY"], LIVEKIT["LIVEKIT_API_SECRET"]).verify(body["caller_token"])
    assert claims.video.room == body["room"] and claims.video.can_publish_sources == ["microphone"]
    assert not claims.video.room_admin and not claims.video.room_create


def test_one_address_may_start_only_so_many_calls_an_hour(anonymous, livekit):
    for _ in range(3):
        assert anonymous.post("/api/v1/web-calls", {}).status_code == 201

    refused = anonymous.post("/api/v1/web-calls", {})

    assert refused.status_code == 429 and "try again in" in refused.data["detail"]
    assert Call.objects.count() == 3


def test_without_livekit_a_customer_is_told_to_phone_and_the_setup_goes_to_the_log(anonymous, caplog):
    SalonProfile.objects.create(name="Hair Studio", phone="(415) 555-0100")

    response = anonymous.post("/api/v1/web-calls", {})

    assert response.status_code == 503
    assert response.data["detail"] == (
        "Calling from this page is not available right now. Please phone Hair Studio at (415) 555-0100."
    )
    assert "LIVEKIT_URL" in caplog.text
    assert not Call.objects.exists()


def test_without_livekit_staff_see_the_setup_message_on_the_page_and_customers_do_not(client):
    assert b"LIVEKIT_URL" not in client.get("/call/").content

    client.force_login(User.objects.create_user("maya", password="pw", is_staff=True))
    assert b"For staff (customers do not see this): LiveKit is not configured: set LIVEKIT_URL" in (
        client.get("/call/").content
    )


def test_a_name_too_long_is_a_clear_422(anonymous, livekit):
    response = anonymous.post("/api/v1/web-calls", {"caller_name": "x" * 101})
    assert response.status_code == 422 and not Call.objects.exists()


def test_the_page_needs_no_login(client, salon):
    page = client.get("/call/")
    assert page.status_code == 200
    assert b"Call Hair" in page.content or b"<h1>Call " in page.content
    assert b"vendor/livekit-client.umd.js" in page.content


@pytest.mark.django_db(transaction=True)
def test_in_a_browser_the_page_says_why_a_call_cannot_start(chromium, console_site):
    page = chromium.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{console_site}/call/")
    page.fill("#caller-name", "Ana")
    page.click("#call-button")
    page.wait_for_selector("#call-status:has-text('Calling from this page is not available right now')")
    assert "LIVEKIT" not in page.inner_text("body")
    assert page.evaluate("typeof window.LivekitClient.Room") == "function"  # the built client loaded
    screenshot(page, "call-the-salon-phone")
    page.close()
