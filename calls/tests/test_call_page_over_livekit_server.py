"""The public /call/ page in Chromium over LiveKit's own server (support_livekit): the caller
joins with the microphone, types a question on lk.chat, reads the receptionist's answer from
lk.transcription, and hangs up; the API recorded all of it."""

import pytest

from conftest import screenshot
from salon_project.tests.support_livekit import page_in_namespace

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_caller_types_to_the_receptionist_and_reads_the_answer(salon_over_livekit, tmp_path):
    salon = salon_over_livekit
    with page_in_namespace(salon, tmp_path, viewport={"width": 390, "height": 844}) as page:
        page.goto(f"{salon.api_url}/call/")
        assert page.is_hidden("#message-form")
        page.fill("#caller-name", "Ana")
        page.click("#call-button")
        page.wait_for_selector("#call-status:has-text('Connected: say hello, or type below.')", timeout=30_000)
        page.wait_for_selector("#transcript li.agent:has-text('How can I help you today?')", timeout=30_000)

        page.fill("#message", "What does a blowout cost?")
        page.press("#message", "Enter")
        page.wait_for_selector("#transcript li.agent:has-text('Our blowout is $55')", timeout=30_000)
        who = page.locator("#transcript li .who").all_inner_texts()
        said = page.locator("#transcript li .text").all_inner_texts()
        assert list(zip(who, said, strict=True))[1:] == [
            ("You:", "What does a blowout cost?"),
            ("Receptionist:", salon_answer(salon)),
        ]
        assert page.locator("#transcript li.interim").count() == 0  # every reply complete
        assert page.input_value("#message") == ""
        screenshot(page, "call-the-salon-typed-over-livekit")

        page.click("#hang-up")
        page.wait_for_selector("#call-status:has-text('You hung up.')")
        assert page.is_hidden("#message-form")

    [call] = salon.get("/api/v1/calls")["items"]
    ended = salon.wait_for_call(call["id"], lambda c: c["status"] == "ended", "end")
    assert ended["channel"] == "web" and ended["caller_name"] == "Ana" and ended["end_reason"] == "caller_hung_up"
    assert [turn["text"] for turn in ended["transcript"]][1] == "What does a blowout cost?"


def salon_answer(salon) -> str:
    """What the receptionist said to the question, as the API recorded it."""
    [call] = salon.get("/api/v1/calls")["items"]
    return salon.wait_for_call(call["id"], lambda c: len(c["transcript"]) >= 3, "answer")["transcript"][2]["text"]
