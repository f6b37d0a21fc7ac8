"""POST /api/v1/sms/inbound: a supervisor answers a help request by replying to its alert.

Twilio posts the reply as a signed form (the `text` fixture signs it with twilio-python's own
RequestValidator); a correctly signed text from a supervisor's phone is resolved through the
same service as the console and the API, and Twilio is answered with TwiML that texts the
supervisor what happened. A reply without an id never guesses between several requests.
Texts from callers, strangers and opt-outs: test_inbound_texts.py and test_opt_out.py.
"""

from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest
from django.test import override_settings
from twilio.request_validator import RequestValidator

from helprequests.inbound_sms import signature_is_valid, split_reply, twilio_signature, twiml
from helprequests.models import HelpRequest, InboundText, Supervisor
from helprequests.tests.support_salon import CALLER, create_help_request_via_api, open_all_hours
from helprequests.tests.support_sms import INBOUND_PATH as PATH
from helprequests.tests.support_sms import INBOUND_URL as URL
from helprequests.tests.support_sms import TWILIO_TOKEN as TOKEN
from helprequests.tests.support_sms import reply_of
from outbound.models import Message

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("twilio_configured")]

MAYA = "+14155550101"
JORDAN = "+14155550102"


@pytest.fixture
def salon(salon):
    """The seeded salon, open all hours: what these tests count must not depend on the hour they run."""
    open_all_hours()


@pytest.fixture
def only_maya_on_duty(salon):
    """Every new request goes to Maya (the owner), so a test knows who was alerted."""
    Supervisor.objects.exclude(is_owner=True).update(available=False)


@pytest.fixture
def ask(api, django_capture_on_commit_callbacks):
    def ask(question: str = "Do you sell gift vouchers?", caller_phone: str = CALLER) -> HelpRequest:
        with django_capture_on_commit_callbacks(execute=True):
            created = create_help_request_via_api(api, question=question, caller_phone=caller_phone)
        return HelpRequest.objects.get(pk=created["id"])

    return ask


def followups() -> list[Message]:
    return list(Message.objects.filter(kind=Message.Kind.CALLER_FOLLOWUP))


# --- The signature: Twilio's algorithm, checked against Twilio's own published example ---------

# From twilio-python, tests/unit/test_request_validator.py.
TWILIO_EXAMPLE_TOKEN = "12345"
TWILIO_EXAMPLE_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
TWILIO_EXAMPLE_PARAMS = {
    "CallSid": "CA1234567890ABCDE",
    "Digits": "1234",
    "From": "+14158675309",
    "To": "+18005551212",
    "Caller": "+14158675309",
}


def test_the_signature_is_twilios_published_example():
    signature = twilio_signature(TWILIO_EXAMPLE_TOKEN, TWILIO_EXAMPLE_URL, TWILIO_EXAMPLE_PARAMS.items())
    assert signature == "RSOYDt4T1cUTdK1PDd93/VVr8B8="


def test_a_repeated_field_is_signed_with_its_values_sorted_as_twilio_does():
    params = [("Sid", "CA123"), ("SidAccount", "AC123"), ("Digits", "5678"), ("Digits", "1234")]
    assert twilio_signature(TWILIO_EXAMPLE_TOKEN, TWILIO_EXAMPLE_URL, params) == "IK+Dwps556ElfBT0I3Rgjkr1wJU="


@pytest.mark.parametrize(
    ("url", "signature"),
    [
        (TWILIO_EXAMPLE_URL, "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
        ("https://mycompany.com:1234/myapp.php?foo=1&bar=2", "RSOYDt4T1cUTdK1PDd93/VVr8B8="),  # signed without port
        (TWILIO_EXAMPLE_URL, "kvajT1Ptam85bY51eRf/AJRuM3w="),  # signed with :443
        ("http://mycompany.com/myapp.php?foo=1&bar=2", "0ZXoZLH/DfblKGATFgpif+LLRf4="),  # signed with :80
    ],
)
def test_a_url_is_accepted_with_or_without_its_port_like_twilios_validator(url, signature):
    assert signature_is_valid(TWILIO_EXAMPLE_TOKEN, url, TWILIO_EXAMPLE_PARAMS.items(), signature)


def test_our_check_accepts_exactly_what_twilios_own_validator_signs():
    form = {"MessageSid": "SM1", "From": MAYA, "Body": "#4 Yes, café & crème ✓", "To": "+14155550142"}
    signed_by_twilio = RequestValidator(TOKEN).compute_signature(URL, form)
    assert signature_is_valid(TOKEN, URL, form.items(), signed_by_twilio)
    assert RequestValidator(TOKEN).validate(URL, form, twilio_signature(TOKEN, URL, form.items()))


def test_any_change_breaks_the_signature():
    good = "RSOYDt4T1cUTdK1PDd93/VVr8B8="
    changed = {**TWILIO_EXAMPLE_PARAMS, "Digits": "1235"}
    assert not signature_is_valid(TWILIO_EXAMPLE_TOKEN, TWILIO_EXAMPLE_URL, changed.items(), good)
    assert not signature_is_valid("54321", TWILIO_EXAMPLE_URL, TWILIO_EXAMPLE_PARAMS.items(), good)
    assert not signature_is_valid(
        TWILIO_EXAMPLE_TOKEN, TWILIO_EXAMPLE_URL + "&x=1", TWILIO_EXAMPLE_PARAMS.items(), good
    )


# --- Reading a reply -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("#42 Yes we do", (42, "Yes we do")),
        ("# 42: yes, at the desk", (42, "yes, at the desk")),
        ("42: yes", (42, "yes")),
        ("  42) yes\n", (42, "yes")),
        ("#42 - Yes", (42, "Yes")),
        ("#42", (42, "")),
        ("Yes we do", (None, "Yes we do")),
        ("25 dollars", (None, "25 dollars")),  # a bare number is part of the answer
        ("", (None, "")),
    ],
)
def test_a_reply_names_its_request_with_a_hash_or_a_colon(body, expected):
    assert split_reply(body) == expected


def test_twiml_escapes_the_message():
    message = 'Tom & "Jerry" <3 </Message>'
    assert ElementTree.fromstring(twiml(message)).findtext("Message") == message


def test_nothing_to_text_back_is_an_empty_response():
    root = ElementTree.fromstring(twiml(""))
    assert root.tag == "Response" and list(root) == []


# --- Answering by text -----------------------------------------------------------------------


def test_a_signed_reply_with_an_id_answers_that_request_texts_the_caller_and_is_learned(
    api, only_maya_on_duty, ask, text, sent_texts
):
    assert api.post("/api/v1/knowledge/lookup", {"question": "Do you sell gift vouchers?"}).data["matched"] is False
    help_request = ask("Do you sell gift vouchers?")
    alert = Message.objects.get(kind=Message.Kind.SUPERVISOR_ALERT, help_request_id=help_request.pk)
    assert f"Reply with #{help_request.pk} and your answer" in alert.body

    response = text(MAYA, f"#{help_request.pk} Yes, any amount, at the front desk.")

    assert reply_of(response) == f"Thanks Maya — sent to the caller (request #{help_request.pk})."
    help_request.refresh_from_db()
    assert help_request.status == "resolved"
    assert help_request.answer == "Yes, any amount, at the front desk."
    assert help_request.answered_by.name == "Maya Chen"
    assert help_request.events.last().actor == "sms:Maya Chen"
    [to_caller] = [sent for sent in sent_texts if sent.to == CALLER]
    assert to_caller.body.endswith("Yes, any amount, at the front desk.")
    learned = api.post("/api/v1/knowledge/lookup", {"question": "Do you sell gift vouchers?"}).data
    assert learned["matched"] and learned["answer"] == "Yes, any amount, at the front desk."
    record = InboundText.objects.get()
    assert (record.supervisor.name, record.help_request, record.outcome) == ("Maya Chen", help_request, "resolved")


def test_any_supervisor_may_answer_a_request_by_its_id(salon, only_maya_on_duty, ask, text):
    help_request = ask()
    assert reply_of(text(JORDAN, f"{help_request.pk}: Yes we do.")).startswith("Thanks Jordan")
    help_request.refresh_from_db()
    assert (help_request.status, help_request.answered_by.name) == ("resolved", "Jordan Alvarez")


def test_a_reply_without_an_id_answers_the_only_pending_request_assigned_to_that_supervisor(
    only_maya_on_duty, ask, text
):
    jordans = ask("Do you sell gift vouchers?")
    HelpRequest.objects.filter(pk=jordans.pk).update(assigned_supervisor=Supervisor.objects.get(phone=JORDAN))
    mayas = ask("Is there parking close by?")

    reply = reply_of(text(MAYA, "There is a garage on Clay Street."))

    assert reply == f'Thanks Maya — sent to the caller (request #{mayas.pk}, "Is there parking close by?").'
    statuses = dict(HelpRequest.objects.values_list("pk", "status"))
    assert statuses == {jordans.pk: "pending", mayas.pk: "resolved"}


def test_a_reply_without_an_id_with_several_pending_answers_none_learns_nothing_and_lists_them(
    api, only_maya_on_duty, ask, text, sent_texts
):
    """Issue 13: Maya's "$15 per strand", meant for the tinsel question, resolved the PayPal one,
    was texted to the PayPal caller and learned as the answer to "Can I pay with PayPal?"."""
    paypal = ask("Can I pay with PayPal?", caller_phone="+14155550161")
    tinsel = ask("Do you do hair tinsel?", caller_phone="+14155550162")
    sent_texts.clear()

    reply = reply_of(text(MAYA, "Yes we do, $15 per strand"))

    assert reply == (
        f'Hi Maya, several requests are waiting for you: #{paypal.pk} "Can I pay with PayPal?"; '
        f'#{tinsel.pk} "Do you do hair tinsel?". Nothing was sent. Reply with #<id> and your answer.'
    )
    assert set(HelpRequest.objects.values_list("status", flat=True)) == {"pending"}
    assert sent_texts == [] and not followups()
    lookup = api.post("/api/v1/knowledge/lookup", {"question": "Can I pay with PayPal at the salon?"}).data
    assert lookup["answer"] != "Yes we do, $15 per strand" and not lookup["matched"]
    record = InboundText.objects.get()
    assert (record.kind, record.outcome, record.help_request) == ("supervisor_reply", "several_pending", None)

    # Named, it answers the one she meant.
    assert reply_of(text(MAYA, f"#{tinsel.pk} Yes we do, $15 per strand")).startswith("Thanks Maya")
    assert dict(HelpRequest.objects.values_list("pk", "status")) == {paypal.pk: "pending", tinsel.pk: "resolved"}
    assert [sent.to for sent in sent_texts] == ["+14155550162"]


def test_a_which_one_reply_lists_at_most_five_and_says_there_are_more(only_maya_on_duty, ask, text):
    waiting = [ask(f"Do you stock shampoo number {n}?", caller_phone=f"+1415555017{n}") for n in range(7)]

    reply = reply_of(text(MAYA, "Yes."))

    assert [f"#{r.pk} " in reply for r in waiting] == [True] * 5 + [False] * 2
    assert "and more (see the console)" in reply
    assert set(HelpRequest.objects.values_list("status", flat=True)) == {"pending"}


def test_a_reply_without_an_id_when_nothing_waits_for_that_supervisor_changes_nothing(only_maya_on_duty, ask, text):
    help_request = ask()  # Maya's, not Jordan's
    assert "no request is waiting for you" in reply_of(text(JORDAN, "Yes we do."))
    assert HelpRequest.objects.get(pk=help_request.pk).status == "pending"
    assert InboundText.objects.get().outcome == "nothing_pending"


def test_an_answer_to_an_answered_request_says_who_answered_and_sends_nothing(
    api, only_maya_on_duty, ask, text, sent_texts
):
    help_request = ask()
    maya = Supervisor.objects.get(phone=MAYA)
    api.post(f"/api/v1/help-requests/{help_request.pk}/resolve", {"answer": "Yes.", "supervisor_id": maya.pk})
    before = len(followups())

    reply = reply_of(text(JORDAN, f"#{help_request.pk} No, sorry."))

    assert reply == f"Request #{help_request.pk} was already answered by Maya Chen; yours was not sent."
    help_request.refresh_from_db()
    assert (help_request.answer, help_request.answered_by) == ("Yes.", maya)
    assert len(followups()) == before


@pytest.mark.parametrize("body", ["#999 Yes we do", "#99999999999999999999999999 Yes"])
def test_an_unknown_id_is_answered_with_no_such_request(only_maya_on_duty, ask, text, body):
    help_request = ask()
    assert reply_of(text(MAYA, body)).startswith("There is no request #")
    assert HelpRequest.objects.get(pk=help_request.pk).status == "pending"


@pytest.mark.parametrize("body", ["", "   ", "#{id}", "#{id}:  "])
def test_a_text_without_an_answer_asks_for_one(only_maya_on_duty, ask, text, body):
    help_request = ask()
    reply = reply_of(text(MAYA, body.format(id=help_request.pk)))
    assert reply.startswith("Your text had no answer in it. Reply with #")
    assert HelpRequest.objects.get(pk=help_request.pk).status == "pending"


def test_twilio_retrying_the_same_text_answers_once(only_maya_on_duty, ask, text, sent_texts):
    help_request = ask()
    first = text(MAYA, f"#{help_request.pk} Yes we do.", sid="SMretry")
    again = text(MAYA, f"#{help_request.pk} Yes we do.", sid="SMretry")

    assert reply_of(again) == reply_of(first) == f"Thanks Maya — sent to the caller (request #{help_request.pk})."
    assert len(followups()) == 1 and [t.to for t in sent_texts].count(CALLER) == 1
    assert help_request.events.filter(to_status="resolved").count() == 1
    assert InboundText.objects.count() == 1


# --- Who may post: Twilio, about a supervisor, when configured --------------------------------


def _nothing_happened(help_request: HelpRequest) -> None:
    help_request.refresh_from_db()
    assert help_request.status == "pending"
    assert not followups() and not InboundText.objects.exists()


@pytest.mark.parametrize(
    "signature",
    [
        "",  # missing
        "RSOYDt4T1cUTdK1PDd93/VVr8B8=",  # some other request's
        "not base64 at all ✗",
    ],
)
def test_a_text_not_signed_by_twilio_is_403_and_changes_nothing(only_maya_on_duty, ask, text, signature):
    help_request = ask()
    response = text(MAYA, f"#{help_request.pk} Yes", signature=signature)
    assert response.status_code == 403 and "X-Twilio-Signature" in response.json()["detail"]
    _nothing_happened(help_request)


def test_a_text_signed_with_another_token_is_403(only_maya_on_duty, ask, text):
    help_request = ask()
    form = {"MessageSid": "SM1", "From": MAYA, "Body": f"#{help_request.pk} Yes"}
    forged = twilio_signature("someone-elses-token", URL, form.items())
    assert text(MAYA, f"#{help_request.pk} Yes", signature=forged).status_code == 403
    _nothing_happened(help_request)


def test_behind_a_proxy_the_url_twilio_called_is_set_in_twilio_webhook_url(only_maya_on_duty, ask, text):
    help_request = ask()
    public = "https://salon.example.com/api/v1/sms/inbound"
    assert text(MAYA, f"#{help_request.pk} Yes", url=public).status_code == 403  # signed for another URL
    with override_settings(TWILIO_WEBHOOK_URL=public):
        assert reply_of(text(MAYA, f"#{help_request.pk} Yes", url=public)).startswith("Thanks Maya")


@pytest.mark.parametrize("sender", ["+14155550199", "whatsapp:+14155550101", "not a number"])
def test_a_text_from_someone_who_is_not_a_supervisor_answers_nothing_but_is_kept(only_maya_on_duty, ask, text, sender):
    help_request = ask()
    response = text(sender, f"#{help_request.pk} Yes, free vouchers for everyone!")
    assert reply_of(response) is None  # 200, and nothing texted back to a stranger
    help_request.refresh_from_db()
    assert help_request.status == "pending" and not followups()
    record = InboundText.objects.get()
    assert (record.from_phone, record.kind, record.supervisor) == (sender, "unknown", None)


def test_without_a_twilio_auth_token_inbound_texts_are_off(only_maya_on_duty, ask, text):
    help_request = ask()
    with override_settings(TWILIO_AUTH_TOKEN=None):
        response = text(MAYA, f"#{help_request.pk} Yes")
    assert response.status_code == 503 and "TWILIO_AUTH_TOKEN" in response.json()["detail"]
    _nothing_happened(help_request)


def test_it_needs_no_api_token_but_a_bearer_token_does_not_replace_the_signature(api, only_maya_on_duty, ask):
    help_request = ask()
    response = api.client.post(
        PATH,
        urlencode({"MessageSid": "SM1", "From": MAYA, "Body": "Yes"}),
        content_type="application/x-www-form-urlencoded",
        headers=api.headers,
    )
    assert response.status_code == 403
    _nothing_happened(help_request)


def _signed_post(client, body: str | bytes, content_type: str, fields: dict[str, str]):
    return client.post(
        PATH,
        body,
        content_type=content_type,
        headers={"X-Twilio-Signature": twilio_signature(TOKEN, URL, fields.items())},
    )


@pytest.mark.parametrize(
    ("body", "content_type", "fields", "status"),
    [
        ("From=%2B14155550101&Body=Yes", "application/x-www-form-urlencoded", {"From": MAYA, "Body": "Yes"}, 422),
        ("MessageSid=SM1&Body=Yes", "application/x-www-form-urlencoded", {"MessageSid": "SM1", "Body": "Yes"}, 422),
        (
            "MessageSid=" + "S" * 65 + "&From=%2B14155550101",
            "application/x-www-form-urlencoded",
            {"MessageSid": "S" * 65, "From": MAYA},
            422,
        ),
        ('{"MessageSid": "SM1", "From": "+14155550101"}', "application/json", {}, 422),
        (b"\xff\xfe%%%=&&==", "application/x-www-form-urlencoded", {}, 403),
        ("--x\r\nbroken multipart", "multipart/form-data; boundary=x", {}, 422),
        ("&".join(f"f{i}=x" for i in range(1001)), "application/x-www-form-urlencoded", {}, 400),  # too many
    ],
)
def test_malformed_posts_are_4xx_never_500(client, only_maya_on_duty, body, content_type, fields, status):
    response = _signed_post(client, body, content_type, fields)
    assert response.status_code == status, response.content
    assert not InboundText.objects.exists()


def test_staff_see_each_text_and_what_it_did_in_admin_read_only(admin_client, only_maya_on_duty, ask, text):
    help_request = ask()
    text(MAYA, f"#{help_request.pk} Yes we do.", sid="SMadmin")
    record = InboundText.objects.get()

    listing = admin_client.get("/admin/helprequests/inboundtext/")
    assert listing.status_code == 200 and b"Yes we do." in listing.content
    page = admin_client.get(f"/admin/helprequests/inboundtext/{record.pk}/change/")
    assert page.status_code == 200 and b"SMadmin" in page.content and b'name="body"' not in page.content
    assert admin_client.get("/admin/helprequests/inboundtext/add/").status_code == 403
