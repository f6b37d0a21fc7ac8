""" "Teach the answer" in a real browser (Chromium, against daphne), as the owner would: an
escalated question nobody answered is listed on Analytics, she teaches its answer there, the
list no longer has it, and "Try a question" shows a caller asking it in other words is answered."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from conftest import screenshot
from helprequests import services
from helprequests.models import HelpRequest
from knowledge.models import KnowledgeEntry

pytestmark = pytest.mark.django_db(transaction=True)

PARKING = "Is there parking close by?"
GARAGE = "Yes, there is a garage on Clay Street, two minutes away."


def test_the_owner_teaches_an_answer_from_analytics_and_tries_it(staff_login, console_site):
    call_command("seed_salon", verbosity=0)
    asked = services.create_help_request(question=PARKING, caller_phone="+14155550150").help_request
    joined = services.create_help_request(question=PARKING, caller_phone="+14155550151").help_request
    HelpRequest.objects.filter(pk__in=[asked.pk, joined.pk]).update(expires_at=timezone.now())
    services.expire_help_requests()

    page = staff_login("maya")
    page.goto(f"{console_site}/console/analytics/?period=today")
    # The Escalated card: its figure in the big type, the note under it in small type.
    note = page.locator(".analytics-figures .figure-note", has_text="1 joined a request already pending")
    big = page.locator("#figure-escalated")
    assert (
        note.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
        < big.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") / 1.5
    )
    item = page.locator("#to-teach .teach-item", has_text=PARKING)
    assert "asked 2 times by 2 callers, 2 never answered" in item.inner_text()
    item.locator("summary:has-text('Teach the answer')").click()
    item.locator("textarea[name=answer]").fill(GARAGE)
    screenshot(page, "analytics-teach-desktop")
    item.locator("button:has-text('Save to knowledge base')").click()

    page.locator(f".messagelist :text('Learned: callers asking “{PARKING}” are now answered.')").wait_for()
    assert page.locator("#to-teach .teach-item", has_text=PARKING).count() == 0
    entry = KnowledgeEntry.objects.get(question=PARKING)
    assert (entry.source, entry.help_request_id, entry.answer) == ("learned", joined.pk, GARAGE)  # the latest

    page.click("nav.console-tabs a:has-text('Try a question')")
    page.fill("input[name=q]", "Is there any parking nearby?")
    page.click("button:has-text('Try it')")
    page.locator("#try-answer", has_text=GARAGE).wait_for()
    assert "Answered at once" in page.inner_text(".try-result")
    screenshot(page, "try-a-question-desktop")
