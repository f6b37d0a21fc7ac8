"""What the receptionist does not know yet (helprequests/teaching.py), on the demo salon: the
questions to teach next, where it was unsure, "teach the answer", and "What would a caller hear?"
(answered from an entry with its score, or escalated and to whom), which records nothing."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from helprequests import services, teaching
from helprequests.models import HelpRequest, Supervisor
from knowledge import grounding
from knowledge import services as knowledge
from knowledge.models import KnowledgeEntry, LookupRecord
from outbound.models import Message

pytestmark = pytest.mark.django_db

ANALYTICS = reverse("console:analytics")
TRY = reverse("console:try")
PARKING = "Is there parking close by?"


@pytest.fixture
def staff(client: Client, salon) -> Client:
    user = User.objects.create_user("maya", password="pw", is_staff=True)
    Supervisor.objects.filter(is_owner=True).update(user=user)
    client.force_login(user)
    return client


def escalate(question: str, phone: str, *, time_out: bool = True) -> HelpRequest:
    help_request = services.create_help_request(question=question, caller_phone=phone).help_request
    if time_out:
        HelpRequest.objects.filter(pk=help_request.pk).update(expires_at=timezone.now())
        services.expire_help_requests()
    return help_request


def period() -> tuple:
    now = timezone.now()
    return now - timedelta(days=1), now + timedelta(minutes=1)


def test_the_most_asked_unanswerable_questions_come_first_grouped_when_they_ask_the_same(staff):
    escalate(PARKING, "+14155550150")
    latest = escalate("Is there any parking close by?", "+14155550151")
    escalate("Can I bring my parrot along?", "+14155550152")
    escalate("Do you sell gift vouchers?", "+14155550153", time_out=False)  # still in the queue

    found = teaching.to_teach(*period())

    assert [(item.question, item.asked, item.caller_count, item.never_answered) for item in found] == [
        ("Is there any parking close by?", 2, 2, 2),
        ("Can I bring my parrot along?", 1, 1, 1),
    ]
    assert found[0].help_request_id == latest.pk


def test_teach_the_answer_learns_it_and_the_question_leaves_the_list(staff, sent_texts):
    asked = escalate(PARKING, "+14155550150")
    page = staff.get(ANALYTICS, {"period": "today"}).content.decode()
    assert f"“{PARKING}”" in page and "Teach the answer" in page

    done = staff.post(
        reverse("console:teach"),
        {"question": PARKING, "answer": "Yes, there is a garage on Clay Street.", "help_request": asked.pk,
         "next": f"{ANALYTICS}?period=today"},
        follow=True,
    )  # fmt: skip

    assert done.redirect_chain == [(f"{ANALYTICS}?period=today", 302)]
    assert f"Learned: callers asking “{PARKING}” are now answered." in done.content.decode()
    entry = KnowledgeEntry.objects.get(question=PARKING)
    assert (entry.source, entry.help_request_id, entry.answered_by_name) == ("learned", asked.pk, "Maya Chen")
    assert knowledge.lookup("Is there any parking nearby?").answer == "Yes, there is a garage on Clay Street."
    assert teaching.to_teach(*period()) == []
    assert not Message.objects.filter(kind=Message.Kind.CALLER_FOLLOWUP).exists()  # callers are told from History


def test_an_answer_that_contradicts_the_salons_facts_is_held_for_review(staff):
    done = staff.post(
        reverse("console:teach"),
        {"question": "What does a blowout cost?", "answer": "A blowout is $20.", "next": ANALYTICS},
        follow=True,
    )

    assert "held for review" in done.content.decode()
    assert KnowledgeEntry.objects.get(answer="A blowout is $20.").review_status == "needs_review"


def test_a_blank_answer_is_refused_with_a_sentence(staff):
    done = staff.post(reverse("console:teach"), {"question": PARKING, "answer": " ", "next": ANALYTICS}, follow=True)
    assert "Write the answer to teach." in done.content.decode()
    assert not KnowledgeEntry.objects.filter(question=PARKING).exists()


def test_lookups_that_came_near_an_entry_without_an_answer_are_where_it_was_unsure(staff):
    LookupRecord.objects.create(question=PARKING, matched=False, score=0.45)
    LookupRecord.objects.create(question="Is there parking close by?", matched=False, score=0.5)
    LookupRecord.objects.create(question="Do you fix bicycles?", matched=False, score=0.0)  # nothing near
    LookupRecord.objects.create(question="What does a blowout cost?", matched=True, score=0.9)

    [item] = teaching.unsure(*period())

    assert (item.question, item.asked, item.best_score) == (PARKING, 2, 0.5)


def test_what_a_caller_would_hear_an_answer_its_entry_and_score_recording_nothing(staff):
    entry_id = knowledge.lookup("What does a blowout cost?").entry_id
    before = (LookupRecord.objects.count(), KnowledgeEntry.objects.get(pk=entry_id).times_used)

    page = staff.get(TRY, {"q": "What's the price of a blowout, please?"}).content.decode()

    assert "Answered at once" in page and "$55" in page
    assert f"#{entry_id} " in page and 'id="try-score"' in page
    assert (LookupRecord.objects.count(), KnowledgeEntry.objects.get(pk=entry_id).times_used) == before


def test_what_a_caller_would_hear_an_escalation_and_to_whom(staff):
    owner = Supervisor.objects.get(is_owner=True)

    escalated = staff.get(TRY, {"q": PARKING}).content.decode()
    urgent = staff.get(TRY, {"q": "My scalp is still burning from the bleach"}).content.decode()

    assert "Escalated" in escalated and 'id="try-supervisor">' in escalated
    assert "Urgent" in urgent and f'id="try-supervisor">{owner.name} (owner)' in urgent
    assert not HelpRequest.objects.exists() and not Message.objects.exists() and not LookupRecord.objects.exists()


def test_an_empty_question_is_a_sentence(staff):
    assert "Type a question to try." in staff.get(TRY, {"q": ""}).content.decode()


def test_the_lists_never_wait_on_a_model(staff, monkeypatch):
    def no_model(*args, **kwargs):
        raise AssertionError("the lists asked the model")

    monkeypatch.setattr(grounding, "decide", no_model)
    escalate(PARKING, "+14155550150")
    LookupRecord.objects.create(question=PARKING, matched=False, score=0.45)

    assert [item.question for item in teaching.to_teach(*period())] == [PARKING]
    assert [item.question for item in teaching.unsure(*period())] == [PARKING]
