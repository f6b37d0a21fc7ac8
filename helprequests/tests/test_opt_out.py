"""STOP means no more texts: an opt-out from any number, kept until START (issue 13).

Twilio's opt-out words, texted alone, record an opt-out for the number; from then on every text
to it (a caller's answer, a supervisor's alert, a console reply, one queued before the STOP)
is stored with status `skipped` and never handed to the SMS backend. Opt-in words lift it.
HELP or INFO gets the salon's name and phone.
"""

import pytest

from helprequests import services
from helprequests.models import HelpRequest, InboundText
from helprequests.tests.support_salon import CALLER, open_all_hours
from helprequests.tests.support_sms import reply_of
from outbound.delivery import deliver_message
from outbound.models import Message, OptOut
from outbound.outbox import queue_text

pytestmark = pytest.mark.django_db

MAYA = "+14155550101"


@pytest.fixture
def salon(salon):
    """The seeded salon, open all hours: what these tests count must not depend on the hour they run."""
    open_all_hours()


@pytest.fixture
def asked(salon) -> HelpRequest:
    return services.create_help_request(question="Do you sell gift vouchers?", caller_phone=CALLER).help_request


@pytest.mark.parametrize(
    "body", ["STOP", "stop", "  Stop \n", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE"]
)
def test_an_opt_out_word_records_the_opt_out_and_texts_nothing_back(asked, text, body):
    assert reply_of(text(CALLER, body)) is None  # Twilio confirms the opt-out itself
    assert OptOut.objects.get().phone == CALLER
    assert InboundText.objects.get().kind == "opt_out"


@pytest.mark.parametrize("body", ["stop texting me about my color", "Please stop.", "STOP!"])
def test_only_the_word_alone_is_an_opt_out(asked, text, body):
    text(CALLER, body)
    assert not OptOut.objects.exists()
    assert InboundText.objects.get().kind == "caller"


def test_after_stop_the_callers_answer_is_stored_as_skipped_and_never_sent(api, asked, text, sent_texts):
    text(CALLER, "STOP")
    sent_texts.clear()

    resolved = api.post(f"/api/v1/help-requests/{asked.pk}/resolve", {"answer": "Yes, at the desk.", "learn": False})

    assert resolved.status_code == 200
    followup = Message.objects.get(kind="caller_followup")
    assert deliver_message(followup.pk) is None  # what the worker does (eager in tests: already done)
    followup.refresh_from_db()
    assert followup.status == "skipped" and "opted out" in followup.last_error
    assert [sent.to for sent in sent_texts] == []
    listed = api.get(f"/api/v1/messages?to={CALLER.replace('+', '%2B')}").data["items"]
    assert [(item["kind"], item["status"]) for item in listed] == [("caller_followup", "skipped")]


def test_a_supervisor_who_texted_stop_gets_no_alerts(salon, text, sent_texts, django_capture_on_commit_callbacks):
    text(MAYA, "STOP")  # Maya, the owner, gets every request no expert claims
    sent_texts.clear()
    with django_capture_on_commit_callbacks(execute=True):
        help_request = services.create_help_request(
            question="My scalp is burning after my color!", caller_phone=CALLER
        ).help_request
    alert = Message.objects.get(help_request_id=help_request.pk, kind="supervisor_alert")
    assert (alert.to, alert.status) == (MAYA, "skipped") and sent_texts == []


def test_a_text_queued_before_the_stop_is_not_sent_after_it(asked, text, sent_texts):
    waiting = queue_text(CALLER, "Your appointment is confirmed.", kind="caller_followup")  # not yet delivered
    text(CALLER, "STOP")
    sent_texts.clear()
    deliver_message(waiting.pk)
    waiting.refresh_from_db()
    assert waiting.status == "skipped" and sent_texts == []


@pytest.mark.parametrize("word", ["START", "start", "UNSTOP", "Yes"])
def test_an_opt_in_word_lifts_the_opt_out_and_texts_flow_again(
    api, asked, text, sent_texts, word, django_capture_on_commit_callbacks
):
    text(CALLER, "STOP")
    assert reply_of(text(CALLER, word)) is None  # Twilio confirms the opt-in itself
    assert not OptOut.objects.exists()
    assert InboundText.objects.order_by("-pk").first().kind == "opt_in"

    sent_texts.clear()
    with django_capture_on_commit_callbacks(execute=True):
        api.post(f"/api/v1/help-requests/{asked.pk}/resolve", {"answer": "Yes.", "learn": False})
    assert Message.objects.get(kind="caller_followup").status == "sent"
    assert [sent.to for sent in sent_texts] == [CALLER]


def test_yes_from_a_number_that_never_opted_out_is_an_ordinary_text(salon, text):
    """A supervisor's "Yes" answers her only pending request; it opts nobody in to anything."""
    asked = services.create_help_request(question="Do you do hair tinsel?", caller_phone=CALLER).help_request
    HelpRequest.objects.filter(pk=asked.pk).update(assigned_supervisor=services.choose_supervisor("urgent", []))

    assert reply_of(text(MAYA, "Yes")).startswith("Thanks Maya")
    assert InboundText.objects.get().kind == "supervisor_reply"


@pytest.mark.parametrize("sender", [CALLER, "+14155550199", MAYA])
@pytest.mark.parametrize("word", ["HELP", "info"])
def test_help_gets_the_salons_name_and_phone_from_anyone(asked, text, sender, word):
    reply = reply_of(text(sender, word))
    assert reply == "This is Glow & Shear Salon. Call us at +14155550142. Reply STOP to stop texts."
    assert InboundText.objects.get().outcome == "help"
    assert HelpRequest.objects.count() == 1  # HELP is no question for a supervisor


def test_an_opted_out_number_is_texted_back_nothing_at_all(asked, text):
    text(CALLER, "STOP")
    assert reply_of(text(CALLER, "HELP")) is None
    assert reply_of(text(CALLER, "Can I book a blowout on Saturday?")) is None  # still opens a request
    assert HelpRequest.objects.count() == 2


def test_a_second_stop_changes_nothing(asked, text):
    text(CALLER, "STOP")
    text(CALLER, "QUIT")
    assert OptOut.objects.get().keyword == "STOP"
    assert list(InboundText.objects.values_list("kind", flat=True)) == ["opt_out", "opt_out"]


def test_staff_see_opt_outs_and_skipped_texts_in_admin(admin_client, asked, text, api):
    text(CALLER, "STOP")
    api.post(f"/api/v1/help-requests/{asked.pk}/resolve", {"answer": "Yes.", "learn": False})

    opt_outs = admin_client.get("/admin/outbound/optout/")
    assert opt_outs.status_code == 200 and CALLER.encode() in opt_outs.content
    skipped = admin_client.get("/admin/outbound/message/?status__exact=skipped")
    assert skipped.status_code == 200 and b"caller_followup" in skipped.content
    assert admin_client.get("/admin/outbound/optout/add/").status_code == 403
