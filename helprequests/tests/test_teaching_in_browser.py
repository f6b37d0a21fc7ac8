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
    HelpRequest.objects.filter(pk=asked.pk).update(expires_at=timezone.now())
    services.expire_help_requests()

    page = staff_login("maya")
    page.goto(f"{console_site}/console/analytics/?period=today")
    item = page.locator("#to-teach .teach-item", has_text=PARKING)
    assert "asked 1 time by 1 caller, 1 never answered" in item.inner_text()
    item.locator("summary:has-text('Teach the answer')").click()
    item.locator("textarea[name=answer]").fill(GARAGE)
    screenshot(page, "analytics-teach-desktop")
    item.locator("button:has-text('Save to knowledge base')").click()

    page.locator(f".messagelist :text('Learned: callers asking “{PARKING}” are now answered.')").wait_for()
    assert page.locator("#to-teach .teach-item", has_text=PARKING).count() == 0
    entry = KnowledgeEntry.objects.get(question=PARKING)
    assert (entry.source, entry.help_request_id, entry.answer) == ("learned", asked.pk, GARAGE)

    page.click("nav.console-tabs a:has-text('Try a question')")
    page.fill("input[name=q]", "Is there any parking nearby?")
    page.click("button:has-text('Try it')")
    page.locator("#try-answer", has_text=GARAGE).wait_for()
    assert "Answered at once" in page.inner_text(".try-result")
    screenshot(page, "try-a-question-desktop")
