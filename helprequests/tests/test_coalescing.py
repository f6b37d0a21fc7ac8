"""Coalescing: a question that asks the same as a pending one is attached to it instead of alerting
a supervisor again, and one answer serves the whole group."""

from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from conftest import ApiClient
from helprequests import services
from helprequests.admin.requests import AttachedRequestInline
from helprequests.models import HelpRequest, HelpRequestEvent
from helprequests.tests.support_salon import open_all_hours
from helprequests.tests.test_admin import CHANGELIST, answer, change_url, flashed
from helprequests.tests.test_races import run_together
from knowledge import evalset
from knowledge.matching import question_topic, same_question
from knowledge.models import KnowledgeEntry
from outbound.models import Message, WebhookDelivery, WebhookEndpoint

ANA, BEN, CY = "+14155550150", "+14155550151", "+14155550152"


@pytest.fixture
def salon(salon):
    """The seeded salon, open all hours: what these tests count must not depend on the hour they run."""
    open_all_hours()


def create(api, question: str, caller_phone: str = ANA, **extra) -> dict:
    response = api.post("/api/v1/help-requests", {"question": question, "caller_phone": caller_phone, **extra})
    assert response.status_code == 201, response.data
    return response.data


def alerts() -> int:
    return Message.objects.filter(kind="supervisor_alert").count()


def kinds(help_request_id: int) -> list[str]:
    return sorted(Message.objects.filter(help_request_id=help_request_id).values_list("kind", flat=True))


# --- which questions are the same ---------------------------------------------------------------


@pytest.mark.parametrize(
    "a, b",
    [
        ("Do you sell gift vouchers?", "Can I buy a gift card?"),
        ("Is there parking close by?", "Is there parking near the salon?"),
        ("Do you offer hair extensions?", "Do you offer extensions?"),
        ("Can a wheelchair get into the salon?", "Do you have wheelchair access?"),
        ("Is there a loyalty program?", "um, do you guys have like a loyalty program?"),
        ("Tell me about your services", "tell me about your services!"),
    ],
)
def test_the_same_question_in_other_words(a, b):
    assert same_question(a, b) and same_question(b, a)


@pytest.mark.parametrize(
    "a, b",
    [
        ("Do you sell gift vouchers?", "Do you sell shampoo?"),
        ("Do you sell gift vouchers?", "Do you sell gift vouchers online?"),  # a narrower question
        ("Do you offer hair extensions?", "How much are hair extensions?"),  # a price is asked
        ("Do you offer manicures?", "Do you do pedicures?"),
        ("Can I bring 2 kids?", "Can I bring 3 kids?"),
        ("Do you have new client discounts?", "Do you have discounts?"),
        ("Tell me about your services", "What services do you have?"),  # no topic word: wording only
    ],
)
def test_different_questions_stay_apart(a, b):
    assert not same_question(a, b) and not same_question(b, a)


def test_questions_that_are_the_same_share_a_topic_so_their_creates_take_the_same_lock():
    """Creates lock by `question_topic` on PostgreSQL: if two questions could be paired but had
    different topics, two callers asking them at once would both alert. Every pair among the
    development set's questions and lessons (about 100k pairs) keeps the invariant."""
    dev = evalset.load(Path(__file__).resolve().parents[2] / "knowledge/tests/data/dev_questions.yaml")
    texts = sorted(
        {item.q for item in dev.questions}
        | {asked for lesson in dev.lessons for asked in (lesson.question, *lesson.ask, *lesson.unrelated)}
    )
    same = [(a, b) for i, a in enumerate(texts) for b in texts[i + 1 :] if same_question(a, b)]
    assert len(same) >= 20  # paraphrases are there to check
    assert [(a, b) for a, b in same if question_topic(a) != question_topic(b)] == []


# --- creating -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_same_question_in_other_words_is_attached_with_no_second_alert(api, salon):
    endpoint = WebhookEndpoint.objects.create(url="http://127.0.0.1:9/hooks")
    primary = create(api, "Do you sell gift vouchers?", ANA)
    attached = create(api, "Can I buy a gift card?", BEN, caller_name="Ben")

    assert attached["duplicate_of"] == primary["id"] and primary["duplicate_of"] is None
    assert attached["status"] == "pending" and attached["caller_phone"] == BEN
    assert attached["assigned_supervisor"] == primary["assigned_supervisor"]
    assert attached["expires_at"] == primary["expires_at"]
    assert alerts() == 1 and kinds(attached["id"]) == []
    event = HelpRequestEvent.objects.get(help_request_id=attached["id"])
    assert (event.to_status, event.note) == ("pending", f"attached to #{primary['id']}")
    created = WebhookDelivery.objects.get(
        endpoint=endpoint, type="help_request.created", payload__data__id=attached["id"]
    )
    assert created.payload["data"]["duplicate_of"] == primary["id"]

    assert api.get(f"/api/v1/help-requests/{primary['id']}").data["duplicate_count"] == 1
    listed = api.get(f"/api/v1/help-requests?duplicate_of={primary['id']}").data
    assert [item["id"] for item in listed["items"]] == [attached["id"]]


@pytest.mark.django_db
def test_a_new_request_only_looks_among_its_topic_and_requests_from_before_topics(api, salon):
    parking = create(api, "Is there parking close by?", ANA)
    gift = create(api, "Do you sell gift vouchers?", BEN)
    topics = dict(HelpRequest.objects.filter(pk__in=[parking["id"], gift["id"]]).values_list("pk", "topic"))
    assert len(set(topics.values())) == 2 and all(topics.values())

    HelpRequest.objects.filter(pk=gift["id"]).update(topic="")  # as a row migrated from before topics
    assert create(api, "Can I buy a gift card?", CY)["duplicate_of"] == gift["id"]
    assert create(api, "Is there parking near the salon?", CY)["duplicate_of"] == parking["id"]


@pytest.mark.django_db
def test_a_third_asker_joins_the_primary_not_an_attached_request(api, salon):
    primary = create(api, "Is there parking close by?", ANA)
    create(api, "Is there parking near the salon?", BEN)
    third = create(api, "do you guys have parking", CY)

    assert third["duplicate_of"] == primary["id"]
    assert api.get(f"/api/v1/help-requests/{primary['id']}").data["duplicate_count"] == 2
    assert alerts() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "first, second",
    [
        ("Do you sell gift vouchers?", "Do you sell shampoo?"),
        ("Do you sell gift vouchers?", "Do you sell gift vouchers online?"),
        ("Is there parking close by?", "Do you have wifi?"),
    ],
)
def test_unrelated_questions_stay_separate(api, salon, first, second):
    one, two = create(api, first, ANA), create(api, second, BEN)

    assert one["duplicate_of"] is None and two["duplicate_of"] is None
    assert alerts() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("second_caller", [ANA, BEN])
def test_urgent_questions_are_never_attached(api, salon, second_caller):
    question = "My scalp is swollen and burning after my color appointment"
    one, two = create(api, question, ANA), create(api, question, second_caller)

    assert one["priority"] == two["priority"] == "urgent"
    assert two["duplicate_of"] is None
    assert Message.objects.filter(kind="supervisor_alert", to="+14155550101").count() == 2  # the owner, twice


@pytest.mark.django_db
def test_a_question_about_the_callers_own_booking_is_shared_only_with_the_same_caller(api, salon):
    question = "Can I move my appointment to Friday?"
    first = create(api, question, ANA)
    other_caller = create(api, "Can I move my appointment to Friday please?", BEN)
    same_caller_again = create(api, "Can I move my appointment to Friday please?", ANA)

    assert first["priority"] == "medium"
    assert other_caller["duplicate_of"] is None  # Ben's booking is not Ana's
    assert same_caller_again["duplicate_of"] == first["id"]
    assert alerts() == 2


@pytest.mark.django_db
def test_only_a_pending_request_is_joined(api, salon):
    first = create(api, "Do you sell gift vouchers?", ANA)
    api.post(f"/api/v1/help-requests/{first['id']}/resolve", {"answer": "Yes, at the desk.", "learn": False})

    again = create(api, "Can I buy a gift card?", BEN)

    assert again["duplicate_of"] is None and kinds(again["id"]) == ["supervisor_alert"]


# --- resolving ----------------------------------------------------------------------------------


@pytest.fixture
def group(api, salon) -> list[dict]:
    """Ana asks, Ben asks the same in other words, then Ana asks again."""
    return [
        create(api, "Do you sell gift vouchers?", ANA, caller_name="Ana"),
        create(api, "Can I buy a gift card?", BEN, caller_name="Ben"),
        create(api, "do you guys sell gift cards", ANA, caller_name="Ana"),
    ]


@pytest.mark.django_db
def test_resolving_the_primary_texts_every_waiting_caller_once_and_learns_once(api, group):
    WebhookEndpoint.objects.create(url="http://127.0.0.1:9/hooks", events=["help_request.resolved"])
    primary, ben, ana_again = group
    answer_text = "Yes, in any amount at the front desk."

    response = api.post(f"/api/v1/help-requests/{primary['id']}/resolve", {"answer": answer_text})

    assert response.status_code == 200 and response.data["duplicate_count"] == 2
    rows = HelpRequest.objects.filter(pk__in=[r["id"] for r in group]).order_by("pk")
    assert {(row.status, row.answer) for row in rows} == {("resolved", answer_text)}
    entry = KnowledgeEntry.objects.get(source="learned")
    assert entry.help_request_id == primary["id"] and entry.question == "Do you sell gift vouchers?"
    assert {row.knowledge_entry_id for row in rows} == {entry.pk}
    followups = Message.objects.filter(kind="caller_followup")
    assert Counter(followups.values_list("to", flat=True)) == {ANA: 1, BEN: 1}
    assert 'About your question "Can I buy a gift card?"' in followups.get(to=BEN).body
    notes = {event.help_request_id: event.note for event in HelpRequestEvent.objects.filter(to_status="resolved")}
    with_primary = f"answered with #{primary['id']}"
    assert notes == {primary["id"]: "", ben["id"]: with_primary, ana_again["id"]: with_primary}
    resolved_events = WebhookDelivery.objects.filter(type="help_request.resolved")
    assert sorted(d.payload["data"]["id"] for d in resolved_events) == [r["id"] for r in group]


@pytest.mark.django_db
def test_resolving_an_attached_request_resolves_its_group(api, group):
    primary, ben, _ = group
    maya = next(s for s in api.get("/api/v1/supervisors").data["items"] if s["is_owner"])

    response = api.post(
        f"/api/v1/help-requests/{ben['id']}/resolve", {"answer": "Yes, at the desk.", "supervisor_id": maya["id"]}
    )

    assert response.status_code == 200 and response.data["id"] == ben["id"]
    for row in HelpRequest.objects.filter(pk__in=[r["id"] for r in group]):
        assert (row.status, row.answered_by_id) == ("resolved", maya["id"])
    assert Message.objects.filter(kind="caller_followup").count() == 2
    assert KnowledgeEntry.objects.get(source="learned").help_request_id == primary["id"]
    primary_event = HelpRequestEvent.objects.get(help_request_id=primary["id"], to_status="resolved")
    assert primary_event.note == f"answered with #{ben['id']}"


@pytest.mark.django_db
@pytest.mark.parametrize("again", [0, 1])
def test_resolving_a_resolved_group_again_is_409_and_sends_nothing(api, group, again):
    api.post(f"/api/v1/help-requests/{group[0]['id']}/resolve", {"answer": "Yes."})
    before = (Message.objects.count(), HelpRequestEvent.objects.count(), KnowledgeEntry.objects.count())

    response = api.post(f"/api/v1/help-requests/{group[again]['id']}/resolve", {"answer": "No."})

    assert response.status_code == 409 and "already resolved" in response.data["detail"]
    assert (Message.objects.count(), HelpRequestEvent.objects.count(), KnowledgeEntry.objects.count()) == before
    assert set(HelpRequest.objects.values_list("answer", flat=True)) == {"Yes."}


@pytest.mark.django_db
def test_a_group_times_out_together_and_a_late_answer_reaches_everyone(api, group):
    HelpRequest.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    assert services.expire_help_requests() == 3

    assert set(HelpRequest.objects.values_list("status", flat=True)) == {"unresolved"}
    timeouts = Message.objects.filter(kind="caller_timeout")
    assert Counter(timeouts.values_list("to", flat=True)) == {ANA: 1, BEN: 1}  # Ana asked twice, told once

    response = api.post(f"/api/v1/help-requests/{group[1]['id']}/resolve", {"answer": "Yes, at the desk."})

    assert response.status_code == 200
    assert set(HelpRequest.objects.values_list("status", flat=True)) == {"resolved"}
    assert Counter(Message.objects.filter(kind="caller_followup").values_list("to", flat=True)) == {ANA: 1, BEN: 1}
    primary_event = HelpRequestEvent.objects.get(help_request_id=group[0]["id"], to_status="resolved")
    assert (primary_event.from_status, primary_event.note) == (
        "unresolved",
        f"late answer; answered with #{group[1]['id']}",
    )


# --- admin --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_admin_lists_the_duplicates_and_links_an_attached_request_to_its_primary(admin_client, group):
    primary, ben, ana_again = (HelpRequest.objects.get(pk=r["id"]) for r in group)

    listing = admin_client.get(CHANGELIST)
    counts = {row.pk: row.duplicate_count for row in listing.context["cl"].result_list}
    assert counts == {primary.pk: 2, ben.pk: 0, ana_again.pk: 0}
    assert f'attached to <a href="{change_url(primary)}">#{primary.pk}</a>' in listing.content.decode()

    page = admin_client.get(change_url(primary))
    [attached] = [f for f in page.context["inline_admin_formsets"] if isinstance(f.opts, AttachedRequestInline)]
    assert [form.original.pk for form in attached] == [ben.pk, ana_again.pk]
    assert change_url(ben) in page.content.decode()
    assert "Saving also answers the 2 attached request(s)" in page.content.decode()

    attached_page = admin_client.get(change_url(ben)).content.decode()
    assert f'<a href="{change_url(primary)}">#{primary.pk} Do you sell gift vouchers?</a>' in attached_page


@pytest.mark.django_db
@pytest.mark.parametrize("which", [0, 1], ids=["primary", "attached"])
def test_answering_in_admin_answers_the_group(admin_client, group, which):
    response = answer(admin_client, HelpRequest.objects.get(pk=group[which]["id"]), "Yes, at the desk.")

    assert response.status_code == 302
    assert set(HelpRequest.objects.values_list("status", flat=True)) == {"resolved"}
    assert any("and so are the 2 request(s) asking the same" in text for text in flashed(response))


# --- races (PostgreSQL) -------------------------------------------------------------------------

on_postgresql = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="real concurrency needs PostgreSQL")


@pytest.mark.django_db(transaction=True)
@on_postgresql
def test_callers_asking_the_same_at_once_give_one_alert(salon, api_token):
    wordings = ["Do you sell gift vouchers?", "Can I buy a gift card?", "do you guys sell gift cards"]

    def ask(index: int) -> int:
        body = {"question": wordings[index % len(wordings)], "caller_phone": f"+1415555016{index}"}
        return ApiClient(api_token).post("/api/v1/help-requests", body).status_code

    assert run_together(6, ask) == [201] * 6

    assert alerts() == 1
    primaries = HelpRequest.objects.filter(duplicate_of__isnull=True)
    assert primaries.count() == 1 and primaries.get().duplicates.count() == 5
    assert connection.vendor == "postgresql"


@pytest.mark.django_db(transaction=True)
@on_postgresql
def test_a_caller_asking_while_the_group_is_answered_is_never_left_waiting(salon):
    for _ in range(5):
        primary = services.create_help_request(question="Is there parking close by?", caller_phone=ANA).help_request

        def work(index: int, primary_id: int = primary.pk):
            if index == 0:
                return services.resolve_help_request(primary_id, answer="Yes, behind the salon.", learn=False)
            return services.create_help_request(question="Is there parking near the salon?", caller_phone=BEN)

        _, created = run_together(2, work)

        late = HelpRequest.objects.get(pk=created.help_request.pk)
        if late.duplicate_of_id:  # joined in time: answered with the group
            assert late.status == "resolved" and kinds(late.pk) == ["caller_followup"]
        else:  # came after the answer: a request of its own, and a supervisor was told
            assert late.status == "pending" and kinds(late.pk) == ["supervisor_alert"]
        HelpRequest.objects.filter(status="pending").update(status="resolved")  # a clean slate for the next round
