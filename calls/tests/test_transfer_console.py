"""The console's Transfers page in a real browser: a caller the receptionist hands over appears
with the briefing summary without a reload, and the person accepts it there. The server (daphne)
talks to a LiveKit test double; the browser's own audio connection cannot reach a media server
here, so the page says so, while the transfer itself is accepted through the API."""

import httpx
import pytest
from django.core.management import call_command

from calls.models import Transfer
from calls.tests.livekit_double import LiveKitTwirpDouble
from calls.tests.support import LIVEKIT
from conftest import screenshot
from core.models import ApiToken

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def double():
    with LiveKitTwirpDouble(LIVEKIT["LIVEKIT_API_KEY"], LIVEKIT["LIVEKIT_API_SECRET"]) as double:
        yield double


@pytest.fixture
def console_env(double) -> dict[str, str]:
    return {"LIVEKIT_URL": double.url, **{key: LIVEKIT[key] for key in ("LIVEKIT_API_KEY", "LIVEKIT_API_SECRET")}}


def test_a_person_sees_the_summary_and_accepts_the_transfer(staff_login, console_site, double):
    call_command("seed_salon", verbosity=0)
    api = httpx.Client(base_url=console_site, headers={"Authorization": f"Bearer {ApiToken.issue('worker')[1]}"})
    call = api.post("/api/v1/calls", json={"room": "sip-7f3a", "caller_phone": "+14155550188"}).json()
    for role, text in (
        ("caller", "Hi, my color came out orange after my appointment yesterday."),
        ("agent", "I'm sorry to hear that. Let me get someone who can help."),
        ("caller", "Can I talk to the colorist please?"),
    ):
        api.post(f"/api/v1/calls/{call['id']}/transcript", json={"role": role, "text": text})

    page = staff_login("maya")
    page.goto(f"{console_site}/console/transfers/")
    page.wait_for_selector("body[data-live=live]")
    assert page.locator(".transfer-empty").is_visible() and not page.locator("#call-panel").is_visible()

    started = api.post(f"/api/v1/calls/{call['id']}/transfers", json={"reason": "The caller asked for the colorist."})
    assert started.status_code == 201, started.text

    card = page.locator(f".transfer-card[data-transfer-id='{started.json()['id']}']")
    card.wait_for()  # arrived over the console websocket, no reload
    assert "orange" in card.locator(".transfer-summary").inner_text()
    assert "The caller asked for the colorist." in card.inner_text()
    screenshot(page, "transfer-incoming-desktop")

    card.locator("button[data-action=accept]").click()
    page.wait_for_selector("#transfer-message:has-text('You have the caller')")
    transfer = Transfer.objects.get(pk=started.json()["id"])
    assert transfer.status == Transfer.Status.CONNECTED
    page.wait_for_selector(f".transfer-recent tr[data-transfer-id='{transfer.pk}']")
    assert page.locator("#call-panel").is_visible()  # the panel tried the caller's room
    assert double.refused == []
