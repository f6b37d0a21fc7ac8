"""The live queue page (/console/) and the fragment its script re-reads: staff only; pending
requests most urgent then oldest first, each with what a supervisor needs to answer it."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from helprequests import services
from helprequests.models import HelpRequest
from helprequests.tests.support_salon import CALLER, add_owner

pytestmark = pytest.mark.django_db

QUEUE = reverse("console:queue")
ITEMS = reverse("console:queue_items")


@pytest.fixture
def staff(client: Client) -> Client:
    client.force_login(User.objects.create_user("maya", password="pw", is_staff=True))
    return client


def ask(question: str, caller_phone: str = CALLER, caller_name: str = "") -> HelpRequest:
    return services.create_help_request(
        question=question, caller_phone=caller_phone, caller_name=caller_name
    ).help_request


def card_ids(html: str) -> list[int]:
    return [int(found) for found in re.findall(r'class="queue-card [^"]*" data-id="(\d+)"', html)]


@pytest.mark.parametrize(
    "path",
    [QUEUE, ITEMS, reverse("console:history"), reverse("console:answer", args=[1])],
)
def test_anonymous_and_non_staff_users_are_sent_to_the_login(client, path):
    assert client.get(path)["Location"].startswith("/admin/login/")
    client.force_login(User.objects.create_user("guest", password="pw"))
    assert client.post(path, {"answer": "Hi"})["Location"].startswith("/admin/login/")


def test_the_queue_shows_each_waiting_request_with_what_is_needed_to_answer_it(staff):
    add_owner()
    ask("Do you sell gift vouchers?", caller_name="Ana Diaz")

    page = staff.get(QUEUE).content.decode()

    assert "Do you sell gift vouchers?" in page
    assert "Ana Diaz" in page and CALLER in page
    assert "Maya Chen" in page  # assigned
    assert ">products<" in page  # a tag
    assert 'name="answer"' in page
    assert re.search(r'<input type="checkbox" name="learn" checked>\s*Save to knowledge base', page)
    assert re.search(r'data-seconds-left="(17\d\d|1800)"', page)  # counts down from 30 minutes


def test_most_urgent_first_then_oldest_first_and_only_pending(staff):
    add_owner()
    older = ask("Do you sell gift vouchers?")
    newer = ask("Do you offer hair extensions?")
    urgent = ask("My scalp is swollen and burning after my color appointment")
    answered = ask("Is there a loyalty program?")
    services.resolve_help_request(answered.pk, answer="Yes.", learn=False)

    assert card_ids(staff.get(ITEMS).content.decode()) == [urgent.pk, older.pk, newer.pk]


def test_a_request_asked_the_same_is_counted_on_its_primary_not_shown_twice(staff):
    add_owner()
    primary = ask("Do you sell gift vouchers?")
    ask("Can I buy a gift card?", "+14155550151")

    html = staff.get(ITEMS).content.decode()

    assert card_ids(html) == [primary.pk]
    assert "1 more caller:" in html


def test_the_fragment_is_just_the_cards_and_says_when_nobody_waits(staff):
    html = staff.get(ITEMS).content.decode()
    assert "Nobody is waiting for an answer." in html
    assert "<html" not in html


def test_an_overdue_request_not_yet_swept_shows_no_time_left(staff):
    add_owner()
    help_request = ask("Do you sell gift vouchers?")
    HelpRequest.objects.filter(pk=help_request.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    assert 'data-seconds-left="0"' in staff.get(ITEMS).content.decode()
