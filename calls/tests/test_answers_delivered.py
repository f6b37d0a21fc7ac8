"""Hold-on-call, the record: the agent reports that it told the caller a supervisor's answer
during the call; the report is kept once, linked to the caller's follow-up text."""

from datetime import datetime, timedelta

import pytest

from calls import services
from calls.models import CallAnswerDelivery
from calls.tests.support import add_owner, ask_during_call, resolve, start_call
from outbound.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(api):
    add_owner()
    return start_call(api)


def report(api, call_id: int, help_request_id: int):
    return api.post(f"/api/v1/calls/{call_id}/answers-delivered", {"help_request_id": help_request_id})


def test_a_told_answer_is_recorded_against_the_follow_up_text(api, call):
    asked = ask_during_call(api, call["id"])
    resolve(api, asked["id"])

    response = report(api, call["id"], asked["id"])

    assert response.status_code == 200
    assert response.data["call_id"] == call["id"] and response.data["help_request_id"] == asked["id"]
    followup = Message.objects.get(help_request_id=asked["id"], kind="caller_followup")
    assert response.data["followup_message_id"] == followup.pk
    recorded = CallAnswerDelivery.objects.get().delivered_at
    assert abs(datetime.fromisoformat(response.data["delivered_at"]) - recorded) < timedelta(milliseconds=1)
    followup.refresh_from_db()
    assert followup.delivered_in_call_at == recorded
    listed = api.get(f"/api/v1/messages?help_request_id={asked['id']}&kind=caller_followup").data["items"][0]
    assert listed["delivered_in_call_at"] is not None


def test_a_retried_report_returns_the_first_record(api, call):
    asked = ask_during_call(api, call["id"])
    resolve(api, asked["id"])
    first = report(api, call["id"], asked["id"]).data
    assert report(api, call["id"], asked["id"]).data == first
    assert CallAnswerDelivery.objects.count() == 1


def test_a_question_still_waiting_has_nothing_to_deliver(api, call):
    asked = ask_during_call(api, call["id"])
    response = report(api, call["id"], asked["id"])
    assert response.status_code == 409 and "pending" in response.data["detail"]


def test_only_questions_of_this_call_can_be_reported(api, call):
    other_call = start_call(api, room="another-room")
    asked = ask_during_call(api, other_call["id"])
    resolve(api, asked["id"])

    wrong_call = report(api, call["id"], asked["id"])
    assert wrong_call.status_code == 422 and f"call {call['id']}" in wrong_call.data["detail"]
    unknown = report(api, call["id"], 999)
    assert unknown.status_code == 422 and "no help request with id 999" in unknown.data["detail"]
    assert api.post(f"/api/v1/calls/{call['id']}/answers-delivered", {}).status_code == 422


def test_the_answers_missed_are_the_resolved_undelivered_ones(api, call):
    told = ask_during_call(api, call["id"], "Is there parking near the salon?")
    missed = ask_during_call(api, call["id"], "Is it okay to bring my dog along to my appointment?")
    ask_during_call(api, call["id"], "Do you offer scalp massages with a wash?")  # still pending
    resolve(api, told["id"], "Yes, on Clay Street.")
    resolve(api, missed["id"], "Small dogs are welcome.")
    report(api, call["id"], told["id"])

    assert services.undelivered_answers(call["id"]) == [
        {
            "type": "help_request.resolved",
            "help_request_id": missed["id"],
            "call_id": call["id"],
            "answer": "Small dogs are welcome.",
        }
    ]
