"""History says what happened and can still act: a request that joined another and was never
answered does not claim it was "answered with it", and an unresolved request can be answered
late from History, through the same service as the queue, the admin and the API."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from helprequests import services
from helprequests.models import HelpRequest, HelpRequestEvent
from helprequests.tests.support_salon import CALLER, add_owner
from outbound.models import Message

pytestmark = pytest.mark.django_db

HISTORY = reverse("console:history")
OTHER_CALLER = "+14155550177"


@pytest.fixture
def staff(client: Client) -> Client:
    client.force_login(User.objects.create_user("maya", password="pw", is_staff=True))
    return client


def ask(question: str, phone: str = CALLER) -> HelpRequest:
    return services.create_help_request(question=question, caller_phone=phone).help_request


def time_out_all() -> None:
    HelpRequest.objects.filter(status=HelpRequest.Status.PENDING).update(expires_at=timezone.now())
    services.expire_help_requests()


def test_a_joined_request_nobody_answered_does_not_say_answered_with_it(staff):
    add_owner()
    first = ask("Do you sell gift vouchers?")
    joined = ask("Do you sell gift vouchers?", phone=OTHER_CALLER)
    assert joined.duplicate_of_id == first.pk
    time_out_all()

    page = staff.get(HISTORY).content.decode()

    assert f"Asked the same as #{first.pk}, which has no answer either." in page
    assert "answered with it" not in page


def test_a_joined_request_answered_with_its_primary_says_so(staff):
    owner = add_owner()
    first = ask("Do you sell gift vouchers?")
    ask("Do you sell gift vouchers?", phone=OTHER_CALLER)
    services.resolve_help_request(first.pk, answer="Yes, at the desk.", supervisor=owner, learn=False)

    assert f"Asked the same as #{first.pk}; answered with it." in staff.get(HISTORY).content.decode()


def test_an_unresolved_request_is_answered_late_from_history(staff, sent_texts):
    add_owner()
    first = ask("Do you sell gift vouchers?")
    joined = ask("Do you sell gift vouchers?", phone=OTHER_CALLER)
    time_out_all()
    page = staff.get(HISTORY).content.decode()
    assert f'action="{reverse("console:answer", args=[joined.pk])}"' in page  # each unresolved one has the form

    done = staff.post(
        reverse("console:answer", args=[joined.pk]),
        {"answer": "Yes, at the front desk.", "learn": "on", "next": f"{HISTORY}?status=unresolved"},
        follow=True,
    )

    assert done.redirect_chain == [(f"{HISTORY}?status=unresolved", 302)]
    assert f"Answer to #{joined.pk} sent to the caller." in done.content.decode()
    for help_request in (first, joined):
        help_request.refresh_from_db()
        assert help_request.status == HelpRequest.Status.RESOLVED
        assert help_request.answer == "Yes, at the front desk." and help_request.knowledge_entry_id
    late = HelpRequestEvent.objects.get(help_request=joined, to_status=HelpRequest.Status.RESOLVED)
    assert late.actor == "user:maya" and "late answer" in late.note
    followups = Message.objects.filter(kind=Message.Kind.CALLER_FOLLOWUP).values_list("to", flat=True)
    assert sorted(followups) == sorted([CALLER, OTHER_CALLER])


def test_a_blank_late_answer_is_refused_with_a_sentence_and_changes_nothing(staff):
    add_owner()
    help_request = ask("Do you sell gift vouchers?")
    time_out_all()

    done = staff.post(reverse("console:answer", args=[help_request.pk]), {"answer": " ", "next": HISTORY}, follow=True)

    assert "Write an answer before sending it." in done.content.decode()
    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.UNRESOLVED


def test_next_must_be_this_site(staff):
    add_owner()
    help_request = ask("Do you sell gift vouchers?")
    response = staff.post(
        reverse("console:answer", args=[help_request.pk]), {"answer": "Yes.", "next": "https://evil.example/"}
    )
    assert response.status_code == 200 and response.json()["detail"].startswith("Answer to #")
