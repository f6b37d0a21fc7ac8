"""A caller's conversation in a real browser, against daphne on the test database: a text the
caller sends (signed as Twilio signs it) appears without a reload, and the supervisor's reply
from the page is texted and shown; the page works on a phone."""

import httpx
import pytest
from twilio.request_validator import RequestValidator

from conftest import screenshot
from helprequests.tests.support_salon import CALLER, add_owner
from helprequests.tests.support_sms import INBOUND_PATH, TWILIO_TOKEN
from outbound.models import Message

pytestmark = pytest.mark.django_db(transaction=True)

LIVE = 10_000  # ms: long enough for a websocket push and a re-read on a busy 2-core machine


@pytest.fixture
def console_env() -> dict[str, str]:
    return {"TWILIO_AUTH_TOKEN": TWILIO_TOKEN}


def text_the_salon(site: str, body: str, sid: str) -> None:
    """What Twilio does when the caller texts the salon's number: a signed form POST."""
    url = f"{site}{INBOUND_PATH}"
    form = {"MessageSid": sid, "AccountSid": "AC" + "0" * 32, "From": CALLER, "To": "+14155550142", "Body": body}
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(url, form)
    response = httpx.post(url, data=form, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 200, response.text


def test_a_callers_text_appears_live_and_the_supervisor_answers_from_the_page(staff_login, console_site, api_token):
    add_owner()
    asked = httpx.post(
        f"{console_site}/api/v1/help-requests",
        json={"question": "Do you sell gift vouchers?", "caller_phone": CALLER, "caller_name": "Ana Diaz"},
        headers={"Authorization": f"Bearer {api_token}"},
    )
    assert asked.status_code == 201, asked.text
    page = staff_login("maya")
    page.goto(f"{console_site}/console/callers/{CALLER}/")
    page.wait_for_selector("body[data-live=live]", timeout=LIVE)
    page.get_by_text("Do you sell gift vouchers?").wait_for()

    text_the_salon(console_site, "Thanks! Can I also book a blowout on Saturday?", sid="SMbrowser1")

    received = page.locator(".entry-received", has_text="Can I also book a blowout on Saturday?")
    received.wait_for(timeout=LIVE)
    page.locator(".entry-question", has_text="Can I also book a blowout on Saturday?").wait_for(timeout=LIVE)
    page.fill("textarea[name=body]", "Yes! Saturday at 11 works, see you then.")
    page.click("form.conversation-reply button[type=submit]")
    page.locator(".entry-sent", has_text="Saturday at 11 works").wait_for(timeout=LIVE)
    page.get_by_text("Texted Ana Diaz.").wait_for()
    assert Message.objects.get(kind="caller_reply").to == CALLER
    screenshot(page, "caller-conversation-desktop")

    phone = staff_login("maya", viewport={"width": 390, "height": 844})
    phone.goto(f"{console_site}/console/callers/{CALLER}/")
    phone.locator(".entry-sent", has_text="Saturday at 11 works").wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(phone, "caller-conversation-phone")
