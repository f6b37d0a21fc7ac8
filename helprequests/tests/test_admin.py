"""The admin console: answering goes through the service, and nothing is changed by hand."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.messages import get_messages
from django.urls import reverse

from helprequests import services
from helprequests.admin.requests import HelpRequestAdmin
from helprequests.models import HelpRequest, HelpRequestEvent, Supervisor
from knowledge.models import KnowledgeEntry
from outbound.models import Message, WebhookEndpoint
from outbound.sms import InMemoryBackend

CALLER = "+14155550150"
CHANGELIST = reverse("admin:helprequests_helprequest_changelist")


def change_url(help_request: HelpRequest) -> str:
    return reverse("admin:helprequests_helprequest_change", args=[help_request.pk])


@pytest.fixture
def owner(db) -> Supervisor:
    return Supervisor.objects.create(name="Maya Chen", phone="+14155550101", is_owner=True)


@pytest.fixture
def ask(owner):
    def ask(question: str, **kwargs) -> HelpRequest:
        return services.create_help_request(question=question, caller_phone=CALLER, **kwargs).help_request

    return ask


def answer(client, help_request: HelpRequest, text: str, *, learn: bool = True):
    """Post the change page as a browser would: the answer plus the inlines' management forms."""
    page = client.get(change_url(help_request))
    assert page.status_code == 200
    data = {"answer_text": text}
    if learn:
        data["learn"] = "on"
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({management.add_prefix(name): management[name].value() for name in management.fields})
    return client.post(change_url(help_request), data)


def flashed(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.mark.django_db
def test_changelist_lists_pending_then_most_urgent_then_oldest(admin_client, ask):
    low = ask("Do you sell gift vouchers?")
    urgent = ask("My scalp is burning after the color, is that an allergic reaction?")
    done = ask("Is there parking close by?")
    services.resolve_help_request(done.pk, answer="Yes, behind the salon.", learn=False)

    response = admin_client.get(CHANGELIST)

    assert response.status_code == 200
    assert [row.pk for row in response.context["cl"].result_list] == [urgent.pk, low.pk, done.pk]


@pytest.mark.django_db
def test_changelist_can_be_sorted_by_a_column(admin_client, ask):
    first = ask("Do you sell gift vouchers?")
    second = ask("Is there parking close by?")
    column = HelpRequestAdmin.list_display.index("id")

    response = admin_client.get(CHANGELIST, {"o": f"-{column}"})

    assert [row.pk for row in response.context["cl"].result_list] == [second.pk, first.pk]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["status__exact=pending", "priority__exact=urgent", "assigned_supervisor__id__exact={owner}"]
)
def test_changelist_filters(admin_client, ask, owner, query):
    urgent = ask("My scalp is burning after the color, is that an allergic reaction?")
    done = ask("Is there parking close by?")
    services.resolve_help_request(done.pk, answer="Yes.", learn=False)
    HelpRequest.objects.filter(pk=done.pk).update(assigned_supervisor=None)

    response = admin_client.get(f"{CHANGELIST}?{query.format(owner=owner.pk)}")

    assert response.status_code == 200
    assert [row.pk for row in response.context["cl"].result_list] == [urgent.pk]


@pytest.mark.django_db
@pytest.mark.parametrize("term", ["gift", CALLER, "Dana"])
def test_changelist_search(admin_client, ask, term):
    wanted = ask("Do you sell gift vouchers?", caller_name="Dana")
    other = ask("Is there parking close by?")
    HelpRequest.objects.filter(pk=other.pk).update(caller_phone="+14155550199")

    response = admin_client.get(CHANGELIST, {"q": term})

    assert [row.pk for row in response.context["cl"].result_list] == [wanted.pk]


@pytest.mark.django_db
def test_search_finds_answers(admin_client, ask):
    wanted = ask("Is there parking close by?")
    ask("Do you sell gift vouchers?")
    services.resolve_help_request(wanted.pk, answer="Free parking behind the salon.", learn=False)

    response = admin_client.get(CHANGELIST, {"q": "behind"})

    assert [row.pk for row in response.context["cl"].result_list] == [wanted.pk]


@pytest.mark.django_db
def test_answering_resolves_through_the_service_and_learns(admin_client, admin_user, ask, owner):
    owner.user = admin_user
    owner.save()
    help_request = ask("Do you sell gift vouchers?")

    response = answer(admin_client, help_request, "Yes, in any amount at the front desk.")

    assert response.status_code == 302
    assert response.url == CHANGELIST
    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.RESOLVED
    assert help_request.answer == "Yes, in any amount at the front desk."
    assert help_request.answered_by == owner
    followup = Message.objects.get(help_request_id=help_request.pk, kind=Message.Kind.CALLER_FOLLOWUP)
    assert followup.to == CALLER
    entry = KnowledgeEntry.objects.get(help_request_id=help_request.pk)
    assert entry.source == KnowledgeEntry.Source.LEARNED
    assert help_request.knowledge_entry == entry
    event = help_request.events.get(to_status=HelpRequest.Status.RESOLVED)
    assert event.actor == f"user:{admin_user.get_username()}"
    assert any("is resolved" in text for text in flashed(response))
    assert LogEntry.objects.filter(object_id=str(help_request.pk)).count() == 1


@pytest.mark.django_db
def test_answering_without_learning_adds_no_knowledge(admin_client, ask):
    help_request = ask("Do you sell gift vouchers?")

    answer(admin_client, help_request, "Yes, at the front desk.", learn=False)

    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.RESOLVED
    assert help_request.answered_by is None  # this login is not linked to a supervisor
    assert Message.objects.filter(help_request_id=help_request.pk, kind=Message.Kind.CALLER_FOLLOWUP).exists()
    assert not KnowledgeEntry.objects.filter(help_request_id=help_request.pk).exists()


@pytest.mark.django_db
def test_answering_a_resolved_request_shows_the_conflict_and_changes_nothing(admin_client, ask, owner):
    help_request = ask("Do you sell gift vouchers?")
    services.resolve_help_request(help_request.pk, answer="Yes.", supervisor=owner, learn=False)
    before = HelpRequest.objects.values().get(pk=help_request.pk)
    events, texts, entries = HelpRequestEvent.objects.count(), Message.objects.count(), KnowledgeEntry.objects.count()

    response = answer(admin_client, help_request, "No, sorry.")

    assert response.status_code == 302
    assert response.url == change_url(help_request)
    assert flashed(response) == [
        f"Help request {help_request.pk} is already resolved by Maya Chen; nothing was sent again."
    ]
    assert HelpRequest.objects.values().get(pk=help_request.pk) == before
    assert (HelpRequestEvent.objects.count(), Message.objects.count(), KnowledgeEntry.objects.count()) == (
        events,
        texts,
        entries,
    )
    assert not LogEntry.objects.exists()


@pytest.mark.django_db
def test_saving_without_an_answer_changes_nothing(admin_client, ask):
    help_request = ask("Do you sell gift vouchers?")
    before = HelpRequest.objects.values().get(pk=help_request.pk)

    response = answer(admin_client, help_request, "   ")

    assert response.status_code == 302
    assert HelpRequest.objects.values().get(pk=help_request.pk) == before
    assert flashed(response) == ["No answer was given, so nothing changed."]


@pytest.mark.django_db
def test_change_page_shows_the_answer_form_only_while_answerable(admin_client, ask):
    help_request = ask("Do you sell gift vouchers?")
    assert b'name="answer_text"' in admin_client.get(change_url(help_request)).content

    services.resolve_help_request(help_request.pk, answer="Yes.", learn=False)
    page = admin_client.get(change_url(help_request))

    assert b'name="answer_text"' not in page.content
    assert b'name="_save"' not in page.content
    assert b"Yes." in page.content


@pytest.mark.django_db
def test_help_requests_cannot_be_added_or_deleted_in_admin(admin_client, ask):
    help_request = ask("Do you sell gift vouchers?")

    assert admin_client.get(reverse("admin:helprequests_helprequest_add")).status_code == 403
    delete = reverse("admin:helprequests_helprequest_delete", args=[help_request.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert HelpRequest.objects.filter(pk=help_request.pk).exists()


@pytest.mark.django_db
def test_send_again_requeues_failed_texts_only(admin_client, ask, django_capture_on_commit_callbacks):
    help_request = ask("Do you sell gift vouchers?")
    failed = Message.objects.create(
        to=CALLER,
        body="Hi",
        kind=Message.Kind.CALLER_FOLLOWUP,
        status=Message.Status.FAILED,
        attempts=5,
        last_error="boom",
    )
    sent = Message.objects.create(to=CALLER, body="Hi", kind=Message.Kind.CALLER_FOLLOWUP, status=Message.Status.SENT)
    InMemoryBackend.sent_texts.clear()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = admin_client.post(
            reverse("admin:outbound_message_changelist"),
            {"action": "send_again", "_selected_action": [failed.pk, sent.pk]},
        )

    assert response.status_code == 302
    assert len(callbacks) == 1
    failed.refresh_from_db()
    assert failed.status == Message.Status.SENT  # tasks run eagerly in tests
    assert failed.attempts == 1
    assert [text.to for text in InMemoryBackend.sent_texts] == [CALLER]
    assert Message.objects.filter(help_request_id=help_request.pk).count() == 1  # the alert to the owner; untouched


@pytest.mark.django_db
def test_supervisor_changelist_counts_open_requests(admin_client, ask, owner):
    ask("Do you sell gift vouchers?")
    ask("Is there parking close by?")

    response = admin_client.get(reverse("admin:helprequests_supervisor_changelist"))

    assert response.status_code == 200
    assert [row.open_requests for row in response.context["cl"].result_list] == [2]


@pytest.mark.django_db
def test_supervisor_availability_is_editable_in_the_list(admin_client, owner):
    response = admin_client.post(
        reverse("admin:helprequests_supervisor_changelist"),
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(owner.pk),
            "_save": "Save",
        },
    )

    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.available is False


@pytest.mark.django_db
def test_supervisor_phone_is_stored_as_e164(admin_client):
    response = admin_client.post(
        reverse("admin:helprequests_supervisor_add"),
        {
            "name": "Leo Park",
            "phone": "(415) 555-0102",
            "email": "",
            "expertise": "Color, products",
        },
    )

    assert response.status_code == 302
    leo = Supervisor.objects.get(name="Leo Park")
    assert (leo.phone, leo.expertise) == ("+14155550102", ["color", "products"])


@pytest.mark.django_db
def test_webhook_secret_is_shown_on_the_change_page_only(admin_client):
    add = admin_client.get(reverse("admin:outbound_webhookendpoint_add"))
    assert add.status_code == 200
    assert b"whsec_" not in add.content

    response = admin_client.post(
        reverse("admin:outbound_webhookendpoint_add"),
        {
            "url": "https://example.com/hooks",
            "events": ["help_request.resolved"],
            "active": "on",
        },
    )
    assert response.status_code == 302
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["help_request.resolved"]
    page = admin_client.get(reverse("admin:outbound_webhookendpoint_change", args=[endpoint.pk]))
    assert endpoint.secret.encode() in page.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "outbound_message",
        "outbound_optout",
        "outbound_webhookdelivery",
        "outbound_webhookendpoint",
        "helprequests_supervisor",
        "helprequests_helprequest",
        "helprequests_inboundtext",
    ],
)
def test_other_changelists_load(admin_client, ask, name):
    ask("Do you sell gift vouchers?")
    assert admin_client.get(reverse(f"admin:{name}_changelist")).status_code == 200


@pytest.mark.django_db
def test_knowledge_admin_shows_provenance_and_deactivates(admin_client, ask):
    help_request = ask("Do you sell gift vouchers?")
    services.resolve_help_request(help_request.pk, answer="Yes, at the front desk.")
    entry = KnowledgeEntry.objects.get(help_request_id=help_request.pk)
    changelist = reverse("admin:knowledge_knowledgeentry_changelist")

    page = admin_client.get(changelist, {"source__exact": "learned"})
    assert f"Help request #{help_request.pk}".encode() in page.content  # by number: knowledge knows no help requests
    request_page = admin_client.get(reverse("admin:helprequests_helprequest_change", args=[help_request.pk]))
    assert reverse("admin:knowledge_knowledgeentry_change", args=[entry.pk]).encode() in request_page.content

    admin_client.post(changelist, {"action": "deactivate", "_selected_action": [entry.pk]})
    entry.refresh_from_db()
    assert entry.active is False
    # No salon profile in this database: the profile page first asks to set one up.
    page = admin_client.get(reverse("admin:knowledge_salonprofile_changelist"), follow=True)
    assert page.status_code == 200 and b"Set up my salon" in page.content
