"""One conversation per caller in the console (/console/callers/<phone>/), and the Texts page.

A caller's page shows their questions with the answers, the texts they sent and the texts the
salon sent them, oldest first; a supervisor texts them from it, through the SMS backend (a
`caller_reply` Message, so an opt-out applies). Staff only, with CSRF, like every console page.
"""

import re
from html import unescape

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from helprequests import services
from helprequests.models import HelpRequest, Supervisor
from helprequests.tests.support_salon import CALLER, open_all_hours
from helprequests.tests.support_sms import reply_of
from outbound.models import Message

pytestmark = pytest.mark.django_db

PAGE = reverse("console:caller", args=[CALLER])
STRANGER = "+14155550199"


@pytest.fixture
def salon(salon):
    """The seeded salon, open all hours: what these tests count must not depend on the hour they run."""
    open_all_hours()


@pytest.fixture
def staff(client: Client) -> Client:
    client.force_login(User.objects.create_user("maya", password="pw", is_staff=True))
    return client


@pytest.fixture
def story(salon, text, django_capture_on_commit_callbacks) -> HelpRequest:
    """Ana asked on the phone, was answered by text, thanked the salon and asked again by text."""
    with django_capture_on_commit_callbacks(execute=True):
        asked = services.create_help_request(
            question="Do you sell gift vouchers?", caller_phone=CALLER, caller_name="Ana Diaz"
        ).help_request
        services.resolve_help_request(
            asked.pk, answer="Yes, any amount.", supervisor=Supervisor.objects.get(is_owner=True), learn=False
        )
    text(CALLER, "Thanks!")
    text(CALLER, "Can I also book a blowout on Saturday?")
    return asked


def entries(response) -> list[str]:
    """The page's entries in order, as "<kind> <first words>"."""
    html = response.content.decode()
    found = re.findall(
        r'data-kind="(\w+)" data-id="\d+">.*?<p class="(?:queue-question|conversation-body)">([^<]*)', html, re.S
    )
    return [f"{kind} {unescape(body).strip()[:30]}" for kind, body in found]


def test_a_callers_page_shows_questions_answers_and_texts_both_ways_in_time_order(staff, story):
    response = staff.get(PAGE)

    assert response.status_code == 200
    assert entries(response) == [
        "question Do you sell gift vouchers?",
        "sent Hi Ana, this is Glow & Shear S",
        "received Thanks!",
        "received Can I also book a blowout on S",
        "question Can I also book a blowout on S",  # the request the text opened
    ]
    page = response.content.decode()
    assert "Ana Diaz · +14155550150" in page  # the title
    assert "Yes, any amount." in page and "Answered by Maya Chen" in page
    assert "New help request · request #" in page


def test_a_supervisor_texts_the_caller_from_the_page_through_the_sms_backend(
    staff, story, sent_texts, django_capture_on_commit_callbacks
):
    Supervisor.objects.filter(is_owner=True).update(user=User.objects.get(username="maya"))
    sent_texts.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(reverse("console:text-caller", args=[CALLER]), {"body": " Yes, 2pm works! "})

    assert response.status_code == 302 and response["Location"] == PAGE
    message = Message.objects.get(kind="caller_reply")
    assert (message.to, message.body, message.sent_by, message.status) == (
        CALLER,
        "Yes, 2pm works!",
        "Maya Chen",
        "sent",
    )
    assert [(sent.to, sent.body) for sent in sent_texts] == [(CALLER, "Yes, 2pm works!")]
    page = staff.get(PAGE)
    assert entries(page)[-1] == "sent Yes, 2pm works!"
    assert "Texted Ana Diaz." in page.content.decode()


def test_a_reply_to_a_number_that_texted_stop_is_stored_as_skipped_and_the_page_says_so(
    staff, story, text, sent_texts, django_capture_on_commit_callbacks
):
    text(CALLER, "STOP")
    sent_texts.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            reverse("console:text-caller", args=[CALLER]), {"body": "Are you still coming?"}, follow=True
        )

    assert Message.objects.get(kind="caller_reply").status == "skipped" and sent_texts == []
    page = response.content.decode()
    assert "texted STOP on" in page and "Stored, but not sent" in page


@pytest.mark.parametrize("body", ["", "   ", "x" * 1601])
def test_an_empty_or_too_long_reply_sends_nothing_and_says_why(staff, story, body):
    response = staff.post(reverse("console:text-caller", args=[CALLER]), {"body": body}, follow=True)
    assert not Message.objects.filter(kind="caller_reply").exists()
    page = response.content.decode()
    assert "Write a text before sending it." in page or "at most 1600 characters" in page


def test_a_strangers_texts_have_a_page_too_and_can_be_answered_by_a_person(staff, salon, text):
    text(STRANGER, "Do you do wedding hair?")
    page = staff.get(reverse("console:caller", args=[STRANGER])).content.decode()
    assert "Do you do wedding hair?" in page and "never answered automatically" in page
    assert 'class="conversation-reply"' in page


def test_a_number_the_salon_never_dealt_with_has_no_page(staff, salon):
    assert staff.get(reverse("console:caller", args=["+14155550123"])).status_code == 404
    assert staff.get(reverse("console:caller", args=["nonsense"])).status_code == 404
    response = staff.post(reverse("console:text-caller", args=["+14155550123"]), {"body": "Hi"})
    assert response.status_code == 404 and not Message.objects.exists()


def test_the_page_is_for_staff_only_and_its_form_needs_the_csrf_token(story):
    anonymous = Client()
    assert anonymous.get(PAGE).status_code == 302
    assert anonymous.post(reverse("console:text-caller", args=[CALLER]), {"body": "Hi"}).status_code == 302
    not_staff = Client()
    not_staff.force_login(User.objects.create_user("guest", password="pw"))
    assert not_staff.get(PAGE).status_code == 302

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(User.objects.create_user("sam", password="pw", is_staff=True))
    assert strict.post(reverse("console:text-caller", args=[CALLER]), {"body": "Hi"}).status_code == 403
    assert not Message.objects.filter(kind="caller_reply").exists()


def test_the_queue_and_the_history_link_to_the_callers_conversation(staff, story):
    link = f'href="{PAGE}"'
    assert link in staff.get(reverse("console:queue")).content.decode()  # the Saturday question waits
    assert link in staff.get(reverse("console:history")).content.decode()  # the voucher one was answered


def test_the_texts_page_lists_every_text_received_newest_first_with_its_conversation(staff, story, text):
    text(STRANGER, "Who is this?")
    page = staff.get(reverse("console:texts")).content.decode()
    bodies = re.findall(r'<p class="queue-question">([^<]*)</p>', page)
    assert bodies == ["Who is this?", "Can I also book a blowout on Saturday?", "Thanks!"]
    assert f'href="{reverse("console:caller", args=[STRANGER])}"' in page and 'data-live-kinds="inbound_text"' in page


def test_the_conversation_fragment_is_what_the_page_re_reads_live(staff, story):
    fragment = staff.get(reverse("console:caller-items", args=[CALLER]))
    assert fragment.status_code == 200 and fragment.content.decode().lstrip().startswith("<ol")
    assert entries(fragment) == entries(staff.get(PAGE))


def test_a_signed_text_arriving_shows_in_the_fragment(staff, story, text):
    reply_of(text(CALLER, "Also, is parking free?"))
    latest = entries(staff.get(reverse("console:caller-items", args=[CALLER])))[-2:]
    assert latest == ["received Also, is parking free?", "question Also, is parking free?"]


def test_admin_links_a_help_request_and_an_inbound_text_to_the_conversation(admin_client, story):
    link = f'href="{PAGE}"'
    assert link in admin_client.get(f"/admin/helprequests/helprequest/{story.pk}/change/").content.decode()
    text_id = HelpRequest.objects.get(question__startswith="Can I also").inbound_texts.get().pk
    assert link in admin_client.get(f"/admin/helprequests/inboundtext/{text_id}/change/").content.decode()
