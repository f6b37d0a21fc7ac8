"""Texts from callers and strangers: every signed text is kept, whoever sent it (issue 13).

A caller's text (a number that asked before) is kept with their history; a new question in it
becomes a help request exactly as one asked on the phone (same triage, routing and alert), while
a mere "thanks" opens nothing. A stranger's text is kept and never answered. The texts are listed
at GET /api/v1/inbound-texts. Texts are signed by twilio-python's RequestValidator (conftest.py).
"""

import pytest
from django.db import connection
from django.test import override_settings

from helprequests import inbound_sms, services
from helprequests.inbound_sms import IncomingText, asks_something, receive_text
from helprequests.messages import answer_expected, supervisor_alert
from helprequests.models import HelpRequest, InboundText
from helprequests.tests.support_salon import CALLER
from helprequests.tests.support_sms import TWILIO_TOKEN, reply_of
from helprequests.tests.test_races import run_together
from helprequests.triage import triage
from knowledge.opening_hours import Calendar
from outbound.models import Message

pytestmark = pytest.mark.django_db

STRANGER = "+14155550199"


@pytest.fixture
def ana(salon) -> HelpRequest:
    """Ana asked on the phone yesterday and was answered: her number is a known caller's."""
    asked = services.create_help_request(
        question="Do you sell gift vouchers?", caller_phone=CALLER, caller_name="Ana Diaz"
    ).help_request
    return services.resolve_help_request(asked.pk, answer="Yes, any amount.", learn=False)


# --- A caller's new question ---------------------------------------------------------------------


def test_a_callers_new_question_becomes_a_help_request_like_a_phone_question(ana, text, sent_texts):
    question = "Thanks! Can I also book a blowout on Saturday?"
    sent_texts.clear()

    reply = reply_of(text(CALLER, question))

    new = HelpRequest.objects.exclude(pk=ana.pk).get()
    assert (new.question, new.caller_phone, new.caller_name) == (question, CALLER, "Ana Diaz")
    expected = triage(question)
    assert (new.priority, new.tags) == (expected.priority, expected.tags)
    assert new.assigned_supervisor == services.choose_supervisor(expected.priority, expected.tags)
    alert = Message.objects.get(help_request_id=new.pk, kind="supervisor_alert")
    assert alert.to == new.assigned_supervisor.phone
    assert alert.body == supervisor_alert(new, new.assigned_supervisor)
    assert [sent.to for sent in sent_texts] == [new.assigned_supervisor.phone]  # the caller's reply is the TwiML
    assert new.events.get().actor == "sms:caller"
    assert reply == (
        "Hi Ana, this is Glow & Shear Salon. Thanks for your question; we've passed it to our team and will "
        "text you the answer as soon as we can. " + answer_expected(new, Calendar.current())
    )
    record = InboundText.objects.get()
    assert (record.kind, record.outcome, record.help_request, record.from_phone) == (
        "caller",
        "new_request",
        new,
        CALLER,
    )


@pytest.mark.parametrize(
    "body", ["Thanks!", "ok great, thank you", "Great thank you so much 👍", "thx", "Perfect, see you soon!", "  "]
)
def test_a_mere_thanks_is_kept_but_opens_no_request_and_gets_no_reply(ana, text, sent_texts, body):
    sent_texts.clear()
    assert reply_of(text(CALLER, body)) is None
    assert HelpRequest.objects.count() == 1 and sent_texts == []
    record = InboundText.objects.get()
    assert (record.kind, record.outcome, record.body, record.help_request) == ("caller", "kept", body, None)


@pytest.mark.parametrize(
    ("body", "asks"),
    [
        ("Thanks! Can I also book a blowout on Saturday?", True),
        ("Do you have parking", True),
        ("I'd like to move my appointment to 3pm", True),
        ("My scalp is burning", True),
        ("See you Saturday!", True),  # not only courtesy: a person reads it rather than nobody
        ("Thank you!!", False),
        ("OK 👍", False),
        ("Yes thanks, that's perfect", False),
        ("Hi, thank you so much, have a good day", False),
    ],
)
def test_a_text_asks_something_when_anything_beyond_courtesy_is_in_it(body, asks):
    assert asks_something(body) is asks


def test_an_urgent_text_alerts_the_owner_as_an_urgent_call_would(ana, text):
    reply_of(text(CALLER, "My scalp is burning after the color yesterday, what do I do?"))
    new = HelpRequest.objects.exclude(pk=ana.pk).get()
    assert new.priority == "urgent" and new.assigned_supervisor.is_owner


def test_a_caller_texting_the_same_question_twice_joins_the_first_request(ana, text):
    reply_of(text(CALLER, "Can I bring my dog to my appointment?"))
    reply_of(text(CALLER, "can i bring my dog to my appointment"))
    first, second = HelpRequest.objects.exclude(pk=ana.pk).order_by("pk")
    assert second.duplicate_of == first
    assert Message.objects.filter(kind="supervisor_alert", help_request_id__in=[first.pk, second.pk]).count() == 1


def test_a_retried_text_opens_one_request_and_repeats_the_first_reply(ana, text):
    first = reply_of(text(CALLER, "Do you do keratin treatments?", sid="SMretry"))
    again = reply_of(text(CALLER, "Do you do keratin treatments?", sid="SMretry"))
    assert first == again and first.startswith("Hi Ana")
    assert HelpRequest.objects.count() == 2 and InboundText.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="real concurrency needs PostgreSQL")
def test_two_copies_of_a_text_racing_store_one_row_and_open_one_request(salon):
    services.create_help_request(question="Do you sell gift vouchers?", caller_phone=CALLER, caller_name="Ana")
    copy = IncomingText(message_sid="SMrace", sender=CALLER, body="Do you do keratin treatments?")

    with override_settings(TWILIO_AUTH_TOKEN=TWILIO_TOKEN):
        replies = run_together(4, lambda _: receive_text(copy))

    assert len(set(replies)) == 1 and replies[0].startswith("Hi Ana")
    assert InboundText.objects.filter(message_sid="SMrace").count() == 1
    assert HelpRequest.objects.filter(question="Do you do keratin treatments?").count() == 1
    assert connection.vendor == "postgresql"


# --- Strangers ---------------------------------------------------------------------------------


def test_a_text_from_an_unknown_number_is_kept_and_never_answered(salon, text, sent_texts):
    assert reply_of(text(STRANGER, "Hi, do you do wedding hair? How much?")) is None
    assert not HelpRequest.objects.exists() and sent_texts == [] and not Message.objects.exists()
    record = InboundText.objects.get()
    assert (record.from_phone, record.kind, record.outcome) == (STRANGER, "unknown", "kept")


def test_a_number_is_known_once_it_has_asked_a_help_request(salon, text):
    text(STRANGER, "Hello?")
    services.create_help_request(question="Is there parking close by?", caller_phone=STRANGER)
    text(STRANGER, "Thanks")
    assert list(InboundText.objects.order_by("pk").values_list("kind", flat=True)) == ["unknown", "caller"]


@pytest.fixture
def console_events(monkeypatch) -> list[dict]:
    """What `to_console` was told (its delivery over the channel layer: test_console_events.py)."""
    events: list[dict] = []
    monkeypatch.setattr(
        inbound_sms,
        "to_console",
        lambda kind, action, data: events.append({"kind": kind, "action": action, "data": data}),
    )
    return events


def test_the_console_hears_of_every_text(salon, text, console_events):
    text(STRANGER, "Hello?")
    [event] = [event for event in console_events if event["kind"] == "inbound_text"]
    record = InboundText.objects.get()
    assert event["action"] == "received"
    assert event["data"] == {
        "id": record.pk,
        "from": STRANGER,
        "kind": "unknown",
        "outcome": "kept",
        "help_request_id": None,
    }


# --- GET /api/v1/inbound-texts -------------------------------------------------------------------


def test_the_api_lists_every_text_newest_first_in_the_contracts_shape(api, ana, text):
    text(CALLER, "Thanks!")
    text(STRANGER, "Who is this?")
    text("+14155550101", f"#{ana.pk} Yes.")  # Maya, a supervisor
    text(STRANGER, "STOP")

    page = api.get("/api/v1/inbound-texts").data

    assert page["count"] == 4
    assert [(item["from"], item["kind"]) for item in page["items"]] == [
        (STRANGER, "opt_out"),
        ("+14155550101", "supervisor_reply"),
        (STRANGER, "unknown"),
        (CALLER, "caller"),
    ]
    assert set(page["items"][1]) == {"id", "from", "body", "kind", "help_request_id", "created_at"}
    assert page["items"][1]["help_request_id"] == ana.pk and page["items"][1]["body"] == f"#{ana.pk} Yes."


def test_the_api_filters_by_sender_in_any_spelling_and_by_kind_and_paginates(api, ana, text):
    text(CALLER, "Thanks!")
    text(CALLER, "Do you do keratin treatments?")
    text(STRANGER, "Who is this?")

    by_caller = api.get("/api/v1/inbound-texts?from=(415) 555-0150").data
    assert by_caller["count"] == 2 and {item["from"] for item in by_caller["items"]} == {CALLER}
    unknown = api.get("/api/v1/inbound-texts?kind=unknown").data
    assert [item["from"] for item in unknown["items"]] == [STRANGER]
    unencoded_plus = api.get("/api/v1/inbound-texts?from=+14155550199").data  # "+" read as a space
    assert unencoded_plus["count"] == 1
    page = api.get("/api/v1/inbound-texts?limit=1&offset=1").data
    assert page["count"] == 3 and len(page["items"]) == 1


@pytest.mark.parametrize("query", ["from=not-a-number", "kind=spam", "limit=0"])
def test_bad_filters_are_422_with_a_sentence(api, query):
    response = api.get(f"/api/v1/inbound-texts?{query}")
    assert response.status_code == 422 and response.data["detail"]


def test_the_list_needs_credentials(anonymous):
    assert anonymous.get("/api/v1/inbound-texts").status_code == 401


def test_the_openapi_names_the_kinds_enum_and_the_from_field(anonymous):
    schema = anonymous.get("/api/v1/openapi.json").data
    components = schema["components"]["schemas"]
    assert set(components["InboundTextKind"]["enum"]) == {"supervisor_reply", "caller", "unknown", "opt_out", "opt_in"}
    assert "from" in components["InboundTextOut"]["properties"]
    parameters = {p["name"] for p in schema["paths"]["/api/v1/inbound-texts"]["get"]["parameters"]}
    assert {"from", "kind", "limit", "offset"} <= parameters
