"""History (/console/history/): answered and timed-out requests, most recently handled first,
with the answer, who gave it and when, and every text sent for the request; searchable by text,
filtered by status, paginated."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from helprequests import services
from helprequests.models import HelpRequest
from helprequests.tests.support_salon import CALLER, add_owner
from helprequests.views import HISTORY_PAGE_SIZE
from outbound.models import Message

pytestmark = pytest.mark.django_db

HISTORY = reverse("console:history")


@pytest.fixture
def staff(client: Client) -> Client:
    client.force_login(User.objects.create_user("maya", password="pw", is_staff=True))
    return client


def ask(question: str, caller_name: str = "") -> HelpRequest:
    return services.create_help_request(question=question, caller_phone=CALLER, caller_name=caller_name).help_request


def time_out(help_request: HelpRequest) -> None:
    """Time it out now, as the sweep does once its deadline has passed."""
    HelpRequest.objects.filter(pk=help_request.pk).update(expires_at=timezone.now())
    services.expire_help_requests()


def listed(response) -> list[int]:
    return [
        int(found) for found in re.findall(r'class="history-item [^"]*" data-id="(\d+)"', response.content.decode())
    ]


def test_resolved_and_timed_out_requests_newest_first_never_pending_ones(staff):
    owner = add_owner()
    answered_first = ask("Do you sell gift vouchers?")
    timed_out = ask("Is there a loyalty program?")
    answered_last = ask("Do you offer hair extensions?")
    ask("Can I bring my dog?")  # still pending
    services.resolve_help_request(answered_first.pk, answer="Yes.", supervisor=owner, learn=False)
    time_out(timed_out)
    services.resolve_help_request(answered_last.pk, answer="No.", supervisor=owner, learn=False)

    assert listed(staff.get(HISTORY)) == [answered_last.pk, timed_out.pk, answered_first.pk]


def test_each_request_shows_its_answer_who_gave_it_and_its_texts_with_their_delivery(staff):
    owner = add_owner()
    help_request = ask("Do you sell gift vouchers?", caller_name="Ana Diaz")
    services.resolve_help_request(help_request.pk, answer="Yes, at the front desk.", supervisor=owner)
    Message.objects.filter(help_request_id=help_request.pk, kind="supervisor_alert").update(status="failed")

    page = staff.get(HISTORY).content.decode()

    assert "Yes, at the front desk." in page and "Ana Diaz" in page
    assert "Answered by <strong>Maya Chen</strong>" in page
    assert "saved to the knowledge base" in page
    texts = re.sub(r"\s+", " ", page.split('<table class="history-texts">')[1].split("</table>")[0])
    assert re.search(
        r"Supervisor Alert</td><td>\+14155550101</td><td><span class=\"badge delivery-failed\">Failed", texts
    )
    assert re.search(rf"Caller Followup</td><td>\{CALLER}</td><td><span class=\"badge delivery-(queued|sent)", texts)


def test_a_console_user_without_a_supervisor_profile_is_named_by_username(staff):
    add_owner()
    help_request = ask("Do you sell gift vouchers?")
    services.resolve_help_request(help_request.pk, answer="Yes.", actor="user:sam", learn=False)

    assert "Answered by <strong>sam</strong>" in staff.get(HISTORY).content.decode()


def test_a_timed_out_request_says_the_caller_was_told(staff):
    add_owner()
    time_out(ask("Is there a loyalty program?"))

    page = staff.get(HISTORY).content.decode()
    assert "the caller was told we would get back to them" in page
    assert "Caller Timeout" in page


def test_search_looks_in_question_answer_and_caller(staff):
    owner = add_owner()
    vouchers = ask("Do you sell gift vouchers?", caller_name="Ana Diaz")
    loyalty = ask("Is there a loyalty program?", caller_name="Ben")
    services.resolve_help_request(vouchers.pk, answer="Yes, at the desk.", supervisor=owner, learn=False)
    services.resolve_help_request(loyalty.pk, answer="Every tenth visit is free.", supervisor=owner, learn=False)

    assert listed(staff.get(HISTORY, {"q": "VOUCHERS"})) == [vouchers.pk]
    assert listed(staff.get(HISTORY, {"q": "tenth visit"})) == [loyalty.pk]
    assert listed(staff.get(HISTORY, {"q": "ana"})) == [vouchers.pk]
    assert listed(staff.get(HISTORY, {"q": "perm"})) == []


def test_the_status_filter(staff):
    owner = add_owner()
    answered = ask("Do you sell gift vouchers?")
    timed_out = ask("Is there a loyalty program?")
    services.resolve_help_request(answered.pk, answer="Yes.", supervisor=owner, learn=False)
    time_out(timed_out)

    assert listed(staff.get(HISTORY, {"status": "resolved"})) == [answered.pk]
    assert listed(staff.get(HISTORY, {"status": "unresolved"})) == [timed_out.pk]


def test_an_unknown_status_is_a_400_with_a_sentence(staff):
    response = staff.get(HISTORY, {"status": "lost"})
    assert response.status_code == 400
    assert "Status must be resolved or unresolved." in response.content.decode()


def test_pages_keep_the_search(staff):
    owner = add_owner()
    for number in range(HISTORY_PAGE_SIZE + 1):
        help_request = HelpRequest.objects.create(
            question=f"Question {number}", caller_phone=CALLER, expires_at=HelpRequest.default_expiry()
        )
        services.resolve_help_request(help_request.pk, answer="Yes.", supervisor=owner, learn=False)

    first = staff.get(HISTORY, {"q": "question"})
    assert len(listed(first)) == HISTORY_PAGE_SIZE
    assert "?q=question&amp;page=2" in first.content.decode()
    assert len(listed(staff.get(HISTORY, {"q": "question", "page": 2}))) == 1
    assert len(listed(staff.get(HISTORY, {"q": "question", "page": "nonsense"}))) == HISTORY_PAGE_SIZE
