"""Learned answers, Calls and Analytics in a real browser (Chromium, against daphne): changes
made through the API while a page is open show up without a reload; the analytics charts are
drawn by Chart.js; screenshots at desktop and phone sizes go to var/artifacts/."""

import httpx
import pytest
from django.core.management import call_command

from conftest import screenshot
from core.models import ApiToken

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def api(console_site):
    call_command("seed_salon", verbosity=0)
    token = ApiToken.issue("worker")[1]
    with httpx.Client(base_url=console_site, headers={"Authorization": f"Bearer {token}"}) as client:
        yield client


def test_a_call_transcript_grows_live_on_the_calls_page(staff_login, console_site, api):
    page = staff_login("maya")
    page.goto(f"{console_site}/console/calls/")
    page.wait_for_selector("body[data-live=live]")

    call = api.post("/api/v1/calls", json={"room": "sip-42", "caller_phone": "+14155550177"}).json()
    api.post(f"/api/v1/calls/{call['id']}/transcript", json={"role": "caller", "text": "Do you do perms?"})
    card = page.locator(f".call-card[data-call-id='{call['id']}']")
    card.locator("text=Do you do perms?").wait_for()
    screenshot(page, "calls-desktop")

    api.post(f"/api/v1/calls/{call['id']}/end", json={"reason": "caller_hung_up"})
    page.locator(f".calls-ended tr[data-call-id='{call['id']}']:has-text('caller_hung_up')").wait_for()


def test_a_learned_answer_is_announced_on_the_learned_page(staff_login, console_site, api):
    page = staff_login("maya")
    page.goto(f"{console_site}/console/learned/")
    page.wait_for_selector("body[data-live=live]")
    assert page.locator(".live-notice").is_hidden()

    request = api.post(
        "/api/v1/help-requests", json={"question": "Can I bring my dog?", "caller_phone": "+14155550178"}
    )
    api.post(f"/api/v1/help-requests/{request.json()['id']}/resolve", json={"answer": "Small dogs are welcome."})
    page.locator(".live-notice").wait_for()
    page.click(".live-notice a")
    page.locator(".entry-card textarea:has-text('Small dogs are welcome.')").wait_for()
    screenshot(page, "learned-desktop")


def test_analytics_draws_its_charts_at_desktop_and_phone_sizes(staff_login, console_site, api):
    api.post("/api/v1/knowledge/lookup", json={"question": "What time do you open on Saturday?"})
    api.post("/api/v1/help-requests", json={"question": "Can I bring my dog?", "caller_phone": "+14155550179"})
    for name, viewport in (("desktop", None), ("phone", PHONE)):
        page = staff_login("maya", viewport=viewport)
        page.goto(f"{console_site}/console/analytics/?period=7d")
        page.wait_for_function("window.analyticsCharts && Object.keys(window.analyticsCharts).length === 3")
        days = page.evaluate("window.analyticsCharts['chart-days'].data")
        assert sum(days["datasets"][0]["data"]) >= 1 and sum(days["datasets"][1]["data"]) == 1
        assert page.inner_text("#figure-escalated") == "1"
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        screenshot(page, f"analytics-{name}")
