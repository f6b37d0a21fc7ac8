"""The console's Learned answers page: staff only, provenance on show, and every change through
knowledge.services, so the review rules hold (a wording that contradicts a seed fact is held)."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from knowledge import services
from knowledge.models import KnowledgeEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    call_command("seed_salon", verbosity=0)
    client.force_login(User.objects.create_user("sam", password="pw", is_staff=True))
    return client


@pytest.fixture
def learned():
    return services.learn_answer(
        question="Do you have a parking lot?",
        answer="Yes, behind the building.",
        help_request_id=None,
        answered_by="Maya",
    )


def test_anonymous_and_non_staff_are_sent_to_log_in(client, learned):
    assert client.get("/console/learned/").status_code == 302
    client.force_login(User.objects.create_user("guest", password="pw"))
    assert client.get("/console/learned/").status_code == 302
    assert client.post(f"/console/learned/{learned.pk}/", {"action": "deactivate"}).status_code == 302
    assert KnowledgeEntry.objects.get(pk=learned.pk).active


def test_the_page_lists_taught_answers_with_where_they_came_from(staff, learned):
    page = staff.get("/console/learned/").content.decode()
    assert "Do you have a parking lot?" in page and "answered by <strong>Maya</strong>" in page
    assert "Do you do balayage" not in page  # seed facts are not "learned"
    assert staff.get("/console/learned/?source=seed").status_code == 400


def test_a_rewording_that_contradicts_a_seed_fact_is_held_then_approved(staff, learned):
    staff.post(
        f"/console/learned/{learned.pk}/",
        {"action": "save", "question": "How much is a men's haircut?", "answer": "A men's haircut is $10."},
    )
    entry = KnowledgeEntry.objects.get(pk=learned.pk)
    assert entry.review_status == "needs_review"
    assert "waits for review" in staff.get("/console/learned/").content.decode()

    staff.post(f"/console/learned/{learned.pk}/", {"action": "approve"})
    entry.refresh_from_db()
    assert (entry.review_status, entry.reviewed_by) == ("live", "sam")


def test_deactivate_activate_and_bad_input(staff, learned):
    staff.post(f"/console/learned/{learned.pk}/", {"action": "deactivate"})
    assert not KnowledgeEntry.objects.get(pk=learned.pk).active
    assert not services.lookup("Do you have a parking lot?").matched
    staff.post(f"/console/learned/{learned.pk}/", {"action": "activate"})
    assert services.lookup("Do you have a parking lot?").matched

    blank = staff.post(
        f"/console/learned/{learned.pk}/", {"action": "save", "question": " ", "answer": "x"}, follow=True
    )
    assert "must not be blank" in blank.content.decode()
    assert staff.post(f"/console/learned/{learned.pk}/", {"action": "explode"}).status_code == 400
    elsewhere = staff.post(f"/console/learned/{learned.pk}/", {"action": "activate", "next": "https://evil.example/"})
    assert elsewhere.url == "/console/learned/"
    assert staff.post("/console/learned/999999/", {"action": "approve"}, follow=True).status_code == 200
