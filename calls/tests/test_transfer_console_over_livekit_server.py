"""The console's Transfers page in Chromium over LiveKit's own server (support_livekit), with the
real voice worker and a caller on LiveKit's rtc client: the person joins the briefing from the
page and reads it there (the worker has no voice here, so the briefing is text only), then takes
the call and is in the caller's room with them."""

import pytest
from django.contrib.auth.hashers import make_password

from conftest import screenshot
from salon_project.tests.support_livekit import page_in_namespace, transfer_asked_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_person_reads_the_briefing_on_the_transfers_page_and_takes_the_call(
    salon_over_livekit, tmp_path, django_user_model
):
    salon = salon_over_livekit
    password = make_password("console-pass", hasher="pbkdf2_sha256")  # as the daphne process checks it
    django_user_model.objects.create(username="jordan", password=password, is_staff=True)
    call, caller, transfer, mark = transfer_asked_for(salon)

    with page_in_namespace(salon, tmp_path, viewport={"width": 1280, "height": 900}) as page:
        page.goto(f"{salon.api_url}/admin/login/?next=/console/transfers/")
        page.fill("#id_username", "jordan")
        page.fill("#id_password", "console-pass")
        page.click("input[type=submit]")
        card = page.locator(f".transfer-card[data-transfer-id='{transfer['id']}']")
        card.locator("button[data-action=join]").click()
        page.wait_for_selector("#call-panel-status:has-text('connected.')", timeout=30_000)
        briefing = page.locator("#call-panel-briefing")
        briefing.wait_for(state="visible", timeout=30_000)
        assert briefing.inner_text() == salon.get(f"/api/v1/transfers/{transfer['id']}")["summary"]
        screenshot(page, "transfer-briefing-over-livekit")

        page.locator(f".transfer-card[data-transfer-id='{transfer['id']}'] button[data-action=accept]").click()
        page.wait_for_selector("#transfer-message:has-text('You have the caller')", timeout=30_000)
        caller.reply("on the line with you now", since=mark)
        person = caller.wait_for(
            lambda e: e["event"] == "joined" and e["identity"].startswith("staff-"), "the person joining"
        )
        assert person["kind"] == "PARTICIPANT_KIND_STANDARD"
        assert page.locator("#call-panel-briefing").is_hidden()  # left the briefing room
