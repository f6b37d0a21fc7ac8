"""The live queue and history in a real browser, against daphne on the test database: requests
appear, are answered and leave without a reload; a second supervisor sees who answered first;
an urgent request beeps and shows in the tab's title; the page works on a phone."""

import httpx
import pytest

from conftest import screenshot
from helprequests.models import HelpRequest
from helprequests.tests.support_salon import CALLER, add_owner
from outbound.models import Message

pytestmark = pytest.mark.django_db(transaction=True)

LIVE = 10_000  # ms: long enough for a websocket push and a re-read on a busy 2-core machine
VOUCHERS = "Do you sell gift vouchers?"
SWOLLEN = "My scalp is swollen and burning after my color appointment"


@pytest.fixture
def ask(console_site, api_token):
    """Open a help request through the API, as the voice agent does; returns its id."""
    add_owner()

    def ask(question: str, caller_name: str = "Ana Diaz") -> int:
        response = httpx.post(
            f"{console_site}/api/v1/help-requests",
            json={"question": question, "caller_phone": CALLER, "caller_name": caller_name},
            headers={"Authorization": f"Bearer {api_token}"},
        )
        assert response.status_code == 201, response.text
        return response.json()["id"]

    return ask


def open_queue(staff_login, username: str, **viewport):
    page = staff_login(username, **viewport)
    page.wait_for_selector("body[data-live=live]", timeout=LIVE)
    return page


def card(page, help_request_id: int, where: str = ".queue-items"):
    return page.locator(f"{where} .queue-card[data-id='{help_request_id}']")


def test_a_request_appears_is_answered_leaves_the_queue_and_the_other_supervisor_sees_who_answered(
    staff_login, ask, console_site
):
    maya = open_queue(staff_login, "maya")
    sam = open_queue(staff_login, "sam")

    help_request_id = ask(VOUCHERS)
    for page in (maya, sam):
        card(page, help_request_id).get_by_text(VOUCHERS).wait_for(timeout=LIVE)
    assert "Ana Diaz" in card(maya, help_request_id).inner_text()
    card(sam, help_request_id).locator("textarea").fill("I think so?")  # Sam starts typing too

    ask("Can I buy a gift card?", caller_name="Ana Diaz")  # she asks again: attached, counted on the card
    for page in (maya, sam):
        card(page, help_request_id).get_by_text("1 more caller").wait_for(timeout=LIVE)
    assert card(sam, help_request_id).locator("textarea").input_value() == "I think so?"  # kept across updates

    history = sam.context.new_page()
    history.goto(f"{console_site}/console/history/")
    history.wait_for_selector("body[data-live=live]", timeout=LIVE)

    card(maya, help_request_id).locator("textarea").fill("Yes, gift cards are sold at the front desk.")
    card(maya, help_request_id).get_by_role("button", name="Send to caller").click()

    card(maya, help_request_id).wait_for(state="detached", timeout=LIVE)
    assert maya.locator(".queue-status").inner_text() == f"Answer to #{help_request_id} sent to the caller."
    answered = card(sam, help_request_id, ".queue-handled")
    answered.locator(".queue-notice").get_by_text("Answered by maya").wait_for(timeout=LIVE)
    assert "Yes, gift cards are sold at the front desk." in answered.locator(".queue-notice").inner_text()
    assert answered.locator("textarea").input_value() == "I think so?"  # Sam's draft is not lost...
    assert answered.locator("textarea").is_disabled()  # ...nor sent
    assert card(sam, help_request_id).count() == 0

    assert HelpRequest.objects.get(pk=help_request_id).status == "resolved"
    followup = Message.objects.get(help_request_id=help_request_id, kind="caller_followup")
    assert followup.to == CALLER and "front desk" in followup.body

    history.get_by_role("link", name="2 new — refresh").click()  # her two requests, one answer
    item = history.locator(f".history-item[data-id='{help_request_id}']")
    assert VOUCHERS in item.inner_text() and "Answered by maya" in item.inner_text()
    assert "Caller Followup" in item.locator(".history-texts").inner_text()
    screenshot(history, "history-desktop")


def test_an_urgent_request_beeps_goes_first_and_shows_in_the_title_until_it_is_handled(staff_login, ask):
    desk = open_queue(staff_login, "maya")
    # Count the beeps: every tone the page plays is an oscillator.
    desk.add_init_script(
        "window.beeps = 0; const make = AudioContext.prototype.createOscillator;"
        "AudioContext.prototype.createOscillator = function () { window.beeps += 1; return make.call(this); };"
    )
    desk.reload()
    desk.wait_for_selector("body[data-live=live]", timeout=LIVE)
    ask(VOUCHERS)
    desk.get_by_text(VOUCHERS).wait_for(timeout=LIVE)
    assert desk.title() == "Queue | Salon Front Desk console" and desk.evaluate("window.beeps") == 0

    urgent_id = ask(SWOLLEN, caller_name="Bea")
    desk.wait_for_function("document.title.startsWith('(1) URGENT — Queue')", timeout=LIVE)
    assert desk.evaluate("window.beeps") == 1
    card(desk, urgent_id).wait_for(timeout=LIVE)
    assert desk.locator(".queue-items .queue-card").first.get_attribute("data-id") == str(urgent_id)
    screenshot(desk, "queue-desktop")

    phone = open_queue(staff_login, "sam", viewport={"width": 390, "height": 844})
    urgent_on_phone = card(phone, urgent_id)
    urgent_on_phone.wait_for(timeout=LIVE)
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    box, textarea = urgent_on_phone.bounding_box(), urgent_on_phone.locator("textarea").bounding_box()
    assert box["width"] <= 390 and textarea["width"] >= box["width"] - 40  # the answer box fills the card
    screenshot(phone, "queue-phone")

    urgent_on_phone.locator("textarea").fill("Please rinse with cool water; Maya will call you right now.")
    urgent_on_phone.get_by_role("button", name="Send to caller").click()
    urgent_on_phone.wait_for(state="detached", timeout=LIVE)
    desk.wait_for_function("document.title === 'Queue | Salon Front Desk console'", timeout=LIVE)
