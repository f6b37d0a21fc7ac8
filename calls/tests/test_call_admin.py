"""Calls in the supervisor console: list, filters, search, the transcript and the help requests
of a call (read-only, each linked), and ending a stale call through the service."""

import pytest
from django.urls import reverse

from calls.models import Call
from calls.tests.support import add_owner, ask_during_call, resolve, start_call
from outbound.models import WebhookDelivery

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:calls_call_changelist")


@pytest.fixture
def recorded_call(api) -> dict:
    """A call with a transcript, one question answered and told in the call, one still open."""
    add_owner()
    call = start_call(api, caller_name="Ana Diaz")
    api.post(f"/api/v1/calls/{call['id']}/transcript", {"role": "caller", "text": "Is there parking nearby?"})
    api.post(f"/api/v1/calls/{call['id']}/transcript", {"role": "agent", "text": "Let me check with my supervisor."})
    told = ask_during_call(api, call["id"], "Is there parking near the salon?")
    resolve(api, told["id"], "Yes, the garage on Clay Street.")
    api.post(f"/api/v1/calls/{call['id']}/answers-delivered", {"help_request_id": told["id"]})
    waiting = ask_during_call(api, call["id"], "Is it okay to bring my dog along to my appointment?")
    return {**call, "told": told["id"], "waiting": waiting["id"]}


def test_the_call_page_shows_its_transcript_and_linked_help_requests(admin_client, recorded_call):
    page = admin_client.get(reverse("admin:calls_call_change", args=[recorded_call["id"]]))

    assert page.status_code == 200
    html = page.content.decode()
    assert "Is there parking nearby?" in html and "Let me check with my supervisor." in html
    for help_request_id in (recorded_call["told"], recorded_call["waiting"]):
        assert reverse("admin:helprequests_helprequest_change", args=[help_request_id]) in html
    assert "Yes, the garage on Clay Street." in html
    assert 'name="transcript-0-text"' not in html  # read-only: shown, not editable


def test_the_list_filters_by_status_and_channel_and_searches_the_transcript(admin_client, recorded_call, api):
    other = start_call(api, room="sip-room-2", caller_phone="+14155550199")
    api.post(f"/api/v1/calls/{other['id']}/end", {"reason": "goodbye"})

    def ids(query: str) -> set[int]:
        response = admin_client.get(CHANGELIST + query)
        assert response.status_code == 200
        return {call.pk for call in response.context["cl"].result_list}

    assert ids("") == {recorded_call["id"], other["id"]}
    assert ids("?status__exact=ended") == {other["id"]}
    assert ids("?channel__exact=phone&status__exact=active") == {recorded_call["id"]}
    assert ids("?q=parking") == {recorded_call["id"]}
    assert ids("?q=Ana") == {recorded_call["id"]}


def test_staff_can_end_a_call_the_worker_never_ended(admin_client, recorded_call, api):
    api.post("/api/v1/webhook-endpoints", {"url": "http://127.0.0.1:9/hooks", "events": ["call.ended"]})
    response = admin_client.post(
        CHANGELIST, {"action": "end_selected_calls", "_selected_action": [recorded_call["id"]]}, follow=True
    )

    assert response.status_code == 200
    call = Call.objects.get(pk=recorded_call["id"])
    assert call.status == "ended" and call.end_reason == "ended_by_staff"
    assert WebhookDelivery.objects.filter(type="call.ended").count() == 1


def test_calls_are_not_added_or_deleted_by_hand(admin_client, recorded_call):
    assert admin_client.get(reverse("admin:calls_call_add")).status_code == 403
    assert admin_client.get(reverse("admin:calls_call_delete", args=[recorded_call["id"]])).status_code == 403
