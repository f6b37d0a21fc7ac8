"""Answering from the queue (POST /console/queue/<id>/answer/): the same resolve as the API,
as the logged-in supervisor; bad input and lost races are a sentence with a 4xx, never a 500."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from helprequests import services
from helprequests.models import HelpRequest, HelpRequestEvent, Supervisor
from helprequests.tests.support_salon import CALLER, add_owner
from knowledge.models import KnowledgeEntry
from outbound.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_to_answer(db) -> HelpRequest:
    add_owner()
    return services.create_help_request(question="Do you sell gift vouchers?", caller_phone=CALLER).help_request


def console_as(username: str) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.create_user(username, password="pw", is_staff=True))
    client.get(reverse("console:queue"))  # sets the CSRF cookie, as the page does
    return client


def answer(client: Client, help_request_id: int, text: str, learn: bool = True):
    data = {"answer": text, **({"learn": "on"} if learn else {})}
    token = client.cookies["csrftoken"].value
    return client.post(reverse("console:answer", args=[help_request_id]), data, headers={"X-CSRFToken": token})


def test_an_answer_is_texted_to_the_caller_learned_and_recorded_as_the_user(request_to_answer):
    response = answer(console_as("sam"), request_to_answer.pk, "  Yes, gift cards are sold at the desk.  ")

    assert response.status_code == 200
    assert response.json() == {"detail": f"Answer to #{request_to_answer.pk} sent to the caller."}
    request_to_answer.refresh_from_db()
    assert request_to_answer.status == "resolved"
    assert request_to_answer.answer == "Yes, gift cards are sold at the desk."
    followup = Message.objects.get(help_request_id=request_to_answer.pk, kind="caller_followup")
    assert followup.to == CALLER and "Yes, gift cards are sold at the desk." in followup.body
    assert KnowledgeEntry.objects.filter(answer="Yes, gift cards are sold at the desk.").exists()
    assert (
        HelpRequestEvent.objects.filter(help_request=request_to_answer, to_status="resolved").get().actor == "user:sam"
    )


def test_a_user_with_a_supervisor_profile_answers_as_that_supervisor(request_to_answer):
    client = console_as("jordan")
    jordan = Supervisor.objects.create(
        name="Jordan Alvarez", phone="+14155550102", user=User.objects.get(username="jordan")
    )

    assert answer(client, request_to_answer.pk, "Yes.").status_code == 200
    request_to_answer.refresh_from_db()
    assert request_to_answer.answered_by == jordan


def test_unticking_save_to_knowledge_base_does_not_learn(request_to_answer):
    assert answer(console_as("sam"), request_to_answer.pk, "Only in December.", learn=False).status_code == 200
    assert not KnowledgeEntry.objects.filter(answer="Only in December.").exists()


@pytest.mark.parametrize("text", ["", "   "])
def test_a_blank_answer_is_refused_with_a_sentence(request_to_answer, text):
    response = answer(console_as("sam"), request_to_answer.pk, text)

    assert response.status_code == 422
    assert response.json() == {"detail": "Write an answer before sending it."}
    assert HelpRequest.objects.get(pk=request_to_answer.pk).status == "pending"


def test_the_second_answer_is_refused_naming_who_answered_first(request_to_answer):
    assert answer(console_as("maya"), request_to_answer.pk, "Yes, at the desk.").status_code == 200

    response = answer(console_as("sam"), request_to_answer.pk, "No, sorry.")

    assert response.status_code == 409
    body = response.json()
    assert body["answered_by"] == "maya" and body["answer"] == "Yes, at the desk."
    assert body["detail"].startswith("Already answered by maya at ")
    assert Message.objects.filter(help_request_id=request_to_answer.pk, kind="caller_followup").count() == 1


def test_an_unknown_request_is_a_404_sentence(db):
    response = answer(console_as("sam"), 999, "Yes.")
    assert response.status_code == 404
    assert response.json() == {"detail": "There is no help request with id 999."}


def test_a_timed_out_request_still_takes_a_late_answer(request_to_answer):
    HelpRequest.objects.filter(pk=request_to_answer.pk).update(status="unresolved")
    assert answer(console_as("sam"), request_to_answer.pk, "Yes.").status_code == 200
    assert HelpRequest.objects.get(pk=request_to_answer.pk).status == "resolved"


def test_without_the_csrf_token_nothing_is_answered(request_to_answer):
    client = console_as("sam")
    response = client.post(reverse("console:answer", args=[request_to_answer.pk]), {"answer": "Yes."})
    assert response.status_code == 403
    assert HelpRequest.objects.get(pk=request_to_answer.pk).status == "pending"


def test_only_post_answers(request_to_answer):
    assert console_as("sam").get(reverse("console:answer", args=[request_to_answer.pk])).status_code == 405
