"""A call's help requests are found by the call id they carry (`HelpRequest.call_id`, a plain id
since helprequests sits below calls): read for a whole list in one query, and left in place,
without a call, when the call is deleted (what the foreign key's SET_NULL did)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from calls.models import Call
from calls.tests.support import add_owner, ask_during_call, start_call
from helprequests.models import HelpRequest

pytestmark = pytest.mark.django_db


def _queries(read) -> int:
    with CaptureQueriesContext(connection) as queries:
        read()
    return len(queries)


def _calls_with_questions(api, how_many: int, first: int = 0) -> list[dict]:
    calls = []
    for n in range(first, first + how_many):
        call = start_call(api, room=f"room-{n}")
        ask_during_call(api, call["id"], f"Is there parking near the salon for {n} cars?")
        calls.append(call)
    return calls


def test_a_list_of_calls_reads_their_help_requests_in_one_query(api, admin_client):
    add_owner()
    _calls_with_questions(api, 2)
    listed = {
        "api": lambda: api.get("/api/v1/calls"),
        "admin": lambda: admin_client.get(reverse("admin:calls_call_changelist")),
        "console": lambda: admin_client.get(reverse("console:call-items")),
    }
    before = {name: _queries(read) for name, read in listed.items()}

    _calls_with_questions(api, 3, first=2)

    assert {name: _queries(read) for name, read in listed.items()} == before


def test_each_call_lists_the_help_requests_asked_on_it(api):
    add_owner()
    first, second = _calls_with_questions(api, 2)
    items = {call["id"]: call["help_request_ids"] for call in api.get("/api/v1/calls").data["items"]}

    for call in (first, second):
        asked = list(HelpRequest.objects.filter(call_id=call["id"]).values_list("pk", flat=True))
        assert items[call["id"]] == asked and len(asked) == 1


def test_a_deleted_call_leaves_its_help_requests_without_a_call(api):
    add_owner()
    call = start_call(api)
    asked = ask_during_call(api, call["id"])

    Call.objects.filter(pk=call["id"]).delete()

    assert HelpRequest.objects.get(pk=asked["id"]).call_id is None
    assert api.get(f"/api/v1/help-requests/{asked['id']}").data["call_id"] is None
