"""Governance of learned answers: where an answer came from, and an answer that contradicts the
salon's own facts (its seed) is held for review instead of reaching callers.

The questions here are not from the eval set (see `test_lookup`); they probe each kind of fact.
"""

import pytest
from django.urls import reverse

from helprequests.models import Supervisor
from helprequests.services import create_help_request, resolve_help_request
from knowledge import services
from knowledge.contradictions import facts
from knowledge.models import KnowledgeEntry

pytestmark = pytest.mark.django_db

CALLER = "+14155550150"
Review = KnowledgeEntry.ReviewStatus


def seed(key: str) -> KnowledgeEntry:
    return KnowledgeEntry.objects.get(seed_key=key)


def learn(question: str, answer: str, **kwargs) -> KnowledgeEntry:
    return services.learn_answer(question=question, answer=answer, help_request_id=None, **kwargs)


def resolved_through_a_help_request(question: str, answer: str) -> KnowledgeEntry:
    """The full path: a caller's question becomes a help request, a supervisor answers it."""
    help_request = create_help_request(question=question, caller_phone=CALLER).help_request
    maya = Supervisor.objects.get(name="Maya Chen")
    resolve_help_request(help_request.pk, answer=answer, supervisor=maya)
    return KnowledgeEntry.objects.get(help_request_id=help_request.pk)


# --- provenance ---------------------------------------------------------------------------------


def test_a_learned_answer_records_its_help_request_and_when(api, salon):
    entry = resolved_through_a_help_request("Is there somewhere to park nearby?", "Yes, the Clay Street garage.")

    assert entry.source == "learned" and entry.review_status == Review.LIVE and entry.learned_at == entry.created_at
    body = api.get(f"/api/v1/knowledge/{entry.pk}").data
    assert body["help_request_id"] == entry.help_request_id and body["learned_at"] and body["review_status"] == "live"
    assert body["review_note"] == "" and body["conflicts_with"] == [] and body["reviewed_by"] == ""


def test_a_learned_answer_records_who_gave_it(api, salon):
    help_request = create_help_request(question="Can I bring a friend along?", caller_phone=CALLER).help_request

    entry = services.learn_answer(
        question=help_request.question,
        answer="Yes, there's a bench by the window.",
        help_request_id=help_request.pk,
        answered_by="Maya Chen",
    )

    body = api.get(f"/api/v1/knowledge/{entry.pk}").data
    assert (body["answered_by"], body["help_request_id"]) == ("Maya Chen", help_request.pk)
    assert body["learned_at"] == body["created_at"]
    manual = api.post("/api/v1/knowledge", {"question": "Is there wifi?", "answer": "Yes."}).data
    assert manual["learned_at"] is None and manual["answered_by"] == ""


# --- contradictions of seed facts ---------------------------------------------------------------

CONTRADICTIONS = [
    # (question, learned answer, the seed fact it contradicts, what the seed answer says)
    ("How much is a men's haircut?", "A men's haircut is $50 now.", "service.mens-haircut", "$45"),
    ("What time do you open on Saturdays?", "We open at 10 AM on Saturdays.", "hours.saturday", "9 AM"),
    ("Is the salon open Mondays?", "Yes, from 10 AM to 6 PM.", "hours.monday", "closed"),
    ("Are you open on Thanksgiving Day?", "Yes, 10 AM to 2 PM.", "holidays", "closed"),
    ("Can I pay by check?", "Yes, we take checks.", "policy.payment", "not accept checks"),
    ("How long does a balayage take?", "About 2 hours.", "service.balayage", "3 hours"),
    ("How far ahead do I have to cancel?", "48 hours ahead, please.", "policy.cancellation", "24 hours"),
    ("Is there a fee for a color consultation?", "Yes, it's $25.", "policy.consultation", "free"),
]


@pytest.mark.parametrize("question, answer, seed_key, seed_says", CONTRADICTIONS)
def test_an_answer_contradicting_a_seed_fact_is_held_and_the_seed_still_answers(
    salon, question, answer, seed_key, seed_says
):
    fact = seed(seed_key)
    assert services.lookup(question).entry_id == fact.pk  # the seed answers this question

    entry = learn(question, answer)

    assert entry.review_status == Review.NEEDS_REVIEW and entry.active
    assert fact.pk in entry.conflicts_with
    assert f"seed entry #{fact.pk}" in entry.review_note and seed_says in entry.review_note
    result = services.lookup(question)  # even its own wording: a held answer never matches
    assert (result.entry_id, result.source) == (fact.pk, "seed") and seed_says in result.answer


def test_the_full_path_holds_a_contradiction_but_still_texts_the_caller(api, salon):
    entry = resolved_through_a_help_request("Can I pay with a check?", "Sure, checks are fine.")

    assert entry.review_status == Review.NEEDS_REVIEW
    texts = api.get(f"/api/v1/messages?help_request_id={entry.help_request_id}&kind=caller_followup").data
    assert [text["to"] for text in texts["items"]] == [CALLER] and "checks are fine" in texts["items"][0]["body"]
    assert services.lookup("Can I pay with a check?").entry_id == seed("policy.payment").pk


AGREEMENTS = [
    ("How much is a men's haircut?", "It's $45."),
    ("What time do you open on Saturdays?", "9 AM."),
    ("Can I pay by check?", "No, sorry, we don't take checks."),
    ("Is the salon open Mondays?", "No, we're closed on Mondays."),
    ("How long does a balayage take?", "About 3 hours."),
    ("Should I tip?", "Yes, tips are appreciated."),
    ("Is there a fee for a color consultation?", "No, consultations are complimentary."),
    ("How much is a haircut?", "$45 for men and $85 for women."),
]


@pytest.mark.parametrize("question, answer", AGREEMENTS)
def test_an_answer_that_agrees_with_the_seed_is_live(salon, question, answer):
    entry = learn(question, answer)

    assert (entry.review_status, entry.conflicts_with, entry.review_note) == (Review.LIVE, [], "")


def test_restating_any_seed_fact_is_never_a_contradiction(salon):
    for fact in KnowledgeEntry.objects.filter(source="seed"):
        assert services.check_against_seed(fact.question, fact.answer) == [], fact.seed_key


@pytest.mark.parametrize(
    "question, answer",
    [
        ("Is there somewhere to park nearby?", "Yes, the Clay Street garage is $5 an hour."),
        ("Do you sell gift certificates?", "Yes, from $25, at the front desk."),
        ("Can I bring my toddler along?", "Yes, we have a play corner."),
    ],
)
def test_an_unrelated_answer_is_live_and_used_at_once(salon, question, answer):
    entry = learn(question, answer)

    assert entry.review_status == Review.LIVE
    assert services.lookup(question).entry_id == entry.pk


def test_a_held_answer_is_listed_for_review(api, salon):
    held = learn("How much is a men's haircut?", "$50.")
    learn("Is there somewhere to park nearby?", "Yes, on Clay Street.")

    listed = api.get("/api/v1/knowledge?review_status=needs_review").data
    assert [e["id"] for e in listed["items"]] == [held.pk] and listed["count"] == 1
    assert listed["items"][0]["review_note"].startswith(f"Contradicts seed entry #{seed('service.mens-haircut').pk}")
    assert api.get("/api/v1/knowledge?review_status=live&source=learned").data["count"] == 1
    assert api.get("/api/v1/knowledge?review_status=maybe").status_code == 422


# --- approve and reject -------------------------------------------------------------------------


def test_an_approved_answer_goes_live_and_is_preferred_over_the_seed_fact(api, salon):
    """Approving says the seed fact is stale: wherever both answer a question, the approved answer
    is given, also in other words where the matcher would score the seed fact higher."""
    haircut = seed("service.mens-haircut")
    entry = learn("How much is a men's haircut?", "It's $50 now.")
    paraphrase = "What do you charge for a men's cut?"
    assert services.current_index().best(paraphrase).document.id == haircut.pk  # on scores alone

    approved = api.post(f"/api/v1/knowledge/{entry.pk}/approve")

    assert approved.status_code == 200
    assert approved.data["review_status"] == "live" and approved.data["reviewed_by"] == "token:tests"
    assert approved.data["reviewed_at"] and haircut.pk in approved.data["conflicts_with"]
    for wording in ("How much is a men's haircut?", paraphrase, "how much for a gents haircut"):
        result = services.lookup(wording)
        assert (result.entry_id, result.answer, result.source) == (entry.pk, "It's $50 now.", "learned"), wording
    # what the approved answer does not speak about is still the seed's
    assert services.lookup("How long is a men's haircut?").entry_id == haircut.pk


def test_a_rejected_answer_never_matches(api, salon):
    entry = learn("What time do you open on Saturdays?", "We open at 10 AM on Saturdays.")

    rejected = api.post(f"/api/v1/knowledge/{entry.pk}/reject")

    assert rejected.status_code == 200 and rejected.data["review_status"] == "rejected"
    assert rejected.data["active"] is True  # kept, listed, but never used
    result = services.lookup("What time do you open on Saturdays?")
    assert result.entry_id == seed("hours.saturday").pk and "9 AM" in result.answer


def test_only_a_held_answer_can_be_approved_or_rejected(api, salon):
    live = learn("Is there somewhere to park nearby?", "Yes, on Clay Street.")
    held = learn("How much is a men's haircut?", "$50.")

    refused = api.post(f"/api/v1/knowledge/{live.pk}/approve")
    assert refused.status_code == 409
    assert refused.data["detail"] == (
        f"Knowledge entry {live.pk} is live, not waiting for review; only an entry that needs review can be approved."
    )
    assert api.post(f"/api/v1/knowledge/{live.pk}/reject").status_code == 409

    assert api.post(f"/api/v1/knowledge/{held.pk}/reject").status_code == 200
    again = api.post(f"/api/v1/knowledge/{held.pk}/approve")
    assert again.status_code == 409 and "is rejected (decided by token:tests)" in again.data["detail"]
    assert api.post("/api/v1/knowledge/99999/approve").status_code == 404


# --- editing ------------------------------------------------------------------------------------


def test_patching_the_answer_checks_it_again(api, salon):
    entry = learn("How much is a men's haircut?", "It's $45.")
    url = f"/api/v1/knowledge/{entry.pk}"

    held = api.patch(url, {"answer": "It's $50 since March."}).data
    assert held["review_status"] == "needs_review" and "$45" in held["review_note"]
    assert services.lookup("How much is a men's haircut?").source == "seed"

    fixed = api.patch(url, {"answer": "It's $45, beard trim included."}).data
    assert (fixed["review_status"], fixed["review_note"], fixed["conflicts_with"]) == ("live", "", [])


def test_patching_the_question_checks_it_again(api, salon):
    entry = api.post("/api/v1/knowledge", {"question": "Is there wifi?", "answer": "Yes, from 10 AM."}).data
    assert entry["review_status"] == "live"

    moved = api.patch(f"/api/v1/knowledge/{entry['id']}", {"question": "What time do you open on Saturdays?"}).data

    assert moved["review_status"] == "needs_review" and moved["conflicts_with"] == [seed("hours.saturday").pk]


def test_a_change_that_keeps_the_words_keeps_the_review(api, salon):
    entry = learn("How much is a men's haircut?", "$50.")
    api.post(f"/api/v1/knowledge/{entry.pk}/approve")

    body = api.patch(f"/api/v1/knowledge/{entry.pk}", {"category": "pricing", "answer": "$50."}).data

    assert (body["review_status"], body["reviewed_by"], body["category"]) == ("live", "token:tests", "pricing")


def test_a_manual_entry_is_checked_like_a_learned_one(api, salon):
    created = api.post("/api/v1/knowledge", {"question": "What does a blowout cost?", "answer": "A blowout is $60."})

    assert created.status_code == 201 and created.data["review_status"] == "needs_review"


def test_seed_entries_are_never_held(api, salon):
    fact = seed("service.blowout")

    body = api.patch(f"/api/v1/knowledge/{fact.pk}", {"answer": "Our blowout is $60."}).data

    assert body["review_status"] == "live"
    assert services.lookup("What does a blowout cost?").answer == "Our blowout is $60."


def test_review_changes_reach_the_cached_index_even_without_updated_at(salon):
    """Another process (or a bulk update) changes only the review status: the index still notices."""
    entry = learn("Is there somewhere to park nearby?", "Yes, on Clay Street.")
    assert services.lookup("Is there somewhere to park nearby?").entry_id == entry.pk

    KnowledgeEntry.objects.filter(pk=entry.pk).update(review_status=Review.NEEDS_REVIEW)

    assert not services.lookup("Is there somewhere to park nearby?").matched


# --- admin --------------------------------------------------------------------------------------

CHANGELIST = reverse("admin:knowledge_knowledgeentry_changelist")


def change_url(entry: KnowledgeEntry) -> str:
    return reverse("admin:knowledge_knowledgeentry_change", args=[entry.pk])


def test_admin_marks_held_answers_and_filters_by_review_status(admin_client, salon):
    held = learn("How much is a men's haircut?", "$50.")
    live = learn("Is there somewhere to park nearby?", "Yes, on Clay Street.")

    page = admin_client.get(CHANGELIST, {"review_status__exact": "needs_review"})

    assert page.status_code == 200
    assert list(page.context["cl"].queryset) == [held]
    assert "⚠ Needs review" in page.content.decode()
    assert live not in admin_client.get(CHANGELIST, {"review_status__exact": "needs_review"}).context["cl"].queryset


def test_admin_approves_and_rejects_with_list_actions(admin_client, salon):
    first = learn("How much is a men's haircut?", "$50.")
    second = learn("What time do you open on Saturdays?", "10 AM.")
    live = learn("Is there somewhere to park nearby?", "Yes, on Clay Street.")

    admin_client.post(CHANGELIST, {"action": "approve", "_selected_action": [first.pk, live.pk]})
    admin_client.post(CHANGELIST, {"action": "reject", "_selected_action": [second.pk]})

    for entry in (first, second, live):
        entry.refresh_from_db()
    assert (first.review_status, first.reviewed_by) == (Review.LIVE, "user:admin")
    assert (second.review_status, second.reviewed_by) == (Review.REJECTED, "user:admin")
    assert (live.review_status, live.reviewed_by) == (Review.LIVE, "")  # not held: left as it was
    assert services.lookup("How much is a men's haircut?").entry_id == first.pk
    assert services.lookup("What time do you open on Saturdays?").entry_id == seed("hours.saturday").pk


def test_admin_change_page_shows_provenance(admin_client, salon):
    entry = resolved_through_a_help_request("Can I pay with a check?", "Sure, checks are fine.")
    KnowledgeEntry.objects.filter(pk=entry.pk).update(answered_by_name="Maya Chen")

    page = admin_client.get(change_url(entry)).content.decode()

    assert f"Help request #{entry.help_request_id}" in page  # by number: knowledge knows no help requests
    assert "Maya Chen" in page and "Learned at" in page and "Times used" in page and "Last used at" in page
    assert f"Seed entry #{seed('policy.payment').pk}" in page and "Needs review" in page


def test_admin_edit_goes_through_the_service_and_checks_again(admin_client, salon):
    entry = learn("How much is a men's haircut?", "It's $45.")
    form = {"question": entry.question, "answer": "It's $50 now.", "category": entry.category, "active": "on"}

    response = admin_client.post(change_url(entry), form, follow=True)

    entry.refresh_from_db()
    assert entry.answer == "It's $50 now." and entry.review_status == Review.NEEDS_REVIEW
    assert any("held for review" in str(m) for m in response.context["messages"])


def test_admin_created_entry_records_who_added_it(admin_client, salon):
    form = {"question": "Is there wifi?", "answer": "Yes, ask at the desk.", "category": "general", "active": "on"}

    admin_client.post(reverse("admin:knowledge_knowledgeentry_add"), form)

    entry = KnowledgeEntry.objects.get(question="Is there wifi?")
    assert (entry.source, entry.answered_by_name, entry.review_status) == ("manual", "admin", Review.LIVE)


# --- the facts read from a text (no database) ---------------------------------------------------


@pytest.mark.parametrize(
    "text, kind, values",
    [
        ("Our balayage starts at $1,240.00 and is worth it", "price", {1240}),
        ("Consultations are free", "price", {0}),
        ("Walk-ins are welcome when a chair is free, but call first", "price", set()),
        ("no-shows are charged 50% of the price", "percentage", {50}),
        ("open 9:30 a.m. to 7 PM, noon on Sundays", "time", {570, 1140, 720}),
        ("from 10:00 to 19:00", "time", {600, 1140}),
        ("We're closed on Mondays", "time", {"closed"}),
        ("takes an hour and a half (90 minutes)", "duration", {90}),
        ("about 2 and a half hours", "duration", {150}),
        ("an hour and 15 minutes", "duration", {75}),
        ("at least 48 hours before", "duration", {2880}),
        ("Saturdays and Sunday", "day", {"saturday", "sunday"}),
    ],
)
def test_facts_read_from_text(text, kind, values):
    assert facts(text).of(kind) == values
